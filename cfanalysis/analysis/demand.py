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

from cfanalysis import words
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

    def to_frame(self) -> pd.DataFrame:
        """The indicator model: ``term``, ``rate_ratio``, ``ci_low``, ``ci_high``, ``pvalue``, ``unit``."""
        return self.model.copy()

    def summary(self) -> str:
        """Plain words: does demand or staffing explain the rise, or does the rate per unit rise too?"""
        if self.rate_comparison is None:
            return self.note
        what, one = _label(self.denominator), _singular(_label(self.denominator))
        r = self.rate_comparison
        level = words.level(r.confidence_level)
        rates = (f"Per {self.per:,} {what}, complaints went from {self.baseline_rate:.2f} to "
                 f"{self.rate:.2f} ({words.ratio(r.ratio)} times; {level} confidence interval "
                 f"{words.ratio(r.ci_low)} to {words.ratio(r.ci_high)}, p = {words.p_value(r.pvalue)}).")
        if r.significant and r.ratio > 1:
            answer = f"The rate per {one} rose too, so more {what} alone do not explain the rise."
        elif r.significant and r.ratio < 1:
            answer = f"The rate per {one} fell, so complaints did not keep pace with {what}."
        else:
            answer = (f"Per {one}, the change is within what chance could produce, so changes in "
                      f"{what} may account for some or all of the change in complaints.")
        model = ""
        if len(self.model) and math.isfinite(self.year_ratio_adjusted):
            model = (f" Allowing for {words.joined(list(self.model['term']))} in a model of the monthly counts, "
                     f"the year-on-year ratio is {self.year_ratio_adjusted:.2f} against "
                     f"{self.year_ratio_unadjusted:.2f} without them"
                     + (": the indicators explain little of the change." if
                        abs(math.log(self.year_ratio_adjusted / self.year_ratio_unadjusted)) < 0.1
                        else ": the indicators account for part of the change.") )
        return f"{rates} {answer}{model}"


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
    unadjusted, adjusted, model_rows = _indicator_model(change, counts, frame, indicators)
    correlations = pd.concat(
        [lagged_correlations(counts, frame[c]).assign(indicator=c) for c in indicators], ignore_index=True)
    return DemandAnalysis(change.team, denominator, per, rate_now, rate_before, comparison,
                          pd.DataFrame(model_rows), unadjusted, adjusted, correlations, note)


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


def _indicator_model(change: TeamChange, counts: pd.Series, frame: pd.DataFrame, indicators: list[str]):
    """Year ratio without and with the indicators, and each indicator's rate ratio (needs 12 months)."""
    import statsmodels.api as sm

    usable = frame.dropna()
    if len(usable) < 12 or counts.loc[usable.index].sum() == 0:
        return math.nan, math.nan, []
    y = counts.loc[usable.index].to_numpy(float)
    year = usable.index.isin(change.years.months).astype(float)
    units = {c: _unit(usable[c]) for c in indicators}
    x = np.column_stack([year] + [usable[c].to_numpy(float) / units[c] for c in indicators])
    keep = [0] + [i + 1 for i, c in enumerate(indicators) if usable[c].std() > 0]
    x = sm.add_constant(x[:, keep])
    level = change.headline.confidence_level
    try:
        adjusted, rows = _fit(sm, y, x, [indicators[i - 1] for i in keep[1:]], units, level)
        unadjusted, _ = _fit(sm, y, sm.add_constant(year[:, None]), [], {}, level)
    except (ValueError, np.linalg.LinAlgError):
        return math.nan, math.nan, []
    return unadjusted, adjusted, rows


def _fit(sm, y, x, names, units, confidence_level):
    """Quasi-Poisson fit (scale never below 1); year ratio and indicator rate ratios."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the estimates are reported with intervals
        poisson = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        scale = max(poisson.pearson_chi2 / max(poisson.df_resid, 1), 1.0)
        fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale=scale, use_t=True)
    intervals = fit.conf_int(alpha=1 - confidence_level)
    rows = []
    for position, name in enumerate(names, start=2):
        rows.append({"term": _label(name), "unit": units[name],
                     "rate_ratio": float(np.exp(fit.params[position])),
                     "ci_low": float(np.exp(intervals[position][0])),
                     "ci_high": float(np.exp(intervals[position][1])),
                     "pvalue": float(fit.pvalues[position])})
    return float(np.exp(fit.params[1])), rows


def _replace(analysis: DemandAnalysis, **changes) -> DemandAnalysis:
    from dataclasses import replace

    return replace(analysis, **changes)


def _label(name: str) -> str:
    """``staff_vacancies_fte`` -> ``staff vacancies (FTE)``."""
    words = name.replace("_", " ")
    return words[:-4] + " (FTE)" if words.endswith(" fte") else words


def _singular(words: str) -> str:
    head, _, tail = words.partition(" (")
    if head.endswith("ies"):
        head = head[:-3] + "y"
    elif head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return head + (f" ({tail}" if tail else "")
