"""Charts: ``plot_*`` functions draw on an Axes; ``describe_*`` functions write their alt text.

Every plot function follows seaborn's contract: the data first, everything else keyword-only,
``ax=None`` (a new figure when not given), ``**kwargs`` passed to the main drawing call, and
the Axes returned; none shows or saves. Each has a ``describe_*`` partner that writes the alt
text from the same data, so a report never carries a chart without a description
(:mod:`cfanalysis.publish.charts` puts the two together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cfanalysis.analysis.benchmarking import POSITIONS, Funnel
from cfanalysis.analysis.spc import MDC_COLOURS, XmRResult
from cfanalysis.periods import month_label
from cfanalysis.words import count

if TYPE_CHECKING:  # for annotations only: matplotlib is imported when a chart is drawn
    import matplotlib.pyplot as plt

__all__ = [
    "PALETTE",
    "describe_bars",
    "describe_baseline",
    "describe_events",
    "describe_funnel",
    "describe_monthly_heatmap",
    "describe_monthly_lines",
    "describe_tchart",
    "describe_xmr",
    "label_control_lines",
    "plot_bars",
    "plot_funnel",
    "plot_monthly_heatmap",
    "plot_monthly_lines",
    "plot_tchart",
    "plot_xmr",
]

EVENT_COLOUR = "#490092"  # events on charts: the Making Data Count neutral purple
# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Ordered so that the
# first six are six different hues (the two blues are first and seventh; yellow, faint on white,
# last): up to eight groups never share a colour.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#000000", "#56B4E9", "#F0E442")

# Sizes for a chart shown at the report's width. A figure FIGURE_WIDTH_IN wide is shown at the
# report's text width (about 900 px on screen, 658 px printed on A4), so one point of text is
# drawn at about 1.55 px on screen and 1.14 px in print: TEXT_PT keeps every label at or above
# 0.8 of the body text (17 px on screen, 14 px in print). tests/test_chart_sizes.py checks it.
FIGURE_WIDTH_IN = 8.0
TEXT_PT = 11.0


def _period_words(months: pd.Series) -> str:
    first, last = months.min(), months.max()
    return f"{month_label(first, long=True)} to {month_label(last, long=True)}"


def _new_axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    import matplotlib.pyplot as plt  # imported when drawing, so the command line starts fast

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(min(size[0], FIGURE_WIDTH_IN), size[1]), layout="constrained")
    return ax


def _plain(ax: plt.Axes) -> None:
    """No box (the top and right spines only add ink), and every text readable at the size shown."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=TEXT_PT)
    ax.xaxis.label.set_fontsize(TEXT_PT)
    ax.yaxis.label.set_fontsize(TEXT_PT)
    legend = ax.get_legend()
    if legend is not None:
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_fontsize(TEXT_PT)


def _legend_outside(ax: plt.Axes, **kwargs) -> None:
    """The legend to the right of the plot area, where it crosses no data and no limit line."""
    ax.legend(**{"frameon": False, "loc": "upper left", "bbox_to_anchor": (1.02, 1), "borderaxespad": 0,
                 "fontsize": TEXT_PT, **kwargs})


def _event_positions(events: pd.DataFrame | None, months: list) -> list[tuple[float, str]]:
    """(x, description) for each event within the months shown; month ``i`` is drawn at x = i,
    so an event on day d of a month sits d/length of the way from the month before."""
    if events is None or not len(events) or not len(months):
        return []
    if isinstance(months[0], pd.Timestamp):  # a t-chart: one point per complaint, in date order
        dates = pd.DatetimeIndex(months)
        return [(float(dates.searchsorted(d)) - 0.5, str(text)) for d, text in
                zip(pd.to_datetime(events["date"]), events["description"]) if dates[0] < d <= dates[-1]]
    index = {pd.Period(m, freq="M"): i for i, m in enumerate(months)}
    out = []
    for date, description in zip(pd.to_datetime(events["date"]), events["description"]):
        position = index.get(date.to_period("M"))
        if position is not None:
            out.append((position - 0.5 + (date.day - 1) / date.days_in_month, str(description)))
    return out


def _mark_events(ax: plt.Axes, positions: list[tuple[float, str]]) -> None:
    """Labelled vertical markers for changes to the process (Making Data Count practice)."""
    for x, description in positions:
        ax.axvline(x, color=EVENT_COLOUR, linestyle=(0, (4, 2)), linewidth=1.2, zorder=0)
        ax.annotate(description, xy=(x, 1), xycoords=("data", "axes fraction"), xytext=(3, -4),
                    textcoords="offset points", rotation=90, ha="left", va="top", fontsize="small",
                    color=EVENT_COLOUR)


def describe_events(events: pd.DataFrame | None, months: list) -> str:
    """Alt text for the event markers on a monthly chart ("" when none is shown)."""
    if events is None or not len(events):
        return ""
    if len(months) and isinstance(months[0], pd.Timestamp):
        named = [f"{d} ({pd.Timestamp(t):%-d %B %Y})" for t, d in zip(events["date"], events["description"])
                 if months[0] < pd.Timestamp(t) <= months[-1]]
    else:
        shown = {pd.Period(m, freq="M") for m in months}
        named = [f"{d} ({pd.Timestamp(t):%-d %B %Y})" for t, d in zip(events["date"], events["description"])
                 if pd.Timestamp(t).to_period("M") in shown]
    if not named:
        return ""
    return f" Dashed vertical lines mark {'an event' if len(named) == 1 else 'events'}: {'; '.join(named)}."


def plot_monthly_lines(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                       events: pd.DataFrame | None = None, ylabel: str = "Complaints received",
                       ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Line chart of monthly counts, one line per group (from :func:`monthly_counts`).

    ``highlight`` draws one group thicker and the others thinner, for a team under question.
    ``events`` (columns ``date`` and ``description``) are drawn as labelled vertical lines.
    """
    ax = _new_axes(ax, (9, 4.5))
    counts = counts.sort_values("month", kind="stable")  # any number of years, in any order (pd.concat)
    groups = list(dict.fromkeys(counts[by]))
    months = list(dict.fromkeys(counts["month"]))
    labels = list(dict.fromkeys(counts["month_label"]))
    position = {month: index for index, month in enumerate(months)}
    for index, group in enumerate(groups):
        series = counts[counts[by] == group]
        width = 3 if group == highlight else (1.2 if highlight else 1.8)
        ax.plot(series["month"].map(position).to_numpy(), series["count"].to_numpy(), **{
            "marker": "o", "markersize": 3.5, "linewidth": width, "color": PALETTE[index % len(PALETTE)],
            "label": str(group), **kwargs})
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _mark_events(ax, _event_positions(events, list(dict.fromkeys(counts["month"]))))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend_outside(ax, title=by.replace("_", " ").capitalize())
    _plain(ax)
    return ax


def describe_monthly_lines(counts: pd.DataFrame, *, by: str = "team", what: str = "complaints",
                           events: pd.DataFrame | None = None) -> str:
    """Alt text for :func:`plot_monthly_lines`, written from the numbers it shows (every count in
    full: a public chart's alt text is written in ``publish/`` from the protected figures);
    ``events`` shown on the chart are named.
    """
    counts = counts.sort_values("month", kind="stable").reset_index(drop=True)  # rows from pd.concat too
    period = _period_words(counts["month"])
    totals = counts.groupby(by, sort=False)["count"].sum().sort_values(ascending=False, kind="stable")
    peak = counts.loc[counts["count"].idxmax()] if len(counts) else None
    span = "the year" if len(counts) == 0 or counts["month"].nunique() <= 12 else "the period"
    parts = [f"Line chart of monthly {what} by {by.replace('_', ' ')}, {period}."]
    if peak is not None and peak["count"] > 0:
        parts.append(f"The highest month was {month_label(peak['month'], long=True)} for "
                     f"{peak[by]}, with {count(peak['count'])}.")
    parts.append(f"Totals for {span}: " + "; ".join(f"{g} {count(n)}"
                                                     for g, n in totals.items()) + ".")
    return " ".join(parts) + describe_events(events, list(dict.fromkeys(counts["month"])))


def plot_monthly_heatmap(counts: pd.DataFrame, *, by: str = "team", ax: plt.Axes | None = None,
                         **kwargs) -> plt.Axes:
    """Heatmap of counts, groups by month, with each cell's number written in it."""
    table = counts.pivot(index=by, columns="month", values="count")
    table.columns = [month_label(m) for m in table.columns]
    import seaborn as sns

    ax = _new_axes(ax, (10, 0.5 * len(table) + 1.6))
    sns.heatmap(table, ax=ax, **{"annot": True, "fmt": "d", "cmap": "Blues", "linewidths": 0.5,
                                 "linecolor": "white", "cbar_kws": {"label": "Complaints"},
                                 "annot_kws": {"fontsize": TEXT_PT}, **kwargs})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45, labelsize=TEXT_PT)
    ax.tick_params(axis="y", labelsize=TEXT_PT)
    ax.figure.axes[-1].tick_params(labelsize=TEXT_PT)
    ax.figure.axes[-1].yaxis.label.set_fontsize(TEXT_PT)
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


# --------------------------------------------------------------------------------------------
# Control charts (Making Data Count)

_VARIATION_LABELS = {"common": "Common cause", "improvement": "Special cause: improvement",
                     "concern": "Special cause: concern", "neutral": "Special cause: neutral"}


def plot_xmr(result: XmRResult, *, ylabel: str = "Complaints", colours: dict | None = None,
             events: pd.DataFrame | None = None, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """An XmR chart in the Making Data Count colours (``kwargs`` go to the points' scatter).

    ``events`` (columns ``date`` and ``description``) are drawn as labelled vertical lines at
    the months they fall in, when the points are dated by month.
    """
    ax = _new_axes(ax, (9, 4))
    colours = {**MDC_COLOURS, **(colours or {})}
    points = result.points
    x = np.arange(len(points))
    ax.plot(x, points["value"], color=MDC_COLOURS["common"], linewidth=1.5, zorder=1)
    for kind, colour in colours.items():
        chosen = points["variation"] == kind
        ax.scatter(x[chosen], points.loc[chosen, "value"], **{
            "color": colour, "s": 36, "zorder": 2,
            "label": _VARIATION_LABELS[kind] if chosen.any() else None, **kwargs})
    for _, part in points.groupby("segment"):
        xs = x[part.index]
        ax.plot(xs, part["mean"], color="black", linewidth=1)
        ax.plot(xs, part["upper_limit"], color="#505a5f", linestyle="--", linewidth=1)
        ax.plot(xs, part["lower_limit"], color="#505a5f", linestyle="--", linewidth=1)
    if "date" in points:
        labels = [_short_date(d) for d in points["date"]]
        step = max(1, len(labels) // 12)
        ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right")
        _mark_events(ax, _event_positions(events, list(points["date"])))
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _legend_outside(ax)
    _plain(ax)
    return ax


def _short_date(value) -> str:
    return value.strftime("%b %Y") if hasattr(value, "strftime") else str(value)


def describe_xmr(result: XmRResult, *, what: str = "complaints", events: pd.DataFrame | None = None) -> str:
    """Alt text for :func:`plot_xmr`, from the numbers and the flagged points."""
    points = result.points
    first, last = points.iloc[0], points.iloc[-1]
    span = ""
    if "date" in points:
        def long_date(d):
            return d.strftime("%B %Y") if hasattr(d, "strftime") else str(d)

        span = f", {long_date(first['date'])} to {long_date(last['date'])}"
    text = (f"XmR control chart of monthly {what}{span}: mean {last['mean']:.1f}, upper limit "
            f"{last['upper_limit']:.1f}, lower limit {last['lower_limit']:.1f}.")
    flagged = result.flagged
    if len(flagged):
        labels = [(_short_date(r["date"]) if "date" in flagged and hasattr(r["date"], "strftime")
                   else str(i + 1)) for i, r in flagged.iterrows()]
        text += (f" {len(flagged)} points flagged as special cause ({', '.join(labels[:8])}"
                 f"{', ...' if len(labels) > 8 else ''}).")
    else:
        text += " No point is flagged."
    return text + (describe_events(events, list(points["date"])) if "date" in points else "")


# --------------------------------------------------------------------------------------------
# Funnel plots


def plot_funnel(result: Funnel, *, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Authorities as points against their denominator, this council highlighted, limits as lines.

    ``kwargs`` go to the other authorities' scatter.
    """
    ax = _new_axes(ax, (8, 5))
    curve = result.curve
    ax.axhline(result.target, color="black", linewidth=1, label=f"Pooled rate ({result.target:.1f})")
    ax.plot(curve["denominator"], curve["upper_95"], color="#505a5f", linestyle="--", linewidth=1, label="95% limits")
    ax.plot(curve["denominator"], curve["lower_95"], color="#505a5f", linestyle="--", linewidth=1)
    ax.plot(curve["denominator"], curve["upper_998"], color="#505a5f", linestyle=":", linewidth=1.3,
            label="99.8% limits")
    ax.plot(curve["denominator"], curve["lower_998"], color="#505a5f", linestyle=":", linewidth=1.3)
    others = result.table[~result.table["highlight"]]
    ax.scatter(others["denominator"], others["rate"], **{
        "color": "#a6a6a6", "edgecolor": "#505a5f", "s": 36, "label": "Other authorities", "zorder": 3, **kwargs})
    ours = result.highlighted
    if ours is not None:
        ax.scatter([ours["denominator"]], [ours["rate"]], color="#0072B2", edgecolor="black", s=110, marker="D",
                   label=str(ours["authority"]), zorder=4)
    ax.set_xlabel(result.denominator.replace("_", " ").capitalize())
    ax.set_ylabel(f"Complaints per {result.per:,}")
    ax.set_ylim(bottom=0)
    _legend_outside(ax)
    _plain(ax)
    return ax


def describe_funnel(result: Funnel) -> str:
    """Alt text for :func:`plot_funnel`."""
    words = result.denominator.replace("_", " ")
    text = (f"Funnel plot of complaints per {result.per:,} {words} for {len(result.table)} authorities in "
            f"{result.financial_year}, against {words}; pooled rate {result.target:.1f}, with 95% and 99.8% limits "
            "narrowing as authorities get larger.")
    ours = result.highlighted
    if ours is not None:
        text += f" {ours['authority']} is highlighted at {ours['rate']:.1f}, {POSITIONS[ours['position']][0]}."
    text += f" {result.outside_998()} authorities lie outside the 99.8% limits."
    return text


# --------------------------------------------------------------------------------------------
# Bars of a count table, with small numbers hidden


def plot_bars(table: pd.DataFrame, *, labels: pd.DataFrame | None = None, hidden: pd.DataFrame | None = None,
              small: pd.DataFrame | None = None, threshold: int = 0, what: str = "complaints",
              title: str = "", horizontal: bool = True, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Grouped bars of a count table (rows = groups, columns = series such as years).

    ``labels`` are the texts written at the bars (default: the counts); ``small`` marks counts
    hidden because they are below ``threshold`` (drawn hatched, reaching the threshold) and
    ``hidden`` every hidden count (a count hidden only to protect another is drawn as 0), so
    neither a bar nor its label reveals a hidden number. ``kwargs`` go to the bar calls.
    """
    labels = table.astype(str) if labels is None else labels
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns) if hidden is None else hidden
    small = hidden if small is None else small
    groups, series = list(table.index), list(table.columns)
    ax = _new_axes(ax, (8, 0.5 * len(groups) * len(series) + 1.5) if horizontal else (8, 4.5))
    width = 0.8 / len(series)
    positions = np.arange(len(groups))
    for k, column in enumerate(series):
        is_small = small[column].to_numpy(dtype=bool)
        heights = np.where(is_small, threshold, np.where(hidden[column].to_numpy(dtype=bool), 0,
                                                         table[column].to_numpy(dtype=float)))
        offset = positions + (k - (len(series) - 1) / 2) * width
        draw = ax.barh if horizontal else ax.bar
        bars = draw(offset, heights, width, **{"color": PALETTE[k % len(PALETTE)], "label": str(column),
                                               "hatch": None, "edgecolor": "white", **kwargs})
        for bar, protected in zip(bars, is_small):
            if protected:
                bar.set_hatch("//")
                bar.set_alpha(0.45)
        ax.bar_label(bars, labels=[str(t) for t in labels[column]], padding=3, fontsize=TEXT_PT)
    if horizontal:
        ax.set_yticks(positions, groups)
        ax.invert_yaxis()
        ax.set_xlabel(what.capitalize())
    else:
        ax.set_xticks(positions, groups, rotation=30, ha="right")
        ax.set_ylabel(what.capitalize())
    _legend_outside(ax)
    _plain(ax)
    ax.set_title(title, loc="left", fontsize=TEXT_PT + 1)
    return ax


def describe_bars(table: pd.DataFrame, *, labels: pd.DataFrame | None = None, title: str = "") -> str:
    """Alt text for :func:`plot_bars`: every bar's label, group by group."""
    labels = table.astype(str) if labels is None else labels
    parts = [f"{group}: " + ", ".join(f"{labels.loc[group, c]} in {c}" for c in table.columns)
             for group in table.index]
    return f"Bar chart: {title}. " + "; ".join(parts) + "."


# --------------------------------------------------------------------------------------------
# Rare events (t-chart) and the labels both control charts carry


def plot_tchart(result: XmRResult, *, ylabel: str = "Days between complaints", colours: dict | None = None,
                events: pd.DataFrame | None = None, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """A time-between-events chart (from :func:`cfanalysis.analysis.spc.tchart`) in the MDC colours.

    One point per event after the first: the days since the one before, with the mean and limits
    back-transformed to days. A long gap is improvement (blue) and short gaps are concern
    (orange). ``kwargs`` go to the points' scatter.
    """
    ax = plot_xmr(result, ylabel=ylabel, colours=colours, events=events, ax=ax, **kwargs)
    ax.set_xlabel("Each complaint, in the order received")
    return ax


def describe_tchart(result: XmRResult, *, what: str = "complaints", events: pd.DataFrame | None = None) -> str:
    """Alt text for :func:`plot_tchart`: the gaps, the mean gap and limits in days, the flagged gaps."""
    points = result.points
    last = points.iloc[-1]
    text = (f"Time-between-events chart (t-chart) of {what}: {len(points)} gaps between consecutive "
            f"{what}, {_long(points['date'].iloc[0])} to {_long(last['date'])}; mean gap "
            f"{last['mean']:.0f} days, limits {last['lower_limit']:.1f} to {last['upper_limit']:.0f} days.")
    text += describe_events(events, list(points["date"]))
    flagged = result.flagged
    if not len(flagged):
        return text + " No gap is flagged."
    short = int((flagged["variation"] == "concern").sum())
    long = int((flagged["variation"] == "improvement").sum())
    return text + (f" {short} short gaps flagged as concern and {long} long gaps as improvement"
                   f" (first flagged: the gap ending {_long(flagged['date'].iloc[0])}).")


def _long(value) -> str:
    return value.strftime("%-d %B %Y") if isinstance(value, pd.Timestamp) else (
        value.strftime("%B %Y") if hasattr(value, "strftime") else str(value))


def label_control_lines(ax: plt.Axes, result: XmRResult, *, baseline_points: int | None = None,
                        baseline_label: str = "baseline", tested_label: str = "tested period",
                        unit: str = "") -> plt.Axes:
    """Label a control chart's mean and limit lines at their right-hand ends and mark the baseline's end.

    The labels give each line's value (in ``unit``, such as " days"), so a reader need not match
    line styles to a legend. With ``baseline_points``, a vertical line between the last baseline
    point and the first tested one, with ``baseline_label`` to its left and ``tested_label`` to
    its right. Returns the Axes.
    """
    points = result.points
    end = len(points) - 1
    last = points.iloc[-1]
    for column, name in (("upper_limit", "upper limit"), ("mean", "mean"), ("lower_limit", "lower limit")):
        ax.annotate(f"{name} {last[column]:.1f}{unit}", (end, last[column]), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize="small", color="#505a5f",
                    annotation_clip=False)
    if baseline_points is not None and 0 < baseline_points < len(points):
        split = baseline_points - 0.5
        ax.axvline(split, color="#0b0c0c", linestyle=":", linewidth=1)
        top = ax.get_ylim()[1]
        ax.text(split - 0.3, top, f"{baseline_label} (sets the limits)", ha="right", va="top", fontsize="small")
        ax.text(split + 0.3, top, tested_label, ha="left", va="top", fontsize="small")
    return ax


def describe_baseline(result: XmRResult, *, baseline_points: int | None, baseline_label: str = "baseline",
                      tested_label: str = "tested period") -> str:
    """One sentence of alt text saying where the baseline ends and the tested period begins."""
    points = result.points
    if baseline_points is None or not 0 < baseline_points < len(points) or "date" not in points:
        return "The limits come from every point shown."
    return (f"A vertical line marks where the baseline, {baseline_label}, ends ({baseline_points} points, to "
            f"{_long(points['date'].iloc[baseline_points - 1])}); its mean and limits are extended over "
            f"{tested_label}, from {_long(points['date'].iloc[baseline_points])}.")
