"""nanoflux: a reproducible companion to the paper on the critical size of an isolated
magnetic nanoparticle.

Each formula lives once, by the paper's equation:

=====================================  ===========================================
the paper                              nanoflux
=====================================  ===========================================
Eq. 2, Phi0 = h/2e                     :func:`flux_quantum` (``nanoflux/flux.py``)
Eq. 3, A = Phi0 / B                    :func:`critical_area`
Eq. 4, r_c = sqrt(Phi0 / (pi B))       :func:`critical_radius`, inverse :func:`field_for_radius`
Figure 1, floor(B pi r^2 / Phi0)       :func:`flux_quanta`, :func:`whole_flux_quanta`
mean field, r_c = (3N/(4 pi n))^(1/3)  :func:`critical_radius_mean_field` (``nanoflux/meanfield.py``)
sphere volume, (4/3) pi r^3 n          :func:`dipoles_in_sphere`
Table I                                :func:`table_one`
printed numbers                        :data:`CLAIMS`, :func:`check_claims` (``nanoflux/claims.py``)
material presets                       :data:`MATERIALS` (``nanoflux/materials.py``)
dipole formula + superposition         :func:`dipole_field` (``nanoflux/dipoles.py``)
div B, closed-surface flux, 1/sqrt(N)  :func:`divergence_residual`, :func:`net_flux_through_sphere`,
                                       :func:`field_fluctuation` (``nanoflux/dipole_checks.py``)
=====================================  ===========================================

Around them: ``figures`` (Figures 1-2 and the deterministic save), ``assumptions`` and
``assumption_plots`` (notebook 06), ``dipole_study`` and ``dipole_plots`` (notebook 05),
``explorer`` and ``exercises`` (notebook 07), ``parameters`` (each notebook's validator),
``runner`` (``nanoflux reproduce``), ``site`` (``nanoflux site``), ``cli``.

``import nanoflux`` imports numpy only; plotting and the notebook runner load on demand.
"""
from .claims import (
    CLAIMS,
    Claim,
    ClaimResult,
    check_claims,
    flux_exponent,
    mean_field_exponent,
    power_law_exponent,
)
from .constants import ELEMENTARY_CHARGE, PLANCK, VACUUM_PERMEABILITY
from .dipole_checks import (
    DivergenceResidual,
    FieldFluctuation,
    GridField,
    SphereFlux,
    divergence_residual,
    field_fluctuation,
    field_on_grid,
    grid_divergence,
    net_flux_through_sphere,
)
from .dipoles import BOHR_MAGNETON, COINCIDENCE_RTOL, dipole_field, sample_dipoles, sample_radius
from .flux import (
    CONVENTIONS,
    critical_area,
    critical_radius,
    field_for_radius,
    flux_quanta,
    flux_quantum,
    whole_flux_quanta,
)
from .materials import MATERIALS, Material, get_material
from .meanfield import TableRow, critical_radius_mean_field, dipoles_in_sphere, table_one

__version__ = "0.1.0"

__all__ = [
    "BOHR_MAGNETON", "COINCIDENCE_RTOL", "DivergenceResidual", "FieldFluctuation", "GridField", "SphereFlux",
    "dipole_field", "divergence_residual", "field_fluctuation", "field_on_grid", "grid_divergence",
    "net_flux_through_sphere", "sample_dipoles", "sample_radius",
    "CLAIMS", "CONVENTIONS", "Claim", "ClaimResult", "ELEMENTARY_CHARGE", "MATERIALS", "Material",
    "PLANCK", "TableRow", "VACUUM_PERMEABILITY", "check_claims", "critical_area", "critical_radius",
    "critical_radius_mean_field", "dipoles_in_sphere", "field_for_radius", "flux_quanta",
    "flux_exponent", "flux_quantum", "get_material", "mean_field_exponent", "whole_flux_quanta", "power_law_exponent", "table_one", "__version__",
]
