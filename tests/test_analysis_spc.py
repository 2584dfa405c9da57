"""XmR and the Making Data Count rules, against DOMAIN.md's worked example."""

import numpy as np
import pandas as pd
import pytest

from cfanalysis.analysis.spc import xmr

WORKED = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_worked_example_without_screening():
    # DOMAIN.md section 6: mean 1.944, limits 6.952 / -3.063
    point = xmr(WORKED, floor=None).points.iloc[0]
    assert point["mean"] == pytest.approx(1.944, abs=5e-4)
    assert point["upper_limit"] == pytest.approx(6.952, abs=5e-4)
    assert point["lower_limit"] == pytest.approx(-3.063, abs=5e-4)


def test_worked_example_with_screening():
    # DOMAIN.md section 6: with screening 4.604 / -0.716
    point = xmr(WORKED, floor=None, screen_outliers=True).points.iloc[0]
    assert point["upper_limit"] == pytest.approx(4.604, abs=5e-4)
    assert point["lower_limit"] == pytest.approx(-0.716, abs=5e-4)


def test_negative_lower_limit_floored_and_said():
    result = xmr(WORKED)
    assert (result.points["lower_limit"] == 0).all()
    assert any("set at 0" in w for w in result.warnings)


def test_point_beyond_limit_is_flagged_with_reason():
    result = xmr(WORKED, screen_outliers=True)
    flagged = result.flagged
    assert list(flagged.index) == [4]
    assert flagged.iloc[0]["variation"] == "concern"  # more complaints is worse
    assert "above the upper limit" in flagged.iloc[0]["reason"].lower()


def test_run_of_seven_and_point_on_mean_breaks_it():
    values = [2, 2, 2, 2, 2, 2, 2, 6, 6, 6, 6, 6, 6, 6]  # mean 4: 7 below then 7 above
    result = xmr(values, improvement_direction="decrease")
    assert result.points["run"].all()
    assert set(result.points.loc[:6, "variation"]) == {"improvement"}
    broken = [2, 2, 2, 4, 2, 2, 2, 6, 6, 6, 4, 6, 6, 6]  # points on the mean (4) break both runs
    assert not xmr(broken).points["run"].any()


def test_trend_of_seven_rising_and_a_repeat_breaks_it():
    values = [3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 3, 3, 3, 3, 3]
    trend = xmr(values).points["trend"]
    assert trend[3:10].all() and not trend[:3].any() and not trend[10:].any()
    flat = [3, 3, 3, 3, 4, 5, 6, 6, 7, 8, 3, 3, 3, 3, 3]
    assert not xmr(flat).points["trend"].any()


def test_two_of_three_beyond_two_sigma():
    values = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 8, 6, 8, 5, 6]
    result = xmr(values, baseline_points=12)
    upper2 = result.points["upper_two_sigma"].iloc[0]
    assert upper2 < 8 < result.points["upper_limit"].iloc[0]  # beyond 2 sigma, inside the limit
    assert result.points["two_of_three"].tolist()[12:15] == [True, False, True]
    # NHSRplotthedots (issue #143): the middle point below the mean (5 < 5.5) breaks the signal.
    values[13] = 5
    assert not xmr(values, baseline_points=12).points["two_of_three"].any()


def test_trial_limit_warning_under_13_points():
    assert any("trial limits" in w for w in xmr([1, 2, 3, 2, 1, 2]).warnings)
    assert not any("trial" in w for w in xmr(list(range(13))).warnings)


def test_rebase_gives_each_segment_its_own_limits():
    values = [1, 2, 1, 2, 1, 2, 5, 6, 5, 6, 5, 6]
    points = xmr(values, rebase_at=[6]).points
    assert points["mean"].iloc[0] == pytest.approx(1.5) and points["mean"].iloc[-1] == pytest.approx(5.5)
    assert not points["special_cause"].any()


def test_neutral_direction_colours_signals_neutral():
    assert set(xmr(WORKED, improvement_direction="neutral", screen_outliers=True).flagged["variation"]) == {"neutral"}


@pytest.mark.parametrize("kwargs, words", [({"improvement_direction": "down"}, "'increase'"),
                                           ({"dates": [1, 2]}, "one date per value"),
                                           ({"rebase_at": [40]}, "not inside")])
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        xmr(WORKED, **kwargs)


def test_tchart_back_transforms_limits_and_flags_short_gaps():
    import pandas as pd

    from cfanalysis.analysis.spc import is_rare, tchart

    # Gaps of 30 days for a year, then gaps of 2 days: short gaps are concern on a t-chart.
    gaps = [30] * 12 + [2] * 4
    dates = pd.Timestamp("2018-04-01") + pd.to_timedelta(np.cumsum([0] + gaps), unit="D")
    result = tchart(dates, baseline_points=12)
    mean_y = 30 ** (1 / 3.6)  # every baseline gap is 30 days: mean of y = 30^(1/3.6), moving range 0
    assert result.points["mean"].iloc[0] == pytest.approx(mean_y ** 3.6)  # back-transformed: 30 days
    assert (result.points["variation"].iloc[12:] == "concern").all()
    assert is_rare([0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 1, 0]) and not is_rare([5, 6, 4, 7, 5, 6])


def _events_frame(dates, team="A"):
    from cfanalysis.periods import financial_years_of

    received = pd.to_datetime(pd.Series(dates))
    return pd.DataFrame({"received_date": received, "team": team, "month": received.dt.to_period("M"),
                         "financial_year": financial_years_of(received)})


def test_rare_team_gets_a_tchart_with_back_transformed_limits_and_says_why():
    from cfanalysis.analysis.teams import team_monthly_series
    from cfanalysis.publish.display import Chart
    from cfanalysis.publish.team import TeamQuestion, control_chart_for

    # 2018-19: gaps of 30 and 60 days alternately (8 gaps, 9 complaints); 2019-20: 8 complaints 3 days apart.
    baseline = pd.Timestamp("2018-04-01") + pd.to_timedelta(np.cumsum([0, 30, 60, 30, 60, 30, 60, 30, 60]), unit="D")
    tested = pd.Timestamp("2019-06-01") + pd.to_timedelta(np.arange(8) * 3, unit="D")
    complaints = _events_frame(list(baseline) + list(tested))
    months = pd.period_range("2018-04", "2020-03", freq="M")
    series = team_monthly_series(complaints, "A", months)  # 17 in 24 months: 0.7 a month, rare
    chosen = control_chart_for(complaints, "A", series)
    assert chosen["kind"] == "tchart" and chosen["baseline_points"] == 8
    points = chosen["result"].points
    # By hand: y = t^(1/3.6); 30^(1/3.6) = 2.572240, 60^(1/3.6) = 3.118393; mean y = 2.845317 (4 of each);
    # every moving range = 0.546154; limits on y = 2.845317 +- 2.66 x 0.546154 = 4.298086 and 1.392548;
    # back-transformed (^3.6): mean 43.1390 days, upper 190.454 days, lower 3.29395 days.
    assert points["mean"].iloc[0] == pytest.approx(43.1390, abs=1e-3)
    assert points["upper_limit"].iloc[0] == pytest.approx(190.454, abs=1e-2)
    assert points["lower_limit"].iloc[0] == pytest.approx(3.29395, abs=1e-4)
    assert (points["variation"].iloc[-7:] == "concern").all()  # 3-day gaps: below the 3.29-day limit
    assert "below the lower limit (3.3 days)" in points["reason"].iloc[-1].lower()
    question = TeamQuestion("A", "2019-20", "2018-19", None, None, None, chosen["result"], pd.DataFrame(),
                            control_kind="tchart", control_why=chosen["why"], control_baseline_points=8)
    why, chart, summary, descriptive = question.control_chart().parts
    assert "descriptive" in descriptive.text  # SPC signals are parts of the one answer, not a verdict
    assert "0.7 new complaints a month" in why.text and "days between consecutive complaints" in why.text
    assert isinstance(chart, Chart) and "t-chart" in chart.alt and "baseline, 2018-19, ends" in chart.alt
    assert summary.text.startswith("t-chart of 16 points") and "days" in summary.text
    assert "Gaps flagged on the t-chart" in question.flagged_points().caption


def test_busy_team_keeps_the_xmr_chart_and_says_why():
    from cfanalysis.analysis.teams import team_monthly_series
    from cfanalysis.publish.team import TeamQuestion, control_chart_for

    months = pd.period_range("2018-04", "2020-03", freq="M")
    dates = [m.start_time + pd.Timedelta(days=day) for m in months for day in (1, 7, 13, 19, 25)]
    complaints = _events_frame(dates)
    series = team_monthly_series(complaints, "A", months)  # 5 a month
    chosen = control_chart_for(complaints, "A", series)
    assert chosen["kind"] == "xmr" and chosen["baseline_points"] == 12
    assert chosen["result"].points["mean"].iloc[0] == pytest.approx(5.0)
    question = TeamQuestion("A", "2019-20", "2018-19", None, None, None, chosen["result"], pd.DataFrame(),
                            control_kind="xmr", control_why=chosen["why"])
    why, chart, _, _ = question.control_chart().parts
    assert "averaged 5.0 new complaints a month, enough for an XmR chart" in why.text
    assert "XmR control chart" in chart.alt and "baseline, 2018-19, ends (12 points, to March 2019)" in chart.alt
