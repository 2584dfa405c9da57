"""Reading files and finding them: encodings, header rows, table discovery, dataset.json, and the
grids the personal-data guard reads."""

import json
from datetime import datetime

import openpyxl
import pytest

from cfanalysis.data import contract as schema
from cfanalysis.data.files import find_header, header_row, read_dataset_info, read_grid, table_files, table_grids
from cfanalysis.data.loader import load_data
from cfanalysis.publish.guard import PersonalDataError, PersonalDataGuard
from tests.conftest import COMPLAINT_HEADER, EXAMPLE, complaint, write_csv

AS_OF = "2020-06-30"


def only(data, severity):
    found = [p for p in data.report.problems if p.severity == severity]
    assert len(found) == 1, [str(p) for p in data.report.problems]
    return found[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(complaints_dir, encoding):
    rows = [complaint("C1", team="Équipe Duty – Nord")]
    data = load_data(complaints_dir(rows, encoding=encoding), as_of=AS_OF)
    assert data.complaints["team"].tolist() == ["Équipe Duty – Nord"]


def test_several_files_for_one_table_are_combined_and_overlaps_excluded(complaints_dir):
    """Issue 16, point 5: one export per year in one folder; a row in two files is counted once."""
    folder = complaints_dir([complaint("C1"), complaint("C2"), complaint("C3")])
    write_csv(folder / "Complaints 2020-21.csv", [
        COMPLAINT_HEADER, complaint("C3"), complaint("C4", received="03/05/2020", responded=""),
        complaint("C1", stage="Stage 2", received="03/06/2020", responded="")])
    data = load_data(folder, as_of="2021-06-30", accept_exclusions=True)
    assert sorted(data.complaints["reference"]) == ["C1", "C1", "C2", "C3", "C4"]
    problem = only(data, "excluded")
    assert problem.file == "complaints.csv" and problem.row == 4 and problem.value == "C3"
    assert "already in Complaints 2020-21.csv (row 2)" in problem.message
    assert not [p for p in data.report.problems if p.severity == "warning"]  # C1's Stage 1 is in the other file
    load = data.report.tables["complaints"]
    assert (load.rows_read, load.rows_accepted, load.rows_excluded, len(load.parts)) == (6, 5, 1, 2)
    assert "2 files or sheets combined: 6 rows read, 5 accepted, 1 excluded" in data.report.text()


@pytest.mark.parametrize("encoding, described", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                                 ("cp1252", "Windows-1252")])
def test_read_grid_says_how_a_csv_was_decoded(tmp_path, encoding, described):
    path = write_csv(tmp_path / "complaints.csv", [["Ref", "Team"], ["C1", "Équipe – Nord"]], encoding=encoding)
    grid, how = read_grid(path)
    assert how == described
    assert grid.values.tolist() == [["Ref", "Team"], ["C1", "Équipe – Nord"]]


def test_header_found_below_title_rows_or_else_the_first_row_with_anything_in_it(tmp_path):
    spec = schema.TABLES["complaints"]
    grid, _ = read_grid(write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, complaint()], title_rows=2))
    assert find_header(grid, spec) == header_row(grid, spec) == 2
    grid, _ = read_grid(write_csv(tmp_path / "complaints.csv", [[], ["Name", "Notes"], ["Jo", "x"]]))
    assert find_header(grid, spec) is None and header_row(grid, spec) == 1


def test_table_files_skip_lock_files_hidden_files_and_other_tables(tmp_path):
    for name in ["Complaints 2019-20.xlsx", "complaints.xls", "~$complaints.xlsx", ".complaints.csv",
                 "compliments.csv", "complaints notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    found = table_files(tmp_path, schema.TABLES["complaints"])
    assert [p.name for p in found] == ["Complaints 2019-20.xlsx", "complaints.xls"]


def test_read_dataset_info(tmp_path):
    assert read_dataset_info(EXAMPLE)["authority"] == "Example Council (synthetic)"
    assert read_dataset_info(tmp_path) == {}  # no file
    (tmp_path / "dataset.json").write_text("{not json", encoding="utf-8")
    assert read_dataset_info(tmp_path) == {}
    (tmp_path / "dataset.json").write_text("[1, 2]", encoding="utf-8")
    assert read_dataset_info(tmp_path) == {}  # JSON, but not an object
    (tmp_path / "dataset.json").write_text(json.dumps({"authority": "Xshire", "synthetic": False}),
                                           encoding="utf-8")
    assert read_dataset_info(tmp_path) == {"authority": "Xshire", "synthetic": False}


def _workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_table_grids_reads_every_table_file_with_its_header_row(tmp_path):
    write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, complaint()], title_rows=2)
    _workbook(tmp_path / "Compliments 2019.xlsx", [["Date received", "Team"], [datetime(2019, 5, 1), "Duty"]])
    (tmp_path / "activity.xlsx").write_bytes(b"not a workbook")  # unreadable: the loader reports it
    (tmp_path / "ombudsman.xls").write_bytes(b"old")  # old workbook: the loader reports it
    (tmp_path / "actions.csv").write_bytes(b"")  # no cells at all
    write_csv(tmp_path / "notes.csv", [["Ref", "Notes"], ["C1", "not a table of the contract"]])
    found = {(path.name, spec.name, header): grid.shape for path, spec, grid, header in table_grids(tmp_path)}
    assert found == {("complaints.csv", "complaints", 2): (4, 8), ("Compliments 2019.xlsx", "compliments", 0): (2, 2)}
    assert list(table_grids(tmp_path / "nowhere")) == []


def test_table_grids_reads_every_file_of_a_table_even_when_the_loader_refuses_them(tmp_path):
    write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, complaint("C1")])
    write_csv(tmp_path / "complaints old.csv", [COMPLAINT_HEADER, complaint("C2")])
    assert sorted(path.name for path, *_ in table_grids(tmp_path)) == ["complaints old.csv", "complaints.csv"]


def test_guard_finds_a_name_in_an_xlsx_column_outside_the_contract(tmp_path):
    _workbook(tmp_path / "complaints.xlsx", [
        ["Complaints log - exported 01/07/2020"], [], [*COMPLAINT_HEADER, "Child's name"],
        ["C1", datetime(2019, 4, 3), "Duty Team", 1, "Corporate", "Delay", "Upheld", None, "Zebedee Fakename"]])
    guard = PersonalDataGuard.from_data_dir(tmp_path)
    assert "Zebedee Fakename" in guard.values and "Duty Team" not in guard.values
    with pytest.raises(PersonalDataError):
        guard.check("<td>Zebedee Fakename</td>", where="test")


def test_guard_finds_a_name_in_a_csv_with_a_title_row(tmp_path):
    rows = [[*COMPLAINT_HEADER, "Complainant"], complaint("C1") + ["Quentin Madeupson"]]
    write_csv(tmp_path / "complaints.csv", rows, title_rows=1)
    guard = PersonalDataGuard.from_data_dir(tmp_path)
    # The header row (below the title) decides which column is which: the name is guarded, the
    # team and the header words are not.
    assert guard.values == {"Quentin Madeupson"}
    with pytest.raises(PersonalDataError):
        guard.check("Quentin Madeupson", where="test")
