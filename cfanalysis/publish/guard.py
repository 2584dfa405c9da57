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
from dataclasses import dataclass, field
from functools import cache
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


# Ordinary words that a dropped column of a wide export often holds and a report often says
# ("Closed", "Email"): on their own they identify nobody. The report's own words are added to
# these (:func:`report_words`).
ORDINARY_WORDS = frozenset("""
    yes no none null nil n/a na tbc unknown other closed open opened pending ongoing complete completed
    resolved withdrawn upheld partial partially apology apologised email e-mail letter phone telephone
    post online web website portal form meeting visit face verbal written male female mr mrs ms miss dr
    mum dad mother father parent carer child children young person adult family staff manager team
    service council internal external high medium low urgent normal standard yes/no true false
    """.split())
# The last word of a street's name ("Marrowbone Lane"): the word before it is the name.
STREET_WORDS = frozenset("""
    street st road rd lane ln avenue ave close drive dr way court ct crescent cres place pl gardens
    grove terrace hill park view walk row square mews rise green parade vale yard gate fields
    """.split())
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W\d_]+)*")


@cache
def report_words() -> frozenset[str]:
    """Every word the reports themselves can say (casefolded): the package's string constants
    (not its docstrings), which hold its sentences and the contract's spellings, the notebooks'
    and templates' text, and :data:`ORDINARY_WORDS`.
    A value of a dropped column made only of these words identifies nobody and is not guarded.
    The example data's generator is left out: its made-up names are data, not the report's words.
    """
    import ast

    package = Path(__file__).resolve().parents[1]
    texts = [path.read_text(encoding="utf-8") for path in sorted(package.rglob("*.j2"))]
    texts += [path.read_text(encoding="utf-8") for path in sorted((package.parent / "notebooks").glob("*.ipynb"))]
    writers = [*sorted((package / "publish").glob("*.py")), *sorted((package / "analysis").glob("*.py")),
               package / "words.py", package / "plots.py", package / "data" / "contract.py"]
    for path in writers:  # the modules that write the reports' words (the contract: its spellings)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree) if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        texts += [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and id(node) not in docstrings]
    return frozenset(ORDINARY_WORDS | {w.casefold() for text in texts for w in _WORD.findall(text)})


def _ordinary(value: str) -> bool:
    """True when every word of ``value`` is one the reports themselves use."""
    words = [w.casefold() for w in _WORD.findall(value)]
    known = report_words()
    return bool(words) and all(w in known for w in words)


def _name_words(value: str, kind: str) -> set[str]:
    """The words of a name, or of an address's street names, that could identify someone."""
    if kind == "name":
        words = _WORD.findall(value)
    elif kind == "address":
        words = []
        for part in value.split(","):
            found = _WORD.findall(part)
            if any(w.casefold() in STREET_WORDS for w in found[1:]):
                words += [w for w in found if w.casefold() not in STREET_WORDS]
    else:
        return set()
    known = report_words()
    return {w.casefold() for w in words if len(w) >= 3 and w.casefold() not in known}


@dataclass
class PersonalDataGuard:
    """Values that must never appear in an output, gathered from the non-contract columns.

    ``origins`` says where each value was first seen ("the column 'Email' of complaints.csv,
    row 14") so that a stop can name the cell to look at without ever repeating the value;
    ``name_words`` holds the single words of names and street names (from the columns that
    identify people) that commentary is checked against word by word.
    """

    values: frozenset[str]
    origins: dict[str, str] = field(default_factory=dict)
    name_words: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data_dir(cls, data_dir: str | Path) -> PersonalDataGuard:
        """Read every table file's columns outside the contract and remember their values.

        Columns whose header says they identify someone (names, addresses, contact details;
        :func:`cfanalysis.data.personal.identity_kind`) are always guarded, even where a value
        is also typed in a contract column (the loader excludes such a row). From other dropped
        columns, values also found in contract columns (a team called "Fostering" in a notes
        column) are left out. Numbers, dates, very short values and values made only of words
        the reports themselves use ("Closed", "Email") are left out too: they identify nobody.
        """
        from cfanalysis.data.files import table_grids

        return cls.from_grids(table_grids(data_dir))

    @classmethod
    def from_grids(cls, grids) -> PersonalDataGuard:
        """The guard for files already read as grids (:func:`cfanalysis.data.files.table_grids`)."""
        from cfanalysis.data.cells import is_blank

        columns = []
        for path, spec, grid, header_index in grids:
            for position, header in enumerate(grid.iloc[header_index].tolist()):
                cells: dict[str, int] = {}
                for row, value in zip(grid.index[header_index + 1:], grid.iloc[header_index + 1:, position]):
                    if not is_blank(value):
                        cells.setdefault(str(value).strip(), int(row) + 1)
                columns.append((Path(path).name, spec, header, cells))
        return cls._from_columns(columns)

    @classmethod
    def from_dataset(cls, data) -> PersonalDataGuard:
        """The same guard as :meth:`from_data_dir`, from the values the loader kept as it read
        the files (``TableLoad.guarded_values``), so the files are not read again. Falls back to
        reading the folder when a table was read without them."""
        loads = [part for load in data.report.tables.values() if load.path is not None
                 for part in (load.parts or [load])]  # a table combined from several files: each file
        if any(load.guarded_values is None for load in loads):
            return cls.from_data_dir(data.report.data_dir)
        return cls._from_columns([(load.path.name, load.spec, header, cells) for load in loads
                                  for header, cells in load.guarded_values])

    @classmethod
    def _from_columns(cls, columns) -> PersonalDataGuard:
        """From ``(file name, spec, header, {distinct cell text: Excel row})`` for every column of
        every table file."""
        from cfanalysis.data.personal import identity_kind

        people, other, public = {}, {}, set()
        name_words: dict[str, str] = {}
        for file_name, spec, header, rows in columns:
            if spec.field_for_header(header) is not None or (spec.numeric_extras and _mostly_numbers(set(rows))):
                public |= {c.casefold() for c in rows}
                continue
            kind = identity_kind(header)
            for value, row in rows.items():
                origin = f"the column '{header}' of {file_name}, row {row}"
                (people if kind else other).setdefault(value, origin)
                for word in _name_words(value, kind or ""):
                    name_words.setdefault(word, origin)
        kept = {v: o for v, o in people.items() if _guardable(v, person=True)} | {
            v: o for v, o in other.items()
            if _guardable(v, person=False) and v.casefold() not in public and v not in people}
        return cls(frozenset(kept), kept, name_words)

    def check(self, text: str, *, where: str) -> None:
        """Raise PersonalDataError if ``text`` (or its HTML-unescaped form) holds a guarded value
        as a whole word or phrase ("Ann" is not found in "Annual"). The message names the column
        and row the value came from, never the value."""
        if not self.values:
            return
        haystacks = (text, html.unescape(text))
        for value in self.values:
            for haystack in haystacks:
                if value in haystack and re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", haystack):
                    raise PersonalDataError(
                        f"{where} would contain a value from {self._origin(value)}, a column outside the "
                        "data contract (a name, address or free text; the value is not shown here). Nothing "
                        "was written. Look at that cell: if it belongs in a contract column, move it there; "
                        "otherwise check that no notebook displays raw input rows.")

    def check_words(self, text: str, *, where: str) -> None:
        """Raise PersonalDataError if any word of ``text`` is a word of a name or street name from
        a column that identifies people ("the Ashcombe family of Marrowbone Lane"), for free text
        written for the report, such as commentary. The message gives the line, never the word."""
        for number, line in enumerate(html.unescape(text).splitlines(), start=1):
            for word in _WORD.findall(line):
                origin = self.name_words.get(word.casefold())
                if origin is not None:
                    raise PersonalDataError(
                        f"{where}, line {number}, has a word of a name or street from {origin}, a column "
                        "outside the data contract that identifies people (the word is not shown here). "
                        "Nothing was written. Take names and streets out of the text.")

    def _origin(self, value: str) -> str:
        return self.origins.get(value, "the input files")


def _guardable(value: str, *, person: bool) -> bool:
    """Long enough, with letters, not a number or date, and not made only of the reports' own
    words; from a column that identifies people, only a single such word is let go ("Young"
    alone identifies nobody; "Will Young" is a name)."""
    if len(value) < MIN_GUARDED_LENGTH or re.search(r"[A-Za-z]", value) is None or re.fullmatch(r"[\d\s/.:-]+", value):
        return False
    return not (_ordinary(value) and (not person or len(_WORD.findall(value)) == 1))


def _mostly_numbers(cells: set[str]) -> bool:
    if not cells:
        return True
    numeric = sum(bool(re.fullmatch(r"-?[\d,]*\.?\d+", c.replace(" ", ""))) for c in cells)
    return numeric > len(cells) / 2
