"""Load a data folder into validated frames plus a load report: :func:`load_data` and :class:`Dataset`.

The loader is the only place that sees raw exports. It keeps the contract's fields (an
allow-list from :mod:`cfanalysis.data.contract`), drops every other column (reported by header
only), and accounts for every data row: each is accepted or excluded with its reason. Problems
are collected, never raised one at a time, and name the file, the row as Excel shows it, the
column and the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cfanalysis.data import contract as schema
from cfanalysis.data.cells import (
    Parsed,
    is_blank,
    parse_date,
    parse_financial_year_cell,
    parse_month,
    number_parser,
    parse_stage,
    parse_text,
    vocabulary_parser,
)
from cfanalysis.data.commentary import read_commentary
from cfanalysis.data.contract import TableSpec
from cfanalysis.data.events import check_event_teams
from cfanalysis.data.files import (
    READ_ERRORS,
    GridRead,
    UnreadableFile,
    header_row,
    read_comparators_info,
    read_dataset_info,
    read_table_grid,
    sha256_of,
    table_file,
)
from cfanalysis.data.problems import DataLoadError, LoadReport, Problem, Severity, TableLoad
from cfanalysis.data.teams import TEAM_ALIASES_FILE, canonical_teams, normalise_teams, read_team_aliases, team_key
from cfanalysis.parameters import resolve_data_dir
from cfanalysis.periods import financial_years_of

__all__ = ["Dataset", "load_data"]


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
    info: dict = field(default_factory=dict)  # what dataset.json says (see read_dataset_info)
    # Dated events (events.csv: date, team or "all", description), oldest first.
    events: pd.DataFrame = field(default_factory=lambda: _finish("events", None, {}))
    # The officer's commentary: financial year -> {section heading: Markdown text}.
    commentary: dict[str, dict[str, str]] = field(default_factory=dict)
    # Each year's commentary file and its SHA-256, for that year's provenance only.
    commentary_files: dict[str, dict[str, str]] = field(default_factory=dict)
    comparators_info: dict = field(default_factory=dict)  # source, year, definition (comparators.json)

    @property
    def authority(self) -> str | None:
        """This council's name in the comparators table, as ``dataset.json`` gives it (else None)."""
        return self.info.get("authority")

    @property
    def financial_years(self) -> list[str]:
        """Financial years with at least one accepted complaint, oldest first."""
        return sorted(self.complaints["financial_year"].dropna().unique().tolist())

    def require_usable(self) -> Dataset:
        """This dataset, or :class:`DataLoadError` (with the load report) if it cannot be used."""
        if not self.report.usable:
            raise DataLoadError(self.report)
        return self


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
    """Parse results for each distinct value, as arrays (see :class:`cfanalysis.data.cells.Parsed`)."""

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
    if name.endswith("_date") or name == "date":
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


def _field_parsers(spec: TableSpec, number: Callable[[object], Parsed]
                   ) -> dict[str, tuple[Callable[[object], Parsed], bool]]:
    """Parser per field and whether a blank or unreadable value excludes the row; ``number``
    reads numbers with the file's decimal mark."""
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
        "complaints": (number, True),
        "upheld": (number, False),
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
        "date": (parse_date, True),
        "description": text,
        # The statutory sections' optional complaint fields (contract.STATUTORY_FIELDS).
        **{name: (parse_text, False) for name in ("received_via", "age_band", "sex", "ethnicity", "disability")},
        "compensation": (number, False),
        "due_date": (parse_date, False),
    }
    if spec.name == "compliments":  # a compliment's reference is optional
        parsers["reference"] = (parse_text, False)
    if spec.name == "ombudsman":  # optional: held for upheld cases, blank for most
        parsers["category"] = (parsers["category"][0], False)
        parsers["remedy"] = (parse_text, False)
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



# --------------------------------------------------------------------------------------------
# One table file


@dataclass
class _Sheet:
    """A table file's cells column by column, its header and the data rows that are not blank."""

    columns: dict[int, _Column]
    blank_cells: dict[int, np.ndarray]
    headers: list[str]
    header_index: int  # row index in the grid; Excel's row number is one more
    keep: np.ndarray  # grid row index of every data row that is not blank (nor a repeated header)
    read: GridRead
    number: Callable[[object], Parsed] = parse_text  # reads numbers with the file's decimal mark

    @property
    def row_numbers(self) -> np.ndarray:
        """Each kept row's number as Excel shows it."""
        return self.keep + 1


_DATED_FIELDS = ("received_date", "response_date", "month", "date")  # refused when written month first


def _fatal(load: TableLoad, message: str, fix: str, **where) -> TableLoad:
    load.problems.append(Problem(file=load.path.name, message=message, fix=fix, severity="fatal", **where))
    return load


def _load_table(path: Path, spec: TableSpec) -> TableLoad:
    """Read one table file: every data row is accepted into ``frame`` or excluded with a problem."""
    load = TableLoad(spec=spec, path=path, frame=None)
    sheet = _read_sheet(load)
    if sheet is None:
        return load
    column_of, dropped = _contract_columns(sheet, load)
    indicators = _numeric_indicators(sheet, spec, column_of, dropped)
    load.columns_dropped = tuple(dropped)
    load.headers = {name: sheet.headers[position] for name, position in column_of.items()}
    if any(p.severity == "fatal" for p in load.problems):
        return load

    collector = _Collector(path.name, sheet.row_numbers)
    frame = _read_fields(sheet, column_of, collector, load)
    if frame is None:
        return load
    frame.update(_read_indicators(sheet, indicators, collector))
    table = _typed(pd.DataFrame(frame), spec)
    table["source_row"] = sheet.row_numbers.astype("int64")
    _check_rows(table, spec, sheet.headers, column_of, collector)
    load.problems.extend(_with_causes(collector.problems, sheet))
    load.frame = table[~collector.excluded].reset_index(drop=True)
    return load


MERGED_CELLS = "merged cells in the workbook (a merged block keeps its value in its first row only)"
_UNMERGE = (" If the cells are merged: select the column, Home > Merge & Center to unmerge, then "
            "Home > Find & Select > Go To Special > Blanks, type = and the cell above, and press Ctrl+Enter.")


def _with_causes(problems: list[Problem], sheet: _Sheet) -> list[Problem]:
    """Each problem with its likely cause, where one explains it: a column empty in every row,
    or a cell inside a merged range (only the range's first cell holds the value)."""
    position_of = {header: index for index, header in enumerate(sheet.headers) if header}
    empty = {h for h, i in position_of.items() if sheet.blank_cells[i][sheet.keep].all()}
    merged_cells = {(row, column) for first, last, left, right in sheet.read.merged
                    for row in range(first, last + 1) for column in range(left, right + 1)}
    out = []
    for problem in problems:
        position = position_of.get(problem.column)
        if problem.column in empty:
            problem = replace(problem, cause=f"the column '{problem.column}' is empty in every row")
        elif position is not None and problem.row is not None and (problem.row - 1, position) in merged_cells:
            problem = replace(problem, cause=MERGED_CELLS, fix=problem.fix + _UNMERGE)
        out.append(problem)
    return out


def _read_sheet(load: TableLoad) -> _Sheet | None:
    """The file's cells, header and data rows; ``None`` (with a fatal problem) if it has none."""
    path, spec = load.path, load.spec
    try:
        read = read_table_grid(path, spec)
    except UnreadableFile as error:
        _fatal(load, error.message, error.fix, row=error.row)
        return None
    except READ_ERRORS as error:
        _fatal(load, f"cannot be read ({type(error).__name__}: {error})",
               "Check the file opens in Excel; save it again as .csv or .xlsx.")
        return None
    grid, load.encoding, load.sheet = read.grid, read.encoding, read.sheet
    header_index = header_row(grid, spec)
    if header_index is None:
        _fatal(load, "is empty", f"Export the {spec.name} log again, with its header row.")
        return None
    headers = [("" if is_blank(h) else str(h).strip()) for h in grid.iloc[header_index]]
    # Column by column, each reduced to its distinct values and the grid's copy let go: a big
    # file is never held twice.
    columns = {position: _Column.of(grid.pop(position)) for position in list(grid.columns)}
    read = read._replace(grid=None)
    blank_cells = {position: column.blank() for position, column in columns.items()}
    blank_row = np.logical_and.reduce(list(blank_cells.values()))
    body = np.arange(header_index + 1, len(blank_row))
    keep = body[~blank_row[body]]
    load.blank_rows = int(blank_row[body].sum())
    load.rows_read = len(keep)
    if not len(keep):
        _fatal(load, "has a header row but no data rows",
               f"Export the {spec.name} log again with its rows, or remove the file if there are none.",
               row=header_index + 1)
        return None
    sheet = _Sheet(columns, blank_cells, headers, header_index, keep, read)
    sheet.keep = keep[~_repeated_headers(sheet, load)]
    sheet.number = number_parser(_decimal_mark(sheet))
    return sheet


def _repeated_headers(sheet: _Sheet, load: TableLoad) -> np.ndarray:
    """Data rows that repeat the header row (two exports pasted together), each excluded once."""
    named = [(position, header) for position, header in enumerate(sheet.headers) if header]
    matches = np.zeros(len(sheet.keep), dtype=int)
    for position, header in named:
        column = sheet.columns[position]
        same = [code for code, value in enumerate(column.uniques) if isinstance(value, str)
                and value.strip() == header]
        matches += np.isin(column.codes[sheet.keep], same)
    repeated = matches >= max(2, (len(named) + 1) // 2)
    for row in sheet.row_numbers[repeated]:
        load.problems.append(Problem(
            file=load.path.name, row=int(row), severity="excluded", cause=REPEATED_HEADER,
            message=f"repeats the header row (row {sheet.header_index + 1})",
            fix="Delete the repeated header rows (the file looks like several exports pasted together)."))
    return repeated


REPEATED_HEADER = "a header repeated mid-file"
_COMMA_MARK = r"^[+-]?\d+,(?:\d{1,2}|\d{4,})$|^\d{1,3}(?:\.\d{3})+,\d+$"  # 0,5  1.250,5
_POINT_MARK = r"^[+-]?\d+\.(?:\d{1,2}|\d{4,})$|^\d{1,3}(?:,\d{3})+\.\d+$"  # 0.5  1,250.5


def _decimal_mark(sheet: _Sheet) -> str | None:
    """The decimal mark of the file's numbers: a point in workbooks and comma-separated files;
    in semicolon- or tab-separated files (Excel in a European locale) whichever the numbers
    show, ``None`` when they show neither or both (then a number readable two ways is refused)."""
    if sheet.read.delimiter in (None, ","):
        return "."
    values = pd.Series([u for column in sheet.columns.values() for u in column.uniques if isinstance(u, str)],
                       dtype=object).str.strip()
    comma, point = (bool(values.str.match(pattern).any()) for pattern in (_COMMA_MARK, _POINT_MARK))
    return {(True, False): ",", (False, True): "."}.get((comma, point))


def _contract_columns(sheet: _Sheet, load: TableLoad) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field, and the headers of the other columns (dropped unread)."""
    spec, headers = load.spec, sheet.headers
    column_of: dict[str, int] = {}
    dropped: list[str] = []
    for position, header in enumerate(headers):
        name = spec.field_for_header(header)
        if name is None:
            if header or not sheet.blank_cells[position][sheet.keep].all():
                dropped.append(header or f"(untitled column {position + 1})")
        elif name in column_of:
            _fatal(load, f"has two columns for '{name}': '{headers[column_of[name]]}' and '{header}'",
                   "Delete or rename one of them.", row=sheet.header_index + 1, column=header)
        else:
            column_of[name] = position
    missing = [name for name in spec.required if name not in column_of]
    if missing:
        found = ", ".join(f"'{h}'" for h in headers if h) or "none"
        accepted = "; ".join(
            f"{name}: " + " / ".join([name, *spec.aliases.get(name, ())][:4]) for name in missing)
        _fatal(load, f"is missing required column(s) {', '.join(missing)} (headers found: {found})",
               f"Add or rename the columns. Accepted headers include {accepted}.",
               row=sheet.header_index + 1)
    return column_of, dropped


def _numeric_indicators(sheet: _Sheet, spec: TableSpec, column_of: dict[str, int],
                        dropped: list[str]) -> dict[str, int]:
    """Columns outside the contract holding mostly numbers, for tables that keep them (activity
    indicators such as contacts), by snake-case name. Each one found is taken out of ``dropped``."""
    indicators: dict[str, int] = {}
    if not spec.numeric_extras:
        return indicators
    keep = sheet.keep
    for position, header in enumerate(sheet.headers):
        if position in column_of.values() or not header:
            continue
        column = sheet.columns[position]
        used = np.unique(column.codes[keep][~sheet.blank_cells[position][keep]])
        numeric = [_reads_as_number(sheet.number(column.uniques[c])) for c in used]
        counts = np.bincount(column.codes[keep], minlength=len(column.uniques))[used]
        if len(used) and counts[numeric].sum() > counts.sum() / 2:
            indicators[_snake(header)] = position
            dropped.remove(header)
    return indicators


def _reads_as_number(parsed: Parsed) -> bool:
    """A number, or one that reads two ways (refused later, by row)."""
    return parsed.problem is None or parsed.problem.startswith("could be")


def _read_fields(sheet: _Sheet, column_of: dict[str, int], collector: _Collector,
                 load: TableLoad) -> dict[str, object] | None:
    """Every contract field's values, with problems collected; ``None`` (with a fatal problem)
    when a date column is written month first."""
    frame: dict[str, object] = {}
    for name, (parser, required) in _field_parsers(load.spec, sheet.number).items():
        if name not in column_of:
            continue
        header = sheet.headers[column_of[name]]
        column = sheet.columns[column_of[name]]
        results = _parse_unique(column, parser)
        codes = column.codes[sheet.keep]
        month_first = _month_first(column, results, codes) if name in _DATED_FIELDS else []
        if month_first:
            _fatal(load, "holds US-style dates (month first, for example "
                   f"'{_display(column.uniques[month_first[0]])}'); dates are read day first",
                   "Export the dates as dd/mm/yyyy or yyyy-mm-dd and load the file again.", column=header)
            return None
        has_problem = ~pd.isna(results.problem)
        reported = has_problem & (column.blank_uniques() <= required)  # an optional blank is simply missing
        collector.add(reported[codes], column=header, describe=_describe_problem(column, results, codes),
                      severity="excluded" if required else "warning")
        collector.add((~pd.isna(results.note))[codes], column=header,
                      describe=_describe_note(column, results, codes), severity="warning")
        frame[name] = _take_values(results, codes, name)
    return frame


def _month_first(column: _Column, results: _Results, codes: np.ndarray) -> list[int]:
    """Codes of the dates in use that read only month first, unless another date proves the
    column is day first (then none)."""
    used = np.unique(codes)
    month_first = [c for c in used if results.month_first[c]]
    if month_first and not any(_proves_day_first(column.uniques[c]) for c in used):
        return month_first
    return []


def _describe_problem(column: _Column, results: _Results,
                      codes: np.ndarray) -> Callable[[int], tuple[str, str, str]]:
    def describe(row: int) -> tuple[str, str, str]:
        code = codes[row]
        return _display(column.uniques[code]), results.problem[code], results.fix[code]

    return describe


def _describe_note(column: _Column, results: _Results,
                   codes: np.ndarray) -> Callable[[int], tuple[str, str, str]]:
    def describe(row: int) -> tuple[str, str, str]:
        message, _, fix = results.note[codes[row]].partition(". ")
        return _display(column.uniques[codes[row]]), message, fix

    return describe


def _read_indicators(sheet: _Sheet, indicators: dict[str, int], collector: _Collector) -> dict[str, object]:
    """Each numeric indicator's values; a cell that is not a number is a warning, left missing."""
    values: dict[str, object] = {}
    for name, position in indicators.items():
        column = sheet.columns[position]
        results = _parse_unique(column, sheet.number)
        codes = column.codes[sheet.keep]
        bad = ~pd.isna(results.problem)
        collector.add(bad[codes], column=sheet.headers[position],
                      describe=_describe_problem(column, results, codes), severity="warning")
        values[name] = _take_values(results, codes, "complaints")
    return values


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
        if name.endswith("_date") or name == "date":
            frame[name] = pd.to_datetime(frame[name])
        elif name in ("complaints", "upheld", "compensation"):
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

    _duplicates(frame, spec, header, collector)

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


# The fields that identify a row in each table; a later row with the same key is excluded.
_KEYS = {"complaints": ("reference", "stage"), "ombudsman": ("reference",), "compliments": ("reference",),
         "actions": ("reference", "action"), "comparators": ("authority", "financial_year"),
         "activity": ("month", "team"), "events": ("date", "team", "description")}


def _duplicates(frame: pd.DataFrame, spec: TableSpec, header: Callable[[str], str], collector: _Collector) -> None:
    """Exclude each later row whose key repeats an earlier row's, naming both rows.

    Names (authority, team) match ignoring case, spacing and punctuation; a compliment without
    a reference has no key.
    """
    keys = [name for name in _KEYS[spec.name] if name in frame]
    if len(keys) < len(_KEYS[spec.name]):
        return
    usable = frame[~collector.excluded & frame[keys].notna().all(axis=1).to_numpy()]
    matched = pd.DataFrame({name: usable[name].map(team_key) if name in ("team", "authority", "action", "description")
                            else usable[name] for name in keys})
    first_row = usable["source_row"].groupby([matched[k] for k in keys], sort=False).transform("first")
    duplicated = (usable["source_row"] != first_row).reindex(frame.index, fill_value=False).to_numpy()
    first_row = first_row.reindex(frame.index)

    shown = {"activity": "team", "events": "description"}.get(spec.name, keys[0])  # the column a person looks along

    def describe(row: int) -> tuple[str, str, str]:
        value = frame[shown].iloc[row]
        words = {"complaints": lambda: f"the reference at Stage {frame['stage'].iloc[row]} ",
                 "ombudsman": lambda: "the reference ", "compliments": lambda: "the reference ",
                 "actions": lambda: "the same action for this reference ",
                 "comparators": lambda: f"this authority's {frame['financial_year'].iloc[row]} figures ",
                 "activity": lambda: f"this team's figures for {_display_month(frame['month'].iloc[row])} ",
                 "events": lambda: "the same event on the same date ",
                 }[spec.name]()
        key_words = " and ".join(header(k) for k in keys)
        return (str(value), f"repeats {words}already on row {int(first_row.iloc[row])}",
                f"Delete the duplicate row, or correct its {key_words} (row {int(first_row.iloc[row])} is kept).")

    collector.add(duplicated, column=header(shown), severity="excluded", describe=describe)


def _display_month(month: object) -> str:
    return month.strftime("%b %Y") if hasattr(month, "strftime") else str(month)


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
# The data folder


def load_data(data_dir: str | Path | None = None, *, as_of: str | pd.Timestamp | None = None,
              team_aliases: str | Path | None = None) -> Dataset:
    """Load and validate every table in a data folder.

    Parameters
    ----------
    data_dir
        Folder holding ``complaints``, and optionally ``compliments``, ``ombudsman``,
        ``activity`` and ``comparators``, each as ``.csv`` or ``.xlsx`` (file names start with
        the table name, for example ``complaints 2019-20.xlsx``). None: the project's
        synthetic example data (``data/example``), wherever the caller runs from.
    as_of
        Dates after this day are rejected as typing errors. Default: today.
    team_aliases
        CSV with columns ``alias`` and ``team`` mapping local team names to the names to
        report. Default: ``team_aliases.csv`` in ``data_dir`` when present.

    Returns
    -------
    Dataset
        Validated frames (contract fields only, plus ``financial_year``, ``month`` and
        ``source_row``), the :class:`LoadReport`, whether the data are synthetic, what
        ``dataset.json`` says (``info``), and each input file's SHA-256. Bad input never
        raises: it is described in ``report.problems``.
    """
    data_dir = resolve_data_dir(data_dir)
    as_of = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    if not data_dir.is_dir():
        problem = Problem(file=str(data_dir), severity="fatal", message="is not a folder",
                          fix="Pass the folder that holds complaints.csv or complaints.xlsx (--data DIR).")
        return _empty_dataset(LoadReport(data_dir, {}, [problem]))

    aliases, problems, files = _read_aliases(data_dir, team_aliases)
    tables, table_problems, checksums = _load_tables(data_dir, as_of)
    # Event teams name teams (or "all"); they do not vote on how a team is spelt.
    teams = canonical_teams([load.frame["team"].fillna("Not recorded") for name, load in tables.items()
                             if load.frame is not None and "team" in load.frame and name != "events"], aliases)
    frames = {name: _finish(name, load.frame, aliases, teams) for name, load in tables.items()}
    if tables["events"].frame is not None:
        frames["events"] = check_event_teams(tables["events"], frames["events"], set(frames["complaints"]["team"]))
        tables["events"].frame = frames["events"]
        table_problems += [p for p in tables["events"].problems if p not in table_problems]
    commentary, commentary_problems, commentary_files = read_commentary(data_dir)
    report = LoadReport(data_dir, tables, problems + table_problems + commentary_problems)
    info = read_dataset_info(data_dir)
    return Dataset(report=report, synthetic=bool(info.get("synthetic")), commentary=commentary,
                   commentary_files=commentary_files, files=dict(sorted({**files, **checksums}.items())), info=info,
                   comparators_info=read_comparators_info(data_dir), **frames)


def _read_aliases(data_dir: Path, team_aliases: str | Path | None
                  ) -> tuple[dict[str, str], list[Problem], dict[str, str]]:
    """The team alias mapping, its problems, and its checksum (file name -> SHA-256)."""
    alias_path = Path(team_aliases) if team_aliases else data_dir / TEAM_ALIASES_FILE
    if team_aliases and not alias_path.is_file():
        return {}, [Problem(file=str(alias_path), severity="fatal", message="does not exist",
                            fix="Give the path of a CSV with columns alias, team.")], {}
    if not alias_path.is_file():
        return {}, [], {}
    aliases, problems = read_team_aliases(alias_path)
    return aliases, problems, {alias_path.name: sha256_of(alias_path)}


def _load_tables(data_dir: Path, as_of: pd.Timestamp
                 ) -> tuple[dict[str, TableLoad], list[Problem], dict[str, str]]:
    """Every contract table's load (in the contract's order), their problems, and checksums."""
    problems: list[Problem] = []
    tables: dict[str, TableLoad] = {}
    files: dict[str, str] = {}
    for spec in schema.TABLES.values():
        path, found_problems = table_file(data_dir, spec)
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
    return tables, problems, files


_EMPTY_COLUMNS = {
    "complaints": ["reference", "received_date", "team", "stage", "procedure", "category", "outcome",
                   "response_date", "complainant_type", "source_row"],
    "compliments": ["received_date", "team", "source", "source_row"],
    "ombudsman": ["reference", "received_date", "team", "decision", "source_row"],
    "activity": ["month", "team", "source_row"],
    "comparators": ["authority", "financial_year", "complaints", "upheld", "source_row"],
    "actions": ["reference", "action", "owner", "status", "theme", "source_row"],
    "events": ["date", "team", "description", "source_row"],
}


def _finish(name: str, frame: pd.DataFrame | None, aliases: dict[str, str],
            teams: dict[str, str] | None = None) -> pd.DataFrame:
    """Add the derived columns every analysis uses; an absent table becomes an empty frame.
    ``teams`` maps each team spelling to its name across all tables (:func:`canonical_teams`)."""
    if frame is None:
        frame = pd.DataFrame(columns=_EMPTY_COLUMNS[name])
        for name_ in ("received_date", "date"):
            if name_ in frame:
                frame[name_] = pd.to_datetime(frame[name_])
        if "team" in frame:
            frame["team"] = frame["team"].astype("string")
    frame = frame.copy()
    if "team" in frame:
        frame["team"] = normalise_teams(frame["team"].fillna("Not recorded"), aliases, teams)
    if "received_date" in frame:
        frame["financial_year"] = financial_years_of(frame["received_date"])
        frame["month"] = frame["received_date"].dt.to_period("M")
    elif "date" in frame:
        frame["financial_year"] = financial_years_of(frame["date"])
        frame["month"] = frame["date"].dt.to_period("M")
    elif "month" in frame:
        months = frame["month"]
        frame["month"] = pd.PeriodIndex(months, freq="M") if len(months) else pd.PeriodIndex([], freq="M")
        frame["financial_year"] = financial_years_of(frame["month"].dt.to_timestamp())
    return frame


def _empty_dataset(report: LoadReport) -> Dataset:
    frames = {name: _finish(name, None, {}) for name in _EMPTY_COLUMNS}
    return Dataset(report=report, synthetic=False, files={}, **frames)
