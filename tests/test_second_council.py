"""Another council's data, the first time (issue 16): `cfanalysis report --all-years` on a
differently shaped dataset (tests/second_council.py) with no parameters at all.

The reports are built once per session. Nothing of the example (teams, story, council, people)
may appear in them; the team question picks the team with the largest rise and says it was
chosen after looking; the complainant whose name was typed into the team column is never
published; the main figures equal counts made from the raw files.
"""

from __future__ import annotations

import json

import pytest

from cfanalysis.cli import main
from cfanalysis.data import example
from tests import second_council as council
from tests.test_no_example_defaults import EXAMPLE_ONLY

pytestmark = pytest.mark.slow

TEXT_SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".log", ".txt", ".md")


@pytest.fixture(scope="session")
def second_council(tmp_path_factory):
    """The second council's folder and its reports, built once as `make report DATA=...` builds them."""
    folder = council.write_second_council(tmp_path_factory.mktemp("second-council") / "data")
    out = tmp_path_factory.mktemp("second-council-outputs")
    status = main(["report", "--all-years", "--data", str(folder), "--out", str(out)])
    return folder, out, status


def output_texts(out):
    return {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(out.rglob("*")) if path.is_file() and path.suffix in TEXT_SUFFIXES}


def test_report_works_with_no_parameters(second_council):
    _, out, status = second_council
    assert status == 0
    for year in council.YEARS:
        for name in ("01_monthly_counts.html", "02_team_change.html", "03_annual_report.html", "summary.json"):
            assert (out / year / name).is_file(), (year, name)
    assert (out / "index.html").is_file()


def test_nothing_of_the_example_in_any_output(second_council):
    _, out, _ = second_council
    words = (*EXAMPLE_ONLY, *example.TEAMS, "Duty")
    found = {(name, word) for name, text in output_texts(out).items() for word in words if word in text}
    assert not found


def test_the_team_question_picks_the_largest_rise_and_says_it_was_chosen_after_looking(second_council):
    folder, out, _ = second_council
    raw = council.raw_complaints(folder)
    new = raw[(raw["Complaint Stage"] == council.STAGES[1]) & (raw["Team Name"] != council.MISTYPED_NAME)]
    now = new[new["financial_year"] == "2023-24"].groupby("Team Name").size()
    before = new[new["financial_year"] == "2022-23"].groupby("Team Name").size()
    rise = now.sub(before, fill_value=0).sort_values(ascending=False)
    assert rise.index[0] == council.RISER and rise.iloc[0] > rise.iloc[1]
    page = (out / "2023-24" / "02_team_change.html").read_text(encoding="utf-8")
    assert (f"No team was named for this report, so it looks at {council.RISER}, the team whose new complaints "
            f"rose most ({before[council.RISER]} to {now[council.RISER]})") in page
    assert "judged as picked after looking" in page
    assert f"This report asks whether {council.RISER}&#x27;s complaints really changed in 2023-24" in page or \
        f"This report asks whether {council.RISER}'s complaints really changed in 2023-24" in page
    annual = (out / "2023-24" / "03_annual_report.html").read_text(encoding="utf-8")
    assert f"No team was named for this report, so it looks at {council.RISER}" in annual
    # The verdict is adjusted for the selection, as for a team picked after looking.
    summary = json.loads((out / "2023-24" / "summary.json").read_text(encoding="utf-8"))
    [test] = [t for t in summary["team_tests"] if t["team"] == council.RISER]
    assert test["verdict_rests_on"].endswith("adjusted for the selection")


def test_the_first_year_picks_the_team_with_most_complaints_and_says_so(second_council):
    _, out, _ = second_council
    page = (out / "2021-22" / "02_team_change.html").read_text(encoding="utf-8")
    assert "No team was named for this report, so it looks at Front Door, the team with the most new complaints" in page


def test_no_personal_data_and_the_mistyped_name_is_never_published(second_council):
    folder, out, _ = second_council
    raw = council.raw_complaints(folder)
    people = {*raw["Complainant Name"], *raw["Address"], *raw["Email Address"], *raw["Summary"],
              *(f"{s}" for s in council.SURNAMES), *council.STREETS}
    texts = output_texts(out)
    leaked = {(name, value) for name, text in texts.items() for value in people if value in text}
    assert not leaked
    summary = json.loads((out / "2023-24" / "summary.json").read_text(encoding="utf-8"))
    assert council.MISTYPED_NAME not in summary["complaints_by_team"] and summary["rows_excluded"] == 1


def test_main_figures_equal_counts_made_from_the_raw_files(second_council):
    folder, out, _ = second_council
    raw = council.raw_complaints(folder)
    kept = raw[raw["Team Name"] != council.MISTYPED_NAME]
    for year in council.YEARS:
        summary = json.loads((out / year / "summary.json").read_text(encoding="utf-8"))
        rows = kept[kept["financial_year"] == year]
        assert summary["complaints_total"] == len(rows), year
        assert summary["new_complaints_total"] == (rows["Complaint Stage"] == council.STAGES[1]).sum(), year
        assert summary["complaints_by_team"] == rows.groupby("Team Name").size().to_dict(), year
        assert summary["compliments_total"] == council.COMPLIMENTS[year], year
        assert summary["ombudsman_enquiries"] == council.OMBUDSMAN[year], year
        assert summary["synthetic_data"] is True
