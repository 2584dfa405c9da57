"""Issue 16, points 2 and 5: cell hygiene (one rule for keys and labels), dates, stages and
council wordings read by general rules, and every LGSCO decision wording mapped to its outcome."""

import pandas as pd
import pytest

from cfanalysis.analysis.figures import year_counts
from cfanalysis.data import contract as schema
from cfanalysis.data.cells import clean_cell, parse_date, parse_stage, vocabulary_parser
from cfanalysis.data.loader import load_data
from tests.conftest import COMPLAINT_HEADER, complaint, write_csv

AS_OF = "2021-06-30"


def test_clean_cell_makes_unicode_spaces_zero_width_and_curly_quotes_plain():
    assert clean_cell("C\u200b-001\u00a0") == "C-001"
    assert clean_cell("Duty\u202fTeam\u2060") == "Duty Team"
    assert clean_cell("\u201cChildren\u2019s\u201d  services") == "\"Children's\" services"
    assert clean_cell(42) == 42


def test_no_break_and_zero_width_spaces_keep_a_complaints_stages_linked(complaints_dir):
    """Stage 2 rows pasted from a web system: the link to Stage 1 survives, so escalation is counted."""
    folder = complaints_dir([complaint("C1"), complaint("C2"), complaint("C3"),
                             complaint("C1\u00a0", stage="Stage 2"), complaint("\u200bC2", stage="Stage 2"),
                             complaint("C4", team="Duty\u00a0Team\u200b")])
    data = load_data(folder, as_of=AS_OF)
    assert not [p for p in data.report.problems if p.severity != "warning"]
    assert sorted(data.complaints["reference"]) == ["C1", "C1", "C2", "C2", "C3", "C4"]
    assert set(data.complaints["team"]) == {"Duty Team"}
    assert year_counts(data, "2019-20").escalation_rate(2) == pytest.approx(2 / 4)


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!"])
def test_excel_error_values_are_blank_and_named(complaints_dir, error):
    folder = complaints_dir([complaint("C1"), complaint("C2", team=error), complaint("C3", responded=error)])
    data = load_data(folder, as_of=AS_OF)
    assert error not in set(data.complaints["team"])
    (excluded,) = [p for p in data.report.problems if p.severity == "excluded"]
    assert (excluded.row, excluded.column, excluded.value) == (3, "Service Area", error)
    assert f"Excel error value {error}" in excluded.message and "formula" in excluded.fix
    (warning,) = [p for p in data.report.problems if p.severity == "warning"]
    assert warning.row == 4 and f"Excel error value {error}" in warning.message
    assert len(data.complaints) == 2 and pd.isna(data.complaints["response_date"].iloc[1])
    assert error in data.report.text()


@pytest.mark.parametrize("raw, expected", [
    ("2019-04-01T00:30:00Z", "2019-04-01"),  # 01:30 BST
    ("2019-03-31T23:30:00Z", "2019-04-01"),  # 00:30 BST on 1 April: financial year 2019-20
    ("2020-01-15T23:30:00Z", "2020-01-15"),  # GMT in winter
    ("2019-03-31T23:30:00+00:00", "2019-04-01"),
    ("2019-04-01 06:00:00+05:30", "2019-04-01"),
    ("2019-03-31 23:30:00 UTC", "2019-04-01"),
])
def test_zoned_timestamps_become_uk_local_dates(raw, expected):
    assert parse_date(raw).value == pd.Timestamp(expected)


def test_a_utc_timestamp_lands_in_the_uk_financial_year(complaints_dir):
    folder = complaints_dir([complaint("C1", received="2020-03-31T23:30:00Z", responded="")])
    data = load_data(folder, as_of=AS_OF)
    assert data.complaints["financial_year"].tolist() == ["2020-21"]


@pytest.mark.parametrize("raw", [
    "Wed 3 April 2019", "03-Apr-2019 14:32", "Wednesday, 3rd of April 2019", "3rd April 2019",
    "April 3, 2019", "3 Apr 19", "03 APR 2019 2:32 pm", "3-April-2019", "2019 Apr 3", "Wed, 03 Apr 2019 14:32:00",
    "3/Apr/2019",
])
def test_dates_with_month_names_read_by_one_rule(raw):
    assert parse_date(raw).value == pd.Timestamp("2019-04-03")


@pytest.mark.parametrize("raw", ["Wed 31 February 2019", "Apr 2019", "3 Smarch 2019", "3 April"])
def test_month_name_dates_that_are_not_dates_are_refused(raw):
    assert parse_date(raw).value is None


@pytest.mark.parametrize("raw, stage", [
    ("Investigation (Stage 2)", 2), ("Stage 2 - Investigation", 2), ("Local resolution (stage one)", 1),
    ("Review Panel (Stage 3)", 3), ("Formal investigation", 2), ("Complaint at stage 3", 3), ("S2", 2),
])
def test_stages_read_by_one_rule(raw, stage):
    assert parse_stage(raw).value == stage


def test_cr_line_endings_mac_excel_csv_are_read(tmp_path):
    rows = [COMPLAINT_HEADER, complaint("C1"), complaint("C2")]
    (tmp_path / "complaints.csv").write_bytes("".join(",".join(r) + "\r" for r in rows).encode("cp1252"))
    data = load_data(tmp_path, as_of=AS_OF)
    assert data.report.usable and len(data.complaints) == 2
    assert "CR line endings" in data.report.text()


def _code(field, raw, table="complaints"):
    spec = schema.TABLES[table].field(field)
    return vocabulary_parser(spec.codes, what=spec.label, strict=spec.strict)(clean_cell(raw)).value


@pytest.mark.parametrize("raw", ["Staff attitude or behaviour", "Attitude/behaviour of staff",
                                 "Attitude of staff member", "Staff behaviour and conduct"])
def test_staff_attitude_wordings_map_to_the_attitude_category(raw):
    assert _code("category", raw) == "attitude or behaviour of staff"


@pytest.mark.parametrize("raw, code", [
    ("Statutory (Children Act 1989)", "statutory"), ("Children Act 1989 - statutory", "statutory"),
    ("Corporate complaints procedure", "corporate"), ("Statutory: Children's Social Care", "statutory"),
])
def test_procedure_wordings(raw, code):
    assert _code("procedure", raw) == code


@pytest.mark.parametrize("raw, code", [
    ("Upheld in part", "partially upheld"), ("Partially Upheld - apology given", "partially upheld"),
    ("Not upheld (no fault found)", "not upheld"), ("Withdrawn by complainant", "withdrawn or resolved"),
    ("Upheld", "upheld"),
])
def test_council_outcome_wordings(raw, code):
    assert _code("outcome", raw) == code


# The LGSCO's decision wordings as its decisions pages and annual review letters give them.
@pytest.mark.parametrize("raw, code", [
    ("Upheld", "upheld"),
    ("Upheld: maladministration and injustice", "upheld"),
    ("Upheld - maladministration, no injustice", "upheld"),
    ("Upheld: maladministration, no injustice", "upheld"),
    ("Upheld: fault and injustice", "upheld"),
    ("Upheld: no further action", "upheld"),
    ("Not upheld", "not upheld"),
    ("Not upheld: no maladministration", "not upheld"),
    ("Not upheld - no fault", "not upheld"),
    ("Closed after initial enquiries", "closed after initial enquiries"),
    ("Closed after initial enquiries - no further action", "closed after initial enquiries"),
    ("Closed after initial enquiries - out of jurisdiction", "closed after initial enquiries"),
    ("Closed after initial enquiries \u2013 not warranted by alleged injustice", "closed after initial enquiries"),
    ("Referred back for local resolution", "referred back for local resolution"),
    ("Premature", "referred back for local resolution"),
    ("Advice given", "advice given"),
    ("Incomplete/Invalid", "incomplete or invalid"),
    ("Withdrawn", "not pursued"),
    ("Not pursued", "not pursued"),
    ("Report issued: upheld: maladministration and injustice", "upheld"),
    ("Report issued: not upheld", "not upheld"),
    ("Upheld: fault, no injustice", "upheld"),
    ("Closed after initial enquiries: no worthwhile outcome achievable", "closed after initial enquiries"),
    ("Not investigated", "closed after initial enquiries"),
])
def test_every_lgsco_decision_wording_maps_to_its_outcome(raw, code):
    assert _code("decision", raw, "ombudsman") == code


def test_upheld_with_no_injustice_counts_as_investigated_and_upheld(complaints_dir):
    folder = complaints_dir()
    write_csv(folder / "ombudsman.csv", [
        ["LGSCO Reference", "Date Enquiry Received", "LGSCO Decision"],
        ["19 000 001", "10/05/2019", "Upheld - maladministration, no injustice"],
        ["19 000 002", "10/06/2019", "Upheld: maladministration and injustice"],
        ["19 000 003", "10/07/2019", "Not upheld: no maladministration"],
        ["19 000 004", "10/08/2019", "Closed after initial enquiries - out of jurisdiction"]])
    data = load_data(folder, as_of=AS_OF)
    figures = year_counts(data, "2019-20")
    assert figures.ombudsman_decisions["upheld"] == 2 and figures.ombudsman_investigated == 3


def test_financial_years_are_parsed_once_into_a_typed_value():
    import json

    from cfanalysis.periods import FinancialYear

    data = load_data(None)
    years = data.financial_years
    assert years == ["2017-18", "2018-19", "2019-20"] and all(isinstance(y, FinancialYear) for y in years)
    assert years[-1].start_year == 2019 and years[-1].first_day == pd.Timestamp("2019-04-01")
    assert years[-1].previous == "2018-19" and json.dumps(years) == '["2017-18", "2018-19", "2019-20"]'
    from cfanalysis.data.cells import parse_financial_year_cell

    assert parse_financial_year_cell("2019/2020").value.start_year == 2019
