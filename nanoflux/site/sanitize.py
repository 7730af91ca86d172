"""What notebooks carry is not trusted: every HTML fragment, SVG, title, image, download and link that reaches the
site passes here, and nothing a page shows may run, load anything from outside the site, or bring a file of the
building machine onto it.

One rule for every address (:func:`inside_site`): a fragment (``#x``) or a relative path that stays inside the site
from the page it is on. Addresses are read as a browser reads them: character references resolved (the HTML and
XML parsers do it), tabs and line breaks removed, backslashes taken for slashes; so ``/\\evil.example/x.png``,
``\\/evil.example/`` and ``/&#9;/evil.example/`` are all addresses on another host, and refused with every scheme,
``//host`` and ``/root`` address. The one exception is an image's ``data:image/png|jpeg|gif|webp`` source, which
loads nothing.

- HTML (outputs, Markdown): nh3 (ammonia) with an allow-list of elements and attributes (:func:`sanitize_html`);
- SVG (outputs, attachments): parsed as XML, rebuilt from an allow-list of SVG elements and attributes, references
  only to its own ``#ids`` (:func:`sanitize_svg`);
- Sphinx's document tree (:func:`sanitize_doctree`, run when a page is read, before Sphinx collects its titles,
  images and downloads, and again when it is resolved): raw HTML sanitized, titles reduced to text, images and
  downloads only from the folders the site was given, links outside the site written out as text.
"""
from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

# -- addresses ------------------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)


def _as_browser_reads(url: str) -> str:
    """``url`` as a browser parses it: leading and trailing C0 controls and spaces stripped, tabs and line
    breaks removed anywhere, backslashes read as slashes."""
    url = re.sub(r"[\t\n\r]", "", url or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"
                                                     "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    return url.replace("\\", "/")


def inside_site(url: str, page: str = "") -> bool:
    """Whether ``url``, written on the page at ``page`` (its path in the site, e.g. ``notebooks/x.html``), leads
    to a place inside the site: a fragment, or a relative path without scheme or host that does not climb
    above the site's root."""
    url = _as_browser_reads(url)
    if not url or url.startswith("#"):
        return True
    if url.startswith("/") or _SCHEME.match(url):
        return False
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else "."
    return not (joined == ".." or joined.startswith("../"))


def safe_image_source(url: str, page: str = "") -> bool:
    """An image source: inside the site, or an inline raster ``data:`` image."""
    return inside_site(url, page) or bool(_SAFE_DATA_IMAGE.match(_as_browser_reads(url)))


# -- CSS ------------------------------------------------------------------------------------------------

#: CSS that may load something, run something or hide an escape: a style holding any of these is dropped.
#: (Attribute values reach the check with their character references decoded; comments are removed first.)
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(|image\s*\(|element\s*\(|"
                         r"behavior|binding|javascript:|@font-face|\\|<|/\*|\*/", re.IGNORECASE)
#: In SVG, ``url(#id)`` points inside the same file (clip paths, gradients): allowed there.
_LOCAL_URL = re.compile(r"""url\(\s*(['"]?)#[A-Za-z_][\w.\-]*\1\s*\)""")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def safe_css(css: str, *, local_urls: bool = False) -> str | None:
    """``css`` without its comments, or None when it could load or run anything (``local_urls``: SVG's own
    ``url(#id)`` references allowed)."""
    css = _CSS_COMMENT.sub("", css)
    checked = _LOCAL_URL.sub("", css) if local_urls else css
    return None if _UNSAFE_CSS.search(checked) else css


# -- HTML -----------------------------------------------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background", "longdesc",
                   "usemap", "xlink:href", "data"}


def sanitize_html(fragment: str, page: str = "") -> str:
    """An HTML fragment from a notebook, safe to put on the page at ``page``: nothing runs, nothing loads from
    elsewhere.

    Allowed: ordinary text markup, tables, lists, images with a source inside the site or an inline raster
    ``data:`` image, ``class``/``title``/``lang``/``dir`` everywhere, and CSS (``style`` attributes and
    ``<style>`` blocks, comments removed) that holds no ``url()``, ``@import``, ``expression()`` or escape.
    Removed: ``<script>``, ``<iframe>``, ``<object>``, ``<svg>``, forms, ``on*`` handlers, ``srcset``, and
    every address that :func:`inside_site` refuses.
    """
    import nh3

    def attribute_filter(element: str, attribute: str, value: str):
        if attribute == "style":
            return safe_css(value)
        if attribute in _URL_ATTRIBUTES:
            if element == "img" and attribute == "src":
                return value if safe_image_source(value, page) else None
            return value if inside_site(value, page) else None
        return value

    styles = [css for css in map(safe_css, _STYLE_BLOCK.findall(fragment)) if css is not None]
    body = _STYLE_BLOCK.sub("", fragment)
    attributes = {tag: set(attrs) - {"srcset"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"class", "title", "lang", "dir", "style"}
    attributes["img"] = attributes.get("img", set()) | {"src", "alt", "width", "height"}
    clean = nh3.clean(body, attributes=attributes, attribute_filter=attribute_filter,
                      clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                                          "noscript", "svg", "math", "textarea", "select", "frameset"},
                      url_schemes={"data"}, link_rel="noopener noreferrer")
    clean = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", clean)  # an image whose source was removed
    return "".join(f"<style>{css}</style>" for css in styles) + clean


def html_text(fragment: str) -> str:
    """The text of an HTML fragment, every element removed (the same sanitizer, allowing no element; what a
    script or style holds goes with it)."""
    import nh3

    return html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style", "template",
                                                                           "textarea", "iframe", "noscript"}))


def markdown_without_html(markdown: str) -> str:
    """Markdown whose HTML is reduced to its text (:func:`html_text`), written so that no text becomes HTML
    again: for a title or a sentence the site shows outside its own page (the index, the sidebar)."""
    return html_text(markdown).replace("&", "&amp;").replace("<", "&lt;")


# -- SVG ------------------------------------------------------------------------------------------------

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_SVG_ELEMENTS = {"svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
                 "polygon", "text", "tspan", "title", "desc", "clipPath", "mask", "linearGradient",
                 "radialGradient", "stop", "pattern", "image", "marker", "style"}
_SVG_ATTRIBUTES = {
    "id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "width", "height",
    "viewBox", "preserveAspectRatio", "transform", "points", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "clip-path", "clip-rule", "mask", "marker-start",
    "marker-mid", "marker-end", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "alignment-baseline", "letter-spacing", "dx", "dy", "rotate", "textLength",
    "lengthAdjust", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "patternUnits", "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits",
    "refX", "refY", "orient", "clipPathUnits", "maskUnits", "maskContentUnits", "version", "style", "type",
    "visibility", "display", "color", "vector-effect", "overflow", "{http://www.w3.org/XML/1998/namespace}space",
}
_HREFS = {"href", f"{{{XLINK}}}href"}
#: A document type with an internal subset or any entity: refused before parsing (no entity expansion).
_UNSAFE_XML = re.compile(r"<!ENTITY|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def _clean_svg_element(element: ET.Element) -> bool:
    """Keep ``element`` (True) after cleaning its attributes and children in place, or drop it (False)."""
    if not element.tag.startswith(f"{{{SVG}}}") or element.tag[len(SVG) + 2:] not in _SVG_ELEMENTS:
        return False
    name = element.tag[len(SVG) + 2:]
    for attribute, value in list(element.attrib.items()):
        keep = attribute in _SVG_ATTRIBUTES or attribute in _HREFS
        if attribute in _HREFS:
            target = _as_browser_reads(value)
            keep = (name == "use" and re.fullmatch(r"#[A-Za-z_][\w.\-]*", target) is not None) or \
                (name == "image" and _SAFE_DATA_IMAGE.match(target) is not None)
        elif attribute == "style" or "url" in value.lower() or "\\" in value:
            keep = keep and safe_css(value, local_urls=True) is not None
        if attribute == "type" and name == "style":
            keep = value.strip().lower() == "text/css"
        if not keep:
            del element.attrib[attribute]
    if name == "style" and safe_css(element.text or "", local_urls=True) is None:
        return False
    if name in ("use", "image") and not (_HREFS & set(element.attrib)):
        return False
    for child in list(element):
        if not _clean_svg_element(child):
            element.remove(child)
    return True


def sanitize_svg(text) -> str | None:
    """An SVG image rebuilt from what is safe in it (see the module), or None when it cannot be read as one.

    Nothing in the result runs or loads anything: no script, handler, animation, foreign object, link or
    style that leaves the file; entities and internal document types are refused outright."""
    if isinstance(text, list):
        text = "".join(text)
    if not isinstance(text, str) or _UNSAFE_XML.search(text):
        return None
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except (ET.ParseError, ValueError):
        return None
    if root.tag != f"{{{SVG}}}svg" or not _clean_svg_element(root):
        return None
    return _svg_text(root, top=True)


def _svg_text(element: ET.Element, top: bool = False) -> str:
    """A cleaned element as SVG text: the SVG namespace the default one, ``xlink:`` for XLink's attributes."""
    name = element.tag[len(SVG) + 2:]
    attributes = {"xmlns": SVG, "xmlns:xlink": XLINK} if top else {}
    for key, value in element.attrib.items():
        key = key.replace(f"{{{XLINK}}}", "xlink:").replace("{http://www.w3.org/XML/1998/namespace}", "xml:")
        attributes[key] = value
    opening = name + "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    inner = escape(element.text or "") + "".join(_svg_text(child) + escape(child.tail or "") for child in element)
    return f"<{opening}>{inner}</{name}>" if inner else f"<{opening}/>"


# -- Sphinx's document tree -----------------------------------------------------------------------------

def _in_given_folders(app, path: Path) -> bool:
    """Whether ``path`` is an existing file in the folder the site is built from or in MyST-NB's folder of
    output files, after every link is followed."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return False
    roots = (Path(app.srcdir).resolve(), (Path(app.outdir).parent / "jupyter_execute").resolve())
    return real.is_file() and any(root in real.parents for root in roots)


def _given_file(app, docname: str, uri: str) -> bool:
    """Whether ``uri``, as Sphinx reads it in ``docname`` (relative to the document, or to the source folder
    when it starts with ``/``), names files that :func:`_in_given_folders` accepts (every one, for a ``*``)."""
    uri = _as_browser_reads(uri)
    if not uri or _SCHEME.match(uri) or uri.startswith("//"):
        return False
    base = Path(app.srcdir) if uri.startswith("/") else Path(app.srcdir) / posixpath.dirname(docname)
    relative = uri.lstrip("/")
    try:
        found = list(base.glob(relative)) if "*" in uri else [base / relative]
    except (OSError, ValueError, NotImplementedError):
        return False
    return bool(found) and all(_in_given_folders(app, p) for p in found)


def _collected_image(app, node) -> bool:
    """Once Sphinx has collected an image: whether every file it will copy is one :func:`_in_given_folders`
    accepts (its candidates are relative to the source folder; ``?`` marks a remote or inline one)."""
    candidates = node.get("candidates") or {}
    if "?" in candidates:
        return bool(_SAFE_DATA_IMAGE.match(_as_browser_reads(candidates["?"])))
    return bool(candidates) and all(_in_given_folders(app, Path(app.srcdir) / c) for c in candidates.values())


def _html_source(node) -> str:
    """The HTML a node's text and raw HTML make together (text escaped, raw HTML as it is)."""
    from docutils import nodes

    if isinstance(node, nodes.raw):
        return node.astext() if "html" in node.get("format", "").split() else ""
    if isinstance(node, nodes.Text):
        return html.escape(node.astext())
    return "".join(_html_source(child) for child in node.children)


def sanitize_doctree(app, doctree, docname: str | None = None) -> None:
    """Sphinx ``doctree-read`` and ``doctree-resolved`` hook (see the module): raw HTML sanitized, titles made
    text, images and downloads from elsewhere left out, links outside the site written out as text."""
    from docutils import nodes
    from sphinx import addnodes

    read = docname is None  # doctree-read (before Sphinx's collectors) or doctree-resolved
    docname = docname or app.env.docname
    page = f"{docname}.html"  # the HTML builder's page for the document
    for title in list(doctree.findall(nodes.title)):  # shown in sidebars, links and <title>: text only
        if any(True for _ in title.findall(nodes.raw)):
            title.children = [nodes.Text(html_text(_html_source(title)))]
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            clean = sanitize_html(node.astext(), page)
            node.children = [nodes.Text(clean)] if clean else []
            node.rawsource = clean
        else:
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if _SAFE_DATA_IMAGE.match(_as_browser_reads(uri)):
            continue
        if not (_given_file(app, docname, uri) if read else _collected_image(app, node)):
            alt = node.get("alt", "")
            node.replace_self(nodes.inline(text=f"[image not shown: {alt or 'not a file of this site'}]"))
    for node in list(doctree.findall(addnodes.download_reference)):
        if read and not _given_file(app, docname, node.get("reftarget", "")):
            node.replace_self(nodes.inline(text=node.astext()))
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri", "")
        if uri and not inside_site(uri, page):
            text = node.astext()
            shown = text if text.strip() == uri.strip() or not _SCHEME.match(_as_browser_reads(uri)) \
                else f"{text} ({uri})"
            node.replace_self(nodes.inline(text=shown))
    for node in list(doctree.findall(nodes.target)):
        if node.get("refuri") and not inside_site(node["refuri"], page):
            del node["refuri"]
