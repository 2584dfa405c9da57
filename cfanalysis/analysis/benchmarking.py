"""Comparing authorities: funnel plots of complaint rates (Spiegelhalter 2005; DOMAIN.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Funnel", "describe_funnel", "funnel", "funnel_chart", "plot_funnel", "poisson_limit"]

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
class Funnel:
    """Each authority's rate, the pooled target and the limits at its denominator.

    ``table`` columns: ``authority``, ``complaints``, ``denominator``, ``rate`` (per ``per``),
    ``z``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998`` (rates per ``per``),
    ``position`` (plain words) and ``highlight``.
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
                text += (f" {authority} had {row['rate']:.1f} per {self.per:,} {words}: {row['position']}.")
        outside = self.table[self.table["position"].str.contains("above|below")]
        text += (f" {len(outside)} of {len(self.table)} authorities lie outside the 99.8% limits."
                 if len(outside) else " No authority lies outside the 99.8% limits.")
        return text


def _position(rate, low95, high95, low998, high998) -> str:
    if rate > high998:
        return "above the 99.8% limit (well above what chance would give)"
    if rate < low998:
        return "below the 99.8% limit (well below what chance would give)"
    if rate > high95:
        return "between the 95% and 99.8% upper limits (higher than expected; worth a look)"
    if rate < low95:
        return "between the 95% and 99.8% lower limits (lower than expected)"
    return "within the 95% limits (in line with other authorities)"


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
    year = comparators[comparators["financial_year"] == financial_year]
    numeric = [c for c in comparators.columns if c not in ("authority", "financial_year", "complaints",
                                                            "upheld", "source_row")]
    if denominator not in comparators.columns:
        raise ValueError(f"denominator={denominator!r} is not a comparators column; use one of "
                         f"{', '.join(map(repr, numeric)) or '(none: add a column such as Children in Need)'}.")
    year = year[(year[denominator] > 0) & year["complaints"].notna()]
    if len(year) < 3:
        raise ValueError(f"The comparators table has {len(year)} usable authorities for {financial_year}; "
                         "a funnel plot needs at least 3.")
    counts = year["complaints"].to_numpy(float)
    sizes = year[denominator].to_numpy(float)
    target = counts.sum() / sizes.sum()
    rates = counts / sizes
    s = np.sqrt(target / sizes)
    z = (rates - target) / s
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 1 / s**2
    k = len(z)
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())) if overdispersion else 0.0
    use_random_effects = overdispersion and tau2 > 0

    def limits(n: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for label, level in LEVELS.items():
            tail = (1 - level) / 2
            key = label.replace("%", "").replace(".", "")
            if use_random_effects:
                spread = stats.norm.isf(tail) * np.sqrt(target / n + tau2)
                out[f"lower_{key}"], out[f"upper_{key}"] = target - spread, target + spread
            else:
                out[f"lower_{key}"] = np.array([poisson_limit(target * m, tail) for m in n]) / n
                out[f"upper_{key}"] = np.array([poisson_limit(target * m, 1 - tail) for m in n]) / n
            out[f"lower_{key}"] = np.maximum(out[f"lower_{key}"], 0)
        return out

    at_points = limits(sizes)
    table = pd.DataFrame({"authority": year["authority"].to_numpy(), "complaints": counts.astype(int),
                          "denominator": sizes, "rate": rates * per, "z": z,
                          **{k: v * per for k, v in at_points.items()}})
    table["position"] = [_position(*row) for row in
                         table[["rate", "lower_95", "upper_95", "lower_998", "upper_998"]].itertuples(index=False)]
    table["highlight"] = table["authority"] == highlight
    grid = np.linspace(max(sizes.min() * 0.8, 1), sizes.max() * 1.1, 120)
    curve = pd.DataFrame({"denominator": grid, **{k: v * per for k, v in limits(grid).items()}})
    return Funnel(table.sort_values("rate", ascending=False, ignore_index=True), target * per, per,
                  denominator, financial_year, phi, tau2, use_random_effects, curve)


def plot_funnel(result: Funnel, *, ax=None):
    """The funnel plot: authorities as points, this council highlighted, limits as lines."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    curve = result.curve
    ax.axhline(result.target, color="black", linewidth=1, label=f"Pooled rate ({result.target:.1f})")
    ax.plot(curve["denominator"], curve["upper_95"], color="#505a5f", linestyle="--", linewidth=1, label="95% limits")
    ax.plot(curve["denominator"], curve["lower_95"], color="#505a5f", linestyle="--", linewidth=1)
    ax.plot(curve["denominator"], curve["upper_998"], color="#505a5f", linestyle=":", linewidth=1.3,
            label="99.8% limits")
    ax.plot(curve["denominator"], curve["lower_998"], color="#505a5f", linestyle=":", linewidth=1.3)
    others = result.table[~result.table["highlight"]]
    ours = result.table[result.table["highlight"]]
    ax.scatter(others["denominator"], others["rate"], color="#a6a6a6", edgecolor="#505a5f", s=36,
               label="Other authorities", zorder=3)
    if len(ours):
        ax.scatter(ours["denominator"], ours["rate"], color="#0072B2", edgecolor="black", s=110, marker="D",
                   label=str(ours["authority"].iloc[0]), zorder=4)
    ax.set_xlabel(result.denominator.replace("_", " ").capitalize())
    ax.set_ylabel(f"Complaints per {result.per:,}")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def describe_funnel(result: Funnel) -> str:
    """Alt text for :func:`plot_funnel`."""
    words = result.denominator.replace("_", " ")
    text = (f"Funnel plot of complaints per {result.per:,} {words} for {len(result.table)} authorities in "
            f"{result.financial_year}, against {words}; pooled rate {result.target:.1f}, with 95% and 99.8% limits "
            "narrowing as authorities get larger.")
    ours = result.table[result.table["highlight"]]
    if len(ours):
        row = ours.iloc[0]
        text += f" {row['authority']} is highlighted at {row['rate']:.1f}, {row['position'].split(' (')[0]}."
    outside = int(result.table["position"].str.contains("99.8% limit").sum())
    text += f" {outside} authorities lie outside the 99.8% limits."
    return text


def funnel_chart(result: Funnel, *, caption: str = ""):
    from cfanalysis.plots import Chart

    return Chart.from_axes(plot_funnel(result), alt=describe_funnel(result), caption=caption)
