"""Funnel limits for comparing authorities: exact Poisson limits and over-dispersion."""

import numpy as np
import pandas as pd
import pytest

from cfanalysis import load_data
from cfanalysis.analysis.benchmarking import funnel, poisson_limit
from tests.conftest import EXAMPLE


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
    assert (a["lower_95"], a["upper_95"]) == pytest.approx((20.7037, 43.4893), abs=1e-3)
    assert (a["lower_998"], a["upper_998"]) == pytest.approx((16.2750, 51.8020), abs=1e-3)
    assert a["position"] == "within_95" and a["highlight"]


def test_funnel_overdispersion_widens_limits_and_says_so():
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [30, 45, 20, 80, 50, 10],
                          "children_in_need": [1000, 1500, 800, 2000, 1200, 600]})
    result = funnel(table, "2019-20", denominator="children_in_need")
    # Square-root scale (Spiegelhalter 2005; FunnelPlotR): z = 2 (sqrt(O) - sqrt(E)), E = t n, t = 235 / 7,100;
    # winsorised at the 10th/90th percentiles (numpy quantile), phi = mean z^2 = 1.88322;
    # w = 1 / s^2 = 4 E; tau^2 = (6 phi - 5) / (sum w - sum w^2 / sum w) = 0.0082961.
    assert result.phi == pytest.approx(1.88322, abs=1e-4)
    assert result.tau2 == pytest.approx(0.0082961, rel=1e-3) and result.overdispersed
    assert "widened" in result.summary()
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
    result = funnel(table, "2019-20", denominator="children_in_need")
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

    from cfanalysis.analysis.benchmarking import exact_poisson_limits

    # P(X > upper) for X ~ Poisson(E): scipy stats.poisson.sf(floor(upper), E) <= nominal tail
    for expected in np.geomspace(2, 2000, 25):
        for level in (0.95, 0.998):
            upper = exact_poisson_limits(np.array([expected]), level)[1][0]
            assert stats.poisson.sf(np.floor(upper), expected) <= 1.2 * (1 - level) / 2
