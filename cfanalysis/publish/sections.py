"""Report sections every notebook shares: the reconciliation of rows read, accepted and excluded."""

from __future__ import annotations

from cfanalysis.data.loader import Dataset
from cfanalysis.publish.display import Paragraph, Parts, Table

__all__ = ["reconciliation"]


def reconciliation(data: Dataset, financial_year: str | None = None) -> Parts:
    """Rows read = accepted + excluded, per file, and why rows were excluded (no cell values)."""
    report = data.report
    table = report.to_frame().drop(columns=["read_as"]).rename(columns={
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
