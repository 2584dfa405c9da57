"""The batch runner: failures as the author sees them, last good HTML kept, parameters checked,
byte-identical reruns."""

import json

import nbformat
import pytest

from cfanalysis.publish.run import ReportError, run_reports
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.slow


def write_notebook(path, *, fail: bool):
    """A small report notebook: the last cell fails when ``fail``."""
    cells = [nbformat.v4.new_markdown_cell("# A small report"),
             nbformat.v4.new_code_cell('financial_year = "2019-20"\ndata_dir = "."\nas_of = None\nlimit = 3'),
             nbformat.v4.new_markdown_cell("## Section B\n\nText."),
             # The runner hands its loaded data on: no second read (the snapshot keeps no raw values).
             nbformat.v4.new_code_cell("import cfanalysis as cf\n"
                                       "handed = cf.load_data(data_dir, as_of=as_of).report.tables['complaints']\n"
                                       "assert handed.guarded_values is None, 'the data were read again'\n"
                                       "total = 1 + 1"),
             nbformat.v4.new_code_cell('raise ValueError("boom: the data ran out")' if fail else "total")]
    cells[1].metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def test_failure_names_year_notebook_cell_heading_and_error_and_keeps_last_good(tmp_path):
    notebooks, out = tmp_path / "notebooks", tmp_path / "out"
    notebooks.mkdir()
    write_notebook(notebooks / "01_small.ipynb", fail=False)
    first = run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=out, notebooks_dir=notebooks, jobs=1,
                        progress=lambda line: None)
    assert first[0].ok
    page = out / "2019-20" / "01_small.html"
    good = page.read_bytes()

    write_notebook(notebooks / "01_small.ipynb", fail=True)
    lines = []
    second = run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=out, notebooks_dir=notebooks, jobs=1,
                         progress=lines.append)
    run = second[0]
    assert not run.ok and run.html_path is None
    # 5 cells as the author wrote them: the injected parameters cell is not counted.
    assert run.message == ("2019-20 > 01_small > cell 5 of 5 > 'Section B' > "
                           "ValueError: boom: the data ran out")
    assert page.read_bytes() == good  # the last good report is untouched
    assert not list(page.parent.glob(".*partial"))
    log = (out / "2019-20" / "logs" / "01_small.log").read_text()
    assert "ValueError: boom: the data ran out" in log and "Traceback" in log
    assert any("running cell 4 of 5" in line for line in lines)
    assert any(str(out / "2019-20" / "logs" / "01_small.ipynb") in d for d in run.details)


def test_other_years_carry_on_after_a_failure(tmp_path):
    notebooks, out = tmp_path / "notebooks", tmp_path / "out"
    notebooks.mkdir()
    write_notebook(notebooks / "01_small.ipynb", fail=False)
    nb = nbformat.read(notebooks / "01_small.ipynb", as_version=4)
    nb.cells[4].source = 'if financial_year == "2018-19":\n    raise RuntimeError("only this year")'
    nbformat.write(nb, notebooks / "01_small.ipynb")
    runs = run_reports(["2018-19", "2019-20"], data_dir=EXAMPLE, out_dir=out, notebooks_dir=notebooks,
                       progress=lambda line: None)
    assert [r.ok for r in runs] == [False, True]
    assert (out / "2019-20" / "01_small.html").exists() and not (out / "2018-19" / "01_small.html").exists()


@pytest.mark.parametrize("parameters, words", [
    ({"colour": "red"}, "Unknown parameter 'colour'"),
    ({"named_in_advance": "maybe"}, "takes true or false"),
    ({"confidence_level": "high"}, "takes a number"),
    ({"financial_year": "2019-20"}, "--year"),
])
def test_parameters_checked_before_any_kernel(tmp_path, parameters, words):
    with pytest.raises(ReportError, match=words):
        run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=tmp_path, parameters=parameters)
    assert not (tmp_path / "2019-20").exists()


def test_a_parameter_reaches_the_notebook(fostering_reports):
    out, runs = fostering_reports
    assert all(r.ok for r in runs)
    page = (out / "2019-20" / "02_team_change.html").read_text()
    assert "New complaints to Fostering went from 13 in 2018-19 to 9 in 2019-20" in page


def test_two_runs_are_byte_identical(built_reports, tmp_path):
    out, _ = built_reports
    again = tmp_path / "again"
    run_reports(["2019-20"], data_dir=EXAMPLE, out_dir=again, progress=lambda line: None)
    for name in ("01_monthly_counts.html", "02_team_change.html", "summary.json"):
        assert (again / "2019-20" / name).read_bytes() == (out / "2019-20" / name).read_bytes(), name
    assert json.loads((again / "2019-20" / "summary.json").read_text())["complaints_total"] == 92


def test_kernel_that_cannot_start_is_retried_then_reported(tmp_path):
    from cfanalysis.publish.kernels import KERNEL_START_ATTEMPTS, Job, run_jobs

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "01_small.ipynb", fail=False)
    jobs = [Job(label=f"2019-20 > 01_small ({n})", notebook=notebooks / "01_small.ipynb",
                executed_path=tmp_path / "out" / f"{n}.ipynb", log_path=tmp_path / "out" / f"{n}.log",
                parameters={}) for n in range(2)]
    results = run_jobs(jobs, workers=1, progress=lambda line: None, on_result=lambda result: None,
                       kernel_log=tmp_path / "kernel.log", kernel_name="no-such-kernel")
    assert [r.ok for r in results] == [False, False]
    assert all(f"did not start after {KERNEL_START_ATTEMPTS} attempts" in r.message for r in results)


def test_each_kernel_group_starts_clean_and_its_jobs_share_the_kernel(tmp_path):
    """The runner makes each year a group: a year's notebooks share a fresh kernel, and nothing
    from one year reaches the next (no %reset: a new kernel)."""
    from cfanalysis.publish.kernels import Job, run_jobs

    def notebook(name, source):
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
        return path

    define, use = notebook("define", "left_behind = 41"), notebook("use", "left_behind + 1")
    jobs = [Job(f"{group} > {path.stem}", path, tmp_path / "out" / f"{group}-{path.stem}.ipynb",
                tmp_path / "out" / f"{group}-{path.stem}.log", {}, kernel_group=group)
            for group, path in (("2018-19", define), ("2018-19", use), ("2019-20", use))]
    results = run_jobs(jobs, workers=1, progress=lambda line: None, on_result=lambda result: None,
                       kernel_log=tmp_path / "kernel.log", kernel_name="python3")
    assert [r.ok for r in results] == [True, True, False]
    assert results[1].notebook.cells[0].outputs[0]["data"]["text/plain"] == "42"
    assert "NameError" in results[2].message and "left_behind" in results[2].message
