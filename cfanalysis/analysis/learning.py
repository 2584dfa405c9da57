"""Learning with impact: did complaints on an action's theme, to its team, fall after the action?

:func:`action_effects` matches each action's theme to a complaint category and counts that
team's new complaints in that category in the year the action's complaint was received
("before") and in the years after it, up to the report's year ("since"). It is a measure to
read beside the action, not a test: counts this small move by chance, and other things change.
"""

from __future__ import annotations

import re

import pandas as pd

from cfanalysis.analysis.counts import new_complaints
from cfanalysis.analysis.years import YearComparison
from cfanalysis.periods import parse_financial_year

__all__ = ["action_effects", "theme_category"]


def _key(text: str) -> str:
    return re.sub(r"[^a-z ]+", " ", str(text).lower()).strip()


def theme_category(theme: str, categories: list[str]) -> str | None:
    """The complaint category an action's theme names, or None.

    A theme matches a category when it is the category (ignoring case and punctuation) or every
    word of the theme is a word of the category ("Recording" is "inaccurate information or
    recording"); of several, the shortest category.

    >>> theme_category("Recording", ["inaccurate information or recording", "communication"])
    'inaccurate information or recording'
    >>> theme_category("Staffing", ["communication"]) is None
    True
    """
    wanted = set(_key(theme).split())
    if not wanted:
        return None
    found = [c for c in categories if _key(c) == _key(theme) or wanted <= set(_key(c).split())]
    return min(found, key=len) if found else None


def action_effects(log: pd.DataFrame, complaints: pd.DataFrame, years: YearComparison) -> pd.DataFrame:
    """Each action with its team's new complaints on its theme before and since.

    Parameters
    ----------
    log
        :attr:`cfanalysis.analysis.breakdowns.ActionsLog.log` (financial_year, team, theme, action,
        owner, status).
    complaints
        The complaints (every stage); each complaint is counted once, in the year it was first received.
    years
        The report's year; "since" runs from the year after the action's up to it.

    Returns
    -------
    pandas.DataFrame
        The log's columns and ``category`` (the matched complaint category, None when the theme
        names none), ``before`` (complaints of that team and category in the action's year),
        ``since`` (the same in the years after, up to the report's year), ``years_since`` (how
        many years "since" covers: 0 for an action of the report's year), ``rose`` (True when
        the yearly average since is at least 2, and a quarter, above ``before``: the case to remark
        on for a complete action).
    """
    first = new_complaints(complaints)
    categories = sorted(first["category"].dropna().unique().tolist())
    end = parse_financial_year(years.financial_year)
    rows = []
    for _, action in log.iterrows():
        category = theme_category(action["theme"], categories)
        start = parse_financial_year(action["financial_year"])
        span = end - start
        mine = first[(first["team"] == action["team"]) & (first["category"] == category)]
        starts = mine["financial_year"].map(parse_financial_year)
        before = int((starts == start).sum()) if category else None
        since = int(((starts > start) & (starts <= end)).sum()) if category and span else None
        rows.append({**action.to_dict(), "category": category, "before": before, "since": since,
                     "years_since": span,
                     "rose": bool(category and span and since is not None and _rose(before, since, span))})
    columns = [*log.columns, "category", "before", "since", "years_since", "rose"]
    return pd.DataFrame(rows, columns=columns)


def _rose(before: int, since: int, years_since: int) -> bool:
    """A rise worth remarking on: a yearly average since at least 2 and a quarter above the year before."""
    per_year = since / years_since
    return per_year - before >= max(2, 0.25 * before)
