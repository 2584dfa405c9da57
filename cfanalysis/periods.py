"""Financial years (April to March, labelled "2019-20"), months as users write them, working days.

Working days skip weekends and England and Wales bank holidays, as the statutory complaint
timescales count them.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "FinancialYear",
    "add_working_days",
    "bank_holidays",
    "financial_year_bounds",
    "financial_year_label",
    "financial_year_months",
    "financial_years_of",
    "month_label",
    "parse_financial_year",
    "previous_financial_year",
    "working_day_calendar",
    "working_days",
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


class FinancialYear(str):
    """A financial year, parsed once: the label ``"2019-20"`` (it is that string, so it compares,
    sorts, prints and serialises as the label) with its April year and bounds as attributes.

    Examples
    --------
    >>> year = FinancialYear.parse("2019/2020")
    >>> year, year.start_year, year.first_day.date(), year.previous
    ('2019-20', 2019, datetime.date(2019, 4, 1), '2018-19')
    """

    start_year: int

    def __new__(cls, start_year: int) -> FinancialYear:
        year = super().__new__(cls, f"{start_year}-{(start_year + 1) % 100:02d}")
        year.start_year = int(start_year)
        return year

    @classmethod
    def parse(cls, label: object) -> FinancialYear:
        """Read a label (``2019-20``, ``2019/20``, ``2019-2020``); ValueError naming the fix if it is not one."""
        return label if isinstance(label, FinancialYear) else cls(parse_financial_year(str(label)))

    @property
    def first_day(self) -> pd.Timestamp:
        return pd.Timestamp(date(self.start_year, 4, 1))

    @property
    def last_day(self) -> pd.Timestamp:
        return pd.Timestamp(date(self.start_year + 1, 3, 31))

    @property
    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __reduce__(self):  # pickles (and copies) as itself
        return (FinancialYear, (self.start_year,))


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


# --------------------------------------------------------------------------------------------
# Working days

FIRST_YEAR, LAST_YEAR = 2000, 2040


@lru_cache(maxsize=1)
def bank_holidays() -> tuple[np.datetime64, ...]:
    """England and Wales bank holidays, 2000 to 2040, from the ``holidays`` package.

    The package knows the moved and extra days (the 2020 May Day on Friday 8 May, the 2022
    jubilee and funeral, substitute days when Christmas falls at a weekend), which a hand-kept
    list would miss. Worked out on first use (the package's tables are imported then, not
    when cfanalysis is), then kept.
    """
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return tuple(sorted(np.datetime64(day, "D") for day in days))


def working_day_calendar() -> pd.offsets.CustomBusinessDay:
    """A pandas business-day offset that skips weekends and England and Wales bank holidays."""
    return pd.offsets.CustomBusinessDay(holidays=list(bank_holidays()))


def add_working_days(start: pd.Timestamp, days: int, calendar=None) -> pd.Timestamp:
    """The date ``days`` working days after ``start``."""
    return pd.Timestamp(start) + days * (calendar or working_day_calendar())


def working_days(start, end) -> pd.Series | float:
    """Working days from ``start`` to ``end``: a response on the next working day counts 1.

    Counts the working days after ``start`` up to and including ``end`` (weekends and England
    and Wales bank holidays skipped). A response on the day received is 0; a response before
    receipt is negative; a missing date gives NaN.

    Parameters
    ----------
    start, end
        Dates (scalars, or Series of the same length).

    Returns
    -------
    float or pandas.Series
        Working days, as float so that missing values stay NaN.

    Examples
    --------
    >>> working_days("2019-12-20", "2019-12-27")  # Friday to Friday over Christmas
    3.0
    """
    scalar = not isinstance(start, (pd.Series, pd.Index, np.ndarray, list))
    start_days = pd.to_datetime(pd.Series([start] if scalar else start))
    end_days = pd.to_datetime(pd.Series([end] if scalar else end))
    missing = (start_days.isna() | end_days.isna()).to_numpy()
    first = start_days.fillna(pd.Timestamp(0)).to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    last = end_days.fillna(pd.Timestamp(0)).to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    counts = np.busday_count(first, last, holidays=list(bank_holidays())).astype(float)
    counts[missing] = np.nan
    if scalar:
        return float(counts[0])
    return pd.Series(counts, index=start_days.index if not isinstance(start, pd.Series) else start.index,
                     name="working_days")
