"""Debian's poppler-utils for the tests that read PDFs as a reader's tools do: ``pdffonts`` (which fonts a
PDF embeds, and of what type) and ``pdftotext``. ``make test`` installs them when missing (as root, as it
installs Chromium); without them a test skips locally, and fails under CI=true."""
import os
import shutil
import subprocess

import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} not found (Debian's poppler-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run the PDF tests (`make test` installs poppler-utils as root)")
        pytest.skip(f"{reason}; install with `apt-get install poppler-utils` (or run `make test` as root)")
    return path


def fonts(pdf) -> list[dict]:
    """The fonts ``pdf`` uses, as ``pdffonts`` lists them: name, type, embedded."""
    out = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:  # a header and a rule
        # name, a type of one or two words ("Type 3", "CID TrueType"), encoding, emb, sub, uni, object, generation
        parts = line.split()
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "embedded": parts[-5] == "yes"})
    return rows


def text(pdf, *extra: str) -> str:
    """The text of ``pdf`` as ``pdftotext`` reads it (layout order)."""
    return subprocess.run([_tool("pdftotext"), *extra, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
