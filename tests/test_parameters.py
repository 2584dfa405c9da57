"""Parameters checked in the library as on the command line (issue 12): year spellings, years and
teams without data, errors shown to people as one message, the data folder's default."""

import pandas as pd
import pytest

import cfanalysis as cf
from cfanalysis.parameters import CfanalysisError, ParameterError, check_financial_year, check_team
from cfanalysis.publish.display import Paragraph, Table
from cfanalysis.publish.run import ReportError, check_years, run_reports
from tests.conftest import EXAMPLE

YEARS_WITH_DATA = "Years with data: 2017-18, 2018-19, 2019-20"


@pytest.fixture(scope="module")
def example():
    return cf.load_data(EXAMPLE)


@pytest.mark.parametrize("spelling", ["2019-20", "2019/20", "2019-2020", "2019/2020", " 2019 / 20 "])
def test_year_spellings_are_normalised(spelling):
    assert check_financial_year(spelling, ["2019-20"]) == "2019-20"


@pytest.mark.parametrize("label, words", [("2019", "is not a financial year"), ("2019-21", "is not a financial year"),
                                          ("2024-25", "There are no complaints for 2024-25")])
def test_bad_years_are_refused_with_the_years_that_have_data(label, words):
    with pytest.raises(ParameterError, match=words) as refused:
        check_financial_year(label, ["2017-18", "2018-19", "2019-20"])
    assert YEARS_WITH_DATA in str(refused.value)


def test_unknown_team_lists_the_teams_and_suggests_the_nearest():
    with pytest.raises(ParameterError, match="Did you mean 'Fostering'\\? Teams in the data: Duty Team, Fostering"):
        check_team("Fosterin", ["Duty Team", "Fostering", "Fostering"])
    assert check_team("Duty Team", pd.Series(["Duty Team"])) == "Duty Team"


def test_library_entry_points_normalise_the_year(example):
    assert cf.compare_years(example.complaints, "2019/20").financial_year == "2019-20"
    counts = cf.monthly_counts(example.complaints, "2019-2020")
    assert counts["count"].sum() == (example.complaints["financial_year"] == "2019-20").sum()
    assert cf.annual_report(example, "2019/2020").financial_year == "2019-20"


@pytest.mark.parametrize("call", [
    lambda data: cf.compare_years(data.complaints, "2024-25"),
    lambda data: cf.monthly_counts(data.complaints, "2024-25"),
    lambda data: cf.annual_report(data, "2024-25"),
    lambda data: cf.team_question(data, "2024-25"),
], ids=["compare_years", "monthly_counts", "annual_report", "team_question"])
def test_no_statistics_for_a_year_without_data(example, call):
    with pytest.raises(ParameterError, match=YEARS_WITH_DATA):
        call(example)


@pytest.mark.parametrize("call, message", [
    (lambda data: cf.annual_report(data, "2019-20", team="Nobody"), "Teams in the data: Care Leavers"),
    (lambda data: cf.team_question(data, "2019-20", team="Nobody"), "Teams in the data: Care Leavers"),
    # A chart is given a frame: the message lists the frame's groups, not the data's teams.
    (lambda data: cf.monthly_lines_chart(cf.monthly_counts(data.complaints, "2019-20"), highlight="Nobody"),
     "not a team in the frame. The frame's team values: Care Leavers"),
], ids=["annual_report", "team_question", "monthly_lines_chart"])
def test_no_statistics_for_an_unknown_team(example, call, message):
    with pytest.raises(ParameterError, match=message):
        call(example)


def test_the_command_line_shares_the_check(example):
    assert check_years(["2019/20", "2019-20"], example) == ["2019-20"]
    with pytest.raises(ReportError, match=YEARS_WITH_DATA):
        check_years(["2024-25"], example)


@pytest.mark.slow
def test_the_runner_refuses_an_unknown_team_once_before_any_notebook(tmp_path):
    with pytest.raises(ReportError) as refused:
        run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=tmp_path, parameters={"team": "Nobody"})
    assert str(refused.value).count("There are no complaints for the team 'Nobody'") == 1
    assert not (tmp_path / "2019-20").exists() and not (tmp_path / "logs").exists()


def test_errors_for_people_render_as_their_message_in_a_notebook(tmp_path):
    assert issubclass(cf.DataLoadError, CfanalysisError) and issubclass(ReportError, CfanalysisError)
    assert ParameterError("Wrong year.\nWrite 2019-20.")._render_traceback_() == [
        "ParameterError: Wrong year.", "Write 2019-20."]
    with pytest.raises(cf.DataLoadError) as refused:
        cf.load_data(tmp_path).require_usable()
    lines = refused.value._render_traceback_()
    assert lines[0].startswith("DataLoadError: Data folder:") and any("Fix:" in line for line in lines)


def test_data_dir_none_means_the_example_data():
    assert cf.load_data(None).report.data_dir == EXAMPLE
    assert cf.load_data().synthetic


def test_display_objects_carry_the_report_styling():
    assert 'class="cf-verdict" style="border-left:6px solid #005ea5' in Paragraph("Yes.", kind="verdict")._repr_html_()
    table = Table(pd.DataFrame({"Team": ["Duty Team"], "Complaints": [20]}), "Complaints", index=False)._repr_html_()
    assert '<td class="cf-text" style="text-align:left' in table
    assert '<td class="cf-number" style="text-align:right' in table and "white-space:nowrap" in table
    # a numeric column's header sits over its numbers
    assert '<th scope="col" class="cf-number" style="text-align:right' in table
