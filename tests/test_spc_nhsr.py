"""Issue 18 case 10: SPC rules exactly as NHSRplotthedots, on its published test examples."""

import numpy as np
import pytest

from cfanalysis.analysis.spc import _two_of_three, xmr

# R: set.seed(123); rnorm(20) (the data of NHSRplotthedots tests/testthat/test-ptd_spc_standard.R)
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
             -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
             -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141]


def test_limits_match_the_published_snapshots():
    # NHSRplotthedots _snaps/ptd_spc_standard.md: mean 0.1416238, lpl -3.01138, upl 3.294627 (screened)
    r1 = xmr(RNORM_123, floor=None, screen_outliers=True).points.iloc[0]
    assert r1["mean"] == pytest.approx(0.1416238, abs=1e-6)
    assert (r1["lower_limit"], r1["upper_limit"]) == pytest.approx((-3.01138, 3.294627), abs=1e-5)
    y = list(RNORM_123)
    y[14] = 10  # data$y[15] <- 10
    r2 = xmr(y, floor=None, screen_outliers=True).points.iloc[0]
    assert r2["mean"] == pytest.approx(0.6694159, abs=1e-6)
    assert (r2["lower_limit"], r2["upper_limit"]) == pytest.approx((-2.383666, 3.722497), abs=1e-5)
    r3 = xmr(y, floor=None, screen_outliers=False).points.iloc[0]
    assert (r3["lower_limit"], r3["upper_limit"]) == pytest.approx((-4.596625, 5.935457), abs=1e-5)


@pytest.mark.parametrize("close, side, expected", [
    # NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R, ptd_part_of_two_in_three
    ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
    ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    # "points on opposite sides of the mean" (issue #143): never a signal
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
])
def test_two_in_three_as_nhsrplotthedots(close, side, expected):
    assert _two_of_three(np.array(close, bool), np.array(side)).astype(int).tolist() == expected


def test_points_beyond_the_limit_do_not_count_towards_two_in_three():
    # mean 1, mean moving range 1 -> 2-sigma 2.773, limit 3.66: 5 is beyond the limit (its own rule),
    # so with one close point (3) it is not 2 of 3 close points.
    values = [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 3, 5, 1]
    points = xmr(values, floor=None, baseline_points=15).points
    assert not points["two_of_three"].any()
