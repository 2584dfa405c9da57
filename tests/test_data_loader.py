"""The loader: every validation problem named with file, Excel row, column and value."""

from datetime import datetime

import openpyxl
import pandas as pd

from cfanalysis.data.loader import load_data
from tests.conftest import COMPLAINT_HEADER, complaint, write_csv

AS_OF = "2020-06-30"


def problems(data, severity=None):
    return [p for p in data.report.problems if severity is None or p.severity == severity]


def only(data, severity):
    found = problems(data, severity)
    assert len(found) == 1, [str(p) for p in data.report.problems]
    return found[0]


def test_good_file_loads_every_row(complaints_dir):
    data = load_data(complaints_dir(), as_of=AS_OF)
    assert data.report.usable and not data.report.problems
    assert len(data.complaints) == 3
    assert data.complaints["received_date"].iloc[0] == pd.Timestamp("2019-04-03")
    assert data.complaints["financial_year"].iloc[0] == "2019-20"


def test_missing_required_column_lists_what_was_found(complaints_dir):
    header = [h if h != "Service Area" else "Area" for h in COMPLAINT_HEADER]
    data = load_data(complaints_dir(header=header), as_of=AS_OF)
    problem = only(data, "fatal")
    assert problem.file == "complaints.csv" and problem.row == 1
    assert "team" in problem.message and "'Area'" in problem.message and "'Ref'" in problem.message
    assert "Service Area" in problem.fix
    assert not data.report.usable
    assert data.report.rows_read == 3 and data.report.rows_excluded == 3


def test_unreadable_file(tmp_path):
    (tmp_path / "complaints.xlsx").write_bytes(b"this is not a workbook")
    problem = only(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert problem.file == "complaints.xlsx" and "cannot be read" in problem.message


def test_empty_file(tmp_path):
    (tmp_path / "complaints.csv").write_bytes(b"")
    problem = only(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert problem.file == "complaints.csv" and "empty" in problem.message


def test_header_but_no_rows(complaints_dir):
    problem = only(load_data(complaints_dir(rows=[]), as_of=AS_OF), "fatal")
    assert problem.row == 1 and "no data rows" in problem.message


def test_no_complaints_file(tmp_path):
    problem = only(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert "no complaints file" in problem.message


def test_missing_folder(tmp_path):
    data = load_data(tmp_path / "nowhere")
    assert not data.report.usable and "not a folder" in data.report.problems[0].message


def test_unparseable_date_excludes_row_with_excel_row_number(complaints_dir):
    rows = [complaint("C1"), complaint("C2", received="31/02/2019"), complaint("C3")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    problem = only(data, "excluded")
    # Header on row 1, so the second data row is row 3 in Excel.
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "complaints.csv", 3, "Date Received", "31/02/2019")
    assert "not a real calendar date" in problem.message and "dd/mm/yyyy" in problem.fix
    assert len(data.complaints) == 2 and data.report.rows_excluded == 1


def test_row_numbers_count_title_rows(complaints_dir):
    rows = [complaint("C1"), complaint("C2", received="soon")]
    data = load_data(complaints_dir(rows, title_rows=2), as_of=AS_OF)
    assert only(data, "excluded").row == 5  # 2 title rows + header + 2nd data row


def test_future_date_excluded(complaints_dir):
    rows = [complaint("C1"), complaint("C2", received="01/08/2020", responded="")]
    problem = only(load_data(complaints_dir(rows), as_of=AS_OF), "excluded")
    assert (problem.row, problem.column, problem.value) == (3, "Date Received", "01/08/2020")
    assert "future" in problem.message


def test_unknown_stage_excluded(complaints_dir):
    rows = [complaint("C1"), complaint("C2", stage="Stage 4")]
    problem = only(load_data(complaints_dir(rows), as_of=AS_OF), "excluded")
    assert (problem.row, problem.column, problem.value) == (3, "Stage", "Stage 4")
    assert "not a stage" in problem.message and "1, 2 or 3" in problem.fix


def test_duplicate_reference_at_same_stage_excludes_the_later_row(complaints_dir):
    rows = [complaint("C1"), complaint("C2"), complaint("C1", received="05/04/2019")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    problem = only(data, "excluded")
    assert (problem.row, problem.column, problem.value) == (4, "Ref", "C1")
    assert "already on row 2" in problem.message
    assert len(data.complaints) == 2


def test_same_reference_at_two_stages_is_an_escalation(complaints_dir):
    rows = [complaint("C1"), complaint("C1", stage="Stage 2", received="20/04/2019", responded="")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    assert not problems(data) and len(data.complaints) == 2


def test_response_before_receipt_is_counted_with_a_warning(complaints_dir):
    rows = [complaint("C1", received="10/04/2019", responded="03/04/2019")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    problem = only(data, "warning")
    assert (problem.row, problem.column, problem.value) == (2, "Date Responded", "03/04/2019")
    assert "before the date received" in problem.message
    assert len(data.complaints) == 1 and pd.isna(data.complaints["response_date"].iloc[0])


def test_stage2_without_stage1_warns(complaints_dir):
    rows = [complaint("C1"), complaint("C9", stage="2")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    problem = only(data, "warning")
    assert (problem.row, problem.column, problem.value) == (3, "Ref", "C9")
    assert "no Stage 1" in problem.message
    assert len(data.complaints) == 2


def test_all_problems_reported_at_once(complaints_dir):
    rows = [complaint("C1", received="x"), complaint("C2", stage="9"), complaint("C3", procedure="??"),
            complaint("C4", team="")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    assert sorted(p.row for p in problems(data, "excluded")) == [2, 3, 4, 5]
    assert data.report.rows_read == 4 and data.report.rows_excluded == 4


def test_us_dates_refused_not_guessed(complaints_dir):
    rows = [complaint("C1", received="04/25/2019", responded=""), complaint("C2", received="04/03/2019")]
    problem = only(load_data(complaints_dir(rows), as_of=AS_OF), "fatal")
    assert problem.column == "Date Received" and "US-style" in problem.message


def test_one_impossible_date_among_uk_dates_is_a_row_problem(complaints_dir):
    rows = [complaint("C1", received="25/04/2019"), complaint("C2", received="04/25/2019", responded="")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    assert only(data, "excluded").row == 3


def test_headers_matched_loosely_and_other_columns_dropped_by_header_only(complaints_dir):
    header = ["CASE REF", "date_received", "Service area", "stage", "PROCEDURE", "Nature Of Complaint",
              "outcome", "Date responded", "Complainant Name", "Details"]
    rows = [complaint("C1") + ["Jane Secretname", "lives at 1 Hidden Road"]]
    data = load_data(complaints_dir(rows, header=header), as_of=AS_OF)
    assert data.report.usable
    assert data.report.tables["complaints"].columns_dropped == ("Complainant Name", "Details")
    text = data.report.text() + data.complaints.to_csv()
    assert "Jane Secretname" not in text and "Hidden Road" not in text
    assert "Complainant Name" in data.report.text()


def test_xlsx_with_title_row_and_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Complaints log - exported 01/07/2020"])
    sheet.append([])
    sheet.append(COMPLAINT_HEADER)
    sheet.append(["C1", datetime(2019, 4, 3), "Duty Team", 1, "Corporate", "Staff attitude", "Not upheld",
                  43570])
    sheet.append(["C2", "bad", "Duty Team", 1, "Corporate", "Delay", "Not upheld", None])
    book.save(tmp_path / "complaints.xlsx")
    data = load_data(tmp_path, as_of=AS_OF)
    row = data.complaints.iloc[0]
    assert row["received_date"] == pd.Timestamp("2019-04-03")
    assert row["response_date"] == pd.Timestamp("2019-04-15")
    assert row["category"] == "attitude or behaviour of staff" and row["procedure"] == "corporate"
    assert only(data, "excluded").row == 5


def test_reconciliation_holds_for_every_table():
    from tests.conftest import EXAMPLE

    data = load_data(EXAMPLE, as_of=AS_OF)
    frame = data.report.to_frame()
    assert (frame["rows_read"] == frame["rows_accepted"] + frame["rows_excluded"]).all()
    assert data.synthetic


def test_activity_keeps_numeric_indicators_only(tmp_path, complaints_dir):
    folder = complaints_dir()
    write_csv(folder / "activity.csv", [["Month", "Team", "Contacts", "Notes"],
                                        ["Apr-19", "Duty Team", "1,200", "Jane off sick"],
                                        ["May-19", "Duty Team", "lots", "fine"],
                                        ["Jun-19", "Duty Team", "1100", "fine"]])
    data = load_data(folder, as_of=AS_OF)
    assert "contacts" in data.activity and "Notes" not in data.activity
    assert data.activity["contacts"].iloc[0] == 1200
    assert only(data, "warning").row == 3


def test_an_excluded_row_gets_no_warning_that_calls_it_counted(complaints_dir):
    rows = [complaint("C1"), complaint("C2", stage="Stage 5", received="10/04/2019", responded="03/04/2019")]
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    assert [p.severity for p in data.report.problems] == ["excluded"]


def test_dataset_carries_what_dataset_json_says(complaints_dir):
    from tests.conftest import EXAMPLE

    example = load_data(EXAMPLE, as_of=AS_OF)
    assert example.synthetic and example.authority == "Example Council (synthetic)"
    assert example.info["seed"] == 20200331
    folder = complaints_dir()
    plain = load_data(folder, as_of=AS_OF)
    assert plain.info == {} and plain.authority is None and not plain.synthetic
    (folder / "dataset.json").write_text('{"authority": "Xshire"}', encoding="utf-8")
    named = load_data(folder, as_of=AS_OF)
    assert named.authority == "Xshire" and not named.synthetic
