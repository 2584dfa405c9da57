"""The shipped synthetic data: byte-for-byte reproducible and faithful to the source report."""

import pytest

from cfanalysis import compare_counts, counts_by, load_data, year_counts
from cfanalysis.data.example import write_example_data
from tests.conftest import EXAMPLE
from cfanalysis.publish.descriptions import describe


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


def test_regenerates_byte_for_byte(tmp_path):
    for path in write_example_data(tmp_path):
        assert path.read_bytes() == (EXAMPLE / path.name).read_bytes(), path.name


def test_loads_cleanly_and_is_marked_synthetic(example):
    assert example.report.usable and example.synthetic
    assert example.report.rows_excluded == 0
    assert example.financial_years == ["2017-18", "2018-19", "2019-20"]
    assert example.complaints["team"].nunique() >= 6 and "Duty Team" in set(example.complaints["team"])


def test_source_report_figures(example):
    now, before = year_counts(example, "2019-20"), year_counts(example, "2018-19")
    assert now.complaints == 92 and before.complaints > 92
    assert round(100 * before.escalation_rate(2)) == 9
    assert round(100 * now.escalation_rate(2)) == 7
    assert now.ombudsman_enquiries == 6
    assert now.ombudsman_decisions == {"upheld": 1, "not upheld": 1,
                                       "closed after initial enquiries": 3, "not pursued": 1}
    assert now.ombudsman_investigated == 2
    assert (before.compliments, now.compliments) == (36, 53)


@pytest.mark.parametrize("year", ["2017-18", "2018-19", "2019-20"])
def test_attitude_of_staff_is_the_commonest_category(example, year):
    categories = counts_by(example.complaints, year, "category")
    assert categories.index[0] == "attitude or behaviour of staff"
    assert categories.iloc[0] > categories.iloc[1]


def test_only_the_duty_team_changed_significantly(example):
    now = counts_by(example.complaints, "2019-20", "team")
    before = counts_by(example.complaints, "2018-19", "team")
    for team in now.index:
        result = compare_counts(int(now[team]), int(before[team]))  # two-sided E-test
        assert result.significant == (team == "Duty Team"), (team, describe(result))
    assert (now["Duty Team"], before["Duty Team"]) == (20, 8)


def test_response_dates_include_late_ones(example):
    from cfanalysis import working_days

    stage1 = example.complaints[example.complaints["stage"] == 1]
    days = working_days(stage1["received_date"], stage1["response_date"])
    assert (days > 20).any() and (days <= 10).mean() > 0.5
