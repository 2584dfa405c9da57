"""Report 01's table: monthly counts by group, with a Total row and a Total column, suppressed."""

from __future__ import annotations

import pandas as pd

from cfanalysis.analysis.counts import monthly_table
from cfanalysis.publish.display import Table
from cfanalysis.publish.suppression import suppress

__all__ = ["monthly_counts_table"]


def monthly_counts_table(counts: pd.DataFrame, *, by: str = "team", caption: str = "",
                         suppress_below: int = 0) -> Table:
    """One row per group and a Total row, one column per month and a Total column.

    Counts below ``suppress_below`` read "fewer than N" and the totals are protected the same
    way as in the annual report (:func:`cfanalysis.publish.suppression.suppress`).

    Examples
    --------
    >>> counts = pd.DataFrame({"month": pd.PeriodIndex(["2019-04", "2019-04", "2019-05", "2019-05"], freq="M"),
    ...                        "team": ["A", "B", "A", "B"], "count": [3, 7, 8, 9]})
    >>> monthly_counts_table(counts, caption="c").frame.loc["Total"].tolist()
    [10, 17, 27]
    >>> monthly_counts_table(counts, caption="c", suppress_below=5).frame.loc["A"].tolist()
    ['fewer than 5', 'not shown', '11']
    """
    table = monthly_table(counts, by=by)
    table.loc["Total"] = table.sum(axis=0)
    table = table.astype("int64")
    if not suppress_below:
        return Table(table, caption=caption)
    shown = suppress(table, suppress_below, total_row="Total", total_column="Total").text()
    shown.index.name = table.index.name
    return Table(shown, caption=caption)
