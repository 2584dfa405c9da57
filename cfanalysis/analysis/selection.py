"""Did any team's complaints rise, and when? Selection over teams and change months done exactly.

A team picked because it rose most needs its evidence judged against every team that could have
been picked, and a rise that began mid-year is diluted by a whole-year comparison. Two tools:

- :func:`rise_scan` (the verdict's rule): for every team, the one-sided Poisson likelihood ratio
  of a step up at the year's first month (the year-on-year question) and the largest over the
  later months a higher level could have begun (a rise that began mid-year), each divided by the
  team's over-dispersion when its months vary beyond what Poisson months would (estimated from
  the residuals around its fitted step, so the step itself cannot inflate it). Both are turned
  into p-values against the team's own Monte Carlo null (each team's total spread over the
  months at random, with a fixed seed), and the smallest over teams and both statistics is
  calibrated jointly (Westfall-Young min-p); a team named in advance is judged against its own
  simulated min-p only.
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
FLAG_LEVEL = 0.95  # months count as over-dispersed beyond this quantile of Poisson months' spread (its own or pooled)
OWN_WEIGHT = 0.75  # a flagged team's dispersion: this much its own, the rest pooled over the teams (benchmarked)
MIN_AFTER = 6  # fewest months of a new level the scan dates (DOMAIN.md: segments of 3 to 6; benchmarked)
MID_P = True  # Monte Carlo ties shared (mid-p): see _monte_carlo_p
PILOT = 400  # draws of the pilots: the Poisson spread the flags compare with, and the dispersion's shortfall


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

    Per-team tuples are in the order of ``teams``. Each team has two statistics, the one-sided
    likelihood ratio of a step up at the first month of the year (the year-on-year question) and
    the largest over the later months a higher level could have begun, each divided by the team's
    dispersion for it (``both_dispersions``; ``dispersions`` is the one of the statistic chosen);
    each is turned into a p-value, its tail share among every team's simulated values of it, and
    the smaller of the two is the team's. ``adjusted`` are those p-values calibrated jointly across
    every team (min-p over teams and both statistics); ``own`` against the team's own simulated
    min-p only (for a team named in advance). ``statistics`` are the chosen statistic of each team,
    ``first_months`` where its step begins, ``rate_before`` and ``rate_after`` its monthly means
    either side. ``window`` is the months scanned over, the first ``scan_from`` of which are never a
    start (they are the baseline). ``critical`` and ``own_critical`` are each team's two statistics'
    values a rise has to reach to be found at ``alpha`` (across teams, or named in advance).
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
    baseline_rates: tuple[float, ...] = ()  # each team's monthly mean in the baseline months
    critical: tuple[tuple[float, float], ...] = ()  # (year-on-year, later start) values found at alpha across teams
    own_critical: tuple[tuple[float, float], ...] = ()  # the same for a team named in advance
    both_dispersions: tuple[tuple[float, float], ...] = ()  # each team's dispersion for each statistic
    method: str = ("min-p over teams of two one-sided Poisson likelihood ratios for a rise (a step at the year's "
                   "first month; the best later start), over-dispersion from the residuals around each team's "
                   "fitted step, Monte Carlo conditional on each team's total")

    def index(self, team: str) -> int:
        return self.teams.index(team)

    def dispersion_of(self, team: str) -> float:
        """The dispersion the team's statistics were divided by (1 when its months vary as chance)."""
        return self.dispersions[self.index(team)]

    @property
    def starts_scanned(self) -> int:
        return len(self.window) - self.scan_from - self.min_after + 1 if len(self.window) - self.scan_from > \
            self.min_after else 1

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"team": self.teams, "statistic": self.statistics, "adjusted_pvalue": self.adjusted,
                             "own_pvalue": self.own, "first_month": self.first_months,
                             "rate_before": self.rate_before, "rate_after": self.rate_after})


def _pearson(y: np.ndarray, cumulative: np.ndarray, start: np.ndarray, stepped: np.ndarray) -> np.ndarray:
    """Pearson chi-squared of ``y`` around a step at ``start`` (the constant level where not ``stepped``)."""
    months = y.shape[-1]
    total = cumulative[..., -1]
    before = np.take_along_axis(cumulative, start[..., None], axis=-1)[..., 0]
    rate_b, rate_a = before / np.maximum(start, 1), (total - before) / (months - start)
    position = np.arange(months)
    fitted = np.where(stepped[..., None],
                      np.where(position >= start[..., None], rate_a[..., None], rate_b[..., None]),
                      (total / months)[..., None])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(fitted > 0, (y - fitted) ** 2 / fitted, 0.0).sum(axis=-1)


def _fit_steps(y: np.ndarray, scan_from: int, min_after: int) -> tuple[np.ndarray, ...]:
    """One-sided LRs of a step up for arrays ``(..., months)``: at the year's first month and the best later.

    Returns (LR at ``scan_from``, best LR at a later start, that later start, and the Pearson
    chi-squared around each of the two fitted steps, ``(..., 2)``, or around the constant level when
    that step does not rise), each of shape ``y.shape[:-1]``. Starts run from ``scan_from`` to
    ``min_after`` months before the end.
    """
    months = y.shape[-1]
    starts = np.arange(scan_from, max(scan_from, months - min_after) + 1)
    cumulative = np.concatenate([np.zeros(y.shape[:-1] + (1,)), np.cumsum(y, axis=-1)], axis=-1)
    total = cumulative[..., -1:]
    before = cumulative[..., starts]
    after = total - before
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (months - starts) / months
        lr = 2 * (np.where(after > 0, after * np.log(after / (total * share)), 0.0)
                  + np.where(before > 0, before * np.log(before / (total * (1 - share))), 0.0))
    lr = np.where((after * starts > before * (months - starts)) & (total > 0), lr, 0.0)  # rises only
    first = lr[..., 0]
    later = lr[..., 1:].max(axis=-1) if len(starts) > 1 else np.zeros(lr.shape[:-1])
    later_start = starts[1 + np.argmax(lr[..., 1:], axis=-1)] if len(starts) > 1 else np.full(lr.shape[:-1], starts[0])
    pearson = np.stack([_pearson(y, cumulative, np.full(first.shape, starts[0]), first > 0),
                        _pearson(y, cumulative, later_start, later > 0)], axis=-1)
    return first, later, later_start, pearson


def _pooled(pearson: np.ndarray, totals: np.ndarray, df: int) -> np.ndarray:
    """Pearson chi-squared over its degrees of freedom, pooled over the teams with complaints: ``(..., 2)``."""
    used = (totals > 0)[..., None]
    return (pearson * used).sum(axis=-2) / max(int((totals > 0).sum()) * df, 1)


def _dispersion(pearson: np.ndarray, totals: np.ndarray, months: int, limits: tuple[np.ndarray, np.ndarray]
                ) -> np.ndarray:
    """Each team's dispersion for each statistic, ``(..., teams, 2)``: 1 unless its months are over-dispersed.

    Around the step each statistic fits (the year's first month, the best later start), so a real
    rise does not inflate it. A team counts as over-dispersed when its own Pearson chi-squared, or
    the teams' pooled one, is beyond the ``FLAG_LEVEL`` quantile of what Poisson months with the
    same totals give (``limits``, from a pilot of such draws): under Poisson months a team's
    statistic is then almost never divided by a noisy estimate (which costs power), while one
    team's bunched months are still caught. A flagged team's figure blends its own (noisy at a few
    complaints a month) with the pooled one (which alone would hide one team's bunched months
    among steady teams): ``OWN_WEIGHT``, at least 1.
    """
    own_limit, pooled_limit = limits
    df = max(months - 2, 1)
    pooled = _pooled(pearson, totals, df)[..., None, :]
    flagged = (pearson > own_limit) | (pooled > pooled_limit)
    blended = OWN_WEIGHT * pearson / df + (1 - OWN_WEIGHT) * pooled
    return np.where(flagged & (totals > 0)[..., None], np.maximum(blended, 1.0), 1.0)


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
    return rng.multinomial(totals.astype(np.int64), shares).astype(float)


CHUNK_CELLS = 2_000_000  # draws x teams x months handled at once, so 1,000 teams stay within memory


def _chunks(totals: np.ndarray, months: int, simulations: int):
    """Sizes of the chunks ``simulations`` draws are made in (about ``CHUNK_CELLS`` numbers each)."""
    chunk = max(1, CHUNK_CELLS // max(len(totals) * months, 1))
    return [min(chunk, simulations - first) for first in range(0, simulations, chunk)]


def _flag_limits(totals: np.ndarray, months: int, scan_from: int, min_after: int, seed: int,
                 pilot: int = PILOT) -> tuple[np.ndarray, np.ndarray]:
    """The ``FLAG_LEVEL`` quantiles of each team's, and the pooled, Pearson chi-squared under Poisson months."""
    rng = np.random.default_rng(seed + 2)
    pearson = np.concatenate([_fit_steps(_null_draws(totals, months, np.ones(len(totals)), n, rng), scan_from,
                                         min_after)[-1] for n in _chunks(totals, months, pilot)])
    pooled = _pooled(pearson, totals[None, :], max(months - 2, 1))
    return np.quantile(pearson, FLAG_LEVEL, axis=0), np.quantile(pooled, FLAG_LEVEL, axis=0)


def _null_statistics(totals: np.ndarray, months: int, phi: np.ndarray, simulations: int, seed: int,
                     scan_from: int, min_after: int, limits) -> tuple[np.ndarray, np.ndarray]:
    """Each draw's two statistics per team (over its own dispersion), ``(draws, teams, 2)``, and that dispersion.

    Drawn in chunks of about ``CHUNK_CELLS`` numbers from one seeded generator (reproducible).
    """
    rng = np.random.default_rng(seed)
    statistics, dispersions = [], []
    for n in _chunks(totals, months, simulations):
        first, later, _, pearson = _fit_steps(_null_draws(totals, months, phi, n, rng), scan_from, min_after)
        phi_draws = _dispersion(pearson, totals[None, :], months, limits)
        statistics.append(np.stack([first, later], axis=-1) / phi_draws)
        dispersions.append(phi_draws)
    return np.concatenate(statistics), np.concatenate(dispersions)


def _simulation_dispersion(totals: np.ndarray, months: int, scan_from: int, min_after: int, phi: np.ndarray,
                           seed: int, limits, pilot: int = PILOT) -> np.ndarray:
    """The dispersions to simulate with: ``phi`` corrected for the estimator's shortfall at these counts.

    Pearson chi-squared over df divides by fitted means of a few complaints a month and is taken
    around the best of several steps, which makes it too small on average (about 10% at 8 a year
    and variance twice the mean); a pilot of draws at ``phi`` measures each team's shortfall and
    the simulation uses phi divided by it (benchmarks/stat_validity_scan.py).
    """
    phi = phi.max(axis=-1)  # a team's months are drawn at the larger of its two dispersions
    if np.all(phi <= 1 + 1e-9):
        return phi
    _, estimates = _null_statistics(totals, months, phi, pilot, seed + 1, scan_from, min_after, limits)
    shortfall = np.clip(estimates.max(axis=-1).mean(axis=0) / phi, 1e-3, 1.0)
    return np.where(phi > 1 + 1e-9, phi / shortfall, phi)


def _monte_carlo_p(null_min: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """(1 + #{draws below} + half #{draws equal}) / (1 + draws): the Monte Carlo p-value, ties shared (mid-p).

    The min-p statistic is discrete at a few complaints a month (many draws share the observed
    value); counting every tie against the observation makes the rule conservative, sharing them is
    Lancaster's mid-p, which holds the rate nearer its nominal value on average (in
    benchmarks/stat_validity_scan.py it adds about 0.01 of power at 2.5x with the false-alarm
    rate unchanged at about 0.037).
    """
    below = (null_min < observed[None] * (1 - 1e-9)).sum(axis=0)
    equal = (np.abs(null_min - observed[None]) <= observed[None] * 1e-9).sum(axis=0)
    return (1 + below + (0.5 if MID_P else 1.0) * equal) / (1 + null_min.shape[0])


def _pooled_critical(flat: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The least pooled draw value of each statistic whose tail share is at most each of ``levels``: ``(teams, 2)``."""
    out = np.empty((len(levels), flat.shape[1]))
    for c in range(flat.shape[1]):
        values = np.sort(flat[:, c])[::-1]  # largest first: tail shares rise along it
        shares = (len(values) - np.searchsorted(np.sort(flat[:, c]), values, side="left")) / len(values)
        last = np.searchsorted(shares, levels + 1e-12, side="right")  # how many values are that rare
        out[:, c] = np.where(last > 0, values[np.maximum(last - 1, 0)], np.inf)
    return out


def _p_level(null_min: np.ndarray, alpha: float) -> np.ndarray:
    """The largest min-p a team can have and still be found at ``alpha``: Monte Carlo p = (1 + #{<=}) / (1 + B)."""
    draws = null_min.shape[0]
    k = int(math.floor(alpha * (1 + draws) - 1))
    ordered = np.sort(null_min, axis=0)
    return ordered[k - 1] if k >= 1 else np.zeros(null_min.shape[1:])


# long: the numpydoc docstring is most of it; the computation is about 35 lines
def rise_scan(monthly: pd.DataFrame, scan_from: int, *, min_after: int = MIN_AFTER,
              simulations: int | None = None, seed: int = SEED, alpha: float = 0.05) -> RiseScan:
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
        before the end; a year shorter than that is scanned as one step at its start). Six by
        default: a higher level is dated when it has lasted half a year (DOMAIN.md: segments of 3
        to 6 months); a shorter burst still counts in the year-on-year statistic.
    simulations, seed
        Monte Carlo draws of the conditional null and the seed that makes them reproducible; by
        default 4,999, fewer (never under 999) when there are so many teams that the draws would
        pass 25 million numbers (a national log of hundreds of teams).
    alpha
        For the critical values stored (what a rise has to reach; used for power).

    Returns
    -------
    RiseScan

    Notes
    -----
    For team i and start k the statistic is the Poisson likelihood ratio
    ``2 [A log(A / (n a/M)) + B log(B / (n b/M))]`` of the counts A after and B before k (a and b
    months, M = a + b, n = A + B), kept only when the rate after is higher (one-sided). Two
    statistics per team: F_i at the year's first month (the year-on-year question) and
    L_i = max over the later starts, each divided by phi_i, the team's dispersion: 1 unless its
    months, or all teams' pooled, vary beyond the 95th percentile of Poisson months given the
    totals around the best fitted step; then the Pearson chi-squared around that step over (M - 2),
    half its own and half pooled, at least 1 (:func:`_dispersion`). The null draws spread each
    team's total over the months at random: multinomial (equal months) when phi_i = 1, the
    Poisson null given the total; otherwise Dirichlet-multinomial with concentration
    mean / (phi_i - 1), the split of negative binomial months given their total (phi_i corrected
    for its small-count shortfall by a pilot, :func:`_simulation_dispersion`). On each draw the
    whole rule is applied again (flags, dispersion, both statistics). Each statistic's p-value is
    its tail share among every team's draws of it (one reference per statistic: studentised by
    the dispersion, the statistics of teams of any size are on one scale, and an error in one
    team's simulated dispersion is diluted rather than carried into its p-value); a team's p is the
    smaller of its two, and ``adjusted`` = (1 + #{draws whose smallest p over all teams is below
    it} + half #{equal}) / (1 + draws) (Westfall and Young's min-p, ties shared as mid-p, so the
    two statistics share the error rate); ``own`` uses the team's own draws' min-p only. Under Poisson counts
    this is exact up to Monte Carlo error; with over-dispersed months it is calibrated by
    simulation (benchmarks/stat_validity_scan.py).
    """
    y = monthly.to_numpy(dtype=float).T  # (teams, months)
    teams = tuple(str(c) for c in monthly.columns)
    months = y.shape[1]
    if simulations is None:
        simulations = int(min(SIMULATIONS, max(999, 25_000_000 // max(len(teams) * months, 1))))
    totals = y.sum(axis=1)
    first, later, later_start, pearson = _fit_steps(y, scan_from, min_after)
    limits = _flag_limits(totals, months, scan_from, min_after, seed)
    phi = _dispersion(pearson, totals, months, limits)  # (teams, 2)
    observed = np.stack([first, later], axis=-1) / phi  # (teams, 2)
    simulated = _simulation_dispersion(totals, months, scan_from, min_after, phi, seed, limits)
    null, _ = _null_statistics(totals, months, simulated, simulations, seed, scan_from, min_after, limits)
    flat = null.reshape(-1, 2)  # every team's draws of each statistic: one reference per statistic
    tail = (stats.rankdata(-flat, axis=0, method="max") / len(flat)).reshape(null.shape)  # share at least it
    ordered = np.sort(flat, axis=0)
    above = np.stack([len(flat) - np.searchsorted(ordered[:, c], observed[:, c] - 1e-9, side="left")
                      for c in range(2)], axis=-1)
    p_observed = above / len(flat)  # as each draw's own (so equal statistics give equal p-values)
    own_min, null_min = p_observed.min(axis=-1), tail.min(axis=-1)  # (teams,), (draws, teams)
    across = null_min.min(axis=-1)
    adjusted = _monte_carlo_p(across[:, None], own_min)
    own = _monte_carlo_p(null_min, own_min)
    chosen = np.argmin(p_observed, axis=-1)  # 0: the year-on-year step (ties go to it), 1: a later start
    stepped = (first > 0) | (later > 0)
    start = np.where((chosen == 0) | (later <= 0), scan_from, later_start)
    index = pd.PeriodIndex(monthly.index, freq="M")
    before = [float(y[i, :start[i]].mean()) if stepped[i] else float(totals[i] / months) for i in range(len(teams))]
    after = [float(y[i, start[i]:].mean()) if stepped[i] else float(totals[i] / months) for i in range(len(teams))]
    screened, named = np.full(len(teams), _p_level(across[:, None], alpha)[0]), _p_level(null_min, alpha)
    critical, own_critical = _pooled_critical(flat, screened), _pooled_critical(flat, named)
    return RiseScan(teams=teams, window=tuple(index), scan_from=scan_from,
                    statistics=tuple(float(v) for v in observed[np.arange(len(teams)), chosen]),
                    adjusted=tuple(float(min(1.0, p)) if stepped[i] else 1.0 for i, p in enumerate(adjusted)),
                    own=tuple(float(min(1.0, p)) if stepped[i] else 1.0 for i, p in enumerate(own)),
                    first_months=tuple(index[start[i]] if stepped[i] else None for i in range(len(teams))),
                    rate_before=tuple(before), rate_after=tuple(after),
                    dispersions=tuple(float(v) for v in phi[np.arange(len(teams)), chosen]),
                    simulations=simulations, seed=seed, min_after=min_after,
                    baseline_rates=tuple(float(v) for v in y[:, :scan_from].mean(axis=1)),
                    critical=tuple((float(a), float(b)) for a, b in critical),
                    own_critical=tuple((float(a), float(b)) for a, b in own_critical),
                    both_dispersions=tuple((float(a), float(b)) for a, b in phi))


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
    it in the year), scores each draw as the scan does (its two likelihood ratios over the
    dispersion the scan estimated) and finds it when either reaches the value the scan found it
    at (across teams, or the team's own when it was named in advance). Common random numbers make
    the power monotone in ``R``, so bisection finds it. Infinite when no rise up to 50-fold reaches
    the power.
    """
    i = scan.index(team)
    months = len(scan.window)
    rate = scan.baseline_rates[i]
    if rate <= 0:
        return math.inf
    critical = np.asarray(scan.own_critical[i] if named_in_advance else scan.critical[i])
    uniforms = np.random.default_rng(seed).random((draws, months))

    def power_at(ratio: float) -> float:
        y = np.concatenate([_poisson_quantiles(uniforms[:, :scan.scan_from], rate),
                            _poisson_quantiles(uniforms[:, scan.scan_from:], rate * ratio)], axis=1)
        first, later, _, _ = _fit_steps(y, scan.scan_from, scan.min_after)
        phi = scan.both_dispersions[i] if scan.both_dispersions else (scan.dispersions[i],) * 2
        found = (first / phi[0] >= critical[0]) | (later / phi[1] >= critical[1])
        return float(np.mean(found))

    low, high = 1.0, 2.0
    while power_at(high) < power:
        low, high = high, high * 1.5
        if high > 50:
            return math.inf
    for _ in range(14):
        middle = (low + high) / 2
        low, high = (middle, high) if power_at(middle) < power else (low, middle)
    return high
