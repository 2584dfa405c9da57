"""``cfanalysis init`` on the shipped example: the drafted mapping changes no figure."""

import contextlib
import io
import shutil

from cfanalysis.analysis.figures import year_counts
from cfanalysis.cli import main
from cfanalysis.data.loader import load_data
from tests.conftest import EXAMPLE


def test_init_on_the_example_keeps_every_figure(tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["init", "--data", str(folder)]) == 0
    text = out.getvalue()
    assert "dataset.json: kept" in text and "mapping.yml: written" in text  # the example's own is kept
    assert "not a table: team_aliases.csv" not in text
    before, after = load_data(EXAMPLE), load_data(folder)
    assert after.report.usable and after.financial_years == before.financial_years
    for year in before.financial_years:
        assert year_counts(after, year) == year_counts(before, year)
    assert after.report.rows_excluded == before.report.rows_excluded == 0
