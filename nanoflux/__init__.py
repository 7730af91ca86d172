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
printed numbers                        ``nanoflux/paper.py``; :data:`CLAIMS`, :func:`check_claims`
                                       (``nanoflux/claims.py``)
constants (h, e, mu0, mu_B, k_B)       ``nanoflux/constants.py``
material presets                       :data:`MATERIALS` (``nanoflux/materials.py``)
dipole formula + superposition         :func:`dipole_field` (``nanoflux/dipoles.py``)
div B, closed-surface flux, 1/sqrt(N)  :func:`divergence_residual`, :func:`net_flux_through_sphere`,
                                       :func:`field_fluctuation` (``nanoflux/dipole_checks.py``)
current loop against charge pair       ``nanoflux/dipole_models.py``
crystals, atoms to continuum           ``nanoflux/lattice.py``, ``nanoflux/continuum.py``,
                                       ``nanoflux/disc_flux.py`` (nested flux sums)
critical sizes of nanomagnetism        ``nanoflux/magnetic_sizes.py``; A and K1: ``nanoflux/materials.py``
=====================================  ===========================================

Around them: ``validate`` (every input check) and ``formatting`` (every number written), ``report`` and
``tables`` (tables of results), and four subpackages: ``studies`` (what notebooks 05, 06, 08 and 10 compute),
``plots`` (every figure, in one house style), ``running`` (the notebooks' parameters, the output rule and
``nanoflux reproduce``), ``site`` (``nanoflux site``) and ``classroom`` (``nanoflux classroom``); ``cli``
is the command line.

``import nanoflux`` imports numpy only; plotting and the notebook runner load on demand.
"""
import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"

from nanoflux.claims import (  # noqa: E402
    CLAIMS,
    Claim,
    ClaimResult,
    check_claims,
    flux_exponent,
    mean_field_exponent,
    power_law_exponent,
)
from nanoflux.constants import (  # noqa: E402
    BOHR_MAGNETON,
    BOLTZMANN,
    ELEMENTARY_CHARGE,
    PLANCK,
    VACUUM_PERMEABILITY,
)
from nanoflux.dipole_checks import (  # noqa: E402
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
from nanoflux.dipoles import COINCIDENCE_RTOL, dipole_field, sample_dipoles, sample_radius  # noqa: E402
from nanoflux.flux import (  # noqa: E402
    CONVENTIONS,
    critical_area,
    critical_radius,
    field_for_radius,
    flux_quanta,
    flux_quantum,
    whole_flux_quanta,
)
from nanoflux.materials import MATERIALS, Material, get_material  # noqa: E402
from nanoflux.meanfield import TableRow, critical_radius_mean_field, dipoles_in_sphere, table_one  # noqa: E402

__all__ = [
    "BOHR_MAGNETON", "BOLTZMANN", "COINCIDENCE_RTOL", "DivergenceResidual", "FieldFluctuation", "GridField",
    "SphereFlux", "dipole_field", "divergence_residual", "field_fluctuation", "field_on_grid", "grid_divergence",
    "net_flux_through_sphere", "sample_dipoles", "sample_radius",
    "CLAIMS", "CONVENTIONS", "Claim", "ClaimResult", "ELEMENTARY_CHARGE", "MATERIALS", "Material",
    "PLANCK", "TableRow", "VACUUM_PERMEABILITY", "check_claims", "critical_area", "critical_radius",
    "critical_radius_mean_field", "dipoles_in_sphere", "field_for_radius", "flux_quanta",
    "flux_exponent", "flux_quantum", "get_material", "mean_field_exponent", "whole_flux_quanta",
    "power_law_exponent", "table_one", "__version__",
]

#: Modules that moved when the machinery went into subpackages: the old path keeps working, loaded
#: on first use (``from nanoflux import figures``, ``import nanoflux.stored``, the Jupyter server
#: extension's module path, notebooks saved before the move).
MOVED = {
    "_validate": "nanoflux.validate",
    "_format": "nanoflux.formatting",
    "figures": "nanoflux.plots",
    "assumption_plots": "nanoflux.plots.assumptions",
    "dipole_plots": "nanoflux.plots.dipoles",
    "continuum_plots": "nanoflux.plots.continuum",
    "assumptions": "nanoflux.studies.assumptions",
    "dipole_study": "nanoflux.studies.discrete_dipoles",
    "parameters": "nanoflux.running.parameters",
    "outputs": "nanoflux.running.outputs",
    "notebook": "nanoflux.running.notebook",
    "kernelstate": "nanoflux.running.kernels",
    "publish": "nanoflux.running.publish",
    "stored": "nanoflux.running.stored",
    "runner": "nanoflux.running.runner",
    "explorer": "nanoflux.classroom.explorer",
    "exercises": "nanoflux.classroom.exercises",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``nanoflux.<old name>`` for the modules in :data:`MOVED` and loads their new home in its place."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package == __name__ and name in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        # the import system returns what sys.modules holds under the name once this has run
        sys.modules[module.__name__] = importlib.import_module(MOVED[module.__name__.rpartition(".")[2]])


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())
