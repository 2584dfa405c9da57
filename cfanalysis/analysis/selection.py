"""Did any team's complaints rise, and when? Selection over teams and change months done exactly.

A team picked because it rose most needs its evidence judged against every team that could have
been picked, and a rise that began mid-year is diluted by a whole-year comparison. Two tools:

- :func:`rise_scan` (the verdict's rule): for every team and every month in which a new, higher
  level could have begun, the one-sided Poisson likelihood ratio of "a step up at that month";
  the largest over teams and months, divided by the over-dispersion estimated from the
  residuals around each team's fitted step (so the step itself cannot inflate it), is
  calibrated by Monte Carlo conditioning on each team's total over the window (under no change
  that total is spread evenly over the months), with a fixed seed. Each team's adjusted p-value
  is the share of simulated maxima at least its own statistic (single-step max-T); a team named
  in advance is judged against its own simulated statistics only.
- :func:`year_split_selection` (a supporting figure): the exact selection-adjusted one-sided
  p-value of the biggest year-on-year rise, each team's split between the two years given its
  total being Binomial(n, t1 / (t1 + t0)) (min-p over teams, enumerated exactly).

Computation only; numbers and typed results out (the words are in :mod:`cfanalysis.publish`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cfanalysis.analysis.results import Result

__all__ = ["RiseScan", "YearSplitSelection", "detectable_ratio_for_scan", "rise_scan", "team_panel",
           "year_split_selection"]

SIMULATIONS = 4999
SEED = 20200331
LATER_PENALTY = 2.0  # a start after the year's first month must beat it by this much (benchmarks/stat_validity_scan.py)
DISPERSION_FROM = 1.0  # a blended dispersion at or below this is taken as 1 (Poisson)
OWN_WEIGHT = 0.5  # a team's dispersion: this much its own, the rest pooled over the teams (benchmarked)
MIN_AFTER = 3  # fewest months of a new level the scan allows (DOMAIN.md: segments of 3 to 6)


@dataclass(frozen=True)
class YearSplitSelection(Result):
    """Exact selection-adjusted one-sided p-values of each team's year-on-year rise.

    ``pvalues`` are each team's own one-sided exact binomial p-values; ``adjusted`` the
    probability, under no change in any team, that some team's own p-value is at most this
    one (exact min-p, which accounts for the discreteness of small counts, unlike Holm or
    Bonferroni).
    """

    teams: tuple[str, ...]
    counts: tuple[int, ...]
    baseline_counts: tuple[int, ...]
    pvalues: tuple[float, ...]
    adjusted: tuple[float, ...]
    null_share: float
    method: str = "exact min-p over teams, one-sided binomial split given each team's total"

    def adjusted_for(self, team: str) -> float:
        return self.adjusted[self.teams.index(team)]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"team": self.teams, "count": self.counts, "baseline_count": self.baseline_counts,
                             "pvalue": self.pvalues, "adjusted_pvalue": self.adjusted})

def year_split_selection(counts, baseline_counts, teams=None, *, exposure: float = 12.0,
                         baseline_exposure: float = 12.0) -> YearSplitSelection:
    """Exact min-p adjustment of one-sided year-on-year rises across teams.

    Parameters
    ----------
    counts, baseline_counts
        Each team's complaints in the year and in the baseline (same months).
    teams
        Their names (default "1", "2", ...).
    exposure, baseline_exposure
        Months (or a denominator) of each period; the null share is t1 / (t1 + t0).

    Notes
    -----
    Conditional on team i's total n_i, its count in the year is Binomial(n_i, s) under no change,
    s = t1 / (t1 + t0), independently across teams. Team i's one-sided p-value is
    P_i = P(X >= x_i | n_i). The adjusted value of an observed p is
    1 - prod_j (1 - P(P_j <= p)), each factor enumerated over 0..n_j.

    >>> r = year_split_selection([20, 10], [8, 11])
    >>> round(r.pvalues[0], 4), round(r.adjusted[0], 4)
    (0.0178, 0.0309)
    """
    x = np.asarray(counts, dtype=int)
    x0 = np.asarray(baseline_counts, dtype=int)
    n = x + x0
    share = exposure / (exposure + baseline_exposure)
    names = tuple(str(t) for t in (teams if teams is not None else range(1, len(x) + 1)))
    own = np.array([stats.binom.sf(xi - 1, ni, share) if ni else 1.0 for xi, ni in zip(x, n)])
    # Each team's attainable p-values and their null probabilities.
    supports = []
    for ni in n:
        k = np.arange(ni + 1)
        supports.append((stats.binom.sf(k - 1, ni, share), stats.binom.pmf(k, ni, share)))
    # stay[i, j]: the chance team j's own p-value stays above team i's (every team's p at once).
    thresholds = own[:, None] * (1 + 1e-9)
    stay = np.column_stack([1.0 - (pmf * (tails <= thresholds)).sum(axis=1) for tails, pmf in supports]
                           ) if len(own) else np.ones((0, 0))
    adjusted = [min(1.0, 1.0 - float(np.prod(row))) for row in stay]
    return YearSplitSelection(names, tuple(int(v) for v in x), tuple(int(v) for v in x0),
                              tuple(float(p) for p in own), tuple(adjusted), share)


@dataclass(frozen=True)
class RiseScan(Result):
    """The scan over teams and change months: which team, from when, how sure (adjusted).

    Per-team tuples are in the order of ``teams``. ``statistics`` are each team's largest
    one-sided likelihood ratio over the months scanned, divided by ``dispersion``;
    ``adjusted`` their max-T p-values across teams and months; ``own`` each team's p-value
    against its own simulated maxima over months only (for a team named in advance).
    ``first_months`` is where each team's best step begins; ``rate_before`` and ``rate_after``
    are its monthly means either side of that step. ``window`` is the months scanned over, the
    first ``scan_from`` of which are never a start (they are the baseline).
    """

    teams: tuple[str, ...]
    window: tuple[pd.Period, ...]
    scan_from: int
    statistics: tuple[float, ...]
    adjusted: tuple[float, ...]
    own: tuple[float, ...]
    first_months: tuple[pd.Period | None, ...]
    rate_before: tuple[float, ...]
    rate_after: tuple[float, ...]
    dispersions: tuple[float, ...]
    simulations: int
    seed: int
    min_after: int
    later_penalty: float = 0.0
    baseline_rates: tuple[float, ...] = ()  # each team's monthly mean in the baseline months
    critical: float = math.nan  # the 95th percentile of the simulated maxima (what a rise must beat)
    own_critical: tuple[float, ...] = ()  # each team's own 95th percentile (a team named in advance)
    method: str = ("maximum over teams and start months of the one-sided Poisson likelihood ratio for a rise, "
                   "over-dispersion from the residuals around each team's fitted step, Monte Carlo "
                   "conditional on each team's total")

    def index(self, team: str) -> int:
        return self.teams.index(team)

    def dispersion_of(self, team: str) -> float:
        """The dispersion the team's statistic was divided by (1 when its months vary as chance)."""
        return self.dispersions[self.index(team)]

    @property
    def starts_scanned(self) -> int:
        return len(self.window) - self.scan_from - self.min_after + 1 if len(self.window) - self.scan_from > \
            self.min_after else 1

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"team": self.teams, "statistic": self.statistics, "adjusted_pvalue": self.adjusted,
                             "own_pvalue": self.own, "first_month": self.first_months,
                             "rate_before": self.rate_before, "rate_after": self.rate_after})

def _step_statistics(y: np.ndarray, scan_from: int, min_after: int,
                     later_penalty: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided LR of a step up at each allowed start, for arrays ``(..., months)``.

    Returns (best LR, index of the best start, Pearson chi-squared around the fitted best step or
    the constant level when no step rises), each of shape ``y.shape[:-1]``.
    """
    months = y.shape[-1]
    last = max(scan_from, months - min_after)
    starts = np.arange(scan_from, last + 1)
    cumulative = np.concatenate([np.zeros(y.shape[:-1] + (1,)), np.cumsum(y, axis=-1)], axis=-1)
    total = cumulative[..., -1:]
    before = cumulative[..., starts]
    after = total - before
    len_before, len_after = starts.astype(float), (months - starts).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = len_after / months
        expected_after, expected_before = total * share, total * (1 - share)
        lr = 2 * (np.where(after > 0, after * np.log(after / expected_after), 0.0)
                  + np.where(before > 0, before * np.log(before / expected_before), 0.0))
    rises = after * len_before > before * len_after
    lr = np.where(rises & (total > 0), lr, 0.0)
    # A start after the first month of the year must beat a start at it by ``later_penalty``.
    scored = lr - later_penalty * (starts > scan_from)
    best = np.argmax(scored, axis=-1)
    best_lr = np.maximum(np.take_along_axis(scored, best[..., None], axis=-1)[..., 0], 0.0)
    start = starts[best]
    take = lambda a: np.take_along_axis(a, best[..., None], axis=-1)[..., 0]  # noqa: E731
    rate_b = take(before) / start
    rate_a = take(after) / (months - start)
    stepped = best_lr > 0
    flat = total[..., 0] / months
    position = np.arange(months)
    fitted = np.where(stepped[..., None],
                      np.where(position >= start[..., None], rate_a[..., None], rate_b[..., None]),
                      flat[..., None])
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.where(fitted > 0, (y - fitted) ** 2 / fitted, 0.0).sum(axis=-1)
    return best_lr, start, pearson


def _dispersion(pearson: np.ndarray, totals: np.ndarray, months: int) -> np.ndarray:
    """Each team's dispersion: half its own, half pooled; Pearson chi-squared over (months - 2), at least 1.

    Around each team's fitted step, so a real rise does not inflate it. A team's own figure alone
    is noisy at a few complaints a month (and dividing by a noisy figure costs power); the pooled one
    alone would hide one team's bunched months among steady teams; the blend keeps both in view
    (``OWN_WEIGHT``, chosen in benchmarks/stat_validity_scan.py). Shape ``(..., teams)``.
    """
    used = totals > 0
    df = max(months - 2, 1)
    pooled_df = used.sum(axis=-1, keepdims=True) * df
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.where(pooled_df > 0, (pearson * used).sum(axis=-1, keepdims=True) / np.maximum(pooled_df, 1), 1.0)
    blended = OWN_WEIGHT * pearson / df + (1 - OWN_WEIGHT) * pooled
    return np.where(blended > DISPERSION_FROM, blended, 1.0)


def _null_draws(totals: np.ndarray, months: int, phi: np.ndarray, simulations: int,
                rng: np.random.Generator) -> np.ndarray:
    """Each team's total spread over the months under no change: ``(simulations, teams, months)``.

    Multinomial with equal months when phi is 1 (Poisson given the total); Dirichlet-multinomial
    with concentration mean / (phi - 1) per month otherwise, which is exactly the split of
    negative binomial months (variance phi x mean) given their total.
    """
    phi = np.broadcast_to(np.asarray(phi, float), totals.shape)
    spread = phi > 1 + 1e-9
    shares = np.full((simulations, len(totals), months), 1 / months)
    if spread.any():  # Dirichlet shares from gamma draws, all teams at once
        alpha = np.where(spread, totals / months / np.where(spread, phi - 1, 1.0), 1.0)
        gamma = rng.gamma(np.broadcast_to(alpha[None, :, None], shares.shape))
        total = gamma.sum(axis=-1, keepdims=True)
        dirichlet = np.divide(gamma, total, out=np.full_like(gamma, 1 / months), where=total > 0)
        shares = np.where(spread[None, :, None], dirichlet, shares)
    draws = rng.multinomial(totals.astype(np.int64), shares).astype(float)
    return draws


def _simulation_dispersion(totals: np.ndarray, months: int, scan_from: int, min_after: int,
                           later_penalty: float, phi: np.ndarray, seed: int, pilot: int = 400) -> np.ndarray:
    """The dispersions to simulate with: ``phi`` corrected for the estimator's shortfall at these counts.

    Pearson chi-squared over df divides by fitted means of a few complaints a month and is taken
    around the best of several steps, which makes it too small on average (about 10% at 8 a year
    and variance twice the mean); a pilot of draws at ``phi`` measures each team's shortfall and
    the simulation uses phi divided by it. Without it the false-alarm rate with over-dispersed
    months is about 0.065 (benchmarks/stat_validity_scan.py).
    """
    if np.all(phi <= 1 + 1e-9):
        return phi
    _, estimates = _null_statistics(totals, months, phi, pilot, seed + 1, scan_from, min_after, later_penalty)
    shortfall = np.minimum(estimates.mean(axis=0) / phi, 1.0)
    return np.where(phi > 1 + 1e-9, phi / shortfall, phi)


CHUNK_CELLS = 2_000_000  # draws x teams x months handled at once, so 1,000 teams stay within memory


def _null_statistics(totals: np.ndarray, months: int, phi: np.ndarray, simulations: int, seed: int,
                     scan_from: int, min_after: int, later_penalty: float) -> tuple[np.ndarray, np.ndarray]:
    """Each draw's statistic per team (LR over its own dispersion) and that dispersion: ``(draws, teams)``.

    Drawn in chunks of about ``CHUNK_CELLS`` numbers from one seeded generator (reproducible).
    """
    rng = np.random.default_rng(seed)
    chunk = max(1, CHUNK_CELLS // max(len(totals) * months, 1))
    statistics, dispersions = [], []
    for first in range(0, simulations, chunk):
        draws = _null_draws(totals, months, phi, min(chunk, simulations - first), rng)
        lr, _, pearson = _step_statistics(draws, scan_from, min_after, later_penalty)
        phi_draws = _dispersion(pearson, totals[None, :], months)
        statistics.append(lr / phi_draws)
        dispersions.append(phi_draws)
    return np.concatenate(statistics), np.concatenate(dispersions)


# long: the numpydoc docstring is most of it; the computation is about 30 lines
def rise_scan(monthly: pd.DataFrame, scan_from: int, *, min_after: int = MIN_AFTER,
              simulations: int | None = None, seed: int = SEED, later_penalty: float = LATER_PENALTY,
              alpha: float = 0.05) -> RiseScan:
    """Scan every team and every start month for a rise, calibrated across both.

    Parameters
    ----------
    monthly
        Monthly new complaints, one row per month (oldest first, a ``Period`` index) and one
        column per team: the baseline months, then the months of the year in question.
    scan_from
        Position of the first month a new level may begin (the first month of the year).
    min_after
        Fewest months the new level must last (the last start scanned is ``min_after`` months
        before the end; a year shorter than that is scanned as one step at its start).
    simulations, seed
        Monte Carlo draws of the conditional null and the seed that makes them reproducible; by
        default 4,999, fewer (never under 999) when there are so many teams that the draws would
        pass 25 million numbers (a national log of hundreds of teams).
    later_penalty
        How much more a start after the year's first month must explain (on the likelihood-ratio
        scale) to be preferred: the year-on-year question keeps most of its power, and a rise
        that began mid-year is still found.
    alpha
        For the critical values stored (what a rise has to beat; used for power).

    Returns
    -------
    RiseScan

    Notes
    -----
    For team i and start k the statistic is the Poisson likelihood ratio
    ``2 [A log(A / (n a/M)) + B log(B / (n b/M))]`` of the counts A after and B before k (a and b
    months, M = a + b, n = A + B), kept only when the rate after is higher (one-sided); a start
    after the year's first month is charged ``later_penalty``. Each team's dispersion phi_i is the
    Pearson chi-squared of its counts around its fitted best step over (M - 2), blended with the
    same pooled over the teams (:func:`_dispersion`), at least 1, so a real step does not inflate
    it. T_i = max_k LR_ik / phi_i. The null draws spread each team's total over the months at
    random: multinomial (equal months) when phi_i = 1, the Poisson null given the total; otherwise
    Dirichlet-multinomial with concentration mean / (phi_i - 1), the split of negative binomial
    months given their total (phi_i corrected for its small-count shortfall by a pilot of draws,
    :func:`_simulation_dispersion`). T is recomputed, with its own phi, on each draw, and the p-value is
    (1 + #{max T* >= T_i}) / (1 + draws) (single-step max-T across teams; ``own`` uses the team's
    own T* only). Under Poisson counts this is exact up to Monte Carlo error; with over-dispersed
    months it is calibrated by simulation (benchmarks/stat_validity_scan.py).
    """
    y = monthly.to_numpy(dtype=float).T  # (teams, months)
    teams = tuple(str(c) for c in monthly.columns)
    months = y.shape[1]
    if simulations is None:
        simulations = int(min(SIMULATIONS, max(999, 25_000_000 // max(len(teams) * months, 1))))
    totals = y.sum(axis=1)
    lr, start, pearson = _step_statistics(y, scan_from, min_after, later_penalty)
    phi = _dispersion(pearson, totals, months)  # (teams,)
    observed = lr / phi
    simulated = _simulation_dispersion(totals, months, scan_from, min_after, later_penalty, phi, seed)
    null, _ = _null_statistics(totals, months, simulated, simulations, seed, scan_from, min_after, later_penalty)
    maxima = null.max(axis=1)
    adjusted = np.array([(1 + np.sum(maxima >= t - 1e-9)) / (1 + simulations) for t in observed])
    critical = float(np.quantile(maxima, 1 - alpha))
    own_critical = tuple(float(np.quantile(null[:, i], 1 - alpha)) for i in range(len(teams)))
    own = np.array([(1 + np.sum(null[:, i] >= observed[i] - 1e-9)) / (1 + simulations) for i in range(len(teams))])
    index = pd.PeriodIndex(monthly.index, freq="M")
    stepped = lr > 0
    rate_before = [float(y[i, :start[i]].mean()) if stepped[i] else float(totals[i] / months)
                   for i in range(len(teams))]
    rate_after = [float(y[i, start[i]:].mean()) if stepped[i] else float(totals[i] / months) for i in range(len(teams))]
    return RiseScan(teams=teams, window=tuple(index), scan_from=scan_from,
                    statistics=tuple(float(v) for v in observed),
                    adjusted=tuple(float(min(1.0, p)) if stepped[i] else 1.0 for i, p in enumerate(adjusted)),
                    own=tuple(float(min(1.0, p)) if stepped[i] else 1.0 for i, p in enumerate(own)),
                    first_months=tuple(index[start[i]] if stepped[i] else None for i in range(len(teams))),
                    rate_before=tuple(rate_before), rate_after=tuple(rate_after),
                    dispersions=tuple(float(v) for v in phi),
                    simulations=simulations, seed=seed, min_after=min_after,
                    later_penalty=later_penalty, critical=critical,
                    baseline_rates=tuple(float(v) for v in y[:, :scan_from].mean(axis=1)), own_critical=own_critical)


def team_panel(complaints: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Monthly new complaints of every team (columns) over ``months`` (rows), zero-filled."""
    rows = complaints[complaints["month"].isin(months)]
    table = rows.groupby(["month", "team"]).size().unstack("team", fill_value=0)
    return table.reindex(months, fill_value=0).astype("int64")


def simultaneous_level(confidence_level: float, teams: int) -> float:
    """The per-team level of a Bonferroni interval across ``teams``: 1 - (1 - level) / teams."""
    return 1 - (1 - confidence_level) / max(int(teams), 1)


def _poisson_quantiles(uniforms: np.ndarray, mean: float) -> np.ndarray:
    """Poisson(mean) quantiles of ``uniforms`` (inverse CDF by table look-up: fast and monotone)."""
    table = stats.poisson.cdf(np.arange(int(stats.poisson.isf(1e-12, mean)) + 2), mean)
    return np.searchsorted(table, uniforms, side="right").astype(float)


def detectable_ratio_for_scan(scan: RiseScan, team: str, *, named_in_advance: bool = False, power: float = 0.8,
                              draws: int = 4000, seed: int = SEED) -> float:
    """The smallest rise from the start of the year that the scan's own rule finds ``power`` of the time.

    Simulates the team's months as Poisson (its baseline monthly mean before the year, ``R`` times
    it in the year), scores each draw as the scan does (its likelihood ratio over the dispersion
    the scan estimated) and compares it with the critical value the scan used (across teams, or
    the team's own when it was named in advance). Common random numbers make the power monotone
    in ``R``, so bisection finds it. Infinite when no rise up to 50-fold reaches the power.
    """
    i = scan.index(team)
    months = len(scan.window)
    rate = scan.baseline_rates[i]
    if rate <= 0:
        return math.inf
    critical = scan.own_critical[i] if named_in_advance else scan.critical
    uniforms = np.random.default_rng(seed).random((draws, months))

    def power_at(ratio: float) -> float:
        y = np.concatenate([_poisson_quantiles(uniforms[:, :scan.scan_from], rate),
                            _poisson_quantiles(uniforms[:, scan.scan_from:], rate * ratio)], axis=1)
        lr, _, _ = _step_statistics(y, scan.scan_from, scan.min_after, scan.later_penalty)
        return float(np.mean(lr / scan.dispersions[i] >= critical))

    low, high = 1.0, 2.0
    while power_at(high) < power:
        low, high = high, high * 1.5
        if high > 50:
            return math.inf
    for _ in range(14):
        middle = (low + high) / 2
        low, high = (middle, high) if power_at(middle) < power else (low, middle)
    return high
