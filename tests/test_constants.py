import math

import pytest

import nanoflux as nf
from nanoflux.constants import ELEMENTARY_CHARGE, PLANCK, VACUUM_PERMEABILITY


def test_defining_constants_are_the_exact_2019_si_values():
    # witness: the SI Brochure (9th ed.) fixes h and e exactly
    assert PLANCK.value == 6.62607015e-34 and PLANCK.exact
    assert ELEMENTARY_CHARGE.value == 1.602176634e-19 and ELEMENTARY_CHARGE.exact
    assert not VACUUM_PERMEABILITY.exact


def test_flux_quantum_is_derived_from_h_and_e():
    # witness: Phi0 = h / 2e written out by hand
    assert nf.flux_quantum() == pytest.approx(6.62607015e-34 / (2 * 1.602176634e-19), rel=1e-15)
    assert nf.flux_quantum("h/e") == pytest.approx(2 * nf.flux_quantum("h/2e"), rel=1e-15)
    assert f"{nf.flux_quantum():.9e}" == "2.067833848e-15"


def test_constants_against_scipy():
    # witness: scipy.constants (CODATA), an independent table
    sc = pytest.importorskip("scipy.constants")
    assert PLANCK.value == sc.h
    assert ELEMENTARY_CHARGE.value == sc.e
    assert nf.flux_quantum() == pytest.approx(sc.physical_constants["mag. flux quantum"][0], rel=1e-12)
    assert VACUUM_PERMEABILITY.value == sc.mu_0  # CODATA 2022 in both
    assert nf.constants.BOHR_MAGNETON.value == sc.physical_constants["Bohr magneton"][0]
    assert math.isclose(VACUUM_PERMEABILITY.value, 4e-7 * math.pi, rel_tol=1e-9)
