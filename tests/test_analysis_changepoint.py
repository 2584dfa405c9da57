import numpy as np
import pandas as pd

from cfanalysis.analysis.changepoint import find_changepoint
from cfanalysis.publish.descriptions import describe


def series(values, start="2018-04"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_finds_a_planted_shift():
    values = [1, 0, 2, 1, 1, 0, 1, 2, 1, 1, 0, 1, 2, 1, 0, 1, 5, 4, 6, 5, 7, 4, 5, 6]
    result = find_changepoint(series(values))
    assert result.first_month == pd.Period("2019-08", "M")
    assert result.pvalue < 0.01 and result.exact  # 2 years: all 4,096 within-month arrangements
    assert result.plausible_first <= result.first_month <= result.plausible_last
    assert "August 2019" in describe(result)


def test_flat_series_gives_a_large_pvalue():
    rng = np.random.default_rng(3)
    result = find_changepoint(series(rng.poisson(3.0, 24)))
    assert result.pvalue > 0.05 and "chance cannot be ruled out" in describe(result)


def test_three_years_use_seeded_shuffles_reproducibly():
    rng = np.random.default_rng(11)
    values = np.r_[rng.poisson(2.0, 30), rng.poisson(6.0, 6)]
    first, second = find_changepoint(series(values, "2017-04")), find_changepoint(series(values, "2017-04"))
    assert not first.exact and first.pvalue == second.pvalue


def test_min_segment_is_respected():
    values = [0] * 23 + [9]  # the jump is in the last month only
    result = find_changepoint(series(values), min_segment=4)
    assert result.first_month <= pd.Period("2020-12", "M") and result.first_month == pd.Period("2019-12", "M")


def test_too_short_or_empty():
    assert find_changepoint(series([0] * 24)).first_month is None
    assert find_changepoint(series([1, 2, 3]), min_segment=3).first_month is None
