"""Before and after an event: did a monthly series change when something changed in the service?

Two views, as DOMAIN.md section 5 sets out for the team question:

- **Same months compared**: the months from the event onwards (up to 12) against the same
  calendar months one year earlier, so seasonality cannot masquerade as a change. The headline is
  the E-test on the rate ratio with a score interval (:func:`compare_counts`), checked by a
  quasi-Poisson GLM on the monthly counts (scale = max(Pearson chi2 / df, 1)) and the exact
  within-month sign-flip test. When the months vary clearly more than Poisson, the verdict rests
  on the quasi-Poisson result.
- **Segmented (interrupted time series) model**, when there are at least ``min_months`` months on
  each side: a quasi-Poisson GLM of every month with an offset for the days in the month,
  ``log(mu_t / days_t) = b0 + b1 t + b2 after_t + b3 (t - t0) after_t``; ``exp(b2)`` is the change
  in level at the event and ``exp(b3)`` the change in the monthly trend.

Timing alone cannot show that the event caused a change: anything else that changed at about
the same time would produce the same pattern, and its description (``cf.describe``) says so.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cfanalysis import labels
from cfanalysis.analysis.changepoint import Changepoint, find_changepoint
from cfanalysis.analysis.checks import TestResult, quasi_poisson_year_ratio, sign_flip_test
from cfanalysis.analysis.rates import CountComparison, compare_counts
from cfanalysis.analysis.results import Result
from cfanalysis.analysis.teams import METHOD_LABELS, OVERDISPERSION_SCALE
from cfanalysis.periods import month_label

__all__ = ["BeforeAfter", "SegmentedFit", "compare_before_after", "segmented_fit"]



@dataclass(frozen=True)
class SegmentedFit(Result):
    """A segmented quasi-Poisson GLM: the level and trend changes at the event, as rate ratios."""

    level_ratio: float
    level_ci_low: float
    level_ci_high: float
    level_pvalue: float
    trend_ratio: float  # per month
    trend_ci_low: float
    trend_ci_high: float
    trend_pvalue: float
    scale: float
    months_before: int
    months_after: int
    confidence_level: float
    method: str = "segmented quasi-Poisson GLM, offset log(days in month)"

    @property
    def ci_low(self) -> float:
        return self.level_ci_low

    @property
    def ci_high(self) -> float:
        return self.level_ci_high

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])

def segmented_fit(counts: pd.Series, first_after: pd.Period, *, confidence_level: float = 0.95,
                  seasonal: bool = False) -> SegmentedFit:
    """Fit the segmented (interrupted time series) quasi-Poisson model to monthly counts.

    Parameters
    ----------
    counts
        Monthly counts indexed by ``pd.Period`` months, consecutive.
    first_after
        The first month counted as after the event.

    Notes
    -----
    ``log(mu_t) = log(days_t) + b0 + b1 t + b2 a_t + b3 (t - t0) a_t`` with ``t`` the month number,
    ``a_t = 1`` from ``t0`` (the first month after) on. Fitted as a Poisson GLM, then refitted
    with scale ``max(Pearson chi2 / df, 1)`` and t-based intervals (never more confident than
    Poisson).
    """
    from cfanalysis.analysis import glm as sm  # not statsmodels.api: see analysis/glm.py

    months = pd.PeriodIndex(counts.index, freq="M")
    t = np.arange(len(months), dtype=float)
    after = (months >= first_after).astype(float)
    t0 = float(np.argmax(after)) if after.any() else float(len(t))
    x = np.column_stack([np.ones_like(t), t, after, (t - t0) * after])
    if seasonal:  # one annual harmonic: sin and cos of the calendar month
        angle = 2 * np.pi * months.month.to_numpy(dtype=float) / 12
        x = np.column_stack([x, np.sin(angle), np.cos(angle)])
    offset = np.log(months.days_in_month.to_numpy(dtype=float))
    y = counts.to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        scale = max(poisson.pearson_chi2 / poisson.df_resid, 1.0)
        fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(scale=scale, use_t=True)
    ci = np.exp(fit.conf_int(alpha=1 - confidence_level))
    params = np.exp(fit.params)
    return SegmentedFit(float(params[2]), float(ci[2][0]), float(ci[2][1]), float(fit.pvalues[2]),
                        float(params[3]), float(ci[3][0]), float(ci[3][1]), float(fit.pvalues[3]),
                        float(scale), int(len(t) - after.sum()), int(after.sum()), confidence_level,
                        **({"method": "segmented quasi-Poisson GLM with one seasonal harmonic, offset log(days "
                                      "in month)"} if seasonal else {}))


@dataclass(frozen=True)
class BeforeAfter(Result):
    """Result of :func:`compare_before_after`: the months before and after an event compared.

    ``ratio``, ``ci_low``, ``ci_high`` and ``pvalue`` are the ones to report: the E-test's, or
    the quasi-Poisson check's when the months are over-dispersed (``method`` says which).
    """

    event: str
    event_date: pd.Timestamp
    what: str
    months_after: tuple[pd.Period, ...]
    months_before: tuple[pd.Period, ...]
    count: int
    baseline_count: int
    headline: CountComparison
    quasi_poisson: TestResult
    sign_flip: TestResult | None
    segmented: SegmentedFit | None
    ratio: float
    ci_low: float
    ci_high: float
    pvalue: float
    method: str
    confidence_level: float
    note: str = ""
    whole_baseline: CountComparison | None = None  # the months after against every month before the event
    changepoint: Changepoint | None = None  # a scan of the whole series for when it changed
    seasonal: SegmentedFit | None = None  # the segmented model with a seasonal term (a check)

    @property
    def changed_before(self) -> bool:
        """True when the scan puts the series' change clearly before the event (its plausible
        months all before the first month after it), with at least some evidence (p < 0.1)."""
        c = self.changepoint
        return bool(c is not None and c.first_month is not None and c.pvalue < 0.1
                    and c.plausible_last < self.months_after[0])

    @property
    def overdispersed(self) -> bool:
        return self.quasi_poisson.scale > OVERDISPERSION_SCALE

    def to_frame(self) -> pd.DataFrame:
        """The comparison, each check and the segmented model as rows of one table."""
        level = labels.level(self.confidence_level)
        rows = [{"Method": f"{METHOD_LABELS['etest']} (same months)", "Estimate": self.headline.ratio,
                 f"{level} CI low": self.headline.ci_low, f"{level} CI high": self.headline.ci_high,
                 "p-value": self.headline.pvalue}]
        for check in (self.quasi_poisson, self.sign_flip):
            if check is not None:
                rows.append({"Method": labels.capitalised(check.method), "Estimate": check.estimate,
                             f"{level} CI low": check.ci_low, f"{level} CI high": check.ci_high,
                             "p-value": check.pvalue})
        if self.whole_baseline is not None:
            w = self.whole_baseline
            rows.append({"Method": f"E-test against every month before the event ({w.baseline_exposure:.0f})",
                         "Estimate": w.ratio, f"{level} CI low": w.ci_low, f"{level} CI high": w.ci_high,
                         "p-value": w.pvalue})
        if self.seasonal is not None:
            rows.append({"Method": "Segmented model with a seasonal term: change in level",
                         "Estimate": self.seasonal.level_ratio, f"{level} CI low": self.seasonal.level_ci_low,
                         f"{level} CI high": self.seasonal.level_ci_high, "p-value": self.seasonal.level_pvalue})
        if self.segmented is not None:
            s = self.segmented
            rows += [{"Method": "Segmented model: change in level", "Estimate": s.level_ratio,
                      f"{level} CI low": s.level_ci_low, f"{level} CI high": s.level_ci_high,
                      "p-value": s.level_pvalue},
                     {"Method": "Segmented model: change in monthly trend", "Estimate": s.trend_ratio,
                      f"{level} CI low": s.trend_ci_low, f"{level} CI high": s.trend_ci_high,
                      "p-value": s.trend_pvalue}]
        return pd.DataFrame(rows)

def _windows(counts: pd.Series, first_after: pd.Period, months: int) -> tuple[pd.PeriodIndex, pd.PeriodIndex]:
    """Up to ``months`` months from ``first_after`` and the same calendar months a year earlier,
    keeping only pairs where both months are in the series and the earlier one precedes the event."""
    index = pd.PeriodIndex(counts.index, freq="M")
    after = pd.period_range(first_after, periods=months, freq="M")
    before = after - 12
    keep = after.isin(index) & before.isin(index) & (before < first_after)
    return after[keep], before[keep]


# long: the numpydoc docstring and its example are half of it
def compare_before_after(counts: pd.Series, event_date: str | pd.Timestamp, *, event: str = "the event",
                 what: str = "complaints", months: int = 12, min_months: int = 6,
                 confidence_level: float = 0.95) -> BeforeAfter:
    """Compare the months after an event with the same calendar months a year before.

    Parameters
    ----------
    counts
        Monthly counts (compliments, or a team's complaints) indexed by ``pd.Period`` months,
        zero-filled and consecutive.
    event_date
        When the event happened. Its month counts as "after" when the event falls in the first
        seven days of the month; otherwise the comparison starts the month after.
    event, what
        The event's description and what is counted, for the sentences.
    months
        At most this many months after the event are compared (12: a full year, so every
        calendar month appears once on each side).
    min_months
        The segmented model is fitted only with at least this many months on each side.

    Returns
    -------
    BeforeAfter
        Counts, the E-test (rate ratio, score interval), the quasi-Poisson and sign-flip checks,
        the segmented model (or ``None``), and the reported ``ratio``/``ci_low``/``ci_high``/``pvalue``.

    Raises
    ------
    ValueError
        When no month after the event has its match a year earlier in ``counts``.

    Examples
    --------
    >>> months = pd.period_range("2018-04", periods=24, freq="M")
    >>> counts = pd.Series([3] * 12 + [5] * 12, index=months)
    >>> result = compare_before_after(counts, "2019-04-01", event="Newsletter began", what="compliments")
    >>> print(result.count, result.baseline_count, f"{result.ratio:.2f}")
    60 36 1.67
    """
    if months < 1 or months > 12:
        raise ValueError(f"months={months} must be between 1 and 12 (the same calendar months a year apart).")
    date = pd.Timestamp(event_date)
    first_after = date.to_period("M") + (0 if date.day <= 7 else 1)
    after, before = _windows(counts, first_after, months)
    if not len(after):
        raise ValueError(f"There are no months after {date:%d/%m/%Y} with the same month a year earlier in the "
                         f"data ({month_label(counts.index[0])} to {month_label(counts.index[-1])}).")
    now, then = counts.reindex(after).to_numpy(dtype=int), counts.reindex(before).to_numpy(dtype=int)
    headline = compare_counts(int(now.sum()), int(then.sum()), exposure=float(len(after)),
                              baseline_exposure=float(len(before)), confidence_level=confidence_level)
    quasi = quasi_poisson_year_ratio(now, then, confidence_level=confidence_level)
    flips = sign_flip_test(now, then) if len(after) <= 12 else None
    index = pd.PeriodIndex(counts.index, freq="M")
    enough = (index < first_after).sum() >= min_months and (index >= first_after).sum() >= min_months
    segmented = segmented_fit(counts, first_after, confidence_level=confidence_level) if enough else None
    seasonal = (segmented_fit(counts, first_after, confidence_level=confidence_level, seasonal=True)
                if enough and len(counts) >= 24 else None)
    note = "" if enough else f"fewer than {min_months} months on one side, so no segmented model"
    earlier = counts[index < first_after]
    whole = (compare_counts(int(now.sum()), int(earlier.sum()), exposure=float(len(after)),
                            baseline_exposure=float(len(earlier)), confidence_level=confidence_level)
             if len(earlier) else None)
    scan = find_changepoint(counts.astype(float), min_segment=3) if len(counts) >= 12 else None
    return BeforeAfter(event, date, what, tuple(after), tuple(before), int(now.sum()), int(then.sum()),
                       headline, quasi, flips, segmented, *_reported(headline, quasi), confidence_level, note,
                       whole_baseline=whole, changepoint=scan, seasonal=seasonal)


def _reported(headline: CountComparison, quasi: TestResult) -> tuple[float, float, float, float, str]:
    """Ratio, interval, p-value and method to report: the quasi-Poisson check's when the months
    are over-dispersed (the E-test's p would be too small), else the E-test's."""
    if quasi.scale > OVERDISPERSION_SCALE and math.isfinite(quasi.pvalue):
        return (quasi.estimate, quasi.ci_low, quasi.ci_high, quasi.pvalue,
                "quasi-Poisson GLM, the months being over-dispersed")
    return headline.ratio, headline.ci_low, headline.ci_high, headline.pvalue, "E-test"
