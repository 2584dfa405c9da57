"""Working days under England and Wales bank holidays, for the statutory timescales."""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

__all__ = ["add_working_days", "bank_holidays", "working_day_calendar", "working_days"]

FIRST_YEAR, LAST_YEAR = 2000, 2040


@lru_cache(maxsize=1)
def bank_holidays() -> tuple[np.datetime64, ...]:
    """England and Wales bank holidays, 2000 to 2040, from the ``holidays`` package.

    The package knows the moved and extra days (the 2020 May Day on Friday 8 May, the 2022
    jubilee and funeral, substitute days when Christmas falls at a weekend), which a hand-kept
    list would miss.
    """
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
