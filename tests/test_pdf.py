"""The supplementary-information PDF (make pdf): built from the stored notebooks with Sphinx and TeX Live, then
read as a reader's tools read it: its text (pdftotext), its fonts (pdffonts), its pages, its bytes."""
import os
import re
import subprocess

import pytest

from nanoflux import __version__
from nanoflux.running import stored
from nanoflux.running.outputs import ROOT
from nanoflux.site import pdf
from nanoflux.site.verdict import findings

import poppler


def _tex_or_skip():
    missing = pdf.missing_tools()
    if missing:
        reason = f"{', '.join(missing)} not found"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must build the PDF (`make test` installs TeX Live as root)")
        pytest.skip(f"{reason}: the PDF needs TeX Live; `make pdf` or `make test` as root installs it")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    _tex_or_skip()
    first = pdf.build_pdf(tmp_path_factory.mktemp("pdf") / "a")
    again = pdf.build_pdf(tmp_path_factory.mktemp("pdf") / "b")
    return first, again


def test_the_pdf_is_the_same_bytes_when_rebuilt(built):
    first, again = built
    # witness: two builds in two folders, compared byte for byte
    assert first.read_bytes() == again.read_bytes()
    assert b"/CreationDate" not in first.read_bytes() and b"/ModDate" not in first.read_bytes()


def test_a4_pages_with_numbers_and_a_table_of_contents(built):
    # witness: pdfinfo's page size and count, and pdftotext's text of each page (contents, page numbers)
    first, _ = built
    info = subprocess.run(["pdfinfo", str(first)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 20
    text = poppler.text(first, "-layout")
    sheets = text.split("\f")
    assert "Contents" in text or "CONTENTS" in text
    # every page after the front matter ends with its number (a footer), and the numbers run on
    numbered = [int(m.group(1)) for s in sheets if (m := re.search(r"(\d+)\s*$", s.strip()))]
    assert len(numbered) >= pages - 4 and numbered[-1] >= pages - 4


def test_the_pdf_holds_the_title_verdict_version_citation_and_every_notebook(built):
    first, _ = built
    text = " ".join(poppler.text(first).split())
    assert "The critical size of a magnetic nanoparticle, recomputed" in text
    assert f"Release {__version__}" in text and f"nanoflux {__version__}" in text
    assert "What this companion finds" in text.title() or "WHAT THIS COMPANION FINDS" in text
    for finding in findings():  # witness: the verdict generated from the results files
        lead = re.sub(r"\$[^$]*\$", "", finding.lead).split()[-3:]
        assert " ".join(lead) in text, lead
    assert "How to cite" in text or "HOW TO CITE" in text
    assert "The nanoflux developers" in text and "CC BY 4.0" in text
    for path in stored.stored_notebooks():
        title = path.stem[:2] + " · "
        assert title in text or title.upper() in text, path.stem


def test_equations_carry_the_papers_numbers_and_tables_are_tables(built):
    # witness: pdftotext's layout: (3) and (4) at the right margin, Table I's rows as columns
    first, _ = built
    layout = poppler.text(first, "-layout")
    # Eqs. 3 and 4 of notebook 01, numbered at the right margin as the paper numbers them
    assert re.search(r"\(3\)\s*$", layout, re.M) and re.search(r"\(4\)\s*$", layout, re.M)
    # Table I as a table: its rows, one per N, with the printed values beside the recomputed ones
    for N, radius, printed in (("1", "13.365", "13.4"), ("1000", "133.650", "134")):
        assert re.search(rf"(?m)^\s*{N}\s+{re.escape(radius)}\s+{re.escape(printed)}\s", layout), N
    assert "<table" not in layout and "<td" not in layout and "\\tag" not in layout


def test_no_type3_font_and_every_font_embedded(built):
    first, _ = built
    fonts = poppler.fonts(first)
    assert fonts and all(f["embedded"] for f in fonts)
    # witness: pdffonts; the figures come in as their own PDFs, with their TrueType fonts
    assert [f for f in fonts if f["type"] == "Type 3"] == []
    assert any("DejaVuSans" in f["name"] for f in fonts) and any("DejaVuSerif" in f["name"] for f in fonts)


def test_make_pdf_installs_what_the_pdf_needs():
    # witness: the Makefile's own list of TeX packages against the module's, and its targets
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"TEX_PACKAGES := ((?:.*\\\n)*.*)", makefile).group(1).replace("\\\n", " ").split()
    assert sorted(listed) == sorted(pdf.TEX_PACKAGES)
    assert re.search(r"(?m)^test: .*\btex\b", makefile) and re.search(r"(?m)^pdf: .*\btex\b", makefile)


def test_without_tex_the_refusal_names_what_to_run(monkeypatch, tmp_path):
    # witness: a PATH without TeX (which() answers None): the refusal and an untouched folder
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.SiteError, match=r"latexmk and lualatex not found: .* run `make pdf` as root"):
        pdf.build_pdf(tmp_path)
    assert not list(tmp_path.iterdir())
