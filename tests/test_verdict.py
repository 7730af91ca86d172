"""The verdict (README, site index, PDF): its numbers against the results files, by arithmetic written here;
notebook 08's thresholds read whatever their layout; the README's block current."""
import json
import math
import re
import shutil

import pytest

from nanoflux.running import outputs
from nanoflux.site import verdict

RESULTS = outputs.FIGURES_DIR


def results(stem):
    return json.loads((RESULTS / f"{stem}.json").read_text())["results"]


@pytest.fixture(scope="module")
def plain():
    """The verdict as the README shows it (HTML for powers), tags dropped: numbers as a reader reads them."""
    return [re.sub(r"<[^>]+>", "", f.text).replace("&nbsp;", " ") for f in verdict.findings(math=False)]


def test_the_arithmetic(plain):
    claims = results("06_assumptions")["claims"]
    # witness: the claims ledger as notebook 06 stored it
    assert len(claims) == 9 and all(c["agrees"] for c in claims)
    assert plain[0].startswith("9 of the 9 numbers it prints")
    assert verdict.findings()[0].lead == "The paper's arithmetic is right."


def test_the_density(plain):
    rows = results("06_assumptions")["density"]
    paper, real = rows[0], rows[1:]
    # witness: the densities in the results file, and r = (3 / (4 pi n))^(1/3) written out here
    ratios = sorted(r["n_per_m3"] / paper["n_per_m3"] for r in real)
    radius = {r["label"]: (3 / (4 * math.pi * r["n_per_m3"])) ** (1 / 3) * 1e9 for r in rows}
    assert f"{ratios[0]:.2g}".replace("e+05", "") == "4.1" and f"{ratios[-1]:.2g}".replace("e+05", "") == "9.1"
    assert "is 4.1 × 105 to 9.1 × 105 times below" in plain[1]
    assert f"{min(radius[r['label']] for r in real):.2g} nm (Ni)" == "0.14 nm (Ni)"
    assert "radius of 0.14 nm (Ni) to 0.18 nm (Fe3O4), not 13.4 nm" in plain[1]
    assert f"{radius['paper']:.3g}" == "13.4" and f"{radius['Fe3O4']:.2g}" == "0.18"
    assert round(sum(math.log10(r) for r in ratios) / len(ratios)) == 6
    assert verdict.findings()[1].lead == "Its density is about $10^{6}$ times below real atomic densities."


def test_the_flux_quantum(plain):
    row = next(r for r in results("06_assumptions")["convention"] if r["B_tesla"] == 1.0)
    # witness: r = sqrt(Phi0 / (pi B)) at 1 T with Phi0 = h/e and h/2e, from the SI's exact h and e
    h, e = 6.62607015e-34, 1.602176634e-19
    assert math.isclose(row["radius_nm"]["h/e"], math.sqrt(h / e / math.pi) * 1e9, rel_tol=1e-12)
    assert math.isclose(row["radius_nm"]["h/2e"], math.sqrt(h / 2 / e / math.pi) * 1e9, rel_tol=1e-12)
    assert "√2 = 1.414 times larger: 36.3 nm at 1 T instead of 25.7 nm" in plain[2]


def test_the_inputs_side_by_side(plain):
    product = results("06_assumptions")["moments"][0]["mu0_n_muB_tesla"]
    # witness: mu0 n mu_B by hand, CODATA 2022's mu0 and mu_B, the paper's n
    by_hand = 1.25663706127e-6 * 1e23 * 9.2740100657e-24
    assert math.isclose(product, by_hand, rel_tol=1e-9)
    assert "= 1.2 µT, against the 1 T of its example: 8.6 × 105 times less" in plain[3]
    assert verdict.findings()[3].lead == "The paper's own inputs disagree by about six orders of magnitude."


def test_the_lattice(plain):
    thresholds = results("08_atoms_to_continuum")["thresholds"]
    # witness: notebook 08's file in its present layout, walked by hand: every "..._nm" value of a 0.01 record
    by_hand = [v for row in thresholds if row["tolerance"] == 0.01 for k, v in row.items() if k.endswith("_nm")]
    assert sorted(verdict.lattice_radii(results("08_atoms_to_continuum")), key=str) == sorted(by_hand, key=str)
    reached = [v for v in by_hand if v is not None]
    assert f"comes within 1% by a radius of {min(reached):.2g} to {max(reached):.2g} nm" in plain[4]
    assert "bcc Fe, fcc Ni and hcp Co" in plain[4] and "25.7 nm at 1 T" in plain[4]
    assert verdict.findings()[4].notebook == "08_atoms_to_continuum"


def test_lattice_radii_reads_another_layout():
    # what issue 19 may write: records with a level field, nested by material
    # witness: results in another layout written here, with the radii read off by eye
    other = {"thresholds": {"Fe": [{"quantity": "flux", "level": 0.01, "radius_nm": 6.1, "atoms": 81835},
                                   {"quantity": "flux", "level": 0.001, "radius_nm": None}],
                            "Ni": {"outside": {"tolerance": 0.01, "radius_nm": 0.7, "radius_atoms": 141},
                                   "ball": {"level": 0.01, "radius_nm": None}}}}
    assert sorted(verdict.lattice_radii(other), key=str) == sorted([6.1, 0.7, None], key=str)
    assert verdict.lattice_radii(other, level=0.001) == [None]
    with pytest.raises(ValueError, match="no radius at the 1% level under 'thresholds'"):
        verdict.lattice_radii({"thresholds": [{"flux_atoms": 3}]})
    with pytest.raises(ValueError, match="must learn its new layout"):
        verdict.lattice_radii({})


def test_every_finding_links_the_notebook_that_computes_it():
    # witness: the numbered notebooks in notebooks/, against the five links
    stems = {p.stem for p in outputs.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")}
    text = verdict.markdown(verdict.findings())
    links = re.findall(r"\]\(notebooks/([^)]+)\.ipynb\)", text)
    assert len(links) == 5 and set(links) <= stems


def test_a_failing_claim_changes_the_verdict(tmp_path):
    # witness: a results file in which one claim does not agree
    for path in RESULTS.glob("0[68]_*.json"):
        shutil.copy(path, tmp_path)
    data = json.loads((tmp_path / "06_assumptions.json").read_text())
    data["results"]["claims"][2]["agrees"] = False
    (tmp_path / "06_assumptions.json").write_text(json.dumps(data))
    first = verdict.findings(tmp_path)[0]
    assert first.lead == "The paper's arithmetic is not all right."
    assert first.text.startswith("8 of the 9") and "these are not: table1_N1." in first.text


def test_the_readme_block_is_current(capsys):
    readme = (outputs.ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(verdict.BEGIN) == 1 and readme.count(verdict.END) == 1
    # witness: the block regenerated from the results files now, against the committed README
    assert verdict.with_verdict(readme) == readme, "the README's verdict is stale: run `make readme`"
    assert verdict.main(["--check", str(outputs.ROOT / "README.md")]) == 0


def test_a_stale_readme_is_found_and_rewritten(tmp_path, capsys):
    # witness: the committed README, altered here by one number: found stale, then rewritten to the committed bytes
    readme = (outputs.ROOT / "README.md").read_text(encoding="utf-8")
    stale = tmp_path / "README.md"
    stale.write_text(readme.replace("9 of the 9", "8 of the 9"), encoding="utf-8")
    assert verdict.main(["--check", str(stale)]) == 1
    assert "stale; run `make readme`" in capsys.readouterr().err
    assert verdict.main([str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == readme
    (tmp_path / "bare.md").write_text("# no block\n")
    assert verdict.main([str(tmp_path / "bare.md")]) == 2
