"""The panel's questions on the example data: known counts, and the sentences that carry them."""

import pandas as pd
import pytest
from scipy import stats

import cfanalysis as cf
from cfanalysis.publish.descriptions import describe, stage_sentences
from cfanalysis.publish.disclosure import disclosure_policy
from cfanalysis.publish.sentences import actions_follow_up


@pytest.fixture(scope="module")
def data():
    return cf.load_data(None)


@pytest.fixture(scope="module")
def years(data):
    return cf.compare_years(data.complaints, "2019-20")


def test_outcome_is_the_last_stage_reached():
    frame = pd.DataFrame({"reference": ["A", "A", "B"], "stage": [1, 2, 1],
                          "outcome": ["not upheld", "partially upheld", "withdrawn or resolved"],
                          "received_date": pd.to_datetime(["2019-04-01", "2019-06-01", "2019-05-01"])})
    out = cf.complaint_outcomes(frame).set_index("reference")
    assert out.loc["A", "outcome"] == "partially upheld" and out.loc["A", "last_stage"] == 2
    assert out["upheld"].tolist() == [True, False]


def test_duty_team_breakdown_names_the_change(data, years):
    b = cf.team_breakdown(data.complaints, "Duty Team", years)
    assert (b.baseline_count, b.count) == (8, 20)
    assert int(b.tables["category"]["Change"].sum()) == 12
    text = describe(b)
    assert "20 new complaints in 2019-20 against 8 in 2018-19, 12 more" in text
    from cfanalysis.publish.sentences import team_breakdown_sentence

    assert "fewer than 50 new complaints" in team_breakdown_sentence(b, cf.disclosure_policy("internal", 50))


def test_attitude_upheld_against_other_complaints(data, years):
    a = cf.attitude_breakdown(data.complaints, years)
    row = a.upheld.loc["2019-20"]
    table = [[row.attitude_upheld, row.attitude - row.attitude_upheld],
             [row.other_upheld, row.other - row.other_upheld]]
    assert row.pvalue == pytest.approx(stats.fisher_exact(table).pvalue)  # scipy.stats.fisher_exact, two-sided
    assert row.attitude + row.other == 85
    assert "unlikely to be chance" not in describe(a)


def test_timeliness_counts_not_percentages_for_small_groups(data, years):
    t = cf.timeliness_change(data.complaints, years)
    assert t.by_stage.loc["Stage 1", "Replies, 2019-20"] == 85
    assert t.by_stage.loc["Stage 1", "On time, 2019-20"] == 61
    stage3 = stage_sentences(t)[2]
    assert stage3.startswith("Stage 3") and "%" not in stage3


def test_ombudsman_upheld_case_has_category_and_remedy(data):
    cases = cf.ombudsman_cases(data.ombudsman, "2019-20")
    upheld = cases.cases[cases.cases["decision"] == "upheld"].iloc[0]
    assert upheld["category"] == "delay or failure to act" and upheld["remedy"].startswith("Apology")
    assert "remedy" in describe(cases)


def test_actions_followed_up_for_the_team(data, years):
    log = cf.actions_log(data.actions, data.complaints, years)
    assert actions_follow_up(log, disclosure_policy(), "Duty Team") == (
        "2 actions for Duty Team came from complaints received in 2018-19: 2 complete.")


def test_uphold_benchmark_wilson_intervals(data):
    u = cf.uphold_benchmark(data.comparators, "2019-20", authority=data.authority)
    row = u.table.iloc[0]
    ci = stats.binomtest(int(row.upheld), int(row.complaints)).proportion_ci(method="wilson")
    assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
    assert data.authority in describe(u)


def test_comparators_info_is_read(data):
    assert {"source", "definition", "rate_base"} <= set(data.comparators_info)


def test_compliments_by_team_and_month(data, years):
    c = cf.compliments_breakdown(data.compliments, years)
    assert c.by_month["2019-20"].sum() == 53 and c.by_team["2018-19"].sum() == 36
