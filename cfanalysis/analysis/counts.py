"""Counts for a financial year: monthly (zero-filled), by a column, and escalation between stages."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cfanalysis.parameters import check_financial_year
from cfanalysis.periods import financial_year_months, month_label, parse_financial_year

__all__ = [
    "counts_by",
    "escalation",
    "in_financial_year",
    "monthly_counts",
    "monthly_table",
    "new_complaints",
]

NEW_COMPLAINTS = ("New complaints: each complaint counted once, in the month and year it was first received "
                  "(its earliest stage). Stage cases: a complaint counted again at each stage it reached "
                  "(workload). Tests, shares and comparisons with other councils use new complaints.")


def new_complaints(complaints: pd.DataFrame) -> pd.DataFrame:
    """Each complaint once: its earliest stage's row (month, year, team, category as first received).

    A complaint that escalates has a row per stage; counting rows counts it two or three times,
    and those repeats are not independent events, so tests and shares use this table instead.

    >>> frame = pd.DataFrame({"reference": ["A", "A", "B"], "stage": [2, 1, 1],
    ...                       "received_date": pd.to_datetime(["2019-06-01", "2019-04-01", "2019-05-01"])})
    >>> new_complaints(frame)["stage"].tolist()
    [1, 1]
    """
    order = [c for c in ("received_date", "stage") if c in complaints.columns]
    return complaints.sort_values(order, kind="stable").drop_duplicates("reference").sort_index()


def in_financial_year(frame: pd.DataFrame, financial_year: str) -> pd.DataFrame:
    """Rows of a loaded table whose ``financial_year`` is the one given."""
    parse_financial_year(financial_year)
    return frame[frame["financial_year"] == financial_year]


def monthly_counts(frame: pd.DataFrame, financial_year: str, *, by: str | None = "team",
                   groups: list[str] | None = None) -> pd.DataFrame:
    """Records per calendar month of a financial year, with months that had none shown as 0.

    Parameters
    ----------
    frame
        A loaded table with ``month`` and ``financial_year`` columns (complaints, compliments).
    financial_year
        ``"2019-20"`` style label.
    by
        Column to split by (``"team"``, ``"stage"``, ...), or None for the whole service.
    groups
        The groups to show. Default: every value of ``by`` in ``frame`` across all years, so a
        team with no complaints this year still appears, with zeros.

    Returns
    -------
    pandas.DataFrame
        Long form, April first: ``month`` (Period), ``month_label`` ("Apr 2019"), the ``by``
        column when given, and ``count`` (int).

    Raises
    ------
    ParameterError
        (a ValueError) When ``frame`` has no rows in ``financial_year``: no counts of zero for a
        year that is not in the data. "2019/20" and "2019-2020" are read as "2019-20".
    """
    financial_year = check_financial_year(financial_year, frame["financial_year"].dropna().unique(),
                                          records="records")
    months = financial_year_months(financial_year)
    year = in_financial_year(frame, financial_year)
    if by is None:
        counts = year.groupby("month").size().reindex(months, fill_value=0)
        result = counts.rename("count").reset_index()
    else:
        if groups is None:
            groups = sorted(frame[by].dropna().unique().tolist())
        full = pd.MultiIndex.from_product([months, groups], names=["month", by])
        counts = year.groupby(["month", by]).size().reindex(full, fill_value=0)
        result = counts.rename("count").reset_index()
    result.insert(1, "month_label", result["month"].map(month_label))
    result["count"] = result["count"].astype("int64")
    return result


def monthly_table(counts: pd.DataFrame, *, by: str = "team") -> pd.DataFrame:
    """Wide table from :func:`monthly_counts`: one row per group, one column per month, a total."""
    table = counts.pivot(index=by, columns="month", values="count")
    table.columns = [month_label(m) for m in table.columns]
    table["Total"] = table.sum(axis=1)
    table.index.name = by.replace("_", " ").capitalize()
    return table


def counts_by(frame: pd.DataFrame, financial_year: str, column: str, *,
              groups: list | None = None) -> pd.Series:
    """Records in a financial year by ``column``, most first; ``groups`` fixes the order and fills 0."""
    counts = in_financial_year(frame, financial_year).groupby(column).size()
    if groups is not None:
        counts = counts.reindex(groups, fill_value=0)
    else:
        counts = counts.sort_values(ascending=False, kind="stable")
    return counts.astype("int64").rename("count")


def escalation(complaints: pd.DataFrame, financial_year: str, *, from_stage: int = 1) -> dict[str, Any]:
    """How many complaints received at ``from_stage`` in the year went on to the next stage.

    A cohort measure: the denominator is the complaints received at ``from_stage`` in the
    year; the numerator those of them with a row at the next stage (same reference), whenever
    it was received.

    Returns
    -------
    dict
        ``complaints`` (denominator), ``escalated`` (numerator) and ``rate`` (a fraction, NaN
        when there were no complaints at ``from_stage``).
    """
    year = in_financial_year(complaints, financial_year)
    # Distinct references, matched without a Python loop over the rows (a ten-year national log).
    base = year.loc[year["stage"] == from_stage, "reference"].drop_duplicates()
    later = complaints.loc[complaints["stage"] == from_stage + 1, "reference"].unique()
    escalated = int(base.isin(later).sum())
    return {"complaints": len(base), "escalated": escalated,
            "rate": escalated / len(base) if len(base) else float("nan")}
