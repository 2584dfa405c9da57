"""Reading files into a grid of raw cells, and finding the table files in a data folder.

Shared by the loader and by the personal-data guard, so both see the same files the same way.
Also reads ``dataset.json``, the folder's description of itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from cfanalysis.data import contract as schema
from cfanalysis.data.cells import is_blank
from cfanalysis.data.contract import TableSpec, header_key
from cfanalysis.data.problems import Problem

__all__ = [
    "COMPARATORS_INFO_FILE", "DATASET_FILE", "HEADER_SEARCH_ROWS", "READ_ERRORS", "TABLE_EXTENSIONS",
    "FileUse", "GridRead", "TableGrid", "UnreadableFile", "discover", "find_header", "header_row",
    "read_comparators_info", "read_dataset_info", "read_grid", "read_table_grid", "sha256_of", "sheet_heads",
    "table_file", "table_files", "table_grids", "table_sheets",
]

HEADER_SEARCH_ROWS = 20
TABLE_EXTENSIONS = (".csv", ".xlsx", ".xlsm")
DATASET_FILE = "dataset.json"
COMPARATORS_INFO_FILE = "comparators.json"  # where the comparators come from (source, year, definition)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and Excel 97-2003 .xls
_HEAD_BYTES = 1 << 20  # enough for the header search on any sane export


class UnreadableFile(ValueError):
    """A file that cannot be read, with what is wrong and how to fix it, said for a person."""

    def __init__(self, message: str, fix: str, *, row: int | None = None):
        super().__init__(message)
        self.message, self.fix, self.row = message, fix, row


# What reading a damaged or mislabelled file can raise; the loader reports these as problems.
READ_ERRORS = (OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error)


class GridRead(NamedTuple):
    """A file read as raw cells, and how it was read."""

    grid: pd.DataFrame
    encoding: str  # for example "UTF-8 with BOM", "UTF-16 LE with BOM" or "Excel workbook"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # workbook only: the sheet read
    merged: tuple[tuple[int, int, int, int], ...] = ()  # merged ranges: first/last grid row, first/last column


_BOMS = ((b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"), (b"\xff\xfe", "utf-16-le", "UTF-16 LE with BOM"),
         (b"\xfe\xff", "utf-16-be", "UTF-16 BE with BOM"))
TRIED_ENCODINGS = "UTF-8, UTF-8 with BOM, UTF-16 LE/BE and Windows-1252"


def _encoding_of(data: bytes) -> tuple[str, int, str]:
    """(Python codec, bytes to skip, name to show) from the BOM and the content."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, len(bom), name
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):  # UTF-16 without a BOM: every other byte NUL
        if head[1::2].count(0) > head[0::2].count(0):
            return "utf-16-le", 0, "UTF-16 LE"
        return "utf-16-be", 0, "UTF-16 BE"
    return "utf-8", 0, "UTF-8"


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes by BOM and content: UTF-8 (with or without BOM), UTF-16 LE/BE, Windows-1252.

    Raises :class:`UnreadableFile` naming the encodings tried when none fits, or when the text
    holds NUL characters (a binary file, not a CSV).
    """
    codec, skip, name = _text_encoding(data)
    return data[skip:].decode(codec), name


def _text_encoding(data: bytes) -> tuple[str, int, str]:
    """(codec, bytes to skip, name to show) of CSV bytes, checked against the whole file."""
    codec, skip, name = _encoding_of(data)
    attempts = [(codec, name)] + ([("cp1252", "Windows-1252")] if (codec, skip) == ("utf-8", 0) else [])
    for attempt in attempts:  # plain UTF-8 failing means Excel's plain "CSV" on Windows
        codec, name = attempt
        try:
            has_nul = "\x00" in data[skip:].decode(codec)
            break
        except UnicodeDecodeError as error:
            failed = error
    else:
        raise UnreadableFile(
            f"is not text in any encoding tried ({TRIED_ENCODINGS}; byte {failed.object[failed.start]:#04x} "
            f"at position {failed.start + skip:,} fits none)",
            "Open it in Excel and save it as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")
    if has_nul:
        raise UnreadableFile(f"holds NUL characters, so it is not a text file (read as {name})",
                             "Check this is the exported log; save it from Excel as .csv or .xlsx.")
    return codec, skip, name


def read_grid(path: Path, spec: TableSpec | None = None) -> tuple[pd.DataFrame, str]:
    """Every row of the CSV or of the workbook's data sheet, as a frame of raw cells.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` or ``.xlsm`` file.
    spec
        The table the file should hold. When given, a workbook's sheets are each looked at and
        the one whose header names most of the table's fields is read (else the first sheet).

    Returns
    -------
    grid, encoding
        Columns are numbered from 0; row i of the frame is row i + 1 in Excel. CSV cells are
        text, exactly as written; workbook cells keep Excel's types. ``encoding`` says how the
        file was read (for example ``"UTF-8 with BOM"`` or ``"Excel workbook"``).

    Raises
    ------
    UnreadableFile, OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error
        When the file cannot be read (see :data:`READ_ERRORS`).
    """
    read = read_table_grid(path, spec)
    return read.grid, read.encoding


def read_table_grid(path: Path, spec: TableSpec | None = None, *, sheet: str | None = None) -> GridRead:
    """:func:`read_grid` with everything the loader needs: delimiter, sheet and merged cells.

    With ``spec``, a CSV whose first :data:`HEADER_SEARCH_ROWS` rows name none of the table's
    fields is refused (:class:`UnreadableFile`) before the rest of it is parsed, so a huge file
    of junk costs little memory.
    """
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start == OLE2_SIGNATURE:
        raise _office_container_problem(path)
    if path.suffix.lower() == ".xls" and not start.startswith(b"PK"):
        raise UnreadableFile("is an old-style Excel 97-2003 workbook (.xls), which cannot be read",
                             "Open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)' "
                             "or 'CSV UTF-8 (Comma delimited)'.")
    if path.suffix.lower() == ".csv":
        return _read_csv_grid(path, spec)
    return _read_workbook_grid(path, spec, sheet)


def _office_container_problem(path: Path) -> UnreadableFile:
    """An OLE2 (compound file) container: a password-protected workbook, or an Excel 97-2003 one."""
    data = path.read_bytes()
    if any(name.encode("utf-16-le") in data for name in ("EncryptedPackage", "EncryptionInfo")):
        return UnreadableFile(
            "is protected by a password (an encrypted Office workbook), so it cannot be read",
            "Open it in Excel with the password, choose File > Info > Protect Workbook > Encrypt with "
            "Password, delete the password, click OK and save; or save a copy as 'CSV UTF-8 (Comma "
            "delimited)'. Keep the unprotected copy somewhere only you can reach.")
    return UnreadableFile(
        "is an old-style Excel 97-2003 workbook (.xls format, whatever its name), which cannot be read",
        "Open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)' or 'CSV UTF-8 (Comma delimited)'.")


def _sniff(text: str) -> csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _read_csv_grid(path: Path, spec: TableSpec | None) -> GridRead:
    """The CSV's cells as text. Its first rows are checked for a header before the whole file is
    decoded or parsed, and pandas reads the bytes (no decoded copy of the file is kept)."""
    data = path.read_bytes()
    codec, skip, name = _encoding_of(data)
    head_text = data[skip:skip + _HEAD_BYTES].decode(codec, errors="replace")
    if "\x00" in head_text or "\ufffd" in head_text:  # not this encoding: check the file as a whole first
        codec, skip, name = _text_encoding(data)
        head_text = data[skip:skip + _HEAD_BYTES].decode(codec, errors="ignore")
    if "\r" in head_text and "\n" not in head_text:  # CR line endings (a CSV from Excel on a Mac)
        data = data.replace("\r".encode(codec), "\n".encode(codec))
        head_text = head_text.replace("\r", "\n")
        line_endings = ", CR line endings"
    else:
        line_endings = ""
    dialect = _sniff(head_text)
    head = list(csv.reader(io.StringIO(head_text), dialect))
    if spec is not None and head and find_header(_padded(head[:HEADER_SEARCH_ROWS]), spec) is None:
        raise _no_header(head, spec, name)
    codec, skip, name = _text_encoding(data)
    width = max((len(row) for row in head), default=1)
    try:
        # Fast path: the C parser reading the bytes, every cell as text, nothing guessed.
        grid = pd.read_csv(io.BytesIO(data[skip:] if skip else data), encoding=codec, header=None,
                           names=range(width), dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, sep=dialect.delimiter, quotechar=dialect.quotechar or '"',
                           doublequote=True, engine="c")
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(data[skip:].decode(codec)), dialect))
        width = max((len(row) for row in rows), default=1)
        grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    return GridRead(grid, name + line_endings, delimiter=dialect.delimiter)


def _read_workbook_grid(path: Path, spec: TableSpec | None, sheet_name: str | None = None) -> GridRead:
    """The sheet ``sheet_name``, else the one whose header names most of ``spec``'s fields (the
    first sheet without ``spec``)."""
    import openpyxl  # only needed for Excel files

    with open(path, "rb") as handle:  # a file object: openpyxl refuses names it does not expect
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            sheet = book[sheet_name] if sheet_name is not None else _data_sheet(book, spec)
            rows = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
            merged = _merged_ranges(handle, getattr(sheet, "_worksheet_path", None))
        finally:
            book.close()
    width = max((len(row) for row in rows), default=1)
    grid = pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object)
    return GridRead(grid, "Excel workbook", sheet=sheet.title, merged=merged)


def _data_sheet(book, spec: TableSpec | None):
    """The sheet to read; with several sheets and none holding a header, a problem listing them."""
    sheets = book.worksheets
    if spec is None or len(sheets) == 1:
        return sheets[0]
    scores = []
    for sheet in sheets:
        head = _padded([list(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)])
        found = find_header(head, spec)
        scores.append(0 if found is None else sum(
            spec.field_for_header(c) is not None for c in head.iloc[found] if not is_blank(c)))
        sheet.starts = next((" | ".join(str(c) for c in row if not is_blank(c))[:60] for row in head.itertuples(
            index=False) if any(not is_blank(c) for c in row)), "nothing")
    if max(scores) == 0:
        listing = "; ".join(f"'{sheet.title}' (starts '{sheet.starts}')" for sheet in sheets)
        raise UnreadableFile(
            f"has no sheet with a {spec.name} header in its first {HEADER_SEARCH_ROWS} rows: sheets {listing}",
            f"Put the {spec.name} log (its header row, then one row per record) on a sheet of its own, or "
            "save that sheet as .csv.", row=1)
    return sheets[scores.index(max(scores))]


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def _merged_ranges(handle, sheet_path: str | None) -> tuple[tuple[int, int, int, int], ...]:
    """Merged cell ranges of a sheet, read from its XML (read-only mode does not keep them),
    as (first row, last row, first column, last column) indexes of the grid."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    if not sheet_path:
        return ()
    try:
        with zipfile.ZipFile(handle) as archive:
            xml = archive.read(sheet_path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return ()
    ranges = []
    for first, last in _MERGE.findall(xml):
        (c1, r1), (c2, r2) = (coordinate_from_string(x.decode()) for x in (first, last))
        ranges.append((r1 - 1, r2 - 1, column_index_from_string(c1) - 1, column_index_from_string(c2) - 1))
    return tuple(ranges)


def _padded(rows: list[list]) -> pd.DataFrame:
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object)


def _no_header(head: list[list[str]], spec: TableSpec, encoding: str) -> UnreadableFile:
    """The file's first rows name none of the table's fields: refused before it is parsed."""
    first = next((row for row in head if any(cell.strip() for cell in row)), [])
    shown = ", ".join(f"'{cell.strip()[:40]}'" for cell in first[:8] if cell.strip()) or "nothing"
    examples = "; ".join(f"{name} (or {' / '.join(spec.aliases.get(name, ())[:2])})" for name in spec.required)
    return UnreadableFile(
        f"is missing required column(s) {', '.join(spec.required)}: none of the first {HEADER_SEARCH_ROWS} "
        f"rows is a {spec.name} header (read as {encoding}; the first row with anything in it "
        f"starts {shown}); the rest of the file was not read",
        f"Check this is the {spec.name} export, and put its header row within the first "
        f"{HEADER_SEARCH_ROWS} rows. Headers needed: {examples}.", row=1)


def find_header(grid: pd.DataFrame, spec: TableSpec) -> int | None:
    """Index of the row that looks most like the header (a title row may sit above it).

    The row among the first :data:`HEADER_SEARCH_ROWS` naming the most contract fields of
    ``spec``; ``None`` when no row names any.
    """
    best, best_score = None, 0
    for index, row in enumerate(grid.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        fields = {spec.field_for_header(cell) for cell in row if not is_blank(cell)}
        score = len(fields - {None})
        if score > best_score:
            best, best_score = index, score
    return best


def header_row(grid: pd.DataFrame, spec: TableSpec) -> int | None:
    """Index of the header row: :func:`find_header`, else the first row that is not blank.

    ``None`` only when every cell of the grid is blank.
    """
    found = find_header(grid, spec)
    if found is not None:
        return found
    for index, row in enumerate(grid.itertuples(index=False)):
        if not all(is_blank(cell) for cell in row):
            return index
    return None


def table_files(data_dir: Path, spec: TableSpec) -> list[Path]:
    """Every file in ``data_dir`` whose name says it holds the ``spec`` table, sorted by name.

    A table's file name starts with the table's name (case, spaces and punctuation ignored)
    and ends ``.csv``, ``.xlsx`` or ``.xlsm``; old ``.xls`` workbooks are found too, so that the
    loader can ask for them to be saved again. Excel's lock files (``~$...``) and hidden files
    are skipped. :func:`discover` also finds files by ``mapping.yml`` and by their headers.
    """
    return sorted(
        p for p in data_dir.iterdir()
        if p.is_file() and not p.name.startswith(("~$", "."))
        and p.suffix.lower() in (*TABLE_EXTENSIONS, ".xls") and header_key(p.stem).startswith(spec.name))


class FileUse(NamedTuple):
    """What one file in the data folder was taken for (``table``), or why it was ignored."""

    name: str
    table: str | None  # the table it was read as; None: not a table
    how: str  # how that was decided ("its name", "mapping.yml", "its headers"), or what it is used for
    fix: str = ""  # for an ignored file: how to make it readable, when it could be a table

    def __str__(self) -> str:
        if self.table:
            return f"{self.name}: {self.table} (found by {self.how})"
        return f"{self.name}: {self.how}" + (f". {self.fix}" if self.fix else "")


# Files the folder may hold besides the tables, and what each is for.
SUPPORT_FILES = {DATASET_FILE: "the dataset description", COMPARATORS_INFO_FILE: "where the comparators come from",
                 "mapping.yml": "the mapping for this council's system", "team_aliases.csv": "team aliases"}
_UNSUPPORTED = {
    ".ods": ("an OpenDocument spreadsheet, which cannot be read",
             "Open it in LibreOffice Calc or Excel and save it as .xlsx (Excel 2007-365) or CSV (UTF-8)."),
    ".xls": ("an old-style Excel 97-2003 workbook, which cannot be read",
             "Open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)'."),
    ".numbers": ("an Apple Numbers file, which cannot be read", "In Numbers use File > Export To > Excel or CSV."),
    ".pdf": ("a PDF, which cannot be read as data",
             "Export the log from your system (or the spreadsheet it came from) as .xlsx or .csv."),
    ".doc": ("a Word document, not a table", "Copy the table into Excel and save it as .xlsx."),
    ".docx": ("a Word document, not a table", "Copy the table into Excel and save it as .xlsx."),
    ".txt": ("a text file, not read", "If it is a table, rename it to .csv (comma, semicolon or tab separated)."),
    ".tsv": ("a tab-separated file, not read under that name", "Rename it to .csv; tabs are recognised."),
    ".json": ("a JSON file that is not part of the contract", ""),
    ".xml": ("an XML file, which cannot be read", "Export the log as .xlsx or .csv instead."),
    ".zip": ("a zip archive", "Unzip it into the folder."),
    ".md": ("a Markdown file that is not commentary", "Commentary files are named commentary-2019-20.md."),
}


def discover(data_dir: Path, mapping=None) -> tuple[dict[str, list[Path]], list[FileUse]]:
    """Which file holds which table, and what happened to every file in the folder.

    A file is a table's when ``mapping.yml`` names it (``files`` patterns), else when its name
    starts with the table's name, else when its header (within the first
    :data:`HEADER_SEARCH_ROWS` rows of any sheet) holds every required field of a table (the
    table whose fields it names most). Other files are listed with why they were ignored and,
    for spreadsheets in a format that cannot be read, how to save them again.

    Returns
    -------
    tables, uses
        Table -> its files (sorted by name); one :class:`FileUse` per file (hidden files aside).
    """
    from cfanalysis.data.mapping import Mapping, mapped_spec

    mapping = mapping or Mapping()
    specs = {name: mapped_spec(spec, mapping) for name, spec in schema.TABLES.items()}
    tables: dict[str, list[Path]] = {name: [] for name in specs}
    uses: list[FileUse] = []
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith("."):
            continue
        use = _use_of(path, specs, mapping)
        uses.append(use)
        if use.table:
            tables[use.table].append(path)
    return tables, uses


def _use_of(path: Path, specs: dict[str, TableSpec], mapping) -> FileUse:
    name, suffix = path.name, path.suffix.lower()
    if path.is_dir():
        return FileUse(name, None, "the commentary folder" if name == "commentary" else "a folder, not read")
    if name.startswith("~$"):
        return FileUse(name, None, "an Excel lock file (the workbook is open in Excel), ignored")
    if name in SUPPORT_FILES:
        return FileUse(name, None, SUPPORT_FILES[name])
    if suffix == ".md" and header_key(path.stem).startswith(("commentary", "readme")):
        return FileUse(name, None, "commentary" if header_key(path.stem).startswith("commentary") else "notes")
    if suffix in (*TABLE_EXTENSIONS, ".xls") and (table := mapping.table_for_file(name)):
        return FileUse(name, table, "mapping.yml")
    for table, spec in specs.items():
        if suffix in (*TABLE_EXTENSIONS, ".xls") and header_key(path.stem).startswith(spec.name):
            return FileUse(name, table, "its name")
    if suffix in _UNSUPPORTED:
        what, fix = _UNSUPPORTED[suffix]
        return FileUse(name, None, f"ignored: {what}", fix)
    if suffix not in TABLE_EXTENSIONS:
        return FileUse(name, None, "ignored: not a .csv or .xlsx file", "Save tables as .xlsx or CSV UTF-8.")
    return _use_by_headers(path, specs)


def _use_by_headers(path: Path, specs: dict[str, TableSpec]) -> FileUse:
    """The table whose required fields the file's header holds (most fields named wins)."""
    try:
        heads = _heads(path)
    except (UnreadableFile, *READ_ERRORS) as error:
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        return FileUse(path.name, None, f"ignored: cannot be read ({message})",
                       getattr(error, "fix", "") or "Check the file opens in Excel; save it again as .xlsx or .csv.")
    best, best_score = None, 0
    for head in heads:
        for table, spec in specs.items():
            for row in head.head(HEADER_SEARCH_ROWS).itertuples(index=False):
                found = {spec.field_for_header(cell) for cell in row if not is_blank(cell)} - {None}
                if set(spec.required) <= found and len(found) > best_score:
                    best, best_score = table, len(found)
    if best is not None:
        return FileUse(path.name, best, "its headers")
    return FileUse(path.name, None, f"ignored: no table's header in its first {HEADER_SEARCH_ROWS} rows",
                   "If it is a table, rename it to start with the table's name (complaints, compliments, ombudsman, "
                   "...), or name it under files: in mapping.yml and map its headers.")


def _heads(path: Path) -> list[pd.DataFrame]:
    """The first rows of the CSV, or of each sheet of the workbook, as raw cells."""
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start == OLE2_SIGNATURE:
        raise _office_container_problem(path)
    if path.suffix.lower() == ".csv":
        with open(path, "rb") as handle:
            data = handle.read(_HEAD_BYTES)
        codec, skip, _ = _encoding_of(data)
        text = data[skip:].decode(codec, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        rows = list(csv.reader(io.StringIO(text), _sniff(text)))[:HEADER_SEARCH_ROWS]
        return [_padded(rows)]
    return [head for _, head in sheet_heads(path)]


def sheet_heads(path: Path) -> list[tuple[str, pd.DataFrame]]:
    """Each sheet of a workbook and its first :data:`HEADER_SEARCH_ROWS` rows."""
    import openpyxl

    with open(path, "rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            return [(sheet.title, _padded([list(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                                              values_only=True)]))
                    for sheet in book.worksheets]
        finally:
            book.close()


def table_sheets(path: Path, spec: TableSpec) -> tuple[list[str | None], list[str]]:
    """The sheets of ``path`` to read for ``spec``: every sheet whose header holds all the table's
    required fields (one sheet per year is common). ``[None]`` for a CSV, or when no sheet has a
    whole header (then the reader picks the best one, or says what each sheet starts with).

    Returns the sheets and, for sheets with part of a header, a note naming what they lack.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return [None], []
    try:
        heads = sheet_heads(path)
    except (UnreadableFile, *READ_ERRORS):
        return [None], []
    whole, notes = [], []
    for title, head in heads:
        found = find_header(head, spec)
        if found is None:
            continue
        fields = {spec.field_for_header(c) for c in head.iloc[found] if not is_blank(c)} - {None}
        missing = [f for f in spec.required if f not in fields]
        if missing:
            notes.append(f"sheet '{title}' is not read: its header lacks {', '.join(missing)}")
        else:
            whole.append(title)
    if len(heads) == 1 or not whole:
        return [None], []
    return whole, notes


def table_file(data_dir: Path, spec: TableSpec) -> tuple[Path | None, list[Problem]]:
    """The one file named for the ``spec`` table, or ``None`` with a fatal problem when there are
    several. (The loader itself combines several files: see :func:`discover`.)"""
    candidates = table_files(data_dir, spec)
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        return None, [Problem(file=candidates[0].name, severity="fatal",
                              message=f"is one of several files for the {spec.name} table ({names})",
                              fix="Keep one file per table in the folder (combine them, or move the others out).")]
    return (candidates[0] if candidates else None), []


class TableGrid(NamedTuple):
    """One table file read as raw cells, with the index of its header row."""

    path: Path
    spec: TableSpec
    grid: pd.DataFrame
    header_row: int


def table_grids(data_dir: str | Path) -> Iterator[TableGrid]:
    """Read every table file in a data folder as a grid of raw cells.

    Parameters
    ----------
    data_dir
        The data folder. A path that is not a folder yields nothing.

    Yields
    ------
    TableGrid
        ``(path, spec, grid, header_row)`` for each file (and each sheet holding the table)
        :func:`discover` finds, in the order of the contract's tables, with ``mapping.yml``
        applied. Files that cannot be read (old ``.xls`` workbooks, damaged files) and files
        with no cells are skipped: the loader reports them.

    Examples
    --------
    >>> for path, spec, grid, header in table_grids("data/example"):  # doctest: +SKIP
    ...     print(path.name, spec.name, header)
    complaints.csv complaints 0
    """
    from cfanalysis.data.mapping import mapped_spec, read_mapping

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return
    mapping, _ = read_mapping(data_dir)
    tables, _ = discover(data_dir, mapping)
    for name, paths in tables.items():
        spec = mapped_spec(schema.TABLES[name], mapping)
        for path in paths:
            if path.suffix.lower() not in TABLE_EXTENSIONS:
                continue
            for sheet in table_sheets(path, spec)[0]:
                try:
                    grid = read_table_grid(path, spec, sheet=sheet).grid
                except READ_ERRORS:
                    continue
                header = header_row(grid, spec)
                if header is not None:
                    yield TableGrid(path, spec, grid, header)


def sha256_of(path: Path) -> str:
    """The file's SHA-256 checksum, as 64 hexadecimal digits."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json_object(path: Path) -> dict:
    """The JSON object in ``path``, or ``{}`` when it is absent, unreadable or not an object."""
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def read_comparators_info(data_dir: str | Path) -> dict:
    """What ``comparators.json`` says about the comparators table, or ``{}``.

    Returns
    -------
    dict
        Text keys, each optional: ``source`` (who published the figures), ``financial_years``,
        ``definition`` (what ``complaints`` and ``upheld`` count), ``unit`` (``"new complaints"`` or
        ``"stage cases"``: what the ``complaints`` column counts), ``denominator`` (what the
        denominator counts) and ``rate_base`` (why it is the base for the rate). Empty when
        the file is absent, cannot be read, is not JSON, or does not hold a JSON object.

    Examples
    --------
    >>> sorted(read_comparators_info("data/example"))  # doctest: +SKIP
    ['definition', 'denominator', 'financial_years', 'rate_base', 'source', 'unit']
    """
    return _json_object(Path(data_dir) / COMPARATORS_INFO_FILE)


def read_dataset_info(data_dir: str | Path) -> dict:
    """What ``dataset.json`` in the folder says about the data, or ``{}``.

    Parameters
    ----------
    data_dir
        The data folder.

    Returns
    -------
    dict
        The file's keys, for example ``synthetic`` (true for made-up data) and ``authority``
        (this council's name in the comparators table). Empty when the file is absent,
        cannot be read, is not JSON, or does not hold a JSON object.

    Examples
    --------
    >>> read_dataset_info("data/example")["synthetic"]  # doctest: +SKIP
    True
    """
    return _json_object(Path(data_dir) / DATASET_FILE)
