"""Protecting people: formula injection neutralised, no personal data in any output, escaping."""

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from cfanalysis.publish.guard import PersonalDataError, PersonalDataGuard, safe_csv_text
from cfanalysis.publish.run import PersonalDataStop, run_reports
from tests.conftest import EXAMPLE


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


def hostile_folder(tmp_path):
    """The example data with fake personal columns, and team names that are script or a formula."""
    folder, complaints = fake_people_folder(tmp_path)
    hostile = complaints.copy()
    hostile.loc[hostile["Service Area"] == "Fostering", "Service Area"] = "<script>alert(1)</script>"
    hostile.loc[hostile["Service Area"] == "Care Leavers", "Service Area"] = "=HYPERLINK(\"http://x\")"
    hostile.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    return folder, hostile


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    """One year's reports built once from :func:`hostile_folder` (both tests below read them)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    folder, complaints = hostile_folder(tmp_path)
    out = tmp_path / "out"
    runs = run_reports(["2019-20"], data_dir=folder, out_dir=out, progress=lambda line: None)
    return out, runs, complaints


@pytest.mark.slow
def test_no_personal_data_in_any_output(hostile_reports):
    out, runs, complaints = hostile_reports
    assert all(run.ok for run in runs), [run.message for run in runs]
    secrets = set(complaints["Email"]) | set(complaints["Child Name"]) | set(complaints["Notes"]) | \
        set(complaints["Complainant Name"]) | set(complaints["Address"]) | set(complaints["Details"])
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".csv" for p in files) and any(p.suffix == ".ipynb" for p in files)
    for path in files:
        text = path.read_text(errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:3])


@pytest.mark.slow
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
    with pytest.raises(PersonalDataStop, match="outside the data contract") as stop:
        run_reports(["2019-20"], data_dir=folder, out_dir=out, notebooks_dir=notebooks, progress=lambda line: None)
    # The stop names the column and row to look at, never the value, and writes nothing at all:
    # no page, no executed notebook, no summary.json, no CSV table, no index (only the logs).
    assert re.search(r"the column '[^']+' of complaints.csv, row \d+", str(stop.value))
    secrets = [*complaints["Email"], *complaints["Child Name"], *complaints["Complainant Name"]]
    assert not [s for s in secrets if s in str(stop.value)]
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert not [p for p in written if not p.endswith(".log")], written
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


@pytest.mark.slow
def test_html_escapes_data(hostile_reports):
    out, runs, _ = hostile_reports
    assert all(run.ok for run in runs), [run.message for run in runs]
    for page in (out / "2019-20").glob("*.html"):
        text = page.read_text()
        assert "<script>alert(1)</script>" not in text, page.name
        if not page.stem.endswith("_appendix"):  # the appendix (audits, checksums) need not name the team
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, page.name
    import csv

    with open(out / "2019-20" / "tables" / "complaints_by_team.csv", newline="") as handle:
        first_cells = [row[0] for row in csv.reader(handle)]
    assert "'=HYPERLINK(\"http://x\")" in first_cells and not any(c.startswith("=") for c in first_cells)
