"""A static reading site of the executed notebooks: ``nanoflux site`` and ``make site``.

Sphinx with MyST-NB and sphinx-book-theme renders the stored notebooks in ``notebooks/`` as they were
last run by ``nanoflux reproduce``: MyST-NB does not execute them, their stored outputs are the content.
The configuration lives in ``nanoflux/site/conf/`` (``conf.py``, ``docutils.conf``, ``_static/``); this
module prepares a temporary source folder, runs Sphinx on it and moves the result into place.

What a reader gets:

- ``index.html``: the paper's reference, each notebook with its title and one-line purpose (from its
  opening cell), the two recomputed figures with captions and alt text, and the claims ledger as a
  table (key, with the claim's statement on hover; printed value, recomputed value, whether they agree,
  where in the paper);
- one page per numbered notebook, ``notebooks/<stem>.html``, with its equations typeset by MathJax 3
  (numbered by the paper's own ``\\tag{n}``), a table of contents, previous/next links, code inputs
  collapsed except the cell tagged ``parameters``, and the stored outputs;
- full-text search (``search.html``) that works from the folder opened from disk and over http.

Nothing is fetched from the network when a page is viewed: MathJax 3 (its TeX-to-CHTML component with
every TeX package built in, its ``safe`` filter, its fonts and its licence, from the
``django-static-mathjax`` package on PyPI) is copied into ``_static/mathjax/``. A rebuild from the same
notebooks gives byte-identical files; files are world-readable (0644, folders 0755).

What a notebook carries is not trusted. The site never executes a notebook: its copy keeps only its kernel and
language metadata (nothing that could set MyST-NB's execution mode), and no raw cells, live-widget state or
JavaScript outputs; its SVG outputs and attachments are rebuilt from an allow-list
(:func:`nanoflux.site.sanitize.sanitize_svg`). While Sphinx reads a page, before it collects titles, images and
downloads, and again once the page is resolved, :func:`nanoflux.site.sanitize.sanitize_doctree` sanitizes every
raw HTML fragment (one sanitizer, nh3), reduces titles to text, keeps only images and downloads that are files
of the folders the site was given, and writes out as text every link that leaves the site; every address must
be a relative path inside the site (:func:`nanoflux.site.sanitize.inside_site`). Markdown cannot include files or
pass raw HTML through ``{raw}`` (``conf/docutils.conf``), and TeX cannot make links or styles that leave the site
(MathJax's ``safe`` filter, ``conf/conf.py``).

Builds run in a private work folder beside ``out`` (``.site-<pid>-...``, removed by a later build if its
process was killed); the finished site replaces ``out`` under a lock on the folder that holds it, so builds
started together each leave a whole site. A write that fails (a full device) names ``out``.

The copy is also read as Jupyter reads it: formulas first (:func:`nanoflux.site.markdown.one_line_maths`),
so a line of a ``$$...$$`` formula that starts with ``+`` does not become a list item.

A notebook that has lost an output it should show is refused (:func:`nanoflux.site.pages.missing_outputs`), so the site
never shows a page without its figure or table.
"""
from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from nanoflux.plots.save import saved_description
from nanoflux.running import publish
from nanoflux.running.outputs import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR, check_folder
from nanoflux.running.stored import stored_notebooks
from nanoflux.site.errors import SiteError
from nanoflux.site.index import FIGURES, figure_downloads, index_markdown
from nanoflux.site.mathjax import mathjax_source
from nanoflux.site.pages import check_canonical, check_outputs, page_of, prepare_notebook
from nanoflux.validate import printable

SITE_DIR = BUILD_DIR / "site"

#: Sphinx's configuration folder: conf.py, docutils.conf and the site's own static files.
CONF_DIR = Path(__file__).resolve().parent / "conf"

#: Marks a folder as a site this module wrote, so rebuilding may replace it.
MARKER = ".nanoflux-site"

#: The prefix of a build's private work folder beside the site (``.site-<pid>-<random>``).
WORK_PREFIX = ".site-"

#: Fixed time for Sphinx (SOURCE_DATE_EPOCH): nothing on the site depends on when it was built.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, as reproducible-builds.org suggests for "no date"



@contextlib.contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_sphinx(source: Path, html: Path, doctrees: Path) -> list[str]:
    """Run Sphinx's HTML builder; return its warnings, one line each."""
    import warnings as python_warnings

    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    try:
        with _environment(SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH), patch_docutils(str(CONF_DIR)), \
                docutils_namespace(), python_warnings.catch_warnings():
            # the themes' and MyST's use of APIs that a later Sphinx removes: theirs to update, not ours
            python_warnings.simplefilter("ignore", DeprecationWarning)
            python_warnings.simplefilter("ignore", PendingDeprecationWarning)
            app = Sphinx(str(source), str(CONF_DIR), str(html), str(doctrees), "html",
                         status=None, warning=warnings, freshenv=True)
            app.build(force_all=True)
    except SphinxError as exc:
        cause = next((e for e in _chain(exc) if isinstance(e, OSError)), None)
        if cause is not None:  # a full device, a lost permission: build_site names the folder
            raise cause from None
        raise SiteError(f"Sphinx could not build the site: {' '.join(str(exc).split())}") from exc
    if app.statuscode:
        last = (warnings.getvalue().strip().splitlines() or ["no message"])[-1]
        raise SiteError(f"Sphinx could not build the site: {last}")
    text = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())
    return [line for line in text.splitlines() if line.strip()]


def _chain(exc: BaseException):
    """``exc`` and the exceptions it was raised from or during (Sphinx keeps the original as ``orig_exc``)."""
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = getattr(exc, "orig_exc", None) or exc.__cause__ or exc.__context__
    return seen


def _normalize(folder: Path) -> None:
    """What a web server running as another user can read: folders 0755, files 0644. Nothing a reader
    never fetches: Sphinx's build info, the themes' source maps and translation catalogues, empty folders."""
    (folder / ".buildinfo").unlink(missing_ok=True)
    shutil.rmtree(folder / "_static" / "locales", ignore_errors=True)
    for path in (folder / "_static").glob("*.html"):  # the themes' Jinja macros, copied as if static
        path.unlink()
    for path in folder.rglob("*.map"):
        path.unlink()
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def build_site(out=None, notebooks_dir: Path = NOTEBOOKS_DIR, figures_dir: Path = FIGURES_DIR,
               warnings: list | None = None) -> list[Path]:
    """Render the stored notebooks, the figures and the claims into a static site; return the files written.

    ``out`` defaults to ``build/site``. An existing ``out`` is replaced only if it is empty or a
    site built here before (it holds the marker file); anything else is refused with SiteError, as
    is a notebook that has lost an output (:func:`check_outputs`). The site is built in a temporary
    folder beside ``out`` and moved into place at the end; Sphinx's warnings are appended to
    ``warnings`` when given.
    """
    import nbformat

    if out is None:
        out = SITE_DIR
    else:  # the rule results follow: never the repository, notebooks/, figures/, nanoflux/ or inside them
        try:
            out = check_folder(out, "--out")
        except (TypeError, ValueError) as exc:
            raise SiteError(str(exc)) from None
    paths = stored_notebooks(Path(notebooks_dir))
    if not paths:
        raise SiteError(f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir}")
    figure_files = [Path(figures_dir) / name for name, *_ in FIGURES]
    missing = [str(p) for p in figure_files if not p.is_file()]
    if missing:
        raise SiteError(f"missing figure(s) {', '.join(missing)}: run `nanoflux reproduce` first")
    alts = {p.name: saved_description(p) for p in figure_files}  # written by save_figure: what each shows
    if not all(alts.values()):
        raise SiteError(f"{', '.join(k for k, a in alts.items() if not a)} carries no description of what it "
                        "shows: run `nanoflux reproduce` first")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SiteError(f"{printable(out)} exists and is not a nanoflux site; choose another --out or remove it")

    prepared, pages = [], []
    for path in paths:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError, nbformat.ValidationError) as exc:  # NotJSONError is a ValueError
            raise SiteError(f"{path.name} is not a readable notebook: {' '.join(str(exc).split())[:200]}") from exc
        if Path(notebooks_dir).resolve() == NOTEBOOKS_DIR.resolve():  # the repository's: only a canonical run's
            check_canonical(nb, path)
        check_outputs(nb, path.name)
        pages.append(page_of(nb, path.stem))
        prepared.append((path.name, prepare_notebook(nb)))
    mathjax_source()  # refuse early when MathJax is missing

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(out.parent)
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise SiteError(f"cannot write a site to {printable(out)}: {(exc.strerror or str(exc)).lower()}") from None
    lock = None
    try:
        lock = publish.hold_lock(work)
        source = work / "src"
        (source / "notebooks").mkdir(parents=True)
        (source / "figures").mkdir()
        for name, nb in prepared:
            nbformat.write(nb, str(source / "notebooks" / name))
        for path in sorted({*figure_files, *figure_downloads(figures_dir)}):  # every figure, to link and download
            shutil.copyfile(path, source / "figures" / path.name)
        (source / "index.md").write_text(index_markdown(pages, alts, figures_dir), encoding="utf-8")
        html = work / "html"  # MyST-NB writes beside the output folder (jupyter_execute/): keep it in work
        found = _run_sphinx(source, html, work / "doctrees")
        if warnings is not None:  # name the stored notebooks, not their temporary copies
            warnings.extend(line.replace(f"{source / 'notebooks'}{os.sep}", f"{Path(notebooks_dir)}{os.sep}")
                            .replace(f"{source}{os.sep}", "") for line in found)
        (html / MARKER).write_text("built by nanoflux site; safe to delete\n", encoding="utf-8")
        _normalize(html)
        # what this build wrote, listed before it goes in place: a build started beside it may replace it next
        built = sorted(p.relative_to(html) for p in html.rglob("*") if p.is_file() and p.name != MARKER)
        _replace(out, html, work)
    except OSError as exc:
        raise SiteError(f"cannot write a site to {printable(out)}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if lock is not None:
            lock.close()
    return [out / name for name in built]


def _remove_abandoned(folder: Path) -> None:
    """Remove the work folders of builds into ``folder`` whose process is gone (killed builds)."""
    for work in folder.glob(WORK_PREFIX + "*"):
        if work.is_dir() and publish.is_abandoned(work, WORK_PREFIX):
            shutil.rmtree(work, ignore_errors=True)


def _replace(out: Path, html: Path, work: Path) -> None:
    """Put the built site ``html`` at ``out``, replacing an earlier site there; one build at a time per folder
    (a lock on the folder holding ``out``), so builds started together each leave a whole site."""
    fd = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
            raise SiteError(f"{printable(out)} exists and is not a nanoflux site; choose another --out or remove it")
        if out.exists():
            out.rename(work / "old")  # removed with the work folder
        html.rename(out)
    finally:
        os.close(fd)
