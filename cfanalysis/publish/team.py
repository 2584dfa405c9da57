"""The whole team question in one object, ready for a notebook: tests, demand, timing, verdict.

:func:`team_question` runs every analysis of :mod:`team_tests`, :mod:`demand`,
:mod:`changepoint` and :mod:`spc` for one team and year; its methods return displayable
paragraphs, tables and charts. When the comparison cannot be made (no baseline data, an unknown
team) every method says so in words instead of failing, so a batch run never breaks on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.changepoint import Changepoint, find_changepoint
from cfanalysis.analysis.counts import NEW_COMPLAINTS, new_complaints
from cfanalysis.analysis.demand import DemandAnalysis, demand_analysis
from cfanalysis.analysis.spc import XmRResult, is_rare, tchart, xmr
from cfanalysis.analysis.teams import (
    TeamChange,
    TeamRise,
    all_team_tests,
    largest_rise,
    team_change,
    team_monthly_series,
)
from cfanalysis.analysis.years import YearComparison, compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.parameters import ParameterError, check_financial_year, check_team
from cfanalysis.periods import financial_year_months, month_label
from cfanalysis.publish.charts import monthly_lines_chart, tchart_chart, xmr_chart
from cfanalysis.publish.descriptions import describe, power_statement, which_to_trust
from cfanalysis.publish.disclosure import DisclosurePolicy, Relation, cell_key, disclosure_policy, registers
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.events import candidate_explanations, events_for
from cfanalysis.publish.sentences import data_date, period_sentence

__all__ = ["TeamChoice", "TeamQuestion", "choose_team", "team_question"]

_RATE_FORMATS = {"Rate ratio": words.ratio, "CI low": words.ratio, "CI high": words.ratio, "p-value": words.p_value}



def team_count_links(table: pd.DataFrame, year: str, where: str) -> list[Relation]:
    """A team's new complaints in the table of every team's (``new_complaints_by_team``, the 02 and
    03 reports) are the same quantity as ``new_complaints:<team>@<year>``, which the sentences about
    a team print (the verdict, the main points, why this team): one unknown for the audit."""
    columns = [c for c in table.columns if re.fullmatch(r"\d{4}-\d{2}", str(c))]
    return [Relation(cell_key("new_complaints_by_team", team, column, year), (f"new_complaints:{team}@{column}",),
                     where) for team in table.index if team != "Total" for column in columns]


@dataclass(frozen=True)
class TeamChoice:
    """The team a report asks about: the one its ``team`` parameter names, or else the one the
    data single out (the largest rise in new complaints), which is then judged as picked after
    looking at the data."""

    team: str
    named: bool  # True when the team parameter named it
    rise: TeamRise | None = None  # how the data singled it out, when not named
    financial_year: str = ""
    baseline_year: str = ""

    def sentence(self, policy: DisclosurePolicy | None = None, *, where: str = "") -> str:
        """Why this team, in one sentence ("" when the parameters named it); counts as ``policy``
        publishes them, registered in its ledger under the keys the team's counts have everywhere
        in a report (so the audit links them with every other place they are printed)."""
        if self.named or self.rise is None:
            return ""
        policy, r = policy or disclosure_policy(), self.rise
        where = where or f"{self.financial_year} report, why this team"
        now = policy.count(r.count, key=f"new_complaints:{self.team}@{self.financial_year}", where=where)
        if r.has_baseline:
            before = policy.count(r.baseline_count, key=f"new_complaints:{self.team}@{self.baseline_year}",
                                  where=where)
            how = f"the team whose new complaints rose most ({before} to {now})"
            judged = (" A team picked by looking at the figures is judged as picked after looking: its p-value is "
                      "adjusted for having had every team to choose from.")
        else:
            how, judged = f"the team with the most new complaints ({now})", ""  # no earlier year: the verdict says so
        return (f"No team was named for this report, so it looks at {self.team}, {how}.{judged} "
                "To ask about another team, set the team parameter.")


def choose_team(data: Dataset, financial_year: str, *, team: str | None = None,
                baseline_year: str | None = None) -> TeamChoice:
    """The team to report on: ``team`` if given (checked against the data), else the data's choice.

    With ``team=None`` the team whose new complaints rose most from ``baseline_year`` (default:
    the year before) to ``financial_year`` is chosen (:func:`cfanalysis.analysis.teams.largest_rise`).

    Raises
    ------
    ParameterError
        When ``team`` or ``financial_year`` has no complaints, or the year has no team at all.
    """
    financial_year = check_financial_year(financial_year, data.financial_years)
    if team is not None:
        return TeamChoice(check_team(team, data.complaints["team"].dropna()), named=True)
    complaints = new_complaints(data.complaints)
    years = compare_years(complaints, financial_year, baseline_year)
    rise = largest_rise(complaints, years)
    if rise is None:
        raise ParameterError(f"No complaint in {financial_year} has a team, so no team can be chosen; "
                             "set the team parameter to a team in the data.")
    return TeamChoice(rise.team, named=False, rise=rise, financial_year=years.financial_year,
                      baseline_year=years.baseline_year)


@dataclass(frozen=True)
class TeamQuestion:
    """Results for one team and year, or the reason they could not be produced."""

    team: str
    financial_year: str
    baseline_year: str
    change: TeamChange | None
    demand: DemandAnalysis | None
    changepoint: Changepoint | None
    control: XmRResult | None
    all_teams: pd.DataFrame
    unavailable: str = ""
    control_kind: str = "xmr"  # "tchart" when the team's complaints are rare (see control_chart)
    control_why: str = ""  # one sentence: which chart, and why
    control_baseline_points: int | None = 12  # points of the chart whose limits are the baseline's
    policy: DisclosurePolicy = field(default_factory=disclosure_policy)  # what the report may publish
    events: pd.DataFrame | None = None  # the team's and the whole service's dated events
    monthly: pd.Series | None = None  # the team's new complaints by month, baseline year and year
    choice: TeamChoice | None = None  # how the team was chosen (by the data when no team was named)
    data_date: str = ""  # the date the data stand at (publish/sentences.data_date)

    def _key(self, year: str) -> str:
        return f"new_complaints:{self.team}@{year}"

    def _too_small(self) -> bool:
        """True when the policy hides one of the two years' counts: no test or ratio is published then."""
        return self.change is not None and self.policy.is_small(
            min(self.change.headline.count, self.change.headline.baseline_count))

    def _small_paragraph(self) -> Paragraph:
        return Paragraph(f"{words.possessive(self.team)} new complaints are too few in one of the years (fewer than "
                         f"{self.policy.threshold}) for this public version to give the counts, their ratio or a test "
                         "of the change: with numbers this small they could identify people.", kind="verdict")

    @registers
    def introduction(self) -> Paragraph:
        """What the report asks, for the team and years of its parameters (or the data's choice)."""
        compared = f" compared with {self.baseline_year}" if self.change is not None else ""  # or: verdict says why
        text = (f"This report asks whether {words.possessive(self.team)} complaints really changed in "
                f"{self.financial_year}{compared}")
        if self.change is not None:
            p = self.policy
            text += (f" ({p.count(self.change.headline.count, 'new complaint', key=self._key(self.financial_year))} "
                     f"against {p.count(self.change.headline.baseline_count, key=self._key(self.baseline_year))})")
        text += (": whether the change is more than chance, how big it is, when it began, and whether demand or "
                 "staffing account for it.")
        if self.change is not None and (self.change.years.partial or self.data_date):
            text += " " + period_sentence(self.change.years, self.data_date or "the latest date in the data")
        why = (self.choice.sentence(self.policy, where=f"{self.financial_year} team-change report, why this team")
               if self.choice is not None else "")
        return Paragraph(f"{text} {why}".strip())

    def _missing(self) -> Paragraph | None:
        """When there is nothing to compare, one short pointer: the verdict says why, once."""
        if self.change is not None:
            return None
        return Paragraph("Not shown: the verdict above says why.", kind="note")

    @registers
    def verdict(self) -> Parts:
        """The plain-English verdict a manager can act on (its two counts registered as published)."""
        if self.change is None:
            return Parts((Paragraph(self.unavailable, kind="verdict"),))
        if self._too_small():
            return Parts((self._small_paragraph(), Paragraph(NEW_COMPLAINTS)))
        change = self.change
        where = f"{self.financial_year} team-change report, the verdict"
        for year, n in ((self.financial_year, change.headline.count),
                        (self.baseline_year, change.headline.baseline_count)):
            self.policy.count(n, key=self._key(year), where=where)
        parts = [self._verdict_words()]
        if self.demand is not None and self.demand.rate_comparison is not None:
            parts.append(describe(self.demand, self.policy))
            if not change.named_in_advance:
                parts.append("The demand figures are for this team alone, year on year, and are descriptive: "
                             "they are not adjusted for picking the team after looking, so read them as part "
                             "of the answer above, not as a second verdict.")
        elif self.demand is not None:
            parts.append(self.demand.note)
        # One graded rule for what to do, with no edge at 0.05 (the bands of words.strength).
        start = f"{change.rise_from:%B %Y}" if change.rise_from is not None else "the start of the year"
        read = (f"read the complaints {change.team} received from {start} onwards with the team manager, "
                "looking for a common cause (a process, a message, a staffing change)")
        if change.verdict_pvalue < 0.03:
            action = f"What to do: {read}, and keep the monthly control chart going to see whether the new level holds."
        elif change.verdict_pvalue < 0.3:
            action = (f"What to do: do not report this as a settled change, nor as no change; {read}, and keep "
                      "the monthly control chart going. " + power_statement(change, self.policy))
        else:
            action = ("What to do: do not report this as a settled change, nor as no change. Keep the "
                      "monthly control chart going. " + power_statement(change, self.policy))
        cannot = ("What the data cannot tell: why complaints changed. The counts show how many and when, "
                  "not whether service got worse or, for example, more families were given decisions "
                  "they disagreed with; only reading the complaints can tell those apart.")
        return Parts((Paragraph(" ".join(parts), kind="verdict"), Paragraph(action), Paragraph(cannot),
                      Paragraph(NEW_COMPLAINTS)))

    @registers
    def control_chart(self):
        """The team's control chart: a t-chart when its complaints are rare, else XmR, and why.

        A public report whose policy would hide some of the chart's points (monthly counts below
        the threshold, or a t-chart, whose points are the dates of individual complaints) shows the
        team's complaints by quarter instead, drawn from the protected figures; the control chart
        stays in the internal version.
        """
        if self.control is None:
            return self._missing() or Paragraph("Not enough months for a control chart.")
        if self.policy.hides() and self.monthly is not None and (
                self.control_kind == "tchart" or self.monthly.lt(self.policy.threshold).any()):
            return self._public_chart()
        dates = self.control.points["date"]
        baseline = (self.control_baseline_points, self.baseline_year, self.financial_year)
        if self.control_kind == "tchart":
            caption = (f"Days between consecutive new complaints to {self.team}, "
                       f"{dates.iloc[0]:%-d %B %Y} to {dates.iloc[-1]:%-d %B %Y}, with the mean and limits "
                       f"of {self.baseline_year} extended over {self.financial_year} (Making Data Count "
                       "t-chart: long gaps are improvement, short gaps concern).")
            chart = tchart_chart(self.control, caption=caption, baseline=baseline, events=self.events)
        else:
            caption = (f"Monthly complaints to {self.team}, {month_label(dates.iloc[0], long=True)} to "
                       f"{month_label(dates.iloc[-1], long=True)}, with the mean and process limits of "
                       f"{self.baseline_year} extended over {self.financial_year} (Making Data Count XmR chart).")
            chart = xmr_chart(self.control, caption=caption, baseline=baseline, events=self.events)
        return Parts((Paragraph(self.control_why), chart, Paragraph(describe(self.control, self.policy)),
                      Paragraph("The chart's signals are descriptive: every rule is checked at every point, so some "
                                "signals arise by chance, and they are not adjusted for picking the team. Read them "
                                "as part of the answer above (where and when the change shows), not as a second "
                                "verdict.")))

    def _public_chart(self):
        months = self.monthly.index
        counts = pd.DataFrame({"month": months, "month_label": [month_label(m) for m in months],
                               "team": self.team, "count": self.monthly.to_numpy()})
        chart = monthly_lines_chart(counts, by="team", policy=self.policy, what="new complaints",
                                    name=f"new_by_period:{self.team}", totals=False,
                                    caption=f"New complaints to {self.team}, {self.baseline_year} and "
                                            f"{self.financial_year}, by quarter or half-year as published (a "
                                            "point too small to publish is left out).")
        return Parts((Paragraph(f"The control chart of {words.possessive(self.team)} complaints is in the internal "
                                "version of this report: its points are single months, or the dates of individual "
                                "complaints, which a public report does not show. Its signals are summarised below "
                                "the chart without dates or counts."), chart))

    @registers
    def flagged_points(self):
        if self.control is None:  # no chart drawn: nothing was flagged, nor could be
            return Parts(())
        if not len(self.control.flagged):
            what = "gap between complaints" if self.control_kind == "tchart" else "month"
            return Paragraph(f"No {what} shows special-cause variation.")
        if self.control_kind == "tchart" and self.policy.public:
            flagged = len(self.control.flagged)
            gaps = self.policy.count(flagged, "gap between complaints", noun_plural="gaps between complaints")
            return Paragraph(f"{words.capitalised(gaps)} on the t-chart showed special-cause variation. Their "
                             "dates are dates of individual complaints, so they are listed in the internal "
                             "version only.")
        if self.policy.hides() and self.monthly is not None and self.monthly.lt(self.policy.threshold).any():
            # A flagged month beside its limit ("above the upper limit of 0.9", "below the mean")
            # tells a small month's count: the public version says only that there were signals.
            kinds = words.joined(sorted(set(self.control.flagged["variation"].astype(str))))
            return Paragraph(f"The control chart shows special-cause variation ({kinds}). Which months, and "
                             "why, are in the internal version: single months of this team are too small to "
                             "publish.")
        if self.control_kind == "tchart":
            self.policy.record_level("the date each flagged complaint was received",
                                     "report 02, gaps flagged on the t-chart")
            table = self.control.reasons().rename(columns={"date": "Complaint received", "value": "Days since the last",
                                                            "variation": "Signal", "reason": "Why"})
            table["Complaint received"] = table["Complaint received"].map(lambda d: f"{d:%-d %b %Y}")
            table["Days since the last"] = table["Days since the last"].map(lambda d: f"{d:.0f}")
            return Table(table, "Gaps flagged on the t-chart, and the rule that flagged each", index=False)
        table = self.control.reasons().rename(columns={"date": "Month", "value": "Complaints",
                                                        "variation": "Signal", "reason": "Why"})
        table["Month"] = table["Month"].map(lambda m: month_label(m))
        p, name = self.policy, f"new_monthly:{self.team}"
        table["Complaints"] = [p.count(n, key=cell_key(name, "count", month, "")) if p.hides() else int(n)
                               for n, month in zip(table["Complaints"], table["Month"])]
        return Table(table, "Months flagged on the control chart, and the rule that flagged each", index=False)

    def checks(self):
        """The headline test and the robustness checks in one table, then which to trust."""
        if (missing := self._missing()) is not None:
            return missing
        if self._too_small():
            return self._small_paragraph()
        frame = self.change.to_frame()
        level = words.level(self.change.headline.confidence_level)
        formats = {"Estimate": words.ratio, f"{level} CI low": words.ratio, f"{level} CI high": words.ratio,
                   "p-value": words.p_value}
        return Parts((
            Table(frame, f"Is the change in {words.possessive(self.team)} complaints more than chance? "
                         f"{self.change.years.period_words}", index=False, formats=formats),
            Paragraph("The estimate is a rate ratio (this year's rate divided by last year's), except for "
                      "Fisher's test, where it is the odds ratio of a complaint being about this team."),
            Paragraph(which_to_trust(self.change)),
            Paragraph(power_statement(self.change, self.policy))))

    @registers
    def teams_table(self):
        if (missing := self._missing()) is not None:
            return missing
        table = self.all_teams.rename(columns={
            "team": "Team", "count": self.financial_year, "baseline_count": self.baseline_year,
            "ratio": "Rate ratio", "ci_low": "CI low", "ci_high": "CI high", "pvalue": "p-value",
            "dispersion": "Dispersion", "quasi_poisson_pvalue": "Quasi-Poisson p",
            "verdict_pvalue": "Rise scan p (team alone)", "adjusted_pvalue": "Rise scan p (adjusted)",
            "rise_from": "Rise from", "year_on_year_adjusted_pvalue": "Year on year p (adjusted)"}).drop(
            columns=["method", "months_compared", "verdict_method"])
        table["Rise from"] = [f"{m:%b %Y}" if not pd.isna(m) else "" for m in table["Rise from"]]
        p = self.policy
        if p.hides():
            counts = table.set_index("Team")[[self.baseline_year, self.financial_year]]
            # Masked with the service's total (published in 03 and the CSVs) as 03's table of the same
            # figures is, so both hide the same cells: a cell 03 withholds to protect a small one is
            # withheld here too.
            counts = pd.concat([counts, counts.sum().to_frame("Total").T])
            where = f"{self.financial_year} team-change report, every team's new complaints"
            p.ledger.relations.extend(team_count_links(counts, self.financial_year, where))
            masked = p.mask(counts, total_row="Total", name="new_complaints_by_team", year=self.financial_year,
                            where=where)
            masked = masked.without_row("Total")
            hidden = masked.hidden.any(axis=1).to_numpy()
            text = masked.text()
            for column in (self.financial_year, self.baseline_year):
                table[column] = text[column].to_numpy()
            derived = [c for c in ("Rate ratio", "CI low", "CI high", "p-value", "Quasi-Poisson p",
                                   "Rise scan p (team alone)", "Rise scan p (adjusted)", "Year on year p (adjusted)",
                                   "Rise from", "Dispersion") if c in table.columns]
            for column in derived:  # a ratio of a hidden count to a shown one is the hidden count
                table[column] = table[column].astype(object)
                table.loc[hidden, column] = p.mark
        formats = {**_RATE_FORMATS, "Quasi-Poisson p": words.p_value, "Rise scan p (team alone)": words.p_value,
                   "Dispersion": "{:.2f}", "Rise scan p (adjusted)": words.p_value,
                   "Year on year p (adjusted)": words.p_value}
        note = ("The team was named before looking at the data, so its own rise scan p-value applies; the "
                "adjusted columns are for teams picked because they moved most." if self.change.named_in_advance
                else "The team was singled out after looking at the data, so the adjusted p-values apply. "
                     + NEW_COMPLAINTS)
        rule = ("The rise scan is the verdict's rule: for each team, a one-sided test of a step up at any month "
                "of the year, the adjusted column allowing for every team and month (the same rule as the "
                "verdict above). Year on year (adjusted) is the exact one-sided test of the whole-year split, "
                "adjusted across the teams (min-p). The E-test, its interval and the quasi-Poisson p are for "
                "each team alone, year on year, and are descriptive.")
        return Parts((Table(table, f"New complaints, every team, {self.financial_year} against "
                                   f"{self.baseline_year} (E-test and the interval that inverts it)",
                            index=False, formats=formats),
                      Paragraph(rule), Paragraph(note)))

    def demand_section(self):
        if (missing := self._missing()) is not None:
            return missing
        if self._too_small():
            return self._small_paragraph()
        demand = self.demand
        parts: list = [Paragraph(describe(demand, self.policy) if demand.rate_comparison is not None else demand.note)]
        if demand.rate_comparison is not None and demand.note:
            parts.append(Paragraph(demand.note))
        if len(demand.model):
            model = demand.to_frame().rename(columns={"term": "Indicator", "unit": "Per", "rate_ratio": "Rate ratio",
                                                 "ci_low": "CI low", "ci_high": "CI high", "pvalue": "p-value"})
            parts.append(Table(model, "Monthly complaints against staffing (quasi-Poisson model, the "
                                      "denominator as exposure, with a year term): change in complaints "
                                      "for each step in an indicator",
                               index=False, formats={**_RATE_FORMATS, "Per": "{:,.0f}"}))
        if len(demand.correlations):
            wide = demand.correlations.pivot(index="indicator", columns="lag_months", values="correlation")
            wide.columns = [f"{c} months earlier" if c else "same month" for c in wide.columns]
            wide.index = [i.replace("_", " ") for i in wide.index]
            wide.index.name = "Indicator"
            critical = demand.correlations["critical"].min()
            parts.append(Table(wide, "Correlation of monthly complaints with each indicator, at lags "
                                     "(description only)",
                               formats={c: "{:.2f}" for c in wide.columns}))
            parts.append(Paragraph(f"These correlations are descriptive only: with so few months, a value "
                                   f"needs to be beyond about ±{critical:.2f} before it is more than noise, and "
                                   "several lags are looked at, so one such value can still be chance."))
        return Parts(tuple(parts))

    def timing(self):
        if (missing := self._missing()) is not None:
            return missing
        if self._too_small():
            return self._small_paragraph()
        candidates = candidate_explanations(self.changepoint, self.events) if self.events is not None else ""
        return Parts(tuple(Paragraph(t) for t in (self._timing_answer(), self._changepoint_words(), candidates) if t))

    def _verdict_words(self) -> str:
        """The change's summary; when counts are hidden, without the monthly means either side of the
        fitted start (a mean times its months is a count, possibly a small one)."""
        change, text = self.change, describe(self.change, self.policy)
        if not self.policy.hides() or change.scan is None or change.rise_from is None:
            return text
        i = change.scan.index(change.team)
        return text.replace(f" (about {change.scan.rate_before[i]:.1f} a month before, "
                            f"{change.scan.rate_after[i]:.1f} after)", "")

    def _timing_answer(self) -> str:
        """When it began, as the verdict's scan says, and how the separate change-point scan relates to it."""
        change = self.change
        start = change.rise_from
        lead = (f"The verdict's scan puts the start of the higher level in {start:%B %Y} (p = "
                f"{words.p_value(change.verdict_pvalue)}, the same adjusted figure as the verdict)."
                if start is not None else "The verdict's scan found no month from which a higher level fits better.")
        picked = "" if change.named_in_advance else (
            " It does not allow for picking the team after looking, so its p-value overstates the evidence in the "
            "same way as the team's own unadjusted figures.")
        return (f"{lead} The scan below looks at every split of the team's months in both directions, on its own, "
                f"and is descriptive.{picked}")

    def _changepoint_words(self) -> str:
        """The change point's summary; in public without the monthly means when the months either side
        hold a small number of complaints (a mean times its months is that count)."""
        cp, text = self.changepoint, describe(self.changepoint, self.policy)
        if not self.policy.hides() or cp.first_month is None or self.monthly is None:
            return text
        before = int(self.monthly[self.monthly.index < cp.first_month].sum())
        after = int(self.monthly[self.monthly.index >= cp.first_month].sum())
        if self.policy.is_small(min(before, after)):
            text = text.replace(f" (about {cp.mean_before:.1f} a month before, {cp.mean_after:.1f} after)", "")
        return text


def team_question(data: Dataset, financial_year: str, *, team: str | None = None,
                  baseline_year: str | None = None, named_in_advance: bool = False,
                  confidence_level: float = 0.95, min_segment: int = 3,
                  improvement_direction: str = "decrease", policy: DisclosurePolicy | None = None) -> TeamQuestion:
    """Answer "did this team's complaints really change?" for one year against a baseline.

    Parameters are those of notebook 02. See :func:`cfanalysis.team_change` for the tests.
    ``team=None`` asks about the team whose new complaints rose most (:func:`choose_team`); a
    team found that way is judged as picked after looking, so ``named_in_advance`` must then be
    False. ``policy`` (:func:`cfanalysis.disclosure_policy`) says what the report may publish; by
    default everything (internal).

    Raises
    ------
    ParameterError
        When the year or the team has no complaints (the message lists those that have), so
        no statistic is ever shown for them, or ``named_in_advance`` is True without a team.
    """
    financial_year = check_financial_year(financial_year, data.financial_years)
    if named_in_advance and team is None:
        raise ParameterError("named_in_advance=True needs the team parameter: name the team that was named "
                             "before the data were seen. Without a team the report picks the team whose "
                             "complaints rose most, which is never named in advance.")
    choice = choose_team(data, financial_year, team=team, baseline_year=baseline_year)
    team = choice.team
    complaints = new_complaints(data.complaints)  # the unit for tests: each complaint once
    reason, years = _why_not(complaints, financial_year, baseline_year, team)
    # A report for a year uses no month after it (built later, it must say what it said at the time):
    # monitoring then says how many months would confirm a change, never what later years showed.
    complaints = complaints[complaints["month"] <= financial_year_months(financial_year)[-1]]
    if reason:
        return TeamQuestion(team, financial_year, years.baseline_year if years else str(baseline_year), None, None,
                            None, None, pd.DataFrame(), reason, policy=policy or disclosure_policy(), choice=choice)
    table = all_team_tests(complaints, years, confidence_level=confidence_level)
    change = team_change(complaints, team, years, confidence_level=confidence_level,
                         named_in_advance=named_in_advance, all_teams=table)
    demand = demand_analysis(change, complaints, data.activity)
    timeline = pd.period_range(financial_year_months(years.baseline_year)[0], change.months[-1], freq="M")
    series = team_monthly_series(complaints, team, timeline)
    changepoint = find_changepoint(series, min_segment=min_segment)
    control = control_chart_for(complaints, team, series, improvement_direction=improvement_direction)
    return TeamQuestion(team, financial_year, years.baseline_year, change, demand, changepoint, control["result"],
                        table, control_kind=control["kind"], control_why=control["why"],
                        control_baseline_points=control["baseline_points"], policy=policy or disclosure_policy(),
                        events=events_for(data.events, team), monthly=series, choice=choice,
                        data_date=data_date(data, data.as_of))


def control_chart_for(complaints: pd.DataFrame, team: str, series: pd.Series, *,
                      improvement_direction: str = "decrease", baseline_months: int = 12) -> dict:
    """The right control chart for a team's monthly series, its baseline length and why it was chosen.

    Limits come from the first ``baseline_months`` (the baseline year) and are extended over the
    rest: the year in question is judged against the past. When the series is rare
    (:func:`cfanalysis.analysis.spc.is_rare`: under about 2 a month, or mostly zero months) an XmR
    chart of counts misleads, so a t-chart of the days between the team's complaints is used,
    its baseline being the gaps that end in the baseline months; XmR otherwise, or when there are
    too few complaints for a t-chart.
    """
    mean, zeros = float(series.mean()), int((series == 0).sum())
    busy = (f"{team} averaged {mean:.1f} new complaints a month, enough for an XmR chart of monthly "
            "counts (Making Data Count), with limits set on the first year.")
    xmr_answer = {"kind": "xmr", "why": busy, "baseline_points": baseline_months,
                  "result": xmr(series.to_numpy(), dates=list(series.index),
                                improvement_direction=improvement_direction, baseline_points=baseline_months)}
    if not is_rare(series.to_numpy()):
        return xmr_answer
    rows = complaints[(complaints["team"] == team) & complaints["month"].isin(series.index)]
    events = pd.DatetimeIndex(sorted(rows["received_date"].dropna()))
    baseline_gaps = int((events < series.index[baseline_months].start_time).sum()) - 1
    rare = (f"{team} averaged {mean:.1f} new complaints a month ({zeros} of {len(series)} months had none)")
    if len(events) < 3 or baseline_gaps < 2:
        return xmr_answer | {"why": f"{rare}, too few for a chart of the time between complaints, so this is "
                                    "an XmR chart of monthly counts; read it with care."}
    return {"kind": "tchart", "baseline_points": baseline_gaps, "result": tchart(events, baseline_points=baseline_gaps),
            "why": f"{rare}: with so few a month, a chart of monthly counts has a lower limit at zero (so no "
                   "low signal is possible) and counts move in whole steps that are large beside the mean; this "
                   "chart shows the days between consecutive complaints instead (a Making Data Count t-chart), "
                   "where a long gap is improvement and short gaps are concern."}


def _why_not(complaints: pd.DataFrame, financial_year: str, baseline_year: str | None,
             team: str) -> tuple[str, YearComparison | None]:
    """Why the team question cannot be answered ("" when it can), and the years compared."""
    try:
        years = compare_years(complaints, financial_year, baseline_year)
    except ValueError as error:
        return str(error), None
    teams = sorted(complaints["team"].dropna().unique().tolist())
    if not years.has_baseline:
        with_data = ", ".join(sorted(set(complaints["financial_year"].dropna())))
        return (f"There are no complaints for {years.baseline_year} in the data, so {financial_year} cannot be "
                f"compared with it. Years with data: {with_data}."), years
    if team not in teams:
        return f"There are no complaints for the team '{team}'. Teams in the data: {', '.join(teams)}.", years
    return "", years
