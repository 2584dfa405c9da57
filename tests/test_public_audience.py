"""The audience switch: a public run hides small counts everywhere and shows no analyst detail;
every report carries its data date, contact and links; the index lists each year's main figures."""

import json

import nbformat
import pytest

from cfanalysis.publish.pages import export_html
from tests.conftest import EXAMPLE
from tests.published_checks import instructions_and_paths, small_counts


def _notebook(tag):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell("Shown to every reader.")
    internal = nbformat.v4.new_markdown_cell("Analyst detail: which file to edit.")
    internal.metadata["tags"] = [tag]
    notebook.cells = [cell, internal]
    return notebook


def test_cells_tagged_internal_are_left_out_of_public_pages_only():
    resources = {"title": "t", "financial_year": "2019-20", "synthetic": False, "version": "0", "commit": "c",
                 "files": {}, "parameters": {}, "css": "", "audience": "public", "suppress_below": 5,
                 "data_date": "1 May 2020", "contact": "", "related": [], "tables": []}
    public = export_html(_notebook("internal"), resources, drop_internal=True)
    internal = export_html(_notebook("internal"), {**resources, "audience": "internal"})
    assert "Shown to every reader." in public and "Analyst detail" not in public
    assert "Analyst detail" in internal and "Internal: not for publication" in internal
    assert "Internal: not for publication" not in public


@pytest.mark.slow
def test_public_run_shows_no_count_from_one_to_four_no_instructions_and_no_paths(public_reports):
    out, runs = public_reports
    assert runs and all(run.ok for run in runs), [run.message for run in runs if not run.ok]
    assert list(out.rglob("tables/*.csv")), "the public run writes its CSV tables"
    problems = small_counts(out) + instructions_and_paths(out)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_public_summary_holds_only_the_main_figures_suppressed(public_reports):
    out, _ = public_reports
    summary = json.loads((out / "2019-20" / "summary.json").read_text())
    assert summary["audience"] == "public" and "team_tests" not in summary
    assert summary["complaints_total"] == 92
    for key in ("complaints_total", "new_complaints_total", "compliments_total", "ombudsman_enquiries"):
        assert not (isinstance(summary[key], int) and 0 < summary[key] < 5), key


def test_internal_pages_say_not_for_publication_and_carry_date_contact_and_links(built_reports):
    out, _ = built_reports
    page = (out / "2019-20" / "03_annual_report.html").read_text()
    assert "Internal: not for publication" in page
    assert "Contact: Complaints and Representations Team" in page
    assert "Figures are for the data as at " in page
    assert 'href="02_team_change.html"' in page and 'href="01_monthly_counts.html"' in page
    assert 'href="tables/' in page and 'href="../index.html"' in page
    assert not instructions_and_paths(out) or all("instruction" in p for p in instructions_and_paths(out))


def test_index_lists_each_year_with_its_main_figures(built_reports):
    out, _ = built_reports
    index = (out / "index.html").read_text()
    for year in ("2017-18", "2018-19", "2019-20"):
        summary = json.loads((out / year / "summary.json").read_text())
        assert f"Main figures, {year}" in index
        assert f'<td class="cf-number">{summary["complaints_total"]:,}</td>' in index
    assert "Ombudsman enquiries" in index and "Compliments" in index and "New complaints" in index


def test_data_date_makes_reruns_identical():
    """The date printed is the data's, not the day of the run."""
    from cfanalysis import load_data
    from cfanalysis.publish.run import data_date

    data = load_data(EXAMPLE, as_of="2026-01-01")
    assert data_date(data, "2020-05-14") == "14 May 2020"
    assert data_date(data, None) == data_date(load_data(EXAMPLE), None)
