"""Notebook 03's sections: the annual report as displayable paragraphs, tables and charts.

:func:`annual_report` works the year out once (:class:`cfanalysis.analysis.figures.AnnualFigures`);
each method of :class:`AnnualReport` returns what one section shows. Every count passes through
the same disclosure policy (:mod:`cfanalysis.publish.disclosure`), so "fewer than N" reads the same
in sentences, tables, chart labels and alt text.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

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
from cfanalysis.analysis.figures import AnnualFigures, YearCounts, annual_figures, year_counts
from cfanalysis.analysis.learning import action_effects
from cfanalysis.analysis.statutory import investigation_costs
from cfanalysis.analysis.proportions import ProportionChange
from cfanalysis.analysis.rates import CountComparison
from cfanalysis.analysis.tables import year_on_year
from cfanalysis.analysis.teams import TeamChange
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.publish.charts import bar_chart, funnel_chart
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.disclosure import (DisclosurePolicy, PublishedCell, Relation, cell_key, disclosure_policy,
                                           hide_where_small, registers)
from cfanalysis.publish.paper import CoverSheet
from cfanalysis.publish.sentences import (
    actions_follow_up,
    compliments_sentence,
    data_date,
    ombudsman_sentence,
    period_note,
    quantity,
    team_breakdown_sentence,
    timeliness_sentences,
)
from cfanalysis.publish.story import (READING_NOTE, event_lines, evidence_words, possessive, size_words,
                                      team_lines, team_verdict)
from cfanalysis.publish.team import TeamChoice, TeamQuestion, choose_team, team_count_links, team_question

__all__ = ["AnnualReport", "Breakdowns", "annual_report", "headline_sentences", "main_points", "stages_hidden",
           "timeliness_shown"]

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
TABLE_KINDS = {"ombudsman_decisions": "ombudsman", "complainant_types": "people",
               "new_complaints_by_complainant": "people"}


def count_change_sentence(what: str, now: int, before: int, change: CountComparison | None, years,
                          policy: DisclosurePolicy, *, name: str = "", kind: str = "complaints",
                          say_no_baseline: bool = True) -> str:
    """'Complaints: 92 in 2019-20 against 98 in 2018-19; the difference could be chance (...)'.

    Without a baseline year, says so (once in a section: ``say_no_baseline=False`` for the rest)."""
    fy, by = years.financial_year, years.baseline_year
    now_words = policy.count(now, kind=kind, key=quantity(name, fy) if name else None)
    if change is None:
        return (f"{words.capitalised(what)}: {now_words} in {fy}"
                + (f" (there are no data for {by} to compare with)." if say_no_baseline else "."))
    before_words = policy.count(before, kind=kind, key=quantity(name, by) if name else None)
    text = f"{what.capitalize()}: {now_words} in {fy} against {before_words} in {by}"
    if policy.is_small(min(now, before), kind):
        return text + "."
    if now + before == 0:
        return text + "."
    return text + f": {size_words(change.ratio, change.ci_low, change.ci_high)}; {evidence_words(change.pvalue)}."


def _share_keys(numerator: str, denominator: str, fy: str, by: str) -> dict[str, str]:
    """The ledger keys of a share's counts, this year and last (:func:`share_change_sentence`)."""
    return {"numerator": quantity(numerator, fy), "denominator": quantity(denominator, fy),
            "baseline_numerator": quantity(numerator, by), "baseline_denominator": quantity(denominator, by)}


def hidden_stages(year: YearCounts, policy: DisclosurePolicy) -> set[int]:
    """The stages whose count of stage cases the headline table withholds for ``year``.

    The same rule as the table (:meth:`AnnualReport._headline_masked`): a small stage is hidden,
    and when it is the only hidden figure of stage cases = Stage 1 + 2 + 3, the smallest other
    stage is hidden with it. The number escalated to a stage is the same quantity as that stage's
    cases whenever every escalation of the year was received in it, so it is withheld with it
    (:func:`escalation_links`).
    """
    if not policy.hides():
        return set()
    values = {"complaints": year.complaints, **{s: year.by_stage.get(s, 0) for s in (1, 2, 3)}}
    hidden = {k for k, v in values.items() if policy.is_small(v)}
    if len(hidden) == 1:
        rest = [k for k in values if k not in hidden]
        hidden.add(min(rest, key=lambda k: (k == "complaints", values[k])))
    return {k for k in hidden if k != "complaints"}


def escalation_links(year: YearCounts, label: str) -> list[Relation]:
    """The relations a reader assumes between the number escalated to a stage and that stage's
    cases, declared where the data bear them out (the two counts are equal)."""
    where = f"{label}: complaints escalated to a stage and that stage's cases"
    escalated = {2: year.stage2_escalations, 3: year.stage3_escalations}
    return [Relation(quantity(f"stage{s}", label), (quantity(f"escalated_to_{s}", label),), where)
            for s, n in escalated.items() if n == year.by_stage.get(s, 0)]


def share_change_sentence(change: ProportionChange, policy: DisclosurePolicy, *, numerator: str, denominator: str,
                          baseline_numerator: str | None = None, baseline_denominator: str | None = None,
                          withheld: bool = False, baseline_withheld: bool = False) -> str:
    """A share this year against last, in words and figures (the test is in the annex).

    Every count and share goes through ``policy`` under the given ledger keys; a share resting on a
    hidden count (or leaving one as the rest), or on a count withheld elsewhere in the report
    (``withheld``, ``baseline_withheld``), is not shown.
    """
    what, fy, by = words.capitalised(change.what), change.financial_year, change.baseline_year
    if not change.trials:
        return f"{what}: there were none to measure in {fy}."
    if withheld:
        return (f"{what}: not shown for {fy}, because the count behind it is withheld in the headline figures "
                "to protect a small number.")
    share = policy.share(change.successes, change.trials, numerator_key=numerator, denominator_key=denominator,
                         where=f"{fy}: {change.what}")
    if share is None:
        return (f"{what}: not shown for {fy}, because a share of so few complaints (fewer than {policy.threshold}) "
                "could identify people.")
    now = (f"{share} in {fy} ({policy.count(change.successes, key=numerator)} of "
           f"{policy.count(change.trials, key=denominator)}; plausibly {words.percent(change.ci_low)} to "
           f"{words.percent(change.ci_high)})")
    if not change.baseline_trials:
        return f"{what}: {now}."
    before = None if baseline_withheld else policy.share(
        change.baseline_successes, change.baseline_trials, numerator_key=baseline_numerator,
        denominator_key=baseline_denominator, where=f"{by}: {change.what}")
    if before is None:
        return f"{what}: {now}; the share for {by} is not shown because it rests on fewer than {policy.threshold}."
    return f"{what}: {now}, against {before} in {by}; {evidence_words(change.pvalue)}."


def headline_sentences(figures: AnnualFigures, policy: DisclosurePolicy | None = None) -> list[str]:
    """Plain-English sentences for the headline section, in report order."""
    policy = policy or disclosure_policy()
    now, before, years = figures.now, figures.before, figures.years
    fy, by = years.financial_year, years.baseline_year
    sentences = [count_change_sentence("new complaints (statutory and corporate procedures, each counted once)",
                                       now.new_complaints, before.new_complaints, figures.complaints_change,
                                       years, policy, name="new_complaints")]
    stage_cases = policy.count(now.complaints, "stage case", key=quantity("complaints", fy))
    sentences.append(f"Workload: the complaints team handled {stage_cases} in {fy} (a complaint counted again at "
                     "each stage it reached)"
                     + (f", against {policy.count(before.complaints, key=quantity('complaints', by))} in {by}."
                        if years.has_baseline else "."))
    statutory, corporate = now.by_procedure.get("statutory", 0), now.by_procedure.get("corporate", 0)
    if policy.is_small(min(statutory, corporate)):  # the other part would be the stage cases less it
        sentences.append("How many of these were under the statutory children's social care procedure and how "
                         "many under the corporate procedure is not given: one of the two is too small to publish.")
    else:
        sentences.append(f"Of these stage cases, {policy.count(statutory, key=quantity('statutory', fy))} were "
                         "under the statutory children's social care procedure and "
                         f"{policy.count(corporate, key=quantity('corporate', fy))} under the corporate procedure.")
    withheld = hidden_stages(now, policy), hidden_stages(before, policy)
    for stage, change, (numerator, denominator) in (
            (2, figures.escalation_1_2, ("escalated_to_2", "stage1")),
            (3, figures.escalation_2_3, ("escalated_to_3", "stage2"))):
        sentences.append(share_change_sentence(change, policy, **_share_keys(numerator, denominator, fy, by),
                                               withheld=stage in withheld[0],
                                               baseline_withheld=stage in withheld[1]))
    decisions = sorted(now.ombudsman_decisions.items(), key=lambda kv: -kv[1])
    parts = [f"{policy.count(v, kind='ombudsman')} {k}" for k, v in decisions]
    sentences.append(f"The Local Government and Social Care Ombudsman considered "
                     f"{policy.count(now.ombudsman_enquiries, 'complaint', kind='ombudsman')}; the council was asked "
                     f"to respond on {policy.count(now.ombudsman_investigated, kind='ombudsman')} (detailed "
                     f"investigations). Decisions: {', '.join(parts) or 'none'}.")
    sentences.append(count_change_sentence("compliments", now.compliments, before.compliments,
                                           figures.compliments_change, years, policy, name="compliments",
                                           kind="compliments", say_no_baseline=False))
    small = [policy.is_small(y.complaints) or policy.is_small(y.compliments, "compliments") for y in (now, before)]
    if now.complaints and not small[0]:  # a ratio of a hidden count gives the count away
        ratio = f"That is {figures.compliments_per_complaint:.2f} compliments for every complaint"
        sentences.append(f"{ratio} ({figures.baseline_compliments_per_complaint:.2f} in {by})."
                         if years.has_baseline and before.complaints and not small[1] else f"{ratio}.")
    return sentences


def timeliness_shown(table: pd.DataFrame, policy: DisclosurePolicy, *, name: str = "", year: str = "",
                     stage_counts: dict[int, int] | None = None, team_hidden: Collection[str] = ()) -> pd.DataFrame:
    """A timeliness table as published: small counts hidden, and the shares and medians behind them.

    A count is hidden when it is small, or when what it leaves (replies late, complaints without
    a response) is small, since that is the count itself; by team, a team's Stage 1 counts are
    hidden when its later stages hold a small number (its total is published elsewhere). With
    ``name``, the cells, the counts they leave and the relations are registered with ``policy``.
    ``stage_counts`` (the year's complaints at each stage) protects the stages as the headline
    table does: a stage's count is hidden here wherever it is hidden there; ``team_hidden`` (the
    teams the table of complaints by team withholds) the teams: their rows are hidden here too.
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
    # Replies within a timescale are replies: beside the complaints they bound those with no response
    # from above (complaints - within), so they go with a withheld reply count when that bound is small.
    for column in ("Within timescale", "Within extended timescale"):
        hidden[column] |= hidden["With a response date"] & (counts["Complaints"] - counts[column]).lt(n)
    if stage_counts and "Team" not in table.columns:
        stage_hidden = stages_hidden(stage_counts, policy)
        hidden.loc[table["Stage"].isin(stage_hidden).to_numpy(), "Complaints"] = True
        for column in derived:  # the counts beside a hidden one would give it back
            hidden.loc[hidden["Complaints"], column] |= True
    if "Team" in table.columns:
        later = table[table["Stage"] != "Stage 1"].groupby("Team")["Complaints"].sum()
        exposed_teams = [team for team, v in later.items() if small(v)]
        hidden.loc[(table["Stage"] == "Stage 1") & table["Team"].isin(exposed_teams), :] = True
        hidden.loc[table["Team"].astype(str).isin(set(team_hidden)).to_numpy(), :] = True
    shown = table.copy()
    for column in TIMELINESS_COUNTS:
        shown[column] = [mark or f"fewer than {n}" if h else f"{v:,.0f}"
                         for v, h in zip(counts[column], hidden[column])]
    if name:
        _register_timeliness(policy, table, hidden, derived, name, year)
    return hide_where_small(shown, hidden.any(axis=1), TIMELINESS_DERIVED, n, mark)


def stages_hidden(stage_counts: dict[int, int], policy: DisclosurePolicy) -> set[str]:
    """The stages ("Stage 2") whose count the headline table withholds in a year (a small count, or one
    hidden beside it so the total does not give it back): no other table may print a count equal to it."""
    from cfanalysis.publish.disclosure import suppress

    if not policy.hides() or not stage_counts:
        return set()
    stages = pd.DataFrame({"n": [*stage_counts.values(), sum(stage_counts.values())]},
                          index=[*(f"Stage {s}" for s in stage_counts), "Total"])
    hidden = suppress(stages, policy.threshold, total_row="Total", mark=policy.mark).hidden["n"]
    return {label for label, h in hidden.items() if h and label != "Total"}


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
    effects: pd.DataFrame | None = None  # each action with its theme's complaints before and since


def _breakdowns(data: Dataset, years, team: str, authority: str | None, confidence_level: float) -> Breakdowns:
    c = data.complaints
    outcomes = in_financial_year(complaint_outcomes(c), years.financial_year) if len(c) else c
    upheld = int(outcomes["upheld"].sum()) if len(outcomes) else 0
    uphold, problem = None, ""
    try:  # the council's own uphold rate, worked out once from its new complaints, used everywhere
        uphold = uphold_benchmark(data.comparators, years.financial_year, authority=authority,
                                  confidence_level=confidence_level,
                                  own=(upheld, len(outcomes))) if len(data.comparators) else None
    except ValueError as error:
        problem = f"The uphold rates cannot be compared: {error}."
    teams = sorted(c["team"].dropna().unique().tolist())
    actions = actions_log(data.actions, c, years)
    return Breakdowns(
        team=team_breakdown(c, team, years) if team in teams else None,
        attitude=attitude_breakdown(c, years, confidence_level=confidence_level),
        timeliness=timeliness_change(c, years),
        compliments=compliments_breakdown(data.compliments, years, teams=teams),
        ombudsman=ombudsman_cases(data.ombudsman, years.financial_year),
        actions=actions, uphold=uphold, uphold_problem=problem,
        upheld=upheld,
        effects=action_effects(actions.log, c, years) if len(actions.log) else None)


# Said instead of "0" when no complaint category in the data was read as staff attitude.
NOT_RECORDED_ATTITUDE = ("Staff attitude: not recorded. No complaint category in the data was read as attitude or "
                         "behaviour of staff, so this report cannot say how many complaints were about it (not "
                         "none). If the council's system has such a category, map it in mapping.yml (data/README.md).")


def main_points(report: AnnualReport) -> list[str]:
    """Five or six short plain-English main points: what changed, how big, how sure, what it means."""
    f, b, p = report.figures, report.breakdowns, report.policy
    now, before, fy, by = f.now, f.before, report.financial_year, report.baseline_year
    count = lambda v, key=None, kind="complaints": p.count(v, key=key, kind=kind)  # noqa: E731
    points = []
    new = p.count(now.new_complaints, "new complaint", key=quantity("new_complaints", fy))
    text = (f"Children's Services received {new} in {fy} (the headline measure in this report: each complaint "
            "counted once, when it was first received, under either procedure)")
    if f.complaints_change is not None:
        c = f.complaints_change
        text += f", against {count(before.new_complaints, quantity('new_complaints', by))} in {by}"
        text += ("." if p.is_small(min(now.new_complaints, before.new_complaints)) else
                 f" ({words.times(c.ratio)}; {evidence_words(c.pvalue)}).")
    points.append(text if text.endswith(".") else text + ".")
    q = report.question
    if q is not None and q.change is not None and b.team is not None:
        h = q.change.headline
        if not p.is_small(min(h.count, h.baseline_count)):
            team_key = f"new_complaints:{report.team}"
            now_words = p.count(h.count, "new complaint", key=quantity(team_key, fy))
            points.append(f"{report.team}: {now_words} against {count(h.baseline_count, quantity(team_key, by))} "
                          f"in {by} ({words.times(h.ratio)}). {team_verdict(q)}")
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
    if "staff attitude" in f.not_recorded:
        points.append(NOT_RECORDED_ATTITUDE)
    elif attitude_share is not None:
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


TEAM_TABLES = {"category": "what they were about", "outcome": "how they ended (at the last stage reached)",
               "complainant_type": "who complained", "last_stage": "how far they went"}
# What a comparators file's ``complaints`` column may count (comparators.json ``unit``), and how the
# council's own point is counted from its log in that unit (data/README.md).
COMPARATOR_UNITS = {"new complaints": ("new complaint", "each complaint once, in the year first received"),
                    "stage cases": ("stage case", "a complaint once at each stage it reached")}


def comparator_unit(info: dict) -> str | None:
    """The unit comparators.json gives for its ``complaints`` column ("new complaints", "stage cases"),
    or None when it gives none (or one the report does not know)."""
    unit = " ".join(str(info.get("unit") or "").lower().replace("_", " ").split())
    return unit if unit in COMPARATOR_UNITS else None


def own_comparator_count(info: dict, figures: AnnualFigures) -> int | None:
    """This council's own count in the comparators file's unit, from its log; None (the file's figure
    stays) for a part-year, whose count is not set against other councils' whole years, or when the
    file does not say what it counts."""
    unit = comparator_unit(info)
    if figures.years.partial or unit is None:
        return None
    return figures.now.new_complaints if unit == "new complaints" else figures.now.complaints


def funnel_unit_note(f: Funnel, authority: str | None, policy: DisclosurePolicy, *, partial: bool = False,
                     info: dict | None = None) -> str:
    """What the funnel counts for this council: its own count in the file's unit, or the file's figure
    shown as such, with a warning when the two disagree or the file does not say what it counts."""
    fy, info = f.financial_year, info or {}
    if partial:
        return (f"{fy} is not complete, so this council's point is the comparators file's figure for the whole "
                "year, not the months counted in this report.")
    unit = comparator_unit(info)
    if unit is None:
        given = f" ('{info['unit']}' is not one of 'new complaints' or 'stage cases')" if info.get("unit") else ""
        return ("The comparators file does not say whether it counts new complaints or stage cases"
                f"{given}, so every point, this council's too, is the file's figure; add \"unit\" to "
                "comparators.json (data/README.md) to have this council's point counted from its own log.")
    if f.file_figure is None:
        return ""
    noun, how = COMPARATOR_UNITS[unit]
    key = "new_complaints" if unit == "new complaints" else "complaints"
    own = policy.count(int(f.highlighted["complaints"]), noun, key=quantity(key, fy))
    text = (f"This council's point is its own {own} in {fy}, counted from its log ({how}), the unit the "
            "comparators file states; the other councils' points are the file's figures.")
    if unit != "new complaints":
        text += (" The rest of this report counts new complaints, so these rates are not the report's own "
                 "figures.")
    if f.file_disagrees:
        given = policy.count(f.file_figure, noun, kind="comparators")
        text += (f" Warning: the comparators file gives this council {given}, not its own count; check what "
                 "the file counts before reading anything into the comparison.")
    return text


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


def _largest_change_title(table: pd.DataFrame, what: str, policy: DisclosurePolicy, name: str,
                          financial_year: str) -> str:
    """A chart title that states the finding: the group whose count changed most."""
    body = table.drop(index="Total", errors="ignore")
    if len(body.columns) < 2 or not len(body):
        return f"New complaints by {what}"
    by, fy = body.columns[-2], body.columns[-1]
    change = body[fy] - body[by]
    group = change.abs().idxmax()
    if not change[group]:
        return f"No {what}'s new complaints changed from {by} to {fy}"
    if policy.hides():
        # The figures are in the table below, masked there; a title printing them could show a cell
        # that another year's table withholds (its secondary suppression differs), so it names the group only.
        return f"{group} changed most from {by} to {fy}"
    before, now = (policy.count(body.loc[group, y], key=cell_key(name, group, y, financial_year),
                                where=f"{financial_year} annual report, chart title") for y in (by, fy))
    return f"{group} changed most: {before} to {now}"


def _commonest_title(table: pd.DataFrame) -> str:
    """'Attitude or behaviour of staff was the commonest subject': the finding of the subjects chart."""
    body = table.drop(index="Total", errors="ignore")
    if not len(body):
        return "New complaints by subject"
    fy = body.columns[-1]
    top = body[fy].idxmax()
    return f"Commonest in {fy}: {str(top).lower()}"


def _theme_counts(row: pd.Series, policy: DisclosurePolicy, financial_year: str,
                  hidden: dict[str, str] | None = None) -> tuple[str, str]:
    """An action's theme's complaints to its team before and since, as published (ledger keys of the
    team's category table where the figure is one of its cells).

    ``hidden`` maps the keys of the cells that table hides to what it prints there: such a figure is
    printed as the table prints it, never as a number or a "fewer than N" (beside the table's Total
    row either would give back the small count it hides)."""
    name, category = f"team_category:{row['team']}", words.capitalised(str(row["category"]))
    where = f"{financial_year} annual report, learning and actions"
    before_key = cell_key(name, category, row["financial_year"], financial_year)
    since_key = (cell_key(name, category, financial_year, financial_year) if row["years_since"] == 1 else None)
    return (_as_published(row["before"], before_key, policy, where, hidden),
            _as_published(row["since"], since_key, policy, where, hidden))


def _as_published(n: float, key: str | None, policy: DisclosurePolicy, where: str,
                  hidden: dict[str, str] | None) -> str:
    """A count in words, or the mark of the table that hides the cell it is (registered as that table does)."""
    if key is not None and hidden and key in hidden:
        policy.ledger.cells.append(PublishedCell(key, where, 0, math.inf, protect=policy.is_small(n)))
        return hidden[key]
    return policy.count(n, key=key, where=where)


def _theme_hidden(row: pd.Series, financial_year: str, hidden: dict[str, str] | None) -> bool:
    """Whether the team's category table hides the before or the since figure of an action's theme."""
    if not hidden:
        return False
    name, category = f"team_category:{row['team']}", words.capitalised(str(row["category"]))
    return any(cell_key(name, category, year, financial_year) in hidden
               for year in (row["financial_year"], financial_year))


def _effect_words(row: pd.Series, policy: DisclosurePolicy, financial_year: str,
                  hidden: dict[str, str] | None = None) -> str:
    """'1 in 2018-19, 3 since (rose)': the team's complaints on an action's theme, before and since."""
    if row["category"] is None:
        return "theme matches no complaint category"
    if not row["years_since"]:
        return "too early to tell"
    before, since = _theme_counts(row, policy, financial_year, hidden)
    small = policy.is_small(min(row["before"], row["since"])) or _theme_hidden(row, financial_year, hidden)
    return f"{before} in {row['financial_year']}, {since} since" + (" (rose)" if row["rose"] and not small else "")


def follow_up_remarks(effects: pd.DataFrame, baseline_year: str, policy: DisclosurePolicy,
                      financial_year: str, hidden: dict[str, str] | None = None) -> list[str]:
    """A sentence for each of last year's complete actions whose theme's complaints rose since
    (``hidden`` as for :func:`_theme_counts`: a figure a table hides is not given)."""
    rows = effects[(effects["financial_year"] == baseline_year) & effects["rose"]
                   & effects["status"].str.lower().str.startswith("complete")]
    remarks = []
    for _, row in rows.iterrows():
        if policy.is_small(min(row["before"], row["since"])) or _theme_hidden(row, financial_year, hidden):
            remarks.append(f"A {baseline_year} action for {row['team']} on {str(row['theme']).lower()} is marked "
                           "complete, but complaints on that theme have not fallen since; worth reviewing.")
            continue
        before, since = _theme_counts(row, policy, financial_year, hidden)
        remarks.append(f"The {baseline_year} action for {row['team']} on {str(row['theme']).lower()} is marked "
                       f"complete, but {possessive(row['team'])} complaints about {row['category']} went from "
                       f"{before} to {since}: the action may not have had the effect hoped for, or other things "
                       "changed; worth reviewing with the team.")
    return remarks


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
    question: TeamQuestion | None = None  # the team question, as report 02 answers it (one verdict)
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
        where = f"{self.financial_year} annual report, '{caption}' (tables/{name}.csv)"
        if name == "new_complaints_by_team":  # each team's figure is the one its sentences print
            self.policy.ledger.relations.extend(team_count_links(table, self.financial_year, where))
        return self.policy.mask(table, kind=TABLE_KINDS.get(name, "complaints"), total_column=total_column,
                                name=name, year=self.financial_year, where=where)

    def _one_year(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A two-year table as shown when the baseline year has no data: this year's columns only
        (a column of zeros would read as a year with no complaints)."""
        if self.figures.years.has_baseline:
            return frame
        by = self.baseline_year
        return frame[[c for c in frame.columns if str(c) != by and not str(c).endswith(f", {by}")]]

    def _count_table(self, name: str, caption: str, *, total_column: str | None = None) -> Table:
        return Table(self._masked(name, caption, total_column=total_column).text(), caption, csv=name)

    def _bar_chart(self, name: str, title: str, caption: str):
        return bar_chart(self._masked(name, title), title=title, caption=caption)

    @registers
    def cover_sheet(self) -> CoverSheet:
        """The committee cover sheet: purpose, recommendation (to note), implications, author and date."""
        info, fy = self.data.info or {}, self.financial_year
        committee = str(info.get("committee") or "the scrutiny panel")
        author = str(info.get("author") or info.get("contact") or "not recorded (add 'author' to dataset.json)")
        remedies = self.breakdowns.ombudsman.cases["remedy"]
        remedies = [r for r in remedies if r]
        # Each remedy belongs to one family's complaint: listed only where the policy hides nothing.
        money = (f"The Ombudsman's remedies this year: {'; '.join(remedies)}." if remedies and not self.policy.hides()
                 else
                 "No Ombudsman remedy with a cost was recorded this year." if not remedies else
                 "Remedies are listed in the Ombudsman section.")
        costs = investigation_costs(self.data.complaints, fy)
        if costs is not None and costs["costed"].sum():  # the year's total: published in every version
            money += (f" Stage 2 investigations and Stage 3 review panels cost £{costs['total_pounds'].sum():,.0f} "
                      "this year (see 'How the procedure worked').")
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
            ("Date", f"Figures as at {data_date(self.data, self.data.as_of)}"),
        )
        return CoverSheet(f"Cover sheet: annual complaints and feedback report, {fy}", rows)

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
                        # the smallest part, never the stage cases themselves (the sentences give them)
                        pick = min(rest, key=lambda r: (key_of[r] == "complaints", counts.at[r, column]))
                        shown.hidden.at[pick, column] = True
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
        years = {self.financial_year: self.figures.now, self.baseline_year: self.figures.before}
        for column in table.columns:
            p.ledger.relations.extend(escalation_links(years[column], column))
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
            "Evidence of a change": [words.capitalised(words.strength(c.pvalue)) for c in changes]},
            index=pd.Index(["Stage 1 to Stage 2", "Stage 2 to Stage 3"], name="Escalation"))
        if not has_baseline:
            rates = rates.drop(columns=[by, "Evidence of a change"])
        p = self.policy
        withheld = hidden_stages(self.figures.now, p), hidden_stages(self.figures.before, p)
        small = [p.share(c.successes, c.trials) is None or s in withheld[0] for s, c in zip((2, 3), changes)]
        if any(small) and p.hides():
            rates = hide_where_small(rates, small, [fy, interval], p.threshold, p.mark)
        small_before = [p.share(c.baseline_successes, c.baseline_trials) is None or s in withheld[1]
                        for s, c in zip((2, 3), changes)]
        if has_baseline and any(small_before) and p.hides():
            rates = hide_where_small(rates, small_before, [by], p.threshold, p.mark)
        if has_baseline and p.hides() and any(a or b for a, b in zip(small, small_before)):
            rates = hide_where_small(rates, [a or b for a, b in zip(small, small_before)],
                                     ["Evidence of a change"], p.threshold, p.mark)
        return Table(rates, "Escalation between stages (share of complaints at one stage that went on to the next)")

    @registers
    def ombudsman_section(self):
        if not len(self.tables["ombudsman_decisions"]):
            return Paragraph(f"No Ombudsman enquiries were recorded in {self.financial_year}.")
        where = "" if self.policy.hides() else " Each decision, with its team, subject and remedy, is in the appendix."
        return Parts((Paragraph(ombudsman_sentence(self.breakdowns.ombudsman, self.policy)),
                      self._count_table("ombudsman_decisions", f"Ombudsman decisions, {self.financial_year}"),
                      Paragraph("'Upheld' and 'not upheld' are the enquiries the council was asked to respond to; "
                                f"the Ombudsman closed the others without a detailed investigation.{where}")))

    def ombudsman_cases_table(self) -> Table | None:
        """Appendix: each Ombudsman decision with team, subject and remedy (None in a version that hides
        counts: each describes one family's complaint)."""
        if self.policy.hides() or not len(self.breakdowns.ombudsman.cases):
            return None
        cases = self.breakdowns.ombudsman.cases.rename(columns=str.capitalize)
        cases["Decision"] = cases["Decision"].map(words.capitalised)
        cases["Category"] = cases["Category"].map(words.capitalised)
        return Table(cases, f"Each Ombudsman decision, {self.financial_year}, with team, subject and remedy where "
                            "recorded", index=False)

    @registers
    def teams_section(self):
        """New complaints by team: a chart whose title states the finding, and the table."""
        title = _largest_change_title(self.tables["new_complaints_by_team"], "team", self.policy,
                                      "new_complaints_by_team", self.financial_year)
        return Parts((self._bar_chart("new_complaints_by_team", title,
                                      f"New complaints by team, {self.years_words} (each complaint counted once)."),
                      self._count_table("new_complaints_by_team", f"New complaints by team, {self.years_words}")))

    @registers
    def categories_section(self):
        table = self.tables["new_complaints_by_category"]
        return self._count_table("new_complaints_by_category", f"{_commonest_title(table)}: new "
                                                               f"complaints by subject, {self.years_words}")

    @registers
    def outcomes_section(self):
        fy = self.financial_year
        # The outcomes at each stage (stage cases: workload) are in the appendix, beside the Stage 3 panels.
        return Parts((self._count_table("new_complaints_outcomes_by_team", f"New complaints by team and outcome, "
                                        f"{fy} (the outcome at the last stage each reached)", total_column="Total"),
                      Paragraph("Outcomes not yet decided, or not recorded, are shown as 'Not recorded' where "
                                "there are any. The outcomes at each stage are in the appendix.")))

    def stage_outcomes_table(self) -> Table:
        """Workload: outcomes at each stage (stage cases), for the appendix."""
        return self._count_table("outcomes_by_stage", f"Workload: outcomes at each stage, {self.financial_year} "
                                 "(stage cases: a complaint counted again at each stage it reached)",
                                 total_column="Total")

    @registers
    def complainants_section(self):
        return self._count_table("new_complaints_by_complainant",
                                 f"Who made the new complaints, {self.years_words}")

    def _counts(self, table: pd.DataFrame, caption: str, *, name: str, kind: str = "complaints",
                total_row: str | None = None, totals: dict[str, str] | None = None) -> Table:
        """A table of counts as published (small counts hidden; no differences that would reveal them).

        ``totals`` maps a column to the key of the figure its cells add up to, published elsewhere
        (the year's compliments, a team's new complaints): the table then gets a Total row, is
        protected as a table with that margin, and the relation is registered for the audit.
        """
        p = self.policy
        table, total_row = self._as_counted(table, kind, total_row, bool(totals))
        where = f"{self.financial_year} annual report, '{caption}'"
        shown = p.mask(table, kind=kind, total_row=total_row, name=name, year=self.financial_year, where=where)
        if p.hides(kind):
            from cfanalysis.publish.disclosure import Relation

            for column, key in (totals or {}).items():
                if column in table.columns:
                    p.ledger.relations.append(Relation(key, (cell_key(name, "Total", column, self.financial_year),),
                                                       where))
        return Table(shown.text(), caption)

    def _as_counted(self, table: pd.DataFrame, kind: str, total_row: str | None,
                    totalled: bool) -> tuple[pd.DataFrame, str | None]:
        """The table :meth:`_counts` masks (no Change column; a Total row where its columns add up to
        figures published elsewhere), and its total row."""
        if self.policy.hides(kind):
            table = table.drop(columns=["Change"], errors="ignore")
            if totalled and total_row is None:
                table = table.copy()
                table.loc["Total"] = table.sum()
                total_row = "Total"
        return table, total_row

    def _team_hidden(self) -> dict[str, str]:
        """The cells the team's subjects table hides (ledger key: what it prints there), so the
        sentences that give the same figures print them as the table does (nothing where it is not
        published: a team too small to break down)."""
        b, p = self.breakdowns.team, self.policy
        if b is None or not p.hides("complaints") or p.is_small(min(b.count, b.baseline_count)):
            return {}
        table, total_row = self._as_counted(b.tables["category"], "complaints", None, True)
        shown = p.mask(table, total_row=total_row)  # no name: the table itself registers it
        text, name = shown.text(), f"team_category:{self.team}"
        return {cell_key(name, row, column, self.financial_year): str(text.at[row, column])
                for column in shown.hidden.columns for row in shown.hidden.index if shown.hidden.at[row, column]}

    @registers
    def main_points_section(self):
        """Five or six plain-English main points, written from the data."""
        points = main_points(self)
        return Parts((*(Paragraph(point, kind="verdict" if i == 0 else "") for i, point in enumerate(points)),
                      Paragraph(period_note(self.data, self.figures.years), kind="note"),
                      Paragraph(READING_NOTE, kind="note")))

    @registers
    def team_section(self):
        """The team question in three plain lines, then what the complaints were about and earlier actions."""
        b, q, p = self.breakdowns.team, self.question, self.policy
        fy, by = self.financial_year, self.baseline_year
        if b is None or q is None or q.change is None:
            reason = (f"{possessive(self.team)} complaints: {q.unavailable[:1].lower()}{q.unavailable[1:]}"
                      if q is not None and q.unavailable else
                      f"{possessive(self.team)} complaints cannot be compared: there are no complaints for "
                      f"{by if not self.figures.years.has_baseline else self.team} in the data.")
            why = (self.choice.sentence(p, where=f"{fy} annual report, why this team")
                   if self.choice is not None else "")
            return Paragraph(f"{reason} {why}".strip())
        parts = [Paragraph(line, kind="verdict") for line in team_lines(q, b, p)]
        if self.choice is not None and not self.choice.named:
            parts.append(Paragraph(self.choice.sentence(p, where=f"{fy} annual report, why this team")))
        # Its first sentence repeats the size, given above.
        detail = team_breakdown_sentence(b, p, hidden=self._team_hidden()).split(". ", 1)
        if len(detail) == 2:
            parts.append(Paragraph("What they were about: " + detail[1][0].lower() + detail[1][1:]))
        parts.extend(self._team_learning(fy, by))
        if p.is_small(min(b.count, b.baseline_count)):
            # The team's total beside the service's and the other teams' would give it back.
            parts.append(Paragraph(f"{possessive(self.team)} new complaints are too few (fewer than {p.threshold} in a "
                                   "year) to be broken down by subject, outcome or complainant in this public "
                                   "version."))
        else:
            for aspect in TEAM_TABLES:
                if aspect != "last_stage":  # how far they went: in the appendix (team_appendix)
                    parts.append(self._team_table(aspect))
        parts.append(Paragraph("The team-change report (02) has the month-by-month chart, every team's figures "
                               "and how the verdict was reached."))
        return Parts(tuple(parts))

    def _team_table(self, aspect: str) -> Table:
        b = self.breakdowns.team
        return self._counts(b.tables[aspect], f"{possessive(self.team)} new complaints, {TEAM_TABLES[aspect]}: "
                                              f"{self.baseline_year} and {self.financial_year}, with the other "
                                              "teams together", name=f"team_{aspect}:{self.team}",
                            totals=self._team_totals(aspect),
                            kind="people" if aspect == "complainant_type" else "complaints")

    @registers
    def team_appendix(self):
        """Appendix: how far the team's new complaints went."""
        b = self.breakdowns.team
        if b is None:
            return Paragraph(f"There are no complaints for {self.team} to show.")
        if not self.figures.years.has_baseline:  # the table sets the team against an earlier year it lacks
            return Paragraph(f"{possessive(self.team)} new complaints are not broken down here: the breakdown sets "
                             "them against an earlier year (see the team section).")
        if self.policy.is_small(min(b.count, b.baseline_count)):
            return Paragraph(f"{possessive(self.team)} new complaints are too few to be broken down in this public "
                             "version.")
        return self._team_table("last_stage")

    def _team_learning(self, fy: str, by: str) -> list:
        """What was done after earlier complaints to the team, and whether complaints on its theme fell."""
        log, p = self.breakdowns.actions, self.policy
        parts = [Paragraph("What was done before: " + actions_follow_up(log, p, self.team))]
        effects = self.breakdowns.effects
        if effects is None or not len(effects):
            return parts
        mine = effects[(effects["team"] == self.team) & (effects["financial_year"] < fy)]
        hidden = self._team_hidden()
        parts.extend(Paragraph(r) for r in follow_up_remarks(mine, by, p, fy, hidden))
        if len(mine):
            caption = f"{possessive(self.team)} earlier actions, their status and complaints on their theme since"
            table = self._actions_table(mine, caption, effects=True, hidden=hidden)
            parts.append(table)
        return parts

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
        if "staff attitude" in self.figures.not_recorded:
            return Paragraph(NOT_RECORDED_ATTITUDE)
        a = self.breakdowns.attitude
        table = a.by_team[[c for c in a.by_team.columns if c.startswith("Attitude")]]
        table = self._one_year(table.rename(columns=lambda c: c.replace("Attitude, ", ""))).copy()
        table.loc["Total"] = table.sum()
        return Parts((
            Paragraph(share_change_sentence(self.figures.attitude, self.policy,
                                            **_share_keys("new_attitude", "new_complaints", self.financial_year,
                                                          self.baseline_year)), kind="verdict"),
            Paragraph(self._attitude_upheld(), kind="verdict"),
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
            shown = p.mask(parts, kind="replies", total_column="Replies")
            if table.index.name == "Stage":  # every stage replied to would print a stage count the headline hides
                counts = (self.figures.now if year == self.financial_year else self.figures.before).by_stage
                shown.hidden.loc[shown.hidden.index.isin(stages_hidden(counts, p)), :] = True
            shown.register(p.ledger, table=f"{name}@{year}", year=year, total_column="Replies",
                           where=f"{self.financial_year} annual report, '{caption}'")
            masked = shown.text()
            out[replies], out[on_time] = masked["Replies"], masked["On time"]
        return Table(out, caption)

    def _attitude_upheld(self) -> str:
        """How often attitude complaints were upheld against other complaints, in words and figures."""
        a, p, fy, by = self.breakdowns.attitude, self.policy, self.financial_year, self.baseline_year
        if fy not in a.upheld.index or not a.upheld.loc[fy, "attitude"]:
            return f"No new complaints about staff attitude were received in {fy}."

        def year(y: str) -> str | None:
            row = a.upheld.loc[y]
            au, an, ou, on = (int(row[k]) for k in ("attitude_upheld", "attitude", "other_upheld", "other"))
            mine = p.share(au, an, numerator_key=quantity("attitude_upheld", y),
                           denominator_key=quantity("new_attitude", y))
            other = p.share(ou, on, numerator_key=quantity("other_upheld", y), denominator_key=quantity("new_other", y))
            if mine is None or other is None:
                return None
            return (f"{p.count(au, key=quantity('attitude_upheld', y))} of "
                    f"{p.count(an, 'complaint about staff attitude', key=quantity('new_attitude', y))} were upheld "
                    f"in full or in part ({mine}), against {p.count(ou, key=quantity('other_upheld', y))} of "
                    f"{p.count(on, 'other complaint', key=quantity('new_other', y))} ({other})")
        now = year(fy)
        if now is None:
            return (f"How often complaints about staff attitude were upheld in {fy} is not shown: the counts are too "
                    "small to publish.")
        verdict = evidence_words(a.upheld.loc[fy, "pvalue"], "a real difference in how often they are upheld")
        text = f"In {fy}, {now}: {verdict}."
        if by in a.upheld.index and a.upheld.loc[by, "attitude"]:
            before = year(by)
            text += f" In {by}, {before}." if before else f" The figures for {by} are too small to publish."
        return text

    def tests_annex(self) -> Table:
        """Annex: the test behind each evidence phrase of the body, with its estimate, interval and p-value.

        A test of counts the policy hides is left out (its ratio would give the hidden count away)."""
        f, p, level = self.figures, self.policy, words.level(self.figures.confidence_level)
        rows = []
        if f.complaints_change is not None and not p.is_small(min(f.now.new_complaints, f.before.new_complaints)):
            c = f.complaints_change
            rows.append(("New complaints, this year against last", "E-test on the rate ratio, score interval",
                         c.ratio, c.ci_low, c.ci_high, c.pvalue))
        q = self.question
        if q is not None and q.change is not None and not p.is_small(min(q.change.headline.count,
                                                                         q.change.headline.baseline_count)):
            _, est, low, high = q.change.trusted
            rows.append((f"{possessive(self.team)} new complaints (the verdict)", q.change.verdict_basis, est, low,
                         high, q.change.verdict_pvalue))
        withheld = hidden_stages(f.now, p) | hidden_stages(f.before, p)  # escalations go with their stages
        for what, c, stage in (("Stage 1 to Stage 2 escalation", f.escalation_1_2, 2),
                               ("Stage 2 to Stage 3 escalation", f.escalation_2_3, 3),
                               ("Share about staff attitude", f.attitude, None)):
            if c.trials and c.baseline_trials and p.share(c.successes, c.trials) is not None \
                    and p.share(c.baseline_successes, c.baseline_trials) is not None and stage not in withheld:
                rows.append((what, "Fisher's exact test; Wilson interval for this year's share", c.share, c.ci_low,
                             c.ci_high, c.pvalue))
        a = self.breakdowns.attitude
        if self.financial_year in a.upheld.index and self._attitude_upheld_shown():
            rows.append(("Attitude complaints upheld against others", "Fisher's exact test", float("nan"),
                         float("nan"), float("nan"), a.upheld.loc[self.financial_year, "pvalue"]))
        if f.compliments_change is not None and not p.is_small(min(f.now.compliments, f.before.compliments),
                                                               "compliments"):
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

    def _attitude_upheld_shown(self) -> bool:
        """True when this year's attitude-upheld comparison is published (no count behind it hidden)."""
        row, p = self.breakdowns.attitude.upheld.loc[self.financial_year], self.policy
        return (p.share(int(row["attitude_upheld"]), int(row["attitude"])) is not None
                and p.share(int(row["other_upheld"]), int(row["other"])) is not None)

    @registers
    def timeliness_section(self):
        """Replies on time by stage and by team: the first stage in a sentence, every stage's timescales and
        median days, then the tables."""
        from cfanalysis.publish.statutory import timescale_lines

        t = self.breakdowns.timeliness
        parts = [Paragraph(s, kind="verdict") for s in timeliness_sentences(t, self.policy, by="stage")[:1]]
        parts += [Paragraph(s) for s in timescale_lines(self)]  # every stage: extended timescale, median days
        parts.append(self._replies(self._one_year(t.by_stage), "Replies within the statutory timescale, by stage",
                                   "replies_by_stage"))
        parts.append(self._replies(self._one_year(t.by_team), "Replies within the timescale for their stage, by team",
                                   "replies_by_team"))
        parts.append(Paragraph(
            "Working days exclude weekends and bank holidays. Timescales: Stage 1, "
            f"{STAGE_TIMESCALES[1]} working days (extendable to 20); Stage 2, {STAGE_TIMESCALES[2]} (to 65); "
            f"Stage 3, {STAGE_TIMESCALES[3]} from request to response. Shares only for 5 replies or more.",
            kind="note"))
        return Parts(tuple(parts))

    @registers
    def statutory_section(self):
        """Timescales and average days, Stage 3 panels, remedies, advocacy, the procedure (publish/statutory.py)."""
        from cfanalysis.publish.statutory import statutory_section

        return statutory_section(self)

    @registers
    def statutory_appendix(self):
        from cfanalysis.publish.statutory import statutory_appendix

        return statutory_appendix(self)

    @registers
    def compliments_section(self):
        c = self.breakdowns.compliments
        if not self.figures.years.has_baseline:
            c = replace(c, by_team=self._one_year(c.by_team), by_month=self._one_year(c.by_month))
        return Parts((Paragraph(compliments_sentence(c, self.policy)),
                      self._counts(c.by_team, f"Compliments by team, {self.years_words}", name="compliments_by_team",
                                   kind="compliments", totals=self._year_totals("compliments"))))

    @registers
    def compliments_appendix(self):
        """Appendix: compliments by month received."""
        return self._counts(self._one_year(self.breakdowns.compliments.by_month),
                            f"Compliments by month received, {self.years_words}", name="compliments_by_month",
                            kind="compliments")

    @registers
    def event_answer(self, question) -> Parts:
        """A before-and-after question in words and figures (its tests: ``question.answer()``, in the annex).

        The counts go through the report's policy; where it hides compliments or complaints, the
        counts for part of a year are not given (with the year's totals they would give the rest away)."""
        lines = event_lines(question, self.policy)
        return Parts((Paragraph(lines[0], kind="verdict"), *(Paragraph(t) for t in lines[1:])))

    def _actions_table(self, log: pd.DataFrame, caption: str, *, effects: bool = False,
                       hidden: dict[str, str] | None = None) -> Table:
        """The actions as a table; with ``effects``, the team's complaints on the theme before and since
        (``hidden``: the cells of the team's subjects table that it hides, printed as it prints them)."""
        columns = {"financial_year": "Year", "team": "Team", "theme": "Theme", "action": "What changed",
                   "owner": "Owner", "due_date": "Due", "status": "Status"}
        table = log.reindex(columns=[c for c in columns if c in log.columns]).rename(columns=columns)
        if "Due" in table:
            table["Due"] = [f"{d:%-d %b %Y}" if isinstance(d, pd.Timestamp) else "" for d in table["Due"]]
        if effects:
            table["Complaints on the theme (team)"] = [_effect_words(row, self.policy, self.financial_year, hidden)
                                                       for _, row in log.iterrows()]
        return Table(table.reset_index(drop=True), caption, index=False)

    @registers
    def actions_section(self):
        """Learning and actions: a log across years, and last year's actions followed up."""
        if not len(self.data.actions):
            return Paragraph("No learning and actions log was supplied with the data.")
        log, effects = self.breakdowns.actions, self.breakdowns.effects
        n = len(log.of(self.financial_year))
        count = self.policy.count(n, "action", kind="actions") if n else "no actions"
        hidden = self._team_hidden()
        earlier = " " + actions_follow_up(log, self.policy) if self.figures.years.has_baseline else ""
        parts = [Paragraph(f"{words.capitalised(count)} came from complaints received in {self.financial_year}."
                           + earlier)]
        if effects is not None:
            parts.extend(Paragraph(r) for r in follow_up_remarks(effects, self.baseline_year, self.policy,
                                                                 self.financial_year, hidden))
        if len(log.log):
            parts.append(self._actions_table(effects if effects is not None else log.log,
                                             "You said, we did: learning and actions, every year to date, with "
                                             "the team's complaints on each theme before and since",
                                             effects=effects is not None, hidden=hidden))
            parts.append(Paragraph("'Before' counts the team's new complaints on the action's theme in the year "
                                   "of the complaint that led to it; 'since' counts them in the years after, up "
                                   f"to {self.financial_year}. Counts this small move by chance, so read them as "
                                   "a prompt for review, not a verdict on the action."))
        if log.unmatched:
            one = log.unmatched == 1
            parts.append(Paragraph(f"{self.policy.count(log.unmatched, 'action', kind='actions')} "
                                   f"{'names' if one else 'name'} a complaint reference that is not in the complaints "
                                   f"data, so {'it is' if one else 'they are'} not in the log."))
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
                        f"({self.policy.count(row['upheld'], kind='comparators')} of "
                        f"{self.policy.count(row['complaints'], kind='comparators')}; plausibly "
                        f"{words.percent(row['ci_low'])} to {words.percent(row['ci_high'])}), "
                        f"the {_ordinal(rank)} highest of "
                        f"{len(table)} councils, against {words.percent(u.pooled_rate)} across the others: {where}.")

    @registers
    def benchmarking_section(self):
        """Where the council sits among its comparators: rank, the funnel, uphold share, a warning."""
        from cfanalysis.analysis.counts import escalation

        p = self.policy
        parts = [Paragraph(COMPARABILITY, kind="note"), self._comparators_source()]
        parts += [Paragraph(self.funnel_problem)] if self.funnel is None else list(self._funnel_parts())
        parts += list(self._uphold_parts())
        parts += list(self._ombudsman_measures())
        bench = year_on_year(self.data, self.financial_year)
        where = f"{self.financial_year} annual report, this council year on year"
        shares = []
        for year in bench.index:
            counts = escalation(self.data.complaints, year, from_stage=1)
            if 2 in hidden_stages(year_counts(self.data, year), p):  # withheld with that year's Stage 2 cases
                shares.append(p.mark or "not shown")
                continue
            shares.append(p.share(counts["escalated"], counts["complaints"], where=where,
                                  numerator_key=quantity("escalated_to_2", year),
                                  denominator_key=quantity("stage1", year)) or p.mark or "not shown")
        bench["Stage 2 escalation"] = shares
        for column, name, kind in (("Complaints", "complaints", "complaints"),
                                   ("Compliments", "compliments", "compliments"),
                                   ("Ombudsman enquiries", "ombudsman_enquiries", "ombudsman")):
            bench[column] = [p.count(v, kind=kind, key=quantity(name, year), where=where)
                             for year, v in bench[column].items()]
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
            unit = comparator_unit(self.data.comparators_info) or "complaints (as the comparators file counts them)"
            yield Paragraph(f"{self.authority} had {row['rate']:.1f} {unit} per {f.per:,} {what} in "
                            f"{self.financial_year}, the {_ordinal(rank)} highest of {len(table)} councils "
                            f"(all councils together: {f.target:.1f}). That is {POSITIONS[row['position']][0]}: "
                            f"{POSITIONS[row['position']][1]}.", kind="verdict")
            note = funnel_unit_note(f, self.authority, self.policy, partial=self.figures.years.partial,
                                    info=self.data.comparators_info)
            if note:
                yield Paragraph(note, kind="note")
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

    @registers
    def benchmarking_appendix(self):
        """Appendix: every council's rate with its limits, and every council's uphold share."""
        parts = []
        # Other councils' counts are published figures (cfanalysis.publish.disclosure.KINDS["comparators"]).
        count = lambda v: self.policy.count(v, kind="comparators")  # noqa: E731
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
                               formats={"Complaints": count, denominator: "{:,.0f}", f"Rate per {f.per:,}": rate,
                                        "95% lower": rate, "95% upper": rate}))
        u = self.breakdowns.uphold
        if u is not None:
            table = u.to_frame().rename(columns={"authority": "Authority", "complaints": "Complaints",
                                                  "upheld": "Upheld", "rate": "Share upheld",
                                                  "ci_low": "95% lower", "ci_high": "95% upper"})
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
                      "The strength of evidence is given in bands of the p-value "
                      f"({words.evidence_bands_words()}), never as a bright line; with counts this small an "
                      "interval is wide, and no change is ever called 'no change' on a test alone."),
            Paragraph(f"The figures rest on {f.rows_accepted:,} of the {f.rows_read:,} rows read from the input "
                      f"files; {f.rows_excluded:,} were excluded for the reasons in the row reconciliation."),
            *self.disclosure_annex().parts))


def annual_report(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                  policy: DisclosurePolicy | None = None, team: str | None = None,
                  denominator: str = "children_in_need", authority: str | None = None,
                  confidence_level: float = 0.95, named_in_advance: bool = False) -> AnnualReport:
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
    named_in_advance
        As in report 02: True when the team was named before the data were seen (no adjustment
        for picking it out; needs ``team``).
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
    # The team question as report 02 answers it, so the two reports give the same verdict (and the
    # same team when none is named, and the same error for named_in_advance without a team).
    question = team_question(data, financial_year, team=team, baseline_year=years.baseline_year,
                             named_in_advance=named_in_advance, confidence_level=confidence_level,
                             policy=policy)
    choice = choose_team(data, financial_year, team=team, baseline_year=baseline_year)
    team, change = choice.team, question.change
    if authority is None:
        authority = data.authority
    figures = annual_figures(data, years, confidence_level=confidence_level)
    result, problem = None, ""
    if len(data.comparators):
        # The council's own count in the unit the comparators file states, worked out once from its log.
        own = own_comparator_count(data.comparators_info, figures)
        try:
            result = funnel(data.comparators, financial_year, denominator=denominator, highlight=authority, own=own)
        except ValueError as error:
            problem = f"The comparison with other councils cannot be drawn: {error}"
    else:
        problem = ("No comparators table was supplied. To compare with other councils, add comparators.csv "
                   "(authority, financial_year, complaints and a denominator such as children in need; see "
                   "data/README.md).")
    breakdowns = _breakdowns(data, years, team, authority, confidence_level)
    return AnnualReport(data, figures, policy, team, change, result, problem, authority, breakdowns,
                        question=question, choice=choice)
