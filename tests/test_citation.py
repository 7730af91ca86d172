"""Licence, citation and version: what a reader needs to reuse and cite nanoflux, each in one place."""
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from nanoflux import __version__
from nanoflux.running.outputs import ROOT
from nanoflux.site import citation


def _cffconvert() -> str:
    """cffconvert from its own environment (make test sets up .venv/cffconvert), or on PATH."""
    for candidate in (ROOT / ".venv" / "cffconvert" / "bin" / "cffconvert", shutil.which("cffconvert")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    reason = "cffconvert not found (make test installs it into .venv/cffconvert)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must validate CITATION.cff")
    pytest.skip(f"{reason}; run `make .venv/cffconvert/.installed`")


def test_cffconvert_accepts_the_citation(tmp_path):
    tool = _cffconvert()
    done = subprocess.run([tool, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert done.returncode == 0 and "valid" in done.stdout, done.stdout + done.stderr
    # witness: the same tool refuses the file without its required title
    broken = tmp_path / "CITATION.cff"
    broken.write_text(re.sub(r"(?m)^title:.*\n(  .*\n)*", "", (ROOT / "CITATION.cff").read_text()))
    refused = subprocess.run([tool, "--validate", "-i", str(broken)], capture_output=True, text=True)
    assert refused.returncode != 0


def test_one_version_everywhere(tmp_path):
    # witness: the version in CITATION.cff, the package metadata, the CHANGELOG's newest entry; a CITATION.cff bumped
    # here is refused
    data = citation.citation()
    assert str(data["version"]) == __version__ == metadata.version("nanoflux")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"(?m)^## (\S+)", changelog).group(1) == __version__  # the newest entry first
    with pytest.raises(ValueError, match="update its version"):
        bumped = (ROOT / "CITATION.cff").read_text().replace(f"version: {__version__}", "version: 9.9.9")
        path = tmp_path / "CITATION.cff"
        path.write_text(bumped)
        citation.citation(path)


def test_the_project_is_its_own_author_and_the_paper_is_cited_as_far_as_its_text_goes():
    # witness: CITATION.cff's authors and reference read back, and the how-to-cite text made from them
    data = citation.citation()
    assert data["authors"] == [{"name": "The nanoflux developers"}]  # an entity; no invented person
    paper = data["references"][0]
    assert paper["journal"] == "MRS Communications" and "doi" not in paper and "volume" not in paper
    assert "VOLUME XX" in paper["notes"] and "no title line or authors" in paper["notes"]
    text = citation.how_to_cite_markdown()
    assert f"version {__version__}" in text and "The nanoflux developers" in text and "MRS Communications" in text


def test_two_licences_in_their_own_files_and_in_the_metadata():
    # witness: the licence files' own texts (MIT's grant, CC BY 4.0's eight sections) and the installed package's
    # metadata
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    cc = (ROOT / "LICENSE-CC-BY-4.0").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    # the legal code whole: its title, its eight sections, and no SPDX template markers left
    assert "Creative Commons Attribution 4.0 International Public License" in cc
    assert [int(n) for n in re.findall(r"(?m)^Section (\d) –", cc)] == list(range(1, 9))
    assert "<<" not in cc and "Creative Commons may be contacted at creativecommons.org." in cc
    meta = metadata.metadata("nanoflux")
    assert meta["License-Expression"] == "MIT AND CC-BY-4.0"
    assert sorted(meta.get_all("License-File")) == ["LICENSE", "LICENSE-CC-BY-4.0"]
    assert data_authors(meta) == "The nanoflux developers"


def data_authors(meta) -> str:
    return meta.get("Author") or meta.get("Author-email", "")
