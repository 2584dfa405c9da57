"""Every result in words: one plain-English description per result type, with the policy in hand.

``analysis/`` returns numbers and typed results and composes no sentence (it does not import
:mod:`cfanalysis.words`); this module writes them. :func:`describe` (``cf.describe``) dispatches
on the result's type, so a notebook asks ``cf.describe(question.change)`` of any result, and a
report section passes its :class:`~cfanalysis.publish.disclosure.DisclosurePolicy`: every count of
people printed goes through ``policy.count`` (so a public policy writes "fewer than 5" and the
count is registered in its ledger, where the audit sees it). Without a policy the internal one is
used: every count in full, as the analyst sees it.
"""

from __future__ import annotations

import html
import math
from functools import singledispatch

import numpy as np
import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.before_after import BeforeAfter, SegmentedFit
from cfanalysis.analysis.benchmarking import POSITIONS, Funnel, ProportionFunnel
from cfanalysis.analysis.breakdowns import (
    STAGE_TIMESCALES,
    ActionsLog,
    AttitudeBreakdown,
    ComplimentsBreakdown,
    OmbudsmanCases,
    TeamBreakdown,
    TimelinessChange,
    UpholdBenchmark,
)
from cfanalysis.analysis.changepoint import Changepoint
from cfanalysis.analysis.checks import TestResult
from cfanalysis.analysis.demand import DemandAnalysis, indicator_label
from cfanalysis.analysis.figures import AnnualFigures
from cfanalysis.analysis.proportions import ProportionChange, proportion_interval
from cfanalysis.analysis.rates import METHOD_NAMES, CountComparison
from cfanalysis.analysis.selection import RiseScan, YearSplitSelection
from cfanalysis.analysis.spc import XmRResult
from cfanalysis.analysis.teams import TeamChange, months_to_confirm
from cfanalysis.periods import month_label
from cfanalysis.publish.disclosure import DisclosurePolicy, disclosure_policy

__all__ = ["before_after_earlier", "before_after_evidence", "caution", "describe", "describe_html",
           "monitoring_statement", "power_statement", "stage_sentences", "team_sentences",
           "timeliness_sentence", "which_to_trust"]


def _policy(policy: DisclosurePolicy | None) -> DisclosurePolicy:
    return policy if policy is not None else disclosure_policy()


@singledispatch
def describe(result: object, policy: DisclosurePolicy | None = None, **kwargs: object) -> str:
    """One plain-English description of ``result`` (British English, units, the method named).

    Parameters
    ----------
    result
        A result of :mod:`cfanalysis.analysis` (``compare_counts``, ``team_question(...).change``, ...).
    policy
        What may be published; counts of people go through it (and its ledger). Default: the
        internal policy, every count in full.

    Examples
    --------
    >>> from cfanalysis.analysis.rates import compare_counts
    >>> describe(compare_counts(20, 8))[:40]
    '20 against 8: about 2.5 times the earlie'
    """
    raise TypeError(f"cf.describe has no description for a {type(result).__name__}; it describes the results "
                    "of cfanalysis.analysis (comparisons, team changes, breakdowns, charts' numbers).")


def describe_html(result, policy: DisclosurePolicy | None = None) -> str:
    """The description as a paragraph, then the result's table (for a notebook cell)."""
    text = f"<p>{html.escape(describe(result, policy))}</p>"
    return text + result.to_frame().to_html(index=False) if hasattr(result, "to_frame") else text


# ---------------------------------------------------------------------------------------------
# Rates and proportions


@describe.register
def _(r: CountComparison, policy: DisclosurePolicy | None = None) -> str:
    """One sentence in plain British English with the numbers and the method named."""
    p = _policy(policy)
    if math.isnan(r.ratio):
        return (f"There were no complaints in either period, so no change can be measured "
                f"({METHOD_NAMES[r.method]}).")
    size = words.times_with_interval(r.ratio, r.ci_low, r.ci_high, r.confidence_level)
    strength = words.evidence(r.pvalue, wide=r.wide, basis=METHOD_NAMES[r.method],
                              includes_no_change=r.ci_low <= 1 <= r.ci_high)
    return f"{p.count(r.count)} against {p.count(r.baseline_count)}: {size}; {strength}."


@describe.register
def _(c: ProportionChange, policy: DisclosurePolicy | None = None) -> str:
    """The share with its interval against the baseline's, and Fisher's test, in one sentence."""
    p = _policy(policy)
    what, fy = words.capitalised(c.what), c.financial_year
    if not c.trials:
        return f"{what}: there were none to measure in {fy}."
    share = p.share(c.successes, c.trials)
    if share is None:
        return f"{what}: too few in {fy} to give a share ({p.count(c.successes)} of {p.count(c.trials)})."
    now = (f"{share} in {fy} ({p.count(c.successes)} of "
           f"{p.count(c.trials)}; {words.level(c.confidence_level)} interval "
           f"{words.percent(c.ci_low)} to {words.percent(c.ci_high)})")
    if not c.baseline_trials:
        return f"{what}: {now}."
    before = p.share(c.baseline_successes, c.baseline_trials)
    before = f"{before} in {c.baseline_year}" if before else f"too few to give a share in {c.baseline_year}"
    wide = (c.ci_high - c.ci_low) > 0.15  # a share known only to within about 15 points
    verdict = words.evidence(c.pvalue, wide=wide, basis="Fisher's exact test")
    return f"{what}: {now}, against {before}: {verdict}."


@describe.register
def _(t: TestResult, policy: DisclosurePolicy | None = None) -> str:
    interval = (f" ({words.ratio(t.ci_low)} to {words.ratio(t.ci_high)})"
                if math.isfinite(t.ci_low) and math.isfinite(t.ci_high) else "")
    return (f"{words.capitalised(t.method)}, which checks {t.checks}: estimate "
            f"{words.ratio(t.estimate)}{interval}, p = {words.p_value(t.pvalue) or 'not available'}.")


# ---------------------------------------------------------------------------------------------
# Change points, control charts, the team scan


@describe.register
def _(c: Changepoint, policy: DisclosurePolicy | None = None) -> str:
    if c.first_month is None:
        return "The series is too short, or has no complaints, so no change point can be looked for."
    level = (f"the most likely start of a new level is {month_label(c.first_month, long=True)} "
             f"(about {c.mean_before:.1f} a month before, {c.mean_after:.1f} after)")
    scope = "every within-month arrangement" if c.exact else f"{c.permutations:,} within-month shuffles"
    hedge = ": chance cannot be ruled out" if c.pvalue >= words.HEDGE_FROM else ""
    if c.plausible_first == c.plausible_last:
        caution_words = "the data point to that month alone, though a single series is never certain"
    else:
        caution_words = (f"but the start could plausibly be anywhere from "
                         f"{month_label(c.plausible_first, long=True)} to "
                         f"{month_label(c.plausible_last, long=True)}")
    verdict = (f"{words.strength(c.pvalue)} of a shift in level (p = {words.p_value(c.pvalue)}, "
               f"from {scope}){hedge}")
    return f"Scanning every possible split month, {level}; {caution_words}. There is {verdict}."


@describe.register
def _(x: XmRResult, policy: DisclosurePolicy | None = None) -> str:
    n = len(x.points)
    flagged = x.flagged
    last = x.points.iloc[-1]
    text = (f"{x.chart} of {n} points: mean {last['mean']:.1f}{x.unit}, process limits "
            f"{last['lower_limit']:.1f} to {last['upper_limit']:.1f}{x.unit}.")
    if len(flagged):
        shows = f" {len(flagged)} points show" if len(flagged) > 1 else " 1 point shows"
        text += shows + " special-cause variation."
    else:
        text += " All points show common-cause variation only."
    return " ".join([text, *x.warnings])


@describe.register
def _(s: YearSplitSelection, policy: DisclosurePolicy | None = None) -> str:
    p = _policy(policy)
    best = int(np.argmin(s.adjusted)) if s.teams else None
    if best is None:
        return "No teams to compare."
    return (f"Largest year-on-year rise: {s.teams[best]}, {p.count(s.baseline_counts[best])} to "
            f"{p.count(s.counts[best])}; selection-adjusted one-sided p = {s.adjusted[best]:.3f} ({s.method}).")


@describe.register
def _(s: RiseScan, policy: DisclosurePolicy | None = None) -> str:
    best = int(np.argmax(s.statistics))
    return (f"Largest rise: {s.teams[best]} from {s.first_months[best]}, "
            f"{s.rate_before[best]:.2f} to {s.rate_after[best]:.2f} a month; adjusted p = "
            f"{s.adjusted[best]:.3f} ({s.method}; {s.simulations:,} simulations, seed {s.seed}).")


# ---------------------------------------------------------------------------------------------
# The team question


@describe.register
def _(change: TeamChange, policy: DisclosurePolicy | None = None) -> str:
    """Size and matched interval, when the rise began, the graded evidence and what it rests on."""
    p = _policy(policy)
    h = change.headline
    same = "" if not change.years.partial else f" ({change.years.period_words}: the same months only)"
    if h.count + h.baseline_count == 0:
        return f"{change.team} had no complaints in either {change.baseline_year} or {change.financial_year}."
    _, estimate, low, high = change.trusted
    interval = words.times_with_interval(estimate, low, high, change.matched_level)
    if not change.named_in_advance:
        interval = interval.replace("interval:", f"interval, allowing for picking it out of "
                                                 f"{change.teams_tested} teams:", 1)
    key = f"new_complaints:{change.team}@"
    size = (f"New complaints to {change.team} went from "
            f"{p.count(h.baseline_count, key=key + change.baseline_year)} in {change.baseline_year} to "
            f"{p.count(h.count, key=key + change.financial_year)} in {change.financial_year}{same}: {interval}.")
    when = ""
    if change.scan is not None and change.rise_from is not None:
        i = change.scan.index(change.team)
        when = (f" The higher level most likely began in {change.rise_from:%B %Y} (about "
                f"{change.scan.rate_before[i]:.1f} a month before, {change.scan.rate_after[i]:.1f} after).")
    includes = not (low > 1 or high < 1)
    strength = words.evidence(change.verdict_pvalue, wide=words.interval_is_wide(low, high), what="a rise",
                              basis=change.verdict_basis, includes_no_change=includes)
    text = f"{size}{when} That is {strength}."
    if not change.named_in_advance and change.year_selection is not None:
        text += (f" Year on year alone, adjusted the same way, the one-sided p-value is "
                 f"{words.p_value(change.year_on_year_adjusted_pvalue)} (exact); the E-test for this team "
                 f"alone gives {words.p_value(h.pvalue)}, which overstates the evidence for a team "
                 "picked after looking.")
    return f"{text} {words.capitalised(monitoring_statement(change, p))}"


def monitoring_statement(change: TeamChange, policy: DisclosurePolicy | None = None) -> str:
    """The prospective answer: what the months since have shown, or how many would confirm it."""
    p = _policy(policy)
    if change.prospective is not None:
        pr = change.prospective
        return (f"the {change.prospective_months} months since, compared with the months before "
                f"{change.financial_year}, show {words.times_with_interval(pr.ratio, pr.ci_low, pr.ci_high)}, "
                f"{words.evidence(pr.pvalue, wide=pr.wide, what='a lasting change')}.")
    # Monitoring compares the months to come with every month before the year, not one year.
    h = change.headline
    count, span = ((change.earlier_count, change.earlier_months) if change.earlier_months
                   else (h.baseline_count, h.baseline_exposure))
    # The ratio monitoring would test: the year's rate against the rate of those same earlier months.
    ratio = (h.count / h.exposure) / (count / span) if count else math.inf
    months = months_to_confirm(ratio, count, span)
    earlier = p.count(count, "new complaints", noun_plural="new complaints", where="the months before the year")
    against = f"the {span:.0f} months before {change.financial_year} ({earlier})"
    if not math.isfinite(months):
        return (f"confirmation has to come from the months that follow, but against {against} the "
                "baseline is too uncertain for any length of monitoring to settle a rise of this size "
                "reliably; keep the monthly chart going and review it when another year is in.")
    return (f"confirmation has to come from the months that follow: if the new level holds, about "
            f"{months} months of monitoring, compared with {against}, would show it 8 times in 10.")


def which_to_trust(change: TeamChange) -> str:
    """Which result the verdict rests on, and why: the same rule as ``TeamChange.verdict_pvalue``."""
    if change.scan is None:
        return f"The verdict rests on the E-test (p = {words.p_value(change.verdict_pvalue)})."
    phi = change.scan.dispersion_of(change.team)
    spread = ("The months vary no more than chance would make them." if phi <= 1 else
              f"The months vary {phi:.2f} times as much as chance would make them (measured around each "
              "team's fitted rise, so a real rise does not inflate it), and the verdict allows for that.")
    picked = ("the team was named before the data were seen, so only its start month is allowed for"
              if change.named_in_advance else
              f"the team was picked after looking, so every one of the {change.teams_tested} teams and every "
              "start month is allowed for")
    return (f"The verdict rests on one rule: a one-sided scan for a rise at every month it could have begun "
            f"in {change.financial_year}, calibrated by {change.scan.simulations:,} simulations (seed "
            f"{change.scan.seed}) that spread each team's total over the months at random; {picked} "
            f"(p = {words.p_value(change.verdict_pvalue)}). {spread} The other rows are checks for this "
            "team alone, year on year, and are descriptive.")


def power_statement(change: TeamChange, policy: DisclosurePolicy | None = None) -> str:
    """How large a rise the rule could have found, given the baseline's complaints."""
    p = _policy(policy)
    r = change.detectable_ratio
    rule = "the rule the verdict uses" if change.scan is not None else "the E-test"
    baseline = p.count(change.headline.baseline_count, key=f"new_complaints:{change.team}@{change.baseline_year}")
    if not math.isfinite(r):
        return (f"With {baseline} complaints in the baseline, no size of rise "
                f"could be reliably detected by {rule}.")
    return (f"With {baseline} complaints in {change.baseline_year}, a rise from the start "
            f"of the year would need to be about {r:.1f} times the earlier rate for {rule} to find it "
            "8 times in 10 (by simulation); smaller real changes can easily go unseen.")


@describe.register
def _(d: DemandAnalysis, policy: DisclosurePolicy | None = None) -> str:
    """Plain words: does demand or staffing explain the rise, or does the rate per unit rise too?"""
    if d.rate_comparison is None:
        return d.note
    what, one = indicator_label(d.denominator), singular(indicator_label(d.denominator))
    r = d.rate_comparison
    strength = words.evidence(r.pvalue, wide=r.wide, what=f"a change in the rate per {one}",
                              includes_no_change=r.ci_low <= 1 <= r.ci_high)
    rates = (f"Per {d.per:,} {what}, complaints went from {d.baseline_rate:.2f} to "
             f"{d.rate:.2f}: {words.times_with_interval(r.ratio, r.ci_low, r.ci_high, r.confidence_level)}; "
             f"{strength}.")
    return f"{rates}{_share_explained(d, what, one)}{_model_words(d)}"


def singular(label: str) -> str:
    """An indicator's label in the singular: "contacts" -> "contact", "vacancies (FTE)" -> "vacancy (FTE)"."""
    head, _, tail = label.partition(" (")
    if head.endswith("ies"):
        head = head[:-3] + "y"
    elif head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return head + (f" ({tail}" if tail else "")


def _share_explained(d: DemandAnalysis, what: str, one: str) -> str:
    """How much of the change in complaints the change in the denominator accounts for, on a
    continuous scale (the log of the count ratio split into denominator and rate): no switch at 0.05."""
    count_ratio, rate_ratio = d.year_ratio_unadjusted, d.rate_comparison.ratio
    if not (math.isfinite(count_ratio) and math.isfinite(rate_ratio)) or count_ratio <= 0 or rate_ratio <= 0 \
            or abs(math.log(count_ratio)) < 0.05:
        return f" The data cannot say how far changes in {what} account for the change in complaints."
    share = 1 - math.log(rate_ratio) / math.log(count_ratio)
    share = min(max(share, 0.0), 1.0)
    return (f" Complaints changed by {words.times(count_ratio)} and the rate per {one} by "
            f"{words.times(rate_ratio)}, so changes in {what} account for about {share:.0%} of the change "
            "(on a log scale) and the rest is a change in the rate; how sure that is follows the evidence "
            "words just given. These demand figures are for this team alone and are descriptive.")


def _model_words(d: DemandAnalysis) -> str:
    """The model's year ratio with its interval, in the same evidence words (empty without a model)."""
    low, high = d.adjusted_ci
    if not math.isfinite(d.year_ratio_adjusted) or not math.isfinite(low):
        return ""
    others = list(d.model["term"]) if len(d.model) else []
    allowing = f" and allowing for {words.joined(others)}" if others else ""
    size = words.times_with_interval(d.year_ratio_adjusted, low, high)
    strength = words.evidence(d.adjusted_pvalue, wide=words.interval_is_wide(low, high),
                              basis="quasi-Poisson", includes_no_change=low <= 1 <= high)
    return (f" In a model of the monthly counts with {indicator_label(d.denominator)} as the exposure{allowing}, "
            f"complaints in the later year were {size} (against {d.year_ratio_unadjusted:.2f} without "
            f"exposure or indicators); {strength}.")


# ---------------------------------------------------------------------------------------------
# Before and after an event


@describe.register
def _(s: SegmentedFit, policy: DisclosurePolicy | None = None) -> str:
    level = words.level(s.confidence_level)
    return (f"A segmented model of all {s.months_before + s.months_after} months "
            f"({s.months_before} before, {s.months_after} from the event) puts the change in level at "
            f"the event at {words.ratio(s.level_ratio)} times ({level} interval "
            f"{words.ratio(s.level_ci_low)} to {words.ratio(s.level_ci_high)}, p = "
            f"{words.p_value(s.level_pvalue)}, {words.strength(s.level_pvalue)}), and the change in "
            f"the monthly trend at {words.ratio(s.trend_ratio)} times a month (p = "
            f"{words.p_value(s.trend_pvalue)}); {s.method}, scale {s.scale:.2f}.")


def before_after_evidence(r: BeforeAfter) -> str:
    """The strength of evidence of a change, in the same words as the team question."""
    return words.evidence(r.pvalue, wide=words.interval_is_wide(r.ci_low, r.ci_high),
                          what=f"a {'rise' if r.ratio > 1 else 'fall'}", basis=r.method)


@describe.register
def _(r: BeforeAfter, policy: DisclosurePolicy | None = None) -> str:
    """Size first, then interval and strength of evidence, then what timing cannot show."""
    p = _policy(policy)
    after, before = r.months_after, r.months_before
    span = (f"{month_label(after[0], long=True)} to {month_label(after[-1], long=True)}"
            if len(after) > 1 else month_label(after[0], long=True))
    base = (f"{month_label(before[0], long=True)} to {month_label(before[-1], long=True)}"
            if len(before) > 1 else month_label(before[0], long=True))
    kind = "compliments" if r.what.startswith("compliment") else "complaints"
    text = (f"{words.capitalised(r.what)} after '{r.event}' ({r.event_date:%-d %B %Y}): "
            f"{p.count(r.count, kind=kind)} in {span}, against {p.count(r.baseline_count, kind=kind)} in the same "
            f"months a year earlier ({base}).")
    if not math.isfinite(r.ratio) or r.count + r.baseline_count == 0:
        return text + " The change cannot be measured as a ratio. " + caution(r)
    text += (f" That is {words.times_with_interval(r.ratio, r.ci_low, r.ci_high, r.confidence_level)}"
             f": {before_after_evidence(r)}.")
    return " ".join(t for t in (text, before_after_earlier(r), caution(r)) if t)


def before_after_earlier(r: BeforeAfter) -> str:
    """What the whole series says: against every earlier month, and when the scan puts the change."""
    parts = []
    if r.whole_baseline is not None and r.whole_baseline.baseline_exposure > len(r.months_before):
        w = r.whole_baseline
        parts.append(f"Against all {w.baseline_exposure:.0f} months before it, the months after are "
                     f"{words.times_with_interval(w.ratio, w.ci_low, w.ci_high, r.confidence_level)}.")
    if r.changed_before:
        c = r.changepoint
        parts.append(f"But the series changed before the event: a scan of all its months puts the shift in "
                     f"{month_label(c.first_month, long=True)} (about {c.mean_before:.1f} a month before, "
                     f"{c.mean_after:.1f} after; p = {words.p_value(c.pvalue)}), so the comparison mostly "
                     "measures a change that had already happened.")
    if r.seasonal is not None and r.segmented is not None:
        parts.append(f"Allowing for the season, the segmented model's change in level is "
                     f"{words.ratio(r.seasonal.level_ratio)} times (p = "
                     f"{words.p_value(r.seasonal.level_pvalue)}) instead of "
                     f"{words.ratio(r.segmented.level_ratio)} "
                     f"(p = {words.p_value(r.segmented.level_pvalue)}).")
    if r.what.startswith("compliment"):
        parts.append("Anything that encourages staff to pass on or log the thanks they receive changes how "
                     "many compliments are recorded, not only how many are given.")
    return " ".join(parts)


def caution(r: BeforeAfter) -> str:
    """What timing alone cannot show."""
    return (f"Timing alone does not show that '{r.event}' caused any change: anything else that "
            "changed at about the same time would leave the same pattern.")


# ---------------------------------------------------------------------------------------------
# Benchmarks


@describe.register
def _(f: Funnel, policy: DisclosurePolicy | None = None, *, authority: str | None = None) -> str:
    unit = f.denominator.replace("_", " ")
    text = (f"Across {len(f.table)} authorities in {f.financial_year} the pooled rate is "
            f"{f.target:.1f} complaints per {f.per:,} {unit}.")
    if f.overdispersed:
        text += (" Rates vary between authorities more than chance alone would make them, so the "
                 "limits are widened for that (a random-effects allowance), which avoids calling "
                 "ordinary differences between councils outliers.")
    else:
        text += " Rates vary no more than chance would make them, so the limits are exact Poisson limits."
    if authority:
        row = f.table[f.table["authority"] == authority]
        if len(row):
            row = row.iloc[0]
            short, meaning = POSITIONS[row["position"]]
            text += f" {authority} had {row['rate']:.1f} per {f.per:,} {unit}: {short} ({meaning})."
    outside = f.outside_998()
    text += (f" {outside} of {len(f.table)} authorities lie outside the 99.8% limits."
             if outside else " No authority lies outside the 99.8% limits.")
    return text


@describe.register
def _(f: ProportionFunnel, policy: DisclosurePolicy | None = None) -> str:
    return (f"{len(f.table)} authorities, pooled proportion {f.target:.3f}, phi {f.phi:.2f}, "
            f"tau^2 {f.tau2:.5f} (Spiegelhalter 2005, additive random effect).")


@describe.register
def _(b: UpholdBenchmark, policy: DisclosurePolicy | None = None) -> str:
    fy, others = b.financial_year, b.table[b.table["authority"] != b.authority]
    pooled = f"{words.percent(b.pooled_rate)} across the {len(others)} other councils together"
    if b.authority not in set(b.table["authority"]):
        return f"In {fy}, councils upheld {pooled}; this council is not in the comparators table."
    row = b.table[b.table["authority"] == b.authority].iloc[0]
    higher = int((others["rate"] > row["rate"]).sum())
    text = (f"In {fy}, {b.authority} upheld {words.percent(row['rate'])} of its complaints in full or in part "
            f"({int(row['upheld']):,} of {int(row['complaints']):,}; {words.level(b.confidence_level)} "
            f"interval {words.percent(row['ci_low'])} to {words.percent(row['ci_high'])}), against {pooled}: "
            f"{uphold_verdict(b, row)}. {higher} of the {len(others)} other councils upheld a larger share.")
    if b.file_disagrees:
        upheld, total = b.file_figure
        text += (f" Warning: the comparators file gives this council {words.percent(upheld / total)} "
                 f"({upheld:,} of {total:,}), not the {words.percent(row['rate'])} worked out from its own "
                 "new complaints, which is the figure used here; check what the file counts.")
    return text


def uphold_verdict(b: UpholdBenchmark, row: pd.Series) -> str:
    """Where the council sits on the over-dispersion-aware funnel (the Wilson interval alone ignores
    that councils' uphold rates vary more than chance between them)."""
    place = b.funnel.row(b.authority) if b.funnel is not None else None
    if place is None:
        if row["ci_low"] > b.pooled_rate:
            return "higher than the others together, beyond what chance variation would usually give"
        if row["ci_high"] < b.pooled_rate:
            return "lower than the others together, beyond what chance variation would usually give"
        return "within the range that chance variation around the others' rate would give"
    allowance = ("allowing for councils' rates varying more than chance between them"
                 if b.funnel.overdispersed else "rates vary between councils no more than chance")
    where = {"above_998": "well above the range other councils' rates would give",
             "above_95": "above the 95% range other councils' rates would give, though within the 99.8% range",
             "below_95": "below the 95% range other councils' rates would give, though within the 99.8% range",
             "below_998": "well below the range other councils' rates would give",
             "within_95": "within the range other councils' rates would give"}[place["position"]]
    return f"{where} ({allowance}; z = {place['z_adjusted']:.2f} on the funnel for proportions)"


# ---------------------------------------------------------------------------------------------
# The annual report's figures and breakdowns (the reports use publish/sentences.py; these are
# the analyst's one-line descriptions, counts through the same policy)


@describe.register
def _(f: AnnualFigures, policy: DisclosurePolicy | None = None) -> str:
    p = _policy(policy)
    fy, by = f.years.financial_year, f.years.baseline_year
    text = (f"{p.count(f.now.complaints, key=f'complaints@{fy}')} complaints and "
            f"{p.count(f.now.compliments, kind='compliments', key=f'compliments@{fy}')} compliments in {fy}")
    if f.years.has_baseline:
        text += (f", against {p.count(f.before.complaints, key=f'complaints@{by}')} and "
                 f"{p.count(f.before.compliments, kind='compliments', key=f'compliments@{by}')} in {by}")
    return text + "."


@describe.register
def _(b: TeamBreakdown, policy: DisclosurePolicy | None = None) -> str:
    from cfanalysis.publish.sentences import team_breakdown_sentence

    return team_breakdown_sentence(b, _policy(policy))


def _upheld_year(a: AttitudeBreakdown, year: str, p: DisclosurePolicy) -> str:
    row = a.upheld.loc[year]
    low, high = proportion_interval(int(row["attitude_upheld"]), int(row["attitude"]), a.confidence_level)
    mine = p.percent_or_reason(row["attitude_upheld"], row["attitude"])
    other = p.percent_or_reason(row["other_upheld"], row["other"])
    return (f"{p.count(row['attitude_upheld'])} of "
            f"{p.count(row['attitude'])} complaints about staff attitude were upheld in "
            f"full or in part ({mine}; {words.level(a.confidence_level)} interval "
            f"{words.percent(low)} to {words.percent(high)}), against "
            f"{p.count(row['other_upheld'])} of {p.count(row['other'])}"
            f" other complaints ({other})")


@describe.register
def _(a: AttitudeBreakdown, policy: DisclosurePolicy | None = None) -> str:
    p = _policy(policy)
    fy, by = a.financial_year, a.baseline_year
    if fy not in a.upheld.index or not a.upheld.loc[fy, "attitude"]:
        return f"No new complaints about staff attitude were received in {fy}."
    pv = a.upheld.loc[fy, "pvalue"]
    verdict = (f"{words.strength(pv)} of a real difference in how often they are upheld "
               f"(p = {words.p_value(pv)}, Fisher's exact test)")
    if math.isnan(pv) or pv >= words.HEDGE_FROM:  # the one hedging rule of words.py: no edge at 0.05
        verdict += ("; chance cannot be ruled out, and with so few complaints the data cannot tell whether "
                    "attitude complaints are upheld more or less often than others")
    text = f"In {fy}, {_upheld_year(a, fy, p)}: {verdict}."
    if by in a.upheld.index and a.upheld.loc[by, "attitude"]:
        text += f" In {by}, {_upheld_year(a, by, p)}."
    return text


def _replies_part(row: pd.Series, year: str, small: int, p: DisclosurePolicy) -> str:
    replies, on_time = int(row[f"Replies, {year}"]), int(row[f"On time, {year}"])
    text = f"{p.count(on_time, kind='replies')} of {p.count(replies, kind='replies')}"
    if replies >= small:  # a percentage of a handful reads as more than it is
        share = p.share(on_time, replies, kind="replies")
        text += f" ({share})" if share else ""
    return text


def timeliness_sentence(t: TimelinessChange, label: str, row: pd.Series, policy: DisclosurePolicy | None = None,
                        *, small: int = 5, timescale: str = "") -> str:
    """One group's replies on time in the year and the baseline year, counts only below ``small``."""
    p = _policy(policy)
    fy, by = t.financial_year, t.baseline_year
    if not row[f"Replies, {fy}"] and not row.get(f"Replies, {by}", 0):
        return f"{label}: no replies in {fy} or {by}."
    text = f"{label}: {_replies_part(row, fy, small, p)} replies on time{timescale} in {fy}"
    if f"Replies, {by}" in row and row[f"Replies, {by}"]:
        text += f", against {_replies_part(row, by, small, p)} in {by}"
    return text + "."


def stage_sentences(t: TimelinessChange, policy: DisclosurePolicy | None = None) -> list[str]:
    """One sentence per stage: replies within its timescale, this year against last."""
    return [timeliness_sentence(t, label, row, policy,
                                timescale=f" (within {STAGE_TIMESCALES[int(label[-1])]} working days)")
            for label, row in t.by_stage.iterrows()]


def team_sentences(t: TimelinessChange, policy: DisclosurePolicy | None = None) -> list[str]:
    """One sentence per team: replies on time, this year against last."""
    return [timeliness_sentence(t, str(label), row, policy) for label, row in t.by_team.iterrows()]


@describe.register
def _(t: TimelinessChange, policy: DisclosurePolicy | None = None) -> str:
    return " ".join(stage_sentences(t, policy))


@describe.register
def _(c: ComplimentsBreakdown, policy: DisclosurePolicy | None = None) -> str:
    from cfanalysis.publish.sentences import compliments_sentence

    return compliments_sentence(c, _policy(policy))


@describe.register
def _(o: OmbudsmanCases, policy: DisclosurePolicy | None = None) -> str:
    from cfanalysis.publish.sentences import ombudsman_sentence

    return ombudsman_sentence(o, _policy(policy))


@describe.register
def _(log: ActionsLog, policy: DisclosurePolicy | None = None) -> str:
    from cfanalysis.publish.sentences import actions_follow_up

    p = _policy(policy)
    now = p.count(len(log.of(log.financial_year)), "action", kind="actions")
    return f"{now} from complaints received in {log.financial_year}. " + actions_follow_up(log, p)
