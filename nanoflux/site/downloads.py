"""What a reader takes away from the site: each figure full size with its PDF and SVG, each notebook as
``.ipynb``. Sphinx hooks, registered by :func:`nanoflux.site.index.setup_sphinx`.

A figure on a page is recognised by its bytes: the site shows the very PNG that ``save_figure`` wrote into
``figures/`` (notebooks display it with ``show_png``; the index with a ``{figure}`` directive), so an image
whose SHA-256 is that of ``figures/<stem>.png`` is that figure. It becomes a link to the full-size PNG, with
a line of links to ``<stem>.pdf`` and ``<stem>.svg`` under it; the files are copied into the site's
``figures/`` folder. The notebook pages get a link to their notebook, copied into the site's ``ipynb/``
folder (not beside the page: a folder of notebooks that no run wrote is one ``--out`` refuses to replace).
"""
from __future__ import annotations

import hashlib
import posixpath
import shutil
from pathlib import Path

#: The formats linked under each figure, in this order (the PNG is the image itself).
VECTOR_FORMATS = ("pdf", "svg")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figure_index(srcdir) -> dict[str, str]:
    """{sha256 of the PNG: figure stem} for the figures in the source folder's ``figures/``."""
    folder = Path(srcdir) / "figures"
    return {_sha256(png): png.stem for png in sorted(folder.glob("*.png"))} if folder.is_dir() else {}


def _image_digest(app, node, docname: str) -> str | None:
    """The SHA-256 of an image node's file: from its name when MyST-NB named it by its digest, else read."""
    uri = node.get("uri", "")
    name = Path(uri).stem
    if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
        return name
    for base in (Path(app.srcdir) / posixpath.dirname(docname), Path(app.srcdir)):
        path = (base / uri).resolve()
        if path.is_file():
            return _sha256(path)
    return None


def link_figures(app, doctree, docname) -> None:
    """``doctree-resolved``: every image that is a saved figure opens full size and links its PDF and SVG;
    a notebook page also links its ``.ipynb``."""
    from docutils import nodes

    if app.builder.format != "html":
        return
    known = app.env.nanoflux_figures if hasattr(app.env, "nanoflux_figures") else None
    if known is None:
        known = app.env.nanoflux_figures = figure_index(app.srcdir)
    here = posixpath.dirname(docname)

    def relative(target: str) -> str:
        return posixpath.relpath(target, here or ".")

    for image in list(doctree.findall(nodes.image)):
        stem = known.get(_image_digest(app, image, docname) or "")
        if stem is None or isinstance(image.parent, nodes.reference):
            continue
        link = nodes.reference("", "", refuri=relative(f"figures/{stem}.png"), classes=["figure-full"])
        image.replace_self(link)
        link += image
        files = nodes.paragraph(classes=["figure-files"])
        files += nodes.Text("Full size: ")
        for k, fmt in enumerate(("png", *VECTOR_FORMATS)):
            if k:
                files += nodes.Text(" · ")
            files += nodes.reference("", fmt.upper(), refuri=relative(f"figures/{stem}.{fmt}"))
        holder = link.parent
        if isinstance(holder, nodes.figure):  # after the caption, inside the figure
            holder += files
        else:
            holder.insert(holder.index(link) + 1, files)
    if docname.startswith("notebooks/"):
        _link_notebook(doctree, docname)


def _link_notebook(doctree, docname: str) -> None:
    """A line under the page's title: the notebook itself, with its outputs, to download."""
    from docutils import nodes

    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    name = f"{posixpath.basename(docname)}.ipynb"
    line = nodes.paragraph(classes=["notebook-download"])
    line += nodes.Text("Download this notebook: ")
    line += nodes.reference("", name, refuri=f"../ipynb/{name}")
    line += nodes.Text(" (with its outputs; run it in JupyterLab, or change its parameters cell and run "
                       "it again)")
    section = title.parent
    section.insert(section.index(title) + 1, line)


def copy_files(app, exception) -> None:
    """``build-finished``: the figures' PNG, PDF and SVG into the site's ``figures/``, the notebooks that
    have a page into its ``ipynb/``."""
    if exception is not None or app.builder.format != "html":
        return
    src, out = Path(app.srcdir), Path(app.outdir)
    figures = src / "figures"
    if figures.is_dir():
        (out / "figures").mkdir(exist_ok=True)
        for path in sorted(figures.iterdir()):
            if path.suffix.lstrip(".") in ("png", *VECTOR_FORMATS):
                shutil.copyfile(path, out / "figures" / path.name)
    for notebook in sorted((src / "notebooks").glob("*.ipynb")):
        if (out / "notebooks" / f"{notebook.stem}.html").is_file():
            (out / "ipynb").mkdir(exist_ok=True)
            shutil.copyfile(notebook, out / "ipynb" / notebook.name)
