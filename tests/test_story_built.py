"""Issue 19's "Done when", read off the built example reports (slow: they share the session's build,
``built_reports``, with tests/test_panel_story.py): 03's text has each section the issue asks for,
one headline measure of complaints, CSVs beside it rounded as the page shows them and a notes table,
and the team's answer the same in 02 and 03.
"""

from __future__ import annotations

import csv
import re

import pytest

from tests.report_text import report_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def year(built_reports):
    return built_reports[0] / "2019-20"


@pytest.fixture(scope="module")
def text03(year):
    return report_text((year / "03_annual_report.html").read_text(encoding="utf-8"))


def _body(text: str) -> str:
    return text.split("\nAnnex ¶")[0]


# Each section of issue 19's "What to build", by words that only it prints on the example.
SECTIONS = {
    "cover sheet": "Cover sheet: annual complaints and feedback report, 2019-20",
    "recommendation to note": "notes the report (for information: no decision is asked for)",
    "main points, one headline measure": "(the headline measure in this report: each complaint counted once",
    "team answer: size and when": "the verdict's scan puts the start of the new level in",
    "team answer: demand": "per 1,000 contacts, complaints went from",
    "team answer: outcomes and complainants": "were upheld in full or in part, against",
    "team answer: what was done before": "What was done before:",
    "team answer: the verdict": "Verdict: ",
    "staff attitude": "New complaints about the attitude or behaviour of staff",
    "extended timescales and average days": "within the extended 20; half took",
    "Stage 3 panel outcomes": "Stage 3 review panels: ",
    "remedies": "Remedies the Ombudsman asked for",
    "cost of Stage 2 and 3": "Cost of investigations: Stage 2 investigations and Stage 3 review panels cost £",
    "advocacy": "Advocacy: ",
    "how the procedure worked": "How the procedure worked: of ",
    "what is not recorded": "Not recorded in the data, so not reported: how received, age band",
    "you said, we did": "You said, we did: learning and actions",
    "effect measure": "since (rose)",
    "comparison: rank": "highest of 16 councils",
    "comparison: warning": "councils count complaints very differently",
    "comparison: Ombudsman measures": "The Ombudsman's published measures for",
    "annex": "Annex ¶",
    "methods in the annex": "E-test",
}


def test_03_text_has_each_section_of_the_story(text03):
    missing = [name for name, words in SECTIONS.items() if words not in text03]
    assert not missing, missing
    body = _body(text03)
    assert "E-test" not in body and "Cost of investigations" in body and "Verdict: " in body


def test_03_has_one_headline_measure_and_stage_cases_only_as_workload(text03):
    body = _body(text03)
    main_points = body.split("Main points ¶")[1].split("Contents ¶")[0]
    assert main_points.count("the headline measure in this report") == 1  # defined in the main points,
    assert body.count("the headline measure in this report") == 2  # and quoted by the cover sheet's summary only
    sentences = [line for line in body.splitlines() if line.endswith(".") and len(line.split()) >= 8]
    for line in sentences:  # 92 and 98 (stage cases) only ever with their unit (tables: in the header)
        if re.search(r"\b(92|98)\b", line) and "£" not in line:
            assert re.search(r"stage case|Workload|workload|Stage cases", line), line


def test_the_index_names_the_headline_measure_first(built_reports):
    index = report_text((built_reports[0] / "index.html").read_text(encoding="utf-8"))
    assert "New complaints (the headline measure: each complaint counted once)" in index
    assert index.index("New complaints (the headline") < index.index("Workload: stage cases")


def test_csvs_beside_03_are_rounded_with_notes(year, text03):
    tables = year / "tables"
    notes = list(csv.reader((tables / "notes.csv").open(encoding="utf-8", newline="")))
    assert notes[0][:4] == ["Table", "Title", "Period", "Unit"] and notes[1][0] == "All tables"
    assert {r[0] for r in notes[2:]} == {p.name for p in tables.glob("*.csv") if p.name != "notes.csv"}
    assert notes[1][5] in text03  # the data date the page gives ("Figures as at ...")
    stage = list(csv.reader((tables / "timeliness_by_stage.csv").open(encoding="utf-8", newline="")))
    assert [r[0] for r in stage[1:]] == ["Stage 1", "Stage 2", "Stage 3"]
    every = " ".join(p.read_text(encoding="utf-8") for p in tables.glob("*.csv"))
    assert not re.search(r"\d\.\d{3,}", every)  # nothing unrounded (0.7176470588235294)
    row = dict(zip(stage[0], stage[1]))
    assert (f"Stage 1: {row['Within timescale']} of {row['With a response date']} replies within 10 working days, "
            f"and {row['Within extended timescale']} ({row['Share within extended']}) within the extended 20; half "
            f"took {row['Median working days']} working days") in text03


def test_the_team_answer_is_the_same_in_02_and_03(year, text03):
    text02 = report_text((year / "02_team_change.html").read_text(encoding="utf-8"))
    first = next(line for line in text03.splitlines() if "new complaints in 2019-20 against" in line
                 and "puts the start of the new level in" in line)
    team, now, before = re.match(r"(.+?) received (\d+) new complaints in 2019-20 against (\d+)", first).groups()
    start = re.search(r"start of the new level in (\w+ \d{4})", first).group(1)
    assert f"New complaints to {team} went from {before} in 2018-19 to {now} in 2019-20" in text02
    assert f"The higher level most likely began in {start}" in text02
