"""XmR and the Making Data Count rules, against DOMAIN.md's worked example."""

import numpy as np
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
    values = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 8, 5, 8, 5, 6]
    result = xmr(values, baseline_points=12)
    upper2 = result.points["upper_two_sigma"].iloc[0]
    assert upper2 < 8 < result.points["upper_limit"].iloc[0]  # beyond 2 sigma, inside the limit
    assert result.points["two_of_three"].tolist()[12:15] == [True, False, True]


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
