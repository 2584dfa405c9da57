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


def _fy(stamps):
    """Financial year labels of timestamps, by hand."""
    start = stamps.dt.year.where(stamps.dt.month >= 4, stamps.dt.year - 1)
    return start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)


def test_figures_equal_counts_read_from_the_raw_files_with_pandas_alone(council):
    """The raw files themselves, read with pandas (no cfanalysis), give the same counts."""
    import pandas as pd

    folder, data = council["folder"], council["data"]
    sheets = pd.read_excel(folder / other_council.COMPLAINTS_FILE, sheet_name=None, header=1)
    rows = []
    for year in other_council.YEARS:
        sheet = sheets[year].copy()
        if year == other_council.YEARS[1]:  # merged team cells: blank below each block's first row
            sheet["Team Responsible"] = sheet["Team Responsible"].ffill()
        sheet["year"] = year
        rows.append(sheet)
    raw = pd.concat(rows, ignore_index=True)
    raw = raw[raw["Team Responsible"].notna()]  # the #N/A error cells (pandas reads them as missing)
    raw["team"] = raw["Team Responsible"].str.replace("\u200b", "", regex=False)
    stage_of = {text: stage for stage, text in other_council.STAGES.items()}
    raw["stage"] = raw["Complaint Level"].map(stage_of)
    raw["ref"] = raw["Case Number"].str.replace("\u00a0", "").str.replace("\u200b", "")
    for year in other_council.YEARS:
        counts, mine = year_counts(data, year), raw[raw["year"] == year]
        assert counts.complaints == len(mine)
        assert counts.by_team == mine["team"].value_counts().to_dict()
        assert counts.by_stage == {s: int((mine["stage"] == s).sum()) for s in (1, 2, 3)}
        stage1 = set(mine.loc[mine["stage"] == 1, "ref"])
        assert counts.stage2_escalations == len(stage1 & set(raw.loc[raw["stage"] == 2, "ref"]))
        assert counts.attitude == int((mine["Nature of Concern"] == "Staff attitude or behaviour").sum())

    lgsco = pd.read_csv(folder / other_council.OMBUDSMAN_FILE, lineterminator="\r", encoding="cp1252")
    uk = pd.to_datetime(lgsco["Date Enquiry Received"], utc=True).dt.tz_convert("Europe/London")
    lgsco["year"] = _fy(uk.dt.tz_localize(None))
    upheld = lgsco["LGSCO Decision"].str.match(r"Upheld\b")
    for year in other_council.YEARS:
        counts = year_counts(data, year)
        assert counts.ombudsman_enquiries == int((lgsco["year"] == year).sum())
        assert counts.ombudsman_decisions.get("upheld", 0) == int((upheld & (lgsco["year"] == year)).sum())

    thanks = pd.concat([pd.read_csv(path) for path in sorted(folder.glob("Thanks_Log_FY*.csv"))])
    thanks["year"] = _fy(pd.to_datetime(thanks["Date Compliment Received"], format="%a %d %B %Y"))
    for year in other_council.YEARS:
        assert year_counts(data, year).compliments == int((thanks["year"] == year).sum())


@pytest.mark.slow
def test_report_builds_on_the_other_council_as_exported(council, tmp_path):
    """init -> validate -> report with no hand edits to the files and no parameters."""
    status, text = _run("report", "--data", str(council["folder"]), "--year", "2023-24", "--out", str(tmp_path),
                        "--as-of", AS_OF, "--jobs", "1")
    assert status == 0, text
    summary = json.loads((tmp_path / "2023-24" / "summary.json").read_text())
    expected = council["written"]["expected"]["2023-24"]
    assert summary["complaints_total"] == expected["complaints"]
    assert summary["attitude_of_staff_complaints"] == expected["attitude"]
