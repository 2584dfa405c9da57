"""Issue 13: dated events, the officer's commentary, and the before-and-after question."""

import shutil

import nbformat
import numpy as np
import pandas as pd
import pytest

import cfanalysis as cf
from cfanalysis.data.commentary import parse_commentary
from cfanalysis.publish.commentary import insert_commentary, match_commentary, render_markdown
from cfanalysis.publish.run import ReportError, run_reports
from tests.conftest import EXAMPLE, write_csv
from cfanalysis.publish.descriptions import describe

NOTEBOOKS = EXAMPLE.parents[1] / "notebooks"


@pytest.fixture
def example_copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    return data


@pytest.fixture(scope="module")
def example():
    return cf.load_data(EXAMPLE, as_of="2026-01-01")


# --------------------------------------------------------------------------------------------
# Events


def test_example_events_load(example):
    assert list(example.events["description"])[1:4] == [
        "New complaints leaflet for children and young people", "Celebration Newsletter began", "New duty rota"]
    assert set(example.events["team"]) == {"all", "Duty Team", "Fostering"}
    assert example.report.rows_excluded == 0


def test_events_bad_date_unknown_team_blank_and_duplicate_are_named(example_copy):
    write_csv(example_copy / "events.csv", [
        ["Date", "Team", "Description"],
        ["01/04/2019", "All", "Celebration Newsletter began"],
        ["31/02/2019", "Duty Team", "New duty rota"],
        ["02/09/2019", "Duty Teem", "Rota changed"],
        ["03/09/2019", "Duty Team", ""],
        ["01/04/2019", "all", "Celebration newsletter began"],
    ])
    data = cf.load_data(example_copy, as_of="2026-01-01")
    problems = {p.row: p for p in data.report.problems if p.file == "events.csv"}
    assert set(problems) == {3, 4, 5, 6}
    assert problems[3].column == "Date" and problems[3].value == "31/02/2019" and problems[3].fix
    assert problems[4].value == "Duty Teem" and "not a team in the complaints" in problems[4].message
    assert "Duty Team" in problems[4].fix and "'all'" in problems[4].fix
    assert problems[5].column == "Description"
    assert "already on row 2" in problems[6].message
    assert all(p.severity == "excluded" for p in problems.values())
    assert list(data.events["team"]) == ["all"]
    assert data.report.usable


def test_find_event_by_description_or_date_and_refuses_unknown(example):
    assert cf.find_event(example.events, "celebration newsletter BEGAN")["date"] == pd.Timestamp("2019-04-01")
    assert cf.find_event(example.events, "2019-09-02")["description"] == "New duty rota"
    assert cf.find_event(example.events, "02/09/2019")["description"] == "New duty rota"
    with pytest.raises(ValueError, match="Unknown event 'Pay rise'.*Celebration Newsletter began"):
        cf.find_event(example.events, "Pay rise")


def test_cli_refuses_an_unknown_event_before_any_kernel(tmp_path):
    with pytest.raises(ReportError, match="Unknown event 'Pay rise'.*2019-09-02 Duty Team: New duty rota"):
        run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=tmp_path / "out", parameters={"event": "Pay rise"},
                    progress=lambda _: None)
    assert not (tmp_path / "out").exists()


def test_events_are_drawn_and_described_on_charts(example):
    from cfanalysis import plots

    counts = cf.monthly_counts(example.complaints, "2019-20", by="team")
    events = example.events
    ax = plots.plot_monthly_lines(counts, events=events)
    labels = [t.get_text() for t in ax.texts]
    assert "Celebration Newsletter began" in labels and "New duty rota" in labels
    assert "New complaints leaflet" not in " ".join(labels)  # before the months shown
    alt = plots.describe_monthly_lines(counts, events=events)
    assert "Dashed vertical lines mark events: Celebration Newsletter began (1 April 2019)" in alt
    question = cf.team_question(example, "2019-20")  # a t-chart: the Duty Team's complaints are rare
    assert question.control_kind == "tchart"
    ax = plots.plot_tchart(question.control, events=question.events)
    assert "New duty rota" in [t.get_text() for t in ax.texts]
    assert "New duty rota (2 September 2019)" in plots.describe_tchart(question.control, events=question.events)
    months = pd.period_range("2018-04", periods=24, freq="M")
    result = cf.xmr(np.arange(24) % 5, dates=list(months))
    assert "New duty rota" in [t.get_text() for t in plots.plot_xmr(result, events=question.events).texts]


def test_change_point_offers_the_rota_as_a_candidate(example):
    text = repr(cf.team_question(example, "2019-20").timing())
    assert "The change point in November 2019 follows New duty rota (2 September 2019) by 2 months" in text
    assert "candidate explanation" in text and "not a finding" in text


# --------------------------------------------------------------------------------------------
# Before and after


@pytest.mark.filterwarnings("ignore")  # the two-total reference model is saturated
def test_before_after_matches_a_statsmodels_glm_with_an_offset():
    import statsmodels.api as sm

    rng = np.random.default_rng(13)
    months = pd.period_range("2017-04", periods=36, freq="M")
    counts = pd.Series(rng.poisson(np.r_[np.full(24, 3.0), np.full(12, 4.5)]), index=months)
    result = cf.compare_before_after(counts, "2019-04-01", event="Newsletter", what="compliments")
    # Reference: the segmented model written out directly.
    # sm.GLM(y, [1, t, after, (t - 24) * after], family=Poisson(), offset=log(days in month)),
    # refitted with scale = max(Pearson chi2 / df, 1).
    t = np.arange(36.0)
    after = (t >= 24).astype(float)
    x = np.column_stack([np.ones(36), t, after, (t - 24) * after])
    offset = np.log(months.days_in_month.to_numpy(dtype=float))
    poisson = sm.GLM(counts.to_numpy(float), x, family=sm.families.Poisson(), offset=offset).fit()
    scale = max(poisson.pearson_chi2 / poisson.df_resid, 1.0)
    reference = sm.GLM(counts.to_numpy(float), x, family=sm.families.Poisson(), offset=offset).fit(
        scale=scale, use_t=True)
    seg = result.segmented
    assert seg.level_ratio == pytest.approx(np.exp(reference.params[2]), rel=1e-9)
    assert seg.trend_ratio == pytest.approx(np.exp(reference.params[3]), rel=1e-9)
    assert (seg.level_ci_low, seg.level_ci_high) == pytest.approx(tuple(np.exp(reference.conf_int()[2])), rel=1e-9)
    assert seg.level_pvalue == pytest.approx(reference.pvalues[2], rel=1e-9)
    # Same months a year apart: the year term of a Poisson GLM with offset log(months) is the
    # log rate ratio; sm.GLM(y, [1, after], Poisson(), offset=log([12, 12])) on the two totals.
    totals = np.array([counts.iloc[12:24].sum(), counts.iloc[24:].sum()], float)
    two = sm.GLM(totals, np.array([[1, 0], [1, 1]], float), family=sm.families.Poisson(),
                 offset=np.log([12.0, 12.0])).fit()
    assert result.headline.ratio == pytest.approx(np.exp(two.params[1]), rel=1e-9)
    assert result.months_before == tuple(months[12:24]) and result.months_after == tuple(months[24:])


def test_before_after_on_the_example_compliments(example):
    question = cf.event_question(example, "2019-20")
    r = question.result
    assert r.event == "Celebration Newsletter began"
    assert (r.count, r.baseline_count) == (53, 36)
    assert r.ratio == pytest.approx(53 / 36)
    assert r.ci_low < 1 < r.ci_high and r.pvalue == pytest.approx(0.072, abs=0.001)  # E-test, as in rates
    text = describe(r)
    assert "53 in April 2019 to March 2020, against 36" in text and "some evidence of a rise" in text
    assert "Timing alone does not show" in text


def test_before_after_uses_the_quasi_poisson_check_when_overdispersed():
    months = pd.period_range("2018-04", periods=24, freq="M")
    counts = pd.Series([0, 9, 1, 8, 0, 10, 1, 9, 0, 8, 1, 9] + [2, 14, 1, 13, 2, 15, 1, 12, 2, 14, 1, 13],
                       index=months)
    result = cf.compare_before_after(counts, "2019-04-01")
    assert result.overdispersed and result.pvalue == result.quasi_poisson.pvalue
    assert "quasi-Poisson" in result.method and result.segmented is not None


def test_no_segmented_model_without_enough_months():
    months = pd.period_range("2018-04", periods=16, freq="M")
    result = cf.compare_before_after(pd.Series(3, index=months), "2019-04-01")
    assert result.segmented is None and "fewer than 6 months" in result.note


# --------------------------------------------------------------------------------------------
# Commentary


def test_commentary_is_parsed_by_heading(example):
    sections = example.commentary["2019-20"]
    assert "Compliments" in sections and "possibly due to the Celebration Newsletter" in sections["Compliments"]
    assert "2019-20" not in example.commentary.get("2018-19", {})
    text, problems = parse_commentary("Stray words\n## A\nx\n## A\ny\n", file="c.md")
    assert [p.row for p in problems] == [1, 4]


def test_example_commentary_headings_match_the_report_sections(example):
    sections = cf.report_sections(sorted(NOTEBOOKS.glob("0*.ipynb")))
    matched = match_commentary(example.commentary["2019-20"], sections)
    assert set(matched) <= set(sections)


def test_a_mismatched_heading_is_refused_listing_the_sections(example_copy, tmp_path):
    text = (example_copy / "commentary-2019-20.md").read_text(encoding="utf-8")
    (example_copy / "commentary-2019-20.md").write_text(text + "\n## Complements\nTypo.\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"'Complements' match no section.*The year in figures; .*Compliments"):
        run_reports(["2019-20"], data_dir=example_copy, out_dir=tmp_path / "out", progress=lambda _: None)
    assert not (tmp_path / "out").exists()


def test_a_name_from_a_personal_data_column_in_commentary_is_refused(example_copy, tmp_path):
    guard = cf.PersonalDataGuard.from_data_dir(example_copy)
    name = "Alexis Testperson"
    assert name in guard.values  # a fake complainant name in complaints.csv
    (example_copy / "commentary-2019-20.md").write_text(f"## Compliments\nThanks to {name} for raising it.\n",
                                                        encoding="utf-8")
    with pytest.raises(ReportError, match="commentary for 2019-20.*outside the data contract"):
        run_reports(["2019-20"], data_dir=example_copy, out_dir=tmp_path / "out", progress=lambda _: None)
    assert not (tmp_path / "out").exists()


def test_script_and_html_in_commentary_are_escaped():
    html = render_markdown('Rose <script>alert("x")</script> and <b onclick="x()">bold</b>\n\n'
                           "- one *two*\n- [a link](javascript:alert(1))")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b " not in html
    assert "javascript" not in html and "<li>a link</li>" in html and "<em>two</em>" in html
    box = cf.Commentary("Teams", "<script>alert(1)</script>")._repr_html_()
    assert box.startswith('<aside class="cf-commentary"') and "Commentary from the service" in box
    assert "<script>" not in box


def _notebook():
    cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_markdown_cell("Intro."),
             nbformat.v4.new_markdown_cell("## 1. Headlines"), nbformat.v4.new_code_cell("1"),
             nbformat.v4.new_markdown_cell("### Sub"), nbformat.v4.new_code_cell("2"),
             nbformat.v4.new_markdown_cell("## 2. Teams"), nbformat.v4.new_code_cell("3")]
    cells[0].metadata["tags"] = ["remove"]
    return nbformat.v4.new_notebook(cells=cells)


def test_commentary_lands_at_the_end_of_its_section():
    out = insert_commentary(_notebook(), {"headlines": "About the headlines.", "Teams": "About teams."}, "2019-20")
    kinds = [c.cell_type + ":" + (c.source or c.outputs[0]["data"]["text/plain"]) for c in out.cells]
    assert kinds.index("code:Commentary from the service:\nAbout the headlines.") == 6  # after the subsection
    assert kinds[-1] == "code:Commentary from the service:\nAbout teams."


def test_a_year_without_commentary_gets_one_short_note():
    out = insert_commentary(_notebook(), None, "2018-19")
    notes = [c for c in out.cells if c.cell_type == "code" and c.outputs]
    assert len(notes) == 1 and "has not added commentary" in notes[0].outputs[0]["data"]["text/html"]
    assert out.cells.index(notes[0]) == 2


def test_report_03_and_02_show_commentary_events_and_the_answer(built_reports):
    out, runs = built_reports  # the session's build of the example (conftest.py)
    assert all(r.ok for r in runs), [r.message for r in runs]
    annual = (out / "2019-20" / "03_annual_report.html").read_text(encoding="utf-8")
    assert annual.count('class="cf-commentary"') == 4 and 'aria-label="Commentary from the service"' in annual
    assert "possibly due to the Celebration Newsletter" in annual
    assert "Dashed vertical lines mark events: New complaints leaflet" in annual
    assert "Celebration Newsletter began (1 April 2019)" in annual
    assert "some evidence of a rise" in annual and "Timing alone does not show" in annual
    assert "changed before the event" in annual  # issue 18: the compliments rise predates the newsletter
    team = (out / "2019-20" / "02_team_change.html").read_text(encoding="utf-8")
    assert "New duty rota (2 September 2019)" in team and "Timing alone does not show" in team
    assert 'class="cf-commentary"' not in team  # the example commentary is on report 03's sections
