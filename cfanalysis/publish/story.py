"""The panel's answers in plain words: three lines first, then the detail (report 03).

Figures and words only: no test names, model terms or p-values (those are in the annex, the
way an ONS bulletin keeps its methods). The verdict on a team is the team question's own
(:func:`cfanalysis.publish.team.team_question`: its verdict p-value, in the evidence bands of
:func:`cfanalysis.words.strength`), so reports 02 and 03 say the same thing.
"""

from __future__ import annotations

import math

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.breakdowns import TeamBreakdown
from cfanalysis.periods import month_label
from cfanalysis.publish.team import TeamQuestion

__all__ = ["CHILD_COMPLAINANTS", "READING_NOTE", "children_share", "evidence_words", "possessive", "size_words",
           "team_lines", "team_verdict", "upheld_share"]

CHILD_COMPLAINANTS = ("Child or young person", "Advocate for a child")
UPHELD = ("Upheld", "Partially upheld")
READING_NOTE = ("How to read the evidence words: 'strong evidence' means a change this large would seldom arise "
                "by chance alone; 'little or no evidence' means chance alone could easily have produced it, "
                "not that nothing changed. The ranges ('plausibly between ...') show how large a change the "
                "figures still allow. The annex gives the tests behind each phrase.")


def possessive(name: str) -> str:
    """"Duty Team's", but "Children with Disabilities'" (a name ending in s takes only the apostrophe).

    >>> possessive("Duty Team"), possessive("Children with Disabilities")
    ("Duty Team's", "Children with Disabilities'")
    """
    return f"{name}'" if str(name).endswith("s") else f"{name}'s"


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
    cp = question.changepoint
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
    r = demand.rate_comparison
    one = str(demand.denominator).replace("_", " ")
    rates = f"per {demand.per:,} {one}, complaints went from {demand.baseline_rate:.2f} to {demand.rate:.2f}"
    if r.pvalue < 0.05 and r.ci_low > 1:
        return f"Demand does not explain it: {rates}, so the rate rose too."
    if r.pvalue < 0.05 and r.ci_high < 1:
        return f"Demand more than explains it: {rates}, so the rate fell."
    return f"Demand may explain some of it: {rates}, and the figures cannot tell whether the rate changed."


def _outcomes(breakdown: TeamBreakdown, n: int) -> str:
    (up0, up1), (ch0, ch1) = upheld_share(breakdown), children_share(breakdown)
    b0, b1 = breakdown.baseline_count, breakdown.count
    count = lambda v: words.count(v, n)  # noqa: E731
    text = (f"{count(up1)} of {count(b1)} were upheld in full or in part, against {count(up0)} of {count(b0)}, and "
            f"{count(ch1)} came from children or their advocates, against {count(ch0)}")
    more_upheld = b0 and b1 and up1 / b1 > up0 / b0 + 0.05
    fewer_upheld = b0 and b1 and up1 / b1 < up0 / b0 - 0.05
    if more_upheld and ch1 > ch0:
        return text + ": that points to incidents to learn from rather than only unwelcome decisions."
    if more_upheld:
        return text + ": a larger share upheld points to incidents to learn from rather than only unwelcome decisions."
    if fewer_upheld:
        return text + ": a smaller share upheld suggests more disagreement with decisions than incidents."
    return text + "."


def team_lines(question: TeamQuestion, breakdown: TeamBreakdown, *, suppress_below: int = 0) -> list[str]:
    """Three plain lines: size and timing; demand, outcomes and complainants; the verdict.

    The caller has checked that the team question could be answered (``question.change``).
    """
    change, n = question.change, suppress_below
    h = change.headline
    count = lambda v: words.count(v, n)  # noqa: E731
    _, estimate, low, high = change.trusted
    if n and min(h.count, h.baseline_count) < n:
        first = (f"{question.team} received {count(h.count)} new complaints in {question.financial_year} against "
                 f"{count(h.baseline_count)} in {question.baseline_year}; numbers this small are not compared here.")
        return [first, team_verdict(question)]
    first = (f"{question.team} received {count(h.count)} new complaints in {question.financial_year} against "
             f"{count(h.baseline_count)} in {question.baseline_year}, {size_words(estimate, low, high)}"
             f"{_began(question)}.")
    second = f"{_demand(question)} {words.capitalised(_outcomes(breakdown, n))}"
    third = f"{team_verdict(question)} {words.capitalised(change.monitoring_statement())}"
    return [first, second, third]


def event_lines(question) -> list[str]:
    """A before-and-after question (:class:`cfanalysis.publish.events.EventQuestion`) in plain words."""
    r = question.result
    if r is None:
        return [question.unavailable]
    after, before = r.months_after, r.months_before
    span = lambda ms: (month_label(ms[0], long=True) if len(ms) == 1  # noqa: E731
                       else f"{month_label(ms[0], long=True)} to {month_label(ms[-1], long=True)}")
    text = (f"{words.capitalised(r.what)} after '{r.event}' ({r.event_date:%-d %B %Y}): {r.count:,} in "
            f"{span(after)}, against {r.baseline_count:,} in the same months a year earlier ({span(before)})")
    if not math.isfinite(r.ratio) or r.count + r.baseline_count == 0:
        return [text + ".", r.caution()]
    size = size_words(r.ratio, r.ci_low, r.ci_high).replace(" as many", "")
    what = f"a {'rise' if r.ratio > 1 else 'fall'}"
    return [f"{text}: {size}; {evidence_words(r.pvalue, what)}.", r.caution()]
