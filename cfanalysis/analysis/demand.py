"""Demand and staffing: does more work, or fewer staff, explain a rise in complaints?

Uses the activity table (monthly indicators per team). Complaints per 1,000 contacts are
compared between years with the contacts as exposure; a quasi-Poisson GLM relates the monthly
counts to one to three indicators; lagged correlations are shown as description only.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cfanalysis.analysis.rates import CountComparison, compare_counts
from cfanalysis.analysis.results import Result, check_choice
from cfanalysis.analysis.teams import TeamChange, team_monthly_series

__all__ = ["DemandAnalysis", "demand_analysis", "lagged_correlations"]

MAX_INDICATORS = 3


@dataclass(frozen=True)
class DemandAnalysis(Result):
    """Demand-adjusted comparison, indicator model and the words that answer the question."""

    team: str
    denominator: str | None
    per: int
    rate: float
    baseline_rate: float
    rate_comparison: CountComparison | None
    model: pd.DataFrame  # term, rate_ratio, ci_low, ci_high, pvalue, unit
    year_ratio_unadjusted: float
    year_ratio_adjusted: float
    correlations: pd.DataFrame
    note: str
    adjusted_ci: tuple[float, float] = (math.nan, math.nan)  # interval of the adjusted year ratio
    adjusted_pvalue: float = math.nan

    def to_frame(self) -> pd.DataFrame:
        """The indicator model: ``term``, ``rate_ratio``, ``ci_low``, ``ci_high``, ``pvalue``, ``unit``."""
        return self.model.copy()

def _unit(values: pd.Series) -> float:
    """A round unit near the indicator's spread (10 contacts, 1 vacancy), for readable ratios."""
    spread = float(values.std())
    if not spread or not math.isfinite(spread):
        return 1.0
    return float(10 ** round(math.log10(spread)))


def lagged_correlations(counts: pd.Series, indicator: pd.Series, *, max_lag: int = 3) -> pd.DataFrame:
    """Correlation of monthly complaints with an indicator some months earlier (descriptive only).

    Returns ``lag_months``, ``correlation``, ``months`` and ``critical`` (about 2 / sqrt(n): a
    rough guide to what a correlation needs to exceed to be more than noise).
    """
    rows = []
    for lag in range(max_lag + 1):
        pair = pd.concat([counts, indicator.shift(lag)], axis=1).dropna()
        n = len(pair)
        value = pair.iloc[:, 0].corr(pair.iloc[:, 1]) if n > 2 else math.nan
        rows.append({"lag_months": lag, "correlation": value, "months": n,
                     "critical": 2 / math.sqrt(n) if n else math.nan})
    return pd.DataFrame(rows)


def demand_analysis(change: TeamChange, complaints: pd.DataFrame, activity: pd.DataFrame, *,
                    denominator: str | None = None, indicators: list[str] | None = None,
                    per: int = 1000) -> DemandAnalysis:
    """Put a team's change in complaints beside its demand and staffing.

    Parameters
    ----------
    change
        The team's :class:`TeamChange` (fixes the team, years and months compared).
    complaints, activity
        Loaded tables.
    denominator
        Activity column for the rate (default ``contacts`` if the team has it, else the first
        indicator with values for the team).
    indicators
        Up to three activity columns for the model (default: the denominator and up to two
        more; with 24 to 36 months, more would over-fit).
    per
        Rate per this many units of the denominator.
    """
    team_rows = activity[activity["team"] == change.team].set_index("month") if len(activity) else activity
    available = [c for c in activity.columns
                 if c not in ("month", "team", "source_row", "financial_year")
                 and len(team_rows) and team_rows[c].notna().sum() > 0]
    empty = DemandAnalysis(change.team, None, per, math.nan, math.nan, None, pd.DataFrame(), math.nan,
                           math.nan, pd.DataFrame(), "")
    if not available:
        return _replace(empty, note=(f"There is no activity data for {change.team}, so demand and staffing "
                                     "cannot be checked. Add an activity file (month, team, contacts, ...) "
                                     "to the data folder."))
    if denominator is None:
        denominator = "contacts" if "contacts" in available else available[0]
    check_choice("denominator", denominator, available)
    indicators = list(indicators) if indicators else [denominator] + [c for c in available if c != denominator]
    indicators = indicators[:MAX_INDICATORS]

    months, base_months = change.years.months, change.years.baseline_months
    all_months = base_months.append(months)
    frame = team_rows.reindex(all_months)[indicators]
    counts = team_monthly_series(complaints, change.team, all_months)
    rates = _rates(change, counts, frame[denominator], per)
    if rates is None:
        return _replace(empty, denominator=denominator,
                        note=f"{denominator} is zero or missing for a whole year, so no rate can be formed.")
    comparison, rate_now, rate_before, note = rates
    unadjusted, adjusted, model_rows = _indicator_model(change, counts, frame, indicators, denominator)
    correlations = pd.concat(
        [lagged_correlations(counts, frame[c]).assign(indicator=c) for c in indicators], ignore_index=True)
    return DemandAnalysis(change.team, denominator, per, rate_now, rate_before, comparison,
                          pd.DataFrame(model_rows), unadjusted[0], adjusted[0], correlations, note,
                          adjusted_ci=adjusted[1], adjusted_pvalue=adjusted[2])


def _rates(change: TeamChange, counts: pd.Series, exposure: pd.Series, per: int):
    """Complaints per ``per`` units of exposure in each year, compared; None without exposure."""
    months, base_months = change.years.months, change.years.baseline_months
    missing = exposure.isna()
    exposure_now, exposure_before = float(exposure.loc[months].sum()), float(exposure.loc[base_months].sum())
    note = ""
    if missing.any():
        note = (f"{int(missing.sum())} of {len(exposure)} months have no {exposure.name} figure; "
                "the rates use the months that do.")
    count_now = int(counts.loc[months][~missing.loc[months]].sum())
    count_before = int(counts.loc[base_months][~missing.loc[base_months]].sum())
    if exposure_now <= 0 or exposure_before <= 0:
        return None
    comparison = compare_counts(count_now, count_before, exposure=exposure_now / per,
                                baseline_exposure=exposure_before / per,
                                confidence_level=change.headline.confidence_level)
    return comparison, count_now / exposure_now * per, count_before / exposure_before * per, note


_NO_FIT = (math.nan, (math.nan, math.nan), math.nan)


def _indicator_model(change: TeamChange, counts: pd.Series, frame: pd.DataFrame, indicators: list[str],
                     denominator: str):
    """Year ratio (with interval and p) without and with the exposure offset and the other indicators.

    The denominator enters as an exposure (offset log(denominator)): the rate question. The other
    indicators (at most two) are covariates. Needs 12 months with every figure.
    """
    from cfanalysis.analysis import glm as sm  # not statsmodels.api: see analysis/glm.py

    usable = frame.dropna()
    if len(usable) < 12 or counts.loc[usable.index].sum() == 0 or (usable[denominator] <= 0).any():
        return _NO_FIT, _NO_FIT, []
    y = counts.loc[usable.index].to_numpy(float)
    year = usable.index.isin(change.years.months).astype(float)
    others = [c for c in indicators if c != denominator and usable[c].std() > 0]
    units = {c: _unit(usable[c]) for c in others}
    x = sm.add_constant(np.column_stack([year] + [usable[c].to_numpy(float) / units[c] for c in others]))
    offset = np.log(usable[denominator].to_numpy(float))
    level = change.headline.confidence_level
    try:
        adjusted, rows = _fit(sm, y, x, others, units, level, offset)
        unadjusted, _ = _fit(sm, y, sm.add_constant(year[:, None]), [], {}, level, None)
    except (ValueError, np.linalg.LinAlgError):
        return _NO_FIT, _NO_FIT, []
    return unadjusted, adjusted, rows


def _fit(sm, y, x, names, units, confidence_level, offset):
    """Quasi-Poisson fit (scale never below 1): (year ratio, its interval, p) and indicator rate ratios."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the estimates are reported with intervals
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        scale = max(poisson.pearson_chi2 / max(poisson.df_resid, 1), 1.0)
        fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(scale=scale, use_t=True)
    intervals = fit.conf_int(alpha=1 - confidence_level)
    rows = []
    for position, name in enumerate(names, start=2):
        rows.append({"term": indicator_label(name), "unit": units[name],
                     "rate_ratio": float(np.exp(fit.params[position])),
                     "ci_low": float(np.exp(intervals[position][0])),
                     "ci_high": float(np.exp(intervals[position][1])),
                     "pvalue": float(fit.pvalues[position])})
    year = (float(np.exp(fit.params[1])), (float(np.exp(intervals[1][0])), float(np.exp(intervals[1][1]))),
            float(fit.pvalues[1]))
    return year, rows


def _replace(analysis: DemandAnalysis, **changes) -> DemandAnalysis:
    from dataclasses import replace

    return replace(analysis, **changes)


def indicator_label(name: str) -> str:
    """``staff_vacancies_fte`` -> ``staff vacancies (FTE)``."""
    text = name.replace("_", " ")
    return text[:-4] + " (FTE)" if text.endswith(" fte") else text


