"""Comparing authorities: funnel limits for complaint rates (Spiegelhalter 2005; DOMAIN.md section 7).

:func:`funnel` works out each authority's rate, the pooled target and the control limits at
its denominator; :mod:`cfanalysis.plots` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cfanalysis.analysis.results import Result, check_choice

__all__ = ["POSITIONS", "Funnel", "ProportionFunnel", "exact_poisson_limits", "expected_at_limits", "funnel",
           "poisson_limit", "proportion_funnel"]

# Where an authority sits, as a code: (short words, words with what it means).
POSITIONS = {
    "above_998": ("above the 99.8% limit", "well above what chance would give"),
    "below_998": ("below the 99.8% limit", "well below what chance would give"),
    "above_95": ("between the 95% and 99.8% upper limits", "higher than expected; worth a look"),
    "below_95": ("between the 95% and 99.8% lower limits", "lower than expected"),
    "within_95": ("within the 95% limits", "in line with other authorities"),
}
OUTSIDE_998 = ("above_998", "below_998")

LEVELS = {"95%": 0.95, "99.8%": 0.998}
WINSOR = 0.1  # z-scores are winsorised at the 10th and 90th percentiles before estimating phi (FunnelPlotR) ...
WINSOR_FROM = 50  # ... but only with at least this many authorities: with 10-30, trimming a council or two
# from each tail shrinks phi so much that the allowance under-corrects (about 2x nominal beyond the 95%
# lines and 6-7x beyond the 99.8% ones, benchmarks/stat_validity_scan.py); untrimmed it stays within 1.2x.


def poisson_limit(expected: float, probability: float) -> float:
    """The ``probability`` quantile of a Poisson count with mean ``expected``, interpolated.

    Spiegelhalter (2005), appendix: r = the Poisson quantile; the limit is
    r - (F(r) - p) / (F(r) - F(r - 1)), which makes the funnel smooth instead of stepped.
    """
    r = stats.poisson.ppf(probability, expected)
    upper, lower = stats.poisson.cdf(r, expected), stats.poisson.cdf(r - 1, expected)
    if upper == lower:
        return float(r)
    return float(r - (upper - probability) / (upper - lower))


@dataclass(frozen=True)
class Funnel(Result):
    """Each authority's rate, the pooled target and the limits at its denominator.

    ``table`` columns: ``authority``, ``complaints``, ``denominator``, ``rate`` (per ``per``),
    ``z``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998`` (rates per ``per``),
    ``position`` (a code of :data:`POSITIONS`, such as ``"above_998"``) and ``highlight``.
    """

    table: pd.DataFrame
    target: float  # pooled rate per ``per``
    per: int
    denominator: str
    financial_year: str
    phi: float
    tau2: float
    overdispersed: bool
    curve: pd.DataFrame  # denominator grid with the four limits, for drawing
    file_figure: int | None = None  # the comparators file's count for the highlighted council, when ``own`` replaced it

    @property
    def file_disagrees(self) -> bool:
        """True when the comparators file's count for the highlighted council is not its own count."""
        row = self.highlighted
        return self.file_figure is not None and row is not None and int(row["complaints"]) != self.file_figure

    def to_frame(self) -> pd.DataFrame:
        """One row per authority (see the class docstring for the columns)."""
        return self.table.copy()

    @property
    def highlighted(self) -> pd.Series | None:
        """The highlighted authority's row, if it is in the table."""
        rows = self.table[self.table["highlight"]]
        return rows.iloc[0] if len(rows) else None

    def outside_998(self) -> int:
        """How many authorities lie outside the 99.8% limits."""
        return int(self.table["position"].isin(OUTSIDE_998).sum())

def _position(rate, low95, high95, low998, high998) -> str:
    """The code of :data:`POSITIONS` for a rate and its limits."""
    if rate > high998:
        return "above_998"
    if rate < low998:
        return "below_998"
    if rate > high95:
        return "above_95"
    if rate < low95:
        return "below_95"
    return "within_95"


# long: the numpydoc docstring is most of it
def funnel(comparators: pd.DataFrame, financial_year: str, *, denominator: str, per: int = 1000,
           overdispersion: bool = True, highlight: str | None = None, target: float | None = None,
           winsor: float | None = None, own: int | None = None) -> Funnel:
    """Funnel-plot statistics for one year of the comparators table.

    Parameters
    ----------
    comparators
        Loaded comparators table (``authority``, ``financial_year``, ``complaints`` and the
        denominator column).
    financial_year
        The year to compare.
    denominator
        Column to divide by (for example ``children_in_need``).
    per
        Rates per this many of the denominator.
    overdispersion
        Estimate over-dispersion and widen the limits when present (DOMAIN.md section 7). False
        gives plain exact Poisson limits, as public-health tools do.
    highlight
        Authority to mark (this council).
    target
        A fixed target rate per ``per`` (a national rate); default the pooled rate.
    winsor
        Share of z-scores winsorised in each tail before phi is estimated; default 0.1 with at least
        50 authorities (FunnelPlotR's choice) and none with fewer (see ``WINSOR_FROM``).
    own
        The highlighted council's own count (its new complaints, worked out from its own log): it
        replaces the comparators file's figure for that council, which is kept in
        ``Funnel.file_figure`` (``file_disagrees`` when the two differ).

    Returns
    -------
    Funnel

    Raises
    ------
    ValueError
        When the year has no rows, or the denominator column is missing (the message lists the
        numeric columns there are).

    Notes
    -----
    Target = pooled rate (sum of complaints / sum of denominators) or the fixed ``target``.
    Exact limits: :func:`exact_poisson_limits` of the expected count, divided by the
    denominator. Over-dispersion as Spiegelhalter (2005) and FunnelPlotR: z-scores on the
    square-root scale, winsorised at 10% each tail, phi = mean z^2; only when phi > 1 an
    additive tau^2 on that scale, limits back-transformed (squared) and never narrower than the
    exact ones.
    """
    year = _usable_rows(comparators, financial_year, denominator)
    file_figure = None
    if own is not None and highlight is not None and (year["authority"] == highlight).any():
        mine = (year["authority"] == highlight).to_numpy()
        file_figure = int(year.loc[mine, "complaints"].iloc[0])
        year = year.assign(complaints=np.where(mine, float(own), year["complaints"].to_numpy(float)))
    counts = year["complaints"].to_numpy(float)
    sizes = year[denominator].to_numpy(float)
    target = counts.sum() / sizes.sum() if target is None else target / per
    rates = counts / sizes
    z, phi, tau2 = _dispersion(counts, target * sizes, _winsor(winsor, len(counts)))
    if not overdispersion:
        tau2 = 0.0
    table = pd.DataFrame({"authority": year["authority"].to_numpy(), "complaints": counts.astype(int),
                          "denominator": sizes, "rate": rates * per, "z": z,
                          **{k: v * per for k, v in _limits(sizes, target, tau2).items()}})
    table["position"] = [_position(*row) for row in
                         table[["rate", "lower_95", "upper_95", "lower_998", "upper_998"]].itertuples(index=False)]
    table["highlight"] = table["authority"] == highlight
    grid = np.linspace(max(sizes.min() * 0.8, 1), sizes.max() * 1.1, 120)
    curve = pd.DataFrame({"denominator": grid, **{k: v * per for k, v in _limits(grid, target, tau2).items()}})
    return Funnel(table.sort_values("rate", ascending=False, ignore_index=True), target * per, per,
                  denominator, financial_year, phi, tau2, tau2 > 0, curve, file_figure)


def _usable_rows(comparators: pd.DataFrame, financial_year: str, denominator: str) -> pd.DataFrame:
    """The year's authorities with a positive denominator and a count; at least three of them."""
    numeric = [c for c in comparators.columns if c not in ("authority", "financial_year", "complaints",
                                                            "upheld", "source_row")]
    if not numeric:
        raise ValueError(f"denominator={denominator!r} is not a comparators column, and the table has no "
                         "denominator column: add one such as Children in Need.")
    check_choice("denominator", denominator, numeric)
    year = comparators[comparators["financial_year"] == financial_year]
    year = year[(year[denominator] > 0) & year["complaints"].notna()]
    if len(year) < 3:
        raise ValueError(f"The comparators table has {len(year)} usable authorities for {financial_year}; "
                         "a funnel plot needs at least 3.")
    return year


def exact_poisson_limits(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson control limits for counts with mean ``expected``, from gamma (chi-square) quantiles.

    The definition PHEindicatormethods and FunnelPlotR use for counts: lower = qchisq(a, 2E) / 2,
    upper = qchisq(1 - a, 2(E + 1)) / 2 with a = (1 - level) / 2 (R: ``qgamma(a, E)`` and
    ``qgamma(1 - a, E + 1)``). Computable at any expected count, no interpolation.

    >>> low, high = exact_poisson_limits(np.array([10.0]), 0.95)
    >>> print(f"{low[0]:.4f} {high[0]:.4f}")
    4.7954 18.3904
    """
    tail = (1 - level) / 2
    expected = np.asarray(expected, float)
    return stats.chi2.ppf(tail, 2 * expected) / 2, stats.chi2.ppf(1 - tail, 2 * (expected + 1)) / 2


def expected_at_limits(observed: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The expected counts at which each observed count sits on the lower and the upper limit.

    The other exact definition, PHEindicatormethods' for ratio funnels (its limits are tabulated by
    observed events): an observed count O is on the lower limit when the expected count is the
    upper exact Poisson confidence bound of O, qchisq(1 - a, 2(O + 1)) / 2, and on the upper limit
    when it is the lower bound, qchisq(a, 2 O) / 2, with a = (1 - level) / 2; the ratio limits are
    O divided by those. :func:`exact_poisson_limits` (FunnelPlotR's definition) fixes the expected
    count instead; the two agree closely but not exactly.

    >>> low_at, high_at = expected_at_limits(np.array([1.0]), 0.95)
    >>> print(f"{low_at[0]:.4f} {high_at[0]:.5f}")
    5.5716 0.02532
    """
    tail = (1 - level) / 2
    observed = np.asarray(observed, float)
    return stats.chi2.ppf(1 - tail, 2 * (observed + 1)) / 2, stats.chi2.ppf(tail, 2 * observed) / 2


def _winsor(winsor: float | None, authorities: int) -> float:
    """The winsorising share to use: as given, else 0.1 from ``WINSOR_FROM`` authorities and 0 below."""
    if winsor is not None:
        return float(winsor)
    return WINSOR if authorities >= WINSOR_FROM else 0.0


def _dispersion(counts: np.ndarray, expected: np.ndarray,
                winsor: float = WINSOR) -> tuple[np.ndarray, float, float]:
    """z on the square-root scale, phi (mean winsorised z^2) and additive tau^2 (Spiegelhalter 2005).

    y = sqrt(O / E), target 1, s = 1 / (2 sqrt(E)), z = (y - 1) / s = 2 (sqrt(O) - sqrt(E)); tau^2 on
    the same scale; 0 when phi <= 1 (no over-dispersion, no adjustment).
    """
    s = 1 / (2 * np.sqrt(expected))
    z = (np.sqrt(counts / expected) - 1) / s
    low, high = np.quantile(z, [winsor, 1 - winsor]) if winsor else (-np.inf, np.inf)
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    if phi <= 1:
        return z, phi, 0.0
    w = 1 / s**2
    k = len(z)
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return z, phi, tau2


def _limits(n: np.ndarray, target: float, tau2: float) -> dict[str, np.ndarray]:
    """Lower and upper 95% and 99.8% limits (as rates) at each denominator ``n``.

    Exact Poisson limits; with tau^2 > 0, limits sqrt-scale 1 +- z sqrt(s^2 + tau^2), squared back and
    times the target, and never narrower than the exact ones.
    """
    out = {}
    expected = target * np.asarray(n, float)
    for label, level in LEVELS.items():
        key = label.replace("%", "").replace(".", "")
        exact_low, exact_high = exact_poisson_limits(expected, level)
        # The gamma lower limit lets a count of 0 fall below it at small expected counts (P(O = 0) =
        # 0.135 at E = 2, 5x the 2.5% tail): hold it at or below the Poisson quantile, so a count
        # below the line has probability under the tail.
        exact_low = np.minimum(exact_low, stats.poisson.ppf((1 - level) / 2, expected))
        low, high = exact_low / n, exact_high / n
        if tau2 > 0:
            spread = stats.norm.isf((1 - level) / 2) * np.sqrt(1 / (4 * expected) + tau2)
            low = np.minimum(low, target * np.maximum(1 - spread, 0) ** 2)
            high = np.maximum(high, target * (1 + spread) ** 2)
        out[f"lower_{key}"], out[f"upper_{key}"] = np.maximum(low, 0), high
    return out


@dataclass(frozen=True)
class ProportionFunnel(Result):
    """Each authority's proportion (such as the share of complaints upheld) on an over-dispersion-aware funnel.

    ``table`` columns: ``authority``, ``events``, ``trials``, ``proportion``, ``z`` (binomial),
    ``z_adjusted`` (with the between-authority variance), ``lower_95``, ``upper_95``,
    ``lower_998``, ``upper_998`` (at each authority's trials), ``position`` (a code of
    :data:`POSITIONS`), ``rank`` (1 = highest proportion) and ``highlight``; highest first.
    """

    table: pd.DataFrame
    target: float
    phi: float
    tau2: float
    overdispersed: bool

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def row(self, authority: str) -> pd.Series | None:
        rows = self.table[self.table["authority"] == authority]
        return rows.iloc[0] if len(rows) else None

def proportion_funnel(authorities, events, trials, *, target: float | None = None,
                      highlight: str | None = None, winsor: float | None = None) -> ProportionFunnel:
    """Funnel limits for proportions with Spiegelhalter's (2005) over-dispersion allowance.

    Parameters
    ----------
    authorities, events, trials
        Names, the events (complaints upheld) and the trials (new complaints decided) per authority.
    target
        A fixed target proportion; default the pooled proportion of all authorities.
    highlight
        The authority to mark (this council).

    Notes
    -----
    s_i = sqrt(p0 (1 - p0) / n_i), z_i = (y_i - p0) / s_i; phi = mean of the z^2 (winsorised at 10% each
    tail from 50 authorities, as :func:`funnel`); when phi > 1,
    tau^2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)), w = 1 / s^2, and
    the limits are p0 +- z_a sqrt(s_i^2 + tau^2) (clipped to [0, 1]); ``z_adjusted`` =
    (y_i - p0) / sqrt(s_i^2 + tau^2). Spiegelhalter, "Handling over-dispersion of performance
    indicators", Qual Saf Health Care 2005; FunnelPlotR's additive method for proportions.

    >>> f = proportion_funnel(["a", "b", "c"], [10, 30, 20], [100, 100, 100])
    >>> round(f.target, 3), f.overdispersed
    (0.2, True)
    """
    names = np.asarray(list(authorities), dtype=object)
    y = np.asarray(events, float)
    n = np.asarray(trials, float)
    p0 = y.sum() / n.sum() if target is None else float(target)
    s = np.sqrt(p0 * (1 - p0) / n)
    z = (y / n - p0) / s
    share = _winsor(winsor, len(z))
    low, high = np.quantile(z, [share, 1 - share]) if share else (-np.inf, np.inf)
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    tau2 = 0.0
    if phi > 1:
        w = 1 / s**2
        tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    spread = np.sqrt(s**2 + tau2)
    table = pd.DataFrame({"authority": names, "events": y.astype(int), "trials": n.astype(int),
                          "proportion": y / n, "z": z, "z_adjusted": (y / n - p0) / spread})
    for label, level in LEVELS.items():
        key = label.replace("%", "").replace(".", "")
        half = stats.norm.isf((1 - level) / 2) * spread
        table[f"lower_{key}"], table[f"upper_{key}"] = np.clip(p0 - half, 0, 1), np.clip(p0 + half, 0, 1)
    limits = table[["proportion", "lower_95", "upper_95", "lower_998", "upper_998"]]
    table["position"] = [_position(*r) for r in limits.itertuples(index=False)]
    table["rank"] = table["proportion"].rank(ascending=False, method="min").astype(int)
    table["highlight"] = table["authority"] == highlight
    return ProportionFunnel(table.sort_values("proportion", ascending=False, ignore_index=True), float(p0), phi,
                            float(tau2), bool(tau2 > 0))
