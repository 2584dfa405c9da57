"""Load a data folder into validated frames plus a load report: :func:`load_data` and :class:`Dataset`.

The loader is the only place that sees raw exports. It keeps the contract's fields (an
allow-list from :mod:`cfanalysis.data.contract`), drops every other column (reported by header
only), and accounts for every data row: each is accepted or excluded with its reason. Problems
are collected, never raised one at a time, and name the file, the row as Excel shows it, the
column and the value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cfanalysis.data import contract as schema
from cfanalysis.data.cells import (
    EXCEL_ERRORS,
    HYGIENE,
    Parsed,
    clean_cell,
    hygienic,
    is_blank,
    parse_date,
    parse_financial_year_cell,
    parse_month,
    number_parser,
    parse_text,
    stage_parser,
    vocabulary_parser,
)
from cfanalysis.data.commentary import read_commentary
from cfanalysis.data.contract import TableSpec, header_key
from cfanalysis.data.events import check_event_teams
from cfanalysis.data.personal import identity_kind, labels_from_people, normalised
from cfanalysis.data.files import (
    READ_ERRORS,
    FileUse,
    discover,
    table_sheets,
    GridRead,
    UnreadableFile,
    header_row,
    read_comparators_info,
    read_dataset_info,
    read_table_grid,
    sha256_of,
)
from cfanalysis.data.mapping import Mapping, mapped_spec, read_mapping
from cfanalysis.data.problems import ACCEPT_EXCLUSIONS, DataLoadError, LoadReport, Problem, Severity, TableLoad
from cfanalysis.data.snapshot import handed_on
from cfanalysis.data.teams import TEAM_ALIASES_FILE, canonical_teams, normalise_teams, read_team_aliases, team_key
from cfanalysis.parameters import resolve_data_dir
from cfanalysis.periods import FinancialYear, financial_years_of

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
    # Team names merged into another spelling (or renamed by team_aliases.csv): spelling -> team.
    merged_teams: dict[str, str] = field(default_factory=dict)
    # The ``as_of`` day the caller gave load_data (None: not given, so the data date is the latest date in the data).
    as_of: pd.Timestamp | None = None

    @property
    def authority(self) -> str | None:
        """This council's name in the comparators table, as ``dataset.json`` gives it (else None)."""
        return self.info.get("authority")

    @property
    def not_recorded_themes(self) -> tuple[str, ...]:
        """Themes the reports rely on (``contract.THEMES``, e.g. ``"staff attitude"``) that no value
        in the data was read as: say "not recorded" for their figures, never 0."""
        return self.report.unmapped_themes

    @property
    def financial_years(self) -> list[str]:
        """Financial years with at least one accepted complaint, oldest first (each a
        :class:`~cfanalysis.periods.FinancialYear`: the label, with its start year and bounds)."""
        return [FinancialYear.parse(y) for y in sorted(self.complaints["financial_year"].dropna().unique().tolist())]

    def require_usable(self) -> Dataset:
        """This dataset, or :class:`DataLoadError` (with the load report) if it cannot be used.

        For notebooks: the message ends by saying which parameter to change (the command line
        prints ``report.text()`` and speaks of its options instead)."""
        if not self.report.usable:
            raise DataLoadError(self.report, how_to_fix=NOTEBOOK_HOW_TO_FIX)
        return self


NOTEBOOK_HOW_TO_FIX = ("fix the errors above, or set data_dir in the Parameters cell to the folder that holds "
                       "your files, None for the example data; then run the notebook again")


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
            blank[text] = series[text].str.translate(HYGIENE).str.strip().eq("").to_numpy()
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
    if getattr(parser, "base", parser) is parse_text and len(column.uniques) > 1000:
        return _parse_text_fast(column)
    return _Results.of([parser(value) for value in column.uniques])


def _parse_text_fast(column: _Column) -> _Results:
    """:func:`parse_text` for columns with many distinct values (references), vectorised."""
    n = len(column.uniques)
    series = pd.Series(column.uniques, dtype=object)
    is_text = series.map(type).eq(str).to_numpy()
    value, problem, fix = (np.full(n, None, dtype=object) for _ in range(3))
    text = series[is_text].str.translate(HYGIENE).str.strip()
    spaced = (text.str.contains("  ", regex=False) | text.str.contains("\t", regex=False)
              | text.str.contains("\n", regex=False) | text.str.contains("\r", regex=False))
    if spaced.any():
        text[spaced] = text[spaced].str.replace(r"\s+", " ", regex=True)
    errors = text.str.upper().isin(EXCEL_ERRORS)
    if errors.any():  # rare: the careful parser says which error value each is
        for index in text.index[errors]:
            parsed = hygienic(parse_text)(column.uniques[index])
            text[index] = None
            problem[index], fix[index] = parsed.problem, parsed.fix
    value[is_text] = text.to_numpy(dtype=object)
    blank = parse_text("")
    empty = np.zeros(n, dtype=bool)
    empty[is_text] = (text == "").fillna(False).to_numpy(dtype=bool)
    value[empty], problem[empty], fix[empty] = None, blank.problem, blank.fix
    for index in np.flatnonzero(~is_text):  # numbers from Excel, the missing-cell sentinel
        parsed = parse_text(column.uniques[index])
        value[index], problem[index], fix[index] = parsed.value, parsed.problem, parsed.fix
    return _Results(value, problem, fix, np.full(n, None, dtype=object), np.zeros(n, dtype=bool))


def _take_values(results: _Results, codes: np.ndarray, kind: str) -> pd.Series | np.ndarray:
    """The parsed value of every row (missing where the cell had a problem), typed by the
    field's kind (see :data:`cfanalysis.data.contract.FIELD_KINDS`)."""
    values = np.where(pd.isna(results.problem), results.value, None)
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy()[codes]
    if kind == "stage":
        return pd.array(list(values), dtype="Int64")[codes]
    if kind == "number":
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
    """Parser per field (from its kind) and whether a blank or unreadable value excludes the row;
    ``number`` reads numbers with the file's decimal mark."""
    parsers = {"text": parse_text, "name": parse_text, "date": parse_date,
               "month": parse_month, "financial_year": parse_financial_year_cell, "number": number}
    out = {}
    for column in spec.columns:
        if column.kind == "code":
            parser = vocabulary_parser(column.codes or {}, what=column.label, strict=column.strict)
        elif column.kind == "stage":
            parser = stage_parser(column.codes or {})
        else:
            parser = parsers[column.kind]
        out[column.name] = (hygienic(parser), column.required)
    return {name: out[name] for name in spec.fields}


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


def _load_table(path: Path, spec: TableSpec, sheet_name: str | None = None) -> TableLoad:
    """Read one table file (or one sheet of it): every data row is accepted into ``frame`` or
    excluded with a problem."""
    load = TableLoad(spec=spec, path=path, frame=None, sheet=sheet_name)
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
    _people_in_labels(table, sheet, column_of, collector, spec)
    load.problems.extend(_with_causes(collector.problems, sheet))
    load.frame = table[~collector.excluded].reset_index(drop=True)
    return load


def _people_in_labels(table: pd.DataFrame, sheet: _Sheet, column_of: dict[str, int], collector: _Collector,
                      spec: TableSpec) -> None:
    """A label (team, category, ...) equal to a value of a column that identifies people (a
    complainant's name typed into the team column) excludes its row; the message names both
    columns, never the value (:mod:`cfanalysis.data.personal`)."""
    contract = set(column_of.values())
    people = {sheet.headers[p]: {normalised(u) for u in sheet.columns[p].uniques if isinstance(u, str) and u.strip()}
              for p in sheet.columns if p not in contract and identity_kind(sheet.headers[p])}
    rows = ~collector.excluded
    codes = {f.name: tuple(f.codes) for f in spec.columns if f.codes}
    for name, header, mask in labels_from_people(table, people, codes):
        message = (f"holds a value of the column '{header}', which identifies people (the value is not shown); "
                   "the row is left out so that it is never published")
        fix = (f"Put the {name.replace('_', ' ')} in this cell; if a name was typed here by mistake, it belongs "
               f"in '{header}'.")
        collector.add(mask & rows, column=sheet.headers[column_of[name]], severity="excluded",
                      describe=lambda row, m=message, f=fix: (None, m, f))


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
        read = read_table_grid(path, spec, sheet=load.sheet)
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
    headers = [("" if is_blank(h) else clean_cell(str(h))) for h in grid.iloc[header_index]]
    _fill_merged(grid, read.merged, header_index, headers, load)
    # Column by column, each reduced to its distinct values and the grid's copy let go: a big
    # file is never held twice.
    columns = {position: _Column.of(grid.pop(position)) for position in list(grid.columns)}
    read = read._replace(grid=None)
    load.guarded_values = _distinct_text(columns, headers, header_index)
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
    sheet.number = hygienic(number_parser(_decimal_mark(sheet)))
    return sheet


def _fill_merged(grid: pd.DataFrame, merged: tuple[tuple[int, int, int, int], ...], header_index: int,
                 headers: list[str], load: TableLoad) -> None:
    """A merged block below the header means each of its rows has the block's value (Excel keeps it
    in the first cell only): fill it in, and say so once per block (a warning naming the rows)."""
    for first, last, left, right in sorted(merged):
        if first <= header_index or last == first and left == right:
            continue
        value = grid.iat[first, left] if first < len(grid) and left < grid.shape[1] else None
        if is_blank(value):
            continue
        last = min(last, len(grid) - 1)
        grid.iloc[first:last + 1, left:right + 1] = value
        column = headers[left] if left < len(headers) and headers[left] else f"(column {left + 1})"
        load.problems.append(Problem(
            file=load.path.name, row=first + 1, column=column, value=clean_cell(_display(value)), severity="warning",
            cause=MERGED_CELLS,
            message="starts a block of merged cells; every row of the block is read as this value",
            fix="Nothing to do if that is right; otherwise unmerge the cells (Home > Merge & Center) and fill "
                "in each row."))


def _distinct_text(columns: dict[int, _Column], headers: list[str], header_index: int
                   ) -> tuple[tuple[str, dict[str, int]], ...]:
    """Each column's header and its distinct cell texts below the header (blanks left out), each
    with the Excel row it is first seen in (for the personal-data guard, which names the cell)."""
    out = []
    for position, column in columns.items():
        blank = column.blank_uniques()
        codes, first = np.unique(column.codes[header_index + 1:], return_index=True)
        out.append((headers[position], {str(column.uniques[c]).strip(): int(i) + header_index + 2
                                        for c, i in zip(codes, first) if not blank[c]}))
    return tuple(out)


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
            earlier = headers[column_of[name]]
            if spec.prefers(name, header) and not spec.prefers(name, earlier):  # mapping.yml names this one
                dropped.append(earlier)
                column_of[name] = position
            elif spec.prefers(name, earlier) and not spec.prefers(name, header):
                dropped.append(header)
            else:
                _fatal(load, f"has two columns for '{name}': '{earlier}' and '{header}'",
                       "Delete or rename one of them, or say which one in mapping.yml (headers:).",
                       row=sheet.header_index + 1, column=header)
        else:
            column_of[name] = position
    missing = [name for name in spec.required if name not in column_of]
    if missing:
        found = ", ".join(f"'{h}'" for h in headers if h) or "none"
        accepted = "; ".join(
            f"{name}: " + " / ".join([name, *spec.aliases.get(name, ())][:4]) for name in missing)
        _fatal(load, f"is missing required column(s) {', '.join(missing)} (headers found: {found})",
               f"Add or rename the columns.{_did_you_mean(missing, dropped, spec)} Accepted headers include "
               f"{accepted}.", row=sheet.header_index + 1)
    return column_of, dropped


def _did_you_mean(missing: list[str], dropped: list[str], spec: TableSpec) -> str:
    """" Did you mean 'Date Recieved' for received_date?" for headers a typo away from a field."""
    guesses = []
    for name in missing:
        spellings = {header_key(h): h for h in (name, *spec.aliases.get(name, ()))}
        close = [(header, difflib.get_close_matches(header_key(header), list(spellings), n=1, cutoff=0.8))
                 for header in dropped]
        close = [(header, match[0]) for header, match in close if match]
        if close:
            header, key = close[0]
            guesses.append(f"'{header}' for {name} (spelt '{spellings[key]}')")
    return f" Did you mean {'; '.join(guesses)}?" if guesses else ""


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
        frame[name] = _take_values(results, codes, load.spec.field(name).kind)
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
        values[name] = _take_values(results, codes, "number")
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
    """Give every contract field its type; an absent optional field gets its ``absent`` value
    (dates and numbers: missing)."""
    for column in spec.columns:
        name = column.name
        if name not in frame:
            if column.kind in ("date", "number"):
                frame[name] = pd.NaT if column.kind == "date" else float("nan")
            elif column.absent is not None:
                frame[name] = column.absent
            else:
                continue
        if column.kind == "date":
            frame[name] = pd.to_datetime(frame[name])
        elif column.kind == "number":
            frame[name] = pd.to_numeric(frame[name])
        elif column.kind not in ("month", "stage"):
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


def _duplicates(frame: pd.DataFrame, spec: TableSpec, header: Callable[[str], str], collector: _Collector) -> None:
    """Exclude each later row whose key repeats an earlier row's, naming both rows.

    Names (authority, team) match ignoring case, spacing and punctuation; a compliment without
    a reference has no key.
    """
    keys = [name for name in spec.key if name in frame]
    if not keys or len(keys) < len(spec.key):
        return
    usable = frame[~collector.excluded & frame[keys].notna().all(axis=1).to_numpy()]
    loose = {name for name in keys if spec.field(name).kind in ("name", "text") and name != "reference"}
    matched = pd.DataFrame({name: usable[name].map(team_key) if name in loose else usable[name] for name in keys})
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


# long: most of it is the docstring, which documents every option and the hand-on from a report run
def load_data(data_dir: str | Path | None = None, *, as_of: str | pd.Timestamp | None = None,
              team_aliases: str | Path | None = None, accept_exclusions: bool | None = None) -> Dataset:
    """Load and validate every table in a data folder.

    Parameters
    ----------
    data_dir
        Folder holding ``complaints``, and optionally ``compliments``, ``ombudsman``,
        ``activity`` and ``comparators``, each as ``.csv`` or ``.xlsx`` files (found by
        ``mapping.yml``, by a name starting with the table name, or by their headers; several
        files or sheets for a table are combined). None: the project's synthetic example data
        (``data/example``), wherever the caller runs from.
    as_of
        Dates after this day are rejected as typing errors. Default: today.
    team_aliases
        CSV with columns ``alias`` and ``team`` mapping local team names to the names to
        report. Default: ``team_aliases.csv`` in ``data_dir`` when present.
    accept_exclusions
        True: a table with more than 10% of its rows excluded is still usable (the user has
        looked at them). Default: what ``dataset.json`` says (``"accept_exclusions": true``), else
        False.

    Returns
    -------
    Dataset
        Validated frames (contract fields only, plus ``financial_year``, ``month`` and
        ``source_row``), the :class:`LoadReport`, whether the data are synthetic, what
        ``dataset.json`` says (``info``), and each input file's SHA-256. Bad input never
        raises: it is described in ``report.problems``.

    Notes
    -----
    Inside a report run (``cfanalysis report``) the runner has loaded and checked the files
    already: the same call then returns the runner's Dataset, unchanged files and all, instead of
    reading them again (:mod:`cfanalysis.data.snapshot`).
    """
    data_dir = resolve_data_dir(data_dir)
    handed = handed_on(data_dir, as_of, team_aliases)  # a report run loaded these files already
    if handed is not None:
        return handed
    given = None if as_of is None else pd.Timestamp(as_of).normalize()
    as_of = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    if not data_dir.is_dir():
        problem = Problem(file=str(data_dir), severity="fatal", message="is not a folder",
                          fix="Give the folder that holds complaints.csv or complaints.xlsx.")
        return _empty_dataset(LoadReport(data_dir, {}, [problem]))

    aliases, problems, files = _read_aliases(data_dir, team_aliases)
    mapping, mapping_problems = read_mapping(data_dir)
    if mapping.path is not None:
        files[mapping.path.name] = sha256_of(mapping.path)
    problems += mapping_problems
    tables, table_problems, checksums, uses = _load_tables(data_dir, as_of, mapping)
    # Event teams name teams (or "all"); they do not vote on how a team is spelt.
    teams = canonical_teams([load.frame["team"].fillna("Not recorded") for name, load in tables.items()
                             if load.frame is not None and "team" in load.frame and name != "events"], aliases)
    frames = {name: _finish(name, load.frame, aliases, teams) for name, load in tables.items()}
    # Events name the complaints' teams: without complaints they cannot be checked (nor used).
    if tables["events"].frame is not None and tables["complaints"].frame is not None:
        frames["events"] = check_event_teams(tables["events"], frames["events"], set(frames["complaints"]["team"]))
        tables["events"].frame = frames["events"]
        table_problems += [p for p in tables["events"].problems if p not in table_problems]
    commentary, commentary_problems, commentary_files = read_commentary(data_dir)
    info = read_dataset_info(data_dir)
    accept = bool(info.get(ACCEPT_EXCLUSIONS)) if accept_exclusions is None else accept_exclusions
    report = LoadReport(data_dir, tables, problems + table_problems + commentary_problems,
                        accept_exclusions=accept, unmapped_themes=_unmapped_themes(tables), files_found=uses)
    return Dataset(report=report, synthetic=bool(info.get("synthetic")), commentary=commentary,
                   commentary_files=commentary_files, files=dict(sorted({**files, **checksums}.items())), info=info,
                   comparators_info=read_comparators_info(data_dir),
                   merged_teams={spelling: team for spelling, team in sorted(teams.items()) if spelling != team},
                   as_of=given, **frames)


def _unmapped_themes(tables: dict[str, TableLoad]) -> tuple[str, ...]:
    """The themes (:data:`~cfanalysis.data.contract.THEMES`) of loaded tables that no accepted
    row was read as: their figures are "not recorded", not 0."""
    out = []
    for theme, (table, column, code) in schema.THEMES.items():
        load = tables.get(table)
        if load is None or load.frame is None or column not in load.frame:
            continue
        if not load.frame[column].eq(code).any():
            out.append(theme)
    return tuple(out)


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


def _load_tables(data_dir: Path, as_of: pd.Timestamp, mapping: Mapping
                 ) -> tuple[dict[str, TableLoad], list[Problem], dict[str, str], list[FileUse]]:
    """Every contract table's load (in the contract's order), their problems, checksums, and what
    each file in the folder was taken for. A table's files (and each sheet holding it) are read
    one by one and combined (:func:`_combine`)."""
    problems: list[Problem] = []
    tables: dict[str, TableLoad] = {}
    files: dict[str, str] = {}
    found, uses = discover(data_dir, mapping)
    for name, base in schema.TABLES.items():
        spec = mapped_spec(base, mapping)
        parts = []
        for path in found[name]:
            files[path.name] = sha256_of(path)
            sheets, notes = table_sheets(path, spec)
            problems += [Problem(file=path.name, message=note, severity="warning",
                                 fix="Nothing to do if that sheet is not a log; otherwise give it the full header.")
                         for note in notes]
            for sheet in sheets:
                part = _load_table(path, spec, sheet)
                _future_dates(part, as_of)
                if len(sheets) > 1:  # rows are numbered per sheet: say which sheet
                    part.problems = [replace(p, file=f"{path.name} (sheet '{sheet}')") for p in part.problems]
                parts.append(part)
        if not parts:
            tables[name] = TableLoad(spec=spec, path=None, frame=None)
            if name == "complaints":
                problems.append(Problem(
                    file=str(data_dir), severity="fatal", message="has no complaints file",
                    fix="Add the complaints export (a file whose name starts with 'complaints', or any .csv/.xlsx "
                        "with a complaints header), or name it under files: in mapping.yml; the file list above "
                        "says what each file was taken for. See data/README.md."))
            continue
        load = parts[0] if len(parts) == 1 else _combine(spec, parts)
        tables[name] = load
        problems += load.problems
    return tables, problems, files, uses


def _combine(spec: TableSpec, parts: list[TableLoad]) -> TableLoad:
    """One table from several files or sheets (one per year, say): rows are added together; a row
    whose key repeats a row of an earlier file or sheet is excluded, naming both."""
    where = [f"{p.path.name}" + (f" sheet '{p.sheet}'" if p.sheet else "") for p in parts]
    seen: dict[tuple, tuple[int, int]] = {}
    keys = list(spec.key)
    loose = {k for k in keys if spec.field(k).kind in ("name", "text") and k != "reference"}
    for index, part in enumerate(parts):
        if part.frame is None or not keys or not set(keys) <= set(part.frame):
            continue
        frame = part.frame
        matched = [tuple(team_key(v) if k in loose else v for k, v in zip(keys, row))
                   for row in frame[keys].itertuples(index=False)]
        repeat = np.zeros(len(frame), dtype=bool)
        for position, (key, row) in enumerate(zip(matched, frame["source_row"])):
            if any(pd.isna(v) for v in key):
                continue
            if key in seen and seen[key][0] != index:
                first_part, first_row = seen[key]
                repeat[position] = True
                part.problems.append(Problem(
                    file=part.path.name, row=int(row), column=part.headers.get(keys[0], keys[0]),
                    value=str(frame[keys[0]].iloc[position]), severity="excluded",
                    message=f"repeats a row already in {where[first_part]} (row {first_row}): the same "
                            + " and ".join(k.replace("_", " ") for k in keys),
                    fix=f"The files overlap: delete the repeated row from one of them (the row in "
                        f"{where[first_part]} is kept)."))
            else:
                seen.setdefault(key, (index, int(row)))
        part.frame = frame[~repeat].reset_index(drop=True)
    frames = [p.frame for p in parts if p.frame is not None]
    combined = pd.concat(frames, ignore_index=True) if frames else None
    if spec.name == "complaints" and combined is not None:
        _drop_linked_orphans(parts, combined)
    return TableLoad(
        spec=spec, path=parts[0].path, frame=combined if len(frames) == len(parts) else None,
        rows_read=sum(p.rows_read for p in parts), blank_rows=sum(p.blank_rows for p in parts),
        columns_dropped=tuple(dict.fromkeys(c for p in parts for c in p.columns_dropped)),
        encoding=parts[0].encoding, headers=parts[0].headers,
        problems=[problem for p in parts for problem in p.problems], parts=parts)


def _drop_linked_orphans(parts: list[TableLoad], combined: pd.DataFrame) -> None:
    """A Stage 2 row whose Stage 1 row is in another file (last year's) is not an orphan."""
    for part in parts:
        kept = []
        for problem in part.problems:
            match = re.match(r"is a Stage (\d) complaint with no Stage", problem.message)
            if match and problem.severity == "warning":
                stage = int(match.group(1))
                earlier = combined.loc[combined["stage"] == stage - 1, "reference"]
                if (earlier == problem.value).any():
                    continue
            kept.append(problem)
        part.problems = kept


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
