"""Charts read at the size shown: text at least 0.8 of the body text, distinct colours, legends
outside the data; report 01's table has totals."""

import cfanalysis as cf
import re
import struct
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cfanalysis import load_data, monthly_counts
from cfanalysis.analysis.benchmarking import funnel
from cfanalysis.analysis.spc import xmr
from cfanalysis.plots import PALETTE, plot_bars, plot_funnel, plot_monthly_lines, plot_xmr
from cfanalysis.publish.display import CHART_DPI, Chart
from cfanalysis.publish.monthly import monthly_counts_table
from tests.conftest import EXAMPLE

CSS = (Path(__file__).resolve().parents[1] / "cfanalysis/publish/templates/cfreport/report.css").read_text()


def _px(pattern: str, text: str = CSS) -> float:
    return float(re.search(pattern, text).group(1))


def displayed():
    """(body text px, text width px) on screen and in print, read from the report stylesheet."""
    screen_width = _px(r"body \{[^}]*max-width: (\d+)px") - 2 * _px(r"body \{[^}]*padding: (\d+)px")
    screen_body = _px(r"body \{[^}]*font-size: (\d+)px")
    page_mm = 210 - 2 * _px(r"@page \{[^}]*margin: (\d+)mm")
    print_block = CSS[CSS.index("@media print"):]
    print_body = _px(r"body \{[^}]*font-size: ([\d.]+)pt", print_block) * 96 / 72
    return {"screen": (screen_body, screen_width), "print": (print_body, page_mm * 96 / 25.4)}


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


def _charts(example):
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    dates = list(pd.period_range("2018-04", periods=24, freq="M"))
    table = pd.DataFrame({"2018-19": [12, 3, 30], "2019-20": [20, 8, 25]}, index=["Duty Team", "Fostering",
                                                                                  "Children in Care"])
    return {
        "monthly lines": plot_monthly_lines(counts, highlight="Duty Team"),
        "xmr": plot_xmr(xmr([3, 5, 2, 7, 4, 6, 3, 5, 4, 8, 9, 12] * 2, dates=dates)),
        "funnel": plot_funnel(funnel(example.comparators, "2019-20", denominator="children_in_need",
                                     highlight=example.authority)),
        "bars": plot_bars(table, title="New complaints by team"),
    }


def _png_width(png: bytes) -> int:
    return struct.unpack(">I", png[16:20])[0]


def test_every_chart_text_is_at_least_080_of_body_text_where_shown(example):
    sizes = displayed()
    failures = []
    for name, ax in _charts(example).items():
        figure = ax.figure
        figure.canvas.draw()
        texts = [t for t in figure.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]
        smallest = min(t.get_fontsize() for t in texts)
        width_px = _png_width(Chart.from_axes(ax, alt="x").png)
        assert width_px == round(figure.get_figwidth() * CHART_DPI)  # the whole figure, uncropped
        for medium, (body_px, text_width_px) in sizes.items():
            shown = min(width_px, text_width_px)
            smallest_px = smallest / 72 * CHART_DPI * shown / width_px
            if smallest_px < 0.8 * body_px:
                failures.append(f"{name} ({medium}): {smallest_px:.1f} px against body {body_px:.1f} px")
    assert not failures, failures


def test_up_to_eight_groups_never_share_a_colour(example):
    assert len(set(PALETTE)) == 8
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    ax = plot_monthly_lines(counts)
    colours = [line.get_color() for line in ax.get_lines()]
    assert len(colours) == counts["team"].nunique() == len(set(colours))
    assert not {"#0072B2", "#56B4E9"} <= set(colours[:6])  # the two blues are never both among six teams


def test_legends_sit_outside_the_plot_area(example):
    for name, ax in _charts(example).items():
        figure = ax.figure
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        plot_area = ax.get_window_extent(renderer)
        assert legend.x0 >= plot_area.x1 or legend.y1 <= plot_area.y0, name
        assert legend.x1 <= figure.bbox.x1 + 1, f"{name}: legend cut off"


def test_monthly_table_has_a_total_row_and_column_and_hides_small_counts(example):
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    frame = monthly_counts_table(counts, caption="c").frame
    assert frame.index[-1] == "Total" and frame.columns[-1] == "Total"
    assert frame.loc["Total", "Total"] == counts["count"].sum() == frame["Total"].iloc[:-1].sum()
    shown = monthly_counts_table(counts, caption="c", policy=cf.disclosure_policy("internal", 5)).frame
    assert not shown.isin(["1", "2", "3", "4", 1, 2, 3, 4]).any().any()
    assert (shown == "fewer than 5").any().any()
    public = monthly_counts_table(counts, caption="c", policy=cf.disclosure_policy("public")).frame
    assert public.columns[-1] == "Total" and all("-" in c for c in public.columns[:-1])  # quarters or halves
    assert (public == "[c]").any().any() and not public.isin(["1", "2", "3", "4"]).any().any()
