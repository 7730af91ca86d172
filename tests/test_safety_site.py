"""The reading site is safe to build and to read (issue 22, cases 3, 5, 6, 7, 8, 17 and 18's full disk): it never
executes a notebook, brings no file of the building machine onto the site, and nothing a notebook carries runs or
loads from elsewhere when a page, a title or an image is opened. Small sites are built from hostile notebooks
copied beside a stored one, and searched file by file."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nanoflux import site
from nanoflux.running import outputs
from nanoflux.site import sanitize

from helpers import RUN_GUARD_S, tree_digest

E = "evil.example"


def _folder(tmp_path, *notebooks) -> Path:
    """A notebooks folder: the stored notebook 01, then ``notebooks`` as (stem, notebook)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(outputs.NOTEBOOKS_DIR / "02_mean_field_table1.ipynb", folder)
    for stem, nb in notebooks:
        nbformat.write(nb, str(folder / f"{stem}.ipynb"))
    return folder


def _notebook(title="# 03 · A notebook\n\nIt carries things.", prose="", outputs_=(), metadata=None, code="1"):
    cells = [new_markdown_cell(title + ("\n\n" + prose if prose else "")),
             new_code_cell("x = 1", execution_count=1, metadata={"tags": ["parameters"]}),
             new_code_cell(code, execution_count=2, outputs=list(outputs_) or [
                 new_output("execute_result", data={"text/plain": "1"}, execution_count=2)])]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}, **(metadata or {})})


def _texts(out: Path) -> dict:
    return {p: p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file()}


# -- case 3: the site never executes ------------------------------------------------------------------------

EXECUTING = {
    "execution_mode force (the issue's)": {"mystnb": {"execution_mode": "force"}},
    "execution_mode cache": {"mystnb": {"execution_mode": "cache"}},
    "execution_mode inline": {"mystnb": {"execution_mode": "inline"}},
    "force, and no exclusion": {"mystnb": {"execution_mode": "force", "execution_excludepatterns": []}},
    "force under MyST's own key too": {"mystnb": {"execution_mode": "force"}, "myst": {"enable_extensions": []}},
}


@pytest.mark.parametrize("case", EXECUTING)
def test_a_notebook_that_asks_to_be_executed_is_not(case, tmp_path):
    marker = tmp_path / "ran"
    code = (f"open({str(marker)!r}, 'w').write('ran')\n"
            "from nanoflux.running import notebook\n"
            "notebook.start('01_flux_quantization', B_tesla=[1.0, 0.1, 0.01], flux_quantum_convention='h/2e')"
            ".write_results({'hijacked': True})")
    nb = _notebook(code=code, metadata=EXECUTING[case])
    folder = _folder(tmp_path, ("03_runs", nb))
    before = tree_digest(outputs.FIGURES_DIR)
    site.build_site(tmp_path / "out", notebooks_dir=folder)
    # witness: the file the cell writes when it runs, and the committed results
    assert not marker.exists()
    assert tree_digest(outputs.FIGURES_DIR) == before
    assert "hijacked" not in (tmp_path / "out" / "notebooks" / "03_runs.html").read_text().split("</pre>")[-1]


# -- case 5: titles -------------------------------------------------------------------------------------------

TITLES = [
    f"# 03 · <script>document.title='pwned'</script><span onmouseover=\"alert(1)\">Hostile</span>"
    f"<img src=\"https://{E}/t.png\">",
    f"# 03 · <b>Bold</b> <a href=\"https://{E}/\">link</a> <svg onload=alert(2)></svg>&lt;kept&gt;",
    f"# 03 · <style>*{{background:url(//{E}/s.png)}}</style>Styled <iframe src=//{E}></iframe>",
]


@pytest.mark.parametrize("title", TITLES, ids=["script and handler (the issue's)", "markup and link", "style"])
def test_a_title_reaches_no_page_as_html(title, tmp_path):
    folder = _folder(tmp_path, ("03_hostile", _notebook(title=title + "\n\nA notebook.")))
    out = tmp_path / "out"
    site.build_site(out, notebooks_dir=folder)
    for path, text in _texts(out).items():
        if path.suffix != ".html" and path.name != "searchindex.js":
            continue
        # witness: every page (sidebars, previous/next links, titles) and the search index; the words between
        # the tags may stay, as text
        assert E not in text and not re.search(r"<script[^>]*>[^<]*pwned", text), path
        assert not re.search(r"<span[^>]*onmouseover|onload=|<iframe|<svg|url\(//", text), path
        for title in re.findall(r"<title>(.*?)</title>", text, re.S):
            assert "<" not in title, title
    neighbour = (out / "notebooks" / "02_mean_field_table1.html").read_text()
    assert re.search(r'<a class="right-next"|<a class="left-prev"', neighbour)  # the title appears there, as text


# -- case 6: no file of the building machine -------------------------------------------------------------------

SECRET = "nanoflux-secret-3f9c"


@pytest.fixture
def secret_file(tmp_path):
    """A file outside everything the site is given, at a path reachable by ../ from its source folder."""
    path = Path("/tmp") / f"nanoflux-secret-{os.getpid()}-{tmp_path.name}.txt"
    path.write_text(SECRET)
    yield path
    path.unlink(missing_ok=True)


def _pointers(path: Path) -> str:
    up = "../" * 12 + str(path).lstrip("/")
    return (f"```{{image}} {up}\n```\n\n![x]({up})\n\n![abs]({path})\n\n"
            f"```{{eval-rst}}\n.. image:: {up}\n\n.. figure:: {up}\n\n:download:`rst <{up}>`\n```\n\n"
            f"{{download}}`a download <{up}>` and [a link]({up}) and [abs](file://{path}) and "
            f"<img src=\"{up}\"> <a href=\"{up}\">raw</a>\n\n"
            "![a figure the site was given](../figures/fig1.png)")


def test_nothing_outside_the_given_folders_reaches_the_site(tmp_path, secret_file):
    for target in (secret_file, Path("/etc/passwd")):
        folder_root = tmp_path / target.name
        folder_root.mkdir()
        folder = _folder(folder_root, ("03_files", _notebook(prose=_pointers(target))))
        out = folder_root / "out"
        site.build_site(out, notebooks_dir=folder)
        texts = _texts(out)
        # witness: every file of the site, searched for the file's content and for its name
        assert not [p for p, t in texts.items() if SECRET in t or "root:x:0:0" in t]
        assert not [p for p in texts if target.name in p.name] and not (out / "_downloads").exists()
        page = (out / "notebooks" / "03_files.html").read_text()
        assert not re.search(rf'(?:src|href)="[^"]*{re.escape(target.name)}', page)
        assert "image not shown" in page
        assert re.search(r'<img alt="a figure the site was given" src="../_images/fig1.png"', page)  # not too strict


# -- case 7: addresses ---------------------------------------------------------------------------------------

OUTSIDE = [f"/\\{E}/x.png", f"\\/{E}/x.png", f"/\t/{E}/x.png", f"/\n/{E}/x.png", f"\\\\{E}/x.png", f"//{E}/x.png",
           f"https://{E}/x.png", f" \x01https://{E}/x.png", "/etc/passwd", "../../x.png", "../../../etc/passwd",
           "javascript:alert(1)", "jav\tascript:alert(1)", f"HTTPS:{E}", "data:text/html,<script>", "file:///etc/passwd"]
INSIDE = ["#top", "x.png", "./x.png", "../_images/fig1.png", "../index.html#the-figures", "sub/../x.png", ""]


@pytest.mark.parametrize("url", OUTSIDE)
def test_an_address_that_leaves_the_site_is_refused(url):
    # witness: the address written out per case, searched for in the sanitized HTML
    assert not sanitize.inside_site(url, "notebooks/x.html")
    clean = sanitize.sanitize_html(f'<img src="{url}" alt="i"><a href="{url}">l</a>', "notebooks/x.html")
    assert "src=" not in clean and "href=" not in clean, clean


@pytest.mark.parametrize("entity", ["&#9;", "&#x09;", "&Tab;", "&#10;", "&NewLine;", "&#92;"])
def test_character_references_are_resolved_before_the_check(entity):
    # witness: the hostile host's name, searched for in the sanitized HTML, per character reference
    for url in (f"/{entity}/{E}/x.png", f"{entity}/{E}/x.png"):
        clean = sanitize.sanitize_html(f'<img src="{url}" alt="i"><a href="{url}">l</a>', "notebooks/x.html")
        assert E not in clean, clean


@pytest.mark.parametrize("url", INSIDE)
def test_an_address_inside_the_site_is_kept(url):
    # witness: the link, written out per case, kept whole in the sanitized HTML
    assert sanitize.inside_site(url, "notebooks/x.html")
    assert f'href="{url}"' in sanitize.sanitize_html(f'<a href="{url}">l</a>', "notebooks/x.html")


def test_addresses_in_a_notebook_reach_no_page(tmp_path):
    links = " ".join(f'<img src="{u}" alt="i{i}"> <a href="{u}">raw{i}</a> [md{i}]({u}) ![mdimg{i}]({u})'
                     for i, u in enumerate(u.replace("\n", "&#10;").replace("\t", "&#9;") for u in OUTSIDE[:8]))
    html_out = "".join(f'<a href="{u}">o{i}</a><img src="{u}">' for i, u in enumerate(OUTSIDE[:8]))
    nb = _notebook(prose=links, outputs_=[new_output("display_data", data={"text/html": html_out, "text/plain": "h"}),
                                          new_output("display_data", data={"text/markdown": links, "text/plain": "m"})])
    out = tmp_path / "out"
    site.build_site(out, notebooks_dir=_folder(tmp_path, ("03_links", nb)))
    page = (out / "notebooks" / "03_links.html").read_text()
    # witness: every src and href of the page
    for address in re.findall(r'(?:src|href)="([^"]*)"', page):
        address = address.replace("&amp;", "&")
        assert sanitize.inside_site(address, "notebooks/03_links.html"), address
        assert address.startswith("#") or E not in address, address  # a link to this page's own anchor may


# -- case 8: SVG ----------------------------------------------------------------------------------------------

HOSTILE_SVG = {
    "namespaced script (the issue's)": f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
                                       f'<s:script>fetch("https://{E}/s")</s:script><rect width="1" height="1"/></svg>',
    "entity-encoded href (the issue's)": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                                         f'<image x:href="&#104;ttps://{E}/i.png" width="1" height="1"/>'
                                         f'<image href="&#x68;ttps://{E}/j.png"/></svg>',
    "set attributeName=href (the issue's)": '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
                                            f'to="https://{E}/"/><rect width="1" height="1"/></a>'
                                            f'<animate attributeName="href" values="https://{E}/"/></svg>',
    "url() in styles (the issue's)": f'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{{fill:url(https://{E}/f)}}'
                                     f'</style><style>@import "https://{E}/i.css";</style>'
                                     f'<rect style="fill:url(//{E}/p#x)" fill="url(https://{E}/q#y)"/></svg>',
    "handler, foreignObject, use of another file": f'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(1)">'
                                                   f'<foreignObject><iframe src="https://{E}/"/></foreignObject>'
                                                   f'<use href="https://{E}/u.svg#a"/></svg>',
    "an entity declared in a document type": '<!DOCTYPE svg [<!ENTITY e "https://evil.example/">]>'
                                             '<svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>',
    "a stylesheet processing instruction": f'<?xml-stylesheet href="https://{E}/x.css"?>'
                                           '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
    "escapes in CSS": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(https://evil.example/)"/></svg>',
}


@pytest.mark.parametrize("case", HOSTILE_SVG)
def test_an_svg_keeps_nothing_that_runs_or_loads(case):
    clean = sanitize.sanitize_svg(HOSTILE_SVG[case])
    # witness: the sanitized text, parsed again
    assert clean is None or (E not in clean and "script" not in clean and "<set" not in clean and "onload" not in clean
                             and "foreignObject" not in clean and "animate" not in clean and "@import" not in clean)
    if clean is not None:
        assert ET.fromstring(clean).tag == f"{{{sanitize.SVG}}}svg"


@pytest.mark.parametrize("path", sorted(outputs.FIGURES_DIR.glob("*.svg")), ids=lambda p: p.name)
def test_a_matplotlib_svg_keeps_everything_it_draws(path):
    original = path.read_text()
    clean = sanitize.sanitize_svg(original)
    count = lambda text, tag: sum(1 for e in ET.fromstring(text).iter() if e.tag == f"{{{sanitize.SVG}}}{tag}")  # noqa
    # witness: the committed figure's elements, counted before and after
    for tag in ("path", "use", "g", "clipPath", "rect", "image", "style", "title"):
        assert count(clean, tag) == count(original, tag), tag  # only <metadata> (invisible) goes
    assert ('clip-path="url(#' in clean) == ('clip-path="url(#' in original) and 'xlink:href="#' in clean
    assert clean.count('xlink:href="data:image/png;base64,') == original.count('xlink:href="data:image/png;base64,')


def test_svg_outputs_and_attachments_on_the_site_are_sanitized(tmp_path):
    svgs = [new_output("display_data", data={"image/svg+xml": svg, "text/plain": f"svg {i}"})
            for i, svg in enumerate(HOSTILE_SVG.values())]
    nb = _notebook(outputs_=svgs, prose="![att](attachment:a.svg)")
    nb.cells[0]["attachments"] = {"a.svg": {"image/svg+xml": HOSTILE_SVG["namespaced script (the issue's)"]}}
    raw = nbformat.v4.new_raw_cell(HOSTILE_SVG["url() in styles (the issue's)"], metadata={"format": "image/svg+xml"})
    nb.cells.append(raw)
    out = tmp_path / "out"
    site.build_site(out, notebooks_dir=_folder(tmp_path, ("03_svg", nb)))
    images = list(out.rglob("*.svg"))
    assert images  # witness: the SVG files the site serves, opened by a reader as documents of their own
    for path, text in _texts(out).items():
        assert E not in text and "s:script" not in text, path


# -- case 17: builds at once; case 18: a full disk --------------------------------------------------------------

BUILD = ("import sys; from pathlib import Path; from nanoflux import site; "
         "site.build_site(sys.argv[1], notebooks_dir=Path(sys.argv[2]))")


def test_three_builds_into_one_folder_at_once_each_leave_a_whole_site(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "same"
    procs = [subprocess.Popen([sys.executable, "-c", BUILD, str(out), str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=RUN_GUARD_S) for p in procs]
    for proc, (_out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-2000:]  # witness: each build's own exit status and errors
    assert (out / "index.html").is_file() and (out / "notebooks" / "02_mean_field_table1.html").is_file()
    assert (out / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-")] == []


def test_a_killed_builds_work_folder_is_removed_by_the_next(tmp_path):
    # witness: a work folder named after a process that has ended (removed) and one of a living process (kept)
    folder = _folder(tmp_path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"{site.build.WORK_PREFIX}{dead.pid}-x1y2"
    (left / "html").mkdir(parents=True)
    alive = tmp_path / f"{site.build.WORK_PREFIX}{os.getppid()}-a1b2"
    alive.mkdir()
    site.build_site(tmp_path / "out", notebooks_dir=folder)
    assert not left.exists() and alive.exists()


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm (user and mount namespaces)")
def test_a_full_disk_is_one_line_naming_the_site(tmp_path):
    small = Path(tempfile.mkdtemp(prefix="nfs-"))
    try:
        script = (f"mount -t tmpfs -o size=600k tmpfs {small}; status=0; "
                  f"{sys.executable} -m nanoflux site --out {small}/site || status=$?; ls -A {small} > {tmp_path}/ls; "
                  "exit $status")
        env = {k: v for k, v in os.environ.items() if k != outputs.STAGE_ENV}
        proc = subprocess.run(["unshare", "-rm", "sh", "-ec", script], cwd=outputs.ROOT, env=env, capture_output=True,
                              text=True, timeout=RUN_GUARD_S)
        assert proc.returncode == 2, proc.stderr[-2000:]
        lines = proc.stderr.strip().splitlines()
        # witness: the one error line, and what the full device holds afterwards
        assert len(lines) == 1 and f"{small}/site" in lines[0] and "no space left on device" in lines[0], lines
        assert (tmp_path / "ls").read_text().split() == []
    finally:
        shutil.rmtree(small, ignore_errors=True)
