"""The CSV tables hold what the report's tables show (issue 19): the same rows, the values as printed
(counts as counts, shares as whole percentages, medians in whole days, withheld cells as ``[c]`` in
a public build), and a notes table beside them (ONS/GSS: a cover and a note per table).

Checked for the example's latest two years and for the second council
(tests/second_council.py), internal and public, from the library (no notebook runs).
"""

from __future__ import annotations

import csv
import io
import re

import pytest

import cfanalysis as cf
from cfanalysis.analysis.figures import annual_figures
from cfanalysis.analysis.years import compare_years
from cfanalysis.publish.display import Parts, Table
from cfanalysis.publish.outputs import table_texts
from tests.conftest import EXAMPLE
from tests.second_council import AUTHORITY, write_second_council

SECTIONS = ("headline_section", "team_section", "attitude_section", "timeliness_section", "statutory_section",
            "compliments_section", "ombudsman_section", "actions_section", "benchmarking_section", "teams_section",
            "categories_section", "outcomes_section", "complainants_section", "team_appendix",
            "compliments_appendix", "statutory_appendix", "benchmarking_appendix")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    return {"example": cf.load_data(EXAMPLE),
            "second": cf.load_data(write_second_council(tmp_path_factory.mktemp("second_council")))}


CASES = [("example", "2019-20", "internal"), ("example", "2019-20", "public"), ("example", "2018-19", "public"),
         ("second", "2023-24", "internal"), ("second", "2023-24", "public"), ("second", "2022-23", "public")]


@pytest.fixture(scope="module")
def built(datasets):
    """Per case: the CSV texts (name -> rows) and every table the report shows (its sections)."""
    out = {}
    for name, year, audience in CASES:
        data = datasets[name]
        figures = annual_figures(data, compare_years(data.complaints, year))
        texts = table_texts(figures, cf.disclosure_policy(audience), data_date="1 May 2024", source="records")
        rows = {where.split("/")[-1][:-4]: list(csv.reader(io.StringIO(text))) for where, text in texts.items()}
        report = cf.annual_report(data, year, policy=cf.disclosure_policy(audience))
        shown = {section: getattr(report, section)() for section in SECTIONS}
        out[(name, year, audience)] = rows, report, shown
    return out


def _tables(shown) -> list[Table]:
    found = []
    for part in shown.values():
        found += list(part.tables) if isinstance(part, Parts) else [part] if isinstance(part, Table) else []
    return found


def _page_rows(table: Table) -> list[list[str]]:
    """The table as the page prints it: header, then each row (row label first)."""
    header = [table.frame.index.name or "", *map(str, table.frame.columns)]
    return [header, *[[str(label), *(text for text, _ in cells)]
                      for label, cells in zip(table.frame.index, table._texts())]]


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_every_table_the_page_shows_from_a_csv_equals_that_csv(built, case):
    rows, _, shown = built[case]
    linked = [t for t in _tables(shown) if t.csv]
    assert len(linked) >= 4, [t.caption for t in _tables(shown)]  # teams, subjects, outcomes (2), complainants
    for table in linked:
        assert table.csv in rows, (table.caption, table.csv)
        assert rows[table.csv] == _page_rows(table), table.caption


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_timeliness_csv_has_the_pages_rows_and_figures_as_printed(built, case):
    rows, report, shown = built[case]
    header, *body = rows["timeliness_by_stage"]
    csv_rows = {r[0]: dict(zip(header, r)) for r in body}
    fy = report.financial_year
    replies = next(t for t in shown["timeliness_section"].tables if "by stage" in t.caption)
    page = {r[0]: dict(zip(r and _page_rows(replies)[0], r)) for r in _page_rows(replies)[1:]}
    assert list(csv_rows) == list(page)  # the same stages, Stage 3 included wherever the page has it
    for stage, row in csv_rows.items():
        assert row["With a response date"] == page[stage][f"Replies, {fy}"], stage
        assert row["Within timescale"] == page[stage][f"On time, {fy}"], stage
        for column in ("Share within timescale", "Share within extended"):
            assert re.fullmatch(r"\d+%|\[x\]|\[c\]", row[column]), row  # rounded as printed, never 0.717...
        assert re.fullmatch(r"\d+|\[x\]|\[c\]", row["Median working days"]), row
    lines = " ".join(p.text for p in shown["timeliness_section"].parts if hasattr(p, "text"))
    for stage, row in csv_rows.items():  # the sentences print the CSV's figures
        if row["With a response date"] not in ("0", "[c]") and "[c]" not in row.values():
            assert f"{stage}: {row['Within timescale']} of {row['With a response date']} replies" in lines
            if row["Median working days"] != "[x]":
                assert f"half took {row['Median working days']} working days" in lines
            line = next(t for t in lines.split(". ") if t.startswith(f"{stage}: ") and "half took" in t)
            if "within the extended" in line:  # the sentence may withhold a share the table gives, never differ
                share = row["Share within extended"]
                assert f"{row['Within extended timescale']}{f' ({share})' if '%' in share else ''} within" in line


def test_example_timeliness_csv_is_rounded_as_the_page_prints_it(built):
    rows, _, _ = built[("example", "2019-20", "internal")]
    assert rows["timeliness_by_stage"][1] == ["Stage 1", "85", "85", "10", "61", "72%", "20", "79", "93%", "9"]
    assert rows["timeliness_by_stage"][3][0] == "Stage 3"
    assert not any(re.search(r"\d\.\d{3,}", cell) for table in rows.values() for row in table for cell in row)


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_notes_table_names_every_csv_with_its_period_unit_and_marks(built, case):
    rows, report, _ = built[case]
    header, general, *per_table = rows["notes"]
    assert header == ["Table", "Title", "Period", "Unit", "Source", "Data as at", "Notes"]
    assert general[0] == "All tables" and general[4] == "records" and general[5] == "1 May 2024"
    assert {r[0] for r in per_table} == {f"{name}.csv" for name in rows if name != "notes"}
    assert all(r[1] and r[2] and r[3] for r in per_table)  # a title, a period and a unit for each
    if case[2] == "public":
        assert "[c] confidential: a count from 0 to 4 withheld" in general[6]  # policy.confidential_meaning()
        assert any("[c]" in cell for name, table in rows.items() if name != "notes" for row in table for cell in row)
    from cfanalysis.publish.outputs import ON_PAGE

    on_page = {t.csv for t in _tables(built[case][2]) if t.csv}
    assert on_page <= set(ON_PAGE)  # every page table with a CSV is named in the notes as on the page
    for row in per_table:
        name = row[0][:-4]
        assert ("In the report: " in row[6]) == (name in ON_PAGE), row
    units = {r[0]: r[3] for r in per_table}
    assert units["complaints_by_team.csv"].startswith("stage cases (workload")
    assert units["new_complaints_by_team.csv"].startswith("new complaints")


def test_a_public_folder_with_notes_passes_the_folder_audit(tmp_path, datasets):
    from cfanalysis.publish.audit import audit_folder

    data = datasets["second"]
    for year in ("2022-23", "2023-24"):
        figures = annual_figures(data, compare_years(data.complaints, year))
        for where, text in table_texts(figures, cf.disclosure_policy("public")).items():
            (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / where).write_text(text, encoding="utf-8")
        (tmp_path / year / "summary.json").write_text(f'{{"financial_year": "{year}", "audience": "public"}}')
    assert (tmp_path / "2023-24" / "tables" / "notes.csv").exists()
    assert AUTHORITY not in (tmp_path / "2023-24" / "tables" / "notes.csv").read_text()  # source given by the run
    assert audit_folder(tmp_path) == []


def test_a_first_year_writes_no_csv(datasets):
    """Its tables would sit beside the next year's baseline column: the release writes none (as before)."""
    data = datasets["second"]
    figures = annual_figures(data, compare_years(data.complaints, "2021-22"))
    assert table_texts(figures, cf.disclosure_policy("public")) == {}


@pytest.mark.parametrize("case", [c for c in CASES if c[2] == "internal"], ids=lambda c: "-".join(c))
def test_timeliness_by_team_csv_adds_up_to_the_pages_table_by_team(built, case):
    rows, report, shown = built[case]
    header, *body = rows["timeliness_by_team"]
    fy, totals = report.financial_year, {}
    for row in (dict(zip(header, r)) for r in body):
        replies, on_time = totals.get(row["Team"], (0, 0))
        totals[row["Team"]] = (replies + int(row["With a response date"].replace(",", "")),
                               on_time + int(row["Within timescale"].replace(",", "")))
    by_team = next(t for t in shown["timeliness_section"].tables if "by team" in t.caption)
    page = {r[0]: dict(zip(_page_rows(by_team)[0], r)) for r in _page_rows(by_team)[1:]}
    for team, (replies, on_time) in totals.items():
        assert (str(replies), str(on_time)) == (page[team][f"Replies, {fy}"], page[team][f"On time, {fy}"]), team


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_a_stage_with_none_this_year_but_some_last_year_is_a_row_of_zeros(datasets, audience):
    """As the page's replies table shows it; a zero is no person, so never withheld, and the audit agrees."""
    import dataclasses

    from cfanalysis.publish.audit import audit

    data = datasets["example"]
    c = data.complaints
    data = dataclasses.replace(data, complaints=c[~((c["stage"] == 3) & (c["financial_year"] == "2019-20"))])
    figures = annual_figures(data, compare_years(data.complaints, "2019-20"))
    policy = cf.disclosure_policy(audience)
    texts = table_texts(figures, policy)
    rows = list(csv.reader(io.StringIO(texts["2019-20/tables/timeliness_by_stage.csv"])))
    report = cf.annual_report(data, "2019-20", policy=policy)
    replies = report.timeliness_section().tables[0]
    page = _page_rows(replies)[-1]
    assert page[0] == "Stage 3" and [rows[-1][2], rows[-1][4]] == page[3:]  # withheld where the page withholds
    if audience == "internal":
        assert rows[-1] == ["Stage 3", "0", "0", "50", "0", "[x]", "50", "0", "[x]", "[x]"]
    assert [r[0] for r in rows[1:]] == [r[0] for r in _page_rows(replies)[1:]]
    for section in ("headline_section", "timeliness_section"):
        getattr(report, section)()
    assert audit(policy.ledger, policy) == [] and audit(report.policy.ledger, report.policy) == []
