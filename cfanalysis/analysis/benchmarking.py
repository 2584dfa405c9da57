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

__all__ = ["POSITIONS", "Funnel", "funnel", "poisson_limit"]

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
WINSOR = 0.1  # z-scores are winsorised at the 10th and 90th percentiles before estimating phi


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

    def summary(self, authority: str | None = None) -> str:
        words = self.denominator.replace("_", " ")
        text = (f"Across {len(self.table)} authorities in {self.financial_year} the pooled rate is "
                f"{self.target:.1f} complaints per {self.per:,} {words}.")
        if self.overdispersed:
            text += (" Rates vary between authorities more than chance alone would make them, so the "
                     "limits are widened for that (a random-effects allowance), which avoids calling "
                     "ordinary differences between councils outliers.")
        else:
            text += " Rates vary no more than chance would make them, so the limits are exact Poisson limits."
        if authority:
            row = self.table[self.table["authority"] == authority]
            if len(row):
                row = row.iloc[0]
                short, meaning = POSITIONS[row["position"]]
                text += f" {authority} had {row['rate']:.1f} per {self.per:,} {words}: {short} ({meaning})."
        outside = self.outside_998()
        text += (f" {outside} of {len(self.table)} authorities lie outside the 99.8% limits."
                 if outside else " No authority lies outside the 99.8% limits.")
        return text


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


def funnel(comparators: pd.DataFrame, financial_year: str, *, denominator: str, per: int = 1000,
           overdispersion: bool = True, highlight: str | None = None) -> Funnel:
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
    Target = pooled rate (sum of complaints / sum of denominators). Without over-dispersion the
    limits are exact Poisson quantiles of the expected count (:func:`poisson_limit`) divided by
    the denominator. With it: z_i = (r_i - t) / s_i with s_i = sqrt(t / n_i); phi = mean of the
    winsorised z^2; tau^2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)), w = 1 / s^2;
    limits t +- z_alpha sqrt(s_i^2 + tau^2) (Spiegelhalter 2005). tau^2 = 0 keeps exact limits.
    """
    year = _usable_rows(comparators, financial_year, denominator)
    counts = year["complaints"].to_numpy(float)
    sizes = year[denominator].to_numpy(float)
    target = counts.sum() / sizes.sum()
    rates = counts / sizes
    z, phi, tau2 = _dispersion(rates, sizes, target)
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
                  denominator, financial_year, phi, tau2, tau2 > 0, curve)


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


def _dispersion(rates: np.ndarray, sizes: np.ndarray, target: float) -> tuple[np.ndarray, float, float]:
    """z-scores, phi (mean winsorised z^2) and the additive tau^2 (Spiegelhalter 2005)."""
    s = np.sqrt(target / sizes)
    z = (rates - target) / s
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 1 / s**2
    k = len(z)
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return z, phi, tau2


def _limits(n: np.ndarray, target: float, tau2: float) -> dict[str, np.ndarray]:
    """Lower and upper 95% and 99.8% limits (as rates) at each denominator ``n``."""
    out = {}
    for label, level in LEVELS.items():
        tail = (1 - level) / 2
        key = label.replace("%", "").replace(".", "")
        if tau2 > 0:
            spread = stats.norm.isf(tail) * np.sqrt(target / n + tau2)
            out[f"lower_{key}"], out[f"upper_{key}"] = target - spread, target + spread
        else:
            out[f"lower_{key}"] = np.array([poisson_limit(target * m, tail) for m in n]) / n
            out[f"upper_{key}"] = np.array([poisson_limit(target * m, 1 - tail) for m in n]) / n
        out[f"lower_{key}"] = np.maximum(out[f"lower_{key}"], 0)
    return out
