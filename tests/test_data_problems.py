"""Problems and the load report: every row accounted for, said in plain English."""

from pathlib import Path

import pandas as pd
import pytest

from cfanalysis.data import contract as schema
from cfanalysis.data.loader import load_data
from cfanalysis.data.problems import DataLoadError, LoadReport, Problem, TableLoad
from tests.conftest import complaint

AS_OF = "2020-06-30"


def _load(name, file, rows_read, accepted, **kwargs):
    frame = pd.DataFrame({"x": range(accepted)})
    return TableLoad(spec=schema.TABLES[name], path=Path(file), frame=frame, rows_read=rows_read, **kwargs)


def test_problem_says_where_and_how_to_fix():
    problem = Problem(file="complaints.csv", row=7, column="Date Received", value="31/02/2019",
                      message="is not a real calendar date", fix="Correct it.", severity="excluded")
    assert str(problem) == ("EXCLUDED complaints.csv, row 7, column 'Date Received': value '31/02/2019' "
                            "is not a real calendar date. Fix: Correct it.")
    assert str(Problem(file="x.csv", message="is empty", fix="Export it.", severity="fatal")) == (
        "ERROR x.csv: is empty. Fix: Export it.")


def test_summary_counts_rows_and_files():
    tables = {"complaints": _load("complaints", "complaints.csv", 1200, 1196),
              "compliments": _load("compliments", "compliments.xlsx", 40, 40),
              "ombudsman": TableLoad(spec=schema.TABLES["ombudsman"], path=None, frame=None)}
    report = LoadReport(Path("data"), tables, [])
    assert report.rows_read == 1240 and report.rows_accepted == 1236 and report.rows_excluded == 4
    assert report.summary() == ("1,240 data rows read from 2 files: 1,236 accepted, 4 excluded "
                                "(every row accounted for).")


def test_summary_of_one_row_and_of_nothing():
    one = LoadReport(Path("data"), {"complaints": _load("complaints", "complaints.csv", 1, 1)}, [])
    assert one.summary() == "1 data row read from 1 file: 1 accepted, 0 excluded (every row accounted for)."
    assert LoadReport(Path("nowhere"), {}, []).summary() == (
        "0 data rows read from 0 files: 0 accepted, 0 excluded (every row accounted for).")


def test_summary_of_a_loaded_folder(complaints_dir):
    rows = [complaint("C1"), complaint("C2", received="31/02/2019"), complaint("C3")]
    report = load_data(complaints_dir(rows), as_of=AS_OF).report
    assert report.summary() == "3 data rows read from 1 file: 2 accepted, 1 excluded (every row accounted for)."


def test_html_is_the_summary_then_the_table_with_everything_escaped():
    tables = {"complaints": _load("complaints", "<i>complaints & co.csv", 3, 2,
                                  columns_dropped=("<script>alert(1)</script>", "Notes"))}
    report = LoadReport(Path("data"), tables, [])
    page = report._repr_html_()
    assert page.startswith("<p>3 data rows read from 1 file: 2 accepted, 1 excluded")
    assert page.index("</p>") < page.index("<table>")
    assert "&lt;i&gt;complaints &amp; co.csv" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;, Notes" in page
    assert "<script>" not in page and "<i>" not in page
    assert "<th>rows_excluded</th>" in page and "<td>1</td>" in page


def test_unusable_data_raise_with_the_whole_report(tmp_path):
    data = load_data(tmp_path, as_of=AS_OF)  # no complaints file
    with pytest.raises(DataLoadError) as raised:
        data.require_usable()
    assert raised.value.report is data.report
    assert "has no complaints file" in str(raised.value) and "Usable: no" in str(raised.value)
