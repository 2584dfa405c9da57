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
from dataclasses import dataclass

import pandas as pd

__all__ = ["Chart", "Paragraph", "Parts", "Table"]

# The report stylesheet's rules (templates/cfreport/report.css) that a notebook needs inline.
STYLES = {
    "verdict": "border-left:6px solid #005ea5;background:#f3f7fb;padding:0.6rem 0.9rem",
    "synthetic": "border-left:6px solid #8a6d00;background:#fff7bf;padding:0.6rem 0.9rem",
    "note": "color:#505a5f;font-size:0.9em",
    "caption": "text-align:left;font-weight:bold;padding:0.3rem 0",
    "text": "text-align:left;vertical-align:top;border-bottom:1px solid #b1b4b6;padding:0.3rem 0.6rem",
    "number": ("text-align:right;vertical-align:top;border-bottom:1px solid #b1b4b6;padding:0.3rem 0.6rem;"
               "white-space:nowrap;font-variant-numeric:tabular-nums"),
    "head": "background:#f3f2f1;vertical-align:bottom",
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
    return str(value), False


@dataclass(frozen=True)
class Table:
    """A frame shown as an accessible HTML table with a caption.

    ``index=True`` shows the index as the first column, with row headers.
    """

    frame: pd.DataFrame
    caption: str
    index: bool = True
    formats: dict | None = None  # column -> format string such as "{:.3f}", or a callable

    def _repr_html_(self) -> str:
        frame = self.frame
        rows, numeric_columns = [], set()
        for label, record in zip(frame.index, frame.itertuples(index=False)):
            cells = []
            if self.index:
                cells.append(f'<th scope="row" style="{STYLES["text"]}">{html.escape(str(label))}</th>')
            for column, value in zip(frame.columns, record):
                text, numeric = _cell(value)
                style = (self.formats or {}).get(column)
                if style is not None and text != "":
                    text = style(value) if callable(style) else style.format(value)
                css = f' class="cf-number" style="{STYLES["number"]}"' if numeric else f' style="{STYLES["text"]}"'
                numeric_columns.update([column] if numeric and text != "" else [])
                cells.append(f"<td{css}>{html.escape(text)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = [(frame.index.name or "", False)] if self.index else []
        head += [(str(c), c in numeric_columns) for c in frame.columns]
        header = "".join(f'<th scope="col" style="{STYLES["number" if numeric else "text"]};{STYLES["head"]}">'
                         f"{html.escape(h)}</th>" for h, numeric in head)
        # A wide table scrolls sideways; tabindex and a label let keyboard users reach it.
        label = html.escape(self.caption, quote=True)
        return (f'<div class="cf-table-wrap" tabindex="0" role="region" aria-label="{label}" '
                f'style="overflow-x:auto"><table style="border-collapse:collapse;margin:1rem 0">'
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
    def from_axes(cls, ax, *, alt: str, caption: str = "", dpi: int = 110) -> Chart:
        """Render the Axes' figure to PNG and close it (so it is not shown a second time)."""
        import matplotlib.pyplot as plt

        figure = ax.figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                       metadata={"Software": None})
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
