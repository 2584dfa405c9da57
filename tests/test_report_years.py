"""What a year's reports may say about other years (issue 19, smaller fixes):

- a report for a year uses no month after that year (a 2018-19 report built in 2020 says what it said
  in 2019: monitoring says how many months would confirm a change, never what 2019-20 showed);
- a first year (no earlier data) says so once per report, and shows no column of zeros for the
  year before;
- team names ending in "s" take the apostrophe alone everywhere; counts agree with their nouns.

On the example and on the second council (tests/second_council.py), from the library.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

import cfanalysis as cf
from cfanalysis.periods import financial_year_months
from cfanalysis.publish.descriptions import monitoring_statement
from cfanalysis.publish.display import Parts, Table
from tests.conftest import EXAMPLE, write_csv
from tests.report_text import report_text
from tests.second_council import write_second_council

TEAM_PARTS = ("introduction", "verdict", "control_chart", "flagged_points", "checks", "teams_table",
              "demand_section", "timing")
ANNUAL_BODY = ("main_points_section", "headline_section", "team_section", "attitude_section", "timeliness_section",
               "statutory_section", "compliments_section", "ombudsman_section", "actions_section", "teams_section",
               "categories_section", "outcomes_section", "compliments_appendix", "team_appendix")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    return {"example": cf.load_data(EXAMPLE),
            "second": cf.load_data(write_second_council(tmp_path_factory.mktemp("second")))}


def text(shown) -> str:
    return report_text(shown._repr_html_())


def _until(data, financial_year: str):
    """The dataset as it stood at the end of ``financial_year`` (nothing received later)."""
    last = financial_year_months(financial_year)[-1]
    return dataclasses.replace(data, complaints=data.complaints[data.complaints["month"] <= last])


@pytest.mark.parametrize("name, year", [("example", "2018-19"), ("second", "2022-23")])
def test_a_years_team_answer_uses_no_later_month(datasets, name, year):
    data = datasets[name]
    later, then = cf.team_question(data, year), cf.team_question(_until(data, year), year)
    assert later.change.prospective is None  # the months after the year are never tested
    assert monitoring_statement(later.change) == monitoring_statement(then.change)
    assert later.change.verdict_pvalue == then.change.verdict_pvalue
    shown = " ".join(text(getattr(later, part)()) for part in TEAM_PARTS)
    assert "months since" not in shown
    assert text(later.verdict()) == text(then.verdict())
    annual = cf.annual_report(data, year)
    assert "months since" not in text(annual.team_section())


def test_the_example_2018_19_verdict_asks_for_monitoring_instead_of_quoting_2019_20(datasets):
    verdict = text(cf.team_question(datasets["example"], "2018-19").verdict())
    assert "confirmation has to come from the months that follow" in verdict.lower()


@pytest.mark.parametrize("name, year, before", [("example", "2017-18", "2016-17"), ("second", "2021-22", "2020-21")])
def test_a_first_year_says_once_that_there_is_no_earlier_year(datasets, name, year, before):
    data = datasets[name]
    question = cf.team_question(data, year)
    report02 = " ".join(text(getattr(question, part)()) for part in TEAM_PARTS)
    assert report02.count(before) == 1, re.findall(rf"[^.]*{before}[^.]*", report02)
    assert "compared with" not in text(question.introduction())
    report = cf.annual_report(data, year)
    for section in ANNUAL_BODY:
        shown = getattr(report, section)()
        said = text(shown)
        assert said.count(before) <= 1, (section, re.findall(rf"[^.]*{before}[^.]*", said))
        assert f"against 0 in {before}" not in said and "0 actions" not in said, section
        for table in shown.tables if isinstance(shown, Parts) else [shown] if isinstance(shown, Table) else []:
            assert not [c for c in table.frame.columns if before in str(c)], (section, table.caption)
    body = " ".join(text(getattr(report, s)()) for s in ANNUAL_BODY)
    assert body.count(before) <= 2  # the year in figures, and the team question


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_a_team_ending_in_s_takes_the_apostrophe_alone_in_02_and_03(datasets, audience):
    data, policy = datasets["second"], cf.disclosure_policy(audience)
    team = "Children with Disabilities"
    assert team in set(data.complaints["team"])
    question = cf.team_question(data, "2023-24", team=team, policy=policy)
    report = cf.annual_report(data, "2023-24", team=team, policy=cf.disclosure_policy(audience))
    said = " ".join([*(text(getattr(question, part)()) for part in TEAM_PARTS),
                     *(text(getattr(report, s)()) for s in ANNUAL_BODY)])
    assert "Disabilities's" not in said
    assert "Children with Disabilities'" in said


def test_actions_counts_agree_with_their_nouns(tmp_path):
    folder = write_second_council(tmp_path / "data")
    write_csv(folder / "actions.csv", [["Ref", "Action", "Status"],
                                       ["NOT-A-REFERENCE", "Call families back within a day.", "Complete"]])
    report = cf.annual_report(cf.load_data(folder), "2023-24")
    said = text(report.actions_section())
    assert "1 action names a complaint reference that is not in the complaints data, so it is not in the log" in said
    assert "No actions came from complaints received in 2023-24" in said
    assert not re.search(r"\b1 actions\b|\b0 actions\b", said)


def test_no_earlier_year_is_said_once_in_the_built_pages_too():
    """The sentences compose as above in any year: a first year's baseline appears in no table header."""
    frame = pd.DataFrame({"2016-17": [0, 0], "2017-18": [3, 4]}, index=["A", "B"])
    report = cf.annual_report(cf.load_data(EXAMPLE), "2017-18")
    assert list(report._one_year(frame).columns) == ["2017-18"]
