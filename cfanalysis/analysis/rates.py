"""Comparing complaint counts between two periods, with tests that suit small counts.

See ``DOMAIN.md`` section 5. The headline is the E-test of Krishnamoorthy and Thomson (2004)
on the rate ratio with the interval of ratios the same test does not reject (so interval and
the p-value never disagree); the exact conditional (binomial) test with Clopper-Pearson and a
central mid-p version, each inverting its own central test, are available as sensitivity checks.
Power: what the E-test could detect.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from cfanalysis import labels
from cfanalysis.analysis.results import Result, check_choice

__all__ = ["CountComparison", "compare_counts", "detectable_ratio", "etest_power"]

Alternative = Literal["two-sided", "greater", "less"]
METHODS = ("etest", "exact-cond", "midp")
METHOD_NAMES = {
    "etest": "E-test, with the interval of ratios it does not reject",
    "exact-cond": "exact conditional (binomial) test, central, with Clopper-Pearson interval",
    "midp": "mid-p conditional test with mid-p interval",
}
_SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


@dataclass(frozen=True)
class CountComparison(Result):
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

    @property
    def wide(self) -> bool:
        """True when the interval is too wide to say how big the change is (see ``labels.interval_is_wide``)."""
        return labels.interval_is_wide(self.ci_low, self.ci_high)


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


def _one_sided(interval: tuple[float, float], alternative: str) -> tuple[float, float]:
    low, high = interval
    if alternative == "greater":
        return low, math.inf
    if alternative == "less":
        return 0.0, high
    return low, high


def _check_count_arguments(count, baseline_count, exposure, baseline_exposure, confidence_level,
                           alternative, method) -> None:
    check_choice("method", method, METHODS)
    check_choice("alternative", alternative, tuple(_SM_ALTERNATIVE))
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level={confidence_level!r} must be between 0 and 1, such as 0.95.")
    for name, value in (("count", count), ("baseline_count", baseline_count)):
        if value < 0 or int(value) != value:
            raise ValueError(f"{name}={value!r} must be a whole number of complaints, 0 or more.")
    if exposure <= 0 or baseline_exposure <= 0:
        raise ValueError("exposure and baseline_exposure must be positive (months, or a denominator).")


@dataclass(frozen=True)
class _Setting:
    """One comparison's counts and exposures, and the conditional share expected under no change."""

    count: int
    baseline_count: int
    exposure: float
    baseline_exposure: float
    alpha_each_side: float

    @property
    def total(self) -> int:
        return self.count + self.baseline_count

    @property
    def null_share(self) -> float:
        return self.exposure / (self.exposure + self.baseline_exposure)

    def ratio_of(self, share: float) -> float:
        return _ratio_from_share(share, self.exposure, self.baseline_exposure)

    def clopper_pearson(self) -> tuple[float, float]:
        cp = stats.binomtest(self.count, self.total, self.null_share).proportion_ci(
            confidence_level=1 - 2 * self.alpha_each_side, method="exact")
        return self.ratio_of(cp.low), self.ratio_of(cp.high)


def _etest_p(s: _Setting, ratio: float, alternative: str) -> float:
    """E-test p-value of the null "the rate ratio is ``ratio``" (statsmodels, ``value=ratio``)."""
    return etest_pvalue(s.count, s.exposure, s.baseline_count, s.baseline_exposure, ratio,
                        _SM_ALTERNATIVE[alternative])


def _run_lengths(grid: np.ndarray, r_d: float, keep, level: float) -> np.ndarray:
    """For each first count, how many second counts from the start of the grid ``keep(x1, x2)`` holds for.

    ``keep`` must hold on a run from the start of each row (the score statistic falls along it).
    Started where the statistic (x1 - c x2) / sqrt(c (x1 + x2)) crosses ``level`` (the root of
    the quadratic it solves), then stepped until ``keep`` holds just before the run's end and
    fails at it: exact, whatever the rounding of the start.
    """
    size = len(grid)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        root = (2 * grid + level ** 2 - level * np.sqrt(level ** 2 + 4 * grid * (1 + r_d))) / (2 * r_d)
        start = np.floor(root) + 1
    start[~(start >= 0)] = 0  # and NaN
    length = np.minimum(start, size).astype(np.int64)
    while True:
        longer = (length < size) & keep(grid, grid[np.minimum(length, size - 1)])
        shorter = (length > 0) & ~keep(grid, grid[np.maximum(length - 1, 0)])
        if not (longer.any() or shorter.any()):
            return length
        length = length + longer - (shorter & ~longer)


def _poisson_isf(q: float, mu: float) -> float:
    """SciPy's ``poisson.isf(q, mu)`` for 0 < q < 1 and mu > 0 (its ``_ppf(1 - q)``, bit for bit), unchecked."""
    if not mu > 0:
        return float(stats.poisson.isf(q, mu))
    p = 1.0 - q
    vals = math.ceil(special.pdtrik(p, mu))
    below = max(vals - 1, 0)
    return float(below if special.pdtr(below, mu) >= p else vals)


_DENSE_GRID = 128  # up to this many counts a side the grid is summed whole (measured: as quick below it)


def etest_pvalue(count1: int, exposure1: float, count2: int, exposure2: float, value: float = 1.0,
                 alternative: str = "two-sided") -> float:
    """The E-test p-value of statsmodels' ``test_poisson_2indep(..., value=value, method="etest")``.

    The same test, the same numbers to rounding (about 1e-15; tests/test_analysis_rates.py checks
    it against statsmodels): the same constrained means, score statistic, count grid (0 to the
    Poisson 1 - 1e-13 quantile, at least 100) and probabilities. statsmodels sums the joint
    probabilities over the whole grid x grid (at 5,000 complaints a team, 30 million cells and
    a third of a second a call; an interval takes about 75 calls). Here, for each first count,
    the statistic falls as the second count rises (its derivative is
    -c (x1 (2c + 1) + c x2) / (2 D^3) < 0), so the rejected second counts are a run at each end
    of the grid, found from where the statistic crosses the sample's (checked on the statistic
    itself) and summed from cumulative sums: the grid's length, not its square. Grids of up to
    ``_DENSE_GRID`` counts (means up to about 60) are summed whole as statsmodels does, which is
    as quick there and gives its p-values bit for bit. ``alternative`` is statsmodels' word
    ("two-sided", "larger", "smaller").

    >>> round(etest_pvalue(20, 12, 8, 12), 6)  # statsmodels: test_poisson_2indep(20, 12, 8, 12, method="etest")
    0.023149
    """
    r_d = value / (exposure2 / exposure1)
    rate2 = (count1 + count2) / exposure2 / (1 + r_d)
    mean1, mean2 = exposure1 * (rate2 * value), exposure2 * rate2  # as statsmodels rounds them

    def statistic(x1, x2):  # statsmodels' score statistic, written the same way (same rounding)
        return (x1 - x2 * r_d) / np.sqrt((x1 + x2) * r_d + 1e-20)

    sample = statistic(np.asarray(count1), np.asarray(count2))
    grid = np.arange(max(_poisson_isf(1e-13, max(mean1, mean2)), 100) + 1)
    # SciPy's poisson.pmf formula (exp(xlogy(k, mu) - gammaln(k + 1) - mu)), bit for bit, without
    # its argument checks: a tenth of the call at these sizes, and an interval makes about 75 calls.
    log_factorial = special.gammaln(grid + 1)
    pdf1 = np.exp(special.xlogy(grid, mean1) - log_factorial - mean1)
    pdf2 = np.exp(special.xlogy(grid, mean2) - log_factorial - mean2)
    tolerance = 1e-15  # statsmodels' correction for the strict inequality
    if len(grid) <= _DENSE_GRID:  # small counts: statsmodels' own sum over the grid, bit for bit
        space = statistic(grid[:, None], grid[None, :])
        mask = (space >= sample - tolerance if alternative == "larger" else space <= sample + tolerance
                if alternative == "smaller" else np.abs(space) >= np.abs(sample) - tolerance)
        return float((pdf1[:, None] * pdf2[None, :])[mask].sum())
    head = np.concatenate([[0.0], np.cumsum(pdf2)])  # head[k]: the first k second counts
    tail = np.concatenate([np.cumsum(pdf2[::-1])[::-1], [0.0]])  # tail[k]: from the k-th on

    def run(keep, level: float) -> np.ndarray:
        return _run_lengths(grid, r_d, lambda x1, x2: keep(statistic(x1, x2)), level)

    if alternative == "larger":
        mass = head[run(lambda t: t >= sample - tolerance, float(sample))]
    elif alternative == "smaller":
        mass = tail[run(lambda t: ~(t <= sample + tolerance), float(sample))]
    elif (edge := abs(float(sample)) - tolerance) <= 0:
        mass = np.full(len(grid), head[-1])
    else:
        mass = head[run(lambda t: t >= edge, edge)] + tail[run(lambda t: ~(t <= -edge), -edge)]
    return float((pdf1 * mass).sum())


_LOG_FAR = math.log(1e6)  # ratios searched from a millionth to a million times the anchor


def _boundary(accepts, inside: float, outside: float) -> float:
    """The edge between an accepted log-ratio ``inside`` and a rejected one ``outside`` (bisection).

    Returns the accepted side of the edge, so the bound itself is never rejected.
    """
    for _ in range(36):
        middle = (inside + outside) / 2
        if accepts(middle):
            inside = middle
        else:
            outside = middle
    return inside


def _inverted_interval(s: _Setting, alternative: str) -> tuple[float, float]:
    """The ratios the E-test does not reject: the interval consistent with the test by construction.

    Anchored at a smoothed estimate (accepted); each bound is searched on the side of 1 that the
    test's own answer at 1 dictates, so "1 is inside" and "p >= alpha" always agree.
    """
    alpha = 2 * s.alpha_each_side if alternative == "two-sided" else s.alpha_each_side
    anchor = math.log((s.count + 0.5) / (s.baseline_count + 0.5) * s.baseline_exposure / s.exposure)
    lower_test = "two-sided" if alternative == "two-sided" else "greater"
    upper_test = "two-sided" if alternative == "two-sided" else "less"
    bounds = []
    for test, direction in ((lower_test, -1), (upper_test, 1)):
        def accepts(log_r: float, test=test) -> bool:
            return _etest_p(s, math.exp(log_r), test) >= alpha
        far = anchor + direction * _LOG_FAR
        if accepts(far) or (alternative == "greater" and direction == 1) or (
                alternative == "less" and direction == -1):
            bounds.append(0.0 if direction < 0 else math.inf)
            continue
        start = anchor
        if direction * (0.0 - anchor) > 0:  # the null ratio 1 lies on this side of the anchor
            start, far = (0.0, far) if accepts(0.0) else (anchor, 0.0)
        bounds.append(math.exp(_boundary(accepts, start, far)))
    return bounds[0], bounds[1]


def _etest(s: _Setting, alternative: str) -> tuple[float, tuple[float, float], str]:
    """E-test p-value and the interval that inverts the same test."""
    return _etest_p(s, 1.0, alternative), _inverted_interval(s, alternative), ""


def _exact_conditional(s: _Setting, alternative: str) -> tuple[float, tuple[float, float], str]:
    # Central p-value (twice the smaller exact tail), the rule Clopper-Pearson inverts, so the two
    # always agree; R: exactci::poisson.exact(c(x1, x0), c(t1, t0), tsmethod = "central").
    # (SciPy's binomtest and R's poisson.test use the "minlike" rule, which can disagree with it.)
    tails = (stats.binom.cdf(s.count, s.total, s.null_share), stats.binom.sf(s.count - 1, s.total, s.null_share))
    return _combine_tails(tails, alternative), s.clopper_pearson(), ""


def _midp(s: _Setting, alternative: str) -> tuple[float, tuple[float, float], str]:
    pvalue = _combine_tails(_midp_tails(s.count, s.total, s.null_share), alternative)
    share_low, share_high = _midp_share_interval(s.count, s.total, s.alpha_each_side)
    return pvalue, (s.ratio_of(share_low), s.ratio_of(share_high)), ""


_METHOD_FUNCTIONS = {"etest": _etest, "exact-cond": _exact_conditional, "midp": _midp}


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
        ``"etest"`` (headline: E-test, its inverted interval), ``"exact-cond"`` (central binomial
        test on ``count`` out of the total, Clopper-Pearson interval) or ``"midp"`` (central mid-p
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
    mid-p methods use this, each with a central two-sided p-value (twice the smaller tail), the
    rule its interval inverts. The E-test's interval is the set of ratios R whose E-test of
    "ratio = R" (statsmodels ``test_poisson_2indep(..., value=R, method="etest")``) is not
    rejected, found by bisection on log R; a bound is infinite (or 0) when no ratio that way is
    rejected, as after a rise from none. So ``pvalue < 1 - confidence_level`` exactly when the
    interval excludes 1, for every method (statsmodels' two-sided ``exact-cond`` and
    ``cond-midp`` p-values use the "minlike" rule instead: statsmodels issue 8233). Results
    are cached (they are immutable), so tables of many teams with the same counts cost one
    calculation per distinct pair.

    Examples
    --------
    >>> r = compare_counts(20, 8)
    >>> print(f"{r.ratio:.2f} {r.pvalue:.4f} {r.ci_low:.2f} {r.ci_high:.2f}")
    2.50 0.0231 1.12 5.53
    """
    _check_count_arguments(count, baseline_count, exposure, baseline_exposure, confidence_level,
                           alternative, method)
    return _compare_counts(int(count), int(baseline_count), float(exposure), float(baseline_exposure),
                           confidence_level, alternative, method)


@lru_cache(maxsize=4096)
def _compare_counts(count: int, baseline_count: int, exposure: float, baseline_exposure: float,
                    confidence_level: float, alternative: str, method: str) -> CountComparison:
    """:func:`compare_counts` on checked arguments; cached, since results are immutable."""
    echo = dict(count=count, baseline_count=baseline_count, exposure=float(exposure),
                baseline_exposure=float(baseline_exposure), method=method, alternative=alternative,
                confidence_level=confidence_level)
    if count + baseline_count == 0:
        return CountComparison(ratio=math.nan, ci_low=0.0, ci_high=math.inf, pvalue=1.0,
                               note="no complaints in either period", **echo)
    alpha = 1 - confidence_level
    setting = _Setting(count, baseline_count, float(exposure), float(baseline_exposure),
                       alpha / 2 if alternative == "two-sided" else alpha)
    pvalue, interval, note = _METHOD_FUNCTIONS[method](setting, alternative)
    low, high = _one_sided((float(interval[0]), float(interval[1])), alternative)
    return CountComparison(ratio=float(setting.ratio_of(count / setting.total)), ci_low=low, ci_high=high,
                           pvalue=float(min(1.0, pvalue)), note=note, **echo)


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
                grown[a, b] = etest_pvalue(a, exposure, b, baseline_exposure) < alpha
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
