"""A year not yet complete: 01, 02, 03 and summary.json give the data date and compare the same months only.

Another council's export (tests/second_council.py: other teams, years, headers and values), with its
data ending in June 2023, three months into 2023-24 (as a log exported on 30 June would).
"""

import dataclasses
import json

import pandas as pd
import pytest

from cfanalysis import annual_report, data_period, load_data, team_question
from cfanalysis.analysis.figures import annual_figures
from cfanalysis.analysis.years import compare_years
from cfanalysis.publish.disclosure import disclosure_policy
from cfanalysis.publish.outputs import summary_text
from cfanalysis.publish.sentences import data_date, period_note
from tests.second_council import MISTYPED_NAME, raw_complaints, write_second_council

PERIOD = ("The data run to June 2023, so 2023-24 is not complete and only the same months are compared: "
          "April to June of 2023-24 and of 2022-23.")


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    folder = write_second_council(tmp_path_factory.mktemp("second-council") / "data")
    return load_data(folder, as_of="2024-12-31"), folder


@pytest.fixture(scope="module")
def june(council):
    """The same council's data as they stood on 30 June 2023 (load_data(..., as_of="2023-06-30"))."""
    full, _ = council
    cut = pd.Period("2023-06", "M")
    tables = {name: getattr(full, name)[getattr(full, name)["month"] <= cut]
              for name in ("complaints", "compliments", "ombudsman")}
    return dataclasses.replace(full, **tables, as_of=pd.Timestamp("2023-06-30"))


def test_the_one_sentence_names_the_data_date_and_the_months(june):
    note = period_note(june, "2023-24")
    assert note == f"Figures are for the data as at 30 June 2023. {PERIOD}"
    assert data_period(june, "2023/24").text == note  # 01's cell; "2023/24" is read as 2023-24


def test_a_complete_year_gives_the_data_date_only(council):
    full, _ = council
    assert period_note(full, "2022-23") == "Figures are for the data as at 31 December 2024."
    # Without an as_of the date is the latest date in the data, any dated column (so reruns print the same).
    latest = max(frame.select_dtypes("datetime").max().max() for frame in (full.complaints, full.compliments,
                                                                         full.ombudsman))
    assert data_date(full) == f"{latest:%-d %B %Y}"
    undated = dataclasses.replace(full, as_of=None)
    assert period_note(undated, "2022-23") == f"Figures are for the data as at {latest:%-d %B %Y}."


def test_02_and_03_carry_the_same_sentence(june, council):
    question = team_question(june, "2023-24")
    assert PERIOD in repr(question.introduction()) and "as at 30 June 2023" in repr(question.introduction())
    report = annual_report(june, "2023-24")
    points = repr(report.main_points_section())
    assert f"Figures are for the data as at 30 June 2023. {PERIOD}" in points
    assert "30 June 2023" in repr(report.cover_sheet())
    # The same months: reference counts by plain pandas on the truth records of the generator.
    _, folder = council
    raw = raw_complaints(folder)  # the file read back with plain pandas
    new = raw[(raw["Complaint Stage"] == "Local resolution") & (raw["Team Name"] != MISTYPED_NAME)]
    month = pd.to_datetime(new["Date Logged"], dayfirst=True).dt.to_period("M").astype(str)
    figures = report.figures
    assert list(figures.years.months.astype(str)) == ["2023-04", "2023-05", "2023-06"]
    assert list(figures.years.baseline_months.astype(str)) == ["2022-04", "2022-05", "2022-06"]
    assert figures.before.new_complaints == int(month.isin(["2022-04", "2022-05", "2022-06"]).sum())
    assert figures.now.new_complaints == int(month.isin(["2023-04", "2023-05", "2023-06"]).sum())


def test_summary_json_says_which_months_and_the_data_date(june):
    figures = annual_figures(june, compare_years(june.complaints, "2023-24"))
    for audience in ("internal", "public"):
        record = json.loads(summary_text(figures, team_tests=None, files={}, policy=disclosure_policy(audience),
                                         data_date=data_date(june, june.as_of)))
        assert record["data_date"] == "30 June 2023" and record["complete_year"] is False
        assert record["months_compared"] == ["2023-04", "2023-06"]
        assert record["baseline_months_compared"] == ["2022-04", "2022-06"]
        assert record["period"] == "April to June of 2023-24 and of 2022-23"
