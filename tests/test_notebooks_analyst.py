"""The analyst's loop (issue 12): the report notebooks run through a real kernel as an analyst
runs them, guide them, and refuse what cannot be used with one short message.

Each case of the issue has a test here: (1) year spellings and years without data, (2) running
from the project root with papermill and nbconvert, (3) saving a run notebook does not break the
no-outputs check, (4) the project's kernel, (5) errors as one message and no misleading later
cells, (6) outputs styled like the report with the banner and provenance, (7) guidance.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from tests.conftest import REPO
from tests.test_project import committed_notebook_json

pytestmark = pytest.mark.slow

NOTEBOOKS = REPO / "notebooks"
BIN = Path(sys.executable).parent


def run(name, tmp_path, **parameters):
    """Execute a report notebook with papermill on the project's kernel; (notebook, error or None)."""
    out = tmp_path / f"{name}.ipynb"
    try:
        papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                                   progress_bar=False, cwd=str(tmp_path))
        error = None
    except PapermillExecutionError as failure:
        error = failure
    return nbformat.read(out, as_version=4), error


def outputs(notebook):
    """Every output's text (HTML, plain text, error lines), cell by cell; code cells only."""
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [data.get("text/html", ""), data.get("text/plain", ""), output.get("text", "")]
            parts += output.get("traceback", [])
        texts.append("\n".join(str(p) for p in parts))
    return texts


def errors(notebook):
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def from_root(tmp_path_factory):
    """Each notebook run as ``papermill notebooks/NN.ipynb out.ipynb`` from the project root."""
    out = tmp_path_factory.mktemp("from_root")
    done = {}
    for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        executed = out / path.name
        result = subprocess.run([str(BIN / "papermill"), f"notebooks/{path.name}", str(executed),
                                 "--no-progress-bar"], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-2000:]
        done[path.stem] = nbformat.read(executed, as_version=4)
    return done


# 1. A year written another way, or a year with no data ------------------------------------------

@pytest.mark.parametrize("spelling", ["2019/20", "2019-2020", "2019/2020"])
def test_year_spellings_give_the_same_report(tmp_path, spelling):
    notebook, error = run("03_annual_report", tmp_path, financial_year=spelling)
    assert error is None
    text = "\n".join(outputs(notebook))
    assert "92 stage cases in 2019-20" in text and "85 in 2019-20 against 88 in 2018-19" in text
    assert "rate ratio 0.00" not in text and f"0 in {spelling}" not in text


def test_year_without_data_is_refused_with_the_years_that_have_data(tmp_path):
    notebook, error = run("03_annual_report", tmp_path, financial_year="2024-25")
    assert error is not None and error.ename == "ParameterError"
    assert "Years with data: 2017-18, 2018-19, 2019-20" in error.evalue
    assert len(errors(notebook)) == 1
    assert "rate ratio" not in "\n".join(outputs(notebook))  # no statistic for an empty year


# 2. Paths: JupyterLab's folder, and papermill or nbconvert from the project root ---------------

def test_papermill_from_the_project_root_uses_the_defaults(from_root):
    for name, notebook in from_root.items():
        assert not errors(notebook), name
        assert "data/example" in "\n".join(outputs(notebook)), name  # the provenance line names it


def test_nbconvert_execute_from_the_project_root(tmp_path):
    result = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                             "notebooks/01_monthly_counts.ipynb", "--output-dir", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not errors(nbformat.read(tmp_path / "01_monthly_counts.ipynb", as_version=4))


# 3. Saving a run notebook in JupyterLab never breaks the no-outputs check -----------------------

def test_a_saved_run_notebook_is_committed_without_outputs(tmp_path):
    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "01_monthly_counts.ipynb", repo / "notebooks")
    shutil.copy(REPO / ".gitattributes", repo)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["config", "filter.nbstripout.clean", f"'{sys.executable}' -m nbstripout"], check=True)
    subprocess.run(git + ["config", "filter.nbstripout.smudge", "cat"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "notebooks"], check=True)
    # What JupyterLab's autosave does: the executed notebook, outputs and all, over the file.
    path = repo / "notebooks" / "01_monthly_counts.ipynb"
    papermill.execute_notebook(str(path), str(path), progress_bar=False, cwd=str(path.parent))
    assert any(c.get("outputs") for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    for stage in (False, True):  # saved only, then saved and staged
        if stage:
            subprocess.run(git + ["add", "-A"], check=True)
        committed = committed_notebook_json(repo, "notebooks/01_monthly_counts.ipynb")
        assert not any(c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code")


# 4. The project's kernel -------------------------------------------------------------------------

def test_notebooks_name_the_project_kernel_and_the_runner_uses_it(tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager

    from cfanalysis.publish.kernels import Job, project_kernel, run_jobs

    spec = KernelSpecManager().get_kernel_spec("cfanalysis")
    assert spec.display_name == "Python (cfanalysis)"
    assert Path(spec.argv[0]).parent == BIN  # the venv's own Python
    for path in NOTEBOOKS.glob("[0-9]*.ipynb"):
        assert committed_notebook_json(REPO, f"notebooks/{path.name}")["metadata"]["kernelspec"]["name"] == "cfanalysis"
    assert project_kernel() == "cfanalysis"
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")])
    nbformat.write(probe, tmp_path / "probe.ipynb")
    job = Job("probe", tmp_path / "probe.ipynb", tmp_path / "out" / "probe.ipynb", tmp_path / "probe.log", {})
    [result] = run_jobs([job], workers=1, progress=lambda line: None, on_result=lambda r: None,
                        kernel_log=tmp_path / "kernel.log")
    assert result.ok and result.notebook.cells[0].outputs[0]["text"].strip() == spec.argv[0]


# 5. Errors: one short message with the fix; later cells print nothing misleading ----------------

def test_empty_data_folder_shows_one_short_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    notebook, error = run("01_monthly_counts", tmp_path, data_dir=str(empty))
    assert error is not None and error.ename == "DataLoadError"
    [shown] = errors(notebook)
    lines = shown["traceback"]
    assert lines[0].startswith("DataLoadError:") and any("Fix:" in line for line in lines)
    assert not any(".py" in line and "line" in line for line in lines)  # no traceback into library code
    assert len(lines) <= 15


def test_mistyped_team_is_refused_once_and_nothing_after_it_runs(tmp_path):
    notebook, error = run("02_team_change", tmp_path, team="Duty team")
    assert error is not None and error.ename == "ParameterError"
    [shown] = errors(notebook)
    assert shown["traceback"] == [
        "ParameterError: There are no complaints for the team 'Duty team' (parameter team). Did you mean "
        "'Duty Team'? Teams in "
        "the data: Care Leavers, Child in Need and Child Protection, Children in Care, Disabled Children, "
        "Duty Team, Fostering."]
    text = "\n".join(outputs(notebook))
    assert text.count("There are no complaints for the team") == 1
    assert "special-cause" not in text and "No month" not in text


# 6. Outputs look like the report; banner and provenance in the notebook ------------------------

def test_outputs_carry_the_report_styling_banner_and_provenance(from_root):
    text = "\n".join(outputs(from_root["02_team_change"]))
    assert 'class="cf-verdict" style="border-left:6px solid' in text
    assert "Synthetic data." in text and "Made by cfanalysis" in text
    assert "text-align:left" in text and "text-align:right" in text and "white-space:nowrap" in text
    timeliness = "\n".join(outputs(from_root["03_annual_report"]))
    assert 'class="cf-number" style="text-align:right' in timeliness


# 7. Guidance: instructions, years and teams found, explore further, team as a parameter --------

def test_notebooks_guide_the_analyst(from_root):
    for name, notebook in from_root.items():
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        assert "How to use this notebook" in markdown and "## Explore further" in markdown, name
        text = "\n".join(outputs(notebook))
        assert "Financial years with complaints: 2017-18, 2018-19, 2019-20" in text, name
        assert "Teams with complaints: Care Leavers" in text, name
        assert "Objects to explore" in text and "data.complaints:" in text, name
        code = [c.source for c in notebook.cells if c.cell_type == "code"
                and "parameters" not in c.metadata.get("tags", [])]
        assert not any('"Duty Team"' in source for source in code), name


def test_team_is_a_parameter_and_checked(tmp_path):
    notebook, error = run("01_monthly_counts", tmp_path, team="Fostering")
    assert error is None and "Fostering" in "\n".join(outputs(notebook))
    notebook, error = run("01_monthly_counts", tmp_path, team="Nobody")
    assert error is not None and "Teams in the data" in error.evalue and "(parameter team)" in error.evalue
