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
    unless the team was named before the data were seen, Holm-adjusted across every team.
    ``which_to_trust``, ``summary``, ``to_frame`` and ``significant`` all read it.
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
    adjusted_pvalue: float | None  # Holm-adjusted verdict p across the teams (the all-teams table)
    teams_tested: int
    other_team_pvalues: tuple[float, ...] = ()
    prospective: CountComparison | None = None  # months after the year against the months before it
    prospective_months: int = 0
    earlier_count: int = 0  # the team's complaints in every month before the year
    earlier_months: int = 0

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
    def overdispersed(self) -> bool:
        """True when the monthly counts vary more than Poisson (quasi-Poisson scale above 1.2)."""
        return is_overdispersed(self.quasi_poisson)

    @property
    def trusted(self) -> tuple[str, float, float, float]:
        """(method, estimate, ci_low, ci_high) of the test the verdict rests on."""
        if self.overdispersed:
            q = self.quasi_poisson
            return q.method, q.estimate, q.ci_low, q.ci_high
        h = self.headline
        return "E-test", h.ratio, h.ci_low, h.ci_high

    @property
    def trusted_pvalue(self) -> float:
        """The over-dispersion-robust p-value: quasi-Poisson when the months are over-dispersed."""
        return self.quasi_poisson.pvalue if self.overdispersed else self.headline.pvalue

    @property
    def selection_adjusted_pvalue(self) -> float:
        """The trusted p-value, Holm-adjusted across every team tested (for a team picked after looking)."""
        values = pd.Series((self.trusted_pvalue, *self.other_team_pvalues), dtype=float)
        return float(holm(values).iloc[0])

    @property
    def verdict_pvalue(self) -> float:
        """The one p-value every verdict, table and check uses (see the class docstring)."""
        return self.trusted_pvalue if self.named_in_advance else self.selection_adjusted_pvalue

    reported_pvalue = verdict_pvalue

    @property
    def significant(self) -> bool:
        return self.verdict_pvalue < 1 - self.headline.confidence_level

    @property
    def verdict_basis(self) -> str:
        """What the verdict's p-value rests on, in words."""
        method = self.trusted[0]
        why = (f"{method}, because the months vary more than chance alone would make them"
               if self.overdispersed else "E-test")
        if self.named_in_advance:
            return why + "; the team was named before the data were seen"
        return (why + f", adjusted (Holm) for picking this team out of {max(self.teams_tested, 1)} "
                "after looking at the data")

    def to_frame(self) -> pd.DataFrame:
        """The headline and each robustness check as one table, then the p-value the verdict rests on."""
        level = words.level(self.headline.confidence_level)
        rows = [{"Method": METHOD_LABELS[result.method], "Checks": METHOD_CHECKS[result.method],
                 "Estimate": result.ratio, f"{level} CI low": result.ci_low,
                 f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                for result in (self.headline, self.exact, self.midp)]
        rows += [{"Method": words.capitalised(result.method), "Checks": result.checks,
                  "Estimate": result.estimate, f"{level} CI low": result.ci_low,
                  f"{level} CI high": result.ci_high, "p-value": result.pvalue, "Note": result.note}
                 for result in (self.quasi_poisson, self.sign_flip, self.share)]
        method, estimate, low, high = self.trusted
        rows.append({"Method": "Verdict", "Checks": "the p-value the verdict rests on",
                     "Estimate": estimate, f"{level} CI low": low, f"{level} CI high": high,
                     "p-value": self.verdict_pvalue, "Note": self.verdict_basis})
        return pd.DataFrame(rows)

    def checks_frame(self) -> pd.DataFrame:
        """Alias of :meth:`to_frame`, named for what the table shows."""
        return self.to_frame()

    def summary(self) -> str:
        """Size and interval of the change in words, then the graded evidence and what it rests on."""
        h = self.headline
        same = "" if not self.years.partial else " (same months only, because the year is not complete)"
        if h.count + h.baseline_count == 0:
            return f"{self.team} had no complaints in either {self.baseline_year} or {self.financial_year}."
        _, estimate, low, high = self.trusted
        size = (f"New complaints to {self.team} went from {h.baseline_count} in {self.baseline_year} to "
                f"{h.count} in {self.financial_year}{same}: "
                f"{words.times_with_interval(estimate, low, high, h.confidence_level)}.")
        strength = words.evidence(self.verdict_pvalue, wide=words.interval_is_wide(low, high),
                                  basis=self.verdict_basis)
        text = f"{size} That is {strength}."
        if self.named_in_advance:
            return text
        if self.trusted_pvalue < 0.1:  # only a result that looks like evidence can overstate it
            return (f"{text} Because the team was singled out after looking, its own unadjusted p-value "
                    f"({words.p_value(self.trusted_pvalue)}) overstates the evidence; "
                    + self.monitoring_statement())
        return f"{text} {words.capitalised(self.monitoring_statement())}"

    def monitoring_statement(self) -> str:
        """The prospective answer: what the months since have shown, or how many would confirm it."""
        if self.prospective is not None:
            p = self.prospective
            return (f"the {self.prospective_months} months since, compared with the months before "
                    f"{self.financial_year}, show {words.times_with_interval(p.ratio, p.ci_low, p.ci_high)}, "
                    f"{words.evidence(p.pvalue, wide=p.wide, what='a lasting change')}.")
        # Monitoring compares the months to come with every month before the year, not one year.
        count, span = ((self.earlier_count, self.earlier_months) if self.earlier_months
                       else (self.headline.baseline_count, self.headline.baseline_exposure))
        months = months_to_confirm(self.headline.ratio, count, span)
        against = f"the {span:.0f} months before {self.financial_year} ({count} new complaints)"
        if not math.isfinite(months):
            return (f"confirmation has to come from the months that follow, but against {against} the "
                    "baseline is too uncertain for any length of monitoring to settle a rise of this size "
                    "reliably; keep the monthly chart going and review it when another year is in.")
        return (f"confirmation has to come from the months that follow: if the new level holds, about "
                f"{months} months of monitoring, compared with {against}, would show it 8 times in 10.")

    def which_to_trust(self) -> str:
        """Which result the verdict rests on, and why: the same rule as :attr:`verdict_pvalue`."""
        alpha = 1 - self.headline.confidence_level
        headline_sig = self.headline.pvalue < alpha
        monthly = [r.pvalue < alpha for r in (self.quasi_poisson, self.sign_flip) if not math.isnan(r.pvalue)]
        agree = ("The headline test and the monthly checks agree. " if all(sig == headline_sig for sig in monthly)
                 else "The headline test and the monthly checks disagree. ")
        if self.overdispersed:
            why = ("The monthly counts vary more than chance alone would make them (quasi-Poisson scale "
                   f"{self.quasi_poisson.scale:.2f}), which the E-test does not allow for, so the verdict "
                   "rests on the quasi-Poisson check")
        else:
            why = ("The monthly counts vary no more than chance would make them, so the verdict rests on "
                   "the headline E-test (which holds its error rate best at these counts)")
        selection = ("." if self.named_in_advance else
                     f", adjusted with Holm's method across {self.teams_tested} teams because the team was "
                     "picked after looking")
        return f"{agree}{why}{selection} (p = {words.p_value(self.verdict_pvalue)})."

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
        team is treated as screened from all teams, so the verdict's p-value is Holm-adjusted
        across them: picking a team because it rose makes its own p-value too small.
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
        named_in_advance=named_in_advance,
        adjusted_pvalue=None if adjusted is None or pd.isna(adjusted) else float(adjusted),
        teams_tested=int(table["verdict_pvalue"].notna().sum()),
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
    otherwise); then Holm's adjustment of those p-values across the teams. Teams present in
    either year are included (a team absent in one year counts 0 there). Use
    ``verdict_pvalue`` for a team named in advance, ``adjusted_pvalue`` for one picked because
    it moved most.

    Returns
    -------
    pandas.DataFrame
        ``team``, ``count``, ``baseline_count``, ``ratio``, ``ci_low``, ``ci_high`` (E-test and the
        interval that inverts it), ``pvalue`` (E-test), ``method`` (``"etest"``),
        ``dispersion`` (quasi-Poisson scale), ``quasi_poisson_pvalue``, ``verdict_method``
        (``"E-test"`` or ``"quasi-Poisson"``), ``verdict_pvalue`` (before adjustment),
        ``adjusted_pvalue`` (Holm, of ``verdict_pvalue``), ``months_compared``; biggest rise first.
    """
    now = complaints[complaints["month"].isin(years.months)]
    before = complaints[complaints["month"].isin(years.baseline_months)]
    teams = sorted(set(now["team"].dropna()) | set(before["team"].dropna()))
    rows = [_team_row(team_monthly_series(now, team, years.months).to_numpy(),
                      team_monthly_series(before, team, years.baseline_months).to_numpy(), confidence_level)
            | {"team": team} for team in teams]
    table = pd.DataFrame(rows, columns=ALL_TEAMS_COLUMNS[:-2])
    table["adjusted_pvalue"] = holm(table["verdict_pvalue"]) if len(table) else pd.Series(dtype=float)
    table["months_compared"] = len(years.months)
    order = (table["count"] - table["baseline_count"]).sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


ALL_TEAMS_COLUMNS = ["team", "count", "baseline_count", "ratio", "ci_low", "ci_high", "pvalue", "method",
                     "dispersion", "quasi_poisson_pvalue", "verdict_method", "verdict_pvalue",
                     "adjusted_pvalue", "months_compared"]


def _team_row(monthly, baseline_monthly, confidence_level: float) -> dict:
    """One team's E-test, quasi-Poisson check and the p-value the verdict rule picks."""
    now, before, exposure = int(monthly.sum()), int(baseline_monthly.sum()), float(len(monthly))
    result = compare_counts(now, before, exposure=exposure, baseline_exposure=exposure,
                            confidence_level=confidence_level)
    etest = result.pvalue if now + before else math.nan
    check = quasi_poisson_year_ratio(monthly, baseline_monthly, confidence_level=confidence_level)
    spread = is_overdispersed(check)
    return {"count": now, "baseline_count": before, "ratio": result.ratio, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "pvalue": etest, "method": "etest", "dispersion": check.scale,
            "quasi_poisson_pvalue": check.pvalue, "verdict_method": "quasi-Poisson" if spread else "E-test",
            "verdict_pvalue": check.pvalue if spread else etest}
