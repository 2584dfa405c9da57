"""Sections every notebook shares: what was loaded, the reconciliation of rows, what to explore.

:func:`data_overview` and :func:`explore` are for analysts in JupyterLab (the report notebooks
tag their cells ``remove``, and the HTML page carries the banner and provenance in its template).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cfanalysis.data.loader import Dataset
from cfanalysis.data.problems import grouped_problem_lines
from cfanalysis.parameters import normal_financial_year
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.provenance import git_commit, package_version

__all__ = ["data_overview", "data_period", "explore", "reconciliation"]

SYNTHETIC_BANNER = ("Synthetic data. These figures are built from made-up example data. No figure here "
                    "describes real people or a real council.")


def data_overview(data: Dataset) -> Parts:
    """What was loaded: the synthetic-data banner (when it applies), a provenance line, and the
    financial years and teams with complaints, so an analyst knows what the parameters may be."""
    parts: list = [Paragraph(SYNTHETIC_BANNER, kind="synthetic")] if data.synthetic else []
    files = ", ".join(f"{name} ({digest[:12]})" for name, digest in data.files.items())
    parts.append(Paragraph(f"Made by cfanalysis {package_version()} (code version {git_commit()}) from "
                           f"{data.report.data_dir}: {files or 'no files'}. The first 12 characters of "
                           "each file's SHA-256 checksum are shown.", kind="note"))
    parts += _load_in_view(data)
    years = data.financial_years
    teams = sorted(data.complaints["team"].dropna().unique().tolist())
    parts.append(Paragraph(f"Financial years with complaints: {', '.join(years) or 'none'}. Set "
                           "financial_year (and baseline_year) to one of these."))
    parts.append(Paragraph(f"Teams with complaints: {', '.join(teams) or 'none'}. Set team "
                           "to one of these, spelt the same way."))
    return Parts(tuple(parts))


def data_period(data: Dataset, financial_year: str) -> Paragraph:
    """The data date, and the same-months note when the year is not complete
    (:func:`cfanalysis.publish.sentences.period_note`: the sentence 02 and 03 give too)."""
    from cfanalysis.publish.sentences import period_note

    return Paragraph(period_note(data, normal_financial_year(financial_year)), kind="note")


SHOW_PROBLEMS = 20  # lines of the load report shown in the notebook; problems_frame() has every row


def _load_in_view(data: Dataset) -> list:
    """What was read and left out, in the words of ``cfanalysis validate``, and the teams merged."""
    report = data.report
    parts: list = [Paragraph(report.summary())]
    lines = grouped_problem_lines(report.problems)
    if lines:
        parts.append(Paragraph("What was left out or assumed, as 'cfanalysis validate' lists it (file, row as "
                               "Excel numbers it, column, value and how to fix it):"))
        parts += [Paragraph(line) for line in lines[:SHOW_PROBLEMS]]
        more = f" ({len(lines) - SHOW_PROBLEMS:,} more lines not shown here)" if len(lines) > SHOW_PROBLEMS else ""
        parts.append(Paragraph(f"Every problem, one row each, as a table: data.report.problems_frame(){more}.",
                               kind="note"))
    if data.merged_teams:
        merged = "; ".join(f"'{spelling}' as '{team}'" for spelling, team in data.merged_teams.items())
        parts.append(Paragraph(f"Counted as the same team: {merged}. Spellings that differ only in capitals, "
                               "spaces or punctuation are one team; team_aliases.csv in the data folder merges "
                               "others (columns alias, team)."))
    return parts


def _describe(value: Any) -> tuple[str, str]:
    """The kind of an object and its size, in words."""
    if isinstance(value, pd.DataFrame):
        return "table (pandas DataFrame)", f"{len(value):,} rows, columns: {', '.join(map(str, value.columns))}"
    if isinstance(value, Dataset):
        tables = ("complaints", "compliments", "ombudsman", "activity", "comparators", "actions")
        return "loaded data (cf.Dataset)", "; ".join(f"data.{t}: {len(getattr(value, t)):,} rows" for t in tables)
    methods = [name for name in dir(value) if not name.startswith("_") and callable(getattr(value, name))]
    return f"{type(value).__name__} (cf.{type(value).__name__})", (
        "methods: " + ", ".join(f"{m}()" for m in methods) if methods else "")


def explore(**objects: Any) -> Table:
    """A table of the notebook's main objects: name, what it is and what it holds.

    Examples
    --------
    >>> explore(counts=pd.DataFrame({"count": [1, 2]})).frame.loc["counts", "Holds"]
    '2 rows, columns: count'
    """
    rows = [(name, *_describe(value)) for name, value in objects.items()]
    frame = pd.DataFrame(rows, columns=["Name", "What it is", "Holds"]).set_index("Name")
    return Table(frame, "Objects to explore: type a name in a new cell, or add ? for its help")


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
        financial_year = normal_financial_year(financial_year)  # "2019/20" is counted and written as 2019-20
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
