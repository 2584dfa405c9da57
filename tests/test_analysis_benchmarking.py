"""Funnel limits for comparing authorities: exact Poisson limits and over-dispersion."""

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
    # A: expected 30.5634; Poisson 2.5% / 97.5% limits by the interpolation above, per 1,000.
    assert (a["lower_95"], a["upper_95"]) == pytest.approx((19.6927, 41.3835), abs=1e-3)
    assert (a["lower_998"], a["upper_998"]) == pytest.approx((14.4257, 48.5539), abs=1e-3)
    assert a["position"] == "within_95" and a["highlight"]


def test_funnel_overdispersion_widens_limits_and_says_so():
    table = pd.DataFrame({"authority": list("ABCDEF"), "financial_year": "2019-20",
                          "complaints": [30, 45, 20, 80, 50, 10],
                          "children_in_need": [1000, 1500, 800, 2000, 1200, 600]})
    result = funnel(table, "2019-20", denominator="children_in_need")
    # z = (r - t) / sqrt(t / n) with t = 235 / 7,100; winsorised at the 10th/90th percentiles,
    # phi = mean z^2 = 1.7923; tau^2 = (6 x 1.7923 - 5) / (sum w - sum w^2 / sum w) = 3.3204e-05.
    assert result.phi == pytest.approx(1.79225, abs=1e-4)
    assert result.tau2 == pytest.approx(3.3204e-05, rel=1e-3) and result.overdispersed
    assert "widened" in result.summary()
    plain = funnel(table, "2019-20", denominator="children_in_need", overdispersion=False)
    assert (result.table["upper_998"] > plain.table.set_index("authority").loc[result.table["authority"],
                                                                                "upper_998"].to_numpy()).all()


def test_funnel_bad_denominator_names_the_columns(example):
    with pytest.raises(ValueError, match="children_in_need"):
        funnel(example.comparators, "2019-20", denominator="population")
