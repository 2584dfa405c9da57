"""Charts for reports: a ``plot_*`` drawing and its ``describe_*`` alt text, rendered together.

Each function here is one line of glue, so that a chart never reaches a report without the
description a screen reader needs.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis import plots
from cfanalysis.analysis.benchmarking import Funnel
from cfanalysis.analysis.spc import XmRResult
from cfanalysis.parameters import ParameterError, check_group
from cfanalysis.publish.disclosure import DisclosurePolicy, Suppressed, disclosure_policy, with_record
from cfanalysis.publish.display import Chart
from cfanalysis.publish.monthly import _year_of, masked_periods

__all__ = ["bar_chart", "funnel_chart", "monthly_heatmap_chart", "monthly_lines_chart", "tchart_chart", "xmr_chart"]


def monthly_lines_chart(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                        caption: str = "", policy: DisclosurePolicy | None = None,
                        events: pd.DataFrame | None = None, what: str = "complaints", name: str = "",
                        kind: str = "complaints", year: str = "", totals: bool = True) -> Chart:
    """:func:`cfanalysis.plots.plot_monthly_lines` rendered with its alt text.

    ``counts`` is a tidy frame (month, month_label, the ``by`` column, count) for any number of
    years: ``pd.concat`` of two years' :func:`cfanalysis.monthly_counts` draws 24 months. A
    ``highlight`` that is not one of the ``by`` groups is refused (:class:`ParameterError`,
    listing the groups in the frame) rather than drawn as nothing. ``events`` are marked as
    labelled lines.

    With a ``policy`` that hides small counts, the chart is drawn from the protected figures: the
    months grouped into quarters when any month is small, and each point still hidden left out
    (a gap in the line, said in the alt text), so the chart shows nothing the tables do not.
    Its points are registered under ``name`` and ``year`` (the same keys as the table of the same
    figures) and masked with the table's Total row and column when ``totals`` (one year's counts,
    whose totals are published), so the chart hides the same cells as the table.
    """
    policy = policy or disclosure_policy()
    missing = [column for column in ("month", "month_label", by, "count") if column not in counts]
    if missing:
        raise ParameterError(f"counts needs the columns month, month_label, {by} and count (as "
                             f"cf.monthly_counts gives them); it has no {', '.join(missing)}.")
    if highlight is not None:
        check_group(highlight, counts[by], by=by)
    if not policy.hides(kind):
        # The words first: nothing is drawn (and no figure left open) if they cannot be written.
        alt = plots.describe_monthly_lines(counts, by=by, what=what, events=events)
        return Chart.from_axes(plots.plot_monthly_lines(counts, by=by, highlight=highlight, events=events,
                                                        ylabel=f"{what.capitalize()} received"),
                               alt=alt, caption=caption)
    start = policy.ledger.mark()
    name = name or f"monthly_by_{by}"
    year = year or (_year_of(counts) if totals else "")
    shown, masked = masked_periods(counts, policy, by=by, kind=kind, name=name, year=year, totals=totals,
                                   where=f"chart: {caption}" if caption else "a chart")
    values = masked.masked()
    points = shown.copy()
    points["count"] = [values.at[group, label] for group, label in zip(shown[by], shown["month_label"])]
    empty = {g for g, n in points.groupby(by, sort=False)["count"].count().items() if n == 0}
    drawn = points.assign(**{by: [f"{g} (too few to show)" if g in empty else g for g in points[by]]})
    ax = plots.plot_monthly_lines(drawn, by=by, highlight=highlight, events=events,
                                  ylabel=f"{what.capitalize()} received")
    chart = Chart.from_axes(ax, alt=_describe_masked_lines(points, shown, by, what, policy), caption=caption)
    return with_record(chart, policy.ledger.since(start))


def _describe_masked_lines(points: pd.DataFrame, shown: pd.DataFrame, by: str, what: str,
                           policy: DisclosurePolicy) -> str:
    """Alt text of a protected line chart: what is drawn, which points are left out, the largest."""
    first = str(shown["month_label"].iloc[0])
    period = ("month" if "-" not in first else "year" if first.startswith("Apr") and "Mar" in first else
              "half-year" if first.startswith(("Apr-Sep", "Oct")) else "quarter")
    hidden = points[points["count"].isna()]
    split = f" by {by.replace('_', ' ')}" if points[by].nunique() > 1 else ""
    parts = [f"Line chart of {what}{split}, each {period}, "
             f"{shown['month_label'].iloc[0]} to {shown['month_label'].iloc[-1]}."]
    if len(points.dropna(subset=["count"])):
        peak = points.loc[points["count"].idxmax()]
        parts.append(f"The highest point is {peak['month_label']} for {peak[by]}, with {int(peak['count']):,}.")
    if len(hidden):
        verb = "is" if len(hidden) == 1 else "are"
        parts.append(f"{len(hidden)} of the {len(points)} points {verb} left out to protect the people involved "
                     f"(fewer than {policy.threshold} {what}, or a figure that would let one be worked out).")
    return " ".join(parts)


def monthly_heatmap_chart(counts: pd.DataFrame, *, by: str = "team", caption: str = "") -> Chart:
    """:func:`cfanalysis.plots.plot_monthly_heatmap` rendered with its alt text."""
    return Chart.from_axes(plots.plot_monthly_heatmap(counts, by=by),
                           alt=plots.describe_monthly_heatmap(counts, by=by), caption=caption)


def xmr_chart(result: XmRResult, *, what: str = "complaints", caption: str = "",
              baseline: tuple[int, str, str] | None = None, events: pd.DataFrame | None = None) -> Chart:
    """:func:`cfanalysis.plots.plot_xmr` rendered with its alt text; ``events`` marked as labelled lines.

    ``baseline`` = (points, baseline label, tested label) labels the lines and marks where the
    baseline ends (:func:`cfanalysis.plots.label_control_lines`), and says so in the alt text.
    """
    return _control_chart(result, plots.plot_xmr(result, ylabel=what.capitalize(), events=events),
                          plots.describe_xmr(result, what=what, events=events), caption, baseline, "")


def tchart_chart(result: XmRResult, *, what: str = "complaints", caption: str = "",
                 baseline: tuple[int, str, str] | None = None, events: pd.DataFrame | None = None) -> Chart:
    """:func:`cfanalysis.plots.plot_tchart` with its alt text (``baseline``, ``events`` as :func:`xmr_chart`)."""
    return _control_chart(result, plots.plot_tchart(result, ylabel=f"Days between {what}", events=events),
                          plots.describe_tchart(result, what=what, events=events), caption, baseline, " days")


def _control_chart(result: XmRResult, ax, alt: str, caption: str, baseline: tuple[int, str, str] | None,
                   unit: str) -> Chart:
    points, before, after = baseline if baseline is not None else (None, "baseline", "tested period")
    plots.label_control_lines(ax, result, baseline_points=points, baseline_label=before, tested_label=after,
                              unit=unit)
    alt = f"{alt} {plots.describe_baseline(result, baseline_points=points, baseline_label=before, tested_label=after)}"
    return Chart.from_axes(ax, alt=alt, caption=caption)


def funnel_chart(result: Funnel, *, caption: str = "") -> Chart:
    """:func:`cfanalysis.plots.plot_funnel` rendered with its alt text."""
    return Chart.from_axes(plots.plot_funnel(result), alt=plots.describe_funnel(result), caption=caption)


def bar_chart(counts: Suppressed, *, title: str, what: str = "complaints", horizontal: bool = True,
              caption: str = "") -> Chart:
    """Grouped bars of a suppressed count table (its "Total" row left out), labels as published."""
    body = counts.without_row("Total")
    labels = body.text()
    ax = plots.plot_bars(body.values, labels=labels, hidden=body.hidden, small=body.small, threshold=body.below,
                         what=what, title=title, horizontal=horizontal)
    return Chart.from_axes(ax, alt=plots.describe_bars(body.values, labels=labels, title=title), caption=caption)
