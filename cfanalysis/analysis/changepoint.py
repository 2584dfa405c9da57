"""When did it change: a single-changepoint scan of monthly counts with a permutation p-value."""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cfanalysis.analysis.results import Result

__all__ = ["Changepoint", "find_changepoint"]

EXACT_LIMIT = 5000  # enumerate every within-month arrangement when there are this few


@dataclass(frozen=True)
class Changepoint(Result):
    """The most likely single change in level of a monthly series.

    ``first_month`` is the first month of the new level; ``plausible_first`` and
    ``plausible_last`` bound the first months whose likelihood is within a 95% likelihood
    interval of the best (likelihood ratio within 3.84 of the maximum).
    """

    first_month: pd.Period | None
    mean_before: float
    mean_after: float
    likelihood_ratio: float
    pvalue: float
    plausible_first: pd.Period | None
    plausible_last: pd.Period | None
    min_segment: int
    permutations: int
    exact: bool

    def to_frame(self) -> pd.DataFrame:
        """One row with every field of the result."""
        return pd.DataFrame([asdict(self)])


def _split_statistics(y: np.ndarray, min_segment: int) -> np.ndarray:
    """Poisson likelihood-ratio statistic for each split (rows: series, columns: split index).

    Split k puts months [0, k) before and [k, n) after; k runs from min_segment to n - min_segment.
    """
    y = np.atleast_2d(y).astype(float)
    n = y.shape[1]
    ks = np.arange(min_segment, n - min_segment + 1)
    cumulative = np.concatenate([np.zeros((y.shape[0], 1)), np.cumsum(y, axis=1)], axis=1)
    total = cumulative[:, -1:]

    def loglik(sums, lengths):
        # Poisson log-likelihood at the segment mean, without the y! term (it cancels).
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sums > 0, sums * np.log(sums / lengths) - sums, 0.0)

    before = cumulative[:, ks]
    after = total - before
    whole = loglik(total, n)
    return 2 * (loglik(before, ks) + loglik(after, n - ks) - whole)


def find_changepoint(counts: pd.Series, *, min_segment: int = 3, permutations: int = 4999,
                     seed: int = 20200331) -> Changepoint:
    """Single-changepoint scan of monthly counts (Poisson likelihood ratio over split months).

    Parameters
    ----------
    counts
        Monthly counts indexed by monthly ``Period``, oldest first, with no gaps.
    min_segment
        Fewest months allowed on either side of the change (DOMAIN.md: 3 to 6).
    permutations
        Random within-month shuffles when there are too many arrangements to enumerate.
    seed
        Seed of the shuffles, so the p-value is reproducible.

    Returns
    -------
    Changepoint

    Notes
    -----
    The statistic is the largest Poisson likelihood ratio over every split with at least
    ``min_segment`` months each side. Its p-value compares it with the same maximum over
    series in which each calendar month's values are shuffled between years, so seasonality
    is kept. With two years there are 2^12 = 4,096 such arrangements and all are used.
    Multi-changepoint penalised methods are unreliable at 36 months or fewer, so only one
    change is sought.
    """
    y = counts.to_numpy(dtype=float)
    months = pd.PeriodIndex(counts.index, freq="M")
    n = len(y)
    if n < 2 * min_segment or y.sum() == 0:
        return Changepoint(None, math.nan, math.nan, math.nan, math.nan, None, None, min_segment, 0, True)
    statistic = _split_statistics(y, min_segment)[0]
    best = int(np.argmax(statistic))
    split = best + min_segment
    observed = statistic[best]

    null, exact = _within_month_arrangements(y, months, permutations, seed)
    maxima = _split_statistics(null, min_segment).max(axis=1)
    pvalue = float(np.mean(maxima >= observed - 1e-9))

    plausible = np.flatnonzero(statistic >= observed - 3.84) + min_segment
    return Changepoint(
        first_month=months[split], mean_before=float(y[:split].mean()), mean_after=float(y[split:].mean()),
        likelihood_ratio=float(observed), pvalue=pvalue,
        plausible_first=months[int(plausible.min())], plausible_last=months[int(plausible.max())],
        min_segment=min_segment, permutations=len(null), exact=exact)


def _within_month_arrangements(y: np.ndarray, months: pd.PeriodIndex, permutations: int,
                               seed: int) -> tuple[np.ndarray, bool]:
    """Series with each calendar month's values shuffled between years: every one, or a sample.

    Returns the arrangements (one per row) and whether they are all of them (exact).
    """
    groups = [np.flatnonzero(months.month == m) for m in range(1, 13)]
    groups = [g for g in groups if len(g) > 1]
    arrangements = math.prod(math.factorial(len(g)) for g in groups)
    if arrangements <= EXACT_LIMIT:
        series = []
        for choice in itertools.product(*[list(itertools.permutations(g)) for g in groups]):
            shuffled = y.copy()
            for group, order in zip(groups, choice):
                shuffled[group] = y[list(order)]
            series.append(shuffled)
        return np.array(series), True
    rng = np.random.default_rng(seed)
    null = np.repeat(y[None, :], permutations, axis=0)
    for group in groups:
        picks = rng.permuted(np.tile(group, (permutations, 1)), axis=1)
        null[:, group] = y[picks]
    return np.vstack([y[None, :], null]), False  # the observed series counts as one arrangement
