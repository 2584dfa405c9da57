"""Issue 11: files as councils' systems and Excel really write them. Each test writes the bytes
the way the real program does (Excel's European-locale CSV, "Unicode Text", an encrypted
workbook, a cover sheet, merged cells, ...) and checks that every row is accounted for."""

import struct
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from cfanalysis.data import contract as schema
from cfanalysis.data.files import OLE2_SIGNATURE, read_table_grid
from cfanalysis.data.loader import load_data
from tests.conftest import COMPLAINT_HEADER, complaint, write_csv

AS_OF = "2020-06-30"


def problems(data, severity=None):
    return [p for p in data.report.problems if severity is None or p.severity == severity]


def adds_up(data):
    """Rows read = accepted + excluded for every table, in the frame, the summary and the text."""
    report = data.report
    frame = report.to_frame()
    assert (frame["rows_read"] == frame["rows_accepted"] + frame["rows_excluded"]).all()
    assert report.rows_read == report.rows_accepted + report.rows_excluded
    assert f"{report.rows_excluded:,} excluded" in report.summary()
    text = report.text()
    assert f"{report.rows_excluded:,} row" in text.split("Problems: ")[1].split("\n")[0]
    for load in report.tables.values():
        if load.path is not None:
            assert f"{load.rows_read} rows read, {load.rows_accepted} accepted, {load.rows_excluded} excluded" in text
    return report


def excel_text(rows, sep):
    return "".join(sep.join(str(c) for c in row) + "\r\n" for row in rows)


# 1. Duplicate keys in every keyed table --------------------------------------------------------

def test_comparator_listed_twice_is_excluded_naming_both_rows(complaints_dir):
    folder = complaints_dir()
    write_csv(folder / "comparators.csv", [
        ["Local Authority", "Financial Year", "Complaints", "Children in Need"],
        ["Ashire", "2019-20", "90", "3000"], ["Bshire", "2019-20", "80", "2500"],
        ["ashire ", "2019-20", "90", "3000"], ["Ashire", "2018-19", "95", "3000"]])
    data = load_data(folder, as_of=AS_OF)
    (duplicate,) = problems(data, "excluded")
    assert duplicate.file == "comparators.csv" and duplicate.row == 4 and duplicate.column == "Local Authority"
    assert duplicate.value == "ashire" and "already on row 2" in duplicate.message and "2019-20" in duplicate.message
    assert "Financial Year" in duplicate.fix
    assert sorted(data.comparators["authority"]) == ["Ashire", "Ashire", "Bshire"]
    assert adds_up(data).tables["comparators"].rows_excluded == 1


def test_activity_month_and_team_twice_is_excluded(complaints_dir):
    folder = complaints_dir()
    write_csv(folder / "activity.csv", [["Month", "Team", "Contacts"], ["Apr-19", "Duty Team", "900"],
                                        ["May-19", "Duty Team", "950"], ["01/04/2019", "DUTY TEAM", "900"]])
    data = load_data(folder, as_of=AS_OF)
    (duplicate,) = problems(data, "excluded")
    assert (duplicate.row, duplicate.column) == (4, "Team")
    assert duplicate.message == "repeats this team's figures for Apr 2019 already on row 2"
    assert len(data.activity) == 2 and adds_up(data)


def test_actions_and_compliments_with_references_repeated(complaints_dir):
    folder = complaints_dir()
    write_csv(folder / "actions.csv", [["Complaint Ref", "Action Taken"], ["C1", "Letters checked."],
                                       ["C1", "Training for the team."], ["C1", "Letters  checked."]])
    write_csv(folder / "compliments.csv", [["Ref", "Date Received", "Team"], ["K1", "01/05/2019", "Duty Team"],
                                           ["K1", "02/05/2019", "Duty Team"], ["", "03/05/2019", "Duty Team"]])
    data = load_data(folder, as_of=AS_OF)
    found = {(p.file, p.row): p.message for p in problems(data, "excluded")}
    assert found == {("actions.csv", 4): "repeats the same action for this reference already on row 2",
                     ("compliments.csv", 3): "repeats the reference already on row 2"}
    assert len(data.actions) == 2 and len(data.compliments) == 2  # a compliment with no reference has no key
    assert adds_up(data)


# 2. Semicolons and decimal commas (Excel in a European locale) --------------------------------

def test_semicolon_csv_with_decimal_commas(complaints_dir):
    folder = complaints_dir()
    rows = [["Month", "Team", "Contacts", "Staff Vacancies (FTE)"], ["Apr-19", "Duty Team", "1.234", "0,5"],
            ["May-19", "Duty Team", "987", "0,25"], ["Jun-19", "Duty Team", "1.001", "1"]]
    (folder / "activity.csv").write_bytes(excel_text(rows, ";").encode("cp1252"))
    data = load_data(folder, as_of=AS_OF)
    assert data.activity["staff_vacancies_fte"].tolist() == [0.5, 0.25, 1.0]
    assert data.activity["contacts"].tolist() == [1234.0, 987.0, 1001.0]
    assert not problems(data) and adds_up(data)


def test_number_that_reads_two_ways_is_refused_by_row(complaints_dir):
    folder = complaints_dir()
    rows = [["Local Authority", "Financial Year", "Complaints", "Children in Need"],
            ["Ashire", "2019-20", "90", "1,250"], ["Bshire", "2019-20", "1,100", "2000"]]
    (folder / "comparators.csv").write_bytes(excel_text(rows, ";").encode("utf-8"))
    data = load_data(folder, as_of=AS_OF)
    found = {(p.row, p.column, p.value, p.severity): p.message for p in problems(data)}
    assert found == {
        (2, "Children in Need", "1,250", "warning"): "could be 1250 or 1.25 (the file does not show whether the "
                                                     "decimal mark is a point or a comma)",
        (3, "Complaints", "1,100", "excluded"): "could be 1100 or 1.1 (the file does not show whether the "
                                                "decimal mark is a point or a comma)"}
    assert data.comparators["authority"].tolist() == ["Ashire"] and adds_up(data)


# 3. Excel "Unicode Text": UTF-16 with a BOM, tab separated -------------------------------------

@pytest.mark.parametrize("bom, codec, described", [(b"\xff\xfe", "utf-16-le", "UTF-16 LE with BOM"),
                                                   (b"\xfe\xff", "utf-16-be", "UTF-16 BE with BOM")])
def test_unicode_text_export(tmp_path, bom, codec, described):
    rows = [COMPLAINT_HEADER, complaint("C1", received="04/04/2017", team="Équipe Duty – Nord"),
            complaint("C2", received="05/04/2017")]
    (tmp_path / "complaints.csv").write_bytes(bom + excel_text(rows, "\t").encode(codec))
    data = load_data(tmp_path, as_of=AS_OF)
    assert not problems(data) and len(data.complaints) == 2
    assert data.complaints["team"].tolist() == ["Équipe Duty – Nord", "Duty Team"]
    assert data.report.tables["complaints"].encoding == described
    assert "\x00" not in data.report.text() and adds_up(data)


def test_file_in_no_known_encoding_names_the_encodings_tried(tmp_path):
    (tmp_path / "complaints.csv").write_bytes(b"Ref,Team\r\nC1,Duty \x81\x8d Team\r\n")
    (fatal,) = problems(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert "UTF-8, UTF-8 with BOM, UTF-16 LE/BE and Windows-1252" in fatal.message and "0x81" in fatal.message
    assert "CSV UTF-8" in fatal.fix


# 4. Password-protected and Excel 97-2003 workbooks: OLE2 compound files ------------------------

def compound_file(*streams):
    """A minimal OLE2 compound file (the container of encrypted Office files and of .xls): a 512-byte
    header, one FAT sector and one directory sector naming a root entry and the given streams."""
    header = (OLE2_SIGNATURE + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0))
    header += struct.pack("<I", 0) + b"\xff" * (512 - len(header) - 4)
    fat = struct.pack("<II", 0xFFFFFFFD, 0xFFFFFFFE) + b"\xff" * 504
    entries = b""
    for kind, name in [(5, "Root Entry"), *((2, s) for s in streams)]:
        encoded = (name + "\x00").encode("utf-16-le")
        entries += (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                    + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + bytes(36)
                    + struct.pack("<IQ", 0xFFFFFFFE, 0)).ljust(128, b"\x00")
    return header + fat + entries.ljust(512, b"\x00")


@pytest.mark.parametrize("name", ["complaints.xlsx", "complaints.xls"])
def test_password_protected_workbook_says_how_to_remove_the_password(tmp_path, name):
    (tmp_path / name).write_bytes(compound_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"))
    data = load_data(tmp_path, as_of=AS_OF)
    (fatal,) = problems(data, "fatal")
    assert fatal.file == name and "password" in fatal.message and "BadZipFile" not in fatal.message
    assert "Encrypt with Password" in fatal.fix and "delete the password" in fatal.fix
    assert not data.report.usable and adds_up(data)


@pytest.mark.parametrize("name", ["complaints.xls", "complaints.xlsx"])
def test_excel_97_2003_workbook_is_refused_with_how_to_save_it_again(tmp_path, name):
    (tmp_path / name).write_bytes(compound_file("Workbook", "\x05SummaryInformation"))
    (fatal,) = problems(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert "Excel 97-2003" in fatal.message and "password" not in fatal.message
    assert "Save As" in fatal.fix and ".xlsx" in fatal.fix


# 5. A cover sheet before the data sheet --------------------------------------------------------

def workbook(path, sheets, merges=()):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for title, cells in merges:
        book[title].merge_cells(cells)
    book.save(path)
    return path


def test_cover_sheet_before_the_data_sheet(tmp_path):
    workbook(tmp_path / "complaints.xlsx", {
        "Cover": [["Children's Services complaints 2019-20"], ["Prepared by the complaints team"], [], ["Contents"]],
        "Data": [COMPLAINT_HEADER, complaint("C1"), complaint("C2"), complaint("C3")]})
    data = load_data(tmp_path, as_of=AS_OF)
    assert not problems(data) and len(data.complaints) == 3
    assert data.report.tables["complaints"].sheet == "Data"
    assert "complaints.xlsx (sheet 'Data'): 3 rows read, 3 accepted, 0 excluded" in adds_up(data).text()


def test_workbook_with_no_data_sheet_lists_its_sheets(tmp_path):
    workbook(tmp_path / "complaints.xlsx", {"Cover": [["Complaints report"]], "Notes": [[], ["Read me first"]]})
    (fatal,) = problems(load_data(tmp_path, as_of=AS_OF), "fatal")
    assert "'Cover' (starts 'Complaints report')" in fatal.message
    assert "'Notes' (starts 'Read me first')" in fatal.message


def test_refused_file_counts_agree_everywhere(complaints_dir):
    header = [h if h != "Service Area" else "Area" for h in COMPLAINT_HEADER]
    report = adds_up(load_data(complaints_dir(header=header), as_of=AS_OF))
    assert "3 rows read, 0 accepted, 3 excluded" in report.text()
    assert "Problems: 1 error, 3 rows excluded (3 of them in files that could not be used), 0 warnings" in report.text()


# 6. One spelling for each team -----------------------------------------------------------------

def test_case_variants_are_shown_in_the_most_frequent_spelling_across_tables(complaints_dir):
    rows = [complaint("C1", team="DUTY TEAM"), complaint("C2", team="duty team"), complaint("C3", team="Duty Team"),
            complaint("C4", team="child in need and child protection"), complaint("C5", team="Fostering")]
    folder = complaints_dir(rows)
    write_csv(folder / "compliments.csv", [["Date Received", "Team"], ["01/05/2019", "Duty Team"],
                                           ["02/05/2019", "Child in Need & Child Protection"],
                                           ["03/05/2019", "Child in Need and Child Protection"],
                                           ["04/05/2019", "Child in Need and Child Protection"],
                                           ["05/05/2019", "fostering"]])
    data = load_data(folder, as_of=AS_OF)
    assert data.complaints["team"].tolist() == ["Duty Team"] * 3 + ["Child in Need and Child Protection",
                                                                     "Fostering"]
    assert data.compliments["team"].tolist() == ["Duty Team"] + ["Child in Need and Child Protection"] * 3 + [
        "Fostering"]


def test_tied_spellings_give_the_same_name_whatever_the_row_order(complaints_dir):
    spellings = ["DUTY TEAM", "duty team", "Duty Team"]
    for order in (spellings, spellings[::-1], spellings[1:] + spellings[:1]):
        data = load_data(complaints_dir([complaint(f"C{i}", team=t) for i, t in enumerate(order)]), as_of=AS_OF)
        assert set(data.complaints["team"]) == {"Duty Team"}


# 7. Many rows, one cause: grouped messages ----------------------------------------------------

def test_merged_team_cells_are_filled_down_and_named(tmp_path):
    """Issue 16: a merged team block means every row in it has that team (it used to exclude 38 of 40)."""
    rows = [complaint(f"C{i}", team="Duty Team" if i < 20 else "Fostering") for i in range(40)]
    workbook(tmp_path / "complaints.xlsx", {"Log": [COMPLAINT_HEADER, *rows]},
             merges=[("Log", "C2:C21"), ("Log", "C22:C41")])
    data = load_data(tmp_path, as_of=AS_OF)
    report = adds_up(data)
    assert len(data.complaints) == 40 and report.tables["complaints"].rows_excluded == 0 and report.usable
    assert data.complaints["team"].value_counts().to_dict() == {"Duty Team": 20, "Fostering": 20}
    lines = [line for line in report.text().splitlines() if "merged cells" in line]
    assert len(lines) == 2 and "row 2," in lines[0] and "'Duty Team'" in lines[0]
    assert "row 22," in lines[1] and "'Fostering'" in lines[1]


def test_all_blank_column_is_one_line(complaints_dir):
    data = load_data(complaints_dir([complaint(f"C{i}", procedure="") for i in range(10)]), as_of=AS_OF)
    lines = [line for line in adds_up(data).text().splitlines() if "EXCLUDED" in line]
    assert len(lines) == 1 and "10 rows: is blank (rows 2, 3, 4, 5, 6 and 5 more" in lines[0]
    assert "likely reason: the column 'Procedure' is empty in every row" in lines[0]
    assert len(data.report.problems_frame()) == 10


def test_header_repeated_mid_file(complaints_dir):
    rows = [complaint(f"C{i}") for i in range(5)] + [COMPLAINT_HEADER] + [complaint(f"D{i}") for i in range(5)]
    rows += [COMPLAINT_HEADER] * 4
    data = load_data(complaints_dir(rows), as_of=AS_OF)
    assert len(data.complaints) == 10
    found = problems(data)
    assert [(p.row, p.message) for p in found] == [(r, "repeats the header row (row 1)") for r in (7, 13, 14, 15, 16)]
    assert all(p.cause == "a header repeated mid-file" for p in found)
    text = adds_up(data).text()
    assert "5 rows: repeats the header row (row 1) (rows 7, 13, 14, 15, 16; likely reason: a header repeated" in text


def test_a_few_problems_stay_one_line_each(complaints_dir):
    rows = [complaint("C1", received="32/01/2019"), complaint("C2", received="33/01/2019"), complaint("C3")]
    text = load_data(complaints_dir(rows), as_of=AS_OF).report.text()
    assert "row 2, column 'Date Received': value '32/01/2019'" in text
    assert "row 3, column 'Date Received': value '33/01/2019'" in text


# 9. Junk named complaints.csv: refused from its first rows -------------------------------------

def test_junk_is_refused_from_its_first_rows_without_parsing_the_rest(tmp_path, monkeypatch):
    junk = "".join(f"{i},qwerty{i % 97},{'x' * (i % 13)}\n" for i in range(20_000))
    (tmp_path / "complaints.csv").write_text(junk, encoding="utf-8")
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("the whole file was parsed"))
    data = load_data(tmp_path, as_of=AS_OF)
    (fatal,) = problems(data, "fatal")
    assert fatal.row == 1 and "none of the first 20 rows is a complaints header" in fatal.message
    assert "the rest of the file was not read" in fatal.message and "'0', 'qwerty0'" in fatal.message
    assert data.report.rows_read == 0 and adds_up(data)


def test_header_search_reads_a_workbook_sheet_by_its_header(tmp_path):
    path = workbook(tmp_path / "complaints.xlsx", {"Cover": [["Title"]], "Data": [COMPLAINT_HEADER, complaint()]})
    read = read_table_grid(path, schema.TABLES["complaints"])
    assert read.sheet == "Data" and read.grid.shape == (2, 8)
    assert read_table_grid(path).sheet == "Cover"  # without a table, the first sheet


def test_earlier_cases_still_hold_for_workbooks(tmp_path):
    workbook(tmp_path / "complaints.xlsx", {"Sheet1": [["Complaints log"], [], COMPLAINT_HEADER,
                                                       complaint("C1", received=datetime(2019, 4, 3))]})
    data = load_data(tmp_path, as_of=AS_OF)
    assert not problems(data) and data.complaints["received_date"].tolist() == [pd.Timestamp("2019-04-03")]
