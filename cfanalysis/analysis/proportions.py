"""Comparing two proportions (escalation rates, the share about staff attitude) between years.

Each proportion has a Wilson score interval; the two years are compared with Fisher's exact
test. Small counts make both wide, and the sentence says so rather than calling a change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd
from scipy import stats

from cfanalysis.analysis.results import Result, share_of

__all__ = ["ProportionChange", "compare_proportions", "proportion_interval"]


def proportion_interval(successes: int, trials: int, confidence_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (SciPy's ``binomtest(...).proportion_ci(method="wilson")``).

    >>> print("{:.3f} {:.3f}".format(*proportion_interval(6, 85)))
    0.033 0.146
    """
    if trials == 0:
        return (math.nan, math.nan)
    ci = stats.binomtest(successes, trials).proportion_ci(confidence_level=confidence_level, method="wilson")
    return (float(ci.low), float(ci.high))


@dataclass(frozen=True)
class ProportionChange(Result):
    """A proportion this year and in the baseline year, each with a Wilson interval, and Fisher's test."""

    what: str
    financial_year: str
    baseline_year: str
    successes: int
    trials: int
    baseline_successes: int
    baseline_trials: int
    ci_low: float
    ci_high: float
    baseline_ci_low: float
    baseline_ci_high: float
    pvalue: float
    confidence_level: float

    @property
    def share(self) -> float:
        return share_of(self.successes, self.trials)

    @property
    def baseline_share(self) -> float:
        return share_of(self.baseline_successes, self.baseline_trials)

    def counts(self) -> tuple[int, int, int]:
        """The counts behind this year's share: successes, the rest, and the trials."""
        return self.successes, self.trials - self.successes, self.trials

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{**asdict(self), "share": self.share, "baseline_share": self.baseline_share}])

def compare_proportions(what: str, successes: int, trials: int, baseline_successes: int, baseline_trials: int,
                        *, financial_year: str = "this year", baseline_year: str = "the year before",
                        confidence_level: float = 0.95) -> ProportionChange:
    """Two proportions compared with Fisher's exact test (``scipy.stats.fisher_exact``).

    Examples
    --------
    >>> change = compare_proportions("escalated", 6, 85, 8, 88)
    >>> print(f"{change.share:.3f} {change.pvalue:.3f}")
    0.071 0.782
    """
    table = [[successes, trials - successes], [baseline_successes, baseline_trials - baseline_successes]]
    pvalue = float(stats.fisher_exact(table).pvalue) if trials and baseline_trials else math.nan
    low, high = proportion_interval(successes, trials, confidence_level)
    baseline_low, baseline_high = proportion_interval(baseline_successes, baseline_trials, confidence_level)
    return ProportionChange(what, financial_year, baseline_year, successes, trials, baseline_successes,
                            baseline_trials, low, high, baseline_low, baseline_high, pvalue, confidence_level)
