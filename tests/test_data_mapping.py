"""Issue 16, point 4 and 5: files found by content, every file listed, one sheet per year, and
mapping.yml (a council's own files, headers and values, said once and checked)."""

import openpyxl

from cfanalysis.data.loader import load_data
from tests.conftest import COMPLAINT_HEADER, complaint, write_csv

AS_OF = "2021-06-30"


def workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_table_is_found_by_its_headers_whatever_the_file_is_called(tmp_path):
    workbook(tmp_path / "NCMS_Complaints_Extract.xlsx",
             {"Extract": [COMPLAINT_HEADER, complaint("C1"), complaint("C2")]})
    write_csv(tmp_path / "LGSCO cases.csv", [["LGSCO Reference", "Date Enquiry Received", "LGSCO Decision"],
                                             ["19 001", "01/06/2019", "Upheld: maladministration and injustice"]])
    data = load_data(tmp_path, as_of=AS_OF)
    assert data.report.usable and len(data.complaints) == 2 and len(data.ombudsman) == 1
    text = data.report.text()
    assert "NCMS_Complaints_Extract.xlsx: complaints (found by its headers)" in text
    assert "LGSCO cases.csv: ombudsman (found by its headers)" in text


def test_every_file_in_the_folder_is_listed_with_why_it_was_ignored(complaints_dir):
    folder = complaints_dir()
    for name in ("Compliments 2019.ods", "Log.numbers", "Annual letter.pdf", "Old log.xls", "notes.csv", "x.docx"):
        (folder / name).write_bytes(b"not really")
    write_csv(folder / "notes.csv", [["Meeting", "Notes"], ["Panel", "bring the report"]])
    text = load_data(folder, as_of=AS_OF).report.text()
    files = text.split("Files:\n")[1].split("\n\n")[0]
    assert "complaints.csv: complaints (found by its name)" in files
    assert "Compliments 2019.ods: compliments (found by its name)" not in files
    assert "Compliments 2019.ods: ignored: an OpenDocument spreadsheet" in files and "save it as .xlsx" in files
    assert "Log.numbers: ignored: an Apple Numbers file" in files and "Export To" in files
    assert "Annual letter.pdf: ignored: a PDF" in files
    assert "Old log.xls: ignored: an old-style Excel 97-2003 workbook" in files and "Save As" in files
    assert "notes.csv: ignored: no table's header" in files and "mapping.yml" in files
    assert "x.docx: ignored: a Word document" in files
    assert len(files.splitlines()) == 7


def test_every_sheet_of_a_workbook_holding_the_table_is_read(tmp_path):
    """One sheet per year: all are read (it used to read one sheet and lose the earlier years)."""
    workbook(tmp_path / "complaints.xlsx", {
        "Cover": [["Complaints log"], ["one sheet per year"]],
        "2018-19": [COMPLAINT_HEADER, complaint("A1", received="03/05/2018", responded=""),
                    complaint("A2", received="03/06/2018", responded="")],
        "2019-20": [["Complaints 2019-20"], COMPLAINT_HEADER, complaint("B1"), complaint("B2"), complaint("B3")],
        "Lookups": [["Team", "Manager"], ["Duty Team", "Role only"]]})
    data = load_data(tmp_path, as_of=AS_OF)
    assert data.report.usable
    assert data.complaints.groupby("financial_year").size().to_dict() == {"2018-19": 2, "2019-20": 3}
    text = data.report.text()
    assert "complaints.xlsx (sheet '2018-19'): 2 rows read" in text
    assert "complaints.xlsx (sheet '2019-20'): 3 rows read" in text


def test_mapping_yml_maps_files_headers_and_values(tmp_path):
    header = ["Case No", "Logged", "Team Responsible", "Service", "Level", "Route", "Concern", "Finding"]
    rows = [["N1", "03/04/2019", "Front Door", "Early help visit", "First", "Stat", "Rudeness", "Agreed"],
            ["N2", "04/04/2019", "Front Door", "Assessment", "First", "Corp", "Slow reply", "Not agreed"],
            ["N1", "05/05/2019", "Front Door", "Early help visit", "Second", "Stat", "Rudeness", "Agreed"]]
    write_csv(tmp_path / "export_0419.csv", [header, *rows])
    (tmp_path / "mapping.yml").write_text("""\
tables:
  complaints:
    files: ["export_*.csv"]
    headers:
      reference: Case No
      received_date: Logged
      team: Team Responsible
      stage: Level
      procedure: Route
      category: Concern
      outcome: Finding
    codes:
      stage: {First: 1, Second: 2}
      procedure: {Stat: statutory, Corp: corporate}
      category: {Rudeness: attitude or behaviour of staff, Slow reply: delay or failure to act}
      outcome: {Agreed: upheld, Not agreed: not upheld}
""")
    data = load_data(tmp_path, as_of=AS_OF)
    assert data.report.usable, data.report.text()
    c = data.complaints
    assert c["stage"].tolist() == [1, 1, 2] and c["procedure"].tolist() == ["statutory", "corporate", "statutory"]
    assert c["category"].tolist()[:2] == ["attitude or behaviour of staff", "delay or failure to act"]
    assert c["outcome"].tolist() == ["upheld", "not upheld", "upheld"] and set(c["team"]) == {"Front Door"}
    assert "export_0419.csv: complaints (found by mapping.yml)" in data.report.text()
    assert "Service" in data.report.tables["complaints"].columns_dropped  # not taken for the team
    assert "mapping.yml" in data.files and data.not_recorded_themes == ()


def test_a_wrong_mapping_names_every_problem_at_once(complaints_dir):
    folder = complaints_dir()
    (folder / "mapping.yml").write_text("""\
tables:
  complaint:
    files: ["*.csv"]
  complaints:
    headers: {teem: Team}
    codes:
      category: {Rudeness: rudeness}
      outcome: {Agreed: "?"}
      team: {Front door: duty}
""")
    data = load_data(folder, as_of=AS_OF)
    assert not data.report.usable
    messages = [p.message for p in data.report.problems if p.file == "mapping.yml"]
    assert messages == ["names an unknown table 'complaint'", "complaints: headers names an unknown field 'teem'",
                        "complaints: category value 'Rudeness' is mapped to unknown code 'rudeness'",
                        "complaints: outcome value 'Agreed' has no code yet",
                        "complaints: codes names 'team', which is not a coded field"]
    fixes = " ".join(p.fix for p in data.report.problems if p.file == "mapping.yml")
    assert "compliments" in fixes and "'attitude or behaviour of staff'" in fixes and "'upheld'" in fixes


def test_broken_yaml_is_one_clear_problem(complaints_dir):
    folder = complaints_dir()
    (folder / "mapping.yml").write_text("tables:\n  complaints:\n\theaders: x\n")
    (problem,) = [p for p in load_data(folder, as_of=AS_OF).report.problems if p.file == "mapping.yml"]
    assert "not valid YAML" in problem.message and "indentation" in problem.fix


def test_a_theme_with_no_value_mapped_says_not_recorded_instead_of_zero(complaints_dir):
    data = load_data(complaints_dir([complaint("C1", category="Manner of staff"), complaint("C2")]), as_of=AS_OF)
    assert data.not_recorded_themes == ("staff attitude",)
    assert "NOT RECORDED theme 'staff attitude'" in data.report.text()
    assert load_data(complaints_dir([complaint("C1", category="Staff attitude or behaviour")]),
                     as_of=AS_OF).not_recorded_themes == ()


def test_too_many_exclusions_stop_the_notebooks_too_until_dataset_json_confirms(complaints_dir):
    import json

    import pytest

    from cfanalysis.data.problems import DataLoadError

    folder = complaints_dir([complaint("C1"), complaint("C2", procedure="Something else")])
    with pytest.raises(DataLoadError, match="more than 10%"):
        load_data(folder, as_of=AS_OF).require_usable()
    (folder / "dataset.json").write_text(json.dumps({"accept_exclusions": True}))
    data = load_data(folder, as_of=AS_OF).require_usable()
    assert "accepted (accept_exclusions is set)" in data.report.text()


def test_the_guard_sees_the_files_the_loader_reads(tmp_path):
    """table_grids (the personal-data guard's view) finds files by mapping and headers, every sheet."""
    from cfanalysis.data.files import table_grids

    write_csv(tmp_path / "export_1.csv", [["Case No", *COMPLAINT_HEADER[1:]], complaint("C1")])
    workbook(tmp_path / "Extract.xlsx",
             {"A": [COMPLAINT_HEADER, complaint("C2")], "B": [COMPLAINT_HEADER, complaint("C3")]})
    (tmp_path / "mapping.yml").write_text('tables:\n  complaints:\n    files: ["export_*.csv"]\n'
                                          '    headers: {reference: Case No}\n')
    found = sorted((path.name, spec.name, grid.shape[0]) for path, spec, grid, _ in table_grids(tmp_path))
    assert found == [("Extract.xlsx", "complaints", 2), ("Extract.xlsx", "complaints", 2),
                     ("export_1.csv", "complaints", 2)]
