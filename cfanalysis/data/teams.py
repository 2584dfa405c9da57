"""Team names: the local alias file, and one reported name for each team however it is spelt."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cfanalysis.data.cells import is_blank
from cfanalysis.data.contract import header_key
from cfanalysis.data.files import read_grid
from cfanalysis.data.problems import Problem

__all__ = ["TEAM_ALIASES_FILE", "canonical_teams", "normalise_teams", "read_team_aliases", "team_key"]

TEAM_ALIASES_FILE = "team_aliases.csv"


def read_team_aliases(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read a two-column mapping file (``alias``, ``team``) of local team names.

    Returns
    -------
    aliases, problems
        ``aliases`` maps :func:`team_key` of each alias to the team name to report. A file that
        cannot be read or lacks the two columns gives no aliases and a fatal problem; a row
        with a blank alias or team is skipped with a warning.
    """
    problems: list[Problem] = []
    try:
        grid, _ = read_grid(path)
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


def _preference(name: str, count: int) -> tuple:
    """Sort key for the spellings of one team: commonest first; on a tie, a spelling in mixed
    case before one in capitals or lower case, then alphabetical (so the choice never depends
    on row order)."""
    mixed = name != name.upper() and name != name.lower()
    return (-count, not mixed, name)


def canonical_teams(teams: Iterable[pd.Series], aliases: dict[str, str]) -> dict[str, str]:
    """The one name to report for each spelling of a team, across every table.

    Parameters
    ----------
    teams
        The team columns of every table (spellings are counted over all of them together).
    aliases
        :func:`team_key` of an alias -> the name to report (from ``team_aliases.csv``).

    Returns
    -------
    dict
        Each spelling -> its team's name: the alias target where an alias applies, otherwise the
        most frequent spelling of the team (:func:`team_key` equal), ties broken by
        :func:`_preference`.

    Examples
    --------
    >>> canonical_teams([pd.Series(["DUTY TEAM", "duty team", "Duty Team"])], {})["DUTY TEAM"]
    'Duty Team'
    """
    counts: dict[str, int] = {}
    for series in teams:
        for name, count in series.dropna().value_counts(sort=False).items():
            counts[str(name)] = counts.get(str(name), 0) + int(count)
    best: dict[str, str] = {}
    for name in sorted(counts, key=lambda n: _preference(n, counts[n])):
        best.setdefault(team_key(name), name)
    return {name: aliases.get(team_key(name), best[team_key(name)]) for name in counts}


def normalise_teams(teams: pd.Series, aliases: dict[str, str], canonical: dict[str, str] | None = None) -> pd.Series:
    """Map spellings of the same team to one name (see :func:`canonical_teams`).

    ``canonical`` is a mapping already worked out over every table; without it the spellings of
    ``teams`` alone decide.
    """
    canonical = canonical if canonical is not None else canonical_teams([teams], aliases)
    return teams.map(lambda name: canonical.get(name, name) if isinstance(name, str) else name).astype("string")
