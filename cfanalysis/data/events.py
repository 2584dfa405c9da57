"""Dated events (``events.csv``): checks that need the other tables, and choosing one event.

An event names a team from the complaints, or ``all`` for the whole service. The loader reads
the file like every other table (dates, blanks, duplicates); this module then refuses an event
for a team that has no complaints, naming the file, row, column, value and fix.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis.data.contract import ALL_TEAMS, header_key
from cfanalysis.data.problems import Problem, TableLoad
from cfanalysis.parameters import ParameterError

__all__ = ["check_event_teams", "event_label", "find_event"]

_ALL_SPELLINGS = {header_key(s) for s in (ALL_TEAMS, "all teams", "whole service", "service", "everyone")}


def check_event_teams(load: TableLoad, events: pd.DataFrame, teams: set[str]) -> pd.DataFrame:
    """Events whose team is ``all`` (any spelling) or a team with complaints; the others are
    excluded, each with a problem added to ``load``."""
    if not len(events):
        return events
    events = events.copy()
    is_all = events["team"].map(lambda name: header_key(name) in _ALL_SPELLINGS).astype(bool)
    events.loc[is_all, "team"] = ALL_TEAMS
    unknown = ~is_all & ~events["team"].isin(teams)
    column = load.headers.get("team", "team")
    listed = ", ".join(sorted(teams)) or "none"
    for _, row in events[unknown].iterrows():
        load.problems.append(Problem(
            file=load.path.name, row=int(row["source_row"]), column=column, value=str(row["team"]),
            severity="excluded", message="is not a team in the complaints",
            fix=f"Write '{ALL_TEAMS}' for the whole service, or one of the teams: {listed}."))
    return events[~unknown].sort_values("date", kind="stable").reset_index(drop=True)


def event_label(event: pd.Series) -> str:
    """'Celebration Newsletter began (1 April 2019)'."""
    return f"{event['description']} ({event['date']:%-d %B %Y})"


def find_event(events: pd.DataFrame, event: str | None) -> pd.Series | None:
    """The event a notebook parameter names: its description (any case) or its date (yyyy-mm-dd
    or dd/mm/yyyy). ``None`` gives ``None``.

    Raises
    ------
    ParameterError
        (a ValueError) When no event matches, listing the events in the data: one short message,
        shown in a notebook without a traceback.
    """
    if event is None or (isinstance(event, str) and not event.strip()):
        return None
    text = str(event).strip()
    matches = events[events["description"].map(header_key) == header_key(text)]
    if not len(matches):
        try:
            day = pd.Timestamp(pd.to_datetime(text, dayfirst="/" in text))
        except (ValueError, TypeError):
            day = None
        if day is not None:
            matches = events[events["date"] == day]
    if not len(matches):
        listed = "; ".join(f"{d:%Y-%m-%d} {t}: {s}" for d, t, s in
                           zip(events["date"], events["team"], events["description"])) or "none"
        raise ParameterError(f"Unknown event {text!r}. Give the description or date of one of the events "
                             f"in events.csv: {listed}.")
    return matches.iloc[0]
