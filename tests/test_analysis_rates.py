"""compare_counts against statsmodels, SciPy and R reference values."""

import math

import pytest

from cfanalysis import compare_counts
from cfanalysis.publish.descriptions import describe


def test_headline_etest_known_answer():
    # statsmodels: test_poisson_2indep(20, 12, 8, 12, method="etest").pvalue -> 0.023149
    # The interval inverts the same test: test_poisson_2indep(20, 12, 8, 12, value=R, method="etest")
    # has p = 0.05 at R = 1.119436 and R = 5.529572 (the score interval, 1.12498 to 5.55566, is close).
    result = compare_counts(20, 8)
    assert result.ratio == pytest.approx(2.5)
    assert result.pvalue == pytest.approx(0.0231492, abs=1e-6)
    assert (result.ci_low, result.ci_high) == pytest.approx((1.119436, 5.529572), abs=1e-5)
    assert result.significant and "E-test" in describe(result)


def test_exact_conditional_is_the_binomial_test():
    from scipy.stats import binomtest

    # R's poisson.test(c(20, 8), c(12, 12)) is this binomial test: binom.test(20, 28, 0.5).
    # SciPy: binomtest(20, 28, 0.5).pvalue -> 0.035698; Clopper-Pearson proportion_ci() for the
    # share 20/28, turned into a rate ratio p / (1 - p).
    reference = binomtest(20, 28, 0.5)
    share = reference.proportion_ci(confidence_level=0.95, method="exact")
    result = compare_counts(20, 8, method="exact-cond")
    assert result.pvalue == pytest.approx(0.0356981, abs=1e-6) == reference.pvalue
    assert result.ci_low == pytest.approx(share.low / (1 - share.low))
    assert result.ci_high == pytest.approx(share.high / (1 - share.high))


def test_exact_conditional_unequal_exposure_matches_scipy():
    from scipy.stats import binomtest

    from scipy.stats import binom

    # Central, the rule Clopper-Pearson inverts: 2 * min(binom.cdf(20, 28, p), binom.sf(19, 28, p)),
    # p = 9 / 21 (R: exactci::poisson.exact(c(20, 8), c(9, 12), tsmethod = "central")); for p = 0.5
    # it equals binomtest's minlike value, which is why the test above still matches SciPy.
    del binomtest
    expected = min(1, 2 * min(binom.cdf(20, 28, 9 / 21), binom.sf(19, 28, 9 / 21)))
    assert compare_counts(20, 8, exposure=9, method="exact-cond").pvalue == pytest.approx(expected)


def test_midp_is_central_not_minlike():
    from scipy.stats import binom

    # Central mid-p: 2 * (P(X > 20) + P(X = 20) / 2) with X ~ Binomial(28, 0.5)
    expected = 2 * (binom.sf(20, 28, 0.5) + 0.5 * binom.pmf(20, 28, 0.5))
    result = compare_counts(20, 8, method="midp")
    assert result.pvalue == pytest.approx(expected)
    # Unequal exposures: minlike and central differ; ours doubles the smaller tail.
    p = 9 / 21
    central = 2 * min(binom.cdf(19, 28, p) + 0.5 * binom.pmf(20, 28, p),
                      binom.sf(20, 28, p) + 0.5 * binom.pmf(20, 28, p))
    assert compare_counts(20, 8, exposure=9, method="midp").pvalue == pytest.approx(min(1, central))


def test_one_sided():
    # statsmodels: test_poisson_2indep(20, 12, 8, 12, method="etest", alternative="larger") -> 0.011575
    result = compare_counts(20, 8, alternative="greater")
    assert result.pvalue == pytest.approx(0.0115746, abs=1e-6) and math.isinf(result.ci_high)


@pytest.mark.parametrize("count, baseline", [(0, 5), (5, 0), (0, 0), (1, 0)])
def test_zero_counts_give_an_answer(count, baseline):
    result = compare_counts(count, baseline)
    assert 0 <= result.pvalue <= 1 and result.ci_low <= result.ci_high
    assert describe(result)
    if count == 0 and baseline == 0:
        assert math.isnan(result.ratio) and result.pvalue == 1
    elif baseline == 0:
        assert math.isinf(result.ratio) and math.isinf(result.ci_high)
    else:
        assert result.ratio == 0 and result.ci_low == 0


def test_not_significant_is_never_called_no_change():
    text = describe(compare_counts(10, 8))
    assert "chance cannot be ruled out" in text and "data cannot tell" in text and "no change" not in text
    assert "unlikely to be chance" not in text


@pytest.mark.parametrize("kwargs", [{"method": "wald"}, {"alternative": "larger"},
                                    {"confidence_level": 95}, {"exposure": 0}])
def test_bad_arguments_name_the_allowed_values(kwargs):
    with pytest.raises(ValueError):
        compare_counts(3, 4, **kwargs)


def test_result_frame_echoes_inputs():
    frame = compare_counts(20, 8).to_frame()
    assert frame.loc[0, "method"] == "etest" and frame.loc[0, "count"] == 20


def test_exact_size_and_power_of_the_headline():
    from cfanalysis.analysis.rates import detectable_ratio, etest_power

    # DOMAIN.md section 5: exact size at alpha 0.05 for annual mean 8 is 0.046; power 8 -> 16 about 36%.
    assert etest_power(1.0, 8.0) == pytest.approx(0.046, abs=5e-4)
    assert etest_power(2.0, 8.0) == pytest.approx(0.36, abs=0.01)
    ratio = detectable_ratio(8)
    assert etest_power(ratio, 8.0) >= 0.8 > etest_power(ratio * 0.97, 8.0)
    assert detectable_ratio(0) == math.inf


@pytest.mark.parametrize("count, baseline, exposure, baseline_exposure, level",
                         [(20, 8, 12, 12, 0.95), (3, 11, 9, 12, 0.9), (150, 130, 1.2, 1.0, 0.99), (1, 1, 12, 12, 0.95)])
def test_interval_bounds_are_where_the_etest_reaches_alpha(count, baseline, exposure, baseline_exposure, level):
    from statsmodels.stats.rates import test_poisson_2indep

    # statsmodels: test_poisson_2indep(x1, t1, x0, t0, value=bound, method="etest").pvalue = 1 - level
    result = compare_counts(count, baseline, exposure=exposure, baseline_exposure=baseline_exposure,
                            confidence_level=level)
    for bound in (result.ci_low, result.ci_high):
        p = test_poisson_2indep(count, exposure, baseline, baseline_exposure, value=bound, method="etest").pvalue
        assert p == pytest.approx(1 - level, abs=2e-3)


@pytest.mark.parametrize("count, exposure, baseline, baseline_exposure, value", [
    (20, 12, 8, 12, 1.0), (5, 12, 0, 12, 1.0), (0, 9, 7, 12, 0.5), (150, 1.2, 130, 1.0, 1.3),
    (480, 12, 455, 12, 1.0), (1210, 9, 1490, 12, 1.07), (1800, 12, 1700, 12, 1.03), (2, 12, 900, 60, 0.02)])
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels divides by a zero count
def test_etest_pvalue_is_statsmodels_etest(count, exposure, baseline, baseline_exposure, value, alternative):
    from statsmodels.stats.rates import test_poisson_2indep

    from cfanalysis.analysis.rates import etest_pvalue

    # statsmodels: test_poisson_2indep(x1, t1, x0, t0, value=R, method="etest", alternative=...).pvalue,
    # summed over its whole count grid; ours sums the same cells by runs (large counts) or the whole
    # grid (means under about 60, bit for bit).
    expected = test_poisson_2indep(count, exposure, baseline, baseline_exposure, value=value, method="etest",
                                   alternative=alternative).pvalue
    got = etest_pvalue(count, exposure, baseline, baseline_exposure, value, alternative)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)
    if max(count, baseline) < 60:
        assert got == expected
