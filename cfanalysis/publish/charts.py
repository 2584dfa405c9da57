"""Charts for reports: a ``plot_*`` drawing and its ``describe_*`` alt text, rendered together.

Each function here is one line of glue, so that a chart never reaches a report without the
description a screen reader needs.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis import plots
from cfanalysis.analysis.benchmarking import Funnel
from cfanalysis.analysis.spc import XmRResult
from cfanalysis.parameters import check_team
from cfanalysis.publish.display import Chart
from cfanalysis.publish.suppression import Suppressed

__all__ = ["bar_chart", "funnel_chart", "monthly_heatmap_chart", "monthly_lines_chart", "monthly_panels_chart",
           "tchart_chart", "xmr_chart"]


def monthly_lines_chart(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                        caption: str = "", suppress_below: int = 0, events: pd.DataFrame | None = None,
                        what: str = "complaints") -> Chart:
    """:func:`cfanalysis.plots.plot_monthly_lines` rendered with its alt text.

    A ``highlight`` that is not one of the ``by`` groups is refused (:class:`ParameterError`,
    listing the groups) rather than drawn as nothing. With ``suppress_below``, the alt text
    says "fewer than N" for counts below it (the chart has no number labels). ``events`` are
    marked as labelled lines.
    """
    if highlight is not None:
        check_team(highlight, counts[by])
    return Chart.from_axes(plots.plot_monthly_lines(counts, by=by, highlight=highlight, events=events,
                                                    ylabel=f"{what.capitalize()} received"),
                           alt=plots.describe_monthly_lines(counts, by=by, what=what, suppress_below=suppress_below,
                                                            events=events),
                           caption=caption)


def monthly_panels_chart(counts: pd.DataFrame, *, by: str = "team", highlight: str | None = None,
                         caption: str = "", suppress_below: int = 0, what: str = "complaints") -> Chart:
    """:func:`cfanalysis.plots.plot_monthly_panels` (one small panel per group) with its alt text.

    A ``highlight`` that is not one of the groups is refused (:class:`ParameterError`).
    """
    if highlight is not None:
        check_team(highlight, counts[by])
    alt = plots.describe_monthly_lines(counts, by=by, what=what, suppress_below=suppress_below)
    alt = alt.replace("Line chart of", f"Small multiples, one panel per {by.replace('_', ' ')}, each over the others "
                                      "in grey:", 1)
    return Chart.from_axes(plots.plot_monthly_panels(counts, by=by, highlight=highlight,
                                                     ylabel=f"{what.capitalize()} received"),
                           alt=alt, caption=caption)


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
