"""A year's figures and the annual report's tables: golden tables, source figures, proportions."""

import pandas as pd
import pytest

from cfanalysis import annual_figures, compare_years, load_data
from cfanalysis.analysis.proportions import compare_proportions
from tests.conftest import EXAMPLE, REPO
from cfanalysis.publish.descriptions import describe

GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


@pytest.mark.parametrize("name", ["complaints_by_team", "complaints_by_stage", "complaints_by_category",
                                  "outcomes_by_stage", "outcomes_by_team", "complainant_types",
                                  "ombudsman_decisions", "timeliness_by_stage", "timeliness_by_team"])
def test_golden_tables_2019_20(example, name):
    table = annual_figures(example, compare_years(example.complaints, "2019-20")).tables[name]
    indexed = not name.startswith("timeliness")
    expected = pd.read_csv(GOLDEN / f"2019-20_{name}.csv", index_col=0 if indexed else None)
    actual = table.reset_index(drop=not indexed)
    if indexed:
        actual = actual.set_index(actual.columns[0])
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, check_names=False)


def test_source_document_figures(example):
    from cfanalysis.publish.annual import headline_sentences

    figures = annual_figures(example, compare_years(example.complaints, "2019-20"))
    assert (figures.now.complaints, figures.before.complaints) == (92, 98)
    assert round(100 * figures.escalation_1_2.share) == 7 and round(100 * figures.escalation_1_2.baseline_share) == 9
    assert figures.now.ombudsman_enquiries == 6 and figures.now.ombudsman_investigated == 2
    assert figures.now.ombudsman_decisions == {"closed after initial enquiries": 3, "upheld": 1, "not upheld": 1,
                                               "not pursued": 1}
    assert (figures.now.compliments, figures.before.compliments) == (53, 36)
    # R: poisson.test(c(53, 36), c(12, 12)) gives the exact test; the E-test p is 0.072 (statsmodels etest)
    assert figures.compliments_change.pvalue == pytest.approx(0.0721, abs=5e-4)
    text = " ".join(headline_sentences(figures))
    assert "asked to respond on 2" in text
    assert "92 stage cases in 2019-20 (a complaint counted again at each stage it reached), against 98" in text
    assert (figures.now.new_complaints, figures.before.new_complaints) == (85, 88)
    assert "85 in 2019-20 against 88 in 2018-19" in text  # the tested unit: new complaints
    # 53 against 36 (p = 0.072): the size of the rise and the evidence band; the test is named in the annex only.
    assert ("Compliments: 53 in 2019-20 against 36 in 2018-19: about 47% higher" in text
            and "some evidence" in text and "E-test" not in text)


def test_first_year_has_no_baseline(example):
    years = compare_years(example.complaints, "2017-18")
    figures = annual_figures(example, years)
    assert not years.has_baseline and figures.complaints_change is None
    assert list(figures.tables["complaints_by_team"].columns) == ["2017-18"]


def test_escalation_change_uses_fisher_and_wilson():
    from scipy.stats import binomtest, fisher_exact

    change = compare_proportions("escalation", 6, 85, 8, 88)
    # scipy: fisher_exact([[6, 79], [8, 80]]); binomtest(6, 85).proportion_ci(method="wilson")
    assert change.pvalue == pytest.approx(fisher_exact([[6, 79], [8, 80]]).pvalue)
    wilson = binomtest(6, 85).proportion_ci(method="wilson")
    assert (change.ci_low, change.ci_high) == pytest.approx((wilson.low, wilson.high))
    assert "chance cannot be ruled out" in describe(change)
    assert set(change.to_frame().columns) >= {"ci_low", "ci_high", "baseline_ci_low", "pvalue", "share"}
