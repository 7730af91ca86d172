import dataclasses

import pytest

import nanoflux as nf


def test_every_claim_passes():
    # witness: each claim recomputed by the ledger against its printed value
    results = nf.check_claims()
    assert len(results) == 9
    assert all(r.agrees for r in results), [(r.claim.key, r.recomputed) for r in results if not r.agrees]


def test_the_ledger_holds_every_printed_number():
    # witness: the paper's printed numbers written out here: 25.7 nm, 13.4 nm, Table I, -1/2, 1/3
    printed = {c.key: c.printed for c in nf.CLAIMS}
    assert printed["flux_radius_1T"] == 25.7
    assert printed["one_dipole_radius"] == 13.4
    assert [printed[f"table1_N{N}"] for N in (1, 10, 100, 1000, 10000)] == [13.4, 28.8, 62.0, 134, 288]
    assert printed["flux_exponent"] == -0.5
    assert printed["mean_field_exponent"] == pytest.approx(1 / 3)
    for c in nf.CLAIMS:
        assert c.where and c.statement


def test_a_wrong_claim_fails():
    # witness: 25.6 nm is not 25.656 nm at one decimal; the ledger must be able to say FAIL
    claim = dataclasses.replace(nf.CLAIMS[0], source=dataclasses.replace(nf.CLAIMS[0].source, value=25.6, text="25.6"))
    (result,) = nf.check_claims([claim])
    assert not result.agrees
    assert result.difference == pytest.approx(0.056, abs=1e-3)


def test_tolerance_is_half_a_unit_in_the_last_place():
    # witness: half a unit in the last printed place: 0.05 for 25.7, 0.5 for 134
    by_key = {c.key: c for c in nf.CLAIMS}
    assert by_key["flux_radius_1T"].tolerance == pytest.approx(0.05)
    assert by_key["table1_N1000"].tolerance == pytest.approx(0.5)
