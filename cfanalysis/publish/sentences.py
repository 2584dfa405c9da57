"""Sentences with counts, composed with the disclosure policy in hand.

``analysis/`` returns numbers and typed results; every sentence a report prints with a count in
it is written here, through :meth:`DisclosurePolicy.count` and :meth:`DisclosurePolicy.share`, so
no sentence prints a number the policy has not passed, nouns agree without revealing ("fewer
than 5 complaints"), no percentage or "N of M" rests on a hidden count, and hidden items are not
enumerated. Each count is registered in the policy's ledger under the key of the quantity it
stands for (:func:`quantity`), so the audit sees the same number wherever it appears.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.breakdowns import (
    STAGE_TIMESCALES,
    ActionsLog,
    AttitudeBreakdown,
    ComplimentsBreakdown,
    OmbudsmanCases,
    TeamBreakdown,
    TimelinessChange,
)
from cfanalysis.analysis.proportions import proportion_interval
from cfanalysis.publish.disclosure import DisclosurePolicy, cell_key

__all__ = ["actions_follow_up", "compliments_sentence", "data_date", "ombudsman_sentence", "period_note",
           "period_sentence",
           "quantity", "team_breakdown_sentence", "timeliness_sentences"]


def data_date(data, as_of: object = None) -> str:
    """The date the report's data stand at, as readers see it ("14 May 2020").

    The ``as_of`` date when given, else the latest date in the data, so a rerun on the same files
    prints the same date: nothing depends on the day the report was built.
    """
    if as_of is not None:
        return f"{pd.Timestamp(as_of):%-d %B %Y}"
    latest = [frame[column].max() for frame in (data.complaints, data.compliments, data.ombudsman)
              if frame is not None for column in frame.columns
              if pd.api.types.is_datetime64_any_dtype(frame[column]) and frame[column].notna().any()]
    return f"{max(latest):%-d %B %Y}" if latest else "(no dates in the data)"


def period_note(data, years, *, as_of: object = None) -> str:
    """The one sentence every report gives on the data date and the months compared.

    "Figures are for the data as at 30 June 2019." and, when the year is not complete, "The data run
    to June 2019, so 2019-20 is not complete and only the same months are compared: April to June of
    2019-20 and of 2018-19." ``years`` is a :class:`~cfanalysis.analysis.years.YearComparison` or a
    financial year (compared with the year before). The date is ``as_of``, else the ``as_of`` the data
    were loaded with (as the report page's header gives it), else the latest date in the data.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from cfanalysis.analysis.years import compare_years
    >>> frame = pd.DataFrame({"month": pd.PeriodIndex(["2018-05", "2019-04", "2019-06"], freq="M"),
    ...                       "financial_year": ["2018-19", "2019-20", "2019-20"]})
    >>> print(period_note(SimpleNamespace(as_of=None), compare_years(frame, "2019-20"), as_of="2019-07-01"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Figures are for the data as at 1 July 2019. The data run to June 2019, so 2019-20 is not complete and only
    the same months are compared: April to June of 2019-20 and of 2018-19.
    """
    from cfanalysis.analysis.years import YearComparison, compare_years

    if not isinstance(years, YearComparison):
        years = compare_years(data.complaints, years)
    return period_sentence(years, data_date(data, as_of if as_of is not None else getattr(data, "as_of", None)))


def period_sentence(years, date: str) -> str:
    """:func:`period_note` for a :class:`~cfanalysis.analysis.years.YearComparison` and a data date."""
    from cfanalysis.periods import month_label

    text = f"Figures are for the data as at {date}."
    if not years.partial:
        return text
    last = month_label(years.months[-1], long=True)
    if not years.has_baseline:
        first = month_label(years.months[0], long=True).split()[0]
        return (f"{text} The data run to {last}, so {years.financial_year} is not complete: only {first} to "
                f"{last.split()[0]} are shown.")
    return (f"{text} The data run to {last}, so {years.financial_year} is not complete and only the same months "
            f"are compared: {years.period_words}.")


def quantity(name: str, year: str) -> str:
    """The ledger key of a named figure of a year ("complaints", "stage2_escalations", ...)."""
    return f"{name}@{year}"


def team_breakdown_sentence(b: TeamBreakdown, policy: DisclosurePolicy, hidden: Collection[str] = ()) -> str:
    """The team's new complaints this year and last, and the categories that moved most.

    ``hidden``: the ledger keys of the cells the team's subjects table hides; a category with one of
    them is not given (its figure beside the table's Total row would give back a small count)."""
    fy, by, team = b.financial_year, b.baseline_year, b.team
    change = b.count - b.baseline_count
    text = (f"{team} received {policy.count(b.count, 'new complaint', key=quantity(f'new_complaints:{team}', fy))} "
            f"in {fy} against {policy.count(b.baseline_count, key=quantity(f'new_complaints:{team}', by))} in {by}")
    if change == 0 or policy.is_small(min(b.count, b.baseline_count)):
        return text + "."
    text += f", {abs(change)} {'more' if change > 0 else 'fewer'}."
    direction = "rise" if change > 0 else "fall"
    drivers = b.drivers(most=5)
    top = drivers[drivers["Change"] == drivers["Change"].iloc[0]] if len(drivers) else drivers
    concentrated = len(top) <= 3 and 2 * abs(int(b.drivers()["Change"].sum())) >= abs(change)
    shown = b.drivers() if concentrated else top
    key = lambda c, year: cell_key("team_category:" + team, c, year, fy)  # noqa: E731
    if any(policy.is_small(row[by]) or policy.is_small(row[fy]) or key(c, by) in hidden or key(c, fy) in hidden
           for c, row in shown.iterrows()):
        return text + f" The categories behind the {direction} are not given: their counts are too small to publish."
    moved = words.joined([f"{str(c).lower()} (from "
                          f"{policy.count(row[by], key=cell_key('team_category:' + team, c, by, fy))} to "
                          f"{policy.count(row[fy], key=cell_key('team_category:' + team, c, fy, fy))})"
                          for c, row in shown.iterrows()])
    if concentrated:
        together = int(shown["Change"].sum())
        return (text + f" The categories that account for most of the {direction}: {moved}"
                + (f"; together {abs(together)} of the {abs(change)}." if abs(together) <= abs(change)
                   else ", offset in part by changes the other way in other categories."))
    return (text + f" The {direction} is spread across categories rather than concentrated in one; the "
            f"largest changes were in {moved}.")


def _upheld_year(a: AttitudeBreakdown, year: str, policy: DisclosurePolicy) -> str | None:
    row = a.upheld.loc[year]
    au, an, ou, on = (int(row[k]) for k in ("attitude_upheld", "attitude", "other_upheld", "other"))
    mine = policy.share(au, an, numerator_key=quantity("attitude_upheld", year),
                        denominator_key=quantity("new_attitude", year))
    other = policy.share(ou, on, numerator_key=quantity("other_upheld", year),
                         denominator_key=quantity("new_other", year))
    if mine is None or other is None:
        return None
    low, high = proportion_interval(au, an, a.confidence_level)
    return (f"{policy.count(au, key=quantity('attitude_upheld', year))} of "
            f"{policy.count(an, 'complaint about staff attitude', key=quantity('new_attitude', year))} were upheld "
            f"in full or in part ({mine}; {words.level(a.confidence_level)} interval {words.percent(low)} to "
            f"{words.percent(high)}), against {policy.count(ou, key=quantity('other_upheld', year))} of "
            f"{policy.count(on, 'other complaint', key=quantity('new_other', year))} ({other})")


def _replies_part(row: pd.Series, year: str, policy: DisclosurePolicy, group: str, small: int) -> str | None:
    """'7 of 10 (70%)', or None when the count on time, the replies or those late would be hidden."""
    replies, on_time = int(row[f"Replies, {year}"]), int(row[f"On time, {year}"])
    if any(policy.is_small(v, "replies") for v in (replies, on_time)) or 0 < replies - on_time < policy.threshold:
        return None
    text = f"{on_time:,} of {replies:,}"
    share = policy.share(on_time, replies, kind="replies") if replies >= small else None
    return text + (f" ({share})" if share else "")


def _replies_sentence(t: TimelinessChange, label: str, row: pd.Series, policy: DisclosurePolicy,
                      timescale: str = "", small: int = 5) -> str:
    fy, by = t.financial_year, t.baseline_year
    small = max(small, policy.threshold)
    if not row[f"Replies, {fy}"] and not row.get(f"Replies, {by}", 0):
        return f"{label}: no replies in {fy} or {by}."
    now = _replies_part(row, fy, policy, label, small)
    text = (f"{label}: {now} replies on time{timescale} in {fy}" if now else
            f"{label}: the replies on time{timescale} in {fy} are too few to publish")
    if f"Replies, {by}" in row and row[f"Replies, {by}"]:
        before = _replies_part(row, by, policy, label, small)
        text += f", against {before} in {by}" if before else f" (too few to publish for {by})"
    return text + "."


def timeliness_sentences(t: TimelinessChange, policy: DisclosurePolicy, *, by: str = "stage") -> list[str]:
    """One sentence per stage (``by="stage"``) or team: replies on time this year against last."""
    if by == "stage":
        return [_replies_sentence(t, label, row, policy,
                                  timescale=f" (within {STAGE_TIMESCALES[int(label[-1])]} working days)")
                for label, row in t.by_stage.iterrows()]
    return [_replies_sentence(t, str(label), row, policy) for label, row in t.by_team.iterrows()]


def compliments_sentence(c: ComplimentsBreakdown, policy: DisclosurePolicy) -> str:
    """Compliments this year against last, the team with most and the busiest month."""
    fy, by = c.financial_year, c.baseline_year
    now = c.by_team[fy]
    if not now.sum():
        return f"No compliments were recorded in {fy}."
    top = now.sort_values(ascending=False, kind="stable")
    top_key = cell_key("compliments_by_team", top.index[0], fy, fy)
    busiest = c.by_month[fy].idxmax()
    text = (f"{policy.count(now.sum(), 'compliment', kind='compliments', key=quantity('compliments', fy))} in {fy}"
            + (f" against {policy.count(c.by_team[by].sum(), kind='compliments', key=quantity('compliments', by))} "
               f"in {by}" if by in c.by_team else "")
            + f". {top.index[0]} received the most "
              f"({policy.count(top.iloc[0], kind='compliments', key=top_key)})")
    most = policy.count(c.by_month.loc[busiest, fy], kind="compliments",
                        key=cell_key("compliments_by_month", busiest, fy, fy))
    return text + f"; the month with most was {busiest} ({most})."


def ombudsman_sentence(o: OmbudsmanCases, policy: DisclosurePolicy) -> str:
    """The Ombudsman's upheld decisions; each case described only when there are enough of them."""
    fy = o.financial_year
    upheld = o.cases[o.cases["decision"] == "upheld"]
    n = len(upheld)
    if not n:
        return f"The Ombudsman upheld no complaint about Children's Services received in {fy}."
    count = policy.count(n, "complaint", kind="ombudsman", key=quantity("ombudsman:upheld", fy))
    if policy.is_small(n, "complaints"):  # the details count people even though the Ombudsman's totals do not
        return (f"The Ombudsman upheld {count} in {fy}. The details of each case are not published because there "
                f"were fewer than {policy.threshold}.")
    policy.enumerate(quantity("ombudsman:upheld", fy), list(upheld.index), f"{fy}: the Ombudsman's upheld cases")
    parts = []
    for _, case in upheld.iterrows():
        about = f" about {case['category']}" if case["category"] else ""
        team = f" ({case['team']})" if case["team"] else ""
        remedy = f"; remedy: {case['remedy']}" if case["remedy"] else "; no remedy is recorded"
        parts.append(f"one{about}{team}{remedy}")
    return f"The Ombudsman upheld {count} in {fy}: " + "; ".join(parts) + "."


def actions_follow_up(log: ActionsLog, policy: DisclosurePolicy, team: str | None = None) -> str:
    """The baseline year's actions (to ``team`` when given) and their status (actions count no people)."""
    by = log.baseline_year
    rows = log.of(by, team)
    whose = f" for {team}" if team else ""
    if not len(rows):
        return f"No actions{whose} are linked to complaints received in {by}."
    status = rows["status"].replace("", "no status recorded").str.lower().value_counts()
    described = words.joined([f"{policy.count(n, kind='actions')} {s}" for s, n in status.items()])
    actions = policy.count(len(rows), "action", kind="actions")
    return f"{actions}{whose} came from complaints received in {by}: {described}."


def share_words(policy: DisclosurePolicy, numerator: float, denominator: float, **kwargs) -> str:
    """A percentage, or the words that say why it is not shown."""
    shown = policy.share(numerator, denominator, **kwargs)
    return shown if shown is not None else "not shown"

