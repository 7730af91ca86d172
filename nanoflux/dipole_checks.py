"""Checks on the summed dipole field: div B = 0, zero net flux through closed surfaces, and
the 1/sqrt(N) spread of the field of N random dipoles.

SI units throughout: B in T, lengths in m, flux in Wb, divergence in T/m.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import paper
from nanoflux import validate as v
from nanoflux.constants import BOHR_MAGNETON, VACUUM_PERMEABILITY
from nanoflux.dipoles import MAX_DIPOLES, dipole_field, sample_dipoles, sample_radius
from nanoflux.quadrature import sphere_rule

#: Another model of the same dipoles: a function of points (M, 3) in m returning B (M, 3) in T.
FieldFunction = Callable[[np.ndarray], np.ndarray]


def _point(value, name: str) -> np.ndarray:
    """A single point (3,) in m as a float array."""
    arr, single, _ = v.vectors(value, name, "m")
    if not single:
        raise v.InputError(f"{name} must be one point of shape (3,), in m; got shape {np.shape(value)}")
    return arr[0]


# --------------------------------------------------------------------------- div B on a grid
class GridField(NamedTuple):
    """B on a regular grid: axes ``x``, ``y``, ``z`` (each (n,), m) and components (n, n, n) in T.

    Component arrays are indexed [i, j, k] <-> (x[i], y[j], z[k]).
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    Bx: np.ndarray
    By: np.ndarray
    Bz: np.ndarray
    step: float


#: The largest K of a grid (2K + 1 points per axis): 1.2e7 points, about 1 GB with the field.
MAX_HALF_STEPS = 114


def field_on_grid(positions: ArrayLike, moments: ArrayLike, center: ArrayLike, half_width: float, step: float, *,
                  field: FieldFunction | None = None) -> GridField:
    """The summed dipole field on the cubic grid center + step * (i, j, k), |i|, |j|, |k| <= K.

    K = round(half_width / step), from 2 to :data:`MAX_HALF_STEPS`, so the grid spans +-K step (half_width
    rounded to a whole number of steps) with n = 2K + 1 points per axis. ``center`` (3,), ``half_width`` and ``step``
    in m. Raises ValueError (from :func:`nanoflux.dipoles.dipole_field`) if a grid point sits on
    a dipole. Memory grows as n^3. ``field``, a function of points (M, 3) returning B (M, 3),
    replaces the summed point-dipole field (another model of the same dipoles).
    """
    c = _point(center, "center")
    h = v.single_positive(half_width, "half_width", "m")
    s = v.single_positive(step, "step", "m")
    with np.errstate(over="ignore"):
        ratio = h / s
    if not ratio <= MAX_HALF_STEPS + 0.5:
        raise v.InputError(
            f"half_width must be at most {MAX_HALF_STEPS} steps ({2 * MAX_HALF_STEPS + 1} grid points per axis, "
            f"{(2 * MAX_HALF_STEPS + 1) ** 3:.3g} in all); got half_width={h!r} m with step={s!r} m")
    K = int(round(ratio))
    if K < 2:
        raise v.InputError(
            f"half_width must be at least 2 steps (5 grid points per axis); "
            f"got half_width={h!r} m with step={s!r} m"
        )
    if not np.isfinite(np.abs(c).max() + K * s):
        raise v.InputError(f"center + half_width must stay within float64; got center={c.tolist()!r} m with "
                           f"half_width={h!r} m")
    offsets = s * np.arange(-K, K + 1)
    x, y, z = c[0] + offsets, c[1] + offsets, c[2] + offsets
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    points = np.stack([X.ravel(), Y.ravel(), Z.ravel()], axis=1)
    B = dipole_field(points, positions, moments) if field is None else field(points)
    shape = X.shape
    return GridField(x, y, z, B[:, 0].reshape(shape), B[:, 1].reshape(shape), B[:, 2].reshape(shape), s)


def _diagonal_derivatives(Bx, By, Bz, step):
    """dBx/dx, dBy/dy, dBz/dz (T/m) by second-order finite differences (numpy.gradient, edge_order=2)."""
    arrays = [v.as_real_array(b, name) for b, name in ((Bx, "Bx"), (By, "By"), (Bz, "Bz"))]
    for b, name in zip(arrays, ("Bx", "By", "Bz")):
        if b.ndim != 3 or min(b.shape) < 3:
            raise v.InputError(f"{name} must be a 3-D array with at least 3 points per axis; got shape {b.shape}")
        if b.shape != arrays[0].shape:
            raise v.InputError(f"{name} must have the shape of Bx, {arrays[0].shape}; got shape {b.shape}")
        if not np.isfinite(b).all():
            raise v.InputError(f"{name} must be finite, in T; got a non-finite value")
    s = v.single_positive(step, "step", "m")
    with np.errstate(over="ignore"):
        ordinary = np.isfinite(2.0 / s)
    if ordinary:  # NumPy's own spacing: the bits every notebook's numbers were made with
        derivatives = tuple(np.gradient(b, s, axis=axis, edge_order=2) for axis, b in enumerate(arrays))
    else:  # a step so small that 1/step overflows: differences first, then divided by the step
        with np.errstate(over="ignore"):
            derivatives = tuple(np.gradient(b, axis=axis, edge_order=2) / s for axis, b in enumerate(arrays))
    for derivative, name in zip(derivatives, ("Bx", "By", "Bz")):
        if not np.isfinite(derivative).all():
            raise v.InputError(f"d{name}/d{name[1]} must be finite in float64; with step={s!r} m the differences of "
                               f"{name} overflow (a larger step, or a field in other units)")
    return derivatives


def grid_divergence(Bx: np.ndarray, By: np.ndarray, Bz: np.ndarray, step: float) -> np.ndarray:
    """div B = dBx/dx + dBy/dy + dBz/dz in T/m of a field sampled on a regular grid of ``step`` (m).

    Components (n_x, n_y, n_z) in T indexed [i, j, k] <-> (x, y, z), as :class:`GridField`.
    Central differences inside and second-order one-sided ones at the faces (numpy.gradient
    with edge_order=2), so for a smooth field the result is O(step^2) where div B = 0.
    """
    gx, gy, gz = _diagonal_derivatives(Bx, By, Bz, step)
    with np.errstate(over="ignore"):
        div = gx + gy + gz
    if not np.isfinite(div).all():
        raise v.InputError(f"div B must be finite in float64; with step={step!r} m the sum of the derivatives "
                           "overflows (a larger step, or a field in other units)")
    return div


def _nearest_distance(points: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Distance (m) from each point to its nearest dipole, in bounded memory.

    Uses |p - q|^2 = |p|^2 + |q|^2 - 2 p.q on (2048 x 1024) blocks (a matrix product); the
    round-off is ~1e-16 of the coordinates squared, far below any exclusion distance used here.
    """
    nearest = np.full(len(points), np.inf)
    q2 = np.einsum("ij,ij->i", positions, positions)
    for p0 in range(0, len(points), 2048):
        p = points[p0:p0 + 2048]
        p2 = np.einsum("ij,ij->i", p, p)[:, None]
        best = nearest[p0:p0 + 2048]
        for d0 in range(0, len(positions), 1024):
            d2 = p2 + q2[None, d0:d0 + 1024] - 2.0 * (p @ positions[d0:d0 + 1024].T)
            np.minimum(best, d2.min(axis=1), out=best)
    return np.sqrt(np.maximum(nearest, 0.0))


class DivergenceResidual(NamedTuple):
    """How far a finite-difference div B is from zero on a grid.

    ``max_abs_div`` (T/m) and ``derivative_scale`` (T/m) are maxima over the kept grid points of
    |div B| and of |dBx/dx| + |dBy/dy| + |dBz/dz|; ``relative`` is their ratio, the divergence
    measured against the terms that cancel in it. ``n_points`` grid points were kept.
    """

    step: float
    max_abs_div: float
    derivative_scale: float
    relative: float
    n_points: int


def divergence_residual(positions: ArrayLike, moments: ArrayLike, center: ArrayLike, half_width: float, step: float,
                        min_distance: float) -> DivergenceResidual:
    """div B of the summed dipole field on a grid (:func:`field_on_grid`), away from the dipoles.

    Grid points closer than ``min_distance`` (m) to any dipole are left out: the field is
    singular there and no finite difference resolves it. The exact divergence is zero, so what
    remains is the finite-difference error, O(step^2): halving ``step`` divides ``relative`` by
    about 4.

    Keep ``min_distance`` fixed (in m) when comparing steps. Tying it to the step
    (k step) lets the kept points approach the dipoles as the step shrinks; the error at a
    point a distance d from a dipole is of relative order (step / d)^2, so ``relative`` would
    then stay near 1/k^2 instead of shrinking.
    """
    pos, mom, _ = v.dipole_arrays(positions, moments)
    r_min = v.single_positive(min_distance, "min_distance", "m")
    grid = field_on_grid(pos, mom, center, half_width, step)
    gx, gy, gz = _diagonal_derivatives(grid.Bx, grid.By, grid.Bz, grid.step)
    X, Y, Z = np.meshgrid(grid.x, grid.y, grid.z, indexing="ij")
    keep = _nearest_distance(np.stack([X.ravel(), Y.ravel(), Z.ravel()], axis=1), pos) >= r_min
    keep = keep.reshape(X.shape)
    if not keep.any():
        raise v.InputError(
            f"min_distance must leave some grid points away from the dipoles; got {r_min!r} m, "
            f"which excludes all {keep.size} points"
        )
    div = np.abs(gx + gy + gz)[keep].max()
    scale = (np.abs(gx) + np.abs(gy) + np.abs(gz))[keep].max()
    return DivergenceResidual(grid.step, float(div), float(scale), float(div / scale), int(keep.sum()))


class DivergenceDistribution(NamedTuple):
    """The pointwise finite-difference div B on a grid, at steps h and h/2, at the same points.

    At each kept point (farther than ``min_distance`` m from every dipole) the residual is
    |div B| / (|dBx/dx| + |dBy/dy| + |dBz/dz|), the divergence against the terms that cancel in
    it. ``quantiles_h`` and ``quantiles_h2`` give its 50th, 90th and 99th percentiles and maximum
    over the kept points; ``n_points`` were kept, ``n_inside`` of them inside the particle.
    Where the nearest dipole is at least ``law_distance`` away (``n_law`` points) a second-order
    difference loses a factor 4 when h halves: ``law_ratio`` is the median of residual(h) /
    residual(h/2) there (None if no point qualifies).
    """

    step: float
    min_distance: float
    n_points: int
    n_inside: int
    quantiles_h: tuple
    quantiles_h2: tuple
    law_distance: float
    n_law: int
    law_ratio: float | None


QUANTILES = (50, 90, 99, 100)


def divergence_distribution(positions: ArrayLike, moments: ArrayLike, center: ArrayLike, half_width: float,
                            step: float, min_distance: float, *, sphere_radius: float | None = None,
                            law_distance: float | None = None,
                            field: FieldFunction | None = None) -> DivergenceDistribution:
    """div B at every point of a grid of step h and at the same points with step h/2 (see the class).

    Points within ``min_distance`` (m) of a dipole are left out: tie it to the dipole spacing,
    not to the particle, so that points between the dipoles inside the particle are kept.
    ``sphere_radius`` (m) counts the kept points inside the particle; ``law_distance`` (default
    10 h) selects the points where the h^2 law should hold. ``field`` as in :func:`field_on_grid`.
    """
    pos, mom, _ = v.dipole_arrays(positions, moments)
    r_min = v.single_positive(min_distance, "min_distance", "m")
    h = v.single_positive(step, "step", "m")
    K = int(round(v.single_positive(half_width, "half_width", "m") / h))
    fine = field_on_grid(pos, mom, center, 2 * K * (h / 2), h / 2, field=field)
    coarse = GridField(fine.x[::2], fine.y[::2], fine.z[::2], fine.Bx[::2, ::2, ::2], fine.By[::2, ::2, ::2],
                       fine.Bz[::2, ::2, ::2], h)
    X, Y, Z = np.meshgrid(coarse.x, coarse.y, coarse.z, indexing="ij")
    points = np.stack([X.ravel(), Y.ravel(), Z.ravel()], axis=1)
    nearest = _nearest_distance(points, pos)
    keep = nearest >= r_min
    if not keep.any():
        raise v.InputError(f"min_distance must leave some grid points away from the dipoles; got {r_min!r} m")

    def residual(grid, sub):
        gx, gy, gz = _diagonal_derivatives(grid.Bx, grid.By, grid.Bz, grid.step)
        parts = [g[::sub, ::sub, ::sub].ravel() for g in (gx, gy, gz)]
        return np.abs(parts[0] + parts[1] + parts[2]) / (np.abs(parts[0]) + np.abs(parts[1]) + np.abs(parts[2]))

    coarse_res, fine_res = residual(coarse, 1)[keep], residual(fine, 2)[keep]
    c = _point(center, "center")
    inside = 0 if sphere_radius is None else int((np.linalg.norm(points[keep] - c, axis=1) < sphere_radius).sum())
    law = 10.0 * h if law_distance is None else float(law_distance)
    in_law = nearest[keep] >= law
    ratio = float(np.median(coarse_res[in_law] / fine_res[in_law])) if in_law.any() else None
    q = lambda x: tuple(float(np.percentile(x, p)) for p in QUANTILES)  # noqa: E731
    return DivergenceDistribution(h, r_min, int(keep.sum()), inside, q(coarse_res), q(fine_res), law,
                                  int(in_law.sum()), ratio)


# --------------------------------------------------------------------------- flux through a sphere
class SphereFlux(NamedTuple):
    """Flux of B through a closed sphere: ``net`` = closed-surface integral of B . n dA (Wb),
    ``absolute`` = that of |B . n| (Wb), and ``relative`` = |net| / absolute."""

    net: float
    absolute: float
    relative: float


def net_flux_through_sphere(positions: ArrayLike, moments: ArrayLike, center: ArrayLike, radius: float,
                            n_theta: int = 64, n_phi: int = 128, *,
                            field: FieldFunction | None = None) -> SphereFlux:
    """Net flux of the summed dipole field through the sphere |r - center| = radius, by quadrature.

    Gauss-Legendre in cos(theta) (``n_theta`` nodes) times the trapezoidal rule in phi (``n_phi``
    equally spaced nodes), in Wb; zero exactly (Gauss's law for B: dipoles carry no monopole),
    whether the dipoles are inside or outside. The rule integrates spherical harmonics up to
    degree 2 n_theta - 1 exactly, so for a dipole at distance d from the centre the error falls as
    (d / radius)^(2 n_theta) inside and (radius / d)^(2 n_theta) outside: about 1e-12 of the
    absolute flux at d / radius = 0.8 or 1.25 with the defaults. Dipoles near the surface need
    more nodes; one on the surface (within 1e-12 of the radius) raises ValueError. ``field`` as in
    :func:`field_on_grid`.
    """
    pos, mom, _ = v.dipole_arrays(positions, moments)
    c = _point(center, "center")
    R = v.single_positive(radius, "radius", "m")
    n_t, n_p = v.count(n_theta, "n_theta"), v.count(n_phi, "n_phi")
    dist = np.sqrt(np.einsum("ij,ij->i", pos - c, pos - c))
    on = np.flatnonzero(np.abs(dist - R) <= 1e-12 * R)
    if on.size:
        i = int(on[0])
        raise v.InputError(
            f"positions must keep off the sphere's surface, where the flux integrand is singular; "
            f"got positions[{i}] = {pos[i].tolist()!r} at {dist[i]!r} m from the centre, radius {R!r} m"
        )
    normals, weights = sphere_rule(n_t, n_p)
    B = dipole_field(c + R * normals, pos, mom) if field is None else field(c + R * normals)
    weights = weights * R * R  # dA = R^2 d(cos theta) d(phi)
    Bn = np.einsum("ij,ij->i", B, normals)
    net = float(weights @ Bn)
    absolute = float(weights @ np.abs(Bn))
    return SphereFlux(net, absolute, abs(net) / absolute if absolute > 0 else 0.0)


# --------------------------------------------------------------------------- fluctuations
class FieldFluctuation(NamedTuple):
    """Spread of B_z at a probe over random configurations, one entry per N (arrays).

    ``mean`` and ``std`` (T, sample std with ddof=1) of B_z over the configurations;
    ``relative`` = std / |mean|; ``scale`` = mu0 n m (T), the field scale of the fully aligned
    medium (magnetization n m), the same for every N; ``std_over_scale`` = std / scale.
    """

    N: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    relative: np.ndarray
    scale: float
    std_over_scale: np.ndarray


#: The most configurations :func:`field_fluctuation` draws for each N (each is a sample and a field sum).
MAX_CONFIGS = 10**6


def field_fluctuation(N_values: ArrayLike, n: float | None = None, *, n_configs: int = 200,
                      probe_distance: float = 2.0, aligned: bool = True, moment: float = BOHR_MAGNETON,
                      rng: int | np.random.Generator) -> FieldFluctuation:
    """How the field of N random dipoles spreads over configurations as N grows.

    For each N, ``n_configs`` samples of :func:`nanoflux.dipoles.sample_dipoles` (N dipoles
    uniform in the sphere of mean-field radius R = (3N/(4 pi n))^(1/3), ``n`` in m^-3, default
    1e23) give B_z at the probe (0, 0, probe_distance R), on the axis at a fixed multiple of R.

    Why this shows 1/sqrt(N): outside the sphere (probe_distance > 1) each dipole adds a
    bounded term of size ~ mu0 m / R^3. The N terms are independent, so the mean is N times
    one term and the std sqrt(N) times one term's. With R^3 proportional to N, the mean is
    independent of N (for aligned moments it is the field of the total moment N m at the centre,
    2 mu0 n m / (3 probe_distance^3)) and the std falls as 1/sqrt(N): std/|mean| ~ N^(-1/2).
    With random orientations the mean is zero; use ``std_over_scale``, which also falls as
    N^(-1/2). Inside the sphere (e.g. the centre, probe_distance = 0) dipoles come arbitrarily
    close to the probe, one term's variance is infinite, and no 1/sqrt(N) law holds.

    ``rng`` (an int seed or a Generator) drives all samples in order, so a seed fixes the result.
    """
    Ns = np.atleast_1d(v.as_real_array(N_values, "N_values"))
    if Ns.ndim != 1:
        raise v.InputError(f"N_values must be a number or a one-dimensional sequence; got shape {Ns.shape}")
    Ns = v.whole_number_at_least_one(Ns, "N_values")
    if (Ns > MAX_DIPOLES).any():
        raise v.InputError(f"N_values must be at most {MAX_DIPOLES:.0e} dipoles (a sample is drawn for each of "
                           f"n_configs configurations); got {Ns.max():.4g}")
    Ns = Ns.astype(np.int64)
    configs = v.count(n_configs, "n_configs")
    if not 2 <= configs <= MAX_CONFIGS:
        raise v.InputError(f"n_configs must be from 2 (for a spread) to {MAX_CONFIGS:.0e}; got {n_configs!r}")
    kappa = v.as_real_array(probe_distance, "probe_distance")
    if kappa.ndim != 0 or not (np.isfinite(kappa) and kappa >= 0):
        raise v.InputError(
            f"probe_distance must be a single finite number >= 0, in units of the sphere radius; "
            f"got {probe_distance!r}"
        )
    density = paper.DENSITY_PER_M3 if n is None else v.single_positive(n, "n", "m^-3")
    m = v.single_positive(moment, "moment", "A m^2")
    gen = v.generator(rng)
    mean, std = np.empty(len(Ns)), np.empty(len(Ns))
    for k, N in enumerate(Ns):
        probe = np.array([0.0, 0.0, float(kappa) * sample_radius(N, density)])
        Bz = np.empty(configs)
        for c in range(configs):
            pos, mom = sample_dipoles(N, density, aligned=aligned, moment=m, rng=gen)
            Bz[c] = dipole_field(probe, pos, mom)[2]
        mean[k], std[k] = Bz.mean(), Bz.std(ddof=1)
    scale = VACUUM_PERMEABILITY.value * density * m
    with np.errstate(divide="ignore"):
        relative = std / np.abs(mean)
    return FieldFluctuation(Ns, mean, std, relative, scale, std / scale)


def spread_prefactor(probe_distance: float = 2.0, n_nodes: int = 96) -> float:
    """The exact c in std / |mean| = c / sqrt(N) for aligned dipoles uniform in a ball of radius R,
    probe on the axis at ``probe_distance`` R (> 1): c = sqrt(<b^2> / <b>^2 - 1), where b is one
    dipole's B_z at the probe and <.> the average over its position in the ball.

    <b> is the field of a dipole at the centre (the mean-value property: the field is harmonic in
    the ball); <b^2> is integrated by Gauss-Legendre quadrature in r and cos(theta) (``n_nodes``
    each; the integrand is smooth because the probe is outside the ball). It depends on neither
    R, nor n, nor m: the prediction :func:`field_fluctuation` can be compared with.
    """
    kappa = float(probe_distance)
    if not (np.isfinite(kappa) and kappa > 1.0):
        raise v.InputError(f"probe_distance must be greater than 1 (outside the ball); got {probe_distance!r}")
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    r = 0.5 * (x + 1.0)  # radius in units of R, weight 0.5 w
    u = x  # cos(theta)
    R, U = np.meshgrid(r, u, indexing="ij")
    W = np.outer(0.5 * w, w)
    dz = kappa - R * U
    d2 = R * R * (1.0 - U * U) + dz * dz
    b = (3.0 * dz * dz / d2 - 1.0) / d2**1.5  # B_z in units of mu0 m / (4 pi R^3)
    # uniform in the ball: density 3 r^2 dr d(cos theta) / 2, over r in [0, 1]
    mean_b2 = float((W * 3.0 * R * R * b * b).sum() / 2.0)
    mean_b = 2.0 / kappa**3
    return float(np.sqrt(mean_b2 / mean_b**2 - 1.0))
