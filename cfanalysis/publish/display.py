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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["RECORD_MIME", "Chart", "Paragraph", "Parts", "Table", "records_of"]

# The media type under which a displayed object carries the numbers it publishes (its ledger
# entries, cfanalysis.publish.disclosure.Ledger.to_json) for the runner's audit; HTML export ignores it.
RECORD_MIME = "application/vnd.cfanalysis.disclosure+json"


def records_of(shown) -> list:
    """The ledger entries a display object (and, for :class:`Parts`, each of its parts) carries."""
    found = [shown.record] if getattr(shown, "record", None) is not None else []
    for part in getattr(shown, "parts", ()) or ():
        found += records_of(part)
    return found


class _Recorded:
    """Shows as HTML, with the published numbers beside it under :data:`RECORD_MIME`."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        records = records_of(self)
        if records:
            from cfanalysis.publish.disclosure import Ledger

            merged = Ledger()
            for record in records:
                merged.extend(record)
            bundle[RECORD_MIME] = merged.to_json()
        return bundle

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
class Paragraph(_Recorded):
    """A paragraph of plain text (escaped); ``kind="verdict"`` draws it as a highlighted box."""

    text: str
    kind: str = ""
    record: object = field(default=None, compare=False, repr=False)

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


def _sheet_names(captions: list[str]) -> list[str]:
    """Excel sheet names from captions: at most 31 characters, none of []:*?/\\, each unique."""
    names: list[str] = []
    for number, caption in enumerate(captions, start=1):
        name = re.sub(r"[\[\]:*?/\\]", " ", caption).strip()[:31] or f"Table {number}"
        while name in names:
            name = f"{name[:27]} ({number})"
        names.append(name)
    return names


def _write_excel(frames: list[tuple[pd.DataFrame, bool]], captions: list[str], path) -> Path:
    from pathlib import Path

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for (frame, index), name in zip(frames, _sheet_names(captions)):
            frame.to_excel(writer, sheet_name=name, index=index)
    return path


@dataclass(frozen=True)
class Table(_Recorded):
    """A frame shown as an accessible HTML table with a caption.

    ``index=True`` shows the index as the first column, with row headers. ``.frame`` is the
    pandas DataFrame shown (counts already suppressed when the section was asked to), and
    :meth:`to_excel` writes it to a workbook for Excel.
    """

    frame: pd.DataFrame
    caption: str
    index: bool = True
    formats: dict | None = None  # column -> format string such as "{:.3f}", or a callable
    record: object = field(default=None, compare=False, repr=False)
    csv: str = ""  # the name of the CSV table (tables/<csv>.csv) that holds the same rows and values

    def _texts(self) -> list[list[tuple[str, bool]]]:
        """Each cell's text and whether it is a number (formats applied)."""
        rows = []
        for record in self.frame.itertuples(index=False):
            cells = []
            for column, value in zip(self.frame.columns, record):
                text, numeric = _cell(value)
                style = (self.formats or {}).get(column)
                if style is not None and text != "" and not isinstance(value, str):  # a hidden cell's mark stays
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

    def to_excel(self, path) -> Path:
        """Write the table to ``path`` (``.xlsx``), one sheet named from the caption; returns the path.

        Files made by hand are ignored by git outside ``data/example`` (see ``.gitignore``).
        """
        return _write_excel([(self.frame, self.index)], [self.caption], path)


@dataclass(frozen=True)
class Parts(_Recorded):
    """Several displayable pieces shown one after another (a section of a report).

    ``.parts`` holds them in order; ``.tables`` and ``.charts`` pick out the :class:`Table` and
    :class:`Chart` pieces, ``.frame`` is the first table's DataFrame, ``.png`` the first chart's
    image, and :meth:`to_excel` writes every table to a workbook, one sheet each.
    """

    parts: tuple
    record: object = field(default=None, compare=False, repr=False)

    def _repr_html_(self) -> str:
        return "".join(p._repr_html_() for p in self.parts)

    def __repr__(self) -> str:
        return "\n\n".join(repr(p) for p in self.parts)

    def _flat(self) -> list:
        pieces: list = []
        for part in self.parts:
            pieces += part._flat() if isinstance(part, Parts) else [part]
        return pieces

    @property
    def tables(self) -> tuple[Table, ...]:
        """The section's tables, in order (nested sections included)."""
        return tuple(p for p in self._flat() if isinstance(p, Table))

    @property
    def charts(self) -> tuple[Chart, ...]:
        """The section's charts, in order (nested sections included)."""
        return tuple(p for p in self._flat() if isinstance(p, Chart))

    @property
    def frame(self) -> pd.DataFrame | None:
        """The first table's DataFrame (None when the section has no table)."""
        return self.tables[0].frame if self.tables else None

    @property
    def png(self) -> bytes | None:
        """The first chart's PNG bytes (None when the section has no chart)."""
        return self.charts[0].png if self.charts else None

    def to_excel(self, path) -> Path:
        """Write every table to ``path`` (``.xlsx``), one sheet each named from its caption.

        Raises
        ------
        ValueError
            When the section has no table.
        """
        if not self.tables:
            raise ValueError("This section has no table to write; its text is in .parts.")
        return _write_excel([(t.frame, t.index) for t in self.tables], [t.caption for t in self.tables], path)


@dataclass(frozen=True)
class Chart(_Recorded):
    """A rendered chart with its alt text; shows as an accessible ``<figure>`` in notebooks.

    ``.png`` is the image (PNG bytes, 144 dpi), ``.alt`` the words a screen reader reads, and
    :meth:`save` writes the image to a file.
    """

    png: bytes
    alt: str
    caption: str = ""
    record: object = field(default=None, compare=False, repr=False)

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

    def save(self, path) -> Path:
        """Write the chart's PNG to ``path``; returns the path. Give the alt text with it."""
        from pathlib import Path

        path = Path(path)
        path.write_bytes(self.png)
        return path
