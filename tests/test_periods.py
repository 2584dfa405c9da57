import math

import pandas as pd
import pytest

from cfanalysis.periods import (
    financial_year_bounds,
    financial_year_months,
    financial_years_of,
    month_label,
    parse_financial_year,
    previous_financial_year,
    working_days,
)


@pytest.mark.parametrize("label", ["2019-20", "2019/20", "2019-2020", " 2019-20 "])
def test_parse_financial_year_accepts_common_forms(label):
    assert parse_financial_year(label) == 2019


@pytest.mark.parametrize("label", ["2019", "2019-21", "19-20", "2019-2021", "April 2019", ""])
def test_parse_financial_year_rejects_with_example(label):
    with pytest.raises(ValueError, match="2019-20"):
        parse_financial_year(label)


def test_year_boundaries_31_march_and_1_april():
    dates = pd.Series(pd.to_datetime(["2020-03-31", "2020-04-01", "2019-04-01", "2020-02-29", None]))
    assert financial_years_of(dates).tolist() == ["2019-20", "2020-21", "2019-20", "2019-20", pd.NA]


def test_century_label():
    assert financial_years_of(pd.Series(pd.to_datetime(["2099-05-01"]))).tolist() == ["2099-00"]
    assert previous_financial_year("2000-01") == "1999-00"


def test_bounds_and_months_of_leap_year():
    start, end = financial_year_bounds("2019-20")
    assert (start, end) == (pd.Timestamp("2019-04-01"), pd.Timestamp("2020-03-31"))
    months = financial_year_months("2019-20")
    assert len(months) == 12 and str(months[0]) == "2019-04" and str(months[-1]) == "2020-03"
    assert months[-2].days_in_month == 29  # February 2020


def test_month_label_as_users_write_it():
    assert month_label(pd.Period("2020-01", "M")) == "Jan 2020"
    assert month_label(pd.Period("2020-01", "M"), long=True) == "January 2020"


@pytest.mark.parametrize("start, end, expected", [
    ("2019-12-20", "2019-12-27", 3),  # Fri to Fri over Christmas: 23, 24 and 27 December
    ("2019-12-24", "2019-12-27", 1),  # Christmas Day and Boxing Day are not working days
    ("2020-04-09", "2020-04-14", 1),  # Good Friday and Easter Monday 2020
    ("2020-05-07", "2020-05-11", 1),  # the 2020 May Day bank holiday moved to Friday 8 May
    ("2020-05-01", "2020-05-04", 1),  # so Monday 4 May 2020 was a working day
    ("2020-12-24", "2020-12-29", 1),  # Boxing Day 2020 fell on a Saturday: Monday 28 was the holiday
    ("2019-04-01", "2019-04-01", 0),  # same day
    ("2019-04-05", "2019-04-08", 1),  # Friday to Monday: next working day is 1
    ("2019-04-08", "2019-04-22", 8),  # two weeks over Easter 2019 (19 and 22 April)
])
def test_working_day_known_answers(start, end, expected):
    assert working_days(start, end) == expected


def test_working_days_vectorised_and_missing():
    days = working_days(pd.Series(pd.to_datetime(["2020-04-09", None])),
                        pd.Series(pd.to_datetime(["2020-04-14", "2020-04-14"])))
    assert days.iloc[0] == 1 and math.isnan(days.iloc[1])
