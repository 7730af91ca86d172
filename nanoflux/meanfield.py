"""Statistical mean-field radius: a sphere holding N dipoles at number density n.

The paper's sphere volume V = (4/3) pi r^3, critical volume V_c = N / n, and the
resulting critical radius r_c = (3 N / (4 pi n))^(1/3) (text before Table I),
which scales as N^(1/3). SI units: n in m^-3, radii in m.
"""
from __future__ import annotations

import numbers
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import paper
from nanoflux import validate as v
from nanoflux.formatting import between, rounded
from nanoflux.materials import preset_value
from nanoflux.paper import Printed


def _density(n, material) -> np.ndarray:
    """Resolve n from a number, a material preset, or the paper's 1e23 m^-3."""
    return preset_value(n, material, "n", "m^-3", lambda preset: preset.n_per_m3, paper.DENSITY_PER_M3)


def critical_radius_mean_field(N: ArrayLike = 1, n: ArrayLike | None = None, *,
                               material: str | None = None) -> float | np.ndarray:
    """Radius in m of a sphere holding N dipoles on average: r_c = (3 N / (4 pi n))^(1/3).

    The paper's mean-field formula (Table I). ``N`` is a whole number >= 1; ``n`` the
    number density in m^-3, default the paper's 1e23; ``material`` uses a preset's
    density instead. 13.365 nm for N = 1 at 1e23 m^-3. Broadcasts N against n.
    """
    N, n = v.broadcast(N=v.whole_number_at_least_one(N, "N"), n=_density(n, material))
    with np.errstate(all="ignore"):
        three_N, four_pi_n = 3.0 * N, 4.0 * np.pi * n
        volume = three_N / four_pi_n
    scale = 3.0 / (4.0 * np.pi)
    v.steps_in_float_range(
        {"the sphere volume 3 N / (4 pi n)": volume, "3 N": three_N, "4 pi n": four_pi_n},
        f"N / n must be {between(v.TINY / scale, Decimal(v.HUGE) / Decimal(scale))} m^3, with N at most "
        f"{rounded(v.HUGE / 3, up=False)} and n {between(v.TINY / (4 * np.pi), v.HUGE / (4 * np.pi))} m^-3",
        N=N, n=n)
    return v.scalar_or_array(np.cbrt(volume))


def dipoles_in_sphere(radius: ArrayLike, n: ArrayLike | None = None, *,
                      material: str | None = None) -> float | np.ndarray:
    """Mean number of dipoles (4/3) pi r^3 n in a sphere of ``radius`` (m); inverse of the above.

    Not rounded. ``n`` in m^-3, default the paper's 1e23; or ``material``'s density.
    """
    r, n = v.broadcast(radius=v.positive_finite(radius, "radius", "m"), n=_density(n, material))
    scale = 4.0 / 3.0 * np.pi
    with np.errstate(all="ignore"):
        r3 = r**3
        sphere = scale * r3
        count = sphere * n
    return v.scalar_or_array(v.steps_in_float_range(
        {"the mean count (4/3) pi r^3 n": count, "r^3": r3, "(4/3) pi r^3": sphere},
        f"r^3 n must be {between(v.TINY / scale, v.HUGE / scale)}, with radius "
        f"{between(np.cbrt(v.TINY), np.cbrt(v.HUGE / scale))} m", radius=r, n=n))


class TableRow(NamedTuple):
    """One row of Table I: N, the recomputed radius (m and nm), and the paper's printed value
    (a :class:`nanoflux.paper.Printed`, or None where the paper prints none)."""

    N: int
    radius_m: float
    radius_nm: float
    printed: Printed | None

    @property
    def paper_nm(self) -> float | None:
        """The printed radius in nm, or None."""
        return None if self.printed is None else self.printed.value

    @property
    def paper_decimals(self) -> int | None:
        """The printed radius's decimal places, or None."""
        return None if self.printed is None else self.printed.decimals

    @property
    def agrees(self) -> bool | None:
        """Whether the recomputed radius rounds to the printed value (None where the paper prints none)."""
        return None if self.printed is None else self.printed.agrees(self.radius_nm)


def table_one(N: ArrayLike = paper.TABLE_ONE_N, n: float | None = None, *,
              material: str | None = None) -> list[TableRow]:
    """The paper's Table I recomputed: one :class:`TableRow` per N.

    The paper's printed value is attached only where it applies: at the paper's
    density (1e23 m^-3) and for an N the table prints.
    """
    Ns = v.whole_number_at_least_one(np.atleast_1d(v.as_real_array(N, "N")), "N")
    if Ns.ndim != 1:
        raise v.InputError(f"N must be a number or a one-dimensional sequence; got shape {Ns.shape}")
    density = _density(n, material)
    if density.ndim != 0:
        raise v.InputError(f"n must be a single number for a table; got {n!r}")
    at_paper_density = material is None and float(density) == paper.DENSITY_PER_M3
    radii = critical_radius_mean_field(Ns, float(density))
    given = list(N) if isinstance(N, (list, tuple, range)) else [N]
    if len(given) != len(Ns):
        given = list(Ns)
    exact = [int(x) if isinstance(x, numbers.Integral) else int(c) for x, c in zip(given, Ns)]  # 2**53 + 1 stays
    rows = []
    for count, r in zip(exact, np.atleast_1d(radii)):
        printed = paper.TABLE_ONE.get(count) if at_paper_density else None
        rows.append(TableRow(count, float(r), float(r) * 1e9, printed))
    return rows
