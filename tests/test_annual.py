"""The annual report: golden tables, source figures, working days, funnel limits, data protection."""

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from cfanalysis import load_data, working_days
from cfanalysis.analysis.annual import annual_headlines, annual_tables, compare_proportions, headline_summary
from cfanalysis.analysis.benchmarking import funnel, poisson_limit
from cfanalysis.publish.protect import PersonalDataError, PersonalDataGuard, safe_csv_text, suppress
from cfanalysis.publish.report import run_reports
from tests.conftest import EXAMPLE, REPO

GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE, as_of="2026-01-01")


@pytest.mark.parametrize("name", ["complaints_by_team", "complaints_by_stage", "complaints_by_category",
                                  "outcomes_by_stage", "outcomes_by_team", "complainant_types",
                                  "ombudsman_decisions", "timeliness_by_stage", "timeliness_by_team"])
def test_golden_tables_2019_20(example, name):
    table = annual_tables(example, "2019-20")[name]
    indexed = not name.startswith("timeliness")
    expected = pd.read_csv(GOLDEN / f"2019-20_{name}.csv", index_col=0 if indexed else None)
    actual = table.reset_index(drop=not indexed)
    if indexed:
        actual = actual.set_index(actual.columns[0])
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, check_names=False)


def test_source_document_figures(example):
    h = annual_headlines(example, "2019-20")
    assert h["complaints"] == (92, 98)
    assert round(100 * h["escalation_1_2"].share) == 7 and round(100 * h["escalation_1_2"].baseline_share) == 9
    assert h["ombudsman_total"][0] == 6
    assert h["ombudsman"] == {"closed after initial enquiries": 3, "upheld": 1, "not upheld": 1, "not pursued": 1}
    assert h["compliments"] == (53, 36)
    text = " ".join(headline_summary(h))
    assert "asked to respond on 2" in text and "92 in 2019-20 against 98 in 2018-19" in text
    # 53 against 36 is not significant by the E-test (p = 0.072), so it must not be called a change.
    assert "Compliments: 53 in 2019-20 against 36 in 2018-19; the difference could be chance" in text


def test_escalation_change_uses_fisher_and_wilson():
    from scipy.stats import binomtest, fisher_exact

    change = compare_proportions("escalation", 6, 85, 8, 88)
    # scipy: fisher_exact([[6, 79], [8, 80]]); binomtest(6, 85).proportion_ci(method="wilson")
    assert change.pvalue == pytest.approx(fisher_exact([[6, 79], [8, 80]]).pvalue)
    wilson = binomtest(6, 85).proportion_ci(method="wilson")
    assert change.ci == pytest.approx((wilson.low, wilson.high))
    assert "could be chance" in change.sentence("2019-20", "2018-19")


@pytest.mark.parametrize("start, end, expected", [
    ("2019-12-20", "2019-12-27", 3),  # Fri to Fri over Christmas: 23, 24 and 27 December
    ("2019-12-24", "2019-12-27", 1),  # Christmas Day and Boxing Day are not working days
    ("2020-04-09", "2020-04-14", 1),  # Good Friday and Easter Monday 2020
    ("2020-05-07", "2020-05-11", 1),  # the 2020 May Day bank holiday moved to Friday 8 May
    ("2020-05-01", "2020-05-04", 1),  # so Monday 4 May 2020 was a working day
    ("2020-12-24", "2020-12-29", 1),  # Boxing Day 2020 fell on a Saturday: Monday 28 was the holiday
    ("2019-04-01", "2019-04-01", 0),  # same day
    ("2019-04-05", "2019-04-08", 1),  # Friday to Monday: next working day is 1
    ("2019-04-08", "2019-04-22", 8),  # two weeks over Easter 2019 (19 and 22 April)
])
def test_working_day_known_answers(start, end, expected):
    assert working_days(start, end) == expected


def test_working_days_vectorised_and_missing():
    days = working_days(pd.Series(pd.to_datetime(["2020-04-09", None])),
                        pd.Series(pd.to_datetime(["2020-04-14", "2020-04-14"])))
    assert days.iloc[0] == 1 and math.isnan(days.iloc[1])


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
    assert "within the 95% limits" in a["position"] and a["highlight"]


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


def test_suppression_with_secondary():
    table = pd.DataFrame({"2018-19": [3, 10, 12], "2019-20": [8, 2, 9]}, index=["A", "B", "C"])
    table.loc["Total"] = table.sum()
    shown = suppress(table, 5, total_row="Total")
    assert shown.loc["A", "2018-19"] == "fewer than 5" and shown.loc["B", "2019-20"] == "fewer than 5"
    # Column totals would reveal A (25 - 10 - 12 = 3), so the next smallest (B = 10) is hidden too.
    assert shown.loc["B", "2018-19"] == "not shown" and shown.loc["C", "2018-19"] == "12"
    assert suppress(table, 0).loc["A", "2018-19"] == "3"


def test_formula_injection_neutralised():
    text = safe_csv_text(pd.DataFrame({"team": ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "Duty"],
                                       "n": [1, 2, -3, 4, 5]}), index=False)
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-1+2", "'@SUM(A1)", "Duty"]
    assert rows[3][1] == "-3"  # numbers are left alone


def fake_people_folder(tmp_path):
    """The example data with extra columns of fake names, emails, phone numbers and free text."""
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    complaints = pd.read_csv(folder / "complaints.csv", dtype=str, encoding="utf-8-sig")
    rng = np.random.default_rng(1)
    complaints["Email"] = [f"person{i}.secret@example.invalid" for i in range(len(complaints))]
    complaints["Phone"] = [f"07700 900{rng.integers(100, 999)}" for _ in range(len(complaints))]
    complaints["Child Name"] = [f"Kiddo Hiddenname{i}" for i in range(len(complaints))]
    complaints["Notes"] = [f"Confidential note {i}: family lives near the old mill" for i in range(len(complaints))]
    complaints.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    return folder, complaints


def test_no_personal_data_in_any_output(tmp_path):
    folder, complaints = fake_people_folder(tmp_path)
    out = tmp_path / "out"
    runs = run_reports(["2019-20"], data_dir=folder, out_dir=out, progress=lambda line: None)
    assert all(run.ok for run in runs), [run.message for run in runs]
    secrets = set(complaints["Email"]) | set(complaints["Child Name"]) | set(complaints["Notes"]) | \
        set(complaints["Complainant Name"]) | set(complaints["Address"]) | set(complaints["Details"])
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".csv" for p in files) and any(p.suffix == ".ipynb" for p in files)
    for path in files:
        text = path.read_text(errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:3])


def test_guard_stops_a_notebook_that_shows_raw_rows(tmp_path):
    import nbformat

    folder, complaints = fake_people_folder(tmp_path)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    cells = [nbformat.v4.new_code_cell('financial_year = "2019-20"\ndata_dir = "."\nas_of = None'),
             nbformat.v4.new_code_cell('import pandas as pd\n'
                                       'pd.read_csv(data_dir + "/complaints.csv", encoding="utf-8-sig").head()')]
    cells[0].metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, notebooks / "01_leaky.ipynb")
    out = tmp_path / "out"
    runs = run_reports(["2019-20"], data_dir=folder, out_dir=out, notebooks_dir=notebooks,
                       progress=lambda line: None)
    assert not runs[0].ok and "outside the data contract" in runs[0].message
    assert not (out / "2019-20" / "01_leaky.html").exists()
    assert not (out / "2019-20" / "logs" / "01_leaky.ipynb").exists()
    for path in out.rglob("*"):
        if path.is_file():
            assert complaints["Email"].iloc[0] not in path.read_text(errors="replace")


def test_guard_ignores_values_that_are_also_contract_values(tmp_path):
    folder, _ = fake_people_folder(tmp_path)
    guard = PersonalDataGuard.from_data_dir(folder)
    assert "Kiddo Hiddenname3" in guard.values and "Duty Team" not in guard.values
    with pytest.raises(PersonalDataError):
        guard.check("<td>Kiddo Hiddenname3</td>", where="test")
    guard.check("<td>Duty Team</td>", where="test")


def test_html_escapes_data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    complaints = pd.read_csv(folder / "complaints.csv", dtype=str, encoding="utf-8-sig")
    complaints.loc[complaints["Service Area"] == "Fostering", "Service Area"] = "<script>alert(1)</script>"
    complaints.loc[complaints["Service Area"] == "Care Leavers", "Service Area"] = "=HYPERLINK(\"http://x\")"
    complaints.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    out = tmp_path / "out"
    runs = run_reports(["2019-20"], data_dir=folder, out_dir=out, progress=lambda line: None)
    assert all(run.ok for run in runs), [run.message for run in runs]
    for page in (out / "2019-20").glob("*.html"):
        text = page.read_text()
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    import csv

    with open(out / "2019-20" / "tables" / "complaints_by_team.csv", newline="") as handle:
        first_cells = [row[0] for row in csv.reader(handle)]
    assert "'=HYPERLINK(\"http://x\")" in first_cells and not any(c.startswith("=") for c in first_cells)
