"""The panel's answers in plain words: three lines first, then the detail (report 03).

Figures and words only: no test names, model terms or p-values (those are in the annex, the
way an ONS bulletin keeps its methods). The verdict on a team is the team question's own
(:func:`cfanalysis.publish.team.team_question`: its verdict p-value, in the evidence bands of
:func:`cfanalysis.words.strength`), so reports 02 and 03 say the same thing. Every count goes through
the run's :class:`~cfanalysis.publish.disclosure.DisclosurePolicy`, registered under the ledger keys
of the tables it comes from; no "N of M" is given where a count behind it is hidden.
"""

from __future__ import annotations

import math

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.breakdowns import TeamBreakdown
from cfanalysis.periods import month_label
from cfanalysis.publish.descriptions import caution, monitoring_statement
from cfanalysis.publish.disclosure import DisclosurePolicy, Relation, cell_key
from cfanalysis.publish.team import TeamQuestion

__all__ = ["CHILD_COMPLAINANTS", "READING_NOTE", "children_share", "evidence_words", "possessive", "size_words",
           "team_lines", "team_verdict", "upheld_share"]

CHILD_COMPLAINANTS = ("Child or young person", "Advocate for a child")
UPHELD = ("Upheld", "Partially upheld")
READING_NOTE = ("How to read the evidence words: 'strong evidence' means a change this large would seldom arise "
                "by chance alone; 'little or no evidence' means chance alone could easily have produced it, "
                "not that nothing changed. The ranges ('plausibly between ...') show how large a change the "
                "figures still allow. The annex gives the tests behind each phrase.")


possessive = words.possessive  # "Duty Team's", "Children with Disabilities'" (kept here for its callers)


def evidence_words(p: float, what: str = "a real change") -> str:
    """'moderate evidence of a real change': the band only, no p-value or test name."""
    return f"{words.strength(p)} of {what}"


def size_words(ratio: float, low: float, high: float) -> str:
    """'about 2.5 times as many (plausibly between 1.1 and 5.5 times)'."""
    size = words.times(ratio)
    if not size:
        return ""
    if size.startswith("about") and size.endswith("times"):
        size += " as many"
    if math.isinf(high):
        return f"{size} (plausibly {low:.1f} times as many or more)"
    bound = lambda v: f"{v:.2f}" if v < 1 else f"{v:.1f}"  # noqa: E731
    return f"{size} (plausibly between {bound(low)} and {bound(high)} times)"


def _two(table: pd.DataFrame, rows, by: str, fy: str) -> tuple[int, int]:
    present = [r for r in rows if r in table.index]
    return int(table.loc[present, by].sum()), int(table.loc[present, fy].sum())


def upheld_share(breakdown: TeamBreakdown) -> tuple[int, int]:
    """The team's new complaints upheld in full or in part: (baseline year, year)."""
    return _two(breakdown.tables["outcome"], UPHELD, breakdown.baseline_year, breakdown.financial_year)


def children_share(breakdown: TeamBreakdown) -> tuple[int, int]:
    """The team's new complaints from children and young people, themselves or through an advocate."""
    return _two(breakdown.tables["complainant_type"], CHILD_COMPLAINANTS, breakdown.baseline_year,
                breakdown.financial_year)


def team_verdict(question: TeamQuestion) -> str:
    """The one verdict, from the team question's verdict p-value, in words."""
    change = question.change
    basis = ("the team was named before the figures were seen" if change.named_in_advance else
             f"allowing for this team being picked out of {max(change.teams_tested, 1)} after looking at the figures")
    return f"Verdict: {evidence_words(change.verdict_pvalue)} ({basis})."


def _began(question: TeamQuestion) -> str:
    """When the higher level began: the verdict's own scan (the one answer), with the change-point
    scan's plausible months beside it; the change point alone when the verdict fitted no rise."""
    cp, change = question.changepoint, question.change
    start = change.rise_from if change is not None else None
    if start is not None:
        text = f"; the verdict's scan puts the start of the new level in {month_label(start, long=True)}"
        if cp is not None and cp.plausible_first is not None and cp.plausible_first != cp.plausible_last:
            text += (f" (the months alone: plausibly from {month_label(cp.plausible_first, long=True)} to "
                     f"{month_label(cp.plausible_last, long=True)})")
        return text
    if cp is None or cp.first_month is None:
        return ""
    text = f"; the monthly figures put the start of the new level in {month_label(cp.first_month, long=True)}"
    if cp.plausible_first is not None and cp.plausible_first != cp.plausible_last:
        text += (f" (plausibly from {month_label(cp.plausible_first, long=True)} to "
                 f"{month_label(cp.plausible_last, long=True)})")
    return text


def _demand(question: TeamQuestion) -> str:
    demand = question.demand
    if demand is None or demand.rate_comparison is None:
        return "There are no demand figures (such as contacts) to tell whether more work explains it."
    one = str(demand.denominator).replace("_", " ")
    rates = f"per {demand.per:,} {one}, complaints went from {demand.baseline_rate:.2f} to {demand.rate:.2f}"
    # A split of the change between demand and the rate, on a continuous scale: descriptive, part of the
    # one answer (whether the change is real is the verdict's question, with its adjustment; issue 18).
    share = demand.share_explained
    if math.isnan(share):
        return f"Demand: {rates}; the change is too small to split between {one} and the rate."
    part = f"changes in {one} account for about {share:.0%} of the change"
    if share <= 0.25:
        return f"Demand does not explain it: {rates}, so {part} and the rest is a change in the rate."
    if share >= 0.75:
        return f"Demand explains most of it: {rates}, so {part}."
    return f"Demand explains part of it: {rates}, so {part}."


def _sum_of(policy: DisclosurePolicy, value: int, key: str, table: str, rows, year: str, financial_year: str,
            where: str) -> str:
    """A count that is the sum of rows of a published table, registered with that relation."""
    shown = policy.count(value, key=key, where=where)
    policy.ledger.relations.append(Relation(key, tuple(cell_key(table, r, year, financial_year) for r in rows),
                                            where))
    return shown


def _outcomes(breakdown: TeamBreakdown, policy: DisclosurePolicy) -> str:
    (up0, up1), (ch0, ch1) = upheld_share(breakdown), children_share(breakdown)
    b0, b1 = breakdown.baseline_count, breakdown.count
    team, fy, by = breakdown.team, breakdown.financial_year, breakdown.baseline_year
    where = f"{fy} annual report, the team's answer"
    hidden = [policy.share(n, d) is None for n, d in ((up1, b1), (up0, b0), (ch1, b1), (ch0, b0)) if d]
    # A sum of table cells, one of them hidden, would give it away (8 upheld in all, 4 partially: 4 upheld).
    parts = [(breakdown.tables["outcome"], UPHELD), (breakdown.tables["complainant_type"], CHILD_COMPLAINANTS)]
    hidden += [policy.is_small(table.at[row, year]) for table, rows in parts for row in rows if row in table.index
               for year in (by, fy)]
    if any(hidden) or policy.is_small(min(b0, b1)):
        return ("how many were upheld, and how many came from children or their advocates, is not given here: "
                "the numbers are too small to publish.")
    total = lambda v, y: policy.count(v, key=f"new_complaints:{team}@{y}", where=where)  # noqa: E731
    upheld = lambda v, y: _sum_of(policy, v, f"team_upheld:{team}@{y}", f"team_outcome:{team}",  # noqa: E731
                                  [r for r in UPHELD if r in breakdown.tables["outcome"].index], y, fy, where)
    children = lambda v, y: _sum_of(policy, v, f"team_children:{team}@{y}",  # noqa: E731
                                    f"team_complainant_type:{team}",
                                    [r for r in CHILD_COMPLAINANTS if r in breakdown.tables["complainant_type"].index],
                                    y, fy, where)
    text = (f"{upheld(up1, fy)} of {total(b1, fy)} were upheld in full or in part, against {upheld(up0, by)} of "
            f"{total(b0, by)}, and {children(ch1, fy)} came from children or their advocates, against "
            f"{children(ch0, by)}")
    more_upheld = b0 and b1 and up1 / b1 > up0 / b0 + 0.05
    fewer_upheld = b0 and b1 and up1 / b1 < up0 / b0 - 0.05
    if more_upheld and ch1 > ch0:
        return text + ": that points to incidents to learn from rather than only unwelcome decisions."
    if more_upheld:
        return text + ": a larger share upheld points to incidents to learn from rather than only unwelcome decisions."
    if fewer_upheld:
        return text + ": a smaller share upheld suggests more disagreement with decisions than incidents."
    return text + "."


def team_lines(question: TeamQuestion, breakdown: TeamBreakdown, policy: DisclosurePolicy | None = None) -> list[str]:
    """Three plain lines: size and timing; demand, outcomes and complainants; the verdict.

    The caller has checked that the team question could be answered (``question.change``).
    ``policy`` (default: the question's own) says which counts may be published; when it hides
    one of the team's two yearly counts, no size or timing is given, only the verdict.
    """
    change, p = question.change, policy or question.policy
    h = change.headline
    where = f"{question.financial_year} annual report, the team's answer"
    count = lambda v, y, noun="": p.count(v, noun, key=f"new_complaints:{question.team}@{y}",  # noqa: E731
                                          where=where)
    _, estimate, low, high = change.trusted
    now = count(h.count, question.financial_year, "new complaint")
    if p.is_small(min(h.count, h.baseline_count)):
        first = (f"{question.team} received {now} in {question.financial_year} against "
                 f"{count(h.baseline_count, question.baseline_year, 'new complaint')} in {question.baseline_year}; "
                 "numbers this small are not compared here.")
        return [first, team_verdict(question)]
    first = (f"{question.team} received {now} in {question.financial_year} against "
             f"{count(h.baseline_count, question.baseline_year)} in {question.baseline_year}, "
             f"{size_words(estimate, low, high)}{_began(question)}.")
    second = f"{_demand(question)} {words.capitalised(_outcomes(breakdown, p))}"
    third = f"{team_verdict(question)} {words.capitalised(monitoring_statement(change, p))}"
    return [first, second, third]


def event_lines(question, policy: DisclosurePolicy | None = None) -> list[str]:
    """A before-and-after question (:class:`cfanalysis.publish.events.EventQuestion`) in plain words.

    Where ``policy`` (default: the question's own) hides the series' counts, the counts for part of
    a year are not given: beside the year's published totals they would give the rest of the year
    away (17 of 20 leaves 3), so only the size and the evidence are.
    """
    from cfanalysis.publish.events import COMPLIMENTS

    r, p = question.result, policy or question.policy
    if r is None:
        return [question.unavailable]
    after, before = r.months_after, r.months_before
    span = lambda ms: (month_label(ms[0], long=True) if len(ms) == 1  # noqa: E731
                       else f"{month_label(ms[0], long=True)} to {month_label(ms[-1], long=True)}")
    kind = "compliments" if question.what == COMPLIMENTS else "complaints"
    measurable = math.isfinite(r.ratio) and r.count + r.baseline_count > 0
    size = size_words(r.ratio, r.ci_low, r.ci_high).replace(" as many", "") if measurable else ""
    what = f"a {'rise' if r.ratio > 1 else 'fall'}"
    if p.hides(kind):
        text = (f"{words.capitalised(r.what)} after '{r.event}' ({r.event_date:%-d %B %Y}), against the same "
                f"months a year earlier: " + (f"{size}; {evidence_words(r.pvalue, what)}." if measurable else
                                              "not measurable as a ratio."))
        return [text + " The counts for part of a year are not published, so that no small number can be worked "
                       "out from the year's totals.", *_changed_before(r), caution(r)]
    where = f"{question.financial_year} annual report, before and after '{r.event}'"
    text = (f"{words.capitalised(r.what)} after '{r.event}' ({r.event_date:%-d %B %Y}): "
            f"{p.count(r.count, kind=kind, where=where)} in {span(after)}, against "
            f"{p.count(r.baseline_count, kind=kind, where=where)} in the same months a year earlier ({span(before)})")
    if not measurable:
        return [text + ".", *_changed_before(r), caution(r)]
    return [f"{text}: {size}; {evidence_words(r.pvalue, what)}.", *_changed_before(r), caution(r)]


def _changed_before(r) -> list[str]:
    """One plain line when the series had already changed before the event (the before-and-after
    scan, :attr:`cfanalysis.analysis.before_after.BeforeAfter.changed_before`), else none."""
    if not r.changed_before:
        return []
    c = r.changepoint
    event_month = pd.Timestamp(r.event_date).to_period("M")
    ahead = (event_month - pd.Period(c.first_month, "M")).n
    went = "risen" if c.mean_after > c.mean_before else "fallen"
    return [f"But {r.what.split(' to ')[0]} may already have {went} before it: the monthly figures put the most "
            f"likely start of the change in {month_label(c.first_month, long=True)}, {ahead} "
            f"month{'s' if ahead != 1 else ''} earlier ({words.strength(c.pvalue)} of a change then), so the "
            "comparison may mostly measure a change that had already happened."]
