"""Readable, accessible output for notebooks and the HTML reports: tables, sentences, checks.

Everything shown is HTML-escaped, tables have a caption and header cells with ``scope``, and
numbers are right-aligned. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass

import pandas as pd

from cfanalysis.data.loader import Dataset

__all__ = ["Paragraph", "Parts", "Table", "reconciliation"]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped); ``kind="verdict"`` draws it as a highlighted box."""

    text: str
    kind: str = ""

    def _repr_html_(self) -> str:
        css = f' class="cf-{self.kind}"' if self.kind else ""
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
        head = [frame.index.name or ""] if self.index else []
        head += [str(c) for c in frame.columns]
        rows = []
        for label, record in zip(frame.index, frame.itertuples(index=False)):
            cells = []
            if self.index:
                cells.append(f'<th scope="row">{html.escape(str(label))}</th>')
            for column, value in zip(frame.columns, record):
                text, numeric = _cell(value)
                style = (self.formats or {}).get(column)
                if style is not None and text != "":
                    text = style(value) if callable(style) else style.format(value)
                css = ' class="cf-number"' if numeric else ""
                cells.append(f"<td{css}>{html.escape(text)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        header = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
        # A wide table scrolls sideways; tabindex and a label let keyboard users reach it.
        label = html.escape(self.caption, quote=True)
        return (f'<div class="cf-table-wrap" tabindex="0" role="region" aria-label="{label}"><table>'
                f"<caption>{html.escape(self.caption)}</caption>"
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


def reconciliation(data: Dataset, financial_year: str | None = None) -> Parts:
    """Rows read = accepted + excluded, per file, and why rows were excluded (no cell values)."""
    report = data.report
    table = report.to_frame().rename(columns={
        "table": "Table", "file": "File", "rows_read": "Rows read", "rows_accepted": "Accepted",
        "rows_excluded": "Excluded", "blank_rows_ignored": "Blank rows ignored",
        "columns_dropped": "Columns dropped unread (personal or free text)"}).set_index("Table")
    read, excluded = report.rows_read, report.rows_excluded
    sentence = (f"{read:,} data rows were read from {sum(t.path is not None for t in report.tables.values())} "
                f"files: {read - excluded:,} were accepted and {excluded:,} excluded, so every row is "
                "accounted for. Columns outside the data contract (such as names, addresses and "
                "free-text details) were dropped unread.")
    parts: list = [Paragraph(sentence), Table(table, "Rows read, accepted and excluded, by file")]
    if financial_year is not None and len(data.complaints):
        in_year = int((data.complaints["financial_year"] == financial_year).sum())
        parts.insert(1, Paragraph(
            f"Of the {len(data.complaints):,} accepted complaint rows, {in_year:,} were received in "
            f"{financial_year}; the rest belong to other years."))
    reasons = report.exclusion_reasons()
    if len(reasons):
        reasons = reasons.rename(columns={"file": "File", "column": "Column", "reason": "Reason",
                                          "rows": "Rows"})
        parts.append(Table(reasons, "Why rows were excluded", index=False))
    warnings = sum(p.severity == "warning" for p in report.problems)
    if warnings:
        parts.append(Paragraph(f"{warnings:,} rows were counted with a warning (for example a "
                               "response date before the date received). Run 'cfanalysis validate' "
                               "for the full list."))
    return Parts(tuple(parts))
