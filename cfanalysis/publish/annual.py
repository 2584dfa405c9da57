"""Notebook 03's sections: the annual report as displayable paragraphs, tables and charts.

:func:`annual_report` works the year out once (:class:`cfanalysis.analysis.figures.AnnualFigures`);
each method of :class:`AnnualReport` returns what one section shows. Every count passes through
the same suppression (:mod:`cfanalysis.publish.suppression`), so "fewer than N" reads the same
in sentences, tables, chart labels and alt text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.counts import NEW_COMPLAINTS, in_financial_year, new_complaints
from cfanalysis.analysis.benchmarking import POSITIONS, Funnel, funnel
from cfanalysis.analysis.breakdowns import (
    STAGE_TIMESCALES,
    ActionsLog,
    AttitudeBreakdown,
    ComplimentsBreakdown,
    OmbudsmanCases,
    TeamBreakdown,
    TimelinessChange,
    UpholdBenchmark,
    actions_log,
    attitude_breakdown,
    complaint_outcomes,
    compliments_breakdown,
    ombudsman_cases,
    team_breakdown,
    timeliness_change,
    uphold_benchmark,
)
from cfanalysis.analysis.figures import AnnualFigures, annual_figures
from cfanalysis.analysis.rates import CountComparison
from cfanalysis.analysis.tables import year_on_year
from cfanalysis.analysis.teams import TeamChange, team_change
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.publish.charts import bar_chart, funnel_chart
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.disclosure import DisclosurePolicy, cell_key, disclosure_policy, hide_where_small, registers
from cfanalysis.publish.team import TeamChoice, choose_team
from cfanalysis.publish.sentences import (
    actions_follow_up,
    attitude_upheld_sentence,
    compliments_sentence,
    ombudsman_sentence,
    proportion_sentence,
    quantity,
    team_breakdown_sentence,
    timeliness_sentences,
)

__all__ = ["AnnualReport", "Breakdowns", "annual_report", "headline_sentences", "main_points", "timeliness_shown"]

GLOSSARY = {
    "New complaint": "A complaint counted once, in the year and team where it was first received.",
    "Stage case": "A complaint counted again at each stage it reached (Stage 1, 2 or 3): a measure of workload.",
    "Upheld": "The council, or the Ombudsman, found the complaint justified; 'partially upheld' in part.",
    "Escalation": "A complaint going on to the next stage because the complainant was not satisfied.",
    "Working day": "Monday to Friday, except England and Wales bank holidays.",
    "Interval": "The range of values the data plausibly allow (95% interval); wide when counts are small.",
    "p-value": "How often a difference at least this large would arise by chance alone if nothing had changed.",
    "Ombudsman": "The Local Government and Social Care Ombudsman (LGSCO), the last stage for complaints.",
    "Children in need": "Children assessed as needing social care services; the base for comparing councils.",
}
TIMELINESS_COUNTS = ["Complaints", "With a response date", "Within timescale", "Within extended timescale"]
TIMELINESS_DERIVED = ["Share within timescale", "Share within extended", "Median working days"]
# What each of the year's tables counts (cfanalysis.publish.disclosure.KINDS): people's complaints unless said.
TABLE_KINDS = {"ombudsman_decisions": "ombudsman", "complainant_types": "people"}


def count_change_sentence(what: str, now: int, before: int, change: CountComparison | None, years,
                          policy: DisclosurePolicy, *, name: str = "", kind: str = "complaints") -> str:
    """'Complaints: 92 in 2019-20 against 98 in 2018-19; the difference could be chance (...)'."""
    fy, by = years.financial_year, years.baseline_year
    now_words = policy.count(now, kind=kind, key=quantity(name, fy) if name else None)
    if change is None:
        return (f"{words.capitalised(what)}: {now_words} in {fy} (there are no data "
                f"for {by} to compare with).")
    before_words = policy.count(before, kind=kind, key=quantity(name, by) if name else None)
    text = f"{what.capitalize()}: {now_words} in {fy} against {before_words} in {by}"
    if policy.is_small(min(now, before), kind):
        return text + "."
    if now + before == 0:
        return text + "."
    size = words.times_with_interval(change.ratio, change.ci_low, change.ci_high, change.confidence_level)
    return text + f": {size}; {words.evidence(change.pvalue, wide=change.wide, basis='E-test')}."


def headline_sentences(figures: AnnualFigures, policy: DisclosurePolicy | None = None) -> list[str]:
    """Plain-English sentences for the headline section, in report order."""
    policy = policy or disclosure_policy()
    now, before, years = figures.now, figures.before, figures.years
    fy, by = years.financial_year, years.baseline_year
    sentences = [count_change_sentence("new complaints (statutory and corporate procedures, each counted once)",
                                       now.new_complaints, before.new_complaints, figures.complaints_change,
                                       years, policy, name="new_complaints")]
    sentences.append(f"Counting each complaint again at every stage it reached (stage cases, the measure of "
                     f"workload), there were {policy.count(now.complaints, key=quantity('complaints', fy))} in {fy}"
                     + (f" against {policy.count(before.complaints, key=quantity('complaints', by))} in {by}."
                        if years.has_baseline else ".") + " " + NEW_COMPLAINTS)
    sentences.append(f"Of these, {policy.count(now.by_procedure.get('statutory', 0), key=quantity('statutory', fy))} "
                     "were under the statutory children's social care procedure and "
                     f"{policy.count(now.by_procedure.get('corporate', 0), key=quantity('corporate', fy))} under the "
                     "corporate procedure.")
    for change, (numerator, denominator) in ((figures.escalation_1_2, ("escalated_to_2", "stage1")),
                                             (figures.escalation_2_3, ("escalated_to_3", "stage2"))):
        sentences.append(proportion_sentence(change, policy, numerator=quantity(numerator, fy),
                                             denominator=quantity(denominator, fy),
                                             baseline_numerator=quantity(numerator, by),
                                             baseline_denominator=quantity(denominator, by)))
    decisions = sorted(now.ombudsman_decisions.items(), key=lambda kv: -kv[1])
    parts = [f"{policy.count(v, kind='ombudsman')} {k}" for k, v in decisions]
    sentences.append(f"The Local Government and Social Care Ombudsman considered "
                     f"{policy.count(now.ombudsman_enquiries, 'complaint', kind='ombudsman')}; the council was asked "
                     f"to respond on {policy.count(now.ombudsman_investigated, kind='ombudsman')} (detailed "
                     f"investigations). Decisions: {', '.join(parts) or 'none'}.")
    sentences.append(count_change_sentence("compliments", now.compliments, before.compliments,
                                           figures.compliments_change, years, policy, name="compliments",
                                           kind="compliments"))
    if now.complaints and not policy.is_small(now.complaints):
        ratio = f"That is {figures.compliments_per_complaint:.2f} compliments for every complaint"
        sentences.append(f"{ratio} ({figures.baseline_compliments_per_complaint:.2f} in {by})."
                         if years.has_baseline and before.complaints else f"{ratio}.")
    return sentences


def timeliness_shown(table: pd.DataFrame, policy: DisclosurePolicy, *, name: str = "", year: str = "",
                     stage_counts: dict[int, int] | None = None) -> pd.DataFrame:
    """A timeliness table as published: small counts hidden, and the shares and medians behind them.

    A count is hidden when it is small, or when what it leaves (replies late, complaints without
    a response) is small, since that is the count itself; by team, a team's Stage 1 counts are
    hidden when its later stages hold a small number (its total is published elsewhere). With
    ``name``, the cells, the counts they leave and the relations are registered with ``policy``.
    ``stage_counts`` (the year's complaints at each stage) protects the stages as the headline
    table does: a stage's count is hidden here wherever it is hidden there.
    """
    if not policy.hides("replies") or not len(table):
        return table
    n, mark = policy.threshold, policy.mark
    small = lambda v: 0 < v < n if mark else v < n  # noqa: E731  (a zero is no person)
    counts = table[TIMELINESS_COUNTS]
    hidden = counts.lt(n)
    derived = {"Within timescale": counts["With a response date"] - counts["Within timescale"],
               "Within extended timescale": counts["With a response date"] - counts["Within extended timescale"],
               "With a response date": counts["Complaints"] - counts["With a response date"]}
    for column, rest in derived.items():
        hidden[column] |= rest.map(small)
    if stage_counts and "Team" not in table.columns:
        from cfanalysis.publish.disclosure import suppress

        stages = pd.DataFrame({"n": [*stage_counts.values(), sum(stage_counts.values())]},
                              index=[*(f"Stage {s}" for s in stage_counts), "Total"])
        stage_hidden = suppress(stages, n, total_row="Total", mark=mark).hidden["n"]
        hidden.loc[table["Stage"].map(stage_hidden).fillna(False).astype(bool).to_numpy(), "Complaints"] = True
        for column in derived:  # the counts beside a hidden one would give it back
            hidden.loc[hidden["Complaints"], column] |= True
    if "Team" in table.columns:
        later = table[table["Stage"] != "Stage 1"].groupby("Team")["Complaints"].sum()
        exposed_teams = [team for team, v in later.items() if small(v)]
        hidden.loc[(table["Stage"] == "Stage 1") & table["Team"].isin(exposed_teams), :] = True
    shown = table.copy()
    for column in TIMELINESS_COUNTS:
        shown[column] = [mark or f"fewer than {n}" if h else f"{v:,.0f}"
                         for v, h in zip(counts[column], hidden[column])]
    if name:
        _register_timeliness(policy, table, hidden, derived, name, year)
    return hide_where_small(shown, hidden.any(axis=1), TIMELINESS_DERIVED, n, mark)


def _register_timeliness(policy, table, hidden, derived, name, year) -> None:
    """The timeliness cells, the counts they leave (late replies, no response) and their relations."""
    from cfanalysis.publish.disclosure import PublishedCell, Relation

    where, n = f"{year}/tables/{name}.csv", policy.threshold
    for i, row in table.iterrows():
        label = f"{row['Stage']}|{row['Team']}" if "Team" in table.columns else row["Stage"]
        key = lambda column, label=label: f"{name}:{label}:{column}@{year}"  # noqa: E731
        for column in TIMELINESS_COUNTS:
            value = float(row[column])
            policy.ledger.cells.append(PublishedCell(key(column), where, 0, math.inf, protect=value < n) if
                                       hidden.at[i, column] else PublishedCell(key(column), where, value, value))
        for column, rest in derived.items():
            total = "Complaints" if column == "With a response date" else "With a response date"
            policy.ledger.cells.append(PublishedCell(key(f"rest of {column}"), where, 0, math.inf,
                                                     protect=bool(0 < rest[i] < n)))
            policy.ledger.relations.append(Relation(key(total), (key(column), key(f"rest of {column}")), where))
        if "Team" not in table.columns:
            policy.ledger.relations.append(Relation(quantity(row["Stage"].replace("Stage ", "stage"), year),
                                                    (key("Complaints"),), where))
    if "Team" in table.columns:
        for team, rows in table.groupby("Team"):
            parts = tuple(f"{name}:{r['Stage']}|{team}:Complaints@{year}" for _, r in rows.iterrows())
            policy.ledger.relations.append(Relation(cell_key("complaints_by_team", team, year, year),
                                                    (*parts, f"{name}:later stages|{team}@{year}"), where))


@dataclass(frozen=True, eq=False)
class Breakdowns:
    """The answers to the panel's questions (:mod:`cfanalysis.analysis.breakdowns`), worked out once."""

    team: TeamBreakdown | None  # None when the team has no complaints
    attitude: AttitudeBreakdown
    timeliness: TimelinessChange
    compliments: ComplimentsBreakdown
    ombudsman: OmbudsmanCases
    actions: ActionsLog
    uphold: UpholdBenchmark | None
    uphold_problem: str = ""
    upheld: int = 0  # new complaints upheld in full or in part (outcome at the last stage reached)


def _breakdowns(data: Dataset, years, team: str, authority: str | None, confidence_level: float) -> Breakdowns:
    c = data.complaints
    uphold, problem = None, ""
    try:
        uphold = uphold_benchmark(data.comparators, years.financial_year, authority=authority,
                                  confidence_level=confidence_level) if len(data.comparators) else None
    except ValueError as error:
        problem = f"The uphold rates cannot be compared: {error}."
    outcomes = in_financial_year(complaint_outcomes(c), years.financial_year) if len(c) else c
    teams = sorted(c["team"].dropna().unique().tolist())
    return Breakdowns(
        team=team_breakdown(c, team, years) if team in teams else None,
        attitude=attitude_breakdown(c, years, confidence_level=confidence_level),
        timeliness=timeliness_change(c, years),
        compliments=compliments_breakdown(data.compliments, years, teams=teams),
        ombudsman=ombudsman_cases(data.ombudsman, years.financial_year),
        actions=actions_log(data.actions, c, years), uphold=uphold, uphold_problem=problem,
        upheld=int(outcomes["upheld"].sum()) if len(outcomes) else 0)


def main_points(report: AnnualReport) -> list[str]:
    """Five or six short plain-English main points: what changed, how big, how sure, what it means."""
    f, b, p = report.figures, report.breakdowns, report.policy
    now, before, fy, by = f.now, f.before, report.financial_year, report.baseline_year
    count = lambda v, key=None, kind="complaints": p.count(v, key=key, kind=kind)  # noqa: E731
    points = []
    new = p.count(now.new_complaints, "new complaint", key=quantity("new_complaints", fy))
    text = f"Children's Services received {new} in {fy}"
    if f.complaints_change is not None:
        c = f.complaints_change
        text += f", against {count(before.new_complaints, quantity('new_complaints', by))} in {by}"
        text += ("." if p.is_small(min(now.new_complaints, before.new_complaints)) else
                 f" ({words.times(c.ratio)}; {words.strength(c.pvalue)} of a real change).")
    points.append(text if text.endswith(".") else text + ".")
    if report.change is not None and b.team is not None:
        change = report.change
        if not p.is_small(min(change.headline.count, change.headline.baseline_count)):
            team_key = f"new_complaints:{report.team}"
            now_words = p.count(change.headline.count, "new complaint", key=quantity(team_key, fy))
            points.append(f"{report.team}: {now_words} against "
                          f"{count(change.headline.baseline_count, quantity(team_key, by))} in {by} "
                          f"({words.times(change.headline.ratio)}; "
                          f"{words.strength(change.verdict_pvalue)} of a real change once the other teams are "
                          "allowed for); see what they were about below.")
    upheld_share = p.share(b.upheld, now.new_complaints, numerator_key=quantity("new_upheld", fy),
                           denominator_key=quantity("new_complaints", fy))
    if upheld_share is not None:
        points.append(f"{count(b.upheld, quantity('new_upheld', fy))} of the "
                      f"{p.count(now.new_complaints, 'new complaint', key=quantity('new_complaints', fy))} "
                      f"({upheld_share}) were upheld in full or in part.")
    stage1 = b.timeliness.by_stage.loc["Stage 1"] if "Stage 1" in b.timeliness.by_stage.index else None
    if stage1 is not None and stage1[f"Replies, {fy}"]:
        replies, on_time = int(stage1[f"Replies, {fy}"]), int(stage1[f"On time, {fy}"])
        on_time_share = p.share(on_time, replies, kind="replies")
        if on_time_share is not None:
            points.append(f"{p.count(replies - on_time, kind='replies')} of "
                          f"{p.count(replies, 'Stage 1 reply', kind='replies')} were later than "
                          f"{STAGE_TIMESCALES[1]} working days; {p.count(on_time, kind='replies')} "
                          f"({on_time_share}) were on time.")
    a, most = f.attitude, max(now.by_category.values(), default=0)
    attitude_share = p.share(a.successes, a.trials, numerator_key=quantity("new_attitude", fy),
                             denominator_key=quantity("new_complaints", fy)) if a.trials else None
    if attitude_share is not None:
        points.append(f"Staff attitude was the subject of "
                      f"{p.count(a.successes, 'new complaint', key=quantity('new_attitude', fy))} "
                      f"({attitude_share})" + (", more than any other subject" if now.attitude == most else "")
                      + "; the staff attitude section compares how often they were upheld with other complaints.")
    upheld = now.ombudsman_decisions.get("upheld", 0)
    points.append(f"Compliments: {count(now.compliments, quantity('compliments', fy), 'compliments')} in {fy}"
                  + (f" against {count(before.compliments, quantity('compliments', by), 'compliments')} in {by}"
                     if f.years.has_baseline else "")
                  + (f". The Ombudsman upheld {p.count(upheld, 'complaint', kind='ombudsman')}." if upheld else
                     ". The Ombudsman upheld no complaint."))
    return points[:6]


@dataclass(frozen=True, eq=False)
class AnnualReport:
    """The year's figures and the findings notebook 03 shows, with a method per section."""

    data: Dataset
    figures: AnnualFigures
    policy: DisclosurePolicy
    team: str
    change: TeamChange | None  # None when the team or the baseline year has no data
    funnel: Funnel | None
    funnel_problem: str
    authority: str | None
    breakdowns: Breakdowns | None = None
    choice: TeamChoice | None = None  # how the team was chosen (by the data when no team was named)

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

    @property
    def suppress_below(self) -> int:
        """The policy's threshold (kept for code that reads it; the policy decides)."""
        return self.policy.threshold

    def _masked(self, name: str, caption: str, *, total_column: str | None = None):
        table = self.tables[name]
        return self.policy.mask(table, kind=TABLE_KINDS.get(name, "complaints"), total_column=total_column,
                                name=name, year=self.financial_year,
                                where=f"{self.financial_year} annual report, '{caption}' (tables/{name}.csv)")

    def _count_table(self, name: str, caption: str, *, total_column: str | None = None) -> Table:
        return Table(self._masked(name, caption, total_column=total_column).text(), caption)

    def _bar_chart(self, name: str, title: str, caption: str):
        return bar_chart(self._masked(name, title), title=title, caption=caption)

    def suppression_note(self) -> Paragraph:
        return Paragraph(self.policy.note())

    def disclosure_annex(self) -> Parts:
        """Annex: what the public version hides and why, one paragraph per kind of count."""
        return Parts(tuple(Paragraph(line) for line in self.policy.annex()))

    @registers
    def headline_section(self):
        sentences = headline_sentences(self.figures, self.policy)
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
        keys = ["new_complaints", "complaints", "statutory", "corporate", "stage1", "stage2", "stage3",
                "ombudsman_enquiries", "compliments"]
        return Table(self._headline_masked(table, keys), title)

    def _headline_masked(self, table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """The headline figures as published, registered under the same keys as the sentences and
        tables. Stages, and procedures, add up to the stage cases, so each group is protected as a
        line with a total (secondary suppression)."""
        from cfanalysis.publish.disclosure import PublishedCell, Relation, suppress

        p, where = self.policy, f"{self.financial_year} annual report, headline figures"
        kinds = {"ombudsman_enquiries": "ombudsman", "compliments": "compliments"}
        key_of = dict(zip(table.index, keys))
        people = [label for label in table.index if key_of[label] not in kinds]
        counts = table.loc[people]
        shown = suppress(counts, p.threshold if p.hides() else 0, mark=p.mark)
        groups = [[label for label in people if key_of[label] in group]
                  for group in (("complaints", "stage1", "stage2", "stage3"), ("complaints", "statutory", "corporate"))]
        changed = bool(p.hides())
        while changed:
            changed = False
            for column in table.columns:
                for rows in groups:
                    hidden = [bool(shown.hidden.at[r, column]) for r in rows]
                    if sum(hidden) == 1:
                        rest = [r for r, h in zip(rows, hidden) if not h]
                        shown.hidden.at[min(rest, key=lambda r: counts.at[r, column]), column] = True
                        changed = True
        for label in people:
            for column in table.columns:
                key, value = quantity(key_of[label], column), float(counts.at[label, column])
                if shown.small.at[label, column]:
                    cell = PublishedCell(key, where, 0, math.inf if p.mark else p.threshold - 1, protect=True)
                elif shown.hidden.at[label, column]:
                    cell = PublishedCell(key, where, 0 if p.mark else p.threshold, math.inf)
                else:
                    cell = PublishedCell(key, where, value, value)
                p.ledger.cells.append(cell)
        for column in table.columns:
            p.ledger.relations.append(Relation(quantity("complaints", column),
                                               tuple(quantity(f"stage{s}", column) for s in (1, 2, 3)), where))
            p.ledger.relations.append(Relation(quantity("complaints", column),
                                               (quantity("statutory", column), quantity("corporate", column)), where))
        out = table.astype(object).copy()
        out.loc[people] = shown.text()
        for label in table.index:
            if key_of[label] in kinds:
                out.loc[label] = [p.count(table.at[label, c], kind=kinds[key_of[label]],
                                          key=quantity(key_of[label], c), where=where) for c in table.columns]
        return out

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
        p = self.policy
        small = [p.share(c.successes, c.trials) is None for c in changes]
        if any(small) and p.hides():
            rates = hide_where_small(rates, small, [fy, interval], p.threshold, p.mark)
        small_before = [p.share(c.baseline_successes, c.baseline_trials) is None for c in changes]
        if has_baseline and any(small_before) and p.hides():
            rates = hide_where_small(rates, small_before, [by], p.threshold, p.mark)
        if has_baseline and p.hides() and any(a or b for a, b in zip(small, small_before)):
            rates = hide_where_small(rates, [a or b for a, b in zip(small, small_before)],
                                     ["Fisher's exact test p"], p.threshold, p.mark)
        return Table(rates, "Escalation between stages (share of complaints at one stage that went on to the next)")

    @registers
    def ombudsman_section(self):
        if not len(self.tables["ombudsman_decisions"]):
            return Paragraph(f"No Ombudsman enquiries were recorded in {self.financial_year}.")
        cases = self.breakdowns.ombudsman.cases.rename(columns=str.capitalize)
        cases["Decision"] = cases["Decision"].map(words.capitalised)
        cases["Category"] = cases["Category"].map(words.capitalised)
        # Each decision with its team and remedy describes one family's complaint: internal only.
        details = [] if self.policy.hides() else [Table(cases, "Each Ombudsman decision, with team, "
                                                               "subject and remedy where recorded", index=False)]
        return Parts((Paragraph(ombudsman_sentence(self.breakdowns.ombudsman, self.policy)),
                      self._count_table("ombudsman_decisions", f"Ombudsman decisions, {self.financial_year}"),
                      *details,
                      Paragraph("'Upheld' and 'not upheld' are the enquiries the council was asked to respond to; "
                                "the Ombudsman closed the others without a detailed investigation.")))

    @registers
    def teams_section(self):
        parts = [self._bar_chart("complaints_by_team", f"Complaints by team, {self.years_words}",
                                 "Complaints by team (all stages)."),
                 self._count_table("complaints_by_team", f"Complaints by team, {self.years_words}")]
        return Parts(tuple(parts))

    def _attitude_share(self) -> Paragraph:
        fy, by = self.financial_year, self.baseline_year
        return Paragraph(proportion_sentence(self.figures.attitude, self.policy,
                                             numerator=quantity("new_attitude", fy),
                                             denominator=quantity("new_complaints", fy),
                                             baseline_numerator=quantity("new_attitude", by),
                                             baseline_denominator=quantity("new_complaints", by)))

    @registers
    def categories_section(self):
        chart = self._bar_chart("complaints_by_category", f"What complaints were about, {self.years_words}",
                                "Complaints by category (all stages).")
        return Parts((self._attitude_share(), chart,
                      self._count_table("complaints_by_category", "Complaints by category")))

    @registers
    def outcomes_section(self):
        return Parts((self._count_table("outcomes_by_stage", f"Outcomes by stage, {self.financial_year}",
                                        total_column="Total"),
                      self._count_table("outcomes_by_team", f"Outcomes by team, {self.financial_year}",
                                        total_column="Total"),
                      Paragraph("Outcomes not yet decided, or not recorded, are shown as 'Not recorded' where "
                                "there are any.")))

    @registers
    def complainants_section(self):
        return self._count_table("complainant_types", "Who made the complaints")

    def _counts(self, table: pd.DataFrame, caption: str, *, name: str, kind: str = "complaints",
                total_row: str | None = None, totals: dict[str, str] | None = None) -> Table:
        """A table of counts as published (small counts hidden; no differences that would reveal them).

        ``totals`` maps a column to the key of the figure its cells add up to, published elsewhere
        (the year's compliments, a team's new complaints): the table then gets a Total row, is
        protected as a table with that margin, and the relation is registered for the audit.
        """
        p = self.policy
        if p.hides(kind):
            table = table.drop(columns=["Change"], errors="ignore")
            if totals and total_row is None:
                table = table.copy()
                table.loc["Total"] = table.sum()
                total_row = "Total"
        where = f"{self.financial_year} annual report, '{caption}'"
        shown = p.mask(table, kind=kind, total_row=total_row, name=name, year=self.financial_year, where=where)
        if p.hides(kind):
            from cfanalysis.publish.disclosure import Relation

            for column, key in (totals or {}).items():
                if column in table.columns:
                    p.ledger.relations.append(Relation(key, (cell_key(name, "Total", column, self.financial_year),),
                                                       where))
        return Table(shown.text(), caption)

    @registers
    def main_points_section(self):
        """Five or six plain-English main points, written from the data."""
        return Parts(tuple(Paragraph(point, kind="verdict" if i == 0 else "")
                           for i, point in enumerate(main_points(self))))

    @registers
    def team_section(self):
        """Why the team's complaints changed: what they were about, how they ended, earlier actions."""
        b, fy, by = self.breakdowns.team, self.financial_year, self.baseline_year
        if b is None or not self.figures.years.has_baseline:
            why = self.choice.sentence(self.policy) if self.choice is not None else ""
            return Paragraph(f"{self.team}'s complaints cannot be compared: there are no complaints for "
                             f"{by if not self.figures.years.has_baseline else self.team} in the data. {why}".strip())
        parts = [Paragraph(team_breakdown_sentence(b, self.policy), kind="verdict")]
        if self.choice is not None and not self.choice.named:
            parts.append(Paragraph(self.choice.sentence(self.policy)))
        if self.change is not None:
            small = self.policy.is_small(min(self.change.headline.count, self.change.headline.baseline_count))
            parts.append(Paragraph(f"{self.team}'s change is not tested here because its numbers are too small to "
                                   "publish." if small else self.change.summary()))
        captions = {"category": "what they were about", "outcome": "how they ended (at the last stage reached)",
                    "complainant_type": "who complained", "last_stage": "how far they went"}
        if self.policy.is_small(min(b.count, b.baseline_count)):
            # The team's total beside the service's and the other teams' would give it back.
            captions = {}
            parts.append(Paragraph(f"{self.team}'s new complaints are too few (fewer than {self.policy.threshold} in "
                                   "a year) to be broken down by subject, outcome or complainant in this public "
                                   "version."))
        for aspect, words_ in captions.items():
            parts.append(self._counts(b.tables[aspect], f"{self.team}'s new complaints, {words_}: {by} and "
                                                        f"{fy}, with the other teams together",
                                      name=f"team_{aspect}:{self.team}", totals=self._team_totals(aspect),
                                      kind="people" if aspect == "complainant_type" else "complaints"))
        parts.append(Paragraph(actions_follow_up(self.breakdowns.actions, self.policy, self.team)))
        earlier = self.breakdowns.actions.log
        earlier = earlier[(earlier["team"] == self.team) & (earlier["financial_year"] < fy)]
        if len(earlier):
            parts.append(self._actions_table(earlier, f"{self.team}'s earlier actions and their status"))
        parts.append(Paragraph("The team-change report (02) sets out the robustness checks, demand and staffing, "
                               "and when the change began."))
        return Parts(tuple(parts))

    def _year_totals(self, name: str) -> dict[str, str]:
        return {year: quantity(name, year) for year in (self.baseline_year, self.financial_year)}

    def _team_totals(self, aspect: str) -> dict[str, str]:
        """The figures a team breakdown's columns add up to: the team's new complaints, and the other
        teams' (the service's new complaints less the team's, a relation registered here)."""
        from cfanalysis.publish.disclosure import Relation

        name, totals = f"team_{aspect}:{self.team}", {}
        for year in (self.baseline_year, self.financial_year):
            team_key, others = quantity(f"new_complaints:{self.team}", year), f"Other teams, {year}"
            totals[year] = team_key
            others_key = cell_key(name, "Total", others, self.financial_year)
            self.policy.ledger.relations.append(Relation(quantity("new_complaints", year), (team_key, others_key),
                                                         f"{self.financial_year} annual report, {self.team}"))
        return totals

    @registers
    def attitude_section(self):
        """Staff attitude by team and by outcome, year on year: an incident or a message?"""
        a = self.breakdowns.attitude
        table = a.by_team[[c for c in a.by_team.columns if c.startswith("Attitude")]]
        table = table.rename(columns=lambda c: c.replace("Attitude, ", "")).copy()
        table.loc["Total"] = table.sum()
        return Parts((
            self._attitude_share(),
            Paragraph(attitude_upheld_sentence(a, self.policy), kind="verdict"),
            self._counts(table, "New complaints about staff attitude, by team", name="attitude_by_team",
                         total_row="Total"),
            Paragraph("What it means: an upheld complaint about attitude points to an incident to learn from; one "
                      "not upheld often carries a message about how a family experienced a decision. A share "
                      "upheld like that of other complaints suggests a mix of both; reading the complaints with "
                      "team managers is the way to tell them apart.")))

    def _replies(self, table: pd.DataFrame, caption: str, name: str) -> Table:
        """Replies and replies on time per year, masked with the replies late they leave (a
        small number late is as telling as a small number on time)."""
        p, out = self.policy, table.copy().astype(object)
        for year in (self.baseline_year, self.financial_year):
            replies, on_time = f"Replies, {year}", f"On time, {year}"
            if replies not in table.columns:
                continue
            parts = pd.DataFrame({"On time": table[on_time], "Late": table[replies] - table[on_time],
                                  "Replies": table[replies]}, index=table.index)
            masked = p.mask(parts, kind="replies", total_column="Replies", name=f"{name}@{year}", year=year,
                            where=f"{self.financial_year} annual report, '{caption}'").text()
            out[replies], out[on_time] = masked["Replies"], masked["On time"]
        return Table(out, caption)

    @registers
    def timeliness_section(self):
        """Replies on time by stage and by team, this year against last, with a sentence on each."""
        t = self.breakdowns.timeliness
        parts = [Paragraph(s) for s in timeliness_sentences(t, self.policy, by="stage")]
        parts.append(self._replies(t.by_stage, "Replies within the statutory timescale, by stage", "replies_by_stage"))
        parts.extend(Paragraph(s) for s in timeliness_sentences(t, self.policy, by="team"))
        parts.append(self._replies(t.by_team, "Replies within the timescale for their stage, by team",
                                   "replies_by_team"))
        parts.append(Paragraph(
            "Working days exclude weekends and England and Wales bank holidays; a reply on the next working day "
            f"counts as 1. Timescales: Stage 1, {STAGE_TIMESCALES[1]} working days (extendable to 20); Stage 2, "
            f"{STAGE_TIMESCALES[2]} (extendable to 65); Stage 3, {STAGE_TIMESCALES[3]} from the request to the "
            "council's response (the panel within 30, its report within 5, the response within 15). Shares are "
            "given only for groups of 5 replies or more."))
        return Parts(tuple(parts))

    @registers
    def compliments_section(self):
        c = self.breakdowns.compliments
        return Parts((Paragraph(compliments_sentence(c, self.policy)),
                      self._counts(c.by_team, "Compliments by team", name="compliments_by_team",
                                   kind="compliments", totals=self._year_totals("compliments")),
                      self._counts(c.by_month, "Compliments by month received", name="compliments_by_month",
                                   kind="compliments", totals=self._year_totals("compliments"))))

    def _actions_table(self, log: pd.DataFrame, caption: str) -> Table:
        table = log.rename(columns={"financial_year": "Year", "team": "Team", "theme": "Theme",
                                    "action": "What changed", "owner": "Owner", "status": "Status"})
        return Table(table.reset_index(drop=True), caption, index=False)

    @registers
    def actions_section(self):
        """Learning and actions: a log across years, and last year's actions followed up."""
        if not len(self.data.actions):
            return Paragraph("No learning and actions log was supplied with the data.")
        log = self.breakdowns.actions
        count = self.policy.count(len(log.of(self.financial_year)), "action", kind="actions")
        parts = [Paragraph(f"{words.capitalised(count)} came from complaints received in {self.financial_year}. "
                           + actions_follow_up(log, self.policy))]
        if len(log.log):
            parts.append(self._actions_table(log.log, "Learning and actions log, every year to date"))
        if log.unmatched:
            parts.append(Paragraph(f"{log.unmatched} actions name a complaint reference that is not in the "
                                   "complaints data, so they are not in the log."))
        return Parts(tuple(parts))

    def _comparators_source(self) -> Paragraph:
        info = self.data.comparators_info
        if not info:
            return Paragraph("Where the comparators come from is not recorded (no comparators.json with the "
                             "data), so treat the comparison with care.")
        said = [f"Source: {info['source']}" if info.get("source") else "",
                f"What is counted: {info['definition']}" if info.get("definition") else "",
                f"Denominator: {info['denominator']}" if info.get("denominator") else "",
                f"Why this base: {info['rate_base']}" if info.get("rate_base") else ""]
        years = info.get("financial_years")
        if years and self.financial_year not in years:
            covered = words.joined(list(map(str, years)))
            said.append(f"The comparators file covers {covered}, not {self.financial_year}.")
        return Paragraph(" ".join(s.rstrip(".") + "." for s in said if s))

    def _uphold_parts(self):
        u = self.breakdowns.uphold
        if u is None:
            yield Paragraph(self.breakdowns.uphold_problem or "The comparators hold no uphold figures.")
            return
        yield Paragraph(u.summary())
        table = u.to_frame().rename(columns={"authority": "Authority", "complaints": "Complaints",
                                              "upheld": "Upheld", "rate": "Share upheld",
                                              "ci_low": "95% lower", "ci_high": "95% upper"})
        yield Table(table, f"Share of complaints upheld in full or in part, {self.financial_year} "
                           "(Wilson intervals)", index=False,
                    formats={c: words.percent for c in ("Share upheld", "95% lower", "95% upper")})

    @registers
    def benchmarking_section(self):
        from cfanalysis.analysis.counts import escalation

        p = self.policy
        parts = [self._comparators_source()]
        parts += [Paragraph(self.funnel_problem)] if self.funnel is None else list(self._funnel_parts())
        parts += list(self._uphold_parts())
        bench = year_on_year(self.data, self.financial_year)
        where = f"{self.financial_year} annual report, this council year on year"
        shares = []
        for year in bench.index:
            counts = escalation(self.data.complaints, year, from_stage=1)
            shares.append(p.share(counts["escalated"], counts["complaints"], where=where,
                                  numerator_key=quantity("escalated_to_2", year),
                                  denominator_key=quantity("stage1", year)) or p.mark or "not shown")
        bench["Stage 2 escalation"] = shares
        for column, name, kind in (("Complaints", "complaints", "complaints"),
                                   ("Compliments", "compliments", "compliments"),
                                   ("Ombudsman enquiries", "ombudsman_enquiries", "ombudsman")):
            bench[column] = [p.count(v, kind=kind, key=quantity(name, year), where=where)
                             for year, v in bench[column].items()]
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
                    formats={"Complaints": lambda v: self.policy.count(v, kind="comparators"), denominator: "{:,.0f}"})

    def definitions_section(self):
        """Annex: new complaints against stage cases, and the glossary."""
        glossary = pd.DataFrame({"Meaning": list(GLOSSARY.values())},
                                index=pd.Index(list(GLOSSARY), name="Term"))
        return Parts((Paragraph(NEW_COMPLAINTS), Table(glossary, "Glossary")))

    def methods_section(self):
        """Annex: how the figures were worked out, and how many rows they rest on."""
        f = self.figures
        return Parts((
            Paragraph("Changes in counts are compared as rates with the E-test and a 95% score interval; shares "
                      "(escalation, staff attitude, uphold rates) with Wilson intervals and Fisher's exact test. "
                      "The strength of evidence is given in bands of the p-value (below 0.001 very strong, 0.01 "
                      "strong, 0.05 moderate, 0.1 weak, otherwise little or no evidence), never as a bright line; "
                      "with counts this small an interval is wide, and no change is ever called 'no change' on "
                      "a test alone."),
            Paragraph(f"The figures rest on {f.rows_accepted:,} of the {f.rows_read:,} rows read from the input "
                      f"files; {f.rows_excluded:,} were excluded for the reasons in the row reconciliation."),
            *self.disclosure_annex().parts))


def annual_report(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                  policy: DisclosurePolicy | None = None, team: str | None = None,
                  denominator: str = "children_in_need", authority: str | None = None,
                  confidence_level: float = 0.95) -> AnnualReport:
    """Everything notebook 03 shows, computed once.

    Parameters
    ----------
    policy
        The run's :class:`~cfanalysis.publish.disclosure.DisclosurePolicy` (default: internal, every
        count shown); build it with :func:`cfanalysis.disclosure_policy` from the audience.
    team
        The team whose change is summarised in the team section; None (the default): the team
        whose new complaints rose most, judged as picked after looking
        (:func:`cfanalysis.publish.team.choose_team`).
    denominator, authority
        Comparators column for the funnel plot, and this council's name in that table
        (default: the ``authority`` named in ``dataset.json``, if any).

    Raises
    ------
    ParameterError
        When the year or the team has no complaints (the message lists those that have).
    """
    policy = policy or disclosure_policy()
    years = compare_years(data.complaints, financial_year, baseline_year)
    financial_year = years.financial_year
    choice = choose_team(data, financial_year, team=team, baseline_year=baseline_year)
    team = choice.team
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
    breakdowns = _breakdowns(data, years, team, authority, confidence_level)
    return AnnualReport(data, figures, policy, team, change, result, problem, authority, breakdowns, choice=choice)
