"""Financial years (April to March, labelled "2019-20") and calendar months as users write them."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

__all__ = [
    "financial_year_bounds",
    "financial_year_label",
    "financial_year_months",
    "financial_years_of",
    "month_label",
    "parse_financial_year",
    "previous_financial_year",
]

_FY_PATTERN = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")


def parse_financial_year(label: str) -> int:
    """Return the starting calendar year of a financial year label such as ``"2019-20"``.

    Raises
    ------
    ValueError
        When the label is not of the form ``YYYY-YY`` with consecutive years.

    Examples
    --------
    >>> parse_financial_year("2019-20")
    2019
    """
    match = _FY_PATTERN.match(str(label))
    if match:
        start, end = int(match.group(1)), match.group(2)
        expected = f"{(start + 1) % 100:02d}" if len(end) == 2 else str(start + 1)
        if end == expected:
            return start
    raise ValueError(
        f"'{label}' is not a financial year. Write it as the April year and the next, "
        "for example '2019-20' for April 2019 to March 2020."
    )


def financial_year_label(start_year: int) -> str:
    """``2019`` -> ``"2019-20"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def previous_financial_year(label: str) -> str:
    """``"2019-20"`` -> ``"2018-19"``."""
    return financial_year_label(parse_financial_year(label) - 1)


def financial_year_bounds(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (inclusive) of a financial year: 1 April to 31 March."""
    start = parse_financial_year(label)
    return pd.Timestamp(date(start, 4, 1)), pd.Timestamp(date(start + 1, 3, 31))


def financial_years_of(dates: pd.Series) -> pd.Series:
    """Financial year label of each date (missing dates give missing labels).

    January to March belong to the year that started the previous April, so 31 March 2020
    is in "2019-20" and 1 April 2020 in "2020-21".
    """
    dates = pd.to_datetime(pd.Series(dates))
    start = dates.dt.year - (dates.dt.month < 4)
    labels = {y: financial_year_label(int(y)) for y in start.dropna().unique()}
    return start.map(labels).astype("string")


def financial_year_months(label: str) -> pd.PeriodIndex:
    """The twelve calendar months of a financial year, April first."""
    start, _ = financial_year_bounds(label)
    return pd.period_range(start=start, periods=12, freq="M", name="month")


def month_label(month: pd.Period | pd.Timestamp, *, long: bool = False) -> str:
    """A month as users write it: ``"Apr 2019"`` (or ``"April 2019"`` with ``long=True``)."""
    return month.strftime("%B %Y" if long else "%b %Y")
