"""Report 03's statutory items (issue 19), each present when its data exist and absent cleanly when not:
advocacy, equalities monitoring, how received, extended timescales and average days by stage, remedies
and compensation, Stage 3 panel outcomes, the cost of Stage 2 investigations and Stage 3 panels, and
how the procedure worked. Checked on the example, on a council with every optional column and on the
same council with none of them (built here from tests/test_panel_story.py's other council).
"""

from __future__ import annotations

import csv

import pytest

import cfanalysis as cf
from cfanalysis.analysis.statutory import investigation_costs
from tests.conftest import EXAMPLE
from tests.report_text import report_text
from tests.test_panel_story import other_council

OPTIONAL = ("Age Band", "Gender", "Ethnic Group", "How Received", "Compensation Paid", "Investigation Cost")


def _with_costs(folder):
    """The other council with an investigation cost on every Stage 2 row (1,000 to 3,400 pounds)."""
    path = folder / "complaints.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    stage = rows[0].index("Stage of Complaint")
    rows[0].append("Investigation Cost")
    for number, row in enumerate(rows[1:]):
        row.append(str(1000 + 200 * (number % 13)) if row[stage] == "Stage 2" else "")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def _without_optional(folder):
    path = folder / "complaints.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    keep = [i for i, h in enumerate(rows[0]) if h not in OPTIONAL]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[r[i] for i in keep] for r in rows])
    (folder / "actions.csv").unlink()
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    full = cf.load_data(_with_costs(other_council(tmp_path_factory.mktemp("full"))))
    bare = cf.load_data(_without_optional(other_council(tmp_path_factory.mktemp("bare"))))
    example = cf.load_data(EXAMPLE)
    return {"example": cf.annual_report(example, "2019-20", team="Duty Team"),
            "example-public": cf.annual_report(example, "2019-20", team="Duty Team",
                                               policy=cf.disclosure_policy("public")),
            "full": cf.annual_report(full, "2022-23", team="Front Door"),
            "full-public": cf.annual_report(full, "2022-23", team="Front Door", policy=cf.disclosure_policy("public")),
            "bare": cf.annual_report(bare, "2022-23", team="Front Door")}


def text(report, *sections) -> str:
    return " ".join(report_text(getattr(report, s)()._repr_html_()) for s in sections)


def test_example_cost_of_investigations_by_stage(reports):
    costs = investigation_costs(reports["example"].data.complaints, "2019-20")
    assert costs.loc[2, "cases"] == 6 and costs.loc[3, "cases"] == 1  # the headline table's stage cases
    line = text(reports["example"], "statutory_section")
    total = costs["total_pounds"].sum()
    assert f"Stage 2 investigations and Stage 3 review panels cost £{total:,.0f} in 2019-20 (against £" in line
    assert f"£{costs.loc[2, 'total_pounds']:,.0f} for 6 Stage 2 investigations (5 with a cost recorded: " in line
    assert f"£{costs.loc[3, 'total_pounds']:,.0f} for 1 Stage 3 panel." in line
    assert "cost of Stage 2" not in line.split("Not recorded in the data")[1]  # no longer listed as missing


def test_public_cost_is_the_total_only_where_a_stage_count_is_withheld(reports):
    line = text(reports["example-public"], "statutory_section")
    assert "review panels cost £" in line and "the cost per case is not published" in line
    assert "each on average" not in line and "Stage 3 panel." not in line


def test_public_cost_passes_the_audit(reports):
    from cfanalysis.publish.audit import audit
    from cfanalysis.publish.disclosure import Ledger
    from cfanalysis.publish.display import records_of

    for name in ("example-public", "full-public"):
        report, ledger = reports[name], Ledger()
        for section in ("headline_section", "timeliness_section", "statutory_section", "outcomes_section",
                        "statutory_appendix"):
            for record in records_of(getattr(report, section)()):
                ledger.extend(record)
        assert audit(ledger, report.policy) == [], name


def test_costs_from_another_councils_column(reports):
    report = reports["full"]
    costs = investigation_costs(report.data.complaints, "2022-23")
    line = text(report, "statutory_section")
    assert costs.loc[2, "costed"] == costs.loc[2, "cases"] > 0 and costs.loc[3, "cases"] == 0
    assert f"cost £{costs['total_pounds'].sum():,.0f} in 2022-23 (against £" in line
    assert "Stage 3 panel" not in line.split("Cost of investigations")[1].split(".")[0]  # none held, none costed


# Each statutory item: what it reads when the data hold it (example or full), and that the bare council
# (no optional column, no actions) leaves it out and names it in the one "not recorded" line.
ITEMS = {  # item: (the words when present, the words in the "not recorded" line when absent, or None)
    "advocacy": ("Advocacy: ", None),  # from the complainant type, which every council has
    "equalities": ("New complaints by sex", "sex"),
    "how received": ("New complaints by how received", "how received"),
    "extended timescales and average days": ("within the extended 20; half took", None),
    "compensation": ("Compensation: ", "compensation paid"),
    "remedies": ("Remedies the Ombudsman asked for", None),
    "Stage 3 panel outcomes": ("Stage 3 review panels: ", None),
    "cost": ("Cost of investigations: ", "the cost of Stage 2 investigations and Stage 3 panels"),
    "how the procedure worked": ("How the procedure worked: of ", None),
}
SOURCES = {"advocacy": "example", "equalities": "full", "how received": "full",
           "extended timescales and average days": "example", "compensation": "full", "remedies": "example",
           "Stage 3 panel outcomes": "example", "cost": "full", "how the procedure worked": "full"}
SECTIONS = ("timeliness_section", "statutory_section", "statutory_appendix")


@pytest.mark.parametrize("item", list(ITEMS))
def test_each_statutory_item_is_present_with_its_data_and_absent_cleanly_without(reports, item):
    present, missing = ITEMS[item]
    assert present in text(reports[SOURCES[item]], *SECTIONS), item
    bare = text(reports["bare"], *SECTIONS)
    if missing is not None:
        assert present not in bare
        line = bare.split("Not recorded in the data, so not reported: ")[1].split(";")[0]
        assert missing in line, line
    assert "nan" not in bare.split() and "£0 " not in bare and "None" not in bare.split()


def test_the_cover_sheet_gives_the_years_cost_as_a_financial_implication(reports):
    for name in ("example", "example-public", "full"):
        report = reports[name]
        costs = investigation_costs(report.data.complaints, report.financial_year)
        money = dict(report.cover_sheet().rows)["Financial implications"]
        assert f"review panels cost £{costs['total_pounds'].sum():,.0f} this year" in money, name
    assert "review panels cost" not in dict(reports["bare"].cover_sheet().rows)["Financial implications"]
