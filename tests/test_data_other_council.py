"""Issue 16: a differently shaped council's export goes init -> validate -> load_data with no hand
edits, and every figure equals a count made independently from the generator's records (pandas
only, in tests/other_council.py)."""

import contextlib
import hashlib
import io
import json

import pytest

from cfanalysis.analysis.figures import year_counts
from cfanalysis.cli import main
from cfanalysis.data.example import TEAMS as EXAMPLE_TEAMS
from cfanalysis.data.loader import load_data
from tests import other_council

AS_OF = "2024-06-30"


def _run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


def _checksums(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture(scope="session")
def council(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other_council")
    written = other_council.write_other_council(folder)
    before = _checksums(folder)
    status, init_text = _run("init", "--data", str(folder))
    return {"folder": folder, "written": written, "before": before, "init_status": status, "init_text": init_text,
            "data": load_data(folder, as_of=AS_OF)}


def test_init_writes_a_mapping_and_dataset_json_and_changes_nothing_else(council):
    folder = council["folder"]
    assert council["init_status"] == 0
    after = _checksums(folder)
    assert set(after) - set(council["before"]) == {"mapping.yml", "dataset.json"}
    assert all(after[name] == digest for name, digest in council["before"].items())
    info = json.loads((folder / "dataset.json").read_text())
    assert info["synthetic"] is False and "authority" in info and "contact" in info
    mapping = (folder / "mapping.yml").read_text()
    assert "# guess" in mapping and '"Staff attitude or behaviour": "attitude or behaviour of staff"' in mapping
    assert "NCMS_Complaints_Extract.xlsx" in mapping and "Thanks_Log_FY*-*.csv" in mapping
    assert "Next: cfanalysis validate" in council["init_text"]


def test_init_never_overwrites_without_force(council, tmp_path):
    folder = tmp_path
    other_council.write_other_council(folder)
    (folder / "mapping.yml").write_text("tables: {}\n")
    status, text = _run("init", "--data", str(folder))
    assert status == 0 and "mapping.yml: kept" in text and (folder / "mapping.yml").read_text() == "tables: {}\n"
    assert "dataset.json: written" in text
    status, text = _run("init", "--data", str(folder), "--force")
    assert "mapping.yml: written" in text and "tables:\n  " in (folder / "mapping.yml").read_text()


def test_validate_after_init_is_usable_and_lists_every_file(council):
    status, text = _run("validate", "--data", str(council["folder"]), "--as-of", AS_OF)
    assert status == 0 and "Usable: yes" in text
    for name in ("NCMS_Complaints_Extract.xlsx: complaints", "LGSCO_Enquiries_2020-2024.csv: ombudsman",
                 "Thanks_Log_FY2023-24.csv: compliments"):
        assert name in text
    for year in other_council.YEARS:
        assert f"NCMS_Complaints_Extract.xlsx (sheet '{year}')" in text
    assert "Complainant Name" in text and "Person " not in text  # dropped by header, never by value


@pytest.mark.parametrize("year", other_council.YEARS)
def test_every_figure_equals_the_independent_count(council, year):
    data, expected = council["data"], council["written"]["expected"][year]
    assert data.financial_years == list(other_council.YEARS)
    counts = year_counts(data, year)
    assert counts.complaints == expected["complaints"]
    assert counts.by_team == {t: n for t, n in expected["by_team"].items()}
    assert counts.by_stage == expected["by_stage"]
    assert counts.by_procedure == expected["by_procedure"]
    assert counts.by_outcome == expected["by_outcome"]
    assert (counts.stage1_complaints, counts.stage2_escalations) == (expected["stage1_complaints"],
                                                                    expected["stage2_escalations"])
    assert counts.attitude == expected["attitude"] > 0
    assert counts.compliments == expected["compliments"]
    assert counts.ombudsman_enquiries == expected["ombudsman_enquiries"]
    assert counts.ombudsman_decisions == expected["ombudsman_decisions"]


def test_every_row_is_counted_or_listed_as_excluded(council):
    data, records = council["data"], council["written"]["complaints"]
    report = data.report
    assert report.tables["complaints"].rows_read == len(records)
    assert report.tables["complaints"].rows_excluded == int(records["excluded"].sum()) == 3
    excluded = report.excluded_rows_frame()
    assert set(excluded["value"]) == {"#N/A"} and excluded["file"].str.contains("sheet '2022-23'").all()
    assert data.not_recorded_themes == ()


def test_nothing_of_the_example_council_appears(council):
    data = council["data"]
    teams = set(data.complaints["team"]) | set(data.compliments["team"]) | set(data.ombudsman["team"])
    assert teams == set(other_council.TEAMS)
    assert not teams & set(EXAMPLE_TEAMS)
    assert data.synthetic is False


def test_the_utc_timestamp_at_2330_on_31_march_is_the_next_financial_year(council):
    ombudsman = council["data"].ombudsman
    row = ombudsman[ombudsman["reference"] == "22 999 001"]
    assert row["financial_year"].tolist() == ["2022-23"] and row["decision"].tolist() == ["upheld"]
