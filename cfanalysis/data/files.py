"""Reading files into a grid of raw cells, and finding the table files in a data folder.

Shared by the loader and by the personal-data guard, so both see the same files the same way.
Also reads ``dataset.json``, the folder's description of itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
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
    "DATASET_FILE", "HEADER_SEARCH_ROWS", "READ_ERRORS", "TABLE_EXTENSIONS", "TableGrid",
    "find_header", "header_row", "read_dataset_info", "read_grid", "sha256_of", "table_file",
    "table_files", "table_grids",
]

HEADER_SEARCH_ROWS = 20
TABLE_EXTENSIONS = (".csv", ".xlsx", ".xlsm")
DATASET_FILE = "dataset.json"
# What reading a damaged or mislabelled file can raise; the loader reports these as problems.
READ_ERRORS = (OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error)


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, then Windows-1252 (Excel's 'CSV' on Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def read_grid(path: Path) -> tuple[pd.DataFrame, str]:
    """Every row of the CSV or of the workbook's first sheet, as a frame of raw cells.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` or ``.xlsm`` file.

    Returns
    -------
    grid, encoding
        Columns are numbered from 0; row i of the frame is row i + 1 in Excel. CSV cells are
        text, exactly as written; workbook cells keep Excel's types. ``encoding`` says how the
        file was read (for example ``"UTF-8 with BOM"`` or ``"Excel workbook"``).

    Raises
    ------
    OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error
        When the file cannot be read (see :data:`READ_ERRORS`).
    """
    if path.suffix.lower() == ".csv":
        return _read_csv_grid(path)
    return _read_workbook_grid(path)


def _read_csv_grid(path: Path) -> tuple[pd.DataFrame, str]:
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


def _read_workbook_grid(path: Path) -> tuple[pd.DataFrame, str]:
    import openpyxl  # only needed for Excel files

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(row) for row in book.worksheets[0].iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
    width = max((len(row) for row in rows), default=1)
    return pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object), "Excel workbook"


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
    """Every file in ``data_dir`` that holds the ``spec`` table, sorted by name.

    A table's file name starts with the table's name (case, spaces and punctuation ignored)
    and ends ``.csv``, ``.xlsx`` or ``.xlsm``; old ``.xls`` workbooks are found too, so that the
    loader can ask for them to be saved again. Excel's lock files (``~$...``) and hidden files
    are skipped.
    """
    return sorted(
        p for p in data_dir.iterdir()
        if p.is_file() and not p.name.startswith(("~$", "."))
        and p.suffix.lower() in (*TABLE_EXTENSIONS, ".xls") and header_key(p.stem).startswith(spec.name))


def table_file(data_dir: Path, spec: TableSpec) -> tuple[Path | None, list[Problem]]:
    """The one file for the ``spec`` table, or ``None`` with a fatal problem when there are several."""
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
        ``(path, spec, grid, header_row)`` for each file :func:`table_files` finds, in the
        order of the contract's tables. Every file is read, even when a table has several (the
        loader refuses those). Files that cannot be read (old ``.xls`` workbooks, damaged
        files) and files with no cells are skipped: the loader reports them.

    Examples
    --------
    >>> for path, spec, grid, header in table_grids("data/example"):  # doctest: +SKIP
    ...     print(path.name, spec.name, header)
    complaints.csv complaints 0
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return
    for spec in schema.TABLES.values():
        for path in table_files(data_dir, spec):
            if path.suffix.lower() not in TABLE_EXTENSIONS:
                continue
            try:
                grid, _ = read_grid(path)
            except READ_ERRORS:
                continue
            header = header_row(grid, spec)
            if header is not None:
                yield TableGrid(path, spec, grid, header)


def sha256_of(path: Path) -> str:
    """The file's SHA-256 checksum, as 64 hexadecimal digits."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    path = Path(data_dir) / DATASET_FILE
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}
