"""``cfanalysis init``: look at a folder of raw exports and draft ``mapping.yml`` and ``dataset.json``.

Nothing in the folder is changed except the two files written (and never an existing one
without ``force``). Every guess is marked in the mapping with a ``# guess`` comment; every
value that could not be placed is written as a comment for the person to decide, and listed.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cfanalysis.data import contract as schema
from cfanalysis.data.cells import _words, clean_cell, is_blank, parse_date, parse_stage, read_code
from cfanalysis.data.contract import TableSpec, header_key
from cfanalysis.data.files import (
    DATASET_FILE,
    READ_ERRORS,
    SUPPORT_FILES,
    TABLE_EXTENSIONS,
    UnreadableFile,
    discover,
    read_table_grid,
    sheet_heads,
)
from cfanalysis.data.mapping import MAPPING_FILE

__all__ = ["Draft", "draft_mapping", "write_draft"]

# Words in a header that suggest a field (matched inside header_key of the header).
HEADER_HINTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "caseno", "casenumber", "complaintno", "complaintnumber", "casenum", "id"),
    "received_date": ("received", "logged", "opened", "datecomplaint", "enquirydate", "dateofenquiry"),
    "response_date": ("respon", "closed", "replied", "reply", "datesent"),
    "team": ("team", "servicearea", "unit", "department", "locality"),
    "stage": ("stage", "level"),
    "procedure": ("procedure", "process", "route", "regime"),
    "category": ("category", "nature", "subject", "issue", "concern", "theme", "about"),
    "outcome": ("outcome", "finding", "result"),
    "decision": ("decision", "outcome", "finding", "result"),
    "complainant_type": ("complainant", "relationship", "whocomplained"),
    "source": ("source", "from"),
    "date": ("date", "when", "began"),
    "description": ("description", "event", "change"),
    "month": ("month", "period"),
}
_SAMPLE = 400  # distinct values looked at per column


@dataclass
class Column:
    header: str
    values: pd.Series  # the column's non-blank cells, as read


@dataclass
class Draft:
    """What init found: per table its files, field -> (header, how), and codes per field."""

    tables: dict[str, list[str]] = field(default_factory=dict)  # table -> file names
    headers: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # table -> field -> (header, how)
    codes: dict[str, dict[str, dict[str, tuple[str | None, str]]]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # files not taken, with why
    names: list[str] = field(default_factory=list)  # every file name in the folder

    @property
    def undecided(self) -> list[str]:
        """Every value init could not place, as 'table field: value'."""
        return [f"{table} {name}: {value}" for table, fields in self.codes.items() for name, values in fields.items()
                for value, (code, _) in values.items() if code is None]


def _columns(path: Path) -> list[list[Column]]:
    """Each sheet (or the CSV) as columns under its header row (the row with most text cells)."""
    sheets = [None]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = [title for title, head in sheet_heads(path) if head.notna().any().any()]
    out = []
    for sheet in sheets:
        grid = read_table_grid(path, None, sheet=sheet).grid
        if grid.empty:
            continue
        counts = [sum(isinstance(c, str) and not is_blank(c) for c in row)
                  for row in grid.head(20).itertuples(index=False)]
        header = counts.index(max(counts))
        columns = []
        for position in grid.columns:
            name = grid.iat[header, position]
            if is_blank(name):
                continue
            body = grid[position].iloc[header + 1:]
            columns.append(Column(clean_cell(str(name)), body[~body.map(is_blank)]))
        out.append(columns)
    return out


def _share(values: pd.Series, reads, *, coded: bool = False) -> float:
    """Share of the column's distinct values that ``reads`` accepts. For a coded field the column
    must look coded too (few distinct values, each used several times): a column of names or
    free text is never taken for one, whatever words it holds."""
    distinct = pd.unique(values.map(lambda v: clean_cell(v) if isinstance(v, str) else v))[:_SAMPLE]
    if not len(distinct) or coded and (len(distinct) > 60 or len(distinct) > len(values) / 3):
        return 0.0
    return sum(bool(reads(v)) for v in distinct) / len(distinct)


def _coded(spec: TableSpec, name: str) -> bool:
    return spec.field(name).kind in ("code", "stage")


def _reads(spec: TableSpec, name: str):
    """A test of whether one value reads as the field ``name``."""
    column = spec.field(name)
    if column.kind == "date":
        return lambda v: parse_date(v).value is not None
    if column.kind == "stage":
        return lambda v: parse_stage(v).value is not None
    if column.kind == "code":
        lookup, phrases = _vocabulary(column.codes)
        return lambda v: read_code(str(v), lookup, phrases)[0] is not None
    return lambda v: True


def _vocabulary(codes) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    blank = next((c for c, s in codes.items() if "" in s), None)
    lookup = {header_key(s): c for c, spellings in codes.items() for s in (c, *spellings)}
    phrases = {_words(s): c for c, spellings in codes.items() for s in (c, *spellings) if c != blank and _words(s)}
    return lookup, phrases


def _guess_fields(spec: TableSpec, columns: list[Column]) -> dict[str, tuple[str, str]]:  # long: three passes
    """Field -> (header, how) for one sheet: contract spellings, then header words checked
    against the values, then values alone (coded fields, stages, dates)."""
    found: dict[str, tuple[str, str]] = {}
    used: set[str] = set()

    def take(name, column, how):
        found[name] = (column.header, how)
        used.add(column.header)

    for column in columns:
        name = spec.field_for_header(column.header)
        if name and name not in found and column.header not in used:
            take(name, column, "contract spelling")
    for name in spec.fields:
        for column in columns:
            if name in found or column.header in used:
                continue
            key = header_key(column.header)
            hinted = any(hint in key for hint in HEADER_HINTS.get(name, ()))
            if hinted and _share(column.values, _reads(spec, name), coded=_coded(spec, name)) >= .8:
                take(name, column, "guess: its header and values")
    for name in spec.fields:
        if name in found or spec.field(name).kind not in ("code", "stage"):
            continue
        scored = [(_share(c.values, _reads(spec, name), coded=True), c) for c in columns
                  if c.header not in used and len(c.values)]
        best = max(scored, key=lambda pair: pair[0], default=(0, None))
        if best[0] >= .6:
            take(name, best[1], "guess: its values")
    return found


def _table_of(columns: list[Column], known: str | None) -> tuple[str | None, dict[str, tuple[str, str]]]:
    """The table a sheet holds (``known`` when discovery said so) and its fields."""
    candidates = [known] if known else list(schema.TABLES)
    best, best_fields = None, {}
    for table in candidates:
        spec = schema.TABLES[table]
        fields = _guess_fields(spec, columns)
        if set(spec.required) <= set(fields) and len(fields) > len(best_fields):
            best, best_fields = table, fields
    return best, best_fields


def draft_mapping(data_dir: str | Path) -> Draft:
    """Inspect every table-like file in ``data_dir`` (read only) and draft the mapping."""
    data_dir = Path(data_dir)
    found, uses = discover(data_dir)
    by_name = {path.name: table for table, paths in found.items() for path in paths}
    draft = Draft(names=[use.name for use in uses])
    for use in uses:
        path = data_dir / use.name
        if use.name in SUPPORT_FILES:
            continue
        if path.suffix.lower() not in TABLE_EXTENSIONS or path.is_dir() or use.name.startswith("~$"):
            if not use.table and path.suffix.lower() not in (".json", ".md", ".yml") and not path.is_dir():
                draft.ignored.append(str(use))
            continue
        try:
            sheets = _columns(path)
        except (UnreadableFile, *READ_ERRORS) as error:
            draft.ignored.append(f"{use.name}: cannot be read ({getattr(error, 'message', error)})")
            continue
        taken = False
        for columns in sheets:
            table, fields = _table_of(columns, by_name.get(use.name))
            if table is None:
                continue
            taken = True
            files = draft.tables.setdefault(table, [])
            files.append(use.name) if use.name not in files else None
            for name, (header, how) in fields.items():
                draft.headers.setdefault(table, {}).setdefault(name, (header, how))
            _codes(draft, table, fields, columns)
        if not taken and use.name not in by_name:
            draft.ignored.append(f"{use.name}: no table's fields found in it")
    return draft


def _codes(draft: Draft, table: str, fields: dict[str, tuple[str, str]], columns: list[Column]) -> None:
    """Each coded field's values: exact spellings are left out; values read by the general rule
    are guesses; values not placed are left for the person (code None)."""
    spec = schema.TABLES[table]
    by_header = {c.header: c for c in columns}
    for name, (header, _) in fields.items():
        column = spec.field(name)
        if column.kind not in ("code", "stage"):
            continue
        lookup, phrases = _vocabulary(column.codes)
        values = draft.codes.setdefault(table, {}).setdefault(name, {})
        for value in pd.unique(by_header[header].values.map(lambda v: clean_cell(str(v)))):
            if value in values or lookup.get(header_key(value)) is not None:
                continue
            if column.kind == "stage":
                stage = parse_stage(value).value
                values[value] = (None if stage is None else str(stage), "rule")
            else:
                code, how = read_code(value, lookup, phrases)
                values[value] = (code, how)


def _pattern(names: list[str], folder: list[str]) -> list[str]:
    """File patterns: each name with runs of digits (years, dates) as '*', so next year's export
    fits; a name whose pattern would also take another file of the folder is kept as it is."""
    out = []
    for name in names:
        pattern = re.sub(r"\d+", "*", name)
        others = [n for n in folder if n not in names and fnmatch.fnmatch(n.casefold(), pattern.casefold())]
        out.append(name if others or len(re.sub(r"[^A-Za-z]", "", pattern)) < 4 else pattern)
    return list(dict.fromkeys(out))


def _yaml_text(draft: Draft) -> str:  # long: one line of YAML per decision, with its comment
    lines = ["# mapping.yml: how this council's system writes things (see data/README.md).",
             "# Drafted by cfanalysis init. Lines marked '# guess' are its guesses: check them.",
             "# Values it could not place are commented out with '?': write a code after the colon and",
             "# remove the '#' to count them; left as they are, those values are counted as written",
             "# (or, for procedure, excluded).", "tables:"]
    quote = json.dumps  # a JSON string is a valid YAML string, quotes and colons included
    for table, files in draft.tables.items():
        patterns = ", ".join(quote(p) for p in _pattern(files, draft.names))
        lines += [f"  {table}:", f"    files: [{patterns}]", "    headers:"]
        for name, (header, how) in draft.headers.get(table, {}).items():
            lines.append(f"      {name}: {quote(header)}" + ("" if how == "contract spelling" else f"  # {how}"))
        coded = {n: v for n, v in draft.codes.get(table, {}).items() if v}
        if coded:
            lines.append("    codes:")
        for name, values in coded.items():
            lines.append(f"      {name}:")
            allowed = [c for c in schema.TABLES[table].field(name).codes or {}]
            for value, (code, how) in values.items():
                if code is None:
                    lines.append(f"        # {quote(value)}: ?   # not placed: one of {', '.join(allowed)}")
                else:
                    lines.append(f"        {quote(value)}: {quote(code)}  # guess ({_HOW[how]})")
    return "\n".join(lines) + "\n"


_HOW = {"head": "its first words", "words": "words in it", "rule": "the stage rule", "exact": "its spelling"}


def write_draft(data_dir: str | Path, *, force: bool = False, authority: str | None = None,
                contact: str | None = None, synthetic: bool = False) -> tuple[Draft, list[str]]:
    """Draft and write ``mapping.yml`` and ``dataset.json`` in ``data_dir``; existing files are kept
    unless ``force``. Returns the draft and one line per file: written, or kept and why."""
    data_dir = Path(data_dir)
    draft = draft_mapping(data_dir)
    info = {"authority": authority, "contact": contact, "synthetic": synthetic,
            "_note": "Written by cfanalysis init: give the council's name (as in the comparators table) and a "
                     "contact for the reports; synthetic is true only for made-up data. See data/README.md."}
    outputs = {MAPPING_FILE: _yaml_text(draft), DATASET_FILE: json.dumps(info, indent=2) + "\n"}
    said = []
    for name, text in outputs.items():
        path = data_dir / name
        if path.exists() and not force:
            said.append(f"{name}: kept (it exists; --force replaces it)")
            continue
        path.write_text(text, encoding="utf-8")
        said.append(f"{name}: written")
    return draft, said
