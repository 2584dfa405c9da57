"""A council's own system, said once: ``mapping.yml`` in the data folder.

The mapping says which files are which table (glob patterns), which header is which field, and
which of the council's values mean which contract code. It only adds to the contract: every
header and spelling the contract already knows still works. :func:`read_mapping` reads and
checks it (unknown table, field or code: a fatal problem naming it and the allowed ones), and
:func:`mapped_spec` gives a table's contract with the mapping applied.

Example::

    tables:
      complaints:
        files: ["NCMS_Complaints_Extract*.xlsx"]
        headers:
          team: Team Responsible
        codes:
          category:
            Staff attitude or behaviour: attitude or behaviour of staff
          stage:
            Investigation (Stage 2): 2
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path

from cfanalysis.data import contract as schema
from cfanalysis.data.contract import TableSpec, header_key
from cfanalysis.data.problems import Problem

__all__ = ["MAPPING_FILE", "Mapping", "TableMapping", "mapped_spec", "read_mapping"]

MAPPING_FILE = "mapping.yml"
_FIX = "Correct mapping.yml (see data/README.md, 'A mapping for your own system'), or run cfanalysis init again."


@dataclass(frozen=True)
class TableMapping:
    """One table's part of the mapping."""

    files: tuple[str, ...] = ()  # glob patterns, matched against file names ignoring case
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> the council's headers
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {council value: code}

    def matches(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name.casefold(), pattern.casefold()) for pattern in self.files)


@dataclass(frozen=True)
class Mapping:
    """The whole of ``mapping.yml`` (empty when there is none)."""

    tables: dict[str, TableMapping] = field(default_factory=dict)
    path: Path | None = None

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())

    def table_for_file(self, name: str) -> str | None:
        """The table whose ``files`` patterns match this file name, if any."""
        return next((table for table, part in self.tables.items() if part.matches(name)), None)


def read_mapping(data_dir: str | Path) -> tuple[Mapping, list[Problem]]:
    """``mapping.yml`` of the folder, checked; an absent file is an empty mapping.

    Every problem is reported at once (fatal: a wrong mapping would count the wrong things).
    """
    path = Path(data_dir) / MAPPING_FILE
    if not path.is_file():
        return Mapping(), []
    import yaml  # only needed when there is a mapping

    try:
        raw = yaml.safe_load(path.read_text("utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        where = getattr(error, "problem_mark", None)
        return Mapping(path=path), [Problem(
            file=path.name, row=None if where is None else where.line + 1, severity="fatal",
            message=f"is not valid YAML ({getattr(error, 'problem', None) or error})",
            fix="Check the indentation (spaces, not tabs) and that values with a colon are in quotes. " + _FIX)]
    problems: list[Problem] = []
    tables = _tables(raw, path.name, problems)
    return Mapping(tables=tables, path=path), problems


def _problem(file: str, message: str, fix: str = _FIX) -> Problem:
    return Problem(file=file, message=message, fix=fix, severity="fatal")


def _tables(raw: object, file: str, problems: list[Problem]) -> dict[str, TableMapping]:
    if not isinstance(raw, dict) or set(raw) - {"tables"}:
        extra = sorted(set(raw) - {"tables"}) if isinstance(raw, dict) else []
        problems.append(_problem(file, "should hold one key, 'tables'" + (f" (found {extra})" if extra else "")))
        return {}
    out = {}
    for table, body in (raw.get("tables") or {}).items():
        if table not in schema.TABLES:
            problems.append(_problem(file, f"names an unknown table '{table}'",
                                     f"Use one of {', '.join(schema.TABLES)}. " + _FIX))
            continue
        if not isinstance(body, dict) or set(body) - {"files", "headers", "codes"}:
            problems.append(_problem(file, f"table '{table}' should hold files, headers and codes only"))
            continue
        out[table] = _table(schema.TABLES[table], body, file, problems)
    return out


def _table(spec: TableSpec, body: dict, file: str, problems: list[Problem]) -> TableMapping:
    files = body.get("files") or []
    files = [files] if isinstance(files, str) else files
    if not all(isinstance(p, str) for p in files):
        problems.append(_problem(file, f"{spec.name}: files should be a list of file name patterns"))
        files = []
    headers: dict[str, tuple[str, ...]] = {}
    for name, spelling in (body.get("headers") or {}).items():
        if name not in spec.fields:
            problems.append(_problem(file, f"{spec.name}: headers names an unknown field '{name}'",
                                     f"Fields of {spec.name}: {', '.join(spec.fields)}. " + _FIX))
            continue
        spellings = spelling if isinstance(spelling, list) else [spelling]
        headers[name] = tuple(str(s) for s in spellings if s is not None)
    codes: dict[str, dict[str, str]] = {}
    for name, values in (body.get("codes") or {}).items():
        coded = name in spec.fields and spec.field(name).codes is not None
        if not coded:
            fields = [f.name for f in spec.columns if f.codes is not None]
            problems.append(_problem(file, f"{spec.name}: codes names '{name}', which is not a coded field",
                                     f"Coded fields of {spec.name}: {', '.join(fields)}. " + _FIX))
            continue
        codes[name] = _codes(spec, name, values or {}, file, problems)
    return TableMapping(files=tuple(files), headers=headers, codes=codes)


def _codes(spec: TableSpec, name: str, values: dict, file: str, problems: list[Problem]) -> dict[str, str]:
    known = spec.field(name).codes or {}
    out = {}
    for value, code in values.items():
        code = "" if code is None else str(code).strip()
        if code.casefold() in ("?", "", "todo"):  # left for the user to decide (init writes these)
            problems.append(_problem(
                file, f"{spec.name}: {name} value '{value}' has no code yet",
                f"Write one of {', '.join(repr(c) for c in known)} after it. " + _FIX))
            continue
        match = next((c for c in known if header_key(c) == header_key(code)), None)
        if match is None:
            problems.append(_problem(file, f"{spec.name}: {name} value '{value}' is mapped to unknown code '{code}'",
                                     f"Codes for {name}: {', '.join(repr(c) for c in known)}. " + _FIX))
            continue
        out[str(value)] = match
    return out


def mapped_spec(spec: TableSpec, mapping: Mapping) -> TableSpec:
    """``spec`` with the mapping applied: the mapping's headers are each field's ``preferred``
    headers, and its value spellings are added to the field's codes."""
    part = mapping.table(spec.name)
    if not part.headers and not part.codes:
        return spec
    columns = []
    for column in spec.columns:
        headers = part.headers.get(column.name, ())
        extra = part.codes.get(column.name, {})
        codes = column.codes
        if extra:
            codes = {code: (*[v for v, c in extra.items() if c == code], *spellings)
                     for code, spellings in column.codes.items()}
        # The mapping's headers come first: a file with both one of them and a built-in spelling
        # (such as "Service") reads the mapped one and drops the other unread.
        columns.append(replace(column, preferred=headers, codes=codes))
    return replace(spec, columns=tuple(columns))
