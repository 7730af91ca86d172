"""Notebook 08's cross-sections: the flux through a crystal sphere's cut at any height.

The plane z = z0 cuts a sphere of radius R (centred on an atom) in the disc of radius a = sqrt(R^2 - z0^2);
the flux of the atoms' dipoles through it is compared with the continuum's (2/3) mu0 Ms pi a^2, for z0 over
one layer period [0, d] (the centre atom's layer at 0, the next at d = the layer spacing).

Atoms lying in the plane need no convention: atomic moments are Amperian, B = curl A everywhere, and the flux
through any surface bounded by the rim is the line integral of A around it, continuous in an atom's position
everywhere except on the rim itself; the loop formula at z = 0 gives it. Only an atom exactly on the rim has
no finite flux (+infinity just inside, -infinity just outside); :func:`cross_sections` refuses such a sphere.

How. Atoms of the two layers bounding the period (z = 0 and z = d) within 2d of the rim make spikes in
z0 (an atom a distance s inside the rim adds about mu0 m / (2 pi s) as the plane passes through its layer):
they are summed term by term at every height. Every other atom's term is analytic in z0 well beyond the
period, so their sum is interpolated in z0 through 18 Chebyshev points (error about 1e-14) and averaged
over the period by a 64-point Gauss rule. The spiky part is averaged by Gauss-Legendre
quadrature on intervals graded towards both layers, with 8 and 12 points per interval (their difference is
the ``average_check``). SI units: m, Wb.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.continuum import loop_field_z
from nanoflux.disc_flux import _chebyshev, _interpolate
from nanoflux.flux import flux_quantum
from nanoflux.lattice import Columns, columns
from nanoflux.materials import get_material

#: Chebyshev points for the smooth part, and the distance (in layer spacings) within which an atom of a
#: bounding layer counts as near the rim.
NODES, NEAR = 18, 2.0


class CrossSection(NamedTuple):
    """The flux through the cut at height z0 against the continuum, for one sphere: the mid-gap cut
    (z0 = d/2, the plane of the size study), the cuts through the centre atom's layer (z0 = 0) and the next
    (z0 = d), the average over the period (and its check: the same with 12 instead of 8 quadrature points),
    the range over the sampled heights at least ``exclude_pm`` from a layer, the mid-gap flux in units of
    Phi0, and the atoms of the centre layer nearest the rim: their distance inside it (pm), how many share
    it, and each one's flux over the continuum."""

    label: str
    radius_nm: float
    atoms: int
    layer_spacing_nm: float
    mid_gap: float
    through_layer: float
    next_layer: float
    average: float
    average_check: float
    low: float
    high: float
    exclude_pm: float
    mid_gap_over_phi0: float
    rim_gap_pm: float
    rim_atoms: int
    rim_each: float


class Curve(NamedTuple):
    """The flux ratio at the sampled heights ``z`` (m) of one sphere, for the figure."""

    label: str
    radius_nm: float
    layer_spacing: float
    z: np.ndarray
    ratio: np.ndarray


class _Section:
    """A sphere of atoms cut at heights z0 in [0, d]: the near atoms (summed directly) and an interpolant
    of the rest."""

    def __init__(self, cols: Columns):
        lat = cols.lattice
        self.R, self.d, self.m = cols.radius, lat.layer_spacing, lat.moment
        self.B0 = 2.0 / 3.0 * VACUUM_PERMEABILITY.value * get_material(lat.material).Ms_A_per_m
        bounding = (cols.k == 0) | (cols.k == 1)
        near = bounding & (np.abs(cols.rho - self.R) < NEAR * self.d + (self.R - math.sqrt(self.R**2 - self.d**2)))
        self.near = (cols.rho[near], cols.z[near], cols.count[near].astype(float))
        far = ~near
        self.x, self.w = _chebyshev(NODES)
        z_nodes = self.d * (1 + self.x) / 2
        self.far_nodes = np.array([float(cols.count[far] @ loop_field_z(cols.rho[far], cols.z[far] - z0,
                                                                        math.sqrt(self.R**2 - z0**2)))
                                   for z0 in z_nodes])
        rho, z = self.near[0], self.near[1]
        on_rim = ((z == 0) & (np.abs(rho - self.R) < 1e-15 * self.R)) | \
            ((z == self.d) & (np.abs(rho - math.sqrt(self.R**2 - self.d**2)) < 1e-15 * self.R))
        if on_rim.any():
            raise ValueError(f"an atom lies on the rim of a cut through a layer at R = {self.R!r} m: its flux "
                             f"is not finite; choose another radius")

    def ratio(self, z0: np.ndarray) -> np.ndarray:
        """Flux over the continuum at heights ``z0`` (m, in [0, d])."""
        z0 = np.atleast_1d(np.asarray(z0, dtype=float))
        a = np.sqrt(self.R**2 - z0**2)
        rho, z, count = self.near
        near = np.array([count @ loop_field_z(rho, z - h, r) for h, r in zip(z0, a)])
        far = _interpolate(np.tile(self.far_nodes, (len(z0), 1)), 2 * z0 / self.d - 1, self.x, self.w)
        return self.m * (near + far) / (self.B0 * np.pi * a * a)

    def average(self, levels: int = 32, order: int = 8) -> float:
        """The ratio's mean over z0 in [0, d]: the smooth part by a 64-point Gauss rule on its interpolant,
        the near part by Gauss-Legendre on intervals graded geometrically towards both layers."""
        t, wt = np.polynomial.legendre.leggauss(order)
        edges = np.r_[0.0, 0.5 * self.d * 2.0 ** -np.arange(levels, 0, -1), 0.5 * self.d]
        mid, half = 0.5 * (edges[1:] + edges[:-1]), 0.5 * (edges[1:] - edges[:-1])
        z0 = (mid[:, None] + half[:, None] * t[None, :]).ravel()
        weights = (half[:, None] * wt[None, :]).ravel()
        z0, weights = np.r_[z0, self.d - z0], np.r_[weights, weights]
        a = np.sqrt(self.R**2 - z0**2)
        rho, z, count = self.near
        near = np.array([count @ loop_field_z(rho, z - h, r) for h, r in zip(z0, a)])
        total = self.m * near / (self.B0 * np.pi * a * a) @ weights
        # the smooth part: its interpolant, divided by the continuum, integrated on a fine Gauss rule
        g, wg = np.polynomial.legendre.leggauss(64)
        zg = self.d * (1 + g) / 2
        smooth = _interpolate(np.tile(self.far_nodes, (64, 1)), g, self.x, self.w)
        total += self.m * (smooth / (self.B0 * np.pi * (self.R**2 - zg**2))) @ (wg * self.d / 2)
        return float(total / self.d)


def cross_sections(cols: Columns, label: str, exclude: float = 10e-12, uniform: int = 201) -> tuple:
    """The flux through the sphere's cuts over one layer period: a :class:`CrossSection` and the
    :class:`Curve` (``uniform`` equally spaced heights and 60 graded towards each layer)."""
    sec = _Section(cols)
    d = sec.d
    graded = d * np.geomspace(1e-9, 0.05, 60)
    z = np.unique(np.r_[np.linspace(0.0, d, uniform), graded, d - graded])
    ratio = sec.ratio(z)
    away = (z >= exclude) & (z <= d - exclude)
    mid, through, nxt = sec.ratio(np.array([d / 2, 0.0, d]))
    rho, zc, count = sec.near
    in_layer = zc == 0
    gaps = sec.R - rho[in_layer]
    nearest = int(np.argmin(np.abs(gaps)))
    each = sec.m * float(loop_field_z(rho[in_layer][nearest], 0.0, sec.R)) / (sec.B0 * np.pi * sec.R**2)
    flux_mid = mid * sec.B0 * np.pi * (sec.R**2 - d * d / 4)
    row = CrossSection(label, cols.radius * 1e9, int(cols.count.sum()), d * 1e9, float(mid), float(through),
                       float(nxt), sec.average(), sec.average(order=12), float(ratio[away].min()),
                       float(ratio[away].max()), exclude * 1e12, float(flux_mid / flux_quantum()),
                       float(gaps[nearest] * 1e12), int(count[in_layer][nearest]), each)
    return row, Curve(label, cols.radius * 1e9, d, z, ratio)


def sphere_cross_sections(lat, radius: float, exclude: float = 10e-12) -> tuple:
    """:func:`cross_sections` of the sphere of ``radius`` (m) of lattice ``lat``."""
    return cross_sections(columns(lat, radius), lat.label, exclude)
