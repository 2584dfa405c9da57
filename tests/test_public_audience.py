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


# Issue 17: the attacker's audit on whole public builds ---------------------------------------

def _main_points(page: str) -> list[str]:
    import re

    section = page.split('id="main-points"', 1)[-1].split("<h2", 1)[0] if 'id="main-points"' in page else \
        page.split("Main points", 1)[-1].split("<h2", 1)[0]
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", section, flags=re.S)]


@pytest.mark.slow
def test_public_build_passes_the_audit_and_holds_only_what_is_published(public_reports):
    from cfanalysis.publish.audit import audit_folder

    out, runs = public_reports
    assert runs and all(run.ok for run in runs)
    assert audit_folder(out) == []
    published = {p.suffix for p in out.rglob("*") if p.is_file()}
    # The PDF of 03 is printed from its public page (audited like the rest) for the agenda pack.
    assert published <= {".html", ".csv", ".json", ".pdf"}, published
    assert not any("logs" in p.parts for p in out.rglob("*"))
    assert list((out.parent / f"{out.name}-logs").rglob("*.ipynb")), "executed notebooks are kept outside"


@pytest.mark.slow
def test_public_main_points_keep_their_figures_and_charts_remain(public_reports, built_reports):
    """Where no person is at risk a main point reads as in the internal version; no chart disappears."""
    import re

    public_out, _ = public_reports
    internal_out, _ = built_reports
    for year_dir in sorted(p for p in internal_out.iterdir() if (p / "03_annual_report.html").exists()):
        internal = (year_dir / "03_annual_report.html").read_text()
        public = (public_out / year_dir.name / "03_annual_report.html").read_text()
        safe = [point for point in _main_points(internal)
                if not re.search(r"(?<![\d.,])[0-4](?![\d.,%])", point) and re.search(r"\d", point)]
        kept = [point for point in safe if point in _main_points(public)]
        assert safe and len(kept) >= len(safe) - 1, (year_dir.name, safe, _main_points(public))
        for name in ("01_monthly_counts.html", "02_team_change.html", "03_annual_report.html"):
            inside = (year_dir / name).read_text().count("<img")
            outside = (public_out / year_dir.name / name).read_text().count("<img")
            assert outside == inside, (year_dir.name, name, inside, outside)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["largest", "smallest"])
def test_public_build_of_a_differently_shaped_council_passes_the_audit(tmp_path, which):
    """Asked about its largest team, and about a team with fewer than 5 complaints a year."""
    from cfanalysis.publish.audit import audit_folder
    from cfanalysis.publish.run import run_reports
    from tests.shaped_council import TEAMS, write_shaped_council

    data_dir = write_shaped_council(tmp_path / "data")
    team = max(TEAMS, key=TEAMS.get) if which == "largest" else min(TEAMS, key=TEAMS.get)
    out = tmp_path / "public"
    runs = run_reports(None, data_dir=data_dir, out_dir=out, audience="public", progress=lambda line: None,
                       parameters={"team": team, "highlight": team}, as_of="2026-01-01")
    assert runs and all(run.ok for run in runs), [run.message for run in runs if not run.ok]
    assert {run.financial_year for run in runs} == {"2021-22", "2022-23"}
    assert audit_folder(out) == []
    page = (out / "2022-23" / "03_annual_report.html").read_text()
    assert "[c]" in page and "fewer than 5 complaint " not in page
