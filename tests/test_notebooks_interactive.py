"""Each notebook runs top to bottom with its own default parameters, as in JupyterLab."""

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_runs_with_default_parameters(path):
    notebook = nbformat.read(path, as_version=4)
    # JupyterLab starts the project's kernel in the notebook's folder; data_dir=None finds the example data.
    NotebookClient(notebook, timeout=600, kernel_name="cfanalysis",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if o.get("output_type") in ("display_data", "execute_result")]
    assert shown, "the notebook showed nothing"
