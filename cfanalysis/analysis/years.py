"""Which two years are compared, on which months, and whether the earlier year has data.

Built once, at the entry point of an analysis (:func:`compare_years`), and handed to every
function that compares a year with its baseline, so the rules live in one place: the baseline
defaults to the year before; a year still in progress is compared on the same months of the
baseline; a baseline without complaints means there is nothing to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cfanalysis.parameters import check_financial_year
from cfanalysis.periods import (
    financial_year_label,
    financial_year_months,
    month_label,
    parse_financial_year,
    previous_financial_year,
)

__all__ = ["YearComparison", "compare_years", "months_compared"]


def months_compared(complaints: pd.DataFrame, financial_year: str) -> pd.PeriodIndex:
    """The months of the year the data cover: all twelve, or April to the last month with data.

    A log exported in January covers April to December (or January, if it holds January's
    complaints); comparing those months with the same months of the baseline keeps like
    with like.
    """
    months = financial_year_months(financial_year)
    received = complaints["month"].dropna()
    if len(received) == 0:
        return months
    last = received.max()
    return months[months <= last] if last < months[-1] else months


@dataclass(frozen=True, eq=False)  # months are index objects: compared by identity
class YearComparison:
    """A financial year, the year it is compared with, and the months compared in each.

    ``months`` are the months of ``financial_year`` compared (April to March, or to the last
    month with data); ``baseline_months`` the same calendar months of ``baseline_year``.
    ``has_baseline`` is False when the baseline year has no complaints: reports then show the
    year on its own instead of a false rise from nothing.
    """

    financial_year: str
    baseline_year: str
    months: pd.PeriodIndex
    baseline_months: pd.PeriodIndex
    has_baseline: bool

    @property
    def partial(self) -> bool:
        """True when fewer than twelve months are compared (the year is not complete)."""
        return len(self.months) < 12

    @property
    def years_words(self) -> str:
        """'2018-19 and 2019-20', or just the year when there is nothing to compare with."""
        if self.has_baseline:
            return f"{self.baseline_year} and {self.financial_year}"
        return self.financial_year

    @property
    def period_words(self) -> str:
        """'2019-20 (April to March)', or 'April to December of 2019-20 and of 2018-19'."""
        if not self.partial:
            return f"{self.financial_year} (April to March)"
        first, last = (month_label(m, long=True).split()[0] for m in (self.months[0], self.months[-1]))
        return f"{first} to {last} of {self.financial_year} and of {self.baseline_year}"


def compare_years(complaints: pd.DataFrame, financial_year: str, baseline_year: str | None = None) -> YearComparison:
    """The comparison of ``financial_year`` with ``baseline_year`` (default: the year before).

    Parameters
    ----------
    complaints
        Loaded complaints (``month``, ``financial_year``).
    financial_year, baseline_year
        ``"2019-20"``-style labels.

    Raises
    ------
    ValueError
        When a label is not a financial year, or the baseline is not before the year.
    ParameterError
        (a ValueError) When ``financial_year`` has no complaints: the message lists the years
        that have. "2019/20", "2019-2020" and "2019/2020" are read as "2019-20".

    Examples
    --------
    >>> frame = pd.DataFrame({"month": pd.PeriodIndex(["2019-04", "2019-12"], freq="M"),
    ...                       "financial_year": ["2019-20", "2019-20"]})
    >>> years = compare_years(frame, "2019-20")
    >>> years.baseline_year, len(years.months), years.has_baseline
    ('2018-19', 9, False)
    """
    financial_year = check_financial_year(financial_year, complaints["financial_year"].dropna().unique())
    start = parse_financial_year(financial_year)
    baseline_year = (financial_year_label(parse_financial_year(baseline_year)) if baseline_year
                     else previous_financial_year(financial_year))
    shift = 12 * (start - parse_financial_year(baseline_year))
    if shift <= 0:
        raise ValueError(f"The baseline year {baseline_year} must come before {financial_year}.")
    months = months_compared(complaints, financial_year)
    baseline_months = pd.PeriodIndex([m - shift for m in months], freq="M")
    has_baseline = bool((complaints["financial_year"] == baseline_year).any())
    return YearComparison(financial_year, baseline_year, months, baseline_months, has_baseline)
