"""Comparing complaint counts between two periods, with tests that suit small counts.

See ``DOMAIN.md`` section 5. The headline is the E-test of Krishnamoorthy and Thomson (2004)
on the rate ratio with a score interval; the exact conditional (binomial) test and a central
mid-p version are available as sensitivity checks.
"""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.rates import test_poisson_2indep

__all__ = [
    "CountComparison",
    "TestResult",
    "compare_counts",
    "detectable_ratio",
    "etest_power",
    "holm",
    "quasi_poisson_year_ratio",
    "share_test",
    "sign_flip_test",
]

Alternative = Literal["two-sided", "greater", "less"]
METHODS = ("etest", "exact-cond", "midp")
METHOD_NAMES = {
    "etest": "E-test with score interval",
    "exact-cond": "exact conditional (binomial) test with Clopper-Pearson interval",
    "midp": "mid-p conditional test with mid-p interval",
}
_SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; use one of {', '.join(map(repr, allowed))}.")


@dataclass(frozen=True)
class CountComparison:
    """Result of :func:`compare_counts`: the rate ratio, its interval and the test.

    ``ratio`` is (count / exposure) / (baseline_count / baseline_exposure). Values are stored
    unrounded. ``note`` says when a fallback was used (for example a zero count).
    """

    count: int
    baseline_count: int
    exposure: float
    baseline_exposure: float
    ratio: float
    ci_low: float
    ci_high: float
    pvalue: float
    method: str
    alternative: str
    confidence_level: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.exposure

    @property
    def baseline_rate(self) -> float:
        return self.baseline_count / self.baseline_exposure

    @property
    def significant(self) -> bool:
        """True when the p-value is below 1 - confidence_level."""
        return bool(self.pvalue < 1 - self.confidence_level)

    def to_frame(self) -> pd.DataFrame:
        """One row with every field of the result."""
        return pd.DataFrame([asdict(self)])

    def summary(self) -> str:
        """One sentence in plain British English with the numbers and the method named."""
        level = f"{self.confidence_level:.0%}"
        if math.isnan(self.ratio):
            return (f"There were no complaints in either period, so no change can be measured "
                    f"({METHOD_NAMES[self.method]}).")
        change = _describe_ratio(self.ratio)
        interval = f"{level} confidence interval {_fmt_ratio(self.ci_low)} to {_fmt_ratio(self.ci_high)}"
        if self.significant:
            verdict = "a change this large is unlikely to be chance"
        else:
            verdict = "the data cannot rule out chance, so this is not evidence of a change"
        return (f"{self.count} against {self.baseline_count} ({change}, rate ratio "
                f"{_fmt_ratio(self.ratio)}, {interval}, p = {_fmt_p(self.pvalue)}, "
                f"{METHOD_NAMES[self.method]}): {verdict}.")

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self.to_frame().to_html(index=False)


def _fmt_ratio(value: float) -> str:
    if math.isinf(value):
        return "infinity"
    return f"{value:.2f}"


def _fmt_p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _describe_ratio(ratio: float) -> str:
    if math.isinf(ratio):
        return "up from none"
    if ratio == 0:
        return "down to none"
    if ratio >= 1:
        return f"{ratio - 1:.0%} higher"
    return f"{1 - ratio:.0%} lower"


def _ratio_from_share(share: float, exposure: float, baseline_exposure: float) -> float:
    """Rate ratio implied by the conditional share ``count / (count + baseline_count)``."""
    if share >= 1:
        return math.inf
    return share / (1 - share) * baseline_exposure / exposure


def _midp_tails(x: int, n: int, p: float) -> tuple[float, float]:
    """Mid-p lower and upper tails of Binomial(n, p) at x."""
    half = 0.5 * stats.binom.pmf(x, n, p)
    return stats.binom.cdf(x - 1, n, p) + half, stats.binom.sf(x, n, p) + half


def _midp_share_interval(x: int, n: int, alpha_each_side: float) -> tuple[float, float]:
    low = 0.0 if x == 0 else optimize.brentq(
        lambda p: _midp_tails(x, n, p)[1] - alpha_each_side, 1e-12, 1 - 1e-12)
    high = 1.0 if x == n else optimize.brentq(
        lambda p: _midp_tails(x, n, p)[0] - alpha_each_side, 1e-12, 1 - 1e-12)
    return low, high


def _score_interval(count: int, exposure: float, baseline_count: int, baseline_exposure: float,
                    alpha: float) -> tuple[float, float]:
    """Score interval for the rate ratio, in closed form.

    The same interval as statsmodels' ``confint_poisson_2indep(..., method="score")``, which
    inverts the score test z(R) = (x1 - x0 u) / sqrt((x1 + x0) u), u = R t1 / t0, numerically
    (Nelder-Mead, several milliseconds a call). Setting z(R)^2 = z^2 gives a quadratic in u:
    x0^2 u^2 - (2 x1 x0 + z^2 (x1 + x0)) u + x1^2 = 0, solved here directly. Needs both
    counts above zero (the caller falls back to Clopper-Pearson otherwise).
    """
    z2 = stats.norm.isf(alpha / 2) ** 2
    b = 2 * count * baseline_count + z2 * (count + baseline_count)
    root = math.sqrt(b * b - 4 * baseline_count**2 * count**2)
    scale = baseline_exposure / exposure
    return ((b - root) / (2 * baseline_count**2) * scale, (b + root) / (2 * baseline_count**2) * scale)


def _one_sided(interval: tuple[float, float], alternative: str) -> tuple[float, float]:
    low, high = interval
    if alternative == "greater":
        return low, math.inf
    if alternative == "less":
        return 0.0, high
    return low, high


@lru_cache(maxsize=4096)
def compare_counts(count: int, baseline_count: int, *, exposure: float = 12.0,
                   baseline_exposure: float = 12.0, confidence_level: float = 0.95,
                   alternative: Alternative = "two-sided", method: str = "etest") -> CountComparison:
    """Compare a count with a baseline count as a ratio of Poisson rates.

    Parameters
    ----------
    count, baseline_count
        Complaints in the period of interest and in the baseline period.
    exposure, baseline_exposure
        What each count is spread over: months (12 for a year; 9 for April to December), or a
        demand denominator such as contacts.
    confidence_level
        For the interval, and the significance threshold ``1 - confidence_level``.
    alternative
        ``"two-sided"``, ``"greater"`` (the rate rose) or ``"less"`` (the rate fell).
    method
        ``"etest"`` (headline: E-test, score interval), ``"exact-cond"`` (binomial test on
        ``count`` out of the total, Clopper-Pearson interval) or ``"midp"`` (central mid-p
        test and interval).

    Returns
    -------
    CountComparison
        ``ratio``, ``ci_low``, ``ci_high``, ``pvalue`` and the inputs echoed.

    Raises
    ------
    ValueError
        For negative counts, non-positive exposures, or an unknown method or alternative.

    Notes
    -----
    Conditional on the total ``n = count + baseline_count``, ``count`` is Binomial(n, p) with
    ``p = exposure / (exposure + baseline_exposure)`` when the rates are equal; the exact and
    mid-p methods use this. ``exact-cond`` is SciPy's ``binomtest`` (as R's ``poisson.test``).
    The mid-p two-sided p-value is central (twice the smaller mid-p tail, capped at 1), to
    match its interval; statsmodels' ``cond-midp`` uses the "minlike" rule instead
    (statsmodels issue 8233), so it is computed here. The score interval is wrong
    when either count is zero (it collapses to a point), so the Clopper-Pearson limits are
    used then, and the ``note`` says so.

    Results are cached (they are immutable), so tables of many teams with the same counts
    cost one calculation per distinct pair.

    Examples
    --------
    >>> r = compare_counts(20, 8)
    >>> round(r.ratio, 2), round(r.pvalue, 4), round(r.ci_low, 2), round(r.ci_high, 2)
    (2.5, 0.0231, 1.12, 5.56)
    """
    _check_choice("method", method, METHODS)
    _check_choice("alternative", alternative, tuple(_SM_ALTERNATIVE))
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level={confidence_level!r} must be between 0 and 1, such as 0.95.")
    for name, value in (("count", count), ("baseline_count", baseline_count)):
        if value < 0 or int(value) != value:
            raise ValueError(f"{name}={value!r} must be a whole number of complaints, 0 or more.")
    if exposure <= 0 or baseline_exposure <= 0:
        raise ValueError("exposure and baseline_exposure must be positive (months, or a denominator).")
    count, baseline_count = int(count), int(baseline_count)
    total = count + baseline_count
    echo = dict(count=count, baseline_count=baseline_count, exposure=float(exposure),
                baseline_exposure=float(baseline_exposure), method=method, alternative=alternative,
                confidence_level=confidence_level)
    if total == 0:
        return CountComparison(ratio=math.nan, ci_low=0.0, ci_high=math.inf, pvalue=1.0,
                               note="no complaints in either period", **echo)

    alpha = 1 - confidence_level
    alpha_each_side = alpha / 2 if alternative == "two-sided" else alpha
    null_share = exposure / (exposure + baseline_exposure)
    ratio = _ratio_from_share(count / total, exposure, baseline_exposure)
    def cp_ratio():
        cp = stats.binomtest(count, total, null_share).proportion_ci(
            confidence_level=1 - 2 * alpha_each_side, method="exact")
        return (_ratio_from_share(cp.low, exposure, baseline_exposure),
                _ratio_from_share(cp.high, exposure, baseline_exposure))

    note = ""
    if method == "etest":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # statsmodels divides by zero counts
            pvalue = test_poisson_2indep(count, exposure, baseline_count, baseline_exposure,
                                         method="etest", alternative=_SM_ALTERNATIVE[alternative]).pvalue
            if count == 0 or baseline_count == 0:
                interval = cp_ratio()
                note = "a count is zero, so the interval is Clopper-Pearson (the score interval fails at zero)"
            else:
                interval = _score_interval(count, exposure, baseline_count, baseline_exposure,
                                           2 * alpha_each_side)
    elif method == "exact-cond":
        # As R's poisson.test and DOMAIN.md's reference call: SciPy's binomial test.
        pvalue = stats.binomtest(count, total, null_share, alternative=alternative).pvalue
        interval = cp_ratio()
    else:
        tails = _midp_tails(count, total, null_share)
        pvalue = _combine_tails(tails, alternative)
        share_low, share_high = _midp_share_interval(count, total, alpha_each_side)
        interval = (_ratio_from_share(share_low, exposure, baseline_exposure),
                    _ratio_from_share(share_high, exposure, baseline_exposure))
    low, high = _one_sided((float(interval[0]), float(interval[1])), alternative)
    return CountComparison(ratio=float(ratio), ci_low=low, ci_high=high, pvalue=float(min(1.0, pvalue)),
                           note=note, **echo)


def _combine_tails(tails: tuple[float, float], alternative: str) -> float:
    """Lower and upper tail probabilities -> p-value (central: twice the smaller tail)."""
    lower, upper = (float(t) for t in tails)
    if alternative == "less":
        return lower
    if alternative == "greater":
        return upper
    return min(1.0, 2 * min(lower, upper))



# --------------------------------------------------------------------------------------------
# Power: what the data could have detected


def etest_power(rate_ratio: float, baseline_mean: float, *, exposure: float = 12.0,
                baseline_exposure: float = 12.0, alpha: float = 0.05) -> float:
    """Exact power of the two-sided E-test, by summing over every pair of counts.

    ``baseline_mean`` is the expected baseline count; the new count's mean is
    ``rate_ratio * baseline_mean * exposure / baseline_exposure``. Counts are enumerated to
    the Poisson quantiles 1e-7 and 1 - 1e-7, so the error is below 1e-6. With
    ``rate_ratio=1`` this is the test's exact size.

    >>> round(etest_power(2.0, 8.0), 2)  # 8 a year rising to 16
    0.36
    """
    mean = rate_ratio * baseline_mean * exposure / baseline_exposure
    x1 = np.arange(stats.poisson.ppf(1e-7, mean), stats.poisson.ppf(1 - 1e-7, mean) + 1).astype(int)
    x0 = np.arange(stats.poisson.ppf(1e-7, baseline_mean),
                   stats.poisson.ppf(1 - 1e-7, baseline_mean) + 1).astype(int)
    reject = _etest_rejections(int(x1.max()), int(x0.max()), exposure, baseline_exposure, alpha)
    weights = np.outer(stats.poisson.pmf(x1, mean), stats.poisson.pmf(x0, baseline_mean))
    return float((weights * reject[np.ix_(x1, x0)]).sum())


_REJECTION_GRIDS: dict[tuple[float, float, float], np.ndarray] = {}


def _etest_rejections(max_x1: int, max_x0: int, exposure: float, baseline_exposure: float,
                      alpha: float) -> np.ndarray:
    """Whether the E-test rejects at each (x1, x0), for 0..max_x1 by 0..max_x0; grown on demand."""
    key = (exposure, baseline_exposure, alpha)
    grid = _REJECTION_GRIDS.get(key, np.zeros((0, 0), dtype=bool))
    if grid.shape[0] > max_x1 and grid.shape[1] > max_x0:
        return grid
    rows, cols = max(grid.shape[0], max_x1 + 16), max(grid.shape[1], max_x0 + 16)
    grown = np.zeros((rows, cols), dtype=bool)
    grown[: grid.shape[0], : grid.shape[1]] = grid
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for a in range(rows):
            for b in range(cols):
                if a < grid.shape[0] and b < grid.shape[1]:
                    continue
                grown[a, b] = test_poisson_2indep(a, exposure, b, baseline_exposure, method="etest").pvalue < alpha
    _REJECTION_GRIDS[key] = grown
    return grown


def detectable_ratio(baseline_count: float, *, power: float = 0.8, exposure: float = 12.0,
                     baseline_exposure: float = 12.0, alpha: float = 0.05) -> float:
    """The smallest rise (rate ratio) the two-sided E-test detects with the given power.

    A power statement for a non-significant result: with a baseline of 8 complaints a year, a
    rise must be roughly two and a half-fold to be detected 8 times in 10.
    """
    if baseline_count <= 0:
        return math.inf
    low, high = 1.0, 2.0
    while etest_power(high, baseline_count, exposure=exposure, baseline_exposure=baseline_exposure,
                      alpha=alpha) < power:
        low, high = high, high * 1.5
        if high > 100:
            return math.inf
    for _ in range(20):  # bisection to about 0.1% of the ratio
        middle = (low + high) / 2
        if etest_power(middle, baseline_count, exposure=exposure, baseline_exposure=baseline_exposure,
                       alpha=alpha) < power:
            low = middle
        else:
            high = middle
    return high


# --------------------------------------------------------------------------------------------
# Robustness checks on the monthly series


@dataclass(frozen=True)
class TestResult:
    """A sensitivity check: estimate (rate ratio or odds ratio), interval, p-value, method."""

    method: str
    estimate: float
    ci_low: float
    ci_high: float
    pvalue: float
    checks: str  # what the check guards against, in plain words
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])


def quasi_poisson_year_ratio(counts: np.ndarray, baseline_counts: np.ndarray, *,
                             confidence_level: float = 0.95) -> TestResult:
    """Quasi-Poisson GLM of monthly counts on a year indicator.

    The scale is Pearson chi-squared over residual degrees of freedom, never below 1 (so the
    test is never more confident than Poisson); intervals and p-values use the t distribution
    on the residual degrees of freedom, which keeps the size near nominal with 24 months.
    """
    import statsmodels.api as sm

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
                      float(fit.pvalues[1]), checks, note=f"scale {scale:.2f}")


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
    odds = stats.contingency.odds_ratio(table)
    interval = odds.confidence_interval()
    share_now = team_count / service_count if service_count else math.nan
    share_before = team_baseline / service_baseline if service_baseline else math.nan
    return TestResult("Fisher's exact test of the team's share", float(odds.statistic),
                      float(interval.low), float(interval.high), float(pvalue),
                      "a rise that is only the whole service growing",
                      note=f"share {share_before:.0%} to {share_now:.0%}")


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
