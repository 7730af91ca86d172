"""Tables that read well everywhere: aligned plain text for terminals and nbval, HTML for notebooks and the site.

A :class:`Table` holds formatted cells (strings: numbers are formatted by the code that builds the
table, so outputs are stable). ``str(table)`` and ``repr(table)`` give the plain-text table the
command line prints; ``_repr_html_`` gives an HTML table whose headers write symbols and units as a
physicist would (r_c -> r<sub>c</sub>, m^-3 -> m<sup>-3</sup>, mu0 Ms -> mu<sub>0</sub>M<sub>s</sub>) and
whose agreement cells are marked. No dependency: Jupyter calls ``_repr_html_`` itself.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from nanoflux.formatting import html_powers
from nanoflux.plots.style import GREEN, RED

#: Plain-text spellings in headers, captions and word-valued cells, and how HTML writes them (in this order).
_SYMBOLS = (
    (r"\bmu0 Ms\b", "μ<sub>0</sub><i>M</i><sub>s</sub>"),
    (r"\bmu0 n mu_B\b", "μ<sub>0</sub><i>n</i>μ<sub>B</sub>"),
    (r"\bmu0\b", "μ<sub>0</sub>"),
    (r"\bmu_B\b", "μ<sub>B</sub>"),
    (r"\bPhi0\b", "Φ<sub>0</sub>"),
    (r"\bhbar\b", "ħ"),
    (r"\br_c\b", "<i>r</i><sub>c</sub>"),
    (r"\bB_z\b", "<i>B</i><sub>z</sub>"),
    (r"\bB\(2R\)", "<i>B</i>(2<i>R</i>)"),
    (r"\bsqrt\(N\)", "√<i>N</i>"),
    (r"\bsqrt\(", "√("),
    (r"\bpi\b", "π"),
    (r"\^\(-(\d+/\d+)\)", r"<sup>−\1</sup>"),
    (r"\^\((\d+/\d+)\)", r"<sup>\1</sup>"),
    (r"\^-(\d+)", r"<sup>−\1</sup>"),
    (r"\^(\d+)", r"<sup>\1</sup>"),
)
#: Cells that state agreement, and how HTML marks them.
_MARKS = {"yes": ("✓ yes", "agree"), "PASS": ("✓ PASS", "agree"), "NO": ("✗ NO", "differ"),
          "FAIL": ("✗ FAIL", "differ")}
_STYLE = ("<style>table.nanoflux{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:0.4em 0}"
          "table.nanoflux caption{caption-side:top;text-align:left;padding:0.2em 0;font-size:0.95em}"
          "table.nanoflux th,table.nanoflux td{padding:0.15em 0.7em;text-align:right;"
          "border-bottom:1px solid #ddd}table.nanoflux th{border-bottom:2px solid #888}"
          f"table.nanoflux td.agree{{color:{GREEN}}}table.nanoflux td.differ{{color:{RED};font-weight:bold}}"
          "table.nanoflux td.text{text-align:left}</style>")


def html_symbols(text: str) -> str:
    """Escape ``text`` for HTML and write its plain-text symbols and exponents as HTML."""
    out = html_powers(html.escape(text, quote=False))
    for pattern, replacement in _SYMBOLS:
        out = re.sub(pattern, replacement, out)
    return out


@dataclass
class Table:
    """Columns (plain-text headers, units in brackets), rows of formatted cells, an optional caption."""

    columns: tuple
    rows: list
    caption: str = ""
    text_columns: tuple = field(default_factory=tuple)  # indices of left-aligned, word-valued columns

    def text(self) -> str:
        """The aligned plain-text form: caption, header, rule, rows."""
        cols = list(zip(self.columns, *self.rows)) if self.rows else [(h,) for h in self.columns]
        widths = [max(len(str(c)) for c in col) for col in cols]

        def line(cells):
            return "  ".join(str(c).rjust(w) for c, w in zip(cells, widths)).rstrip()

        body = [line(self.columns), line(["-" * w for w in widths])] + [line(r) for r in self.rows]
        return "\n".join(([self.caption] if self.caption else []) + body)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html_symbols(str(c))}</th>" for c in self.columns)
        rows = []
        for row in self.rows:
            cells = []
            for i, cell in enumerate(row):
                shown, cls = _MARKS.get(str(cell), (str(cell), "text" if i in self.text_columns else ""))
                attr = f' class="{cls}"' if cls else ""
                body = html_symbols(shown) if cls == "text" else html_powers(html.escape(shown, quote=False))
                cells.append(f"<td{attr}>{body}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        caption = f"<caption>{html_symbols(self.caption)}</caption>" if self.caption else ""
        return (f'{_STYLE}<table class="nanoflux">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")
