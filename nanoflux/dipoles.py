"""Discrete dipoles: the paper's point-dipole field, summed over many dipoles, and random samples.

The paper's field of dipole i at r (SI: B in T, lengths in m, moments in A m^2)::

    B_i(r) = mu0 / (4 pi) [3 (m_i . u) u - m_i] / |r - r_i|^3,   u = (r - r_i) / |r - r_i|

and by superposition B(r) = sum_i B_i(r). :func:`dipole_field` validates its inputs once
and hands them to a private kernel that checks nothing (the layout of magpylib).

The kernel works on tiles of (a few dipoles) x (a few thousand points), component by
component (separate x, y, z float64 arrays, in-place ufuncs with ``out=``), so extra memory
is a fixed few MB per thread whatever N and M are, and never an (N, M, 3) array. Chunks of
points run on a thread pool (NumPy releases the GIL inside its loops). No BLAS is used.
"""
from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import validate as v
from nanoflux.constants import BOHR_MAGNETON, VACUUM_PERMEABILITY
from nanoflux.meanfield import critical_radius_mean_field

#: A point closer to a dipole than this fraction of the coordinate scale (the largest
#: absolute coordinate of any point or dipole, in m) is taken to coincide with it.
COINCIDENCE_RTOL = 1e-12

# Tiling of the kernel (see _dipole_field_kernel). Per thread the scratch is 8 bytes x
# (6 x tile pairs + 12 x chunk points + 6 x tile dipoles): about 3.3 MB at these values.
_CHUNK_POINTS_MAX = 8192  # points per chunk (one thread computes a whole chunk)
_CHUNK_POINTS_MIN = 4096  # NumPy's 2-D broadcasting slows down below ~3000 points a row; split no finer
_TILE_PAIRS = 65536  # point-dipole pairs per tile
_TILE_DIPOLES_MIN = 8
_MAX_THREADS = 8
_SCRATCH_BUDGET_BYTES = 48 * 2**20  # all threads' scratch together (the promise is 64 MB)
_WAIT_STEP_S = 0.05  # the calling thread's longest wait between checks for Ctrl-C (s)


# --------------------------------------------------------------------------- the kernel
class _Stopped(Exception):
    """A worker thread saw the stop flag: the caller was interrupted."""


def _chunk_field(points, positions, moments, out, p0, p1, nt, buf, stop=None, scale=(0, 0)):
    """Field at points[p0:p1] into out[p0:p1]; returns (min squared distance, all finite).

    ``scale`` = (a, b): lengths are taken in units of 2^a m and moments in units of 2^b A m^2 (exact: powers
    of two), so that any input that fits float64 keeps every intermediate in range; the field written is
    then in units of 2^(b - 3a) T, and the squared distances in units of 2^(2a) m^2.

    ``stop``, a threading.Event, is checked before every tile (a few ms of work): once it is set
    the thread raises _Stopped, so an interrupted call ends promptly.

    Tile layout (3, nt, P): a row per dipole, the P points contiguous. With d = r - r_i
    (so u = d / |d|), a = |d|^-3 and q = (m_i . d) |d|^-5, the paper's sum is
    B = mu0/(4 pi) (3 sum_i q d - sum_i a m_i); each tile adds its dipoles' share of the two
    sums (einsum reductions over the tile's rows, no BLAS). ``buf`` is the thread's scratch.
    """
    P, N = p1 - p0, len(positions)
    tile = nt * P
    D = buf[:3 * tile].reshape(3, nt, P)
    r2_, a_, q_ = (buf[(3 + k) * tile:(4 + k) * tile].reshape(nt, P) for k in range(3))
    rest = buf[6 * tile:6 * tile + 12 * P].reshape(4, 3, P)
    p3, acc_q, acc_c, t3 = rest[0], rest[1], rest[2], rest[3]
    rT_, mT_ = buf[6 * tile + 12 * P:6 * tile + 12 * P + 6 * nt].reshape(2, 3, nt)
    p3[...] = points[p0:p1].T
    np.ldexp(p3, -scale[0], out=p3)
    acc_q[...] = 0.0
    acc_c[...] = 0.0
    r2min = np.inf
    for d0 in range(0, N, nt):
        if stop is not None and stop.is_set():
            raise _Stopped()
        d1 = min(d0 + nt, N)
        k = d1 - d0
        d, r2, a, q, rT, mT = D[:, :k], r2_[:k], a_[:k], q_[:k], rT_[:, :k], mT_[:, :k]
        np.copyto(rT, positions[d0:d1].T)  # contiguous (3, k) copies: faster loops below
        np.copyto(mT, moments[d0:d1].T)
        np.ldexp(rT, -scale[0], out=rT)
        np.ldexp(mT, -scale[1], out=mT)
        np.subtract(p3[:, None, :], rT[:, :, None], out=d)
        np.multiply(d[0], d[0], out=r2)
        np.multiply(d[1], d[1], out=q)
        r2 += q
        np.multiply(d[2], d[2], out=q)
        r2 += q
        r2min = min(r2min, float(r2.min()))
        np.divide(1.0, r2, out=r2)  # r2 now holds |d|^-2
        np.sqrt(r2, out=a)
        a *= r2  # |d|^-3
        np.einsum("kij,ki->ij", d, mT, out=q)  # m_i . d
        q *= a
        q *= r2  # (m_i . d) |d|^-5
        np.einsum("kij,ij->kj", d, q, out=t3)
        acc_q += t3
        np.einsum("ij,ki->kj", a, mT, out=t3)
        acc_c += t3
    acc_q *= 3.0
    acc_q -= acc_c
    acc_q *= VACUUM_PERMEABILITY.value / (4.0 * np.pi)
    out[p0:p1] = acc_q.T
    return r2min, bool(np.isfinite(acc_q).all())


def _dipole_field_kernel(points, positions, moments, out, *, chunk_points, tile_dipoles, threads, scale=(0, 0)):
    """Fill ``out`` (M, 3) with the summed dipole field; no checks. Returns (min |r - r_i|^2, finite).

    ``points`` (M, 3), ``positions`` and ``moments`` (N, 3) are float64. Points go in chunks of
    ``chunk_points``, dipoles in tiles of ``tile_dipoles``; each of ``threads`` threads takes
    the next chunk until none is left, in one scratch buffer of
    8 (6 chunk_points tile_dipoles + 12 chunk_points + 6 tile_dipoles) bytes.

    With several threads the calling thread only waits, in steps of 0.05 s: Ctrl-C (or Jupyter's
    "Interrupt kernel") raises KeyboardInterrupt there, the workers stop before their next tile
    (a tile is at most ~70,000 point-dipole pairs, well under a millisecond), and the
    KeyboardInterrupt is re-raised once their threads have ended. A worker's error stops the
    others the same way and is raised. ``scale`` as in :func:`_chunk_field`.

    Each point's sum runs over the dipoles in the same order whatever the chunking and the
    thread count: the result is bitwise the same for any thread count, and for another
    chunking differs only by rounding in the tails of NumPy's SIMD loops (~1e-16). Other
    tile sizes regroup the sum. Where a point sits on a dipole the output is NaN or inf; the
    caller checks the returned minimum.
    """
    M = len(points)
    n_chunks = -(-M // chunk_points)
    nt = max(1, min(tile_dipoles, len(positions)))
    size = 6 * nt * chunk_points + 12 * chunk_points + 6 * nt
    threads = max(1, min(threads, n_chunks))
    lock = threading.Lock()
    counter = itertools.count()
    stop = threading.Event() if threads > 1 else None

    def work():
        buf = np.empty(size)
        r2min, finite = np.inf, True
        with np.errstate(all="ignore"):  # each thread has its own error state
            while True:
                with lock:
                    p0 = next(counter) * chunk_points
                if p0 >= M:
                    return r2min, finite
                p1 = min(p0 + chunk_points, M)
                r, f = _chunk_field(points, positions, moments, out, p0, p1, nt, buf, stop, scale)
                r2min, finite = min(r2min, r), finite and f

    if threads == 1:
        return work()  # one thread: KeyboardInterrupt arrives between the tiles' NumPy calls
    pool = ThreadPoolExecutor(threads, thread_name_prefix="nanoflux-dipole_field")
    futures = []
    try:
        futures.extend(pool.submit(work) for _ in range(threads))
        # Short timed waits: Python runs signal handlers (KeyboardInterrupt) only in this thread,
        # and at the latest when a wait times out (the OS may deliver SIGINT to a worker thread,
        # which does not wake this one). A worker's error ends the wait at once.
        while True:
            done, not_done = wait(futures, timeout=_WAIT_STEP_S, return_when=FIRST_EXCEPTION)
            if not not_done or any(f.exception() is not None for f in done):
                break
    finally:
        # Interrupted (or a worker failed): the other workers stop before their next tile.
        # Done normally: a no-op. Either way every worker thread has ended on return.
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
    errors = [f.exception() for f in futures]
    for err in errors:  # a worker's own error, not a _Stopped it caused in the others
        if err is not None and not isinstance(err, _Stopped):
            raise err
    results = [f.result() for f in futures]
    return min(r for r, _ in results), all(f for _, f in results)


def _plan(M: int, N: int):
    """Chunk size, tile size and thread count for M points and N dipoles."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cpus = max(1, min(cpus, _MAX_THREADS))
    n_chunks = -(-M // _CHUNK_POINTS_MAX)
    n_chunks = max(n_chunks, min(cpus, M // _CHUNK_POINTS_MIN))  # enough chunks for the cores
    if n_chunks >= cpus:
        n_chunks = -(-n_chunks // cpus) * cpus  # a whole number of chunks per thread
    chunk = -(-M // max(n_chunks, 1))
    tile = max(_TILE_DIPOLES_MIN, _TILE_PAIRS // chunk)
    tile = min(tile, N)
    per_thread = 8 * (6 * tile * chunk + 12 * chunk + 6 * tile)
    threads = max(1, min(cpus, -(-M // chunk), _SCRATCH_BUDGET_BYTES // per_thread))
    return chunk, tile, threads


def _first_coincidence(points, positions, limit2: float):
    """(point index, dipole index, distance) of the first pair closer than sqrt(limit2); bounded memory."""
    step = 256
    for p0 in range(0, len(points), step):
        p = points[p0:p0 + step]
        best = None
        for d0 in range(0, len(positions), step):
            d = p[:, None, :] - positions[None, d0:d0 + step, :]
            r2 = d[..., 0] * d[..., 0]
            r2 += d[..., 1] * d[..., 1]
            r2 += d[..., 2] * d[..., 2]
            hits = np.argwhere(r2 <= limit2)
            if hits.size:
                i, j = int(hits[0, 0]), int(hits[0, 1])
                if best is None or i < best[0]:
                    best = (i, d0 + j, float(np.sqrt(r2[i, j])))
        if best is not None:
            return p0 + best[0], best[1], best[2]
    return None


def dipole_field(points: ArrayLike, positions: ArrayLike, moments: ArrayLike) -> np.ndarray:
    """Summed field B in T of N point dipoles at M points: sum_i mu0/(4 pi) [3 (m_i.u) u - m_i] / |r - r_i|^3.

    The paper's dipole formula with superposition; u is the unit vector from dipole i to the
    point, mu0 the CODATA 2022 value of :data:`nanoflux.VACUUM_PERMEABILITY`.

    ``points`` (M, 3) in m, or one point (3,); ``positions`` (N, 3) in m and ``moments`` (N, 3)
    in A m^2, or one dipole as two (3,) vectors. Returns float64 (M, 3), or (3,) for one point.

    A point coincides with a dipole when their distance is at most ``COINCIDENCE_RTOL`` (1e-12)
    times the coordinate scale (the largest absolute coordinate of any point or dipole; so
    distance 0 always counts): the field is singular there, and a ValueError names the first such
    point and its dipole. Inside, lengths and moments are taken in units of powers of two that bring
    them near 1 (exact), so every field that float64 can hold is returned, whatever the scale of the
    coordinates (1e150 m) or the moments (1e-300 A m^2); a field beyond float64, or a point's whole field
    below its smallest normal number (2.2e-308 T), raises ValueError: the result is never NaN, inf or a
    denormal that lost its digits.

    Memory beyond the inputs and the result is a few MB per thread (at most 48 MB in all) for any
    N and M; float64 inputs are not copied. Uses up to 8 threads when there are 8192+ points.
    """
    pts, single, pscale = v.vectors(points, "points", "m")
    pos, mom, rscale = v.dipole_arrays(positions, moments)
    out = np.empty((len(pts), 3))
    chunk, tile, threads = _plan(len(pts), len(pos))
    a = int(np.frexp(max(pscale, rscale))[1])  # lengths in units of 2^a m: every coordinate below 1
    b = int(np.frexp(float(np.abs(mom).max()))[1])  # moments in units of 2^b A m^2
    r2min, finite = _dipole_field_kernel(
        pts, pos, mom, out, chunk_points=chunk, tile_dipoles=tile, threads=threads, scale=(a, b)
    )
    limit = COINCIDENCE_RTOL * max(pscale, rscale)
    scaled_limit = COINCIDENCE_RTOL * np.ldexp(max(pscale, rscale), -a)
    if r2min <= scaled_limit**2:
        hit = _first_coincidence(np.ldexp(pts, -a), np.ldexp(pos, -a), scaled_limit**2)
        i, j, dist = hit if hit is not None else (-1, -1, float(np.sqrt(r2min)))
        where = "points" if single else f"points[{i}]"
        raise v.InputError(
            f"points must not coincide with a dipole, where the dipole field is singular "
            f"(distance at most {COINCIDENCE_RTOL:g} of the coordinate scale, {limit:.3g} m); "
            f"got {where} = {pts[i].tolist()!r} at {np.ldexp(dist, a):.3g} m from positions[{j}]"
        )
    _rescale(out, b - 3 * a, pts, single, finite)
    return out[0] if single else out


def _rescale(out: np.ndarray, exponent: int, pts: np.ndarray, single: bool, finite: bool) -> None:
    """The field in T from the field in units of 2^exponent T, in place; InputError where it leaves float64: an
    overflow, or a point's whole field below the smallest normal float64 (digits lost to underflow)."""
    largest = np.abs(out).max(axis=1)
    with np.errstate(over="ignore", under="ignore"):
        np.ldexp(out, exponent, out=out)
    if finite and np.isfinite(out).all():
        low = (largest > 0) & (np.frexp(largest)[1] + exponent < np.finfo(np.float64).minexp)
        if low.any():
            i = int(np.argmax(low))
            where = "points" if single else f"points[{i}]"
            size = np.log10(largest[i]) + exponent * np.log10(2.0)
            raise v.InputError(
                f"the dipole field must be a normal float64 (at least {v.TINY:.3g} T in size); at {where} = "
                f"{pts[i].tolist()!r} it is about 1e{size:.0f} T (moments too small, or the point too far)")
        return
    i = v.first_bad_row(out, lambda rows: ~np.isfinite(rows))
    where = "points" if single else f"points[{i}]"
    raise v.InputError(
        f"the dipole field must be finite in float64; got an overflow at {where} = "
        f"{pts[i].tolist()!r} (moments too large or a point too close to a dipole)"
    )


# --------------------------------------------------------------------------- sampling
def _unit_vectors(count: int, gen: np.random.Generator) -> np.ndarray:
    """``count`` unit vectors uniform on the sphere (Archimedes: cos(theta) uniform in [-1, 1])."""
    cos_t = gen.uniform(-1.0, 1.0, count)
    phi = gen.uniform(0.0, 2.0 * np.pi, count)
    sin_t = np.sqrt((1.0 - cos_t) * (1.0 + cos_t))
    return np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=1)


def sample_radius(N: int, n: float | None = None, *, radius: float | None = None) -> float:
    """Radius in m of the sphere :func:`sample_dipoles` fills: ``radius`` if given, else (3N/(4 pi n))^(1/3).

    The paper's mean-field radius (:func:`nanoflux.critical_radius_mean_field`); ``n`` in m^-3,
    default the paper's 1e23. Give ``n`` or ``radius``, not both.
    """
    N = v.count(N)
    if radius is None:
        return float(critical_radius_mean_field(N, None if n is None else v.single_positive(n, "n", "m^-3")))
    if n is not None:
        raise v.InputError(f"give either n or radius, not both; got n={n!r} and radius={radius!r}")
    r = v.positive_finite(radius, "radius", "m")
    if r.ndim != 0:
        raise v.InputError(f"radius must be a single number, in m; got {radius!r}")
    return float(r)


#: The most dipoles :func:`sample_dipoles` draws at once (positions and moments: 48 bytes each, 4.8 GB).
MAX_DIPOLES = 10**8


def sample_dipoles(N: int, n: float | None = None, *, radius: float | None = None, aligned: bool = True,
                   moment: float = BOHR_MAGNETON, rng: int | np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """N dipoles uniform in a sphere at the origin: (positions (N, 3) in m, moments (N, 3) in A m^2).

    The sphere's radius is the paper's mean-field r = (3N/(4 pi n))^(1/3) for density ``n``
    (m^-3, default 1e23), or ``radius`` (m) if given. Positions are uniform in the ball
    (radius r U^(1/3), direction uniform on the sphere). Each moment has magnitude ``moment``
    (A m^2, default one Bohr magneton) and points along +z (``aligned=True``) or in a direction
    uniform on the sphere.

    ``rng`` is an int seed or a ``numpy.random.Generator`` (advanced in place). The same seed
    gives the same sample; positions are drawn first, so they do not depend on ``aligned``.
    """
    N = v.count(N)
    if N > MAX_DIPOLES:
        raise v.InputError(f"N must be at most {MAX_DIPOLES:.0e} dipoles (48 bytes each); got {N}")
    R = sample_radius(N, n, radius=radius)
    m = v.positive_finite(moment, "moment", "A m^2")
    if m.ndim != 0:
        raise v.InputError(f"moment must be a single number, in A m^2; got {moment!r}")
    if not isinstance(aligned, (bool, np.bool_)):
        raise v.InputTypeError(f"aligned must be True or False; got {aligned!r}")
    gen = v.generator(rng)
    try:
        positions = _unit_vectors(N, gen) * (R * np.cbrt(gen.uniform(0.0, 1.0, N)))[:, None]
        if aligned:
            moments = np.zeros((N, 3))
            moments[:, 2] = float(m)
        else:
            moments = _unit_vectors(N, gen) * float(m)
    except MemoryError:
        raise v.InputError(f"N = {N} dipoles need about {N * 120 / 1e9:.3g} GB while they are drawn, more than "
                           "this machine can give; choose a smaller N") from None
    return positions, moments
