"""Data protection for published outputs: safe CSVs and a personal-data guard.

- :func:`safe_csv_text` writes tables for Excel users with formula injection neutralised.
- :class:`PersonalDataGuard` remembers the values of every column outside the contract (read
  straight from the input files, never through the analysis) and refuses any output text that
  contains one, so names, addresses and free text cannot leak into a report, table or log.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["PersonalDataError", "PersonalDataGuard", "safe_csv_text"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIN_GUARDED_LENGTH = 4  # shorter values ("Yes", "Mr") are too common to mean anything


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # Excel shows the text instead of running it as a formula
    return value


def safe_csv_text(table: pd.DataFrame, *, index: bool = True) -> str:
    """CSV text of a table with every text cell that Excel would run as a formula neutralised."""
    frame = table.reset_index() if index else table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_neutralise(str(c)) for c in frame.columns])
    for record in frame.itertuples(index=False):
        writer.writerow([_neutralise(v) for v in record])
    return buffer.getvalue()


class PersonalDataError(Exception):
    """An output would have contained a value from a column outside the data contract."""


@dataclass
class PersonalDataGuard:
    """Values that must never appear in an output, gathered from the non-contract columns."""

    values: frozenset[str]

    @classmethod
    def from_data_dir(cls, data_dir: str | Path) -> PersonalDataGuard:
        """Read every table file's columns outside the contract and remember their values.

        Values that are also found in contract columns (a team called "Fostering" in a notes
        column, say), numbers, dates and very short values are left out: they identify nobody.
        """
        from cfanalysis.data.cells import is_blank
        from cfanalysis.data.files import table_grids

        columns = []
        for _, spec, grid, header_index in table_grids(data_dir):
            for position, header in enumerate(grid.iloc[header_index].tolist()):
                cells = grid.iloc[header_index + 1:, position]
                columns.append((spec, header, {str(v).strip() for v in cells if not is_blank(v)}))
        return cls._from_columns(columns)

    @classmethod
    def from_dataset(cls, data) -> PersonalDataGuard:
        """The same guard as :meth:`from_data_dir`, from the values the loader kept as it read
        the files (``TableLoad.guarded_values``), so the files are not read again. Falls back to
        reading the folder when a table was read without them."""
        loads = [load for load in data.report.tables.values() if load.path is not None]
        if any(load.guarded_values is None for load in loads):
            return cls.from_data_dir(data.report.data_dir)
        return cls._from_columns([(load.spec, header, cells) for load in loads
                                  for header, cells in load.guarded_values])

    @classmethod
    def _from_columns(cls, columns) -> PersonalDataGuard:
        """From ``(spec, header, distinct cell texts)`` for every column of every table file."""
        secret, public = set(), set()
        for spec, header, cells in columns:
            if spec.field_for_header(header) is not None or (spec.numeric_extras and _mostly_numbers(cells)):
                public |= {c.casefold() for c in cells}
            else:
                secret |= cells
        kept = {v for v in secret if len(v) >= MIN_GUARDED_LENGTH and v.casefold() not in public
                and re.search(r"[A-Za-z]", v) and not re.fullmatch(r"[\d\s/.:-]+", v)}
        return cls(frozenset(kept))

    def check(self, text: str, *, where: str) -> None:
        """Raise PersonalDataError if ``text`` (or its HTML-unescaped form) holds a guarded value."""
        if not self.values:
            return
        haystacks = (text, html.unescape(text))
        for value in self.values:
            for haystack in haystacks:
                if value in haystack:
                    raise PersonalDataError(
                        f"{where} would contain a value from a column outside the data contract "
                        f"(a name, address or free text; {len(value)} characters). Nothing was written. "
                        "Check that no notebook displays raw input rows.")


def _mostly_numbers(cells: set[str]) -> bool:
    if not cells:
        return True
    numeric = sum(bool(re.fullmatch(r"-?[\d,]*\.?\d+", c.replace(" ", ""))) for c in cells)
    return numeric > len(cells) / 2
