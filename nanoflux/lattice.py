"""Crystal lattices of magnetic atoms, cut into spheres: bcc Fe, fcc Ni, hcp Co.

Each lattice is built to agree with its material preset (nanoflux.materials): the lattice
constant follows from the preset's atomic density n (2 atoms per cubic cell for bcc, 4 for fcc,
2 per hexagonal cell of volume (sqrt 3 / 2) a^2 c for hcp, of ideal c/a = sqrt(8/3) unless another
c/a is asked for), and every atom carries the moment m = Ms / n along +z, so that n m = Ms exactly.
A sphere is centred on an atom. SI units: m, A m^2.

Every quantity of notebook 08 depends on an atom only through its cylindrical coordinates (rho, z),
so a sphere is also available as *columns* (:func:`columns`): the distinct pairs (rho^2, z) with their
multiplicity, about twelve times fewer rows than atoms, sorted by distance from the centre and grouped
into shells of equal distance. The coordinates are integers in units of the lattice (rho^2 in units of
(a/2)^2 and z of a/2 for bcc and fcc; rho^2 in units of a^2/3 and z of c/2 for hcp), so shells are found
exactly, in integer arithmetic.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nanoflux import validate as v
from nanoflux.materials import get_material

#: Crystal structure of each preset that has one here (magnetite's spinel is not built).
STRUCTURES = {"Fe": "bcc", "Ni": "fcc", "Co": "hcp"}
#: The ideal c/a of hexagonal close packing, sqrt(8/3) = 1.63299.
IDEAL_C_OVER_A = math.sqrt(8.0 / 3.0)
#: hcp cobalt's room-temperature lattice constants in m, a = 2.5071 Angstrom and c = 4.0686 Angstrom
#: (ASM Handbook, vol. 2, "Properties of Pure Metals: Cobalt"): c/a = 1.6228, 0.6 % below the ideal ratio.
COBALT_A_M, COBALT_C_M = 2.5071e-10, 4.0686e-10
COBALT_C_OVER_A = COBALT_C_M / COBALT_A_M
#: The c/a values a lattice may be asked for (hcp only): a wide margin around every hcp metal's.
C_OVER_A_RANGE = (1.5, 1.75)


class Lattice(NamedTuple):
    """A lattice: primitive vectors (3, 3) in m (rows), basis in fractional coordinates (k, 3),
    the lattice constant a in m, the moment per atom in A m^2, the spacing of atomic layers
    along z in m (a mid-plane cut halfway between two layers misses every atom), and c/a of the
    hexagonal cell (1 for the cubic lattices)."""

    material: str
    structure: str
    vectors: np.ndarray
    basis: np.ndarray
    a: float
    moment: float
    layer_spacing: float
    c_over_a: float = 1.0

    @property
    def label(self) -> str:
        """The material and lattice in words, with c/a for hcp: "Co (hcp, c/a = 1.623)"."""
        if self.structure != "hcp":
            return f"{self.material} ({self.structure})"
        ideal = abs(self.c_over_a - IDEAL_C_OVER_A) < 1e-12
        return f"{self.material} (hcp, {'ideal ' if ideal else ''}c/a = {self.c_over_a:.4g})"


def lattice(material: str, c_over_a: float | None = None) -> Lattice:
    """The crystal lattice of ``material`` ("Fe", "Ni" or "Co"), consistent with its preset's n and Ms;
    ``c_over_a`` (hcp only, 1.5 to 1.75) replaces the ideal sqrt(8/3), a still following from n."""
    if material not in STRUCTURES:
        raise v.InputError(f"material must be one of {', '.join(repr(k) for k in STRUCTURES)} "
                           f"(a crystal built here); got {material!r}")
    structure = STRUCTURES[material]
    if c_over_a is not None and structure != "hcp":
        raise v.InputError(f"c_over_a applies to hcp lattices only; got c_over_a={c_over_a!r} for "
                           f"{material} ({structure})")
    q = IDEAL_C_OVER_A if c_over_a is None else float(v.single_positive(c_over_a, "c_over_a", "no unit"))
    if not C_OVER_A_RANGE[0] <= q <= C_OVER_A_RANGE[1]:
        raise v.InputError(f"c_over_a must be between {C_OVER_A_RANGE[0]:g} and {C_OVER_A_RANGE[1]:g}; "
                           f"got {c_over_a!r}")
    m = get_material(material)
    if structure == "hcp":
        a = (2.0 / (m.n_per_m3 * math.sqrt(3.0) / 2.0 * q)) ** (1.0 / 3.0)
        c = a * q
        vectors = np.array([[a, 0.0, 0.0], [a / 2, a * math.sqrt(3.0) / 2, 0.0], [0.0, 0.0, c]])
        basis = np.array([[0.0, 0.0, 0.0], [1 / 3, 1 / 3, 0.5]])  # a1, a2 at 60 degrees
        return Lattice(material, structure, vectors, basis, float(a), m.Ms_A_per_m / m.n_per_m3, float(c / 2),
                       float(q))
    atoms = 2 if structure == "bcc" else 4
    a = (atoms / m.n_per_m3) ** (1.0 / 3.0)
    basis = (np.array([[0, 0, 0], [0.5, 0.5, 0.5]]) if structure == "bcc"
             else np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]))
    return Lattice(material, structure, a * np.eye(3), basis, float(a), m.Ms_A_per_m / m.n_per_m3, float(a / 2))


def sphere(lat: Lattice, radius: float) -> np.ndarray:
    """Positions (N, 3) in m of the lattice's atoms within ``radius`` (m) of the atom at the origin.

    Built one layer of cells at a time, each layer only over the cells its circle can reach, so
    memory and time grow as N. The order is fixed (layer by layer), not by distance.
    """
    R = float(v.positive_finite(radius, "radius", "m"))
    v0, v1, v2 = lat.vectors
    chunks = []
    kspan = int(np.ceil(R / v2[2])) + 1
    # cells (i, j) in a layer: the in-plane lattice covers a disc of radius R with |i|, |j| <= span
    inplane = min(np.linalg.norm(v0), np.linalg.norm(v1)) * (np.sqrt(3) / 2 if lat.structure == "hcp" else 1.0)
    span = int(np.ceil(R / inplane)) + 2
    i, j = np.meshgrid(np.arange(-span, span + 1, dtype=float), np.arange(-span, span + 1, dtype=float),
                       indexing="ij")
    i, j = i.ravel(), j.ravel()
    x0 = i * v0[0] + j * v1[0]
    y0 = i * v0[1] + j * v1[1]
    r2max = R * R * (1 + 1e-12)
    for k in range(-kspan, kspan + 1):
        for b in lat.basis:
            dx = b[0] * v0[0] + b[1] * v1[0]
            dy = b[0] * v0[1] + b[1] * v1[1]
            z = (k + b[2]) * v2[2]
            if z * z > r2max:
                continue
            x, y = x0 + dx, y0 + dy
            keep = x * x + y * y <= r2max - z * z
            chunks.append(np.column_stack([x[keep], y[keep], np.full(int(keep.sum()), z)]))
    return np.concatenate(chunks)


# -- the sphere as columns and shells ---------------------------------------------------------------

def _units(lat: Lattice) -> tuple[float, float]:
    """The integer grid of the columns: rho^2 = P * unit_xy (m^2) and z = k * unit_z (m)."""
    if lat.structure == "hcp":
        return lat.a * lat.a / 3.0, lat.layer_spacing
    return (lat.a / 2) ** 2, lat.a / 2


def _inplane_counts(structure: str, parity: int, limit: int) -> np.ndarray:
    """Atoms of one layer (``parity`` of its index k) at each in-plane P = rho^2 / unit_xy <= ``limit``."""
    if structure in ("bcc", "fcc"):
        span = math.isqrt(limit) + 1
        i = np.arange(-span, span + 1)
        II, JJ = np.meshgrid(i, i, indexing="ij")
        # bcc: (i, j, k) all even or all odd (units a/2); fcc: i + j + k even
        keep = (((II & 1) == parity) & ((JJ & 1) == parity) if structure == "bcc"
                else ((II + JJ + parity) & 1) == 0)
        P = (II * II + JJ * JJ)[keep]
    else:  # hcp in units a^2/3: A layers (k even) P = 3(i^2+ij+j^2); B layers P = 3(i^2+ij+j^2+i+j)+1
        span = int(math.sqrt(limit / 2.0)) + 3
        i = np.arange(-span, span + 1)
        II, JJ = np.meshgrid(i, i, indexing="ij")
        P = (3 * (II * II + II * JJ + JJ * JJ) + (0 if parity == 0 else 3 * (II + JJ) + 1)).ravel()
    return np.bincount(P[P <= limit], minlength=limit + 1)


@dataclass(frozen=True)
class Columns:
    """A sphere of atoms (centred on an atom) as columns: the distinct (rho^2, z) with their atom counts,
    sorted by distance from the centre, with the shells (sets of equal distance) they form.

    ``P``, ``k``: integer coordinates (rho^2 = P unit_xy, z = k unit_z); ``rho``, ``z`` in m; ``count``
    atoms per column; ``shell_start[s]``: the first column of shell s (shell 0 is the centre atom);
    ``shell_r2`` in m^2, ascending. Every column with r <= radius (1e-12 relative slack) is present.
    """

    lattice: Lattice
    radius: float
    P: np.ndarray
    k: np.ndarray
    rho: np.ndarray
    z: np.ndarray
    count: np.ndarray
    shell_start: np.ndarray
    shell_r2: np.ndarray

    @property
    def shell_r(self) -> np.ndarray:
        """Shell radii in m."""
        return np.sqrt(self.shell_r2)

    @property
    def shell_end(self) -> np.ndarray:
        """One past the last column of each shell: the columns with r <= r_s are the first shell_end[s]."""
        return np.r_[self.shell_start[1:], len(self.rho)]

    @property
    def shell_atoms(self) -> np.ndarray:
        """Atoms in each shell."""
        return np.add.reduceat(self.count, self.shell_start)

    @property
    def atoms_within(self) -> np.ndarray:
        """Atoms with r <= r_s, for each shell s."""
        return np.cumsum(self.shell_atoms)

    def columns_within(self, radius: float) -> int:
        """How many leading columns have r <= ``radius`` (m; 1e-12 relative slack, as a closed ball)."""
        s = int(np.searchsorted(self.shell_r2, radius * radius * (1 + 1e-12), side="right"))
        return int(self.shell_end[s - 1]) if s > 0 else 0


def columns(lat: Lattice, radius: float) -> Columns:
    """The sphere of ``radius`` (m) of lattice ``lat``, centred on an atom, as sorted :class:`Columns`."""
    R = float(v.positive_finite(radius, "radius", "m"))
    unit_xy, unit_z = _units(lat)
    r2max = R * R * (1 + 1e-12)
    kmax = int(math.floor(math.sqrt(r2max) / unit_z))
    limit = int(math.floor(r2max / unit_xy))
    counts = {p: _inplane_counts(lat.structure, p, limit) for p in (0, 1)}
    Ps, ks, ns = [], [], []
    for k in range(-kmax, kmax + 1):
        room = r2max - (k * unit_z) ** 2
        if room < 0:
            continue
        cnt = counts[k & 1][: int(math.floor(room / unit_xy)) + 1]
        P = np.flatnonzero(cnt)
        Ps.append(P)
        ks.append(np.full(len(P), k))
        ns.append(cnt[P])
    P, k, count = (np.concatenate(x).astype(np.int64) for x in (Ps, ks, ns))
    ratio = unit_z * unit_z / unit_xy  # 1 for cubic, (3/4)(c/a)^2 for hcp: 2 when ideal
    if abs(ratio - round(ratio)) < 1e-9:
        key = P + int(round(ratio)) * k * k  # r^2 / unit_xy, exactly
        r2 = key * unit_xy
    else:  # irrational ratio: equal r only for equal (P, k^2)
        key = P * (kmax * kmax + 1) + k * k
        r2 = P * unit_xy + (k * unit_z) ** 2
    order = np.lexsort((k, P, key, r2))
    P, k, count, key, r2 = P[order], k[order], count[order], key[order], r2[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return Columns(lat, R, P, k, np.sqrt(P * unit_xy), k * unit_z, count, start, r2[start])
