"""Robustness checks on monthly counts, the team's share, and adjusting for many teams.

Each check answers one way the headline rate test could mislead (DOMAIN.md section 5):
over-dispersed months (quasi-Poisson), seasonality (within-month sign flips), a whole service
growing (Fisher's test of the team's share), and a team picked because it moved most (Holm).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from cfanalysis.analysis.results import Result

__all__ = ["TestResult", "holm", "quasi_poisson_year_ratio", "share_test", "sign_flip_test"]



@dataclass(frozen=True)
class TestResult(Result):
    """A sensitivity check: estimate (rate ratio or odds ratio), interval, p-value, method.

    ``scale`` is the dispersion the check estimated (Pearson chi-squared over residual degrees
    of freedom, floored at 1) for the quasi-Poisson check, and NaN for the others.
    """

    method: str
    estimate: float
    ci_low: float
    ci_high: float
    pvalue: float
    checks: str  # what the check guards against, in plain words
    note: str = ""
    scale: float = math.nan

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])

def quasi_poisson_year_ratio(counts: np.ndarray, baseline_counts: np.ndarray, *,
                             confidence_level: float = 0.95) -> TestResult:
    """Quasi-Poisson GLM of monthly counts on a year indicator.

    The scale is Pearson chi-squared over residual degrees of freedom, never below 1 (so the
    test is never more confident than Poisson); intervals and p-values use the t distribution
    on the residual degrees of freedom, which keeps the size near nominal with 24 months.
    """
    from cfanalysis.analysis import glm as sm  # not statsmodels.api: see analysis/glm.py

    counts, baseline_counts = np.asarray(counts, float), np.asarray(baseline_counts, float)
    checks = "months that vary more than chance (over-dispersion)"
    name = "quasi-Poisson GLM on monthly counts"
    if counts.sum() == 0 or baseline_counts.sum() == 0:
        return TestResult(name, math.nan, math.nan, math.nan, math.nan, checks,
                          note="not estimable when a year has no complaints")
    y = np.concatenate([baseline_counts, counts])
    x = sm.add_constant(np.r_[np.zeros(len(baseline_counts)), np.ones(len(counts))])
    with warnings.catch_warnings():
        # A month pattern the year term fits exactly is fine here; the scale is floored at 1.
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        scale = max(poisson.pearson_chi2 / poisson.df_resid, 1.0)
        fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale=scale, use_t=True)
    low, high = fit.conf_int(alpha=1 - confidence_level)[1]
    return TestResult(name, float(np.exp(fit.params[1])), float(np.exp(low)), float(np.exp(high)),
                      float(fit.pvalues[1]), checks, note=f"scale {scale:.2f}", scale=float(scale))


def sign_flip_test(counts: np.ndarray, baseline_counts: np.ndarray) -> TestResult:
    """Exact within-month sign-flip test of the paired monthly differences.

    Each calendar month is paired across the two years; under no change each difference is as
    likely to be positive as negative, so flipping the signs of the k differences in all 2^k
    ways gives the exact null distribution of their sum. Robust to seasonality and to
    over-dispersion. Two-sided p-value: share of arrangements with |sum| at least as large.
    """
    diff = np.asarray(counts, float) - np.asarray(baseline_counts, float)
    k = len(diff)
    signs = 1 - 2 * ((np.arange(2**k)[:, None] >> np.arange(k)) & 1)
    sums = signs @ diff
    observed = diff.sum()
    pvalue = float(np.mean(np.abs(sums) >= abs(observed) - 1e-9))
    base = float(np.sum(baseline_counts))
    ratio = float(np.sum(counts) / base) if base else math.inf
    return TestResult("within-month sign-flip test", ratio, math.nan, math.nan, pvalue,
                      "seasonal patterns and uneven months", note=f"exact over {2**k:,} arrangements")


def share_test(team_count: int, team_baseline: int, service_count: int, service_baseline: int) -> TestResult:
    """Fisher's exact test: did the team's share of all the service's complaints change?

    The estimate is the conditional maximum-likelihood odds ratio of a complaint being about
    the team, this year against the baseline, with its exact interval (SciPy's
    ``contingency.odds_ratio``, which matches R's ``fisher.test``); the p-value is SciPy's
    ``fisher_exact``.
    """
    table = [[team_count, service_count - team_count], [team_baseline, service_baseline - team_baseline]]
    pvalue = stats.fisher_exact(table).pvalue
    if min(service_count, team_count + team_baseline) > _SCIPY_SUPPORT:  # the first cell's possible counts
        estimate, low, high = _conditional_odds_ratio(table)
    else:
        odds = stats.contingency.odds_ratio(table)
        interval = odds.confidence_interval()
        estimate, low, high = odds.statistic, interval.low, interval.high
    share_now = team_count / service_count if service_count else math.nan
    share_before = team_baseline / service_baseline if service_baseline else math.nan
    return TestResult("Fisher's exact test of the team's share", float(estimate),
                      float(low), float(high), float(pvalue),
                      "a rise that is only the whole service growing",
                      note=f"share {share_before:.0%} to {share_now:.0%}")


_SCIPY_SUPPORT = 200  # SciPy's own odds ratio up to this many possible counts; ours above (same numbers)


def _increasing_root(func) -> float:
    """The root of an increasing ``func`` of the odds ratio, bracketed and solved as SciPy does."""
    nc, factor = 1.0, 2.0
    value = func(nc)
    if value == 0:
        return nc
    if value > 0:
        nc /= factor
        while func(nc) > 0:
            nc /= factor
        low, high = nc, factor * nc
    else:
        nc *= factor
        while func(nc) < 0:
            nc *= factor
        low, high = nc / factor, nc
    return optimize.brentq(func, low, high, xtol=1e-13)


def _conditional_odds_ratio(table, confidence_level: float = 0.95) -> tuple[float, float, float]:
    """SciPy's ``contingency.odds_ratio(table)`` estimate and ``confidence_interval()``, for large tables.

    The same conditional maximum-likelihood estimate and exact interval (Fisher's noncentral
    hypergeometric distribution of the first cell given the margins, as R's ``fisher.test``),
    solved the same way, with the distribution worked out for all counts at once from
    log-binomial coefficients. SciPy evaluates it one count at a time (at 30,000 complaints a
    year, ten seconds a table); the numbers agree to about 1e-11 (tests/test_analysis_checks.py).
    """
    (a, b), (c, d) = table
    total, row, column = a + b + c + d, a + b, a + c
    support = np.arange(max(0, column - (total - row)), min(row, column) + 1)
    log_base = (special.gammaln(row + 1) - special.gammaln(support + 1) - special.gammaln(row - support + 1)
                + special.gammaln(total - row + 1) - special.gammaln(column - support + 1)
                - special.gammaln(total - row - column + support + 1))

    def pmf(nc: float) -> np.ndarray:
        logs = log_base + support * math.log(nc)
        p = np.exp(logs - logs.max())
        return p / p.sum()

    if a == support[0]:
        estimate = 0.0
    elif a == support[-1]:
        estimate = math.inf
    else:
        estimate = _increasing_root(lambda nc: float((support * pmf(nc)).sum()) - a)
    alpha = 0.5 * (1 - confidence_level)
    sample = a * d / (c * b) if c > 0 and b > 0 else math.nan if a == 0 or d == 0 else math.inf
    low = 0.0 if sample == 0 else _increasing_root(lambda nc: float(pmf(nc)[support >= a].sum()) - alpha)
    high = math.inf if sample == math.inf else _increasing_root(
        lambda nc: alpha - float(pmf(nc)[support <= a].sum()))
    return estimate, low, high


def holm(pvalues: pd.Series) -> pd.Series:
    """Holm-adjusted p-values; missing p-values stay missing and are not counted as tests.

    (statsmodels' ``multipletests`` defaults to Holm-Sidak and counts NaN as tests; we ask for
    Holm explicitly on the non-missing values only.)
    """
    from statsmodels.stats.multitest import multipletests

    adjusted = pd.Series(np.nan, index=pvalues.index, dtype=float)
    present = pvalues.notna()
    if present.any():
        adjusted[present] = multipletests(pvalues[present].to_numpy(float), method="holm")[1]
    return adjusted
