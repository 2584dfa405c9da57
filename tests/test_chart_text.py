"""No text on a chart overlaps other text (legend, line labels, event labels, ticks, titles), and event
labels stay inside the plot, clear of the axis. Checked on the rendered figures' text bounding boxes,
on the example data and on a differently shaped council's (tests/test_panel_story.py)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

import cfanalysis as cf
from cfanalysis import plots
from cfanalysis.analysis.counts import new_complaints
from cfanalysis.publish.events import events_for
from cfanalysis.publish.team import control_chart_for
from tests.conftest import EXAMPLE
from tests.test_panel_story import other_council


@pytest.fixture(scope="module")
def example():
    return cf.load_data(EXAMPLE)


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    return cf.load_data(other_council(tmp_path_factory.mktemp("council")))


def _boxes(figure):
    """(text, bounding box) of every visible, non-empty text of a drawn figure."""
    from matplotlib.text import Text

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    found = []
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.axes is None or (
                text.get_visible() and text.get_text().strip() and text.axes.get_visible()):
            found.append((text, text.get_window_extent(renderer).expanded(0.98, 0.9)))
    return found


def collisions(figure) -> list[tuple[str, str]]:
    return [(a.get_text(), b.get_text()) for (a, box_a), (b, box_b) in itertools.combinations(_boxes(figure), 2)
            if box_a.overlaps(box_b)]


def _control_figure(data, team, year, baseline_year):
    complaints = new_complaints(data.complaints)
    months = pd.period_range(f"{baseline_year[:4]}-04", f"{int(year[:4]) + 1}-03", freq="M")
    series = complaints[complaints["team"] == team].groupby("month").size().reindex(months, fill_value=0)
    control = control_chart_for(complaints, team, series)
    events = events_for(data.events, team)
    draw = plots.plot_tchart if control["kind"] == "tchart" else plots.plot_xmr
    ax = draw(control["result"], events=events)
    plots.label_control_lines(ax, control["result"], baseline_points=control["baseline_points"],
                              baseline_label=baseline_year, tested_label=year,
                              unit=" days" if control["kind"] == "tchart" else "")
    return ax.figure


def test_control_chart_legend_and_line_labels_do_not_collide(example):
    figure = _control_figure(example, "Duty Team", "2019-20", "2018-19")
    assert not collisions(figure)


def test_control_chart_of_a_busier_team_elsewhere(other):
    figure = _control_figure(other, "Front Door", "2022-23", "2021-22")
    assert not collisions(figure)


def test_event_labels_stay_inside_the_plot(example):
    figure = _control_figure(example, "Duty Team", "2019-20", "2018-19")
    ax = figure.axes[0]
    figure.canvas.draw()
    plot = ax.get_window_extent()
    labels = [t for t in ax.texts if t.get_rotation() == 90]
    assert labels  # the example's events are drawn
    for text in labels:
        box = text.get_window_extent()
        assert box.y0 >= plot.y0 - 1 and box.y1 <= plot.y1 + 1, text.get_text()


def test_monthly_panels_have_no_overlapping_text(example, other):
    for data, year, team in ((example, "2019-20", "Duty Team"), (other, "2022-23", "Front Door")):
        counts = cf.monthly_counts(data.complaints, year, by="team")
        ax = plots.plot_monthly_panels(counts, highlight=team)
        assert not collisions(ax.figure)
        assert len([a for a in ax.figure.axes if a.get_visible()]) == counts["team"].nunique()


def test_one_series_has_no_legend_and_many_do(example):
    counts = cf.monthly_counts(example.complaints, "2019-20", by="team")
    one = counts[counts["team"] == "Duty Team"]
    assert plots.plot_monthly_lines(one).get_legend() is None
    assert plots.plot_monthly_lines(counts).get_legend() is not None


def test_alt_text_names_the_period_of_its_totals(example):
    question = cf.event_question(example, "2019-20")
    alt = question.chart().alt
    assert "Totals for the year" not in alt
    assert "Totals, April 2018 to March 2020: Compliments 89" in alt


def test_compliments_chart_has_no_overlapping_text(example):
    question = cf.event_question(example, "2019-20")
    counts = question.monthly.rename("count").rename_axis("month").reset_index().assign(series="Compliments")
    counts["month_label"] = [m.strftime("%b %Y") for m in counts["month"]]
    ax = plots.plot_monthly_lines(counts, by="series", events=question.events)
    assert not collisions(ax.figure)


def test_boxes_keep_dark_text_on_their_light_background_in_any_theme():
    from cfanalysis.publish.display import STYLES

    for kind in ("verdict", "synthetic", "head"):
        assert "background" in STYLES[kind] and "color:#0b0c0c" in STYLES[kind], kind
