"""The officer's commentary: Markdown files per financial year, read into {section: text}.

A data folder may hold ``commentary/2019-20.md`` (or ``commentary-2019-20.md`` beside the
tables). Each ``## Heading`` names a section of the reports; the prose under it is the
service's commentary on that section. This module only reads and splits the files; matching
headings to report sections and rendering them safely is :mod:`cfanalysis.publish.commentary`.
"""

from __future__ import annotations

import re
from pathlib import Path

from cfanalysis.data.files import sha256_of
from cfanalysis.data.problems import Problem
from cfanalysis.periods import parse_financial_year

__all__ = ["COMMENTARY_DIR", "commentary_files", "parse_commentary", "read_commentary"]

COMMENTARY_DIR = "commentary"
_YEAR = re.compile(r"(?:^|[^0-9])(\d{4}-\d{2})$")
_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")


def commentary_files(data_dir: Path) -> dict[str, Path]:
    """Financial year -> commentary file: ``commentary/<year>.md`` or ``commentary-<year>.md``."""
    found: dict[str, Path] = {}
    candidates = [*sorted(data_dir.glob("commentary*.md"))]
    if (data_dir / COMMENTARY_DIR).is_dir():
        candidates += sorted((data_dir / COMMENTARY_DIR).glob("*.md"))
    for path in candidates:
        match = _YEAR.search(path.stem)
        if match:
            found.setdefault(match.group(1), path)
    return found


def parse_commentary(text: str, *, file: str = "commentary") -> tuple[dict[str, str], list[Problem]]:
    """Split Markdown into {section heading: the text under it}, with any problems found.

    A ``# Title`` line and blank lines before the first ``## `` heading are allowed; other
    text there, an empty heading and a heading used twice are problems (fatal: the commentary
    would otherwise land in the wrong place or nowhere).

    >>> parse_commentary("# 2019-20\\n## Compliments\\nThey rose.\\n")[0]
    {'Compliments': 'They rose.'}
    """
    sections: dict[str, list[str]] = {}
    problems: list[Problem] = []
    current: str | None = None
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1)
            if not current or current in sections:
                problems.append(Problem(
                    file=file, row=number, column="heading", value=line.strip(), severity="fatal",
                    message="is empty" if not current else "repeats a heading used above",
                    fix="Give each section one '## Section name' heading, named as in the report."))
                current = None if not current else current
                continue
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        elif line.strip() and not line.startswith("# "):
            problems.append(Problem(
                file=file, row=number, column="text", value=line.strip()[:60], severity="fatal",
                message="comes before the first '## ' heading, so it belongs to no section",
                fix="Put a '## Section name' heading above it (the section of the report it is about)."))
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}, problems


def read_commentary(data_dir: str | Path
                    ) -> tuple[dict[str, dict[str, str]], list[Problem], dict[str, dict[str, str]]]:
    """Every year's commentary in a data folder.

    Returns
    -------
    tuple
        ``{financial year: {heading: text}}``, the problems found (a year label that is not a
        financial year, text outside a section), and ``{financial year: {file name: SHA-256}}``
        for provenance (each year's report lists its own commentary file only).
    """
    data_dir = Path(data_dir)
    commentary: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    checksums: dict[str, dict[str, str]] = {}
    if not data_dir.is_dir():
        return commentary, problems, checksums
    for year, path in commentary_files(data_dir).items():
        name = path.relative_to(data_dir).as_posix()
        try:
            parse_financial_year(year)
        except ValueError as error:
            problems.append(Problem(file=name, severity="fatal", message=f"is not named for a financial year ({error})",
                                    fix="Name the file for its year, for example commentary/2019-20.md."))
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")
        sections, found = parse_commentary(text, file=name)
        problems += found
        commentary[year] = sections
        checksums[year] = {name: sha256_of(path)}
    return commentary, problems, checksums
