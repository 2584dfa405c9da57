"""Issue 20 through a real kernel: every parameter is checked in the load cell, before any
analysis, with one short message; the load is shown in view; a year typed another way is
written the normal way everywhere. Runs the report notebooks with papermill on the project's
kernel, on the example data and on another council's data (tests/test_notebooks_library.py).
"""

from __future__ import annotations

import pytest

from tests.test_notebooks_analyst import errors, outputs, run
from tests.test_notebooks_library import AS_OF, other_council

pytestmark = pytest.mark.slow

LOAD_CELL = 2  # among code cells: the parameters cell, papermill's injected one, then the load cell


def failed_cell(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    [index] = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    return index, code[index]


@pytest.mark.parametrize(("parameters", "start"), [
    ({"event": "Pay rise"}, "ParameterError: Unknown event 'Pay rise'"),
    ({"baseline_year": "2015-16"}, "ParameterError: baseline_year: there are no complaints for 2015-16"),
    ({"team": "Nobody"}, "ParameterError: There are no complaints for the team 'Nobody'"),
])
def test_a_wrong_parameter_stops_at_the_load_cell_with_one_line(tmp_path, parameters, start):
    notebook, error = run("02_team_change", tmp_path, **parameters)
    assert error is not None and error.ename == "ParameterError"
    index, cell = failed_cell(notebook)
    assert cell.source.startswith("import cfanalysis as cf") and "check_parameters" in cell.source
    [shown] = errors(notebook)
    assert len(shown["traceback"]) == 1 and shown["traceback"][0].startswith(start), shown["traceback"]
    text = "\n".join(outputs(notebook))
    assert "cannot be compared" not in text and "No month" not in text and "--" not in shown["traceback"][0]


def test_a_year_typed_another_way_is_written_the_normal_way(tmp_path):
    notebook, error = run("01_monthly_counts", tmp_path, financial_year="2019/20")
    assert error is None
    text = "\n".join(outputs(notebook))
    assert "2019/20" not in text
    assert "were received in 2019-20;" in text and "Complaints by team and month, with totals, 2019-20" in text


def test_the_load_in_view_on_another_councils_data(tmp_path):
    folder = other_council(tmp_path / "data")
    notebook, error = run("01_monthly_counts", tmp_path, data_dir=str(folder), financial_year="2023/24",
                          team="Front Door", as_of=AS_OF)
    assert error is None, error
    overview = outputs(notebook)[LOAD_CELL + 1]
    assert "value &#x27;31/02/2023&#x27; is not a real calendar date" in overview and "Fix:" in overview
    assert "&#x27;Early help&#x27; as &#x27;Early Help&#x27;" in overview
    assert "data.report.problems_frame()" in overview
    assert "2023/24" not in "\n".join(outputs(notebook))
