"""Did one team's complaints change between two years? The headline test, its checks, all teams.

:func:`team_change` compares a team's complaints in a year with the same months of its baseline
(:class:`cfanalysis.analysis.years.YearComparison`) by the E-test, with the exact and mid-p
tests, a quasi-Poisson check, a within-month sign-flip test and Fisher's test of the team's
share as checks; :func:`all_team_tests` does the headline test for every team, with Holm's
adjustment for picking a team because it moved most.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.checks import TestResult, holm, quasi_poisson_year_ratio, share_test, sign_flip_test
from cfanalysis.analysis.rates import METHODS, CountComparison, compare_counts, detectable_ratio
from cfanalysis.analysis.results import Result
from cfanalysis.analysis.years import YearComparison

__all__ = ["TeamChange", "all_team_tests", "team_change", "team_monthly_series"]

OVERDISPERSION_SCALE = 1.5  # above this, trust the monthly check over the headline
METHOD_LABELS = {"etest": "E-test, score interval",
                 "exact-cond": "Exact conditional test, Clopper-Pearson interval",
                 "midp": "Mid-p test and interval"}
METHOD_CHECKS = {"etest": "headline: counts compared as Poisson rates",
                 "exact-cond": "small counts (exact, conservative)",
                 "midp": "small counts (exact, less conservative)"}


def team_monthly_series(complaints: pd.DataFrame, team: str | None, months: pd.PeriodIndex) -> pd.Series:
    """Monthly complaint counts of a team (None for the whole service) over ``months``, zero-filled."""
    rows = complaints if team is None else complaints[complaints["team"] == team]
    return rows.groupby("month").size().reindex(months, fill_value=0).astype("int64").rename("count")


@dataclass(frozen=True)
class TeamChange(Result):
    """Everything known about one team's change between two years, on the same months."""

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
    chosen_after_looking: bool
    adjusted_pvalue: float | None
    teams_tested: int

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
        """The smallest rise the headline test would detect 8 times in 10 (worked out when asked)."""
        return detectable_ratio(self.headline.baseline_count, exposure=self.headline.exposure,
                                baseline_exposure=self.headline.baseline_exposure,
                                alpha=1 - self.headline.confidence_level)

    @property
    def reported_pvalue(self) -> float:
        """The p-value to act on: Holm-adjusted when the team was picked after looking."""
        if self.chosen_after_looking and self.adjusted_pvalue is not None:
            return self.adjusted_pvalue
        return self.headline.pvalue

    @property
    def significant(self) -> bool:
        return self.reported_pvalue < 1 - self.headline.confidence_level

    @property
    def overdispersed(self) -> bool:
        """True when the monthly counts vary clearly more than Poisson (quasi-Poisson scale)."""
        return self.quasi_poisson.scale > OVERDISPERSION_SCALE

    def to_frame(self) -> pd.DataFrame:
        """The headline and each robustness check as one table, with what each guards against."""
        level = words.level(self.headline.confidence_level)
        rows = [{"Method": METHOD_LABELS[result.method], "Checks": METHOD_CHECKS[result.method],
                 "Estimate": result.ratio, f"{level} CI low": result.ci_low,
                 f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                for result in (self.headline, self.exact, self.midp)]
        rows += [{"Method": words.capitalised(result.method), "Checks": result.checks,
                  "Estimate": result.estimate, f"{level} CI low": result.ci_low,
                  f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                 for result in (self.quasi_poisson, self.sign_flip, self.share)]
        if self.adjusted_pvalue is not None:
            rows.append({"Method": f"Holm adjustment across {self.teams_tested} teams",
                         "Checks": "picking the team because it rose most", "Estimate": self.headline.ratio,
                         f"{level} CI low": math.nan, f"{level} CI high": math.nan,
                         "p-value": self.adjusted_pvalue,
                         "Note": "applies" if self.chosen_after_looking else "shown for context"})
        return pd.DataFrame(rows)

    def checks_frame(self) -> pd.DataFrame:
        """Alias of :meth:`to_frame`, named for what the table shows."""
        return self.to_frame()

    def summary(self) -> str:
        """Size, interval and strength of the change in one or two plain sentences."""
        h = self.headline
        same = "" if not self.years.partial else " (same months only, because the year is not complete)"
        if h.count + h.baseline_count == 0:
            return f"{self.team} had no complaints in either {self.baseline_year} or {self.financial_year}."
        size = (f"Complaints to {self.team} went from {h.baseline_count} in {self.baseline_year} to "
                f"{h.count} in {self.financial_year}{same}")
        if math.isfinite(h.ratio) and h.ratio > 0:
            size += (f": {h.ratio:.2f} times the earlier rate ({words.level(h.confidence_level)} confidence "
                     f"interval {words.ratio(h.ci_low)} to {words.ratio(h.ci_high)}).")
        else:
            size += "."
        p = self.reported_pvalue
        adjusted = " after allowing for testing every team" if self.chosen_after_looking else ""
        if self.significant:
            strength = (f"If the underlying rate had not changed, a difference this large would arise "
                        f"by chance {words.chance_frequency(p)}{adjusted} (p = {words.p_value(p)}), so it is "
                        "unlikely to be chance alone.")
        else:
            strength = (f"A difference this size could arise by chance (p = {words.p_value(p)}{adjusted}), so "
                        "the data do not show a real change; that is not the same as showing there was none.")
        return f"{size} {strength}"

    def which_to_trust(self) -> str:
        """What to conclude when the headline and the monthly checks disagree."""
        alpha = 1 - self.headline.confidence_level
        headline_sig = self.headline.pvalue < alpha
        monthly = [r.pvalue < alpha for r in (self.quasi_poisson, self.sign_flip) if not math.isnan(r.pvalue)]
        if all(sig == headline_sig for sig in monthly):
            return "The headline test and the monthly checks agree."
        if self.overdispersed:
            return ("The checks disagree, and the monthly counts vary more than chance alone would "
                    "make them, which the headline test does not allow for: trust the quasi-Poisson "
                    "check, and treat the evidence as " + ("weaker" if headline_sig else "stronger")
                    + " than the headline suggests.")
        return ("The checks disagree, but the monthly counts vary no more than chance would make "
                "them, so the headline E-test (which holds its error rate best at these counts) is "
                "the one to trust; the monthly checks have less power with so few complaints a month.")

    def power_statement(self) -> str:
        r = self.detectable_ratio
        if not math.isfinite(r):
            return (f"With {self.headline.baseline_count} complaints in the baseline, no size of rise "
                    "could be reliably detected.")
        return (f"With {self.headline.baseline_count} complaints in {self.baseline_year}, a rise would "
                f"need to be about {r:.1f} times the earlier rate to be detected 8 times in 10; smaller "
                "real changes can easily go unseen.")

    def _repr_html_(self) -> str:
        return f'<p class="cf-verdict">{html.escape(self.summary())}</p>'


def team_change(complaints: pd.DataFrame, team: str, years: YearComparison, *, confidence_level: float = 0.95,
                chosen_after_looking: bool = False, all_teams: pd.DataFrame | None = None) -> TeamChange:
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
    chosen_after_looking
        True when the team was picked because it rose most: the verdict then uses the Holm
        adjustment across all teams. False when the team was named in advance.
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
    return TeamChange(
        team=team, years=years, monthly=tuple(int(v) for v in now), baseline_monthly=tuple(int(v) for v in before),
        headline=tests["etest"], exact=tests["exact-cond"], midp=tests["midp"],
        quasi_poisson=quasi_poisson_year_ratio(now.to_numpy(), before.to_numpy(), confidence_level=confidence_level),
        sign_flip=sign_flip_test(now.to_numpy(), before.to_numpy()),
        share=share_test(count, baseline_count, service_now, service_before),
        chosen_after_looking=chosen_after_looking,
        adjusted_pvalue=None if adjusted is None or pd.isna(adjusted) else float(adjusted),
        teams_tested=int(table["pvalue"].notna().sum()))


def all_team_tests(complaints: pd.DataFrame, years: YearComparison, *, confidence_level: float = 0.95) -> pd.DataFrame:
    """The headline E-test for every team, with Holm-adjusted p-values across the teams.

    Teams present in either year are included (a team absent in one year counts 0 there).
    Use ``pvalue`` for a team named in advance, ``adjusted_pvalue`` for one picked because it
    moved most.

    Returns
    -------
    pandas.DataFrame
        ``team``, ``count``, ``baseline_count``, ``ratio``, ``ci_low``, ``ci_high``, ``pvalue``,
        ``method``, ``adjusted_pvalue``, ``months_compared``; biggest rise first.
    """
    in_now = complaints["month"].isin(years.months)
    window = complaints[in_now | complaints["month"].isin(years.baseline_months)]
    counts = (window.assign(now=in_now[window.index]).groupby(["team", "now"]).size()
              .unstack(fill_value=0).reindex(columns=[True, False], fill_value=0))
    exposure = len(years.months)
    rows = []
    for team, (now, before) in counts.sort_index().iterrows():
        now, before = int(now), int(before)
        result = compare_counts(now, before, exposure=exposure, baseline_exposure=exposure,
                                confidence_level=confidence_level)
        rows.append({"team": team, "count": now, "baseline_count": before, "ratio": result.ratio,
                     "ci_low": result.ci_low, "ci_high": result.ci_high,
                     "pvalue": result.pvalue if now + before else math.nan, "method": "etest"})
    table = pd.DataFrame(rows, columns=["team", "count", "baseline_count", "ratio", "ci_low", "ci_high",
                                        "pvalue", "method"])
    table["adjusted_pvalue"] = holm(table["pvalue"]) if len(table) else pd.Series(dtype=float)
    table["months_compared"] = exposure
    order = (table["count"] - table["baseline_count"]).sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)
