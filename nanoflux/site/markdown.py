"""Markdown as the site needs it: read as Jupyter reads it (formulas first), and reduced to plain text."""
from __future__ import annotations

import re


def markdown_text(source: str) -> str:
    """Markdown reduced to plain text for the index: no emphasis marks, code ticks or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source)
    return re.sub(r"[*_`]", "", text)


def _fence_end(text: str, start: int) -> int:
    """Where the fenced code block opening at ``start`` ends (after its closing fence), or the text's end."""
    fence = re.match(r"(`{3,}|~{3,})", text[start:]).group(1)
    close = re.compile(rf"^[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
    line_end = text.find("\n", start)
    found = close.search(text, line_end + 1) if line_end >= 0 else None
    return found.end() if found else len(text)


def one_line_maths(markdown: str) -> str:
    """Markdown as Jupyter reads it, maths first: a formula that spans lines is put on one line.

    Jupyter takes ``$...$`` and ``$$...$$`` out of a Markdown cell before parsing the Markdown; MyST
    parses the Markdown first, so a line of a formula that starts with ``+``, ``-`` or ``1.`` would begin
    a list and tear the formula apart. Newlines in TeX are spaces, so joining the lines changes nothing
    for MathJax (a formula with a ``%`` comment is left as it is). Code spans, fenced code and ``\\$``
    are left alone.
    """
    out, i, n = [], 0, len(markdown)
    while i < n:
        at_line_start = i == 0 or markdown[i - 1] == "\n"
        if at_line_start and re.match(r"[ ]{0,3}(`{3,}|~{3,})", markdown[i:]):
            start = i + len(markdown[i:]) - len(markdown[i:].lstrip(" "))
            end = _fence_end(markdown, start)
            out.append(markdown[i:end])
            i = end
            continue
        ch = markdown[i]
        if ch == "\\":
            out.append(markdown[i:i + 2])
            i += 2
            continue
        if ch == "`":
            run = re.match(r"`+", markdown[i:]).group(0)
            close = re.compile(rf"(?<!`){run}(?!`)").search(markdown, i + len(run))
            end = close.end() if close else i + len(run)
            out.append(markdown[i:end])
            i = end
            continue
        if ch == "$":
            delim = "$$" if markdown.startswith("$$", i) else "$"
            close = re.compile(r"(?<!\\)" + re.escape(delim) + ("" if delim == "$$" else r"(?!\$)"))
            found = close.search(markdown, i + len(delim))
            if found and "\n\n" not in markdown[i:found.start()]:
                maths = markdown[i + len(delim):found.start()]
                if "\n" in maths and not re.search(r"(?<!\\)%", maths):
                    maths = re.sub(r"[ \t]*\n[ \t]*", " ", maths)
                out.append(delim + maths + delim)
                i = found.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)
