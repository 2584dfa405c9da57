"""Funnel limits for comparing authorities: exact Poisson limits and over-dispersion."""

import numpy as np
import pandas as pd
import pytest

from cfanalysis import load_data
from cfanalysis.analysis.benchmarking import exact_poisson_limits, funnel, poisson_limit
from tests.conftest import EXAMPLE
from cfanalysis.publish.descriptions import describe


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


def test_poisson_limit_hand_computed():
    # Expected count 10, p = 0.975: r = 17, F(17) = 0.985722, F(16) = 0.972958,
    # limit = 17 - (0.985722 - 0.975) / (0.985722 - 0.972958) = 16.1600
    assert poisson_limit(10, 0.975) == pytest.approx(16.15995, abs=1e-4)
    # p = 0.025: r = 4, F(4) = 0.029253, F(3) = 0.010336, limit = 4 - 0.004253 / 0.018917 = 3.7752
    assert poisson_limit(10, 0.025) == pytest.approx(3.77519, abs=1e-4)


def test_funnel_exact_limits_without_overdispersion():
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [30, 44, 25, 62, 37, 19],
                          "children_in_need": [1000, 1500, 800, 2000, 1200, 600]})
    result = funnel(table, "2019-20", denominator="children_in_need", highlight="A")
    # Pooled 217 / 7,100 = 30.5634 per 1,000; phi = 0.0151 < 1, so tau^2 = 0 and exact limits.
    assert result.target == pytest.approx(30.5634, abs=1e-4) and result.tau2 == 0 and not result.overdispersed
    a = result.table.set_index("authority").loc["A"]
    # A: expected E = 30.5634; exact limits as PHEindicatormethods/FunnelPlotR define them, per 1,000:
    # R: qchisq(0.025, 2 * E) / 2 = 20.7037, qchisq(0.975, 2 * (E + 1)) / 2 = 43.4893
    #    qchisq(0.001, 2 * E) / 2 = 16.2750, qchisq(0.999, 2 * (E + 1)) / 2 = 51.8020
    # Issue 18: the lower limit is held at or below R's qpois(0.025, E) = 20 (ppois(20, E) = 0.032 > 0.025,
    # so the gamma limit 20.70 would flag a count of 20 more often than the 2.5% tail allows).
    assert (a["lower_95"], a["upper_95"]) == pytest.approx((20.0, 43.4893), abs=1e-3)
    # and R's qpois(0.001, E) = 15 for the 99.8% lower limit
    assert (a["lower_998"], a["upper_998"]) == pytest.approx((15.0, 51.8020), abs=1e-3)
    assert a["position"] == "within_95" and a["highlight"]


def test_funnel_overdispersion_widens_limits_and_says_so():
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [30, 45, 20, 80, 50, 10],
                          "children_in_need": [1000, 1500, 800, 2000, 1200, 600]})
    result = funnel(table, "2019-20", denominator="children_in_need", winsor=0.1)
    # Square-root scale (Spiegelhalter 2005; FunnelPlotR): z = 2 (sqrt(O) - sqrt(E)), E = t n, t = 235 / 7,100;
    # winsorised at the 10th/90th percentiles (numpy quantile), phi = mean z^2 = 1.88322;
    # w = 1 / s^2 = 4 E; tau^2 = (6 phi - 5) / (sum w - sum w^2 / sum w) = 0.0082961.
    assert result.phi == pytest.approx(1.88322, abs=1e-4)
    assert result.tau2 == pytest.approx(0.0082961, rel=1e-3) and result.overdispersed
    assert "widened" in describe(result)
    plain = funnel(table, "2019-20", denominator="children_in_need", overdispersion=False)
    assert (result.table["upper_998"] >= plain.table.set_index("authority").loc[result.table["authority"],
                                                                                "upper_998"].to_numpy()).all()


def test_funnel_bad_denominator_names_the_columns(example):
    with pytest.raises(ValueError, match="children_in_need"):
        funnel(example.comparators, "2019-20", denominator="population")


def test_phi_below_one_means_no_adjustment():
    # Issue 9, case 7: these six councils were called over-dispersed with phi = 0.889 on the rate
    # scale; on the square-root scale phi = 0.672 <= 1, so no tau^2 and exact limits.
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [12, 22, 34, 17, 45, 33],
                          "children_in_need": [200, 1000, 1500, 800, 2000, 1200]})
    result = funnel(table, "2019-20", denominator="children_in_need", winsor=0.1)  # FunnelPlotR's trimming
    assert result.phi == pytest.approx(0.67172, abs=1e-4) and result.tau2 == 0 and not result.overdispersed


def test_adjusted_limits_never_narrower_than_exact_and_fixed_target():
    rng = np.random.default_rng(9)
    sizes = rng.integers(200, 3000, 30)
    for _ in range(20):
        table = pd.DataFrame({"authority": [f"C{i}" for i in range(30)], "financial_year": "y",
                              "complaints": rng.poisson(0.03 * sizes * rng.gamma(4, 0.25, 30)),
                              "children_in_need": sizes})
        adjusted = funnel(table, "y", denominator="children_in_need").table.set_index("authority")
        exact = funnel(table, "y", denominator="children_in_need", overdispersion=False).table.set_index("authority")
        for column in ("upper_95", "upper_998"):
            assert (adjusted[column] >= exact.loc[adjusted.index, column] - 1e-12).all()
        for column in ("lower_95", "lower_998"):
            assert (adjusted[column] <= exact.loc[adjusted.index, column] + 1e-12).all()
    fixed = funnel(table, "y", denominator="children_in_need", target=25.0)
    assert fixed.target == pytest.approx(25.0)


def test_exact_limits_hold_their_tail_at_any_expected_count():
    from scipy import stats


    # P(X > upper) for X ~ Poisson(E): scipy stats.poisson.sf(floor(upper), E) <= nominal tail
    for expected in np.geomspace(2, 2000, 25):
        for level in (0.95, 0.998):
            upper = exact_poisson_limits(np.array([expected]), level)[1][0]
            assert stats.poisson.sf(np.floor(upper), expected) <= 1.2 * (1 - level) / 2


# --- Published worked examples of the standard tools (issue 9, item 7) -------------------------


def test_exact_limits_reproduce_funnelplotr_published_test():
    # nhs-r-community/FunnelPlotR, tests/testthat/test-poisson_limits.R ("Poisson limits are right"):
    # R: calculate_limits(data.frame(number_seq = c(15, 20, 30)), target = 1, draw_adjusted = FALSE)
    # Definition there: the expected count E fixed, ratio limits qchisq(a, 2E) / 2 / E and
    # qchisq(1 - a, 2(E + 1)) / 2 / E, a = 0.025 (95%) or 0.001 (99.8%): ours, exact_poisson_limits.
    expected = np.array([15.0, 20.0, 30.0])
    low95, high95 = (v / expected for v in exact_poisson_limits(expected, 0.95))
    low998, high998 = (v / expected for v in exact_poisson_limits(expected, 0.998))
    assert np.round(low95, 7) == pytest.approx([0.5596924, 0.6108260, 0.6746958], abs=1e-12)  # lims$ll95
    assert np.round(high95, 6) == pytest.approx([1.649348, 1.544419, 1.427562], abs=1e-12)  # lims$ul95
    assert np.round(low998, 7) == pytest.approx([0.3862650, 0.4479107, 0.5289724], abs=1e-12)  # lims$ll99
    assert np.round(high998, 6) == pytest.approx([2.082907, 1.902094, 1.702771], abs=1e-12)  # lims$ul99


@pytest.mark.parametrize("observed, low95, high95, low998, high998", [
    # ukhsa-collaboration/PHEindicatormethods, tests/testthat/testdata_funnel_ratio_outputs.csv,
    # columns lower_2s_exp_events, upper_2s_exp_events, lower_3s_exp_events, upper_3s_exp_events
    # (the "2s" limits are 95%, "3s" 99.8%), the expected output of phe_funnels for ratios
    # (statistic = "ratio", limits by observed events). Row 1 (Observed_events = 1):
    (1, 5.571644585, 0.025317898, 9.233410143, 0.001000547),
    # Row 10 (Observed_events = 10):
    (10, 18.39035799, 4.795387629, 24.13397235, 2.960519925),
])
def test_expected_at_limits_reproduce_pheindicatormethods_ratio_funnel(observed, low95, high95, low998, high998):
    # Their definition differs from FunnelPlotR's: the observed count is fixed and the expected count at
    # which it sits on each limit is the exact Poisson confidence bound of it (expected_at_limits). Their
    # tabulated values agree with scipy's chi2.ppf to 5 significant figures (relative 5e-5 at worst, the
    # 99.8% upper of O = 1), not to every printed digit, so the tolerance is relative 1e-4.
    from cfanalysis.analysis.benchmarking import expected_at_limits

    at_low95, at_high95 = expected_at_limits(np.array([observed]), 0.95)
    at_low998, at_high998 = expected_at_limits(np.array([observed]), 0.998)
    assert at_low95[0] == pytest.approx(low95, rel=1e-4) and at_high95[0] == pytest.approx(high95, rel=1e-4)
    assert at_low998[0] == pytest.approx(low998, rel=1e-4) and at_high998[0] == pytest.approx(high998, rel=1e-4)


def test_overdispersed_ratio_limits_on_funnelplotr_test_data():
    # Data: nhs-r-community/FunnelPlotR, tests/testthat/test-OD_adjust_func.R:
    # R: OD_adjust_func(mod_plot_agg, method = "SHMI", Winsorise_by = 0.1, bypass = FALSE) with
    # numerator c(100, 150, 180, 80, 120, 225) and denominator (expected) c(108, 112, 165, 95, 100, 220).
    # That test checks only the shape of the result and publishes no phi, tau^2 or limits, and no other
    # published over-dispersed example could be reached, so the expected values below were computed
    # by hand with numpy/scipy from Spiegelhalter (2005), not copied from a tool:
    # target 1 (a ratio), z = 2 (sqrt(O) - sqrt(E)) = [-0.7846, 3.3289, 1.1424, -1.6050, 1.9089, 0.3352];
    # winsorised at numpy.quantile(z, [0.1, 0.9]) (R's type 7), phi = mean z^2 = 2.327178;
    # w = 4E, tau^2 = (6 phi - 5) / (sum w - sum w^2 / sum w) = 0.00343978;
    # limits (1 -+ q sqrt(1 / (4E) + tau^2))^2, q = scipy.stats.norm.isf(0.025) or isf(0.001):
    # at E = 108: 95% 0.724744 to 1.319468, 99.8% 0.586110 to 1.523798.
    comparators = pd.DataFrame({"authority": list("abcdef"), "financial_year": "2019-20",
                                "complaints": [100, 150, 180, 80, 120, 225],
                                "expected": [108.0, 112, 165, 95, 100, 220]})
    result = funnel(comparators, "2019-20", denominator="expected", per=1, target=1, winsor=0.1)
    assert result.phi == pytest.approx(2.327178, abs=1e-6) and result.tau2 == pytest.approx(0.00343978, abs=1e-8)
    row = result.table.set_index("authority").loc["a"]
    assert [row["lower_95"], row["upper_95"]] == pytest.approx([0.724744, 1.319468], abs=1e-6)
    assert [row["lower_998"], row["upper_998"]] == pytest.approx([0.586110, 1.523798], abs=1e-6)
    exact_low, exact_high = (v / 108 for v in exact_poisson_limits(np.array([108.0]), 0.998))
    assert row["lower_998"] <= exact_low[0] and row["upper_998"] >= exact_high[0]  # never narrower than exact


def test_funnel_uses_the_councils_own_new_complaints_and_keeps_the_files_figure():
    # Issue 18 case 8: the funnel on the unit the report states (new complaints, from the council's log).
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [30, 44, 25, 62, 37, 19],
                          "children_in_need": [1000, 1500, 800, 2000, 1200, 600]})
    result = funnel(table, "2019-20", denominator="children_in_need", highlight="A", own=26)
    # By hand: A's 30 replaced by 26; pooled (26 + 44 + 25 + 62 + 37 + 19) / 7,100 = 213 / 7,100 per 1,000.
    assert result.target == pytest.approx(213 / 7100 * 1000)
    a = result.table.set_index("authority").loc["A"]
    assert a["complaints"] == 26 and a["rate"] == pytest.approx(26.0)
    assert result.file_figure == 30 and result.file_disagrees
    # A's exact upper 95% limit at E = 1,000 x 213 / 7,100 = 30: R qchisq(0.975, 2 * 31) / 2 = 43.0041 (no tau^2).
    from scipy import stats
    expected = 1000 * 213 / 7100
    assert result.tau2 == 0 and a["upper_95"] == pytest.approx(stats.chi2.ppf(0.975, 2 * (expected + 1)) / 2)
    same = funnel(table, "2019-20", denominator="children_in_need", highlight="A", own=30)
    assert same.file_figure == 30 and not same.file_disagrees
    assert funnel(table, "2019-20", denominator="children_in_need", highlight="A").file_figure is None


def test_report_funnel_counts_new_complaints_and_warns_when_the_file_differs(example):
    from cfanalysis import annual_report
    from cfanalysis.analysis.counts import new_complaints
    report = annual_report(example, "2019-20")
    # Reference: each complaint once (its first stage) received in 2019-20, by plain pandas.
    c = example.complaints
    first = c.sort_values("received_date").drop_duplicates("reference")
    own = int((first["financial_year"] == "2019-20").sum())
    assert own == int((new_complaints(c)["financial_year"] == "2019-20").sum())
    row = report.funnel.highlighted
    assert row["complaints"] == own == report.figures.now.new_complaints
    assert report.breakdowns.uphold.table.set_index("authority").loc[example.authority, "complaints"] == own
    file = example.comparators
    file_figure = int(file.loc[(file["authority"] == example.authority) & (file["financial_year"] == "2019-20"),
                               "complaints"].iloc[0])
    assert report.funnel.file_figure == file_figure
    text = repr(report.benchmarking_section())
    assert "new complaints per 1,000 children in need" in text
    if file_figure != own:
        assert f"Warning: the comparators file gives this council {file_figure} complaints" in text


@pytest.mark.parametrize("unit", ["new complaints", "stage cases", None, "complaints"])
def test_the_councils_point_is_counted_in_the_unit_the_comparators_file_states(tmp_path, unit):
    # comparators.json "unit" says what the file's complaints column counts; the council's own point is
    # counted from its log in that unit (references by plain pandas), and the report names it. Without a
    # known unit the point is the file's figure and the report says the file does not say what it counts.
    import json
    import shutil

    from cfanalysis import annual_report
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    info = json.loads((folder / "comparators.json").read_text())
    info.pop("unit", None)
    if unit is not None:
        info["unit"] = unit
    (folder / "comparators.json").write_text(json.dumps(info))
    data = load_data(folder, as_of="2026-01-01")
    c = data.complaints
    in_year = c[c["financial_year"] == "2019-20"]
    new = int(c.sort_values("received_date").drop_duplicates("reference")["financial_year"].eq("2019-20").sum())
    stage_cases = len(in_year)  # each complaint once at each stage it reached
    file = data.comparators
    file_figure = int(file.loc[(file["authority"] == data.authority) & (file["financial_year"] == "2019-20"),
                               "complaints"].iloc[0])
    report = annual_report(data, "2019-20")
    text = repr(report.benchmarking_section())
    point = int(report.funnel.highlighted["complaints"])
    if unit == "new complaints":
        assert point == new == file_figure and "new complaints per 1,000" in text and "Warning" not in text
    elif unit == "stage cases":
        assert point == stage_cases != new and "stage cases per 1,000" in text
        assert f"gives this council {file_figure} stage cases, not its own count" in text
    else:
        assert point == file_figure and "does not say whether it counts new complaints or stage cases" in text
        assert ("'complaints' is not one of" in text) == (unit == "complaints")
