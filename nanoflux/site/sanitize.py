"""What notebooks carry is not trusted: every HTML fragment, image and link that reaches a page of the site
passes here. Nothing a page shows may run, or load anything from outside the site."""
from __future__ import annotations

import re

#: An SVG output that could run or load something when opened as a file of the site.
UNSAFE_SVG = re.compile(r"<script|<foreignObject|<!ENTITY|\bon[a-z]+\s*=|javascript:|"
                         r"(?:href|src)\s*=\s*[\"']?\s*(?!data:image/(?:png|jpeg|gif|webp)[;,])[a-z][a-z0-9+.\-]*:|"
                         r"url\(\s*[\"']?\s*(?![#\"')])|"
                         r"@import", re.IGNORECASE)



_REMOTE = re.compile(r"^\s*([a-z][a-z0-9+.\-]*:|//|\\\\)", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background", "longdesc",
                   "usemap", "xlink:href", "data", "srcset"}
#: CSS that may load something, run something or hide an escape: a style holding any of these is dropped.
#: (Attribute values reach the check with their character references decoded; comments are removed first.)
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(|image\s*\(|element\s*\(|"
                         r"behavior|binding|javascript:|@font-face|\\|<|/\*|\*/", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _safe_css(css: str) -> str | None:
    """``css`` without its comments, or None when it could load or run anything."""
    css = _CSS_COMMENT.sub("", css)
    return None if _UNSAFE_CSS.search(css) else css


def _attribute_filter(element: str, attribute: str, value: str):
    if attribute == "style":
        return _safe_css(value)
    if attribute in _URL_ATTRIBUTES:
        if element == "img" and attribute == "src" and _SAFE_DATA_IMAGE.match(value):
            return value
        if element == "a" and attribute == "href" and value.lower().startswith("mailto:"):
            return value
        if _REMOTE.match(value):
            return None  # remote, javascript:, data: and other schemes: dropped
    return value


def sanitize_html(fragment: str) -> str:
    """An HTML fragment from a notebook, safe to put on a page: nothing runs, nothing loads from elsewhere.

    Allowed: ordinary text markup, tables, lists, images with a relative or ``data:image/...`` source,
    ``class``/``title``/``lang``/``dir`` everywhere, and CSS (``style`` attributes and ``<style>``
    blocks, comments removed) that holds no ``url()``, ``@import``, ``expression()`` or escape. Removed:
    ``<script>``, ``<iframe>``, ``<object>``, forms, ``on*`` handlers, ``javascript:`` and other
    schemes, and every remote ``src``/``href``.
    """
    import nh3

    styles = [css for css in map(_safe_css, _STYLE_BLOCK.findall(fragment)) if css is not None]
    body = _STYLE_BLOCK.sub("", fragment)
    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"class", "title", "lang", "dir", "style"}
    attributes["img"] = attributes.get("img", set()) | {"src", "alt", "width", "height"}
    clean = nh3.clean(body, attributes=attributes, attribute_filter=_attribute_filter,
                      clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                                          "noscript", "svg", "math", "textarea", "select", "frameset"},
                      url_schemes={"mailto", "data"}, link_rel="noopener noreferrer")
    clean = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", clean)  # an image whose source was removed
    return "".join(f"<style>{css}</style>" for css in styles) + clean


def _remote_uri(uri: str) -> bool:
    return bool(_REMOTE.match(uri or ""))


def sanitize_doctree(app, doctree, docname) -> None:
    """Sphinx ``doctree-resolved`` hook: sanitize every raw HTML node, drop remote images, unlink
    references that leave the site (their text stays, with the address written out)."""
    from docutils import nodes

    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            clean = sanitize_html(node.astext())
            node.children = [nodes.Text(clean)] if clean else []
            node.rawsource = clean
        else:
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if _remote_uri(uri) and not _SAFE_DATA_IMAGE.match(uri):
            alt = node.get("alt", "")
            node.replace_self(nodes.inline(text=f"[image not shown: {alt or 'from another site'}]"))
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri", "")
        if uri and _remote_uri(uri) and not uri.lower().startswith("mailto:"):
            text = node.astext()
            shown = text if text.strip() == uri.strip() or not uri.lower().startswith(("http:", "https:")) \
                else f"{text} ({uri})"
            node.replace_self(nodes.inline(text=shown))
