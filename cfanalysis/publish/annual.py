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
from cfanalysis.analysis.counts import NEW_COMPLAINTS, in_financial_year
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
from cfanalysis.analysis.learning import action_effects
from cfanalysis.analysis.rates import CountComparison
from cfanalysis.analysis.results import share_of
from cfanalysis.analysis.tables import year_on_year
from cfanalysis.analysis.teams import TeamChange
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.parameters import ParameterError, check_team
from cfanalysis.publish.charts import bar_chart, funnel_chart
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.paper import CoverSheet
from cfanalysis.publish.story import (READING_NOTE, event_lines, evidence_words, possessive, size_words,
                                      team_lines, team_verdict)
from cfanalysis.publish.suppression import hide_where_small, suppress
from cfanalysis.publish.team import TeamQuestion, team_question

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
    return text + f": {size_words(change.ratio, change.ci_low, change.ci_high)}; {evidence_words(change.pvalue)}."


def share_change_sentence(change, suppress_below: int) -> str:
    """A share this year against last, in words and figures (the test is in the annex)."""
    what, fy = words.capitalised(change.what), change.financial_year
    if not change.trials:
        return f"{what}: there were none to measure in {fy}."
    if change.too_small(suppress_below):
        return (f"{what}: not shown for {fy}, because a share of so few complaints (fewer than {suppress_below}) "
                "could identify people.")
    now = (f"{words.percent(change.share)} in {fy} ({words.count(change.successes, suppress_below)} of "
           f"{words.count(change.trials, suppress_below)}; plausibly {words.percent(change.ci_low)} to "
           f"{words.percent(change.ci_high)})")
    if not change.baseline_trials:
        return f"{what}: {now}."
    return (f"{what}: {now}, against {words.percent(change.baseline_share)} in {change.baseline_year}; "
            f"{evidence_words(change.pvalue)}.")


def headline_sentences(figures: AnnualFigures, *, suppress_below: int = 0) -> list[str]:
    """Plain-English sentences for the headline section, in report order."""
    now, before, years = figures.now, figures.before, figures.years
    sentences = [count_change_sentence("new complaints (statutory and corporate procedures, each counted once)",
                                       now.new_complaints, before.new_complaints, figures.complaints_change,
                                       years, suppress_below)]
    sentences.append(f"Workload: the complaints team handled {words.count(now.complaints, suppress_below)} stage "
                     f"cases in {years.financial_year} (a complaint counted again at each stage it reached)"
                     + (f", against {words.count(before.complaints, suppress_below)} in {years.baseline_year}."
                        if years.has_baseline else "."))
    sentences.append(f"Of these stage cases, {words.count(now.by_procedure.get('statutory', 0), suppress_below)} "
                     "were under the statutory children's social care procedure and "
                     f"{words.count(now.by_procedure.get('corporate', 0), suppress_below)} under the corporate "
                     "procedure.")
    sentences.append(share_change_sentence(figures.escalation_1_2, suppress_below))
    sentences.append(share_change_sentence(figures.escalation_2_3, suppress_below))
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
    effects: pd.DataFrame | None = None  # each action with its theme's complaints before and since


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
    actions = actions_log(data.actions, c, years)
    return Breakdowns(
        team=team_breakdown(c, team, years) if team in teams else None,
        attitude=attitude_breakdown(c, years, confidence_level=confidence_level),
        timeliness=timeliness_change(c, years),
        compliments=compliments_breakdown(data.compliments, years, teams=teams),
        ombudsman=ombudsman_cases(data.ombudsman, years.financial_year),
        actions=actions, uphold=uphold, uphold_problem=problem,
        upheld=int(outcomes["upheld"].sum()) if len(outcomes) else 0,
        effects=action_effects(actions.log, c, years) if len(actions.log) else None)


def main_points(report: AnnualReport) -> list[str]:
    """Five or six short plain-English main points: what changed, how big, how sure, what it means."""
    f, b, n = report.figures, report.breakdowns, report.suppress_below
    now, before, fy, by = f.now, f.before, report.financial_year, report.baseline_year
    count = lambda v: words.count(v, n)  # noqa: E731
    points = []
    text = (f"Children's Services received {count(now.new_complaints)} new complaints in {fy} (the headline "
            "measure in this report: each complaint counted once, when it was first received, under either "
            "procedure)")
    if f.complaints_change is not None:
        c = f.complaints_change
        text += (f", against {count(before.new_complaints)} in {by} ({words.times(c.ratio)}; "
                 f"{evidence_words(c.pvalue)}).")
    points.append(text if text.endswith(".") else text + ".")
    q = report.question
    if q is not None and q.change is not None and b.team is not None:
        h, small = q.change.headline, min(q.change.headline.count, q.change.headline.baseline_count) < n
        if not small:
            points.append(f"{report.team}: {count(h.count)} new complaints against {count(h.baseline_count)} in "
                          f"{by} ({words.times(h.ratio)}). {team_verdict(q)}")
    points.append(f"{count(b.upheld)} of the {count(now.new_complaints)} new complaints "
                  f"({words.percent(share_of(b.upheld, now.new_complaints))}) were upheld in full or in part.")
    stage1 = b.timeliness.by_stage.loc["Stage 1"] if "Stage 1" in b.timeliness.by_stage.index else None
    if stage1 is not None and stage1[f"Replies, {fy}"]:
        replies, on_time = int(stage1[f"Replies, {fy}"]), int(stage1[f"On time, {fy}"])
        points.append(f"{count(replies - on_time)} of {count(replies)} Stage 1 replies were later than "
                      f"{STAGE_TIMESCALES[1]} working days; {count(on_time)} "
                      f"({words.percent(share_of(on_time, replies))}) were on time.")
    a, most = f.attitude, max(now.by_category.values(), default=0)
    if a.trials and not a.too_small(n):
        points.append(f"Staff attitude was the subject of {count(a.successes)} new complaints "
                      f"({words.percent(a.share)})" + (", more than any other subject" if now.attitude == most else "")
                      + "; the staff attitude section compares how often they were upheld with other complaints.")
    points.append(f"Compliments: {count(now.compliments)} in {fy}"
                  + (f" against {count(before.compliments)} in {by}" if f.years.has_baseline else "")
                  + f". The Ombudsman upheld {count(now.ombudsman_decisions.get('upheld', 0))} complaint"
                  + ("" if now.ombudsman_decisions.get("upheld", 0) == 1 else "s") + ".")
    return points[:6]


TEAM_TABLES = {"category": "what they were about", "outcome": "how they ended (at the last stage reached)",
               "complainant_type": "who complained", "last_stage": "how far they went"}
COMPARABILITY = ("A warning on comparing councils: councils count complaints very differently (what is logged as a "
                 "complaint rather than a concern, whether corporate complaints are included, when a complaint is "
                 "counted), and published annual reports range from under 10 to several hundred Stage 1 complaints "
                 "a year for councils of similar size. Read the comparison as a prompt for questions, not a league "
                 "table.")
# The Ombudsman's published measures, as optional numeric columns of the comparators file (percentages).
OMBUDSMAN_MEASURES = {"lgsco_upheld_percent": "Ombudsman: complaints upheld",
                      "lgsco_compliance_percent": "Ombudsman: recommendations complied with",
                      "lgsco_satisfactory_remedy_percent": "Ombudsman: satisfactory remedy by the council"}


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _largest_change_title(table: pd.DataFrame, what: str, suppress_below: int = 0) -> str:
    """A chart title that states the finding: the group whose count changed most."""
    body = table.drop(index="Total", errors="ignore")
    if len(body.columns) < 2 or not len(body):
        return f"New complaints by {what}"
    by, fy = body.columns[-2], body.columns[-1]
    change = body[fy] - body[by]
    group = change.abs().idxmax()
    if not change[group]:
        return f"No {what}'s new complaints changed from {by} to {fy}"
    return (f"{group} changed most: {words.count(body.loc[group, by], suppress_below)} to "
            f"{words.count(body.loc[group, fy], suppress_below)}")


def _commonest_title(table: pd.DataFrame) -> str:
    """'Attitude or behaviour of staff was the commonest subject': the finding of the subjects chart."""
    body = table.drop(index="Total", errors="ignore")
    if not len(body):
        return "New complaints by subject"
    fy = body.columns[-1]
    top = body[fy].idxmax()
    return f"Commonest in {fy}: {str(top).lower()}"


def _effect_words(row: pd.Series, suppress_below: int) -> str:
    """'1 in 2018-19, 3 since (rose)': the team's complaints on an action's theme, before and since."""
    if row["category"] is None:
        return "theme matches no complaint category"
    if not row["years_since"]:
        return "too early to tell"
    text = (f"{words.count(row['before'], suppress_below)} in {row['financial_year']}, "
            f"{words.count(row['since'], suppress_below)} since")
    return text + (" (rose)" if row["rose"] and not suppress_below else "")


def follow_up_remarks(effects: pd.DataFrame, baseline_year: str, suppress_below: int = 0) -> list[str]:
    """A sentence for each of last year's complete actions whose theme's complaints rose since."""
    rows = effects[(effects["financial_year"] == baseline_year) & effects["rose"]
                   & effects["status"].str.lower().str.startswith("complete")]
    remarks = []
    for _, row in rows.iterrows():
        if suppress_below and min(row["before"], row["since"]) < suppress_below:
            remarks.append(f"A {baseline_year} action for {row['team']} on {str(row['theme']).lower()} is marked "
                           "complete, but complaints on that theme have not fallen since; worth reviewing.")
            continue
        remarks.append(f"The {baseline_year} action for {row['team']} on {str(row['theme']).lower()} is marked "
                       f"complete, but {possessive(row['team'])} complaints about {row['category']} went from "
                       f"{words.count(row['before'], suppress_below)} to {words.count(row['since'], suppress_below)}: "
                       "the action may not have had the effect hoped for, or other things changed; worth "
                       "reviewing with the team.")
    return remarks


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
    breakdowns: Breakdowns | None = None
    question: TeamQuestion | None = None  # the team question, as report 02 answers it (one verdict)

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

    def cover_sheet(self) -> CoverSheet:
        """The committee cover sheet: purpose, recommendation (to note), implications, author and date."""
        from cfanalysis.publish.run import data_date

        info, fy, n = self.data.info or {}, self.financial_year, self.suppress_below
        committee = str(info.get("committee") or "the scrutiny panel")
        author = str(info.get("author") or info.get("contact") or "not recorded (add 'author' to dataset.json)")
        remedies = self.breakdowns.ombudsman.cases["remedy"]
        remedies = [r for r in remedies if r]
        money = (f"The Ombudsman's remedies this year: {'; '.join(remedies)}." if remedies and not n else
                 "No Ombudsman remedy with a cost was recorded this year." if not remedies else
                 "Remedies are listed in the Ombudsman section.")
        rows = (
            ("Report to", committee),
            ("Purpose", f"To inform {committee} of the complaints, representations and compliments Children's "
                        f"Services received in {fy}, what they show and what was learnt from them, as regulation "
                        "13 of the Children Act 1989 Representations Procedure (England) Regulations 2006 asks."),
            ("Recommendation", f"That {committee} notes the report (for information: no decision is asked for)."),
            ("Summary", main_points(self)[0]),
            ("Financial implications", f"None arising from this report. {money}"),
            ("Legal implications", "The report is the annual report the 2006 Regulations require; it does not "
                                   "identify any complainant."),
            ("Equalities implications", "Who complains, by age, sex, ethnicity and disability, is reported where "
                                        "it is recorded, with small numbers hidden in the public version."),
            ("Author", author),
            ("Date", f"Figures as at {data_date(self.data, None)}"),
        )
        return CoverSheet(f"Cover sheet: annual complaints and feedback report, {fy}", rows)

    def suppression_note(self) -> Paragraph:
        if self.suppress_below:
            return Paragraph(f"To protect the people involved, every count below {self.suppress_below} is "
                             f"shown as 'fewer than {self.suppress_below}', and where a total would let a "
                             "hidden number be worked out, another number is marked 'not shown' too.")
        return Paragraph("Counts are shown in full, including small ones.")

    def headline_section(self):
        sentences = headline_sentences(self.figures, suppress_below=self.suppress_below)
        return Parts((Paragraph(sentences[0], kind="verdict"), *[Paragraph(s) for s in sentences[1:]],
                      self._headline_table(), self._escalation_table()))

    def _headline_table(self) -> Table:
        years, fy, by = self.figures.years, self.financial_year, self.baseline_year
        rows = {"New complaints (each counted once)": lambda y: y.new_complaints,
                "Workload: stage cases (all stages)": lambda y: y.complaints,
                "Workload: statutory procedure": lambda y: y.by_procedure.get("statutory", 0),
                "Workload: corporate procedure": lambda y: y.by_procedure.get("corporate", 0),
                **{f"Workload: Stage {s} cases": (lambda y, s=s: y.by_stage[s]) for s in (1, 2, 3)},
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
            "Evidence of a change": [words.capitalised(words.strength(c.pvalue)) for c in changes]},
            index=pd.Index(["Stage 1 to Stage 2", "Stage 2 to Stage 3"], name="Escalation"))
        if not has_baseline:
            rates = rates.drop(columns=[by, "Evidence of a change"])
        small = [c.too_small(self.suppress_below) for c in changes]
        if any(small):
            rates = hide_where_small(rates, small, [fy, interval], self.suppress_below)
        return Table(rates, "Escalation between stages (share of complaints at one stage that went on to the next)")

    def ombudsman_section(self):
        if not len(self.tables["ombudsman_decisions"]):
            return Paragraph(f"No Ombudsman enquiries were recorded in {self.financial_year}.")
        cases = self.breakdowns.ombudsman.cases.rename(columns=str.capitalize)
        cases["Decision"] = cases["Decision"].map(words.capitalised)
        cases["Category"] = cases["Category"].map(words.capitalised)
        return Parts((Paragraph(self.breakdowns.ombudsman.summary(self.suppress_below)),
                      self._count_table("ombudsman_decisions", f"Ombudsman decisions, {self.financial_year}"),
                      *([] if self.suppress_below else [Table(cases, "Each Ombudsman decision, with team, "
                                                                     "subject and remedy where recorded",
                                                              index=False)]),
                      Paragraph("'Upheld' and 'not upheld' are the enquiries the council was asked to respond to; "
                                "the Ombudsman closed the others without a detailed investigation.")))

    def teams_section(self):
        """New complaints by team: a chart whose title states the finding, and the table."""
        title = _largest_change_title(self.tables["new_complaints_by_team"], "team", self.suppress_below)
        return Parts((self._bar_chart("new_complaints_by_team", title,
                                      f"New complaints by team, {self.years_words} (each complaint counted once)."),
                      self._count_table("new_complaints_by_team", f"New complaints by team, {self.years_words}")))

    def categories_section(self):
        table = self.tables["new_complaints_by_category"]
        return self._count_table("new_complaints_by_category", f"{_commonest_title(table)}: new complaints by "
                                                               f"subject, {self.years_words}")

    def outcomes_section(self):
        fy = self.financial_year
        return Parts((self._count_table("new_complaints_outcomes_by_team", f"New complaints by team and outcome, "
                                        f"{fy} (the outcome at the last stage each reached)", total_column="Total"),
                      self._count_table("outcomes_by_stage", f"Workload: outcomes at each stage, {fy} (stage cases: "
                                        "a complaint counted again at each stage it reached)", total_column="Total"),
                      Paragraph("Outcomes not yet decided, or not recorded, are shown as 'Not recorded' where "
                                "there are any.")))

    def complainants_section(self):
        return self._count_table("new_complaints_by_complainant",
                                 f"Who made the new complaints, {self.years_words}")

    def _counts(self, table: pd.DataFrame, caption: str) -> Table:
        """A table of counts as published (small counts hidden; no differences that would reveal them)."""
        if self.suppress_below:
            table = table.drop(columns=["Change"], errors="ignore")
        return Table(suppress(table, self.suppress_below).text(), caption)

    def main_points_section(self):
        """Five or six plain-English main points, written from the data."""
        points = main_points(self)
        return Parts((*(Paragraph(point, kind="verdict" if i == 0 else "") for i, point in enumerate(points)),
                      Paragraph(READING_NOTE, kind="note")))

    def team_section(self):
        """The team question in three plain lines, then what the complaints were about and earlier actions."""
        b, q, n = self.breakdowns.team, self.question, self.suppress_below
        fy, by = self.financial_year, self.baseline_year
        if b is None or q is None or q.change is None:
            reason = (f"there are no complaints for {by if not self.figures.years.has_baseline else self.team} "
                      "in the data.")
            return Paragraph(f"{possessive(self.team)} complaints cannot be compared: {reason}")
        parts = [Paragraph(line, kind="verdict") for line in team_lines(q, b, suppress_below=n)]
        detail = b.summary(n).split(". ", 1)  # its first sentence repeats the size, given above
        if len(detail) == 2:
            parts.append(Paragraph("What they were about: " + detail[1][0].lower() + detail[1][1:]))
        parts.extend(self._team_learning(fy, by))
        for aspect, words_ in TEAM_TABLES.items():
            if aspect != "last_stage":  # how far they went: in the appendix (team_appendix)
                caption = (f"{possessive(self.team)} new complaints, {words_}: {by} and {fy}, with the other "
                           "teams together")
                parts.append(self._counts(b.tables[aspect], caption))
        parts.append(Paragraph("The team-change report (02) has the month-by-month chart, every team's figures "
                               "and how the verdict was reached."))
        return Parts(tuple(parts))

    def team_appendix(self):
        """Appendix: how far the team's new complaints went."""
        b = self.breakdowns.team
        if b is None:
            return Paragraph(f"There are no complaints for {self.team} to show.")
        caption = (f"{possessive(self.team)} new complaints, {TEAM_TABLES['last_stage']}: {self.baseline_year} and "
                   f"{self.financial_year}, with the other teams together")
        return self._counts(b.tables["last_stage"], caption)

    def _team_learning(self, fy: str, by: str) -> list:
        """What was done after earlier complaints to the team, and whether complaints on its theme fell."""
        log, n = self.breakdowns.actions, self.suppress_below
        parts = [Paragraph("What was done before: " + log.follow_up(self.team, n))]
        effects = self.breakdowns.effects
        if effects is None or not len(effects):
            return parts
        mine = effects[(effects["team"] == self.team) & (effects["financial_year"] < fy)]
        parts.extend(Paragraph(r) for r in follow_up_remarks(mine, by, n))
        if len(mine):
            caption = f"{possessive(self.team)} earlier actions, their status and complaints on their theme since"
            table = self._actions_table(mine, caption, effects=True)
            parts.append(table)
        return parts

    def attitude_section(self):
        """Staff attitude by team and by outcome, year on year: an incident or a message?"""
        a = self.breakdowns.attitude
        table = a.by_team[[c for c in a.by_team.columns if c.startswith("Attitude")]]
        table = table.rename(columns=lambda c: c.replace("Attitude, ", "")).copy()
        table.loc["Total"] = table.sum()
        return Parts((
            Paragraph(share_change_sentence(self.figures.attitude, self.suppress_below), kind="verdict"),
            Paragraph(self._attitude_upheld(), kind="verdict"),
            Table(suppress(table, self.suppress_below, total_row="Total").text(),
                  "New complaints about staff attitude, by team"),
            Paragraph("What it means: an upheld complaint about attitude points to an incident to learn from; one "
                      "not upheld often carries a message about how a family experienced a decision. A share "
                      "upheld like that of other complaints suggests a mix of both; reading the complaints with "
                      "team managers is the way to tell them apart.")))

    def _attitude_upheld(self) -> str:
        """How often attitude complaints were upheld against other complaints, in words and figures."""
        a, n, fy, by = self.breakdowns.attitude, self.suppress_below, self.financial_year, self.baseline_year
        if fy not in a.upheld.index or not a.upheld.loc[fy, "attitude"]:
            return f"No new complaints about staff attitude were received in {fy}."

        def year(y: str) -> str:
            row = a.upheld.loc[y]
            return (f"{words.count(row['attitude_upheld'], n)} of {words.count(row['attitude'], n)} complaints about "
                    f"staff attitude were upheld in full or in part "
                    f"({words.percent(share_of(row['attitude_upheld'], row['attitude']))}), against "
                    f"{words.count(row['other_upheld'], n)} of {words.count(row['other'], n)} other complaints "
                    f"({words.percent(share_of(row['other_upheld'], row['other']))})")
        text = (f"In {fy}, {year(fy)}: "
                f"{evidence_words(a.upheld.loc[fy, 'pvalue'], 'a real difference in how often they are upheld')}.")
        if by in a.upheld.index and a.upheld.loc[by, "attitude"]:
            text += f" In {by}, {year(by)}."
        return text

    def tests_annex(self) -> Table:
        """Annex: the test behind each evidence phrase of the body, with its estimate, interval and p-value."""
        f, level = self.figures, words.level(self.figures.confidence_level)
        rows = []
        if f.complaints_change is not None:
            c = f.complaints_change
            rows.append(("New complaints, this year against last", "E-test on the rate ratio, score interval",
                         c.ratio, c.ci_low, c.ci_high, c.pvalue))
        q = self.question
        if q is not None and q.change is not None:
            _, est, low, high = q.change.trusted
            rows.append((f"{possessive(self.team)} new complaints (the verdict)", q.change.verdict_basis, est, low,
                         high, q.change.verdict_pvalue))
        for what, p in (("Stage 1 to Stage 2 escalation", f.escalation_1_2), ("Stage 2 to Stage 3 escalation",
                                                                               f.escalation_2_3),
                        ("Share about staff attitude", f.attitude)):
            if p.trials and p.baseline_trials and not p.too_small(self.suppress_below):
                rows.append((what, "Fisher's exact test; Wilson interval for this year's share", p.share, p.ci_low,
                             p.ci_high, p.pvalue))
        a = self.breakdowns.attitude
        if self.financial_year in a.upheld.index:
            rows.append(("Attitude complaints upheld against others", "Fisher's exact test", float("nan"),
                         float("nan"), float("nan"), a.upheld.loc[self.financial_year, "pvalue"]))
        if f.compliments_change is not None:
            c = f.compliments_change
            rows.append(("Compliments, this year against last", "E-test on the rate ratio, score interval",
                         c.ratio, c.ci_low, c.ci_high, c.pvalue))
        def shown(row):
            fmt = words.percent if "Fisher" in row[1] and "Wilson" in row[1] else words.ratio
            return [row[0], row[1], *("" if pd.isna(v) else fmt(v) for v in row[2:5]), words.p_value(row[5])]
        table = pd.DataFrame([shown(r) for r in rows],
                             columns=["Finding", "Method", "Estimate", f"{level} low", f"{level} high", "p-value"])
        return Table(table, "The tests behind the evidence words in the body of the report (estimates are rate "
                            "ratios, or this year's share)", index=False)

    def timeliness_section(self):
        """Replies on time by stage and by team, this year against last, with a sentence on each."""
        from cfanalysis.publish.statutory import timescale_lines

        t, n = self.breakdowns.timeliness, self.suppress_below
        parts = [Paragraph(s, kind="verdict") for s in t.stage_sentences(n)[:1]]
        parts += [Paragraph(s) for s in timescale_lines(self)]  # every stage: extended timescale, median days
        parts.append(self._counts(t.by_stage, "Replies within the statutory timescale, by stage"))
        parts.append(self._counts(t.by_team, "Replies within the timescale for their stage, by team"))
        parts.append(Paragraph(
            "Working days exclude weekends and bank holidays. Timescales: Stage 1, "
            f"{STAGE_TIMESCALES[1]} working days (extendable to 20); Stage 2, {STAGE_TIMESCALES[2]} (to 65); "
            f"Stage 3, {STAGE_TIMESCALES[3]} from request to response. Shares only for 5 replies or more.",
            kind="note"))
        return Parts(tuple(parts))

    def statutory_section(self):
        """Timescales and average days, Stage 3 panels, remedies, advocacy, the procedure (publish/statutory.py)."""
        from cfanalysis.publish.statutory import statutory_section

        return statutory_section(self)

    def statutory_appendix(self):
        from cfanalysis.publish.statutory import statutory_appendix

        return statutory_appendix(self)

    def compliments_section(self):
        c = self.breakdowns.compliments
        return Parts((Paragraph(c.summary(self.suppress_below)),
                      self._counts(c.by_team, f"Compliments by team, {self.years_words}")))

    def compliments_appendix(self):
        """Appendix: compliments by month received."""
        return self._counts(self.breakdowns.compliments.by_month,
                            f"Compliments by month received, {self.years_words}")

    def event_answer(self, question) -> Parts:
        """A before-and-after question in words and figures (its tests: ``question.answer()``, in the annex)."""
        lines = event_lines(question)
        return Parts((Paragraph(lines[0], kind="verdict"), *(Paragraph(t) for t in lines[1:])))

    def _actions_table(self, log: pd.DataFrame, caption: str, *, effects: bool = False) -> Table:
        """The actions as a table; with ``effects``, the team's complaints on the theme before and since."""
        columns = {"financial_year": "Year", "team": "Team", "theme": "Theme", "action": "What changed",
                   "owner": "Owner", "due_date": "Due", "status": "Status"}
        table = log.reindex(columns=[c for c in columns if c in log.columns]).rename(columns=columns)
        if "Due" in table:
            table["Due"] = [f"{d:%-d %b %Y}" if isinstance(d, pd.Timestamp) else "" for d in table["Due"]]
        if effects:
            table["Complaints on the theme (team)"] = [_effect_words(row, self.suppress_below)
                                                       for _, row in log.iterrows()]
        return Table(table.reset_index(drop=True), caption, index=False)

    def actions_section(self):
        """Learning and actions: a log across years, and last year's actions followed up."""
        if not len(self.data.actions):
            return Paragraph("No learning and actions log was supplied with the data.")
        log, effects = self.breakdowns.actions, self.breakdowns.effects
        this_year = len(log.of(self.financial_year))
        count = words.count(this_year, self.suppress_below)
        parts = [Paragraph(f"{count} action{'' if this_year == 1 else 's'} came from complaints received in "
                           f"{self.financial_year}. " + log.follow_up(suppress_below=self.suppress_below))]
        if effects is not None:
            parts.extend(Paragraph(r) for r in follow_up_remarks(effects, self.baseline_year, self.suppress_below))
        if len(log.log):
            parts.append(self._actions_table(effects if effects is not None else log.log,
                                             "You said, we did: learning and actions, every year to date, with "
                                             "the team's complaints on each theme before and since",
                                             effects=effects is not None))
            parts.append(Paragraph("'Before' counts the team's new complaints on the action's theme in the year "
                                   "of the complaint that led to it; 'since' counts them in the years after, up "
                                   f"to {self.financial_year}. Counts this small move by chance, so read them as "
                                   "a prompt for review, not a verdict on the action."))
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
        table = u.to_frame()
        mine = table[table["authority"] == self.authority]
        if not len(mine):
            yield Paragraph(f"In {self.financial_year}, councils upheld {words.percent(u.pooled_rate)} of their "
                            "complaints in full or in part; this council is not in the comparators table.")
            return
        row, rank = mine.iloc[0], int(mine.index[0]) + 1
        where = ("higher than the others together, by more than chance would usually give" if row["ci_low"] >
                 u.pooled_rate else "lower than the others together, by more than chance would usually give"
                 if row["ci_high"] < u.pooled_rate else "in the range chance would give around the others' share")
        yield Paragraph(f"{self.authority} upheld {words.percent(row['rate'])} of its complaints in full or in part "
                        f"({words.count(row['upheld'], self.suppress_below)} of "
                        f"{words.count(row['complaints'], self.suppress_below)}; plausibly "
                        f"{words.percent(row['ci_low'])} to {words.percent(row['ci_high'])}), "
                        f"the {_ordinal(rank)} highest of "
                        f"{len(table)} councils, against {words.percent(u.pooled_rate)} across the others: {where}.")

    def benchmarking_section(self):
        """Where the council sits among its comparators: rank, the funnel, uphold share, a warning."""
        parts = [Paragraph(COMPARABILITY, kind="note"), self._comparators_source()]
        parts += [Paragraph(self.funnel_problem)] if self.funnel is None else list(self._funnel_parts())
        parts += list(self._uphold_parts())
        parts += list(self._ombudsman_measures())
        bench = year_on_year(self.data, self.financial_year)
        bench["Stage 2 escalation"] = bench["Stage 2 escalation"].map(words.percent)
        for column in ("Complaints", "Compliments", "Ombudsman enquiries"):
            bench[column] = [words.count(v, self.suppress_below) for v in bench[column]]
        parts.append(Table(bench.rename(columns={"Complaints": "Stage cases (workload)"}),
                           "This council year on year (local benchmarks)"))
        parts.append(Paragraph("Every council's figures are in the appendix."))
        return Parts(tuple(parts))

    def _measures_table(self) -> pd.DataFrame | None:
        """The Ombudsman's published measures for the year, as percentages, or None when the file has none."""
        c = self.data.comparators
        if not len(c):
            return None
        year = c[c["financial_year"] == self.financial_year]
        columns = [k for k in OMBUDSMAN_MEASURES if k in year.columns and year[k].notna().any()]
        if not columns:
            return None
        table = year[["authority", *columns]].copy()
        for column in columns:  # fractions (0.8) or percentages (80): shown as percentages
            table[column] = table[column].where(table[column] > 1, table[column] * 100)
        return table.reset_index(drop=True)

    def _ombudsman_measures(self):
        """The Ombudsman's measures for this council, with its rank and the comparators' median."""
        if not len(self.data.comparators):
            return
        table = self._measures_table()
        if table is None:
            yield Paragraph("The Ombudsman's published measures (uphold rate, compliance with its recommendations, "
                            "satisfactory remedy by the council) are not in the comparators file; add them as the "
                            "columns listed in data/README.md to compare them.")
            return
        mine = table[table["authority"] == self.authority]
        if not len(mine):
            return
        said = []
        for column in table.columns[1:]:
            value = mine[column].iloc[0]
            if pd.isna(value):
                continue
            rank, joint = int((table[column] > value).sum()) + 1, int((table[column] == value).sum()) > 1
            said.append(f"{OMBUDSMAN_MEASURES[column][len('Ombudsman: '):]} {value:.0f}% ("
                        f"{'joint ' if joint else ''}{_ordinal(rank)} highest of "
                        f"{table[column].notna().sum()}; median {table[column].median():.0f}%)")
        yield Paragraph(f"The Ombudsman's published measures for {self.authority}, {self.financial_year}: "
                        f"{'; '.join(said)}. Every council's measures are in the appendix.")

    def _funnel_parts(self):
        f = self.funnel
        what = f.denominator.replace("_", " ")
        table = f.to_frame().sort_values("rate", ascending=False, kind="stable").reset_index(drop=True)
        mine = table[table["highlight"]]
        if len(mine):
            row, rank = mine.iloc[0], int(mine.index[0]) + 1
            yield Paragraph(f"{self.authority} had {row['rate']:.1f} complaints per {f.per:,} {what} in "
                            f"{self.financial_year}, the {_ordinal(rank)} highest of {len(table)} councils "
                            f"(all councils together: {f.target:.1f}). That is {POSITIONS[row['position']][0]}: "
                            f"{POSITIONS[row['position']][1]}.", kind="verdict")
        else:
            yield Paragraph(f"Across {len(table)} councils the rate is {f.target:.1f} complaints per {f.per:,} {what}; "
                            "this council is not in the comparators table.")
        outside = f.outside_998()
        councils = "No council lies" if not outside else f"{outside} council{'s lie' if outside != 1 else ' lies'}"
        spread = (" Rates vary between councils more than chance alone would make them, so the limits are widened "
                  "to allow for it." if f.overdispersed else "")
        yield Paragraph(f"{councils} outside the 99.8% limits.{spread} "
                        "The limits are wide at these sizes, so the chart can show only a council far from the rest.")
        yield funnel_chart(f, caption=f"Complaints per {f.per:,} {what}, {self.financial_year}: each council "
                                      "against its size, with the range chance would give.")

    def benchmarking_appendix(self):
        """Appendix: every council's rate with its limits, and every council's uphold share."""
        parts = []
        if self.funnel is not None:
            f = self.funnel
            denominator = f.denominator.replace("_", " ").capitalize()
            table = f.to_frame()[["authority", "complaints", "denominator", "rate", "lower_95", "upper_95",
                                  "position"]].rename(columns={
                "authority": "Authority", "complaints": "Complaints", "denominator": denominator,
                "rate": f"Rate per {f.per:,}", "lower_95": "95% lower", "upper_95": "95% upper",
                "position": "Where it sits"})
            table["Where it sits"] = table["Where it sits"].map(lambda code: POSITIONS[code][0])
            rate = "{:.1f}".format
            parts.append(Table(table, f"Where each council sits, {self.financial_year}", index=False,
                               formats={"Complaints": lambda v: words.count(v, self.suppress_below),
                                        denominator: "{:,.0f}", f"Rate per {f.per:,}": rate, "95% lower": rate,
                                        "95% upper": rate}))
        u = self.breakdowns.uphold
        if u is not None:
            table = u.to_frame().rename(columns={"authority": "Authority", "complaints": "Complaints",
                                                  "upheld": "Upheld", "rate": "Share upheld",
                                                  "ci_low": "95% lower", "ci_high": "95% upper"})
            count = lambda v: words.count(v, self.suppress_below)  # noqa: E731  counts print as counts
            parts.append(Table(table, f"Share of complaints upheld in full or in part, {self.financial_year}",
                               index=False, formats={"Complaints": count, "Upheld": count,
                                                     **{c: words.percent for c in ("Share upheld", "95% lower",
                                                                                   "95% upper")}}))
        measures = self._measures_table()
        if measures is not None:
            percent = lambda v: "" if pd.isna(v) else f"{v:.0f}%"  # noqa: E731
            columns = {"authority": "Authority", **OMBUDSMAN_MEASURES}
            parts.append(Table(measures.rename(columns=columns), f"The Ombudsman's published measures, "
                                                                 f"{self.financial_year}", index=False,
                               formats={v: percent for v in OMBUDSMAN_MEASURES.values()}))
        return Parts(tuple(parts)) if parts else Paragraph("No comparators table was supplied.")

    def definitions_section(self):
        """Annex: new complaints against stage cases, and the glossary."""
        glossary = pd.DataFrame({"Meaning": list(GLOSSARY.values())},
                                index=pd.Index(list(GLOSSARY), name="Term"))
        return Parts((Paragraph(NEW_COMPLAINTS), Table(glossary, "Glossary")))

    def methods_section(self):
        """Annex: how the figures were worked out, and how many rows they rest on."""
        f = self.figures
        return Parts((self.tests_annex(),
            Paragraph("Changes in counts are compared as rates with the E-test and a 95% score interval; shares "
                      "(escalation, staff attitude, uphold rates) with Wilson intervals and Fisher's exact test. "
                      "The strength of evidence is given in bands of the p-value (below 0.001 very strong, 0.01 "
                      "strong, 0.05 moderate, 0.1 weak, otherwise little or no evidence), never as a bright line; "
                      "with counts this small an interval is wide, and no change is ever called 'no change' on "
                      "a test alone."),
            Paragraph(f"The figures rest on {f.rows_accepted:,} of the {f.rows_read:,} rows read from the input "
                      f"files; {f.rows_excluded:,} were excluded for the reasons in the row reconciliation.")))


def annual_report(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                  suppress_below: int = 0, team: str = "Duty Team", denominator: str = "children_in_need",
                  authority: str | None = None, confidence_level: float = 0.95,
                  named_in_advance: bool = False) -> AnnualReport:
    """Everything notebook 03 shows, computed once.

    Parameters
    ----------
    suppress_below
        Counts below this show as "fewer than N" (0: off, for internal use; 5 for publication).
    team
        The team whose change is summarised in the teams section.
    named_in_advance
        As in report 02: True when the team was named before the data were seen (no adjustment
        for picking it out).
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
    # The team question as report 02 answers it, so the two reports give the same verdict.
    question = team_question(data, financial_year, team=team, baseline_year=years.baseline_year,
                             named_in_advance=named_in_advance, confidence_level=confidence_level,
                             suppress_below=suppress_below)
    change = question.change
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
    return AnnualReport(data, figures, suppress_below, team, change, result, problem, authority, breakdowns,
                        question)
