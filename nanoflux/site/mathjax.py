"""MathJax 3, served by the site itself: nothing is fetched from the network when a page is viewed.

MathJax (its TeX-to-CHTML component with every TeX package built in, its ``safe`` filter, its fonts and
its licence) comes from the ``django-static-mathjax`` package on PyPI, which needs no Django.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from nanoflux.site.errors import SiteError

#: MathJax 3's inert defaults that name a CDN (speech-rule-engine's maps and an XPath shim, used only
#: by the accessibility explorer or Internet Explorer): the site's copy points them at its own folder.
_MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/"

#: The MathJax files the site serves, from MathJax's es5 folder: the TeX-to-CHTML component with every
#: TeX package built in (so nothing is loaded on demand), the ``safe`` filter for what TeX may put on a
#: page (\href, \style, \class), and the CHTML fonts.
MATHJAX_SCRIPT = "tex-chtml-full.js"
MATHJAX_FILES = (MATHJAX_SCRIPT, "ui/safe.js")
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"


def mathjax_source() -> Path:
    """MathJax 3's distribution folder, from the django-static-mathjax package (no Django needed)."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SiteError("MathJax 3 is not installed: pip install -e '.[site]' (django-static-mathjax)")
    root = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    try:
        version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise SiteError(f"{root} does not hold MathJax's package.json") from None
    if not version.startswith("3."):
        raise SiteError(f"the site needs MathJax 3; {root} holds {version}")
    return root


def copy_mathjax(destination: Path) -> list[Path]:
    """Copy the minimal MathJax 3 (:data:`MATHJAX_FILES`, its woff fonts, its licence) to ``destination``.

    The copied scripts' CDN defaults point at a local folder instead, and say so in a first-line notice
    (MathJax's licence, Apache-2.0, asks that changed files carry one).
    """
    root = mathjax_source()
    version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    es5 = root / "es5"
    for name in MATHJAX_FILES:
        script = (es5 / name).read_text(encoding="utf-8")
        if _MATHJAX_CDN in script:
            script = (f"/* nanoflux: es5/{name} of MathJax {version} (Apache-2.0, see LICENSE), modified: its "
                      f"default CDN addresses for speech-rule-engine point at the local folder mathjax-offline/. */\n"
                      + script.replace(_MATHJAX_CDN, "mathjax-offline/"))
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).write_text(script, encoding="utf-8")
    shutil.copyfile(root / "LICENSE", destination / "LICENSE")
    fonts = destination / MATHJAX_FONTS
    fonts.mkdir(parents=True, exist_ok=True)
    for font in sorted((es5 / MATHJAX_FONTS).glob("*.woff")):
        shutil.copyfile(font, fonts / font.name)
    return sorted(p for p in destination.rglob("*") if p.is_file())
