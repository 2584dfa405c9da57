"""Robustness checks: sign flips, quasi-Poisson scale, and the result protocol."""

import math

import numpy as np
import pytest
from cfanalysis.publish.descriptions import describe


def test_sign_flip_is_exact_and_symmetric():
    from cfanalysis.analysis.checks import sign_flip_test

    # All 12 differences +1: only the all-plus and all-minus arrangements are as extreme: 2 / 4096.
    result = sign_flip_test(np.ones(12), np.zeros(12))
    assert result.pvalue == pytest.approx(2 / 4096)
    assert sign_flip_test(np.zeros(12), np.zeros(12)).pvalue == 1


def test_quasi_poisson_never_below_poisson():
    from cfanalysis.analysis.checks import quasi_poisson_year_ratio

    even = quasi_poisson_year_ratio(np.full(12, 2), np.full(12, 1))  # under-dispersed: scale held at 1
    assert even.scale == 1.0 and even.note == "scale 1.00" and even.estimate == pytest.approx(2.0)
    assert math.isnan(quasi_poisson_year_ratio(np.zeros(12), np.ones(12)).estimate)


def test_overdispersed_months_give_a_typed_scale():
    from cfanalysis.analysis.checks import quasi_poisson_year_ratio

    # The example: statsmodels GLM(y, [1, year], Poisson()).fit(); pearson_chi2 / df_resid = 6.99
    before = np.array([0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 6])
    after = np.array([0, 0, 0, 0, 0, 12, 0, 0, 0, 8, 0, 0])
    result = quasi_poisson_year_ratio(after, before)
    assert result.scale == pytest.approx(6.99, abs=0.01) and result.pvalue == pytest.approx(0.416, abs=1e-3)
    assert "Quasi-Poisson GLM" in describe(result) and result.to_frame().loc[0, "scale"] == result.scale


@pytest.mark.parametrize("table", [[[240, 760], [180, 820]], [[0, 300], [25, 275]], [[300, 0], [25, 275]],
                                   [[5, 400], [0, 390]], [[1900, 1600], [570, 640]]])
def test_large_table_odds_ratio_is_scipys(table):
    from scipy.stats.contingency import odds_ratio

    from cfanalysis.analysis.checks import _conditional_odds_ratio

    # SciPy: odds_ratio(table).statistic and .confidence_interval() (conditional MLE and exact
    # interval, as R's fisher.test(matrix(...))$estimate and $conf.int).
    reference = odds_ratio(table)
    interval = reference.confidence_interval()
    got = _conditional_odds_ratio(table)
    for value, expected in zip(got, (reference.statistic, interval.low, interval.high)):
        assert value == pytest.approx(expected, rel=1e-9)
