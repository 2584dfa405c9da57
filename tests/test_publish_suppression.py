"""Small-number suppression: values and masks, primary and secondary."""

import pandas as pd

from cfanalysis.publish.suppression import suppress


def test_suppression_with_secondary():
    table = pd.DataFrame({"2018-19": [3, 10, 12], "2019-20": [8, 2, 9]}, index=["A", "B", "C"])
    table.loc["Total"] = table.sum()
    result = suppress(table, 5, total_row="Total")
    shown = result.text()
    assert result.small.loc["A", "2018-19"] and result.hidden.loc["B", "2018-19"]
    assert not result.small.loc["B", "2018-19"]
    assert shown.loc["A", "2018-19"] == "fewer than 5" and shown.loc["B", "2019-20"] == "fewer than 5"
    # Column totals would reveal A (25 - 10 - 12 = 3), so the next smallest (B = 10) is hidden too.
    assert shown.loc["B", "2018-19"] == "not shown" and shown.loc["C", "2018-19"] == "12"
    assert suppress(table, 0).text().loc["A", "2018-19"] == "3"


def test_a_row_can_be_dropped_keeping_the_masks():
    table = pd.DataFrame({"n": [3, 7, 8]}, index=["A", "B", "C"])
    table.loc["Total"] = table.sum()
    body = suppress(table, 5, total_row="Total").without_row("Total")
    assert list(body.values.index) == ["A", "B", "C"]
    assert body.text()["n"].tolist() == ["fewer than 5", "not shown", "8"]
