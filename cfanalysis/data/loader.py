"""Load a data folder into validated frames plus a load report.

The loader is the only place that sees raw exports. It keeps the contract's fields (an
allow-list from :mod:`cfanalysis.schema`), drops every other column (reported by header only),
and accounts for every data row: each is accepted or excluded with its reason. Problems are
collected, never raised one at a time, and name the file, the row as Excel shows it, the
column and the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from cfanalysis.data import contract as schema
from cfanalysis.periods import financial_years_of
from cfanalysis.data.contract import TableSpec, header_key
from cfanalysis.data.cells import (
    Parsed,
    is_blank,
    parse_date,
    parse_financial_year_cell,
    parse_month,
    parse_number,
    parse_stage,
    parse_text,
    vocabulary_parser,
)

__all__ = ["DataLoadError", "Dataset", "LoadReport", "Problem", "TableLoad", "load_data"]

Severity = Literal["fatal", "excluded", "warning"]
HEADER_SEARCH_ROWS = 20
TABLE_EXTENSIONS = (".csv", ".xlsx", ".xlsm")
TEAM_ALIASES_FILE = "team_aliases.csv"
DATASET_FILE = "dataset.json"


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

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = f" value '{self.value}'" if self.value is not None else ""
        label = {"fatal": "ERROR", "excluded": "EXCLUDED", "warning": "WARNING"}[self.severity]
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
    headers: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_excluded(self) -> int:
        if self.frame is None:
            return self.rows_read
        return self.rows_read - len(self.frame)

    @property
    def rows_accepted(self) -> int:
        return 0 if self.frame is None else len(self.frame)


@dataclass
class LoadReport:
    """The reconciliation of a data folder: for each table, rows read = accepted + excluded."""

    data_dir: Path
    tables: dict[str, TableLoad]
    problems: list[Problem]

    @property
    def usable(self) -> bool:
        """True when there is no fatal problem and the complaints table has accepted rows."""
        complaints = self.tables.get("complaints")
        return (not any(p.severity == "fatal" for p in self.problems)
                and complaints is not None and complaints.rows_accepted > 0)

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables.values())

    @property
    def rows_excluded(self) -> int:
        return sum(t.rows_excluded for t in self.tables.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per table: file, rows read, accepted, excluded, blank rows, columns dropped."""
        rows = [{
            "table": name,
            "file": load.path.name if load.path else "(none)",
            "rows_read": load.rows_read,
            "rows_accepted": load.rows_accepted,
            "rows_excluded": load.rows_excluded,
            "blank_rows_ignored": load.blank_rows,
            "columns_dropped": ", ".join(load.columns_dropped),
        } for name, load in self.tables.items()]
        return pd.DataFrame(rows)

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a row: severity, file, row, column, value, message, fix."""
        columns = ["severity", "file", "row", "column", "value", "message", "fix"]
        return pd.DataFrame([{c: getattr(p, c) for c in columns} for p in self.problems],
                            columns=columns)

    def exclusion_reasons(self) -> pd.DataFrame:
        """Excluded rows counted by table and reason, without any cell values."""
        rows = [{"file": p.file, "column": p.column or "", "reason": p.message}
                for p in self.problems if p.severity == "excluded"]
        frame = pd.DataFrame(rows, columns=["file", "column", "reason"])
        return (frame.value_counts().rename("rows").reset_index()
                .sort_values(["file", "rows"], ascending=[True, False], ignore_index=True))

    def text(self) -> str:
        """The report as plain text, for the command line."""
        lines = [f"Data folder: {self.data_dir}", ""]
        for name, load in self.tables.items():
            if load.path is None:
                lines.append(f"  {name:<12} no file")
                continue
            lines.append(
                f"  {name:<12} {load.path.name}: {load.rows_read} rows read, "
                f"{load.rows_accepted} accepted, {load.rows_excluded} excluded"
                + (f", {load.blank_rows} blank rows ignored" if load.blank_rows else ""))
            if load.columns_dropped:
                lines.append(f"  {'':<12} columns not in the contract, dropped unread: "
                             + ", ".join(load.columns_dropped))
        counts = {s: sum(p.severity == s for p in self.problems) for s in ("fatal", "excluded", "warning")}
        lines += ["", f"Problems: {counts['fatal']} errors, {counts['excluded']} rows excluded, "
                      f"{counts['warning']} warnings"]
        lines += [f"  {p}" for p in self.problems]
        lines += ["", "Usable: yes" if self.usable else "Usable: no (fix the errors above)"]
        return "\n".join(lines)


class DataLoadError(Exception):
    """Raised by :meth:`Dataset.require_usable`; carries the whole load report."""

    def __init__(self, report: LoadReport):
        super().__init__(report.text())
        self.report = report


@dataclass
class Dataset:
    """The validated tables of one data folder and the report of how they were loaded."""

    complaints: pd.DataFrame
    compliments: pd.DataFrame
    ombudsman: pd.DataFrame
    activity: pd.DataFrame
    comparators: pd.DataFrame
    actions: pd.DataFrame
    report: LoadReport
    synthetic: bool
    files: dict[str, str]  # file name -> SHA-256

    @property
    def financial_years(self) -> list[str]:
        """Financial years with at least one accepted complaint, oldest first."""
        return sorted(self.complaints["financial_year"].dropna().unique().tolist())

    def require_usable(self) -> Dataset:
        if not self.report.usable:
            raise DataLoadError(self.report)
        return self


# --------------------------------------------------------------------------------------------
# Reading files into a grid of cells


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, then Windows-1252 (Excel's 'CSV' on Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _read_grid(path: Path) -> tuple[pd.DataFrame, str]:
    """Every row of the CSV or of the workbook's first sheet, as a frame of raw cells.

    Columns are numbered from 0; row i of the frame is row i + 1 in Excel.
    """
    if path.suffix.lower() == ".csv":
        text, encoding = _decode(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        head = list(csv.reader(io.StringIO(text[:65536]), dialect))
        width = max((len(row) for row in head), default=1)
        try:
            # Fast path: the C parser, every cell as text, nothing guessed.
            grid = pd.read_csv(io.StringIO(text), header=None, names=range(width), dtype=str,
                               keep_default_na=False, na_filter=False, skip_blank_lines=False,
                               sep=dialect.delimiter, quotechar=dialect.quotechar or '"',
                               doublequote=True, engine="c")
        except (pd.errors.ParserError, ValueError):
            rows = list(csv.reader(io.StringIO(text), dialect))
            width = max((len(row) for row in rows), default=1)
            grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
        return grid, encoding
    import openpyxl  # only needed for Excel files

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(row) for row in book.worksheets[0].iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
    width = max((len(row) for row in rows), default=1)
    return pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object), "Excel workbook"


def _find_header(grid: pd.DataFrame, spec: TableSpec) -> int | None:
    """Index of the row that looks most like the header (a title row may sit above it)."""
    best, best_score = None, 0
    for index, row in enumerate(grid.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        fields = {spec.field_for_header(cell) for cell in row if not is_blank(cell)}
        score = len(fields - {None})
        if score > best_score:
            best, best_score = index, score
    return best


# --------------------------------------------------------------------------------------------
# Field parsing, applied once per distinct value


@dataclass
class _Column:
    """A raw column reduced to its distinct values: ``raw[i] == uniques[codes[i]]``.

    The last entry of ``uniques`` stands for a missing cell, so every code is valid.
    """

    codes: np.ndarray
    uniques: list
    _blank: np.ndarray | None = None

    @classmethod
    def of(cls, raw: pd.Series) -> _Column:
        codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
        codes = np.where(codes < 0, len(uniques), codes)
        return cls(codes, [*uniques, None])

    def blank_uniques(self) -> np.ndarray:
        if self._blank is None:
            self._blank = self._find_blank_uniques()
        return self._blank

    def _find_blank_uniques(self) -> np.ndarray:
        series = pd.Series(self.uniques, dtype=object)
        text = series.map(type).eq(str).to_numpy()
        blank = np.array([is_blank(u) if not t else False for u, t in zip(self.uniques, text)])
        if text.any():
            blank[text] = series[text].str.strip().eq("").to_numpy()
        return blank

    def blank(self) -> np.ndarray:
        return self.blank_uniques()[self.codes]

    def raw(self, row: int) -> object:
        return self.uniques[self.codes[row]]


@dataclass
class _Results:
    """Parse results for each distinct value, as arrays (see :class:`cfanalysis.values.Parsed`)."""

    value: np.ndarray
    problem: np.ndarray
    fix: np.ndarray
    note: np.ndarray
    month_first: np.ndarray

    @classmethod
    def of(cls, parsed: list[Parsed]) -> _Results:
        def array(name):
            out = np.empty(len(parsed), dtype=object)
            out[:] = [getattr(p, name) for p in parsed]
            return out

        return cls(array("value"), array("problem"), array("fix"), array("note"),
                   np.array([p.month_first for p in parsed], dtype=bool))


def _parse_unique(column: _Column, parser: Callable[[object], Parsed]) -> _Results:
    if parser is parse_text and len(column.uniques) > 1000:
        return _parse_text_fast(column)
    return _Results.of([parser(value) for value in column.uniques])


def _parse_text_fast(column: _Column) -> _Results:
    """:func:`parse_text` for columns with many distinct values (references), vectorised."""
    n = len(column.uniques)
    series = pd.Series(column.uniques, dtype=object)
    is_text = series.map(type).eq(str).to_numpy()
    value, problem, fix = (np.full(n, None, dtype=object) for _ in range(3))
    text = series[is_text].str.strip()
    spaced = (text.str.contains("  ", regex=False) | text.str.contains("\t", regex=False)
              | text.str.contains("\n", regex=False))
    if spaced.any():
        text[spaced] = text[spaced].str.replace(r"\s+", " ", regex=True)
    value[is_text] = text.to_numpy(dtype=object)
    blank = parse_text("")
    empty = np.zeros(n, dtype=bool)
    empty[is_text] = (text == "").to_numpy()
    value[empty], problem[empty], fix[empty] = None, blank.problem, blank.fix
    for index in np.flatnonzero(~is_text):  # numbers from Excel, the missing-cell sentinel
        parsed = parse_text(column.uniques[index])
        value[index], problem[index], fix[index] = parsed.value, parsed.problem, parsed.fix
    return _Results(value, problem, fix, np.full(n, None, dtype=object), np.zeros(n, dtype=bool))


def _take_values(results: _Results, codes: np.ndarray, name: str) -> pd.Series | np.ndarray:
    """The parsed value of every row (missing where the cell had a problem)."""
    values = np.where(pd.isna(results.problem), results.value, None)
    if name.endswith("_date"):
        return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy()[codes]
    if name == "stage":
        return pd.array(list(values), dtype="Int64")[codes]
    if name in ("complaints", "upheld"):
        return pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(dtype=float)[codes]
    return values[codes]


def _display(value: object) -> str:
    if isinstance(value, (pd.Timestamp,)) or hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _field_parsers(spec: TableSpec) -> dict[str, tuple[Callable[[object], Parsed], bool]]:
    """Parser per field and whether a blank or unreadable value excludes the row."""
    text = (parse_text, True)
    parsers: dict[str, tuple[Callable[[object], Parsed], bool]] = {
        "reference": text,
        "team": text,
        "authority": text,
        "received_date": (parse_date, True),
        "response_date": (parse_date, False),
        "stage": (parse_stage, True),
        "month": (parse_month, True),
        "financial_year": (parse_financial_year_cell, True),
        "complaints": (parse_number, True),
        "upheld": (parse_number, False),
        "procedure": (vocabulary_parser(schema.PROCEDURES, what="procedure", strict=True), True),
        "category": (vocabulary_parser(schema.CATEGORIES, what="category", strict=False), True),
        "outcome": (vocabulary_parser(schema.OUTCOMES, what="outcome", strict=False), True),
        "complainant_type": (vocabulary_parser(schema.COMPLAINANT_TYPES, what="complainant type",
                                               strict=False), False),
        "source": (vocabulary_parser(schema.COMPLIMENT_SOURCES, what="compliment source",
                                     strict=False), False),
        "decision": (vocabulary_parser(schema.OMBUDSMAN_DECISIONS, what="Ombudsman decision",
                                       strict=False), True),
        "action": text,
        "owner": (parse_text, False),
        "status": (parse_text, False),
        "theme": (parse_text, False),
    }
    return {name: parsers[name] for name in spec.fields}


class _Collector:
    """Gathers problems for one file, and which rows they exclude."""

    def __init__(self, file: str, row_numbers: np.ndarray):
        self.file = file
        self.row_numbers = row_numbers
        self.problems: list[Problem] = []
        self.excluded = np.zeros(len(row_numbers), dtype=bool)

    def add(self, mask: np.ndarray, *, column: str, describe: Callable[[int], tuple[str | None, str, str]],
            severity: Severity) -> None:
        """Record a problem for each row in ``mask``; ``describe(row)`` gives value, message, fix."""
        mask = np.asarray(mask, dtype=bool)
        for row in np.flatnonzero(mask):
            value, message, fix = describe(int(row))
            self.problems.append(Problem(file=self.file, row=int(self.row_numbers[row]), column=column,
                                         value=value, message=message, fix=fix, severity=severity))
        if severity == "excluded":
            self.excluded |= mask


def _load_table(path: Path, spec: TableSpec) -> TableLoad:
    load = TableLoad(spec=spec, path=path, frame=None)
    file = path.name

    def fatal(message: str, fix: str, **where) -> TableLoad:
        load.problems.append(Problem(file=file, message=message, fix=fix, severity="fatal", **where))
        return load

    if path.suffix.lower() == ".xls":
        return fatal("is an old-style .xls workbook", "Open it in Excel and save it as .xlsx or .csv.")
    try:
        grid, load.encoding = _read_grid(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error) as error:
        return fatal(f"cannot be read ({type(error).__name__}: {error})",
                     "Check the file opens in Excel; save it again as .csv or .xlsx.")
    columns = {position: _Column.of(grid[position]) for position in grid.columns}
    blank_cells = {position: column.blank() for position, column in columns.items()}
    blank_row = np.logical_and.reduce(list(blank_cells.values())) if columns else np.zeros(0, bool)
    if blank_row.all():
        return fatal("is empty", f"Export the {spec.name} log again, with its header row.")

    header_index = _find_header(grid, spec)
    if header_index is None:
        header_index = int(np.flatnonzero(~blank_row)[0])
    headers = [("" if is_blank(h) else str(h).strip()) for h in grid.iloc[header_index]]
    first_data_row = header_index + 2  # Excel numbers rows from 1 and the header is one of them
    body = np.arange(header_index + 1, len(grid))
    keep = body[~blank_row[body]]
    load.blank_rows = int(blank_row[body].sum())
    load.rows_read = len(keep)
    row_numbers = keep + 1
    if not len(keep):
        return fatal("has a header row but no data rows",
                     f"Export the {spec.name} log again with its rows, or remove the file if there are none.",
                     row=header_index + 1)

    # Which column is which field; everything else is dropped unread.
    column_of: dict[str, int] = {}
    dropped: list[str] = []
    for position, header in enumerate(headers):
        name = spec.field_for_header(header)
        if name is None:
            if header or not blank_cells[position][keep].all():
                dropped.append(header or f"(untitled column {position + 1})")
        elif name in column_of:
            fatal(f"has two columns for '{name}': '{headers[column_of[name]]}' and '{header}'",
                  "Delete or rename one of them.", row=first_data_row - 1, column=header)
        else:
            column_of[name] = position
    missing = [name for name in spec.required if name not in column_of]
    if missing:
        found = ", ".join(f"'{h}'" for h in headers if h) or "none"
        accepted = "; ".join(
            f"{name}: " + " / ".join([name, *spec.aliases.get(name, ())][:4]) for name in missing)
        fatal(f"is missing required column(s) {', '.join(missing)} (headers found: {found})",
              f"Add or rename the columns. Accepted headers include {accepted}.",
              row=first_data_row - 1)

    indicators: dict[str, int] = {}
    if spec.numeric_extras:
        for position, header in enumerate(headers):
            if position in column_of.values() or not header:
                continue
            column = columns[position]
            used = np.unique(column.codes[keep][~blank_cells[position][keep]])
            numeric = [parse_number(column.uniques[c]).problem is None for c in used]
            counts = np.bincount(column.codes[keep], minlength=len(column.uniques))[used]
            if len(used) and counts[numeric].sum() > counts.sum() / 2:
                indicators[_snake(header)] = position
                dropped.remove(header)
    load.columns_dropped = tuple(dropped)
    load.headers = {name: headers[position] for name, position in column_of.items()}
    if any(p.severity == "fatal" for p in load.problems):
        return load

    collector = _Collector(file, row_numbers)
    frame: dict[str, object] = {}
    for name, (parser, required) in _field_parsers(spec).items():
        if name not in column_of:
            continue
        header = headers[column_of[name]]
        column = columns[column_of[name]]
        results = _parse_unique(column, parser)
        codes = column.codes[keep]
        if name in ("received_date", "response_date", "month"):
            used = np.unique(codes)
            month_first = [c for c in used if results.month_first[c]]
            if month_first and not any(_proves_day_first(column.uniques[c]) for c in used):
                fatal("holds US-style dates (month first, for example "
                      f"'{_display(column.uniques[month_first[0]])}'); dates are read day first",
                      "Export the dates as dd/mm/yyyy or yyyy-mm-dd and load the file again.",
                      column=header)
                return load
        has_problem = ~pd.isna(results.problem)
        blank = column.blank_uniques()
        reported = has_problem & (blank <= required)  # an optional blank is simply missing
        noted = ~pd.isna(results.note)

        def problem_of(row, results=results, codes=codes, column=column):
            code = codes[row]
            return _display(column.uniques[code]), results.problem[code], results.fix[code]

        def note_of(row, results=results, codes=codes, column=column):
            message, _, fix = results.note[codes[row]].partition(". ")
            return _display(column.uniques[codes[row]]), message, fix

        collector.add(reported[codes], column=header, describe=problem_of,
                      severity="excluded" if required else "warning")
        collector.add(noted[codes], column=header, describe=note_of, severity="warning")
        frame[name] = _take_values(results, codes, name)
    for name, position in indicators.items():
        column = columns[position]
        results = _parse_unique(column, parse_number)
        codes = column.codes[keep]
        bad = ~pd.isna(results.problem)

        def indicator_problem(row, results=results, codes=codes, column=column):
            code = codes[row]
            return _display(column.uniques[code]), results.problem[code], results.fix[code]

        collector.add(bad[codes], column=headers[position], describe=indicator_problem, severity="warning")
        frame[name] = _take_values(results, codes, "complaints")

    table = _typed(pd.DataFrame(frame), spec)
    table["source_row"] = row_numbers.astype("int64")
    _check_rows(table, spec, headers, column_of, collector)
    load.problems.extend(collector.problems)
    load.frame = table[~collector.excluded].reset_index(drop=True)
    return load


def _proves_day_first(raw: object) -> bool:
    """A slashed date whose first number is above 12 can only be day first."""
    if not isinstance(raw, str):
        return False
    parts = raw.strip().replace(".", "/").replace("-", "/").split("/")
    return len(parts) == 3 and parts[0].isdigit() and len(parts[0]) <= 2 and int(parts[0]) > 12


def _snake(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.casefold()).strip("_") or "indicator"


def _typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Give every contract field its type; absent optional fields get their 'not recorded' value."""
    for name in spec.fields:
        if name not in frame:
            defaults = {"response_date": pd.NaT, "complainant_type": "not recorded",
                        "source": "not recorded", "upheld": float("nan"), "team": "Not recorded"}
            if name not in defaults:
                continue
            frame[name] = defaults[name]
        if name.endswith("_date"):
            frame[name] = pd.to_datetime(frame[name])
        elif name in ("complaints", "upheld"):
            frame[name] = pd.to_numeric(frame[name])
        elif name not in ("month", "stage"):
            frame[name] = frame[name].astype("string")
    return frame


def _check_rows(frame: pd.DataFrame, spec: TableSpec, headers: list[str], column_of: dict[str, int],
                collector: _Collector) -> None:
    """Checks across fields and rows, after each field has been read."""
    def header(name: str) -> str:
        return headers[column_of[name]] if name in column_of else name

    if "received_date" in frame and "response_date" in frame:
        early = (frame["response_date"] < frame["received_date"]).fillna(False).to_numpy()
        collector.add(early, column=header("response_date"), severity="warning", describe=lambda row: (
            frame["response_date"].iloc[row].strftime("%d/%m/%Y"),
            "is before the date received; the complaint is counted but its response time is left out",
            "Correct the response date or the date received."))
        frame.loc[early, "response_date"] = pd.NaT

    if spec.name in ("complaints", "ombudsman"):
        keys = ["reference", "stage"] if spec.name == "complaints" else ["reference"]
        usable = frame[~collector.excluded]
        first_row = usable.groupby(keys, dropna=False, sort=False)["source_row"].transform("first")
        duplicated = (usable["source_row"] != first_row).reindex(frame.index, fill_value=False).to_numpy()
        first_row = first_row.reindex(frame.index)
        stage_words = (lambda row: f"at Stage {frame['stage'].iloc[row]} ") if spec.name == "complaints" else (
            lambda row: "")
        collector.add(duplicated, column=header("reference"), severity="excluded", describe=lambda row: (
            str(frame["reference"].iloc[row]),
            f"repeats the reference {stage_words(row)}already on row {int(first_row.iloc[row])}",
            "Delete the duplicate row, or give it its own reference."))

    if spec.name == "complaints":
        usable = frame[~collector.excluded]
        for stage in (2, 3):
            earlier = usable.loc[usable["stage"] == stage - 1, "reference"].unique()
            orphan = ((frame["stage"] == stage).fillna(False) & ~frame["reference"].isin(earlier)).to_numpy()
            orphan &= ~collector.excluded
            collector.add(orphan, column=header("reference"), severity="warning", describe=lambda row, s=stage: (
                str(frame["reference"].iloc[row]),
                f"is a Stage {s} complaint with no Stage {s - 1} row; it is counted at Stage {s} but not "
                "in the escalation rate",
                f"Add the Stage {s - 1} row (same reference), or correct the stage."))


def _future_dates(load: TableLoad, as_of: pd.Timestamp) -> None:
    """Dates after ``as_of`` are typing errors: a future receipt excludes the row, a future
    response is cleared (the complaint still counts)."""
    if load.frame is None:
        return
    frame = load.frame
    for name, severity in (("received_date", "excluded"), ("response_date", "warning")):
        if name not in frame:
            continue
        future = (frame[name] > as_of).fillna(False)
        for _, row in frame[future].iterrows():
            load.problems.append(Problem(
                file=load.path.name, row=int(row["source_row"]), column=load.headers.get(name, name),
                value=row[name].strftime("%d/%m/%Y"),
                message=f"is in the future (after {as_of:%d/%m/%Y})"
                        + ("" if severity == "excluded" else "; the response date is left out"),
                fix="Correct the date; check the day and month are not swapped.",
                severity=severity))
        if severity == "excluded":
            frame = frame[~future].reset_index(drop=True)
        else:
            frame.loc[future, name] = pd.NaT
    load.frame = frame
    # A warning says how a counted row was read; on a row left out it would only confuse.
    excluded = {p.row for p in load.problems if p.severity == "excluded"}
    load.problems = [p for p in load.problems if not (p.severity == "warning" and p.row in excluded)]


# --------------------------------------------------------------------------------------------
# Teams


def read_team_aliases(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read a two-column mapping file (``alias``, ``team``) of local team names."""
    problems: list[Problem] = []
    try:
        grid, _ = _read_grid(path)
    except (OSError, ValueError, csv.Error) as error:
        return {}, [Problem(file=path.name, message=f"cannot be read ({error})",
                            fix="Save it as a CSV with columns alias, team.", severity="fatal")]
    rows = [list(r) for r in grid.itertuples(index=False)]
    header = [header_key(c) for c in (rows[0] if rows else [])]
    if "alias" not in header or "team" not in header:
        return {}, [Problem(file=path.name, row=1, message="needs the columns 'alias' and 'team'",
                            fix="Put 'alias,team' on the first line, then one mapping per line.",
                            severity="fatal")]
    a, t = header.index("alias"), header.index("team")
    mapping = {}
    for number, row in enumerate(rows[1:], start=2):
        if is_blank(row[a]) or is_blank(row[t]):
            if any(not is_blank(c) for c in row):
                problems.append(Problem(file=path.name, row=number, message="has a blank alias or team",
                                        fix="Fill in both columns or delete the row.", severity="warning"))
            continue
        mapping[team_key(row[a])] = " ".join(str(row[t]).split())
    return mapping, problems


def team_key(name: object) -> str:
    """Key for matching team names: case, spacing, punctuation and '&'/'and' ignored."""
    return header_key(str(name).replace("&", " and "))


def normalise_teams(teams: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map spellings of the same team to one name: the alias file first, else the commonest spelling."""
    spellings = teams.value_counts(sort=True)  # commonest first
    canonical: dict[str, str] = {}
    for name in spellings.index:
        canonical.setdefault(team_key(name), name)
    for key in canonical:
        if key in aliases:
            canonical[key] = aliases[key]
    return teams.map({name: canonical[team_key(name)] for name in spellings.index}).astype("string")


# --------------------------------------------------------------------------------------------
# The data folder


def _table_file(data_dir: Path, spec: TableSpec) -> tuple[Path | None, list[Problem]]:
    candidates = sorted(
        p for p in data_dir.iterdir()
        if p.is_file() and not p.name.startswith(("~$", "."))
        and p.suffix.lower() in (*TABLE_EXTENSIONS, ".xls") and header_key(p.stem).startswith(spec.name))
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        return None, [Problem(file=candidates[0].name, severity="fatal",
                              message=f"is one of several files for the {spec.name} table ({names})",
                              fix="Keep one file per table in the folder (combine them, or move the others out).")]
    return (candidates[0] if candidates else None), []


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_data(data_dir: str | Path, *, as_of: str | pd.Timestamp | None = None,
              team_aliases: str | Path | None = None) -> Dataset:
    """Load and validate every table in a data folder.

    Parameters
    ----------
    data_dir
        Folder holding ``complaints``, and optionally ``compliments``, ``ombudsman``,
        ``activity`` and ``comparators``, each as ``.csv`` or ``.xlsx`` (file names start with
        the table name, for example ``complaints 2019-20.xlsx``).
    as_of
        Dates after this day are rejected as typing errors. Default: today.
    team_aliases
        CSV with columns ``alias`` and ``team`` mapping local team names to the names to
        report. Default: ``team_aliases.csv`` in ``data_dir`` when present.

    Returns
    -------
    Dataset
        Validated frames (contract fields only, plus ``financial_year``, ``month`` and
        ``source_row``), the :class:`LoadReport`, whether the data are synthetic, and each
        input file's SHA-256. Bad input never raises: it is described in ``report.problems``.
    """
    data_dir = Path(data_dir)
    as_of = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    problems: list[Problem] = []
    tables: dict[str, TableLoad] = {}
    files: dict[str, str] = {}
    if not data_dir.is_dir():
        problem = Problem(file=str(data_dir), severity="fatal", message="is not a folder",
                          fix="Pass the folder that holds complaints.csv or complaints.xlsx (--data DIR).")
        report = LoadReport(data_dir, {}, [problem])
        return _empty_dataset(report)

    aliases: dict[str, str] = {}
    alias_path = Path(team_aliases) if team_aliases else data_dir / TEAM_ALIASES_FILE
    if team_aliases and not alias_path.is_file():
        problems.append(Problem(file=str(alias_path), severity="fatal", message="does not exist",
                                fix="Give the path of a CSV with columns alias, team."))
    elif alias_path.is_file():
        aliases, alias_problems = read_team_aliases(alias_path)
        problems += alias_problems
        files[alias_path.name] = sha256_of(alias_path)

    for spec in schema.TABLES.values():
        path, found_problems = _table_file(data_dir, spec)
        problems += found_problems
        if path is None:
            tables[spec.name] = TableLoad(spec=spec, path=None, frame=None)
            if spec.name == "complaints" and not found_problems:
                problems.append(Problem(file=str(data_dir), severity="fatal",
                                        message="has no complaints file",
                                        fix="Add complaints.csv or complaints.xlsx (see data/README.md)."))
            continue
        files[path.name] = sha256_of(path)
        load = _load_table(path, spec)
        _future_dates(load, as_of)
        tables[spec.name] = load
        problems += load.problems

    report = LoadReport(data_dir, tables, problems)
    frames = {name: _finish(name, load.frame, aliases) for name, load in tables.items()}
    synthetic = False
    if (data_dir / DATASET_FILE).is_file():
        try:
            synthetic = bool(json.loads((data_dir / DATASET_FILE).read_text("utf-8")).get("synthetic"))
        except (ValueError, AttributeError):
            synthetic = False
    return Dataset(report=report, synthetic=synthetic, files=dict(sorted(files.items())), **frames)


_EMPTY_COLUMNS = {
    "complaints": ["reference", "received_date", "team", "stage", "procedure", "category", "outcome",
                   "response_date", "complainant_type", "source_row"],
    "compliments": ["received_date", "team", "source", "source_row"],
    "ombudsman": ["reference", "received_date", "team", "decision", "source_row"],
    "activity": ["month", "team", "source_row"],
    "comparators": ["authority", "financial_year", "complaints", "upheld", "source_row"],
    "actions": ["reference", "action", "owner", "status", "theme", "source_row"],
}


def _finish(name: str, frame: pd.DataFrame | None, aliases: dict[str, str]) -> pd.DataFrame:
    """Add the derived columns every analysis uses; an absent table becomes an empty frame."""
    if frame is None:
        frame = pd.DataFrame(columns=_EMPTY_COLUMNS[name])
        if "received_date" in frame:
            frame["received_date"] = pd.to_datetime(frame["received_date"])
        if "team" in frame:
            frame["team"] = frame["team"].astype("string")
    frame = frame.copy()
    if "team" in frame:
        frame["team"] = normalise_teams(frame["team"].fillna("Not recorded"), aliases)
    if "received_date" in frame:
        frame["financial_year"] = financial_years_of(frame["received_date"])
        frame["month"] = frame["received_date"].dt.to_period("M")
    elif "month" in frame:
        months = frame["month"]
        frame["month"] = pd.PeriodIndex(months, freq="M") if len(months) else pd.PeriodIndex([], freq="M")
        frame["financial_year"] = financial_years_of(frame["month"].dt.to_timestamp())
    return frame


def _empty_dataset(report: LoadReport) -> Dataset:
    frames = {name: _finish(name, None, {}) for name in _EMPTY_COLUMNS}
    return Dataset(report=report, synthetic=False, files={}, **frames)
