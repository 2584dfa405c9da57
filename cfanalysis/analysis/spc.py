"""XmR control charts with the NHS "Making Data Count" rules (DOMAIN.md section 6).

Compute (:func:`xmr`), then summarise (:meth:`XmRResult.summary`, ``reasons``), then plot
(:func:`plot_xmr`). Each point carries a flag for each rule and a plain-English reason, because
users most want to know *which* rule flagged a point.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["MDC_COLOURS", "XmRResult", "describe_xmr", "plot_xmr", "xmr", "xmr_chart"]

LIMIT_FACTOR = 2.66  # 3 sigma from the mean moving range (3 / 1.128)
TWO_SIGMA_FACTOR = 1.773  # 2 sigma
SCREEN_FACTOR = 3.267  # upper limit of the moving range: screened out once when asked
RUN_LENGTH = 7
TREND_LENGTH = 7
TRIAL_LIMIT_POINTS = 13
MDC_COLOURS = {"common": "#a6a6a6", "improvement": "#00b0f0", "concern": "#e46c0a",
               "neutral": "#490092"}
DIRECTIONS = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class XmRResult:
    """Per-point table and the chart's limits and warnings.

    ``points`` columns: ``date`` (when given), ``value``, ``segment``, ``mean``, ``upper_limit``,
    ``lower_limit``, ``upper_two_sigma``, ``lower_two_sigma``, ``moving_range``, rule flags
    ``beyond_limit``, ``run``, ``trend``, ``two_of_three``, then ``special_cause`` (any rule),
    ``variation`` (common / improvement / concern / neutral) and ``reason`` (plain English).
    """

    points: pd.DataFrame
    improvement_direction: str
    screen_outliers: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def flagged(self) -> pd.DataFrame:
        return self.points[self.points["special_cause"]]

    def summary(self) -> str:
        n = len(self.points)
        flagged = self.flagged
        last = self.points.iloc[-1]
        text = (f"XmR chart of {n} points: mean {last['mean']:.1f}, process limits "
                f"{last['lower_limit']:.1f} to {last['upper_limit']:.1f}.")
        if len(flagged):
            shows = f" {len(flagged)} points show" if len(flagged) > 1 else " 1 point shows"
            text += shows + " special-cause variation."
        else:
            text += " All points show common-cause variation only."
        return " ".join([text, *self.warnings])

    def reasons(self) -> pd.DataFrame:
        """The flagged points with their reasons, for a table."""
        columns = (["date"] if "date" in self.points else []) + ["value", "variation", "reason"]
        return self.flagged[columns].reset_index(drop=True)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self.reasons().to_html(index=False)


def _segment_limits(values: np.ndarray, screen: bool) -> tuple[float, float, np.ndarray]:
    mean = float(values.mean())
    ranges = np.abs(np.diff(values))
    if len(ranges) == 0:
        return mean, 0.0, np.array([np.nan])
    mean_range = float(ranges.mean())
    if screen:
        kept = ranges[ranges < SCREEN_FACTOR * mean_range]
        mean_range = float(kept.mean()) if len(kept) else mean_range
    return mean, mean_range, np.r_[np.nan, ranges]


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Flag every point belonging to a stretch of at least ``length`` True values."""
    flags = np.zeros(len(mask), bool)
    start = None
    for index, value in enumerate(np.r_[mask, False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            if index - start >= length:
                flags[start:index] = True
            start = None
    return flags


def xmr(values, *, dates=None, improvement_direction: str = "decrease", rebase_at=None,
        screen_outliers: bool = False, floor: float | None = 0.0,
        baseline_points: int | None = None) -> XmRResult:
    """XmR chart with the Making Data Count rules.

    Parameters
    ----------
    values
        The measurements in time order (monthly complaints, say).
    dates
        Labels for the points (Periods or dates), same length as ``values``.
    improvement_direction
        ``"decrease"`` (fewer is better, the default for complaints), ``"increase"`` or
        ``"neutral"`` (signals are coloured purple, neither good nor bad).
    rebase_at
        Positions (ints) or dates where new limits start, after a known change in process.
    screen_outliers
        Drop moving ranges of at least 3.267 times their mean once before setting limits.
    floor
        Lower limits below this are raised to it (counts cannot be negative); None to keep them.
    baseline_points
        Set each segment's limits from its first ``baseline_points`` points only and extend them
        over the rest ("fixed limits"), so later points are judged against the baseline
        period. Default: every point of the segment.

    Returns
    -------
    XmRResult

    Raises
    ------
    ValueError
        For an unknown ``improvement_direction``, mismatched lengths, or a rebase point outside
        the series.

    Notes
    -----
    Centre = mean; limits = mean +- 2.66 x mean moving range; 2-sigma lines at +- 1.773 x mean
    moving range. Rules: a point beyond a limit; 7 points in a row on one side of the mean (a
    point on the mean breaks the run); 7 points in a row rising or falling (a repeat breaks
    the trend); 2 of 3 consecutive points beyond the same 2-sigma line (beyond 3 sigma counts).
    Each rule is applied within a segment between rebase points. Limits from fewer than 13
    points are trial limits.

    Examples
    --------
    >>> r = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], floor=None)
    >>> round(r.points["upper_limit"].iloc[0], 3), round(r.points["lower_limit"].iloc[0], 3)
    (6.952, -3.063)
    """
    if improvement_direction not in DIRECTIONS:
        raise ValueError(f"improvement_direction={improvement_direction!r}; use one of "
                         f"{', '.join(map(repr, DIRECTIONS))}.")
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n == 0:
        raise ValueError("xmr needs at least one value.")
    if dates is not None and len(dates) != n:
        raise ValueError(f"dates has {len(dates)} entries but values has {n}; give one date per value.")
    starts = [0]
    for point in ([] if rebase_at is None else list(np.atleast_1d(rebase_at))):
        position = point if isinstance(point, (int, np.integer)) else (
            list(dates).index(point) if dates is not None and point in list(dates) else None)
        if position is None or not 0 < position < n:
            raise ValueError(f"rebase_at {point!r} is not inside the series (after its first point).")
        starts.append(int(position))
    starts = sorted(set(starts))
    bounds = list(zip(starts, starts[1:] + [n]))

    columns = {name: np.full(n, np.nan) for name in
               ("mean", "upper_limit", "lower_limit", "upper_two_sigma", "lower_two_sigma", "moving_range")}
    segment = np.zeros(n, int)
    flags = {name: np.zeros(n, bool) for name in ("beyond_limit", "run", "trend", "two_of_three")}
    direction_of = np.zeros(n, int)  # +1 signal high, -1 signal low
    reasons: list[list[str]] = [[] for _ in range(n)]
    warnings: list[str] = []
    floored = False
    for number, (start, stop) in enumerate(bounds):
        part = y[start:stop]
        basis = part if baseline_points is None else part[:baseline_points]
        mean, mean_range, _ = _segment_limits(basis, screen_outliers)
        ranges = np.r_[np.nan, np.abs(np.diff(part))]
        upper, lower = mean + LIMIT_FACTOR * mean_range, mean - LIMIT_FACTOR * mean_range
        upper2, lower2 = mean + TWO_SIGMA_FACTOR * mean_range, mean - TWO_SIGMA_FACTOR * mean_range
        if floor is not None and lower < floor:
            lower, floored = floor, True
        if floor is not None and lower2 < floor:
            lower2 = floor
        rows = slice(start, stop)
        segment[rows] = number
        columns["mean"][rows], columns["moving_range"][rows] = mean, ranges
        columns["upper_limit"][rows], columns["lower_limit"][rows] = upper, lower
        columns["upper_two_sigma"][rows], columns["lower_two_sigma"][rows] = upper2, lower2
        if len(basis) < TRIAL_LIMIT_POINTS:
            warnings.append(f"Limits{' of segment ' + str(number + 1) if len(bounds) > 1 else ''} "
                            f"rest on {len(basis)} points, fewer than {TRIAL_LIMIT_POINTS}: treat them as "
                            "trial limits.")
        # A lower limit held at the floor cannot be crossed downwards: no low signal then.
        low_possible = floor is None or lower > floor
        high = part > upper
        low = (part < lower) if low_possible else np.zeros(len(part), bool)
        above, below = part > mean, part < mean
        run_high, run_low = _runs(above, RUN_LENGTH), _runs(below, RUN_LENGTH)
        steps = np.diff(part)
        rising = _runs(np.r_[False, steps > 0], TREND_LENGTH - 1)
        falling = _runs(np.r_[False, steps < 0], TREND_LENGTH - 1)
        # A trend of 7 points is 6 steps; include the point the first step starts from.
        rising = rising | np.r_[rising[1:], False]
        falling = falling | np.r_[falling[1:], False]
        beyond2_high, beyond2_low = part > upper2, (part < lower2) if low_possible else np.zeros(len(part), bool)
        two_high, two_low = np.zeros(len(part), bool), np.zeros(len(part), bool)
        for i in range(len(part) - 2):
            window = slice(i, i + 3)
            if beyond2_high[window].sum() >= 2:
                two_high[window] |= beyond2_high[window]
            if beyond2_low[window].sum() >= 2:
                two_low[window] |= beyond2_low[window]
        for i in range(len(part)):
            index = start + i
            sides = []
            if high[i]:
                reasons[index].append(f"above the upper limit ({upper:.1f})")
                sides.append(1)
            if low[i]:
                reasons[index].append(f"below the lower limit ({lower:.1f})")
                sides.append(-1)
            if run_high[i] or run_low[i]:
                side = "above" if run_high[i] else "below"
                reasons[index].append(f"part of a run of {RUN_LENGTH} or more points {side} the mean")
                sides.append(1 if run_high[i] else -1)
            if rising[i] or falling[i]:
                way = "rising" if rising[i] else "falling"
                reasons[index].append(f"part of {TREND_LENGTH} or more points in a row {way}")
                sides.append(1 if rising[i] else -1)
            if two_high[i] or two_low[i]:
                side = "upper" if two_high[i] else "lower"
                reasons[index].append(f"2 of 3 points beyond the {side} 2-sigma line")
                sides.append(1 if two_high[i] else -1)
            flags["beyond_limit"][index] = high[i] or low[i]
            flags["run"][index] = run_high[i] or run_low[i]
            flags["trend"][index] = rising[i] or falling[i]
            flags["two_of_three"][index] = two_high[i] or two_low[i]
            direction_of[index] = int(np.sign(sum(sides))) if sides else 0
    if floored:
        warnings.append("The lower limit would be below zero, so it is set at 0; a low signal "
                        "beyond it is then impossible.")

    special = flags["beyond_limit"] | flags["run"] | flags["trend"] | flags["two_of_three"]
    good = {"increase": 1, "decrease": -1}.get(improvement_direction, 0)
    variation = np.where(~special, "common",
                         np.where(good == 0, "neutral", np.where(direction_of == good, "improvement",
                                                                 "concern")))
    points = pd.DataFrame({"value": y, "segment": segment, **columns, **flags,
                           "special_cause": special, "variation": variation,
                           "reason": ["; ".join(r).capitalize() if r else "" for r in reasons]})
    if dates is not None:
        points.insert(0, "date", list(dates))
    return XmRResult(points=points, improvement_direction=improvement_direction,
                     screen_outliers=screen_outliers, warnings=tuple(warnings))


def plot_xmr(result: XmRResult, *, ax=None, ylabel: str = "Complaints", colours: dict | None = None):
    """Draw an XmR chart in the Making Data Count colours; returns the Axes."""
    import matplotlib.pyplot as plt

    colours = {**MDC_COLOURS, **(colours or {})}
    points = result.points
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(points))
    ax.plot(x, points["value"], color=MDC_COLOURS["common"], linewidth=1.5, zorder=1)
    for kind, colour in colours.items():
        chosen = points["variation"] == kind
        ax.scatter(x[chosen], points.loc[chosen, "value"], color=colour, s=36, zorder=2,
                   label={"common": "Common cause", "improvement": "Special cause: improvement",
                          "concern": "Special cause: concern", "neutral": "Special cause: neutral"}[kind]
                   if chosen.any() else None)
    for _, part in points.groupby("segment"):
        xs = x[part.index]
        ax.plot(xs, part["mean"], color="black", linewidth=1)
        ax.plot(xs, part["upper_limit"], color="#505a5f", linestyle="--", linewidth=1)
        ax.plot(xs, part["lower_limit"], color="#505a5f", linestyle="--", linewidth=1)
    if "date" in points:
        labels = [d.strftime("%b %Y") if hasattr(d, "strftime") else str(d) for d in points["date"]]
        step = max(1, len(labels) // 12)
        ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="upper left", fontsize="small")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def describe_xmr(result: XmRResult, *, what: str = "complaints") -> str:
    """Alt text for :func:`plot_xmr`, from the numbers and the flagged points."""
    points = result.points
    first, last = points.iloc[0], points.iloc[-1]
    span = ""
    if "date" in points:
        def fmt(d):
            return d.strftime("%B %Y") if hasattr(d, "strftime") else str(d)

        span = f", {fmt(first['date'])} to {fmt(last['date'])}"
    text = (f"XmR control chart of monthly {what}{span}: mean {last['mean']:.1f}, upper limit "
            f"{last['upper_limit']:.1f}, lower limit {last['lower_limit']:.1f}.")
    flagged = result.flagged
    if len(flagged):
        labels = [(r["date"].strftime("%b %Y") if "date" in flagged and hasattr(r["date"], "strftime")
                   else str(i + 1)) for i, r in flagged.iterrows()]
        text += (f" {len(flagged)} points flagged as special cause ({', '.join(labels[:8])}"
                 f"{', ...' if len(labels) > 8 else ''}).")
    else:
        text += " No point is flagged."
    return text


def xmr_chart(result: XmRResult, *, what: str = "complaints", caption: str = ""):
    """:func:`plot_xmr` rendered with its alt text."""
    from cfanalysis.plots import Chart

    return Chart.from_axes(plot_xmr(result, ylabel=what.capitalize()), alt=describe_xmr(result, what=what),
                           caption=caption)
