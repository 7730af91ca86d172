"""Crystal lattices of magnetic atoms, cut into spheres: bcc Fe, fcc Ni, hcp Co.

Each lattice is built to agree with its material preset (nanoflux.materials): the lattice
constant follows from the preset's atomic density n (2 atoms per cubic cell for bcc, 4 for fcc,
2 per hexagonal cell of ideal c/a = sqrt(8/3) for hcp), and every atom carries the moment
m = Ms / n along +z, so that n m = Ms exactly. A sphere is centred on an atom. SI units: m, A m^2.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nanoflux import validate as v
from nanoflux.materials import get_material

#: Crystal structure of each preset that has one here (magnetite's spinel is not built).
STRUCTURES = {"Fe": "bcc", "Ni": "fcc", "Co": "hcp"}
#: Atoms per conventional cell, and the cell volume in units of a^3.
_CELL = {"bcc": (2, 1.0), "fcc": (4, 1.0), "hcp": (2, np.sqrt(3.0) / 2.0 * np.sqrt(8.0 / 3.0))}


class Lattice(NamedTuple):
    """A lattice: primitive vectors (3, 3) in m (rows), basis in fractional coordinates (k, 3),
    the lattice constant a in m, the moment per atom in A m^2, and the spacing of atomic layers
    along z in m (a mid-plane cut halfway between two layers misses every atom)."""

    material: str
    structure: str
    vectors: np.ndarray
    basis: np.ndarray
    a: float
    moment: float
    layer_spacing: float


def lattice(material: str) -> Lattice:
    """The crystal lattice of ``material`` ("Fe", "Ni" or "Co"), consistent with its preset's n and Ms."""
    if material not in STRUCTURES:
        raise v.InputError(f"material must be one of {', '.join(repr(k) for k in STRUCTURES)} "
                         f"(a crystal built here); got {material!r}")
    m = get_material(material)
    structure = STRUCTURES[material]
    atoms, volume = _CELL[structure]
    a = (atoms / (m.n_per_m3 * volume)) ** (1.0 / 3.0)
    if structure == "hcp":
        c = a * np.sqrt(8.0 / 3.0)
        vectors = np.array([[a, 0.0, 0.0], [a / 2, a * np.sqrt(3.0) / 2, 0.0], [0.0, 0.0, c]])
        basis = np.array([[0.0, 0.0, 0.0], [1 / 3, 1 / 3, 0.5]])  # a1, a2 at 60 degrees
        layers = c / 2
    else:
        vectors = a * np.eye(3)
        basis = (np.array([[0, 0, 0], [0.5, 0.5, 0.5]]) if structure == "bcc"
                 else np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]))
        layers = a / 2
    return Lattice(material, structure, vectors, basis, float(a), m.Ms_A_per_m / m.n_per_m3, float(layers))


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
