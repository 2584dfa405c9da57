"""Every year's published figures are the library's typed results for that year.

The golden texts (tests/test_golden_reports.py) check the wording of one year only; for every
year the session built, summary.json must equal ``summary_record`` of the typed results worked
out here in-process (``annual_figures`` and ``all_team_tests``), and the annual report must carry
its headline figures. Nothing here depends on the example's own numbers.
"""

import html
import json
import re

import pytest

from cfanalysis.analysis.counts import new_complaints
from cfanalysis.analysis.figures import annual_figures
from cfanalysis.analysis.teams import all_team_tests
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import load_data
from cfanalysis.publish.outputs import _json_safe, summary_record
from cfanalysis.publish.sentences import data_date
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example():
    return load_data(EXAMPLE)  # as the session's build loaded it (as_of: today)


def _typed(data, year):
    comparison = compare_years(data.complaints, year)
    figures = annual_figures(data, comparison)
    team_tests = all_team_tests(new_complaints(data.complaints), comparison) if comparison.has_baseline else None
    return figures, team_tests


def _years(out):
    return sorted(p.name for p in out.iterdir() if (p / "summary.json").exists())


def test_every_year_was_built(built_reports, example):
    out, runs = built_reports
    assert runs and all(run.ok for run in runs), [run.message for run in runs if not run.ok]
    assert _years(out) == example.financial_years


def test_each_years_summary_is_its_typed_results(built_reports, example):
    out, _ = built_reports
    for year in _years(out):
        figures, team_tests = _typed(example, year)
        # The run's data date: the latest date in the data (built without as_of), as the reports print it.
        record = summary_record(figures, team_tests, data_date=data_date(example, None))
        expected = json.loads(json.dumps(_json_safe(record), allow_nan=False))
        built = json.loads((out / year / "summary.json").read_text())
        assert built.pop("audience") == "internal"
        assert built.pop("provenance")["input_files_sha256"] == example.files
        assert built == expected, year


def test_each_years_annual_report_states_its_headline_figures(built_reports, example):
    out, _ = built_reports
    for year in _years(out):
        figures, _ = _typed(example, year)
        page = html.unescape((out / year / "03_annual_report.html").read_text())
        text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"data:image/png;base64,[^\"]+", "", page)).split())
        # One headline measure (new complaints); stage cases only as workload (issue 19).
        assert f"handled {figures.now.complaints} stage cases in {year}" in text, year
        if figures.years.has_baseline:
            assert f"received {figures.now.new_complaints} new complaints in {year}" in text, year
            assert f"against {figures.before.new_complaints} in {figures.years.baseline_year}" in text, year
            assert f"against {figures.before.complaints} in {figures.years.baseline_year}" in text, year
