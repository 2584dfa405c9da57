"""Charts for the reports: ``plot_*`` functions draw on an Axes; ``Chart`` adds the alt text.

Plot functions take a tidy frame, accept ``ax=None`` and return the Axes; they never show or
save. :class:`Chart` renders a finished figure to an ``<img>`` with alt text written from the
data (``describe_*`` functions), so reports never carry an image without a description.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from typing import TYPE_CHECKING

import pandas as pd

from cfanalysis.periods import month_label

if TYPE_CHECKING:  # for annotations only: matplotlib is imported when a chart is drawn
    import matplotlib.pyplot as plt

__all__ = [
    "PALETTE",
    "Chart",
    "describe_monthly_heatmap",
    "describe_monthly_lines",
    "monthly_heatmap_chart",
    "monthly_lines_chart",
    "plot_monthly_heatmap",
    "plot_monthly_lines",
]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True)
class Chart:
    """A rendered chart with its alt text; shows as an accessible ``<figure>`` in notebooks."""

    png: bytes
    alt: str
    caption: str = ""

    @classmethod
    def from_axes(cls, ax: plt.Axes, *, alt: str, caption: str = "", dpi: int = 110) -> Chart:
        """Render the Axes' figure to PNG and close it (so it is not shown a second time)."""
        import matplotlib.pyplot as plt

        figure = ax.figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                       metadata={"Software": None})
        plt.close(figure)
        return cls(png=buffer.getvalue(), alt=alt, caption=caption)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure class="cf-chart"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt, quote=True)}">{caption}</figure>')

    def __repr__(self) -> str:
        return f"Chart: {self.alt}"


def _period_words(months: pd.Series) -> str:
    first, last = months.min(), months.max()
    return f"{month_label(first, long=True)} to {month_label(last, long=True)}"


def _new_axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    import matplotlib.pyplot as plt  # imported when drawing, so the command line starts fast

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size)
    return ax


def plot_monthly_lines(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                       ax: plt.Axes | None = None) -> plt.Axes:
    """Line chart of monthly counts, one line per group (from :func:`monthly_counts`).

    ``highlight`` draws one group thicker and the others thinner, for a team under question.
    """
    ax = _new_axes(ax, (9, 4.5))
    groups = list(dict.fromkeys(counts[by]))
    labels = list(dict.fromkeys(counts["month_label"]))
    for index, group in enumerate(groups):
        series = counts[counts[by] == group]
        width = 3 if group == highlight else (1.2 if highlight else 1.8)
        ax.plot(range(len(series)), series["count"].to_numpy(), marker="o", markersize=3.5,
                linewidth=width, color=PALETTE[index % len(PALETTE)], label=str(group))
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_ylabel("Complaints received")
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(title=by.replace("_", " ").capitalize(), frameon=False, bbox_to_anchor=(1.01, 1),
              loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def describe_monthly_lines(counts: pd.DataFrame, *, by: str = "team", what: str = "complaints") -> str:
    """Alt text for :func:`plot_monthly_lines`, written from the numbers it shows."""
    period = _period_words(counts["month"])
    totals = counts.groupby(by, sort=False)["count"].sum().sort_values(ascending=False, kind="stable")
    peak = counts.loc[counts["count"].idxmax()] if len(counts) else None
    parts = [f"Line chart of monthly {what} by {by.replace('_', ' ')}, {period}."]
    if peak is not None and peak["count"] > 0:
        parts.append(f"The highest month was {month_label(peak['month'], long=True)} for "
                     f"{peak[by]}, with {peak['count']}.")
    parts.append("Totals for the year: " + "; ".join(f"{g} {n}" for g, n in totals.items()) + ".")
    return " ".join(parts)


def plot_monthly_heatmap(counts: pd.DataFrame, *, by: str = "team", ax: plt.Axes | None = None) -> plt.Axes:
    """Heatmap of counts, groups by month, with each cell's number written in it."""
    table = counts.pivot(index=by, columns="month", values="count")
    table.columns = [month_label(m) for m in table.columns]
    import seaborn as sns

    ax = _new_axes(ax, (10, 0.5 * len(table) + 1.6))
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", linewidths=0.5, linecolor="white",
                cbar_kws={"label": "Complaints"}, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45)
    return ax


def describe_monthly_heatmap(counts: pd.DataFrame, *, by: str = "team", what: str = "complaints") -> str:
    """Alt text for :func:`plot_monthly_heatmap`."""
    period = _period_words(counts["month"])
    table = counts.pivot(index=by, columns="month", values="count")
    busiest = table.sum(axis=1).idxmax() if len(table) else None
    zero_cells = int((table == 0).to_numpy().sum())
    text = (f"Heatmap of monthly {what} for {len(table)} {by.replace('_', ' ')}s, {period}; "
            f"darker cells mean more {what}, and each cell shows its count.")
    if busiest is not None:
        text += f" {busiest} had the most ({int(table.loc[busiest].sum())})."
    if zero_cells:
        text += f" {zero_cells} of {table.size} cells are zero."
    return text


def monthly_lines_chart(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                        caption: str = "") -> Chart:
    """:func:`plot_monthly_lines` rendered with its alt text."""
    ax = plot_monthly_lines(counts, by=by, highlight=highlight)
    return Chart.from_axes(ax, alt=describe_monthly_lines(counts, by=by), caption=caption)


def monthly_heatmap_chart(counts: pd.DataFrame, *, by: str = "team", caption: str = "") -> Chart:
    """:func:`plot_monthly_heatmap` rendered with its alt text."""
    ax = plot_monthly_heatmap(counts, by=by)
    return Chart.from_axes(ax, alt=describe_monthly_heatmap(counts, by=by), caption=caption)
