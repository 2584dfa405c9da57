"""The personal-data guard without false alarms or gaps (issue 16, point 6).

- a label (team, ...) equal to a value of a column that identifies people is excluded at load,
  named in the load report by row and column, never by value, and never published;
- matching respects word boundaries and ignores the ordinary words the reports use, so a wide
  export with "Closed", "Apology", "Email", "None" in its dropped columns is not stopped;
- a stop names the column and row to look at, never the value, and writes nothing at all;
- commentary is checked word by word against names and street names from the dropped columns.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cfanalysis.data.loader import load_data
from cfanalysis.data.personal import identity_kind
from cfanalysis.publish.disclosure import disclosure_policy
from cfanalysis.publish.guard import PersonalDataError, PersonalDataGuard
from cfanalysis.publish.pages import DEFAULT_NOTEBOOKS_DIR, report_notebooks
from cfanalysis.publish.run import PersonalDataStop, ReportError, check_commentary, checked_outputs, run_reports
from tests.conftest import COMPLAINT_HEADER, EXAMPLE, complaint, write_csv

NAME, STREET_ADDRESS = "Pat Ashcombe", "12 Marrowbone Lane, Barchester"
# What a wide case-management export carries besides the contract: ordinary words the reports
# also use, codes, and the people (a name, an address, an email, a surname on its own).
WIDE = {"Status": "Closed", "Remedy Type": "Apology", "Contact Method": "Email", "Escalation Flag": "None",
        "Advocate Involved": "Yes", "Priority": "Normal", "Response Channel": "Letter", "Record Type": "Complaint"}


def people_rows(n=12, teams=("Front Door", "Edge of Care")):
    rows = []
    for i in range(n):
        rows.append(complaint(f"R{i:03d}", received=f"{3 + i % 20:02d}/0{4 + i % 5}/2019", team=teams[i % len(teams)],
                              responded=f"{25 + i % 3}/0{4 + i % 5}/2019"))
    return rows


def wide_folder(tmp_path, *, name_in_team_row=None):
    """A complaints export with 8 + 30 dropped columns; optionally a complainant's name in a team cell."""
    header = [*COMPLAINT_HEADER, "Complainant Name", "Address", "Email Address", "Surname", *WIDE,
              *[f"Custom Field {k}" for k in range(30)]]
    rows = []
    for i, row in enumerate(people_rows()):
        person = NAME if i == 3 else f"Sam Quillfeather{i}"
        address = STREET_ADDRESS if i == 3 else f"{i} Gorsebrook Road, Barchester"
        rows.append([*row, person, address, f"sq{i}@example.invalid", "Young" if i == 5 else f"Quillfeather{i}",
                     *WIDE.values(), *[("None" if k % 2 else f"Code {k}") for k in range(30)]])
    if name_in_team_row is not None:
        rows[name_in_team_row][2] = NAME
    write_csv(tmp_path / "complaints.csv", [header, *rows])
    return tmp_path


def test_headers_that_identify_people():
    kinds = {h: identity_kind(h) for h in ("Complainant Name", "Child's name", "Surname", "Address Line 1",
                                           "Post Code", "Postcode", "E-mail", "Mobile No", "Date of Birth",
                                           "Complainant", "Social Worker", "Investigating Officer",
                                           "Notes", "Status", "Contact Method", "Complainant Gender", "Ref")}
    assert kinds == {"Complainant Name": "name", "Child's name": "name", "Surname": "name",
                     "Address Line 1": "address", "Post Code": None, "Postcode": "address", "E-mail": "contact",
                     "Mobile No": "contact", "Date of Birth": "contact", "Complainant": "name",
                     "Social Worker": "name", "Investigating Officer": "name", "Notes": None, "Status": None,
                     "Contact Method": None, "Complainant Gender": None, "Ref": None}


def test_a_name_typed_in_the_team_column_is_excluded_and_named_but_never_shown(tmp_path):
    folder = wide_folder(tmp_path, name_in_team_row=7)
    data = load_data(folder)
    assert NAME not in set(data.complaints["team"]) and len(data.complaints) == 11
    [problem] = [p for p in data.report.problems if p.severity == "excluded"]
    assert problem.row == 9 and problem.column == "Service Area" and problem.value is None
    assert "'Complainant Name'" in problem.message and "identifies people" in problem.message
    assert NAME not in data.report.text() and NAME not in str(problem)
    # The guard keeps the name although it was typed in a contract column.
    guard = PersonalDataGuard.from_data_dir(folder)
    assert NAME in guard.values
    with pytest.raises(PersonalDataError):
        guard.check(f"<td>{NAME}</td>", where="a table")


def test_a_wide_export_is_not_stopped_by_ordinary_words(tmp_path):
    guard = PersonalDataGuard.from_data_dir(wide_folder(tmp_path))
    assert not set(WIDE.values()) & guard.values and "None" not in guard.values
    assert "Young" not in guard.values  # one ordinary word from a name column identifies nobody
    report_text = ("Closed after initial enquiries. Apology and £250 for time and trouble. Email: "
                   "complaints@example.invalid. Stage 3: None. Advocate: Yes. A Letter was sent. Young people.")
    guard.check(report_text, where="a page")
    for value in ("Sam Quillfeather4", "sq4@example.invalid", "Quillfeather4", NAME, STREET_ADDRESS):
        assert value in guard.values, value


def test_matching_respects_word_boundaries(tmp_path):
    guard = PersonalDataGuard(frozenset({"Quillfeather4", "Ann Lee"}), {})
    for harmless in ("Quillfeather41", "xQuillfeather4", "Ann Leeds", "Annual report, Leeds"):
        guard.check(harmless, where="a page")
    for leaking in ("Quillfeather4.", "(Quillfeather4)", "<td>Ann Lee</td>", "Ann&nbsp;Lee".replace("&nbsp;", " ")):
        with pytest.raises(PersonalDataError):
            guard.check(leaking, where="a page")


def test_a_stop_names_the_column_and_row_never_the_value(tmp_path):
    guard = PersonalDataGuard.from_data_dir(wide_folder(tmp_path))
    with pytest.raises(PersonalDataError) as stop:
        guard.check(f"Thanks to {NAME}.", where="outputs/2019-20/summary.json")
    message = str(stop.value)
    assert "the column 'Complainant Name' of complaints.csv, row 5" in message
    assert NAME not in message and "Ashcombe" not in message
    assert message.startswith("outputs/2019-20/summary.json would contain")


def test_commentary_is_checked_word_by_word_against_names_and_streets(tmp_path):
    guard = PersonalDataGuard.from_data_dir(wide_folder(tmp_path))
    for text in ("We met the Ashcombe family of Marrowbone Lane.", "A family on Marrowbone Lane complained.",
                 "Pat and the family were thanked.\nMrs ASHCOMBE wrote again."):
        with pytest.raises(PersonalDataError, match="line [12], has a word of a name or street") as stop:
            guard.check_words(text, where="The commentary")
        assert "Ashcombe" not in str(stop.value) and "Marrowbone" not in str(stop.value)
    # The town, the street words, and the reports' own words are not names.
    guard.check_words("Complaints in Barchester fell; the Lane Road Close team was praised. Closed. Young people.",
                      where="The commentary")


def test_the_runner_refuses_commentary_that_names_a_family_before_anything_runs(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    complaints = pd.read_csv(folder / "complaints.csv", dtype=str, encoding="utf-8-sig")
    complaints.loc[4, ["Complainant Name", "Address"]] = [NAME, STREET_ADDRESS]
    complaints.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    year = "2019-20"
    (folder / f"commentary-{year}.md").write_text(
        "## Compliments\nCompliments rose.\n\nThe Ashcombe family of Marrowbone Lane thanked the service.\n",
        encoding="utf-8")
    data = load_data(folder)
    with pytest.raises(ReportError, match=r"2019-20: The commentary for 2019-20 \(section 'Compliments'\), line 4"):
        check_commentary(data, [year], report_notebooks(DEFAULT_NOTEBOOKS_DIR), PersonalDataGuard.from_data_dir(folder))


def cross_file_folder(tmp_path):
    """A name from the Ombudsman file's name column typed as a team in the complaints file: the
    loader cannot see it (another file), so the guard must stop the summary and tables."""
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    ombudsman = pd.read_csv(folder / "ombudsman.csv", dtype=str, encoding="cp1252")
    ombudsman["Complainant Name"] = [NAME if i == 2 else "" for i in range(len(ombudsman))]
    ombudsman.to_csv(folder / "ombudsman.csv", index=False, encoding="cp1252")
    complaints = pd.read_csv(folder / "complaints.csv", dtype=str, encoding="utf-8-sig")
    row = complaints.index[complaints["Date Received"].str.endswith("2019")][0]
    complaints.loc[row, "Service Area"] = NAME
    complaints.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    return folder


def test_outputs_are_all_checked_before_any_is_written(tmp_path):
    folder = cross_file_folder(tmp_path)
    data = load_data(folder)
    assert NAME in set(data.complaints["team"])  # another file's name column: the loader cannot tell
    guard = PersonalDataGuard.from_data_dir(folder)
    with pytest.raises(PersonalDataError, match=r"the column 'Complainant Name' of ombudsman.csv, row 4"):
        checked_outputs(data, ["2019-20"], tmp_path / "out", disclosure_policy(), guard)
    assert not (tmp_path / "out").exists()


def test_a_stopped_run_writes_nothing_at_all(tmp_path):
    folder = cross_file_folder(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(PersonalDataStop, match="Stopped to protect personal data") as stop:
        run_reports(["2019-20"], data_dir=folder, out_dir=out, progress=lambda line: None)
    assert "'Complainant Name' of ombudsman.csv, row 4" in str(stop.value) and NAME not in str(stop.value)
    # No page, table, summary or index; only the analysts' logs say what happened.
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not [p for p in written if "logs/" not in p], written
    for path in out.rglob("*"):
        if path.is_file():
            assert NAME not in path.read_text(errors="replace"), path


def test_a_code_is_never_taken_for_a_name(tmp_path):
    """A dropped "Complainant" column that holds types ("Parent") excludes no row whose
    complainant type reads as that code."""
    header = [*COMPLAINT_HEADER, "Complainant Type", "Complainant"]
    rows = [[*row, "Parent", "Parent"] for row in people_rows(6)]
    write_csv(tmp_path / "complaints.csv", [header, *rows])
    data = load_data(tmp_path)
    assert len(data.complaints) == 6 and not [p for p in data.report.problems if p.severity == "excluded"]
