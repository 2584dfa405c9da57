"""What went wrong with the input and what happened to every row: problems and the load report.

:class:`Problem` is one thing wrong, said so a person can find and fix it; :class:`TableLoad`
and :class:`LoadReport` reconcile rows read with rows accepted and excluded.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from cfanalysis.data.contract import THEMES, TableSpec
from cfanalysis.parameters import CfanalysisError

__all__ = ["ACCEPT_EXCLUSIONS", "GROUP_AFTER", "MAX_EXCLUDED_SHARE", "DataLoadError", "LoadReport", "Problem",
           "Severity", "TableLoad", "grouped_problem_lines"]

Severity = Literal["fatal", "excluded", "warning"]
MAX_EXCLUDED_SHARE = 0.10  # a table losing more than this share of its rows needs the user's say-so
ACCEPT_EXCLUSIONS = "accept_exclusions"  # the dataset.json key (and validate option) that confirms it


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said so a person can find and fix it.

    ``severity`` is ``"fatal"`` (the file cannot be used), ``"excluded"`` (the row is left out
    of every count) or ``"warning"`` (the row is counted; the note says what was assumed).
    """

    file: str
    message: str
    fix: str
    severity: Severity
    row: int | None = None
    column: str | None = None
    value: str | None = None
    cause: str | None = None  # the likely reason, when one explains many rows (merged cells, ...)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = f" value '{self.value}'" if self.value is not None else ""
        label = _LABELS[self.severity]
        return f"{label} {', '.join(where)}:{value} {self.message}. Fix: {self.fix}"


@dataclass
class TableLoad:
    """What happened to one table: its accepted rows and the bookkeeping behind them."""

    spec: TableSpec
    path: Path | None
    frame: pd.DataFrame | None
    rows_read: int = 0
    blank_rows: int = 0
    columns_dropped: tuple[str, ...] = ()
    encoding: str | None = None
    sheet: str | None = None  # the workbook sheet read
    headers: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    problems: list[Problem] = field(default_factory=list)
    # The distinct text of every column, by header, as read from the file (the rows below the
    # header, blanks left out): what the personal-data guard needs, so it never reads the file
    # again. Never handed to notebooks (see cfanalysis.data.snapshot).
    guarded_values: tuple[tuple[str, dict[str, int]], ...] | None = field(default=None, repr=False)
    parts: list[TableLoad] = field(default_factory=list)  # one per file or sheet, when several were combined

    @property
    def rows_excluded(self) -> int:
        if self.frame is None:
            return self.rows_read
        return self.rows_read - len(self.frame)

    @property
    def rows_accepted(self) -> int:
        return 0 if self.frame is None else len(self.frame)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


@dataclass
class LoadReport:
    """The reconciliation of a data folder: for each table, rows read = accepted + excluded."""

    data_dir: Path
    tables: dict[str, TableLoad]
    problems: list[Problem]
    # More than this share of a table's rows excluded makes the data unusable until confirmed.
    max_excluded_share: float = MAX_EXCLUDED_SHARE
    accept_exclusions: bool = False  # the user confirmed (validate --accept-exclusions, dataset.json)
    # Themes the reports rely on (contract.THEMES) that no value of the data was read as: a figure
    # built on one says "not recorded", never 0.
    unmapped_themes: tuple[str, ...] = ()
    files_found: list = field(default_factory=list)  # every file in the folder: FileUse (see files.py)

    @property
    def usable(self) -> bool:
        """True when there is no fatal problem, the complaints table has accepted rows, and no
        table lost more than :attr:`max_excluded_share` of its rows (unless the user accepted it)."""
        complaints = self.tables.get("complaints")
        return (not any(p.severity == "fatal" for p in self.problems)
                and complaints is not None and complaints.rows_accepted > 0
                and (self.accept_exclusions or not self.too_many_excluded))

    @property
    def too_many_excluded(self) -> dict[str, float]:
        """Table -> share of its rows excluded, for each table over :attr:`max_excluded_share`
        (tables refused as a whole are errors already, and left out here)."""
        return {name: load.rows_excluded / load.rows_read for name, load in self.tables.items()
                if load.frame is not None and load.rows_read and load.spec.counted
                and load.rows_excluded / load.rows_read > self.max_excluded_share}

    def excluded_rows_frame(self) -> pd.DataFrame:
        """Every excluded row, one line each, for a person to work through in Excel: file, row
        (as Excel shows it), column, value, reason, fix and likely cause."""
        columns = ["file", "row", "column", "value", "reason", "fix", "cause"]
        rows = [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "reason": p.message,
                 "fix": p.fix, "cause": p.cause} for p in self.problems if p.severity == "excluded"]
        return pd.DataFrame(rows, columns=columns)

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables.values())

    @property
    def rows_accepted(self) -> int:
        return sum(t.rows_accepted for t in self.tables.values())

    @property
    def rows_excluded(self) -> int:
        return sum(t.rows_excluded for t in self.tables.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per table: file, rows read, accepted, excluded, blank rows, columns dropped."""
        rows = [{
            "table": name,
            "file": ", ".join(dict.fromkeys(p.path.name for p in load.parts)) if load.parts
                    else load.path.name if load.path else "(none)",
            "rows_read": load.rows_read,
            "rows_accepted": load.rows_accepted,
            "rows_excluded": load.rows_excluded,
            "blank_rows_ignored": load.blank_rows,
            "columns_dropped": ", ".join(load.columns_dropped),
            "read_as": (f"sheet '{load.sheet}'" if load.sheet else load.encoding) or "",
        } for name, load in self.tables.items()]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """One sentence: rows read from how many files, how many accepted and excluded.

        Examples
        --------
        >>> load_data("data/example").report.summary()  # doctest: +SKIP
        '692 data rows read from 6 files: 692 accepted, 0 excluded (every row accounted for).'
        """
        files = len({part.path for load in self.tables.values() for part in (load.parts or [load])
                     if part.path is not None})
        return (f"{_plural(self.rows_read, 'data row')} read from {_plural(files, 'file')}: "
                f"{self.rows_accepted:,} accepted, {self.rows_excluded:,} excluded (every row accounted for).")

    def _repr_html_(self) -> str:
        """The summary as a paragraph, then one row per table (see :meth:`to_frame`)."""
        frame = self.to_frame()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in frame.itertuples(index=False))
        return (f"<p>{html.escape(self.summary())}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a row: severity, file, row, column, value, message, fix and the likely
        cause (merged cells, an empty column, a repeated header) where one was found."""
        columns = ["severity", "file", "row", "column", "value", "message", "fix", "cause"]
        return pd.DataFrame([{c: getattr(p, c) for c in columns} for p in self.problems],
                            columns=columns)

    def exclusion_reasons(self) -> pd.DataFrame:
        """Excluded rows counted by table and reason, without any cell values."""
        rows = [{"file": p.file, "column": p.column or "", "reason": p.message}
                for p in self.problems if p.severity == "excluded"]
        frame = pd.DataFrame(rows, columns=["file", "column", "reason"])
        return (frame.value_counts().rename("rows").reset_index()
                .sort_values(["file", "rows"], ascending=[True, False], ignore_index=True))

    def text(self, *, how_to_fix: str = "fix the errors above") -> str:
        """The report as plain text, for the command line (``how_to_fix`` ends an unusable one).

        Problems shared by more than :data:`GROUP_AFTER` rows (same file, column, message and
        cause) are one line each (see :func:`grouped_problem_lines`); :meth:`problems_frame`
        lists every row.
        """
        lines = [f"Data folder: {self.data_dir}", ""]
        if self.files_found:
            lines += ["Files:"] + [f"  {use}" for use in self.files_found] + [""]
        for name, load in self.tables.items():
            if load.path is None:
                lines.append(f"  {name:<12} no file")
                continue
            if load.parts:
                lines.append(f"  {name:<12} {len(load.parts)} files or sheets combined: {load.rows_read} rows read, "
                             f"{load.rows_accepted} accepted, {load.rows_excluded} excluded")
            for part in load.parts or [load]:
                lines.append(_load_line("" if load.parts else name, part))
            if load.columns_dropped:
                lines.append(f"  {'':<12} columns not in the contract, dropped unread: "
                             + ", ".join(load.columns_dropped))
        counts = {s: sum(p.severity == s for p in self.problems) for s in ("fatal", "warning")}
        refused = sum(load.rows_read for load in self.tables.values() if load.frame is None)
        lines += ["", f"Problems: {_plural(counts['fatal'], 'error')}, {_plural(self.rows_excluded, 'row')} excluded"
                      + (f" ({refused:,} of them in files that could not be used)" if refused else "")
                      + f", {_plural(counts['warning'], 'warning')}"]
        lines += [f"  {line}" for line in grouped_problem_lines(self.problems)]
        lines += self._attention_lines()
        lines += ["", "Usable: yes" if self.usable else "Usable: no (" + self._why_not(how_to_fix) + ")"]
        return "\n".join(lines)

    def _attention_lines(self) -> list[str]:
        lines = []
        for name, share in self.too_many_excluded.items():
            load = self.tables[name]
            said = ("; accepted (accept_exclusions is set)" if self.accept_exclusions else
                    ", so the data are not usable until you fix the rows or confirm: run validate with "
                    f"--accept-exclusions, or put \"{ACCEPT_EXCLUSIONS}\": true in dataset.json")
            files = ", ".join(dict.fromkeys(p.path.name for p in load.parts)) if load.parts else load.path.name
            lines.append(f"  CONFIRM {files}: {load.rows_excluded:,} of {load.rows_read:,} "
                         f"{name} rows ({share:.0%}) are excluded, more than {self.max_excluded_share:.0%}{said}. "
                         "validate --excluded-csv FILE lists every one.")
        for theme in self.unmapped_themes:
            table, column, code = THEMES[theme]
            lines.append(f"  NOT RECORDED theme '{theme}': no {table} {column.replace('_', ' ')} in the data was "
                         f"read as '{code}', so figures about it say 'not recorded', not 0. If one of your values "
                         f"means it, map it under codes: {column}: in mapping.yml.")
        return ([""] + lines) if lines else []

    def _why_not(self, how_to_fix: str = "fix the errors above") -> str:
        if any(p.severity == "fatal" for p in self.problems):
            return how_to_fix
        if self.too_many_excluded and not self.accept_exclusions:
            return (f"more than {self.max_excluded_share:.0%} of a table's rows are excluded; fix them, or confirm "
                    f"with --accept-exclusions or \"{ACCEPT_EXCLUSIONS}\": true in dataset.json")
        return "no complaints were accepted"


def _load_line(name: str, load: TableLoad) -> str:
    sheet = f" (sheet '{load.sheet}')" if load.sheet else (
        f" ({load.encoding})" if load.encoding and load.encoding != "UTF-8" else "")
    return (f"  {name:<12} {load.path.name}{sheet}: {load.rows_read} rows read, "
            f"{load.rows_accepted} accepted, {load.rows_excluded} excluded"
            + (f", {load.blank_rows} blank rows ignored" if load.blank_rows else ""))


GROUP_AFTER = 3  # more rows than this with one problem are shown as one line
_LABELS = {"fatal": "ERROR", "excluded": "EXCLUDED", "warning": "WARNING"}


def grouped_problem_lines(problems: list[Problem], *, group_after: int = GROUP_AFTER) -> list[str]:
    """One line per problem, except that rows sharing a problem are one line when there are
    more than ``group_after`` of them: the count, the first rows, the likely reason and the fix.

    Rows share a problem when file, column, message, fix and cause are the same. The groups
    keep the order of their first row.

    Examples
    --------
    >>> rows = [Problem(file="c.xlsx", row=r, column="Team", message="is blank", fix="Fill it.",
    ...                 severity="excluded", cause="merged cells") for r in range(3, 9)]
    >>> print(grouped_problem_lines(rows)[0])
    EXCLUDED c.xlsx, column 'Team': 6 rows: is blank (rows 3, 4, 5, 6, 7 and 1 more; likely reason:
    merged cells). Fix: Fill it.
    """
    groups: dict[object, list[Problem]] = {}
    for index, problem in enumerate(problems):
        key = ((problem.severity, problem.file, problem.column, problem.message, problem.fix, problem.cause)
               if problem.row is not None else index)
        groups.setdefault(key, []).append(problem)
    lines: list[str] = []
    for members in groups.values():
        lines += [str(p) for p in members] if len(members) <= group_after else [_group_line(members)]
    return lines


def _group_line(members: list[Problem]) -> str:
    first = members[0]
    where = first.file + (f", column '{first.column}'" if first.column is not None else "")
    values = list(dict.fromkeys(p.value for p in members if p.value is not None
                                and p.value.strip() not in ("", "None", "nan")))  # blank cells say nothing
    value = ("" if not values else f"value '{values[0]}' " if len(values) == 1
             else "values such as " + ", ".join(f"'{v}'" for v in values[:3]) + " ")
    shown = ", ".join(str(p.row) for p in members[:5])
    more = f" and {len(members) - 5:,} more" if len(members) > 5 else ""
    cause = f"; likely reason: {first.cause}" if first.cause else ""
    return (f"{_LABELS[first.severity]} {where}: {len(members):,} rows: {value}{first.message} "
            f"(rows {shown}{more}{cause}). Fix: {first.fix}")


class DataLoadError(CfanalysisError):
    """Raised by :meth:`Dataset.require_usable`; carries the whole load report."""

    def __init__(self, report: LoadReport, how_to_fix: str = "fix the errors above"):
        super().__init__(report.text(how_to_fix=how_to_fix))
        self.report = report
