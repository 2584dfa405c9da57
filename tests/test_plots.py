"""Charts follow seaborn's contract (data in, ax=None, **kwargs, the Axes back) and describe themselves."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cfanalysis import load_data, monthly_counts
from cfanalysis.analysis.benchmarking import funnel
from cfanalysis.analysis.spc import xmr
from cfanalysis.plots import (
    describe_bars,
    describe_funnel,
    describe_xmr,
    plot_bars,
    plot_funnel,
    plot_monthly_heatmap,
    plot_monthly_lines,
    plot_xmr,
)
from tests.conftest import EXAMPLE

WORKED = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


def test_plot_returns_axes_and_alt_text_describes_it():
    dates = list(pd.period_range("2019-04", periods=len(WORKED), freq="M"))
    result = xmr(WORKED, dates=dates, screen_outliers=True)
    ax = plot_xmr(result)
    assert ax.get_ylabel() == "Complaints"
    text = describe_xmr(result)
    assert "April 2019 to September 2020" in text and "Aug 2019" in text
    assert np.isclose(result.points["mean"].iloc[0], 1.944, atol=1e-3)


def test_every_plot_draws_on_the_axes_it_is_given(example):
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    result = funnel(example.comparators, "2019-20", denominator="children_in_need")
    table = pd.DataFrame({"2018-19": [3, 10], "2019-20": [8, 2]}, index=["A", "B"])
    calls = [(plot_monthly_lines, counts), (plot_monthly_heatmap, counts), (plot_xmr, xmr(WORKED)),
             (plot_funnel, result), (plot_bars, table)]
    for plot, data in calls:
        _, ax = plt.subplots()
        assert plot(data, ax=ax) is ax, plot.__name__
        assert ax.has_data(), plot.__name__


def test_kwargs_reach_the_main_drawing_call(example):
    counts = monthly_counts(example.complaints, "2019-20", by="team")
    ax = plot_monthly_lines(counts, linestyle=":")
    assert {line.get_linestyle() for line in ax.get_lines()} == {":"}


def test_funnel_alt_text_names_where_the_council_sits(example):
    result = funnel(example.comparators, "2019-20", denominator="children_in_need",
                    highlight="Example Council (synthetic)")
    text = describe_funnel(result)
    assert "Example Council (synthetic) is highlighted at" in text and "limits" in text


def test_hidden_bars_reveal_nothing():
    table = pd.DataFrame({"2019-20": [3, 10]}, index=["A", "B"])
    labels = pd.DataFrame({"2019-20": ["fewer than 5", "10"]}, index=["A", "B"])
    small = pd.DataFrame({"2019-20": [True, False]}, index=["A", "B"])
    ax = plot_bars(table, labels=labels, hidden=small, small=small, threshold=5)
    heights = sorted(patch.get_width() for patch in ax.patches)
    assert heights == [5, 10]  # the hidden 3 is drawn at the threshold, not at 3
    assert [t.get_text() for t in ax.texts] == ["fewer than 5", "10"]
    expected = "Bar chart: T. A: fewer than 5 in 2019-20; B: 10 in 2019-20."
    assert describe_bars(table, labels=labels, title="T") == expected
