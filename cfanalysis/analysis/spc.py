"""XmR control charts with the NHS "Making Data Count" rules (DOMAIN.md section 6).

Compute (:func:`xmr`), then summarise (``reasons``; in words, ``cf.describe`` in ``publish/``), then plot
(:func:`plot_xmr`). Each point carries a flag for each rule and a plain-English reason, because
users most want to know *which* rule flagged a point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cfanalysis.analysis.results import Result, check_choice

__all__ = ["MDC_COLOURS", "XmRResult", "is_rare", "tchart", "xmr"]

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
class XmRResult(Result):
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
    chart: str = "XmR chart"  # "t-chart" for the time between events (:func:`tchart`)
    unit: str = ""  # of the values and limits in words, such as " days"

    @property
    def flagged(self) -> pd.DataFrame:
        return self.points[self.points["special_cause"]]

    def reasons(self) -> pd.DataFrame:
        """The flagged points with their reasons, for a table."""
        columns = (["date"] if "date" in self.points else []) + ["value", "variation", "reason"]
        return self.flagged[columns].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """One row per point: its limits, each rule's flag, the variation and the reason."""
        return self.points.copy()


def _centre_and_range(values: np.ndarray, screen: bool) -> tuple[float, float]:
    """Mean and mean moving range (screened once for large moving ranges when asked)."""
    mean = float(values.mean())
    ranges = np.abs(np.diff(values))
    if len(ranges) == 0:
        return mean, 0.0
    mean_range = float(ranges.mean())
    if screen:
        kept = ranges[ranges < SCREEN_FACTOR * mean_range]
        mean_range = float(kept.mean()) if len(kept) else mean_range
    return mean, mean_range


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


def xmr(values: Sequence[float] | np.ndarray | pd.Series, *, dates: Sequence[object] | pd.Index | None = None,
        improvement_direction: str = "decrease", rebase_at: Sequence[object] | None = None,
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
        For an unknown direction, mismatched lengths, or a rebase point outside the series.

    Notes
    -----
    Limits = mean +- 2.66 x mean moving range (2-sigma: 1.773). Rules, within each segment: a point
    beyond a limit; 7 in a row on one side of the mean; 7 rising or falling; 2 of 3 points beyond
    the same 2-sigma line but within the limit, all three on the same side of the mean (exactly
    as NHSRplotthedots). Under 13 points, limits are trial limits.

    Examples
    --------
    >>> r = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], floor=None)
    >>> print(f"{r.points['upper_limit'].iloc[0]:.3f} {r.points['lower_limit'].iloc[0]:.3f}")
    6.952 -3.063
    """
    y = _checked(values, dates, improvement_direction)
    segments = _segments(y, _segment_starts(len(y), rebase_at, dates), baseline_points, floor, screen_outliers)
    warnings = [segment.attrs["warning"] for segment in segments if segment.attrs["warning"]]
    if any(segment.attrs["floored"] for segment in segments):
        warnings.append("The lower limit would be below zero, so it is set at 0; a low signal "
                        "beyond it is then impossible.")
    points = _classified(pd.concat(segments, ignore_index=True), improvement_direction)
    if dates is not None:
        points.insert(0, "date", list(dates))
    return XmRResult(points=points, improvement_direction=improvement_direction,
                     screen_outliers=screen_outliers, warnings=tuple(warnings))


def _checked(values, dates, improvement_direction: str) -> np.ndarray:
    check_choice("improvement_direction", improvement_direction, DIRECTIONS)
    y = np.asarray(values, dtype=float)
    if len(y) == 0:
        raise ValueError("xmr needs at least one value.")
    if dates is not None and len(dates) != len(y):
        raise ValueError(f"dates has {len(dates)} entries but values has {len(y)}; give one date per value.")
    return y


def _segments(y: np.ndarray, starts: list[int], baseline_points: int | None, floor: float | None,
              screen: bool) -> list[pd.DataFrame]:
    """Each segment's points with its limits, rules and reasons; a trial-limits warning attached."""
    bounds = list(zip(starts, starts[1:] + [len(y)]))
    segments = []
    for number, (start, stop) in enumerate(bounds):
        part = y[start:stop]
        basis = part if baseline_points is None else part[:baseline_points]
        segment = _segment(part, basis, floor, screen).assign(segment=number)
        segment.attrs["warning"] = "" if len(basis) >= TRIAL_LIMIT_POINTS else (
            f"Limits{' of segment ' + str(number + 1) if len(bounds) > 1 else ''} rest on {len(basis)} "
            f"points, fewer than {TRIAL_LIMIT_POINTS}: treat them as trial limits.")
        segments.append(segment)
    return segments


def _classified(points: pd.DataFrame, improvement_direction: str) -> pd.DataFrame:
    """Each special-cause point as improvement, concern or neutral; columns in their published order."""
    good = {"increase": 1, "decrease": -1}.get(improvement_direction, 0)
    special = points["special_cause"].to_numpy()
    direction = points["direction"].to_numpy()
    points["variation"] = np.where(~special, "common", np.where(
        good == 0, "neutral", np.where(direction == good, "improvement", "concern")))
    return points[["value", "segment", "mean", "upper_limit", "lower_limit", "upper_two_sigma",
                   "lower_two_sigma", "moving_range", "beyond_limit", "run", "trend", "two_of_three",
                   "special_cause", "variation", "reason"]].copy()


def _segment_starts(n: int, rebase_at, dates) -> list[int]:
    """Positions where a segment of limits begins: 0 and each rebase point."""
    starts = [0]
    for point in ([] if rebase_at is None else list(np.atleast_1d(rebase_at))):
        position = point if isinstance(point, (int, np.integer)) else (
            list(dates).index(point) if dates is not None and point in list(dates) else None)
        if position is None or not 0 < position < n:
            raise ValueError(f"rebase_at {point!r} is not inside the series (after its first point).")
        starts.append(int(position))
    return sorted(set(starts))


def _segment(part: np.ndarray, basis: np.ndarray, floor: float | None, screen: bool) -> pd.DataFrame:
    """One segment's limits, each rule's flag, the signal's direction and the reasons, per point."""
    mean, mean_range = _centre_and_range(basis, screen)
    upper, lower = mean + LIMIT_FACTOR * mean_range, mean - LIMIT_FACTOR * mean_range
    upper2, lower2 = mean + TWO_SIGMA_FACTOR * mean_range, mean - TWO_SIGMA_FACTOR * mean_range
    floored = floor is not None and lower < floor
    if floored:
        lower = floor
    if floor is not None and lower2 < floor:
        lower2 = floor
    # A lower limit held at the floor cannot be crossed downwards: no low signal then.
    low_possible = floor is None or lower > floor
    rules = _rules(part, mean, upper, lower, upper2, lower2, low_possible)
    reasons, direction = _reasons(rules, upper, lower)
    frame = pd.DataFrame({
        "value": part, "mean": mean, "upper_limit": upper, "lower_limit": lower,
        "upper_two_sigma": upper2, "lower_two_sigma": lower2,
        "moving_range": np.r_[np.nan, np.abs(np.diff(part))],
        "beyond_limit": rules["high"] | rules["low"], "run": rules["run_high"] | rules["run_low"],
        "trend": rules["rising"] | rules["falling"], "two_of_three": rules["two_high"] | rules["two_low"],
        "direction": direction, "reason": reasons})
    frame["special_cause"] = frame[["beyond_limit", "run", "trend", "two_of_three"]].any(axis=1)
    frame.attrs["floored"] = floored
    return frame


def _rules(part, mean, upper, lower, upper2, lower2, low_possible) -> dict[str, np.ndarray]:
    """Each Making Data Count rule, high and low, as a flag per point."""
    none = np.zeros(len(part), bool)
    steps = np.diff(part)
    rising = _runs(np.r_[False, steps > 0], TREND_LENGTH - 1)
    falling = _runs(np.r_[False, steps < 0], TREND_LENGTH - 1)
    # NHSRplotthedots: "close to limits" is beyond a 2-sigma line but not beyond the process limit.
    close_high = (part > upper2) & ~(part > upper)
    close_low = ((part < lower2) & ~(part < lower)) if low_possible else none
    side = np.sign(part - mean)
    return {
        "high": part > upper, "low": (part < lower) if low_possible else none,
        "run_high": _runs(part > mean, RUN_LENGTH), "run_low": _runs(part < mean, RUN_LENGTH),
        # A trend of 7 points is 6 steps; include the point the first step starts from.
        "rising": rising | np.r_[rising[1:], False], "falling": falling | np.r_[falling[1:], False],
        "two_high": _two_of_three(close_high, side), "two_low": _two_of_three(close_low, side)}


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Flag the points close to a limit that are 2 of 3 consecutive points all on the same side of the mean.

    As NHSRplotthedots (``ptd_two_in_three``, ``ptd_part_of_two_in_three``): a window of three
    points with at least two "close to limits" (beyond the 2-sigma line, within the process limit)
    and all three on one side of the mean (none on it); the close points of such windows are flagged.
    """
    flags = np.zeros(len(close), bool)
    for i in range(len(close) - 2):
        window = slice(i, i + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            flags[window] |= close[window]
    return flags


def _reasons(rules: dict[str, np.ndarray], upper: float, lower: float) -> tuple[list[str], np.ndarray]:
    """Plain-English reason of each point and the side of its signal (+1 high, -1 low, 0 none)."""
    # Each rule as (high flag, low flag, words when high, words when low); one reason per rule.
    pairs = [("high", "low", f"above the upper limit ({upper:.1f})", f"below the lower limit ({lower:.1f})"),
             ("run_high", "run_low", f"part of a run of {RUN_LENGTH} or more points above the mean",
              f"part of a run of {RUN_LENGTH} or more points below the mean"),
             ("rising", "falling", f"part of {TREND_LENGTH} or more points in a row rising",
              f"part of {TREND_LENGTH} or more points in a row falling"),
             ("two_high", "two_low", "2 of 3 points beyond the upper 2-sigma line",
              "2 of 3 points beyond the lower 2-sigma line")]
    reasons, direction = [], np.zeros(len(rules["high"]), int)
    for i in range(len(direction)):
        found, sides = [], []
        for high, low, high_words, low_words in pairs:
            if rules[high][i]:
                found.append(high_words)
                sides.append(1)
            elif rules[low][i]:
                found.append(low_words)
                sides.append(-1)
        reasons.append("; ".join(found).capitalize() if found else "")
        direction[i] = int(np.sign(sum(sides))) if sides else 0
    return reasons, direction


T_CHART_POWER = 1 / 3.6  # Nelson (1994): time between events to the power 1/3.6 is near-symmetric
RARE_EVENTS_PER_MONTH = 2.0


def is_rare(monthly_counts) -> bool:
    """True when an XmR chart of counts would mislead: under about 2 a month, or mostly zero months."""
    counts = np.asarray(monthly_counts, float)
    return bool(len(counts) and (counts.mean() < RARE_EVENTS_PER_MONTH or np.mean(counts == 0) > 0.5))


def tchart(event_dates, *, baseline_points: int | None = None) -> XmRResult:
    """Time-between-events chart (t-chart) for rare events, as Making Data Count advises.

    Days between consecutive events, transformed y = t^(1/3.6), an XmR chart on y (no floor),
    then the points and limits back-transformed to days. A long gap is improvement and short gaps
    are concern, so the chart's improvement direction is "increase".

    >>> r = tchart(pd.to_datetime(["2019-04-01", "2019-04-11", "2019-05-01", "2019-05-06"]))
    >>> r.points["value"].tolist()
    [10.0, 20.0, 5.0]
    """
    dates = pd.DatetimeIndex(sorted(pd.to_datetime(event_dates)))
    days = np.asarray((dates[1:] - dates[:-1]).total_seconds(), float) / 86_400
    if len(days) < 2:
        raise ValueError("A t-chart needs at least three events (two gaps between them).")
    days = np.maximum(days, 0.5)  # events on the same day: half a day, so the transform is defined
    transformed = xmr(days**T_CHART_POWER, dates=list(dates[1:]), improvement_direction="increase",
                      floor=None, baseline_points=baseline_points)
    points = transformed.points.copy()
    back = ["value", "mean", "upper_limit", "lower_limit", "upper_two_sigma", "lower_two_sigma"]
    points[back] = np.maximum(points[back], 0) ** 3.6
    points["value"] = days
    # The reasons quote the limits; give them in days, as drawn, not on the transformed scale.
    for column in ("upper_limit", "lower_limit"):
        points["reason"] = [reason.replace(f"({y:.1f})", f"({d:.1f} days)") for reason, y, d in
                            zip(points["reason"], transformed.points[column], points[column])]
    return XmRResult(points=points, improvement_direction="increase", screen_outliers=False,
                     warnings=transformed.warnings + ("Limits are set on days^(1/3.6) and shown back in days.",),
                     chart="t-chart", unit=" days")
