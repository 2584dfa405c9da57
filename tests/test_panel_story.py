"""Report 03 tells one story for the panel (issue 19): plain answers first, methods in the annex.

The quick tests read the section objects of :func:`cfanalysis.annual_report` for the example data
and for a differently shaped council built here (other teams, years, headers and sizes); the slow
ones read the built HTML of 02 and 03.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import cfanalysis as cf
from cfanalysis import words
from cfanalysis.publish.story import team_verdict
from tests.conftest import EXAMPLE, write_csv
from tests.report_text import report_text

# Test names and model terms that belong in the annex only (ONS style: the body uses words and figures).
MODEL_TERMS = ("E-test", "Fisher", "Wilson", "quasi-Poisson", "Quasi-Poisson", "GLM", "Holm", "days^",
               "scale 1.", "p = ", "segmented", "chance cannot be ruled out", "Clopper", "sign-flip")
BODY_SECTIONS = ("main_points_section", "headline_section", "team_section", "attitude_section",
                 "timeliness_section", "compliments_section", "ombudsman_section", "actions_section",
                 "teams_section", "categories_section", "outcomes_section", "complainants_section")


def other_council(folder, seed: int = 7):
    """A council unlike the example: four other teams, 2021-22 and 2022-23, its own headers, ~150 a year."""
    rng = np.random.default_rng(seed)
    teams = {"Front Door": (30, 50), "Placements": (40, 38), "Leaving Care": (25, 27), "Early Help": (45, 40)}
    categories = ["Communication", "Delay or failure to act", "Quality of service",
                  "Attitude or behaviour of staff", "Disagreement with a decision or assessment"]
    outcomes = ["Upheld", "Partially upheld", "Not upheld", "Not upheld", "Withdrawn"]
    who = ["Parent", "Child or young person", "Foster carer", "Other relative"]
    rows, n = [["Case Reference", "Received On", "Service", "Stage of Complaint", "Process", "Subject",
                "Finding", "Relationship to Child", "Response Sent", "Age Band", "Gender", "Ethnic Group",
                "How Received", "Compensation Paid"]], 0
    ethnicities = ["White British", "Mixed", "Asian or Asian British", "Black or Black British", ""]
    extra = lambda: [str(rng.choice(["0-4", "5-10", "11-15", "16-17"])), str(rng.choice(["Female", "Male"])),  # noqa: E731
                     str(rng.choice(ethnicities)),
                     str(rng.choice(["Email", "Telephone", "Letter", "Online form"])),
                     str(rng.choice(["", "", "", "", "", "", "", "", "", "150"]))]
    for team, sizes in teams.items():
        for year, size in zip((2021, 2022), sizes):
            for _ in range(size):
                n += 1
                day = np.datetime64(f"{year}-04-01") + int(rng.integers(0, 365))
                reply = day + int(rng.integers(3, 30))
                ref, fmt = f"FD{n:05d}", lambda d: str(d.astype(object).strftime("%d/%m/%Y"))
                base = [ref, fmt(day), team]
                tail = [str(rng.choice(categories)), str(rng.choice(outcomes)), str(rng.choice(who)), fmt(reply)]
                more = extra()
                rows.append([*base, "Stage 1", "Statutory", *tail, *more])
                if rng.random() < 0.08:
                    rows.append([*base, "Stage 2", "Statutory", *tail[:3], fmt(reply + 40), *more[:4], ""])
    write_csv(folder / "complaints.csv", rows)
    write_csv(folder / "actions.csv", [["Ref", "Theme", "Action", "Owner", "Status", "Target Date"],
                                       ["FD00001", "Communication", "Call families back within a day.",
                                        "Front Door manager", "Complete", "30/09/2021"]])
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = other_council(tmp_path_factory.mktemp("other_council"))
    other = cf.load_data(folder)
    example = cf.load_data(EXAMPLE)
    return {"example": cf.annual_report(example, "2019-20", team="Duty Team"),
            "example-public": cf.annual_report(example, "2019-20", team="Duty Team",
                                               policy=cf.disclosure_policy("public")),
            "other": cf.annual_report(other, "2022-23", team="Front Door"),
            "other-fall": cf.annual_report(other, "2022-23", team="Early Help"),
            "other-auto": cf.annual_report(other, "2022-23", policy=cf.disclosure_policy("public"))}


def text_of(section) -> str:
    return report_text(section._repr_html_())


@pytest.mark.parametrize("name", ["example", "example-public", "other", "other-fall"])
def test_no_test_name_or_model_term_in_the_body(reports, name):
    report = reports[name]
    for section in BODY_SECTIONS:
        text = text_of(getattr(report, section)())
        found = [term for term in MODEL_TERMS if term in text]
        assert not found, (section, found)


@pytest.mark.parametrize("name", ["example", "other"])
def test_the_annex_names_the_tests(reports, name):
    annex = text_of(reports[name].methods_section())
    assert "E-test" in annex and "Fisher" in annex and "p-value" in annex


@pytest.mark.parametrize("name, team", [("example", "Duty Team"), ("other", "Front Door"),
                                        ("other-fall", "Early Help")])
def test_team_answer_opens_with_three_plain_lines(reports, name, team):
    report = reports[name]
    lines = [p.text for p in report.team_section().parts[:3]]
    first, second, third = lines
    h = report.question.change.headline
    assert first.startswith(f"{team} received {h.count} new complaints") and "times" in first or "%" in first
    assert "upheld" in second and "children" in second  # outcomes and complainants
    assert third.startswith("Verdict: " + words.strength(report.question.change.verdict_pvalue))
    assert "named in the report's parameters" not in " ".join(lines)


def test_team_answer_gives_demand_and_timing_on_the_example(reports):
    first, second, _ = (p.text for p in reports["example"].team_section().parts[:3])
    assert "November 2019" in first  # when it began: the change point
    assert "per 1,000 contacts, complaints went from 0.70 to 1.72" in second  # demand does not explain it
    assert "8 of 20 were upheld in full or in part, against 2 of 8" in second
    assert "4 came from children or their advocates, against 0" in second


def test_other_council_without_demand_data_says_so(reports):
    second = reports["other"].team_section().parts[1].text
    assert second.startswith("There are no demand figures")


def test_main_points_define_one_headline_measure(reports):
    points = text_of(reports["example"].main_points_section())
    assert "85 new complaints in 2019-20 (the headline measure in this report" in points
    assert "92" not in points  # stage cases (workload) are not a headline figure
    headline = text_of(reports["example"].headline_section())
    assert "Workload: the complaints team handled 92 stage cases" in headline


def test_earlier_action_whose_theme_rose_is_remarked_on(reports):
    text = text_of(reports["example"].team_section())
    assert ("The 2018-19 action for Duty Team on communication is marked complete, but Duty Team's complaints "
            "about communication went from 1 to 3") in text
    actions = text_of(reports["example"].actions_section())
    assert "1 in 2018-19, 3 since (rose)" in actions and "too early to tell" in actions


def test_main_points_and_team_section_give_the_same_verdict(reports):
    for name in ("example", "other", "other-fall"):
        report = reports[name]
        verdict = team_verdict(report.question)
        assert verdict in text_of(report.main_points_section()) or report.suppress_below
        assert verdict in text_of(report.team_section())


# --- the story under the disclosure policy (issue 17) and the team choice (issue 16) ----------------

APPENDIX_SECTIONS = ("cover_sheet", "team_appendix", "compliments_appendix", "benchmarking_appendix",
                     "statutory_section", "statutory_appendix")


@pytest.mark.parametrize("name", ["example-public", "other-auto"])
def test_public_story_passes_the_attackers_audit(reports, name):
    from cfanalysis.publish.audit import audit
    from cfanalysis.publish.disclosure import Ledger
    from cfanalysis.publish.display import records_of

    report, ledger = reports[name], Ledger()
    for section in (*BODY_SECTIONS, *APPENDIX_SECTIONS):
        records = records_of(getattr(report, section)())
        if section in ("cover_sheet", "team_section", "main_points_section"):
            assert records, section  # the numbers they publish go to the run's audit
        for record in records:
            ledger.extend(record)
    assert any(cell.protect for cell in ledger.cells)  # something was hidden, and nothing can be worked out
    assert audit(ledger, report.policy) == []



@pytest.mark.parametrize("name", ["example-public", "other-auto"])
def test_the_learning_figures_print_a_cell_the_team_table_hides_as_the_table_does(reports, name):
    """A count the team's subjects table hides (small, or hidden to protect a small one) is not
    printed before-and-since by the learning section: beside the table's Total row it would give
    the small count back."""
    from cfanalysis.publish.disclosure import Ledger
    from cfanalysis.publish.display import records_of

    report, ledger = reports[name], Ledger()
    for section in ("team_section", "actions_section"):
        for record in records_of(getattr(report, section)()):
            ledger.extend(record)
    table = [c for c in ledger.cells if c.key.startswith("team_category:") and "what they were about" in c.where]
    hidden = {c.key for c in table if not c.shown}
    assert hidden  # the test councils' team tables do hide cells
    learning = [c for c in ledger.cells if c.key in hidden and "learning and actions" in c.where]
    assert learning  # ... and the learning section gives some of the same figures
    assert all((c.low, c.high) == (0, math.inf) for c in learning), learning

def test_public_team_answer_gives_no_n_of_m_resting_on_a_hidden_count(reports):
    # Duty Team's upheld complaints and those from children are below 5 in one of the years.
    second = reports["example-public"].team_section().parts[1].text
    assert "is not given here: the numbers are too small to publish" in second
    assert not re.search(r"\d+ of \d+", second)
    assert "8 of 20" in reports["example"].team_section().parts[1].text


def test_without_a_team_the_report_takes_the_largest_rise_and_says_why(reports):
    report = reports["other-auto"]
    assert report.team == "Front Door"  # 30 to 50, the largest rise of the four teams
    text = text_of(report.team_section())
    assert "No team was named for this report, so it looks at Front Door" in text
    assert "Verdict: " in text and not report.question.change.named_in_advance


def test_named_in_advance_needs_a_team():
    with pytest.raises(cf.ParameterError, match="named_in_advance=True needs the team parameter"):
        cf.annual_report(cf.load_data(EXAMPLE), "2019-20", named_in_advance=True)


# --- the built reports (slow: they run the notebooks) ---------------------------------------------

@pytest.fixture(scope="module")
def built(built_reports):
    year = built_reports[0] / "2019-20"
    return {page.stem: report_text(page.read_text()) for page in year.glob("*.html")}


def _verdict_box_02(text: str) -> str:
    return text.split("The verdict ¶")[1].splitlines()[1]


def test_02_and_03_give_the_team_the_same_verdict(built):
    verdict02 = _verdict_box_02(built["02_team_change"])
    # The verdict's band is the first evidence phrase of 02's verdict box (demand follows it).
    found = [(verdict02.find(s), -len(s), s) for _, s in words.EVIDENCE_BANDS if s in verdict02]
    strength = min(found)[2]
    body03 = built["03_annual_report"].split("Annex ¶")[0]
    assert f"Verdict: {strength} of a real change" in body03
    assert len(re.findall(r"Verdict: ", body03)) == 2  # main points and the team section, the same words


def test_03_body_is_free_of_test_names(built):
    body = built["03_annual_report"].split("Annex ¶")[0]  # the example's commentary uses none of them either
    assert not [t for t in MODEL_TERMS if t in body]


# --- the commentary checked against the figures -----------------------------------------------------

def test_example_commentary_claim_of_a_fall_is_flagged():
    from cfanalysis.publish.claims import check_claims

    flags = check_claims(cf.load_data(EXAMPLE), "2019-20")
    assert [f.sentence for f in flags] == ["Complaints fell again this year, for the second year running, and "
                                           "compliments rose."]
    assert "new complaints 88 then 85" in flags[0].figures_say and "a fall is not supported" in flags[0].figures_say


def test_supported_claims_are_not_flagged_and_others_are(tmp_path):
    from cfanalysis.publish.claims import check_claims

    folder = other_council(tmp_path)
    (folder / "commentary").mkdir()
    (folder / "commentary" / "2022-23.md").write_text(
        "## The year in figures\n\nFront Door's complaints rose. Early Help's complaints rose sharply.\n\n"
        "## Staff attitude\n\nComplaints about staff fell significantly; compliments are not recorded.\n",
        encoding="utf-8")
    flags = check_claims(cf.load_data(folder), "2022-23")
    said = {f.sentence: f.figures_say for f in flags}
    assert "Front Door's complaints rose." not in said  # 30 to 50
    assert "a rise is not supported" in said["Early Help's complaints rose sharply."]  # 45 to 40
    assert "fall is not supported" in said["Complaints about staff fell significantly; compliments are not recorded."]


def test_the_run_lists_flagged_commentary(tmp_path):
    from cfanalysis.publish.claims import claims_report

    lines = claims_report(cf.load_data(EXAMPLE), ["2018-19", "2019-20"])
    assert lines[0].startswith("Check the commentary before publishing: 1 sentence claims")
    assert "section 'The year in figures'" in lines[1]


# --- the paper for the agenda pack ------------------------------------------------------------------

def test_cover_sheet_has_what_an_agenda_item_needs(reports):
    for name in ("example", "other"):
        cover = reports[name].cover_sheet()
        rows = dict(cover.rows)
        assert {"Purpose", "Recommendation", "Financial implications", "Legal implications",
                "Equalities implications", "Author", "Date"} <= set(rows)
        assert "notes the report" in rows["Recommendation"]
        assert 'class="cf-cover"' in cover._repr_html_()


def test_without_chromium_the_run_says_so(tmp_path, monkeypatch):
    from cfanalysis.publish import pdf

    page = tmp_path / "03_annual_report.html"
    page.write_text('<section class="cf-cover"></section>', encoding="utf-8")
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    lines = []
    assert pdf.print_papers([page], progress=lines.append) == []
    assert lines and "Chromium is not installed" in lines[0] and "apt-get install -y chromium" in lines[0]
    assert pdf.print_papers([tmp_path / "missing.html"], progress=lines.append) == []


def test_appendix_cells_leave_the_report_for_their_own_page():
    import nbformat

    from cfanalysis.publish.pages import APPENDIX_TAG, appendix_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Main"), nbformat.v4.new_markdown_cell("## Audit")]
    nb.cells[1].metadata["tags"] = [APPENDIX_TAG]
    appendix = appendix_notebook(nb)
    assert [c.source for c in appendix.cells] == ["## Audit"] and len(nb.cells) == 2
    assert appendix_notebook(nbformat.v4.new_notebook()) is None


def _pdf_pages(path) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def _plain(fragment: str) -> str:
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _cells(row: str) -> list[str]:
    return re.findall(r"<t[hd].*?</t[hd]>", row, flags=re.S)


def _tables(page_html: str) -> list[tuple[str, str, str]]:
    """(caption, first row's first cell, last row's first cell) of every table in a page."""
    found = []
    for table in re.findall(r"<table.*?</table>", page_html, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        rows = re.findall(r"<tr>(.*?)</tr>", re.sub(r"<thead>.*?</thead>", "", table, flags=re.S), flags=re.S)
        if not caption or not rows:
            continue
        found.append((_plain(caption.group(1)), _plain(_cells(rows[0])[0]), _plain(_cells(rows[-1])[0])))
    return found


def test_pdf_of_03_exists_fits_ten_pages_and_cuts_no_table(built_reports):
    from cfanalysis.publish.pdf import chromium

    if chromium() is None:
        pytest.skip("Chromium is not installed, so no PDF is made (sudo apt-get install -y chromium)")
    year = built_reports[0] / "2019-20"
    pages = _pdf_pages(year / "03_annual_report.pdf")
    annex = next(i for i, text in enumerate(pages) if " Annex " in f" {text} " and "Methods" in text)
    assert annex + 1 <= 10, f"the body runs to page {annex + 1}"  # cover sheet to the annex: at most 10 A4 pages
    assert "Cover sheet" in pages[0] and "Every row accounted for" not in " ".join(pages)  # audits: appendix
    for caption, first, last in _tables((year / "03_annual_report.html").read_text()):
        on = [i for i, text in enumerate(pages) if caption[:60] in text]
        assert on, caption
        assert any(first in pages[i] and last in pages[i] for i in on), f"table cut across pages: {caption}"
    appendix = (year / "03_annual_report_appendix.html").read_text()
    assert "Every row accounted for" in appendix and "SHA-256" in appendix


# --- the statutory and customary sections ---------------------------------------------------------

def test_statutory_section_from_the_example_says_what_is_not_recorded(reports):
    timeliness = text_of(reports["example"].timeliness_section())
    assert "Stage 1: 61 of 85 replies within 10 working days, and 79 (93%) within the extended 20" in timeliness
    text = text_of(reports["example"].statutory_section())
    assert "Stage 3 review panels: 1 in 2019-20; outcomes: not upheld 1." in text
    assert "Advocacy: 15 new complaints came from children and young people, 6 of them through an advocate." in text
    assert "Not recorded in the data, so not reported: how received, age band, sex, ethnicity, disability" in text
    assert "No equalities monitoring" in text_of(reports["example"].statutory_appendix())


def test_statutory_section_from_optional_columns(reports):
    text = text_of(reports["other"].statutory_section())
    assert "Compensation: 10 complaints led to a payment, £1,500 in all." in text
    # the columns it lacks
    assert "Not recorded in the data, so not reported: disability and the cost of Stage 2 investigations" in text
    assert "Cost of investigations" not in text
    appendix = text_of(reports["other"].statutory_appendix())
    for caption in ("New complaints by age band", "New complaints by sex", "New complaints by ethnicity",
                    "New complaints by how received"):
        assert caption in appendix
    assert "Not recorded" in appendix  # a blank ethnicity is counted, not dropped


def test_equalities_tables_go_through_suppression(tmp_path):
    folder = other_council(tmp_path)
    public = cf.annual_report(cf.load_data(folder), "2022-23", team="Front Door",
                               policy=cf.disclosure_policy("public"))
    appendix = text_of(public.statutory_appendix())
    assert "fewer than 5" in appendix or "not shown" in appendix or all(
        int(v) >= 5 for v in re.findall(r" (\d+)(?= |$)", appendix))


def test_actions_show_their_due_date_when_the_log_has_one(reports):
    text = text_of(reports["other"].actions_section())
    assert "Due" in text and "30 Sep 2021" in text
    assert "Due" not in text_of(reports["example"].actions_section()).split("You said, we did")[1].splitlines()[1]


def test_a_team_name_ending_in_s_takes_only_the_apostrophe(tmp_path):
    folder = other_council(tmp_path)
    text = (folder / "complaints.csv").read_text().replace("Early Help", "Children with Disabilities")
    (folder / "complaints.csv").write_text(text)
    report = cf.annual_report(cf.load_data(folder), "2022-23", team="Children with Disabilities")
    section = text_of(report.team_section())
    assert "Children with Disabilities'" in section and "Disabilities's" not in section


# --- a comparison that can say something ----------------------------------------------------------------

def test_comparison_ranks_the_council_warns_and_uses_the_ombudsman_measures(reports):
    report = reports["example"]
    text = text_of(report.benchmarking_section())
    # Complaints per 1,000 children in need, this council on its own new complaints (issue 18: the unit the
    # report states), the others on the file's figures; the rank by plain pandas on the file with that one row changed.
    year = report.data.comparators[report.data.comparators["financial_year"] == "2019-20"].copy()
    year.loc[year["authority"] == report.authority, "complaints"] = report.figures.now.new_complaints
    rank = int((year["complaints"] / year["children_in_need"]).rank(ascending=False, method="first")[
        year["authority"] == report.authority].iloc[0])
    assert rank == 10 and f"the {rank}th highest of {len(year)} councils" in text
    assert "councils count complaints very differently" in text
    assert "The Ombudsman's published measures for Example Council (synthetic), 2019-20: complaints upheld 65%" in text
    assert "recommendations complied with 100% (joint 1st highest of 16" in text
    appendix = text_of(reports["example"].benchmarking_appendix())
    assert "The Ombudsman's published measures, 2019-20" in appendix
    assert not re.search(r"\b\d+\.00\b", text + appendix)  # counts print as counts, never 180.00
    assert "not in the comparators file" not in text


def test_comparison_without_comparators_is_absent_cleanly(reports):
    text = text_of(reports["other"].benchmarking_section())
    assert "No comparators table was supplied" in text and "Ombudsman's published measures" not in text
