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


def test_init_lists_every_value_it_could_not_place_and_the_draft_still_loads(tmp_path):
    from tests.conftest import COMPLAINT_HEADER, complaint, write_csv

    write_csv(tmp_path / "log.csv", [COMPLAINT_HEADER, complaint("C1", category="Manner of the worker"),
                                     complaint("C2", category="Staff attitude or behaviour"),
                                     complaint("C3", outcome="Sorted informally"), complaint("C4")])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["init", "--data", str(tmp_path)]) == 0
    text = out.getvalue()
    assert "2 value(s) not placed" in text
    assert "complaints category: Manner of the worker" in text and "complaints outcome: Sorted informally" in text
    mapping = (tmp_path / "mapping.yml").read_text()
    assert '# "Manner of the worker": ?' in mapping and "one of attitude or behaviour of staff" in mapping
    assert '"Staff attitude or behaviour": "attitude or behaviour of staff"  # guess' in mapping
    data = load_data(tmp_path, as_of="2020-06-30")
    assert data.report.usable and len(data.complaints) == 4
    assert data.complaints["category"].tolist()[:2] == ["manner of the worker", "attitude or behaviour of staff"]
