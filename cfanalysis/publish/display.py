"""Display objects for notebooks and the HTML reports: paragraphs, tables, charts, sections.

Everything shown is HTML-escaped, tables have a caption and header cells with ``scope``,
numbers are right-aligned, and every chart carries alt text. Nothing here computes a statistic.

Each element carries its own inline style as well as its class, so a notebook in JupyterLab
(which does not load the report's stylesheet) looks like the report: the verdict in its box,
text columns left-aligned, numbers right-aligned and unbroken.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["Chart", "Paragraph", "Parts", "Table"]

CHART_DPI = 144  # an 8-inch chart is 1152 px wide, shown at the report's text width (about 900 px)

# The report stylesheet's rules (templates/cfreport/report.css) that a notebook needs inline.
STYLES = {
    # A light background always comes with its dark text, so JupyterLab's dark theme keeps them readable.
    "verdict": "border-left:6px solid #005ea5;background:#f3f7fb;color:#0b0c0c;padding:0.6rem 0.9rem",
    "synthetic": "border-left:6px solid #8a6d00;background:#fff7bf;color:#0b0c0c;padding:0.6rem 0.9rem",
    "note": "color:#505a5f;font-size:0.9em",
    "caption": "text-align:left;font-weight:bold;padding:0.3rem 0",
    "text": "text-align:left;vertical-align:top;border-bottom:1px solid #b1b4b6;padding:0.3rem 0.6rem",
    "number": ("text-align:right;vertical-align:top;border-bottom:1px solid #b1b4b6;padding:0.3rem 0.6rem;"
               "white-space:nowrap;font-variant-numeric:tabular-nums"),
    "head": "background:#f3f2f1;color:#0b0c0c;vertical-align:bottom",
    "head-number": "text-align:right;border-bottom:1px solid #b1b4b6;padding:0.3rem 0.6rem",
    "figcaption": "color:#505a5f;font-size:0.95rem;text-align:left",
}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped); ``kind="verdict"`` draws it as a highlighted box."""

    text: str
    kind: str = ""

    def _repr_html_(self) -> str:
        style = f' style="{STYLES[self.kind]}"' if self.kind in STYLES else ""
        css = f' class="cf-{self.kind}"{style}' if self.kind else ""
        return f"<p{css}>{html.escape(self.text)}</p>"

    def __repr__(self) -> str:
        return self.text


def _cell(value: object) -> tuple[str, bool]:
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, numbers.Integral):
        return f"{value:,}", True
    if isinstance(value, numbers.Real):
        if pd.isna(value):
            return "", True
        return f"{value:,.2f}", True
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "", False
    return str(value), _number_like(str(value))


# Text that stands for a number: "1,234", "-0.5", "45%", "p < 0.001", "8 -> 20", and the words
# that hide a small count ("fewer than 5", "not shown", "not shown (fewer than 5)").
_NUMBER_LIKE = re.compile(r"^[<>=~≤≥p ]*[-+−]?[£$]?[\d,]*\.?\d+%?( ?(->|→|to|–) ?[-+−]?[\d,]*\.?\d+%?)?$"
                          r"|^fewer than \d+$|^not shown( \(fewer than \d+\))?$|^[-–—]$")


def _number_like(text: str) -> bool:
    return bool(_NUMBER_LIKE.match(text.strip()))


def _numeric_columns(frame: pd.DataFrame, texts: list[list[tuple[str, bool]]]) -> set:
    """Columns whose every shown cell is a number (or a hidden count): right-aligned, head too."""
    numeric = set()
    for j, column in enumerate(frame.columns):
        shown = [row[j] for row in texts if row[j][0] != ""]
        if shown and all(flag for _, flag in shown):
            numeric.add(column)
    return numeric


@dataclass(frozen=True)
class Table:
    """A frame shown as an accessible HTML table with a caption.

    ``index=True`` shows the index as the first column, with row headers.
    """

    frame: pd.DataFrame
    caption: str
    index: bool = True
    formats: dict | None = None  # column -> format string such as "{:.3f}", or a callable

    def _texts(self) -> list[list[tuple[str, bool]]]:
        """Each cell's text and whether it is a number (formats applied)."""
        rows = []
        for record in self.frame.itertuples(index=False):
            cells = []
            for column, value in zip(self.frame.columns, record):
                text, numeric = _cell(value)
                style = (self.formats or {}).get(column)
                if style is not None and text != "":
                    text = style(value) if callable(style) else style.format(value)
                cells.append((text, numeric))
            rows.append(cells)
        return rows

    def _repr_html_(self) -> str:
        """Numbers right-aligned and text left-aligned, a column at a time, decided by value type."""
        frame, texts = self.frame, self._texts()
        numeric_columns = _numeric_columns(frame, texts)
        rows = []
        for label, cells in zip(frame.index, texts):
            row = [f'<th scope="row" style="{STYLES["text"]}">{html.escape(str(label))}</th>'] if self.index else []
            for column, (text, _) in zip(frame.columns, cells):
                css = (f' class="cf-number" style="{STYLES["number"]}"' if column in numeric_columns
                       else f' class="cf-text" style="{STYLES["text"]}"')
                row.append(f"<td{css}>{html.escape(text)}</td>")
            rows.append("<tr>" + "".join(row) + "</tr>")
        head = [(frame.index.name or "", False)] if self.index else []
        head += [(str(c), c in numeric_columns) for c in frame.columns]
        header = "".join(f'<th scope="col" class="{"cf-number" if numeric else "cf-text"}" '
                         f'style="{STYLES["head-number" if numeric else "text"]};{STYLES["head"]}">'
                         f"{html.escape(h)}</th>" for h, numeric in head)
        # A wide table scrolls sideways on screen; tabindex and a label let keyboard users reach it.
        # In print the stylesheet lets its text wrap to the page's width instead.
        label = html.escape(self.caption, quote=True)
        return (f'<div class="cf-table-wrap" tabindex="0" role="region" aria-label="{label}" '
                f'style="overflow-x:auto"><table class="cf-table" style="border-collapse:collapse;margin:1rem 0">'
                f'<caption style="{STYLES["caption"]}">{html.escape(self.caption)}</caption>'
                f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string()}"


@dataclass(frozen=True)
class Parts:
    """Several displayable pieces shown one after another (a section of a report)."""

    parts: tuple

    def _repr_html_(self) -> str:
        return "".join(p._repr_html_() for p in self.parts)

    def __repr__(self) -> str:
        return "\n\n".join(repr(p) for p in self.parts)


@dataclass(frozen=True)
class Chart:
    """A rendered chart with its alt text; shows as an accessible ``<figure>`` in notebooks."""

    png: bytes
    alt: str
    caption: str = ""

    @classmethod
    def from_axes(cls, ax, *, alt: str, caption: str = "", dpi: int = CHART_DPI) -> Chart:
        """Render the Axes' figure to PNG and close it (so it is not shown a second time).

        The whole figure is saved at its own size (no tight cropping), so its pixel width is
        its width in inches times ``dpi``: the text sizes in :mod:`cfanalysis.plots` are chosen
        for that width shown at the report's text width.
        """
        import matplotlib.pyplot as plt

        figure = ax.figure
        if figure.get_layout_engine() is None:
            figure.set_layout_engine("constrained")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        plt.close(figure)
        return cls(png=buffer.getvalue(), alt=alt, caption=caption)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        caption = (f'<figcaption style="{STYLES["figcaption"]}">{html.escape(self.caption)}</figcaption>'
                   if self.caption else "")
        return (f'<figure class="cf-chart" style="margin:1rem 0"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt, quote=True)}" style="max-width:100%;height:auto">{caption}</figure>')

    def __repr__(self) -> str:
        return f"Chart: {self.alt}"
