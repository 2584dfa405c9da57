"""Did one team's complaints change between two years? The headline test, its checks, all teams.

:func:`team_change` compares a team's complaints in a year with the same months of its baseline
(:class:`cfanalysis.analysis.years.YearComparison`) by the E-test, with the exact and mid-p
tests, a quasi-Poisson check, a within-month sign-flip test and Fisher's test of the team's
share as checks; the verdict rests on :func:`cfanalysis.analysis.selection.rise_scan` (every team
and every month a rise could have begun, calibrated by simulation) and :func:`all_team_tests`
gives every team's figures on the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cfanalysis import labels
from cfanalysis.analysis.checks import TestResult, quasi_poisson_year_ratio, share_test, sign_flip_test
from cfanalysis.analysis.rates import METHODS, CountComparison, compare_counts, detectable_ratio
from cfanalysis.analysis.results import Result
from cfanalysis.analysis.selection import (
    RiseScan,
    YearSplitSelection,
    detectable_ratio_for_scan,
    rise_scan,
    simultaneous_level,
    team_panel,
    year_split_selection,
)
from cfanalysis.analysis.years import YearComparison

__all__ = ["TeamChange", "TeamRise", "all_team_tests", "largest_rise", "team_change", "team_monthly_series"]

OVERDISPERSION_SCALE = 1.2  # above this the verdict rests on the quasi-Poisson check (benchmarks/stat_validity.py)
METHOD_LABELS = {"etest": "E-test, the interval that inverts it",
                 "exact-cond": "Exact conditional test (central), Clopper-Pearson interval",
                 "midp": "Mid-p test and interval"}
METHOD_CHECKS = {"etest": "headline: counts compared as Poisson rates",
                 "exact-cond": "small counts (exact, conservative)",
                 "midp": "small counts (exact, less conservative)"}


def team_monthly_series(complaints: pd.DataFrame, team: str | None, months: pd.PeriodIndex) -> pd.Series:
    """Monthly complaint counts of a team (None for the whole service) over ``months``, zero-filled."""
    rows = complaints if team is None else complaints[complaints["team"] == team]
    return rows.groupby("month").size().reindex(months, fill_value=0).astype("int64").rename("count")


@dataclass(frozen=True)
class TeamRise:
    """The team whose new complaints rose most: what a report asks about when no team is named.

    ``count`` and ``baseline_count`` are its new complaints in the months compared; with no
    baseline year (``has_baseline`` False) it is the team with the most new complaints instead.
    A team found this way was picked after looking at the data, never named in advance.
    """

    team: str
    count: int
    baseline_count: int
    has_baseline: bool


def largest_rise(complaints: pd.DataFrame, years: YearComparison) -> TeamRise | None:
    """The team whose new complaints rose most between the baseline months and the year's.

    The rise is the difference of the counts (the order of :func:`all_team_tests`); ties go to
    the larger count this year, then to the team first in alphabetical order. Without baseline
    data the team with the most complaints this year is returned. None when the year has no
    complaints with a team.

    Examples
    --------
    >>> from cfanalysis.analysis.years import compare_years
    >>> frame = pd.DataFrame({"month": pd.PeriodIndex(["2018-05", "2019-05", "2019-06", "2019-07", "2018-06"],
    ...                                               freq="M"),
    ...                       "financial_year": ["2018-19", "2019-20", "2019-20", "2019-20", "2018-19"],
    ...                       "team": ["North", "South", "South", "North", "South"]})
    >>> largest_rise(frame, compare_years(frame, "2019-20"))
    TeamRise(team='South', count=2, baseline_count=1, has_baseline=True)
    """
    now = complaints.loc[complaints["month"].isin(years.months), "team"].dropna().value_counts()
    before = complaints.loc[complaints["month"].isin(years.baseline_months), "team"].dropna().value_counts()
    if not len(now) and not (years.has_baseline and len(before)):
        return None
    table = pd.DataFrame({"count": now, "baseline_count": before}).fillna(0).astype("int64")
    if not years.has_baseline:
        table["baseline_count"] = 0
    table["rise"] = table["count"] - table["baseline_count"]
    table = table.rename_axis("team").reset_index().sort_values(
        ["rise", "count", "team"], ascending=[False, False, True], kind="stable")
    best = table.iloc[0]
    return TeamRise(str(best["team"]), int(best["count"]), int(best["baseline_count"]), years.has_baseline)


def is_overdispersed(quasi_poisson: TestResult) -> bool:
    """The one over-dispersion rule: a quasi-Poisson scale above 1.2 (and a p-value to use)."""
    return quasi_poisson.scale > OVERDISPERSION_SCALE and not math.isnan(quasi_poisson.pvalue)


@dataclass(frozen=True)
class TeamChange(Result):
    """Everything known about one team's change between two years, on the same months.

    The verdict rests on one p-value (:attr:`verdict_pvalue`), chosen by one rule: the
    quasi-Poisson check's when the months are over-dispersed, the E-test's otherwise; then,
    the one-sided rise scan's, adjusted for picking the team and its start month out of every team
    and month unless the team was named before the data were seen. The interval shown with it is
    the year-on-year ratio's at the matching (Bonferroni across teams) level. ``which_to_trust``,
    ``to_frame`` and its description (``cf.describe``) all read it; there is no boolean "significant".
    """

    team: str
    years: YearComparison
    monthly: tuple[int, ...]
    baseline_monthly: tuple[int, ...]
    headline: CountComparison
    exact: CountComparison
    midp: CountComparison
    quasi_poisson: TestResult
    sign_flip: TestResult
    share: TestResult
    named_in_advance: bool
    adjusted_pvalue: float | None  # the scan's adjusted p of the team (the all-teams table)
    teams_tested: int
    other_team_pvalues: tuple[float, ...] = ()
    prospective: CountComparison | None = None  # months after the year against the months before it
    prospective_months: int = 0
    earlier_count: int = 0  # the team's complaints in every month before the year
    earlier_months: int = 0
    scan: RiseScan | None = None  # the verdict's rule: every team and start month (analysis/selection.py)
    year_selection: YearSplitSelection | None = None  # exact selection-adjusted year-on-year p (supporting)
    matched: CountComparison | None = None  # the year-on-year ratio with the interval matched to the adjustment

    @property
    def financial_year(self) -> str:
        return self.years.financial_year

    @property
    def baseline_year(self) -> str:
        return self.years.baseline_year

    @property
    def months(self) -> tuple[pd.Period, ...]:
        return tuple(self.years.months)

    @cached_property
    def detectable_ratio(self) -> float:
        """The smallest whole-year rise the verdict's own rule finds 8 times in 10 (by simulation, seeded)."""
        if self.scan is None:
            return detectable_ratio(self.headline.baseline_count, exposure=self.headline.exposure,
                                    baseline_exposure=self.headline.baseline_exposure,
                                    alpha=1 - self.headline.confidence_level)
        return detectable_ratio_for_scan(self.scan, self.team, named_in_advance=self.named_in_advance)

    @property
    def overdispersed(self) -> bool:
        """True when the monthly counts vary more than Poisson (quasi-Poisson scale above 1.2)."""
        return is_overdispersed(self.quasi_poisson)

    @property
    def trusted(self) -> tuple[str, float, float, float]:
        """(method, estimate, ci_low, ci_high) shown with the verdict: the year-on-year ratio with the
        interval matched to the verdict's adjustment (Bonferroni across the teams when the team was
        picked after looking; the E-test's own interval when it was named in advance)."""
        r = self.matched or self.headline
        return "E-test", r.ratio, r.ci_low, r.ci_high

    @property
    def trusted_pvalue(self) -> float:
        """The scan's p-value for this team alone (its start month chosen by the scan)."""
        return self.scan.own[self.scan.index(self.team)] if self.scan else self.headline.pvalue

    @property
    def selection_adjusted_pvalue(self) -> float:
        """The scan's p-value adjusted for picking this team and its start month out of every team and month."""
        return self.scan.adjusted[self.scan.index(self.team)] if self.scan else self.headline.pvalue

    @property
    def year_on_year_adjusted_pvalue(self) -> float:
        """Supporting: exact one-sided selection-adjusted p of the whole-year rise (min-p across teams)."""
        if self.year_selection is None:
            return math.nan
        return self.year_selection.adjusted_for(self.team)

    @property
    def verdict_pvalue(self) -> float:
        """The one p-value every verdict, table and check uses (see the class docstring)."""
        return self.trusted_pvalue if self.named_in_advance else self.selection_adjusted_pvalue

    reported_pvalue = verdict_pvalue

    @property
    def rise_from(self) -> pd.Period | None:
        """The month the scan puts the start of the higher level (None when no rise was fitted)."""
        return self.scan.first_months[self.scan.index(self.team)] if self.scan else None

    @property
    def matched_level(self) -> float:
        """The confidence level of each team's interval that matches the verdict's adjustment."""
        return (self.headline.confidence_level if self.named_in_advance else
                simultaneous_level(self.headline.confidence_level, self.teams_tested))

    @property
    def verdict_basis(self) -> str:
        """What the verdict's p-value rests on, in words."""
        if self.scan is None:
            return "E-test"
        months = self.scan.starts_scanned
        phi = self.scan.dispersion_of(self.team)
        dispersion = "" if phi <= 1 else f", allowing for months that vary {phi:.2f} times as much as chance"
        if self.named_in_advance:
            return (f"one-sided scan of {months} possible start months for this team, named before the data "
                    f"were seen{dispersion}")
        return (f"one-sided scan of {max(self.teams_tested, 1)} teams and {months} possible start months, "
                f"adjusted for picking this team and month after looking{dispersion}")

    def to_frame(self) -> pd.DataFrame:
        """The headline and each robustness check as one table, then the p-value the verdict rests on."""
        level = labels.level(self.headline.confidence_level)
        rows = [{"Method": METHOD_LABELS[result.method], "Checks": METHOD_CHECKS[result.method],
                 "Estimate": result.ratio, f"{level} CI low": result.ci_low,
                 f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                for result in (self.headline, self.exact, self.midp)]
        rows += [{"Method": labels.capitalised(result.method), "Checks": result.checks,
                  "Estimate": result.estimate, f"{level} CI low": result.ci_low,
                  f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                 for result in (self.quasi_poisson, self.sign_flip, self.share)]
        method, estimate, low, high = self.trusted
        matched = ("" if self.named_in_advance else
                   f"; its interval is at the {labels.level(self.matched_level)} level (Bonferroni across "
                   f"{self.teams_tested} teams), to match the adjustment")
        rows.append({"Method": "Verdict", "Checks": "the p-value the verdict rests on",
                     "Estimate": estimate, f"{level} CI low": low, f"{level} CI high": high,
                     "p-value": self.verdict_pvalue, "Note": self.verdict_basis + matched})
        if self.year_selection is not None and not self.named_in_advance:
            rows.append({"Method": "Year on year, adjusted", "Checks": "the whole-year split, picked out of every team",
                         "Estimate": self.headline.ratio, f"{level} CI low": low, f"{level} CI high": high,
                         "p-value": self.year_on_year_adjusted_pvalue,
                         "Note": "exact one-sided min-p across the teams (counts as Poisson); supporting figure"})
        for row in rows[:6] if not self.named_in_advance else ():
            row["Note"] = "; ".join(t for t in (row["Note"], "this team alone, year on year: descriptive") if t)
        return pd.DataFrame(rows)

    def checks_frame(self) -> pd.DataFrame:
        """Alias of :meth:`to_frame`, named for what the table shows."""
        return self.to_frame()

def months_to_confirm(ratio: float, baseline_count: int, baseline_months: float, *, power: float = 0.8,
                      alpha: float = 0.05) -> float:
    """About how many months at the new rate a two-sided test needs to confirm a rise ``power`` of the time.

    Normal approximation on the log rate ratio: the new months' count has variance 1/(r1 m), the
    baseline's 1/x0; m solves log(R)^2 / (1/(r1 m) + 1/x0) = (z_(1-alpha/2) + z_power)^2, with
    r1 = R x0 / t0. Infinite when even endless monitoring would not reach the power (the
    baseline alone is too uncertain). An estimate picked for its size tends to be too big, so
    treat the answer as a minimum.

    >>> months_to_confirm(2.5, 16, 24)
    14
    """
    from scipy import stats

    if not (math.isfinite(ratio) and ratio > 1 and baseline_count > 0):
        return math.inf
    k = (stats.norm.isf(alpha / 2) + stats.norm.ppf(power)) ** 2
    room = math.log(ratio) ** 2 / k - 1 / baseline_count
    if room <= 0:
        return math.inf
    return math.ceil(1 / (ratio * baseline_count / baseline_months * room))


def team_change(complaints: pd.DataFrame, team: str, years: YearComparison, *, confidence_level: float = 0.95,
                named_in_advance: bool = False, all_teams: pd.DataFrame | None = None) -> TeamChange:
    """Test whether a team's complaints changed between a year and its baseline.

    Parameters
    ----------
    complaints
        Loaded complaints (``month``, ``team``).
    team
        The team to test.
    years
        The year and its baseline, from :func:`cfanalysis.compare_years`.
    confidence_level
        For every interval, and the significance threshold ``1 - confidence_level``.
    named_in_advance
        True only when the team was named before anyone saw the data. By default (False) the
        team is treated as screened from all teams, so the verdict's p-value is adjusted across
        them and their start months (max-statistic over the scan):
        picking a team because it rose makes its own p-value too small.
    all_teams
        The :func:`all_team_tests` table for the same years, when the caller already has it.

    Returns
    -------
    TeamChange

    Raises
    ------
    ValueError
        When the team never appears in the complaints (the message lists the teams).
    """
    teams = sorted(complaints["team"].dropna().unique().tolist())
    if team not in teams:
        raise ValueError(f"There are no complaints for team {team!r}. Teams in the data: {', '.join(teams)}.")
    now = team_monthly_series(complaints, team, years.months)
    before = team_monthly_series(complaints, team, years.baseline_months)
    count, baseline_count, exposure = int(now.sum()), int(before.sum()), float(len(years.months))
    tests = {method: compare_counts(count, baseline_count, exposure=exposure, baseline_exposure=exposure,
                                    confidence_level=confidence_level, method=method) for method in METHODS}
    service_now = int(team_monthly_series(complaints, None, years.months).sum())
    service_before = int(team_monthly_series(complaints, None, years.baseline_months).sum())
    table = all_teams if all_teams is not None else all_team_tests(complaints, years,
                                                                   confidence_level=confidence_level)
    adjusted = table.set_index("team")["adjusted_pvalue"].get(team)
    scan, selection = team_scans(complaints, years)
    teams_tested = len(scan.teams)
    matched = compare_counts(count, baseline_count, exposure=exposure, baseline_exposure=exposure,
                             confidence_level=confidence_level if named_in_advance else
                             simultaneous_level(confidence_level, teams_tested))
    return TeamChange(
        team=team, years=years, monthly=tuple(int(v) for v in now), baseline_monthly=tuple(int(v) for v in before),
        headline=tests["etest"], exact=tests["exact-cond"], midp=tests["midp"],
        quasi_poisson=quasi_poisson_year_ratio(now.to_numpy(), before.to_numpy(), confidence_level=confidence_level),
        sign_flip=sign_flip_test(now.to_numpy(), before.to_numpy()),
        share=share_test(count, baseline_count, service_now, service_before),
        named_in_advance=named_in_advance,
        adjusted_pvalue=None if adjusted is None or pd.isna(adjusted) else float(adjusted),
        teams_tested=teams_tested, scan=scan, year_selection=selection, matched=matched,
        other_team_pvalues=tuple(float(v) for v in table.loc[table["team"] != team, "verdict_pvalue"].dropna()),
        **_prospective(complaints, team, years, confidence_level))


def _prospective(complaints: pd.DataFrame, team: str, years: YearComparison, confidence_level: float) -> dict:
    """Every month before the year (the baseline monitoring would use), and the months after it
    (if the data have at least three) tested against them: a fresh test of the rise."""
    received = complaints["month"].dropna()
    if not len(received):
        return {}
    before = pd.period_range(received.min(), years.months[0] - 1, freq="M")
    if not len(before):
        return {}
    earlier = int(team_monthly_series(complaints, team, before).sum())
    found = {"earlier_count": earlier, "earlier_months": len(before)}
    after = pd.period_range(years.months[-1] + 1, received.max(), freq="M")
    if len(after) >= 3:
        now = int(team_monthly_series(complaints, team, after).sum())
        found |= {"prospective": compare_counts(now, earlier, exposure=len(after), baseline_exposure=len(before),
                                                confidence_level=confidence_level),
                  "prospective_months": len(after)}
    return found


def all_team_tests(complaints: pd.DataFrame, years: YearComparison, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """Every team's change, judged by the same rule as :attr:`TeamChange.verdict_pvalue`.

    For each team: the headline E-test, the quasi-Poisson check on its monthly counts, and the
    p-value the verdict uses (quasi-Poisson when the months are over-dispersed, the E-test
    otherwise, descriptive), then the verdict's rise scan for every team. Teams present in
    either year are included (a team absent in one year counts 0 there). Use
    ``verdict_pvalue`` for a team named in advance, ``adjusted_pvalue`` for one picked because
    it moved most.

    Returns
    -------
    pandas.DataFrame
        ``team``, ``count``, ``baseline_count``, ``ratio``, ``ci_low``, ``ci_high`` (E-test and the
        interval that inverts it), ``pvalue`` (E-test), ``method`` (``"etest"``),
        ``dispersion`` (quasi-Poisson scale), ``quasi_poisson_pvalue``,
        ``verdict_method`` (``"rise scan"``), ``verdict_pvalue`` (the scan's p for the team alone),
        ``adjusted_pvalue`` (the scan's, across teams and months), ``rise_from`` (first month of
        the fitted higher level, NaT when none), ``year_on_year_adjusted_pvalue`` (exact one-sided
        min-p across teams), ``months_compared``; biggest rise first.
    """
    now = complaints[complaints["month"].isin(years.months)]
    before = complaints[complaints["month"].isin(years.baseline_months)]
    teams = sorted(set(now["team"].dropna().unique()) | set(before["team"].dropna().unique()))
    # Each team's months from one table per period (not one pass over the rows per team: 900 teams).
    now_panel, before_panel = team_panel(now, years.months), team_panel(before, years.baseline_months)

    def months_of(panel: pd.DataFrame, team: str) -> np.ndarray:
        return panel[team].to_numpy() if team in panel.columns else np.zeros(len(panel), dtype="int64")

    rows = [_team_row(months_of(now_panel, team), months_of(before_panel, team), confidence_level)
            | {"team": team} for team in teams]
    table = pd.DataFrame(rows, columns=ALL_TEAMS_COLUMNS[:-5])
    scan, selection = team_scans(complaints, years)
    position = {name: i for i, name in enumerate(scan.teams)}
    table["verdict_method"] = "rise scan"
    table["verdict_pvalue"] = [scan.own[position[t]] for t in table["team"]]
    table["adjusted_pvalue"] = [scan.adjusted[position[t]] for t in table["team"]]
    table["rise_from"] = [scan.first_months[position[t]] for t in table["team"]]
    table["year_on_year_adjusted_pvalue"] = [selection.adjusted_for(t) for t in table["team"]]
    table["months_compared"] = len(years.months)
    order = (table["count"] - table["baseline_count"]).sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


ALL_TEAMS_COLUMNS = ["team", "count", "baseline_count", "ratio", "ci_low", "ci_high", "pvalue", "method",
                     "dispersion", "quasi_poisson_pvalue", "verdict_method", "verdict_pvalue",
                     "adjusted_pvalue", "rise_from", "year_on_year_adjusted_pvalue", "months_compared"]


def team_scans(complaints: pd.DataFrame, years: YearComparison) -> tuple[RiseScan, YearSplitSelection]:
    """The verdict's scan over every team and start month, and the exact year-on-year selection figure.

    The window is the baseline's months then the year's (the same calendar months); the scan's
    starts are the year's months. Deterministic (fixed seed), so every caller gets the same answer.
    """
    window = years.baseline_months.append(years.months)
    panel = team_panel(complaints, window)
    n = len(years.baseline_months)
    scan = rise_scan(panel, n)
    selection = year_split_selection(panel.iloc[n:].sum().to_numpy(), panel.iloc[:n].sum().to_numpy(),
                                     list(panel.columns), exposure=len(years.months),
                                     baseline_exposure=len(years.baseline_months))
    return scan, selection


def _team_row(monthly, baseline_monthly, confidence_level: float) -> dict:
    """One team's E-test, quasi-Poisson check and the p-value the verdict rule picks."""
    now, before, exposure = int(monthly.sum()), int(baseline_monthly.sum()), float(len(monthly))
    result = compare_counts(now, before, exposure=exposure, baseline_exposure=exposure,
                            confidence_level=confidence_level)
    etest = result.pvalue if now + before else math.nan
    check = quasi_poisson_year_ratio(monthly, baseline_monthly, confidence_level=confidence_level)
    return {"count": now, "baseline_count": before, "ratio": result.ratio, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "pvalue": etest, "method": "etest", "dispersion": check.scale,
            "quasi_poisson_pvalue": check.pvalue}
