"""Notebook 03's sections: the annual report as displayable paragraphs, tables and charts.

:func:`annual_report` works the year out once (:class:`cfanalysis.analysis.figures.AnnualFigures`);
each method of :class:`AnnualReport` returns what one section shows. Every count passes through
the same suppression (:mod:`cfanalysis.publish.suppression`), so "fewer than N" reads the same
in sentences, tables, chart labels and alt text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.counts import NEW_COMPLAINTS, new_complaints
from cfanalysis.analysis.benchmarking import POSITIONS, Funnel, funnel
from cfanalysis.analysis.figures import AnnualFigures, annual_figures
from cfanalysis.analysis.rates import CountComparison
from cfanalysis.analysis.tables import year_on_year
from cfanalysis.analysis.teams import TeamChange, team_change
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.parameters import ParameterError, check_team
from cfanalysis.publish.charts import bar_chart, funnel_chart
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.suppression import hide_where_small, suppress

__all__ = ["AnnualReport", "annual_report", "headline_sentences", "timeliness_shown"]

TIMELINESS_COUNTS = ["Complaints", "With a response date", "Within timescale", "Within extended timescale"]
TIMELINESS_DERIVED = ["Share within timescale", "Share within extended", "Median working days"]


def count_change_sentence(what: str, now: int, before: int, change: CountComparison | None, years,
                          suppress_below: int) -> str:
    """'Complaints: 92 in 2019-20 against 98 in 2018-19; the difference could be chance (...)'."""
    fy, by = years.financial_year, years.baseline_year
    if change is None:
        return (f"{words.capitalised(what)}: {words.count(now, suppress_below)} in {fy} (there are no data "
                f"for {by} to compare with).")
    text = (f"{what.capitalize()}: {words.count(now, suppress_below)} in {fy} against "
            f"{words.count(before, suppress_below)} in {by}")
    if now + before == 0:
        return text + "."
    size = words.times_with_interval(change.ratio, change.ci_low, change.ci_high, change.confidence_level)
    return text + f": {size}; {words.evidence(change.pvalue, wide=change.wide, basis='E-test')}."


def headline_sentences(figures: AnnualFigures, *, suppress_below: int = 0) -> list[str]:
    """Plain-English sentences for the headline section, in report order."""
    now, before, years = figures.now, figures.before, figures.years
    sentences = [count_change_sentence("new complaints (statutory and corporate procedures, each counted once)",
                                       now.new_complaints, before.new_complaints, figures.complaints_change,
                                       years, suppress_below)]
    sentences.append(f"Counting each complaint again at every stage it reached (stage cases, the measure of "
                     f"workload), there were {words.count(now.complaints, suppress_below)} in {years.financial_year}"
                     + (f" against {words.count(before.complaints, suppress_below)} in {years.baseline_year}."
                        if years.has_baseline else ".") + " " + NEW_COMPLAINTS)
    sentences.append(f"Of these, {words.count(now.by_procedure.get('statutory', 0), suppress_below)} were under "
                     "the statutory children's social care procedure and "
                     f"{words.count(now.by_procedure.get('corporate', 0), suppress_below)} under the corporate "
                     "procedure.")
    sentences.append(figures.escalation_1_2.summary(suppress_below))
    sentences.append(figures.escalation_2_3.summary(suppress_below))
    decisions = sorted(now.ombudsman_decisions.items(), key=lambda kv: -kv[1])
    parts = [f"{words.count(v, suppress_below)} {k}" for k, v in decisions]
    sentences.append(f"The Local Government and Social Care Ombudsman considered "
                     f"{words.count(now.ombudsman_enquiries, suppress_below)} complaints; the council was asked "
                     f"to respond on {words.count(now.ombudsman_investigated, suppress_below)} (detailed "
                     f"investigations). Decisions: {', '.join(parts) or 'none'}.")
    sentences.append(count_change_sentence("compliments", now.compliments, before.compliments,
                                           figures.compliments_change, years, suppress_below))
    if now.complaints:
        ratio = f"That is {figures.compliments_per_complaint:.2f} compliments for every complaint"
        sentences.append(f"{ratio} ({figures.baseline_compliments_per_complaint:.2f} in {years.baseline_year})."
                         if years.has_baseline and before.complaints else f"{ratio}.")
    return sentences


def timeliness_shown(table: pd.DataFrame, suppress_below: int) -> pd.DataFrame:
    """A timeliness table as published: small counts hidden, and the shares and medians behind them."""
    if not suppress_below or not len(table):
        return table
    small = table[TIMELINESS_COUNTS].lt(suppress_below).any(axis=1)
    shown = table.copy()
    shown[TIMELINESS_COUNTS] = suppress(table[TIMELINESS_COUNTS], suppress_below).text()
    return hide_where_small(shown, small, TIMELINESS_DERIVED, suppress_below)


@dataclass(frozen=True, eq=False)
class AnnualReport:
    """The year's figures and the findings notebook 03 shows, with a method per section."""

    data: Dataset
    figures: AnnualFigures
    suppress_below: int
    team: str
    change: TeamChange | None  # None when the team or the baseline year has no data
    funnel: Funnel | None
    funnel_problem: str
    authority: str | None

    @property
    def financial_year(self) -> str:
        return self.figures.years.financial_year

    @property
    def baseline_year(self) -> str:
        return self.figures.years.baseline_year

    @property
    def years_words(self) -> str:
        return self.figures.years.years_words

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.figures.tables

    def _count_table(self, name: str, caption: str, *, total_column: str | None = None) -> Table:
        table = self.tables[name]
        shown = suppress(table, self.suppress_below, total_row="Total" if "Total" in table.index else None,
                         total_column=total_column)
        return Table(shown.text(), caption)

    def _bar_chart(self, name: str, title: str, caption: str):
        table = self.tables[name]
        counts = suppress(table, self.suppress_below, total_row="Total" if "Total" in table.index else None)
        return bar_chart(counts, title=title, caption=caption)

    def suppression_note(self) -> Paragraph:
        if self.suppress_below:
            return Paragraph(f"To protect the people involved, every count below {self.suppress_below} is "
                             f"shown as 'fewer than {self.suppress_below}', and where a total would let a "
                             "hidden number be worked out, another number is marked 'not shown' too.")
        return Paragraph("Counts are shown in full (internal version). For publication, run with "
                         "suppress_below = 5 so that small numbers are hidden.")

    def headline_section(self):
        sentences = headline_sentences(self.figures, suppress_below=self.suppress_below)
        return Parts((Paragraph(sentences[0], kind="verdict"), *[Paragraph(s) for s in sentences[1:]],
                      self._headline_table(), self._escalation_table()))

    def _headline_table(self) -> Table:
        years, fy, by = self.figures.years, self.financial_year, self.baseline_year
        rows = {"New complaints (each counted once)": lambda y: y.new_complaints,
                "Stage cases (all stages)": lambda y: y.complaints,
                "Statutory procedure": lambda y: y.by_procedure.get("statutory", 0),
                "Corporate procedure": lambda y: y.by_procedure.get("corporate", 0),
                **{f"Stage {s}": (lambda y, s=s: y.by_stage[s]) for s in (1, 2, 3)},
                "Ombudsman enquiries": lambda y: y.ombudsman_enquiries, "Compliments": lambda y: y.compliments}
        table = pd.DataFrame({by: [f(self.figures.before) for f in rows.values()],
                              fy: [f(self.figures.now) for f in rows.values()]}, index=list(rows))
        table = table[[by, fy] if years.has_baseline else [fy]]
        table.index.name = "Figure"
        title = f"Headline figures, {fy} against {by}" if years.has_baseline else f"Headline figures, {fy}"
        return Table(suppress(table, self.suppress_below).text(), title)

    def _escalation_table(self) -> Table:
        fy, by, has_baseline = self.financial_year, self.baseline_year, self.figures.years.has_baseline
        changes = (self.figures.escalation_1_2, self.figures.escalation_2_3)
        interval = f"{fy} {words.level(changes[0].confidence_level)} interval"
        rates = pd.DataFrame({
            by: [words.percent(c.baseline_share) for c in changes] if has_baseline else ["", ""],
            fy: [words.percent(c.share) for c in changes],
            interval: [f"{words.percent(c.ci_low)} to {words.percent(c.ci_high)}" if c.trials else ""
                       for c in changes],
            "Fisher's exact test p": [words.p_value(c.pvalue) for c in changes]},
            index=pd.Index(["Stage 1 to Stage 2", "Stage 2 to Stage 3"], name="Escalation"))
        if not has_baseline:
            rates = rates.drop(columns=[by, "Fisher's exact test p"])
        small = [c.too_small(self.suppress_below) for c in changes]
        if any(small):
            rates = hide_where_small(rates, small, [fy, interval], self.suppress_below)
        return Table(rates, "Escalation between stages (share of complaints at one stage that went on to the next)")

    def ombudsman_section(self):
        if not len(self.tables["ombudsman_decisions"]):
            return Paragraph(f"No Ombudsman enquiries were recorded in {self.financial_year}.")
        return Parts((self._count_table("ombudsman_decisions", f"Ombudsman decisions, {self.financial_year}"),
                      Paragraph("'Upheld' and 'not upheld' are the enquiries the council was asked to respond to; "
                                "the Ombudsman closed the others without a detailed investigation.")))

    def teams_section(self):
        parts = [self._bar_chart("complaints_by_team", f"Complaints by team, {self.years_words}",
                                 "Complaints by team (all stages)."),
                 self._count_table("complaints_by_team", f"Complaints by team, {self.years_words}")]
        if self.change is not None:
            small = min(self.change.headline.count, self.change.headline.baseline_count) < self.suppress_below
            parts.append(Paragraph(
                f"{self.team}'s change is not described here because its numbers are too small to publish."
                if small else self.change.summary(), kind="verdict"))
            parts.append(Paragraph("The team-change report (02) sets out the robustness checks, demand and "
                                   "staffing, and when the change began."))
        return Parts(tuple(parts))

    def categories_section(self):
        chart = self._bar_chart("complaints_by_category", f"What complaints were about, {self.years_words}",
                                "Complaints by category (all stages).")
        return Parts((Paragraph(self.figures.attitude.summary(self.suppress_below)), chart,
                      self._count_table("complaints_by_category", "Complaints by category")))

    def outcomes_section(self):
        return Parts((self._count_table("outcomes_by_stage", f"Outcomes by stage, {self.financial_year}",
                                        total_column="Total"),
                      self._count_table("outcomes_by_team", f"Outcomes by team, {self.financial_year}",
                                        total_column="Total"),
                      Paragraph("Outcomes not yet decided, or not recorded, are shown as 'Not recorded' where "
                                "there are any.")))

    def complainants_section(self):
        return self._count_table("complainant_types", "Who made the complaints")

    def timeliness_section(self):
        parts = []
        for name, caption in (("timeliness_by_stage", "Responses within the statutory timescales, by stage"),
                              ("timeliness_by_team", "Responses within the statutory timescales, by team")):
            if not len(self.tables[name]):
                parts.append(Paragraph("No Stage 1 or Stage 2 complaints this year."))
                continue
            table = timeliness_shown(self.tables[name], self.suppress_below)
            for column in ("Share within timescale", "Share within extended"):
                table[column] = table[column].map(lambda v: v if isinstance(v, str) else words.percent(v))
            parts.append(Table(table, caption, index=False,
                               formats={"Median working days": lambda v: v if isinstance(v, str) else f"{v:.1f}"}))
        parts.append(Paragraph("Working days exclude weekends and England and Wales bank holidays; a response on "
                               "the next working day counts as 1. Stage 1: 10 working days, extendable to 20. "
                               "Stage 2: 25, extendable to 65. Stage 3 review-panel dates are not part of the "
                               "data contract, so panel timings are not reported here."))
        return Parts(tuple(parts))

    def actions_section(self):
        actions = self.data.actions
        if not len(actions):
            return Paragraph("No learning and actions table was supplied. To show what changed because of "
                             "complaints, as the statutory guidance asks, add actions.csv to the data folder "
                             "with columns reference, action, owner (a role), status and theme "
                             "(see data/README.md).")
        years = self.data.complaints.drop_duplicates("reference").set_index("reference")["financial_year"]
        year_of = actions["reference"].map(years)
        this_year = actions[year_of == self.financial_year]
        unmatched = int(year_of.isna().sum())
        if not len(this_year):
            text = f"No actions are linked to complaints received in {self.financial_year}."
            return Paragraph(text + (f" {unmatched} actions name a reference not found in the complaints."
                                     if unmatched else ""))
        table = this_year[["theme", "action", "owner", "status"]].rename(columns={
            "theme": "Theme", "action": "What changed", "owner": "Owner", "status": "Status"}).fillna("")
        parts = [Table(table.reset_index(drop=True), f"Learning and actions from complaints received in "
                                                     f"{self.financial_year}", index=False)]
        if unmatched:
            parts.append(Paragraph(f"{unmatched} actions name a complaint reference that is not in the complaints "
                                   "file; check their references."))
        return Parts(tuple(parts))

    def benchmarking_section(self):
        parts = [Paragraph(self.funnel_problem)] if self.funnel is None else list(self._funnel_parts())
        bench = year_on_year(self.data, self.financial_year)
        bench["Stage 2 escalation"] = bench["Stage 2 escalation"].map(words.percent)
        for column in ("Complaints", "Compliments", "Ombudsman enquiries"):
            bench[column] = [words.count(v, self.suppress_below) for v in bench[column]]
        parts.append(Table(bench, "This council year on year (local benchmarks)"))
        return Parts(tuple(parts))

    def _funnel_parts(self):
        f = self.funnel
        yield Paragraph(f.summary(self.authority))
        yield funnel_chart(f, caption=f"Complaints per {f.per:,} {f.denominator.replace('_', ' ')}, "
                                      f"{self.financial_year}.")
        denominator = f.denominator.replace("_", " ").capitalize()
        table = f.to_frame()[["authority", "complaints", "denominator", "rate", "lower_95", "upper_95",
                              "position"]].rename(columns={
            "authority": "Authority", "complaints": "Complaints", "denominator": denominator,
            "rate": f"Rate per {f.per:,}", "lower_95": "95% lower", "upper_95": "95% upper",
            "position": "Where it sits"})
        table["Where it sits"] = table["Where it sits"].map(lambda code: POSITIONS[code][0])
        yield Table(table, "Where each authority sits", index=False,
                    formats={"Complaints": lambda v: words.count(v, self.suppress_below), denominator: "{:,.0f}"})


def annual_report(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                  suppress_below: int = 0, team: str = "Duty Team", denominator: str = "children_in_need",
                  authority: str | None = None, confidence_level: float = 0.95) -> AnnualReport:
    """Everything notebook 03 shows, computed once.

    Parameters
    ----------
    suppress_below
        Counts below this show as "fewer than N" (0: off, for internal use; 5 for publication).
    team
        The team whose change is summarised in the teams section.
    denominator, authority
        Comparators column for the funnel plot, and this council's name in that table
        (default: the ``authority`` named in ``dataset.json``, if any).

    Raises
    ------
    ParameterError
        When the year or the team has no complaints (the message lists those that have), or
        ``suppress_below`` is negative.
    """
    if suppress_below < 0:
        raise ParameterError(f"suppress_below={suppress_below} must be 0 (off) or a positive count such as 5.")
    years = compare_years(data.complaints, financial_year, baseline_year)
    financial_year = years.financial_year
    team = check_team(team, data.complaints["team"].dropna())
    if authority is None:
        authority = data.authority
    # Only the headline finding is shown here (report 02 has the rest).
    change = (team_change(new_complaints(data.complaints), team, years, confidence_level=confidence_level)
              if years.has_baseline and team in set(data.complaints["team"]) else None)
    result, problem = None, ""
    if len(data.comparators):
        try:
            result = funnel(data.comparators, financial_year, denominator=denominator, highlight=authority)
        except ValueError as error:
            problem = f"The comparison with other councils cannot be drawn: {error}"
    else:
        problem = ("No comparators table was supplied. To compare with other councils, add comparators.csv "
                   "(authority, financial_year, complaints and a denominator such as children in need; see "
                   "data/README.md).")
    figures = annual_figures(data, years, confidence_level=confidence_level)
    return AnnualReport(data, figures, suppress_below, team, change, result, problem, authority)
