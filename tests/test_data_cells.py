"""Cell parsers: one raw cell in, a value or a problem (with its fix) out."""

from datetime import datetime

import pandas as pd
import pytest

from cfanalysis.data.cells import parse_date, parse_month, parse_stage


@pytest.mark.parametrize("raw, expected", [
    ("03/04/2019", "2019-04-03"),  # day first: 3 April, never 4 March
    ("3/4/19", "2019-04-03"),
    ("03-04-2019", "2019-04-03"),
    ("03.04.2019", "2019-04-03"),
    ("2019-04-03", "2019-04-03"),
    ("2019-04-03 14:30:00", "2019-04-03"),
    ("3 April 2019", "2019-04-03"),
    ("03-Apr-2019", "2019-04-03"),
    (43558, "2019-04-03"),  # Excel serial: =DATE(2019,4,3) shows 43558
    ("43558", "2019-04-03"),
    (datetime(2019, 4, 3, 9, 15), "2019-04-03"),
    ("29/02/2020", "2020-02-29"),
    ("2019/04/03", "2019-04-03"),  # year first is never ambiguous
    ("03/04/2019 9:30 AM", "2019-04-03"),
    ("2019-04-03T09:30:00Z", "2019-04-03"),
])
def test_dates_read_day_first(raw, expected):
    assert parse_date(raw).value == pd.Timestamp(expected)


@pytest.mark.parametrize("raw, words", [
    ("04/25/2019", "US date"),
    ("31/02/2019", "not a real calendar date"),
    ("29/02/2019", "not a real calendar date"),
    ("next Tuesday", "not a date"),
    ("", "blank"),
    ("01/01/1901", "before 1990"),
])
def test_bad_dates_say_why(raw, words):
    parsed = parse_date(raw)
    assert parsed.value is None and words in parsed.problem and parsed.fix


def test_us_date_is_flagged_month_first():
    assert parse_date("04/25/2019").month_first


@pytest.mark.parametrize("raw", ["1", 1, 1.0, "Stage 1", "stage1", "S1", "s 1", "Stage One", "ONE",
                                 "Stage 1 - Local resolution", "Local resolution", "Stage I"])
def test_stage_one_spellings(raw):
    assert parse_stage(raw).value == 1


@pytest.mark.parametrize("raw, stage", [("Stage Two", 2), ("S3", 3), ("Review panel", 3),
                                        ("Investigation", 2), ("stage iii", 3)])
def test_other_stages(raw, stage):
    assert parse_stage(raw).value == stage


@pytest.mark.parametrize("raw", ["4", "Stage 4", "informal", "", 0])
def test_unknown_stage(raw):
    assert parse_stage(raw).value is None


@pytest.mark.parametrize("raw", ["Apr-19", "April 2019", "Apr 2019", "2019-04", "01/04/2019",
                                 "15/04/2019", datetime(2019, 4, 1), 43556])
def test_months(raw):
    assert parse_month(raw).value == pd.Period("2019-04", "M")
