"""Dated events in the reports: listed, marked on charts, offered beside the change point, and
the before-and-after question ("did compliments rise after the change began?").

:func:`event_question` works one series out once (compliments for the service, or one team's
complaints); its methods return what a report section shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.before_after import BeforeAfter, compare_before_after
from cfanalysis.analysis.changepoint import Changepoint
from cfanalysis.analysis.counts import new_complaints
from cfanalysis.analysis.selection import YearSplitSelection, team_panel, year_split_selection
from cfanalysis.analysis.teams import team_monthly_series
from cfanalysis.data.contract import ALL_TEAMS
from cfanalysis.data.events import event_label, find_event
from cfanalysis.data.loader import Dataset
from cfanalysis.periods import financial_year_months, month_label, parse_financial_year, previous_financial_year
from cfanalysis.publish.charts import monthly_lines_chart
from cfanalysis.publish.descriptions import before_after_evidence, caution, describe
from cfanalysis.publish.disclosure import DisclosurePolicy, disclosure_policy, registers
from cfanalysis.publish.display import Paragraph, Parts, Table

__all__ = ["EventQuestion", "candidate_explanations", "event_question", "events_for", "events_table"]

COMPLIMENTS = "compliments"
CANDIDATE_MONTHS = 6  # an event up to this many months before a change point is offered as a candidate


def events_for(events: pd.DataFrame, team: str | None) -> pd.DataFrame:
    """The events that concern a team (its own and the whole service's); ``None``: the service's."""
    wanted = {ALL_TEAMS} if team is None else {ALL_TEAMS, team}
    return events[events["team"].isin(wanted)].reset_index(drop=True)


def events_table(events: pd.DataFrame, caption: str = "Events recorded by the service") -> Table | Paragraph:
    """The events as a table (date, who it concerned, what changed)."""
    if not len(events):
        return Paragraph("No events are recorded for these months (add events.csv to the data folder: "
                         "date, team or 'all', description; see data/README.md).")
    table = pd.DataFrame({"Date": [f"{d:%-d %B %Y}" for d in events["date"]],
                          "Concerns": ["the whole service" if t == ALL_TEAMS else t for t in events["team"]],
                          "What changed": list(events["description"])})
    return Table(table, caption, index=False)


def _months_words(n: int) -> str:
    return "in the same month" if n == 0 else f"by {'one month' if n == 1 else f'{n} months'}"


def candidate_explanations(changepoint: Changepoint | None, events: pd.DataFrame, *,
                           within_months: int = CANDIDATE_MONTHS) -> str:
    """Events in the months up to a change point, offered as candidate explanations ("" if none).

    >>> import pandas as pd
    >>> from cfanalysis.analysis.changepoint import Changepoint
    >>> cp = Changepoint(pd.Period("2019-11", "M"), 1, 3, 10, 0.01, None, None, 3, 0, True)
    >>> events = pd.DataFrame({"date": [pd.Timestamp("2019-09-02")], "team": ["Front Door"],
    ...                        "description": ["New rota"]})
    >>> candidate_explanations(cp, events)[:74]
    'The change point in November 2019 follows New rota (2 September 2019) by 2'
    """
    if changepoint is None or changepoint.first_month is None or not len(events):
        return ""
    first = changepoint.first_month
    months = [(first - d.to_period("M")).n for d in events["date"]]
    near = [(event_label(row), gap) for (_, row), gap in zip(events.iterrows(), months) if 0 <= gap <= within_months]
    if not near:
        return (f"No recorded event falls in the {within_months} months up to the change point in "
                f"{month_label(first, long=True)}.")
    follows = words.joined([f"{label} {_months_words(gap)}" for label, gap in near])
    return (f"The change point in {month_label(first, long=True)} follows {follows}. "
            f"{'This is a candidate explanation' if len(near) == 1 else 'These are candidate explanations'} to "
            "check with the service, not a finding: timing alone does not show cause.")


@dataclass(frozen=True)
class EventQuestion:
    """One series (compliments, or a team's complaints) around the events that concern it."""

    what: str  # "compliments" or "complaints to <team>"
    financial_year: str
    monthly: pd.Series  # the baseline year and this year, by month
    events: pd.DataFrame  # the events for this series
    event: pd.Series | None  # the event compared
    result: BeforeAfter | None
    unavailable: str = ""
    policy: DisclosurePolicy = field(default_factory=disclosure_policy)
    team: str | None = None  # the team whose complaints these are (None: compliments)
    named_in_advance: bool = False
    # The same comparison (the months from the event against a year earlier) for every team, adjusted
    # for picking this team after looking: exact one-sided min-p over teams (analysis/selection.py).
    selection: YearSplitSelection | None = None

    @property
    def adjusted_pvalue(self) -> float | None:
        """This team's one-sided p-value for a rise after the event, adjusted for picking it out of every
        team (None for compliments, a team named in advance, or no comparison)."""
        if self.selection is None or self.team is None or self.team not in self.selection.teams:
            return None
        return self.selection.adjusted_for(self.team)

    def selection_sentence(self) -> str:
        """How the comparison sits with the team verdict: adjusted as the verdict is, or why not ("" for
        compliments)."""
        if self.team is None or self.result is None:
            return ""
        if self.named_in_advance:
            return ("The team was named before the data were seen, so this comparison needs no adjustment for "
                    "picking it; it is part of the answer to the verdict above (did the rise follow the event?).")
        p, teams = self.adjusted_pvalue, len(self.selection.teams) if self.selection is not None else 0
        if p is None:
            return ("The team was picked after looking at the figures, so the p-value above, for this team alone, "
                    "is descriptive; the verdict above is the answer to whether its complaints rose.")
        return (f"The team was picked after looking at the figures, so the p-value above, for this team alone, is "
                f"descriptive. Adjusted the same way as the verdict, for picking it out of {teams} teams (the "
                f"same months for every team, one-sided for a rise, exact), the months from the event give "
                f"{words.strength(p)} of a rise (p = {words.p_value(p)}). This is part of the one answer in the "
                "verdict above: whether the rise followed the event, not a second verdict.")

    @registers
    def chart(self):
        """Monthly counts over two years with the events marked (dashed lines, labelled)."""
        counts = pd.DataFrame({"month": self.monthly.index, "month_label": [month_label(m) for m in self.monthly.index],
                               "series": words.capitalised(self.what), "count": self.monthly.to_numpy()})
        first, last = (month_label(m, long=True) for m in (self.monthly.index[0], self.monthly.index[-1]))
        kind = "compliments" if self.what == COMPLIMENTS else "complaints"
        return monthly_lines_chart(counts, by="series", events=self.events, what=self.what.split(" to ")[0],
                                   policy=self.policy, kind=kind, name=f"{self.what} by period", totals=False,
                                   caption=f"{words.capitalised(self.what)} each month, {first} to {last}, with "
                                           "the service's recorded events marked.")

    def events_list(self):
        months = set(self.monthly.index)
        shown = self.events[[d.to_period("M") in months for d in self.events["date"]]]
        return events_table(shown, f"Events recorded for {self.what}, {self.monthly.index[0].strftime('%B %Y')} "
                                   f"to {self.monthly.index[-1].strftime('%B %Y')}")

    @registers
    def answer(self):
        """Did the series change after the event? Size, interval, strength, and the caution."""
        if self.result is None:
            return Paragraph(self.unavailable)
        r = self.result
        kind = "compliments" if self.what == COMPLIMENTS else "complaints"
        if self.policy.hides(kind):
            # Counts for part of a year, beside the year's published totals, give away the rest of
            # the year (17 of 20 leaves 3): the public version gives the size and the evidence only.
            size = (words.times_with_interval(r.ratio, r.ci_low, r.ci_high, r.confidence_level)
                    if math.isfinite(r.ratio) and r.count + r.baseline_count else "not measurable as a ratio")
            parts = [Paragraph(f"{words.capitalised(self.what)} after '{r.event}' ({r.event_date:%-d %B %Y}), "
                               f"against the same months a year earlier: {size}"
                               + (f": {before_after_evidence(r)}." if math.isfinite(r.ratio) else ".")
                               + " The counts for part of a year are not published, so that no small number can be "
                                 f"worked out from the year's totals. {caution(r)}", kind="verdict")]
        else:
            parts = [Paragraph(describe(r, self.policy), kind="verdict")]
        if self.selection_sentence():
            parts.append(Paragraph(self.selection_sentence()))
        if r.segmented is not None:
            parts.append(Paragraph(describe(r.segmented, self.policy)))
        elif r.note:
            parts.append(Paragraph(f"No segmented model: {r.note}."))
        level = words.level(r.confidence_level)
        alone = "; this team alone, descriptive" if self.team is not None and not self.named_in_advance else ""
        parts.append(Table(r.to_frame(), f"{words.capitalised(self.what)} before and after '{r.event}': "
                                         f"rate ratios (after / before){alone}", index=False,
                           formats={"Estimate": words.ratio, f"{level} CI low": words.ratio,
                                    f"{level} CI high": words.ratio, "p-value": words.p_value}))
        return Parts(tuple(parts))


def _default_event(events: pd.DataFrame, financial_year: str, team: str | None) -> pd.Series | None:
    """The first event in the year, the team's own before the whole service's."""
    in_year = events[events["financial_year"] == financial_year]
    if team is not None and (in_year["team"] == team).any():
        in_year = in_year[in_year["team"] == team]
    return in_year.iloc[0] if len(in_year) else None


def event_question(data: Dataset, financial_year: str, *, team: str | None = None, event: str | None = None,
                   confidence_level: float = 0.95, policy: DisclosurePolicy | None = None,
                   named_in_advance: bool = False) -> EventQuestion:
    """Compliments (``team=None``) or a team's complaints around an event.

    Parameters
    ----------
    event
        A description or date from events.csv; ``None``: the first event in the year (the
        team's own first). An unknown event raises ValueError listing the events.
    named_in_advance
        As for the team question: False (the default) when the team was picked after looking, so
        the comparison is also given adjusted for that (the same months for every team, exact
        one-sided min-p, :func:`cfanalysis.analysis.selection.year_split_selection`).
    """
    parse_financial_year(financial_year)
    policy = policy or disclosure_policy()
    months = pd.period_range(financial_year_months(previous_financial_year(financial_year))[0],
                             financial_year_months(financial_year)[-1], freq="M")
    if team is None:
        what = COMPLIMENTS
        monthly = data.compliments.groupby("month").size().reindex(months, fill_value=0).astype("int64")
    else:
        what = f"new complaints to {team}"  # each complaint once, as the team question's tests count
        monthly = team_monthly_series(new_complaints(data.complaints), team, months)
    relevant = events_for(data.events, team)
    chosen = (find_event(data.events, event) if event is not None
              else _default_event(relevant, financial_year, team))
    if chosen is None:
        return EventQuestion(what, financial_year, monthly, relevant, None, None,
                             f"No event is recorded for {what} in {financial_year}, so there is no before-and-after "
                             "comparison (name one with the event parameter, or add it to events.csv).", policy=policy)
    history = data.compliments if team is None else new_complaints(data.complaints).query("team == @team")
    full = pd.period_range(min(history["month"].min(), months[0]), months[-1], freq="M") if len(history) else months
    series = history.groupby("month").size().reindex(full, fill_value=0).astype("int64")
    try:
        result = compare_before_after(series, chosen["date"], event=str(chosen["description"]), what=what,
                              confidence_level=confidence_level)
    except ValueError as error:
        return EventQuestion(what, financial_year, monthly, relevant, chosen, None, str(error), policy=policy,
                             team=team, named_in_advance=named_in_advance)
    selection = None
    if team is not None and not named_in_advance:
        after = pd.PeriodIndex(result.months_after, freq="M")
        before = pd.PeriodIndex(result.months_before, freq="M")
        panel = team_panel(new_complaints(data.complaints), after.append(before))
        selection = year_split_selection(panel.loc[after].sum().to_numpy(), panel.loc[before].sum().to_numpy(),
                                         list(panel.columns), exposure=len(after), baseline_exposure=len(before))
    return EventQuestion(what, financial_year, monthly, relevant, chosen, result, policy=policy, team=team,
                         named_in_advance=named_in_advance, selection=selection)
