"""Charts are checked by what they plot and where their text sits, never by their pixels: a
matplotlib or font upgrade changes every PNG byte but must not fail the suite.

Each chart's plotted data must equal the typed result it was drawn from, and its text (title,
axis labels, tick labels, legend, direct labels) must sit inside the figure without overlapping.
"""

import itertools

import numpy as np
import pandas as pd
import pytest

from cfanalysis import load_data, monthly_counts
from cfanalysis.analysis.benchmarking import funnel
from cfanalysis.analysis.spc import xmr
from cfanalysis.plots import plot_bars, plot_funnel, plot_monthly_lines, plot_xmr
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


def _ticks_in_view(axis, labels, limits):
    low, high = sorted(limits)
    return [label for tick, label in zip(axis.get_ticklocs(), labels) if low <= tick <= high]


def text_groups(ax) -> dict[str, list]:
    """The chart's visible, non-empty texts in groups: title and axis labels, each axis's tick
    labels (in view), the legend, and the labels drawn on the data."""
    ax.figure.canvas.draw()
    legend = ax.get_legend()
    groups = {"titles": [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.figure.texts],
              "x ticks": _ticks_in_view(ax.xaxis, ax.get_xticklabels(), ax.get_xlim()),
              "y ticks": _ticks_in_view(ax.yaxis, ax.get_yticklabels(), ax.get_ylim()),
              "legend": [*legend.get_texts(), legend.get_title()] if legend else [],
              "labels": list(ax.texts)}
    return {name: [t for t in texts if t.get_visible() and str(t.get_text()).strip()] for name, texts in groups.items()}


def layout_problems(ax) -> list[str]:
    """Texts outside the figure, or overlapping a text of another group (or, for labels drawn
    on the data, one another). Tick labels of one axis may touch when rotated."""
    renderer = ax.figure.canvas.get_renderer()
    figure_box = ax.figure.bbox
    groups = text_groups(ax)
    boxes = [(name, t.get_text(), t.get_window_extent(renderer)) for name, texts in groups.items() for t in texts]
    problems = [f"{text!r} outside the figure" for _, text, box in boxes
                if box.x0 < figure_box.x0 - 1 or box.x1 > figure_box.x1 + 1
                or box.y0 < figure_box.y0 - 1 or box.y1 > figure_box.y1 + 1]
    for (group_a, a, box_a), (group_b, b, box_b) in itertools.combinations(boxes, 2):
        if group_a == group_b and group_a != "labels":
            continue
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_x > 2 and overlap_y > 2:
            problems.append(f"{a!r} ({group_a}) overlaps {b!r} ({group_b})")
    return problems


def test_monthly_lines_plot_each_teams_counts_in_month_order(example):
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    ax = plot_monthly_lines(counts, highlight="Duty Team")
    plotted = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()
               if not line.get_label().startswith("_")}
    expected = {team: list(group.sort_values("month")["count"]) for team, group in counts.groupby("team")}
    assert plotted == expected
    assert len(next(iter(plotted.values()))) == 12
    assert not layout_problems(ax), layout_problems(ax)


def test_bars_plot_the_table_values_for_another_councils_teams():
    table = pd.DataFrame({"2020-21": [14, 6, 31], "2021-22": [9, 17, 28]},
                         index=["Front Door", "Youth Justice", "Adoption"])
    ax = plot_bars(table, title="New complaints by team")
    widths = sorted(round(patch.get_width(), 6) for patch in ax.patches if patch.get_width())
    assert widths == sorted(table.to_numpy().ravel().tolist())
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert set(table.index) <= labels
    assert not layout_problems(ax), layout_problems(ax)


def test_xmr_plots_the_points_centre_and_limits_of_the_result():
    dates = list(pd.period_range("2021-04", periods=24, freq="M"))
    values = [3, 5, 2, 7, 4, 6, 3, 5, 4, 8, 9, 12] * 2
    result = xmr(values, dates=dates)
    ax = plot_xmr(result)
    series = [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()]
    assert any(len(y) == 24 and np.allclose(y, values) for y in series)  # the points
    for column in ("mean", "upper_limit"):
        level = result.points[column].to_numpy(float)
        assert any(len(y) == len(level) and np.allclose(y, level) for y in series), column
    assert not layout_problems(ax), layout_problems(ax)


def test_funnel_plots_each_authority_at_its_denominator_and_rate(example):
    result = funnel(example.comparators, "2019-20", denominator="children_in_need", highlight=example.authority)
    ax = plot_funnel(result)
    offsets = np.vstack([collection.get_offsets() for collection in ax.collections if len(collection.get_offsets())])
    points = {(round(float(x), 3), round(float(y), 3)) for x, y in offsets}
    frame = result.to_frame() if hasattr(result, "to_frame") else result.points
    x_column = next(c for c in frame.columns if "denominator" in c or c == "children_in_need")
    y_column = next(c for c in frame.columns if c.startswith("rate"))
    expected = {(round(float(x), 3), round(float(y), 3)) for x, y in zip(frame[x_column], frame[y_column])}
    assert expected <= points
    assert not layout_problems(ax), layout_problems(ax)


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
def test_the_layout_check_finds_text_outside_the_figure_or_on_other_text():
    table = pd.DataFrame({"2021-22": [9, 17]}, index=["Front Door", "Adoption"])
    ax = plot_bars(table)
    ax.text(17, 1, "17", ha="left", va="center")  # a second label on the bar's own label
    ax.text(1.5, 0.5, "Off the page", transform=ax.figure.transFigure)
    problems = layout_problems(ax)
    assert "'17' (labels) overlaps '17' (labels)" in problems, problems
    assert "'Off the page' outside the figure" in problems
