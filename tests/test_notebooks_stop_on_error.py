"""An error stops the notebook, always (issue 20): through a real kernel and a real Jupyter client.

JupyterLab's Run All makes every cell's request at once and the server passes them on as they
come; ipykernel aborts only those already queued when a cell fails, so after a fast error the
rest used to run and print the previous run's results. The project kernel (installed here into
a temporary prefix by ``cfanalysis.publish.jupyter.install``, as ``make install`` does) turns every
cell sent before the failure into one line saying so; a cell sent afterwards runs.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from cfanalysis.publish import jupyter
from tests.conftest import REPO

NOT_RUN = "Not run: cell ["


# --- the mechanism, on a stand-in shell (quick) ---------------------------------------------

class FakeShell:
    def __init__(self):
        self.input_transformers_post = []
        self.events = SimpleNamespace(register=lambda name, hook: setattr(self, name, hook))
        self.parent_header = {}

    def request(self, sent, silent=False):
        self.parent_header = {"header": {"date": sent, "msg_type": "execute_request"},
                              "content": {"silent": silent}}

    def run(self, code, failed=False, count=1):
        for transform in self.input_transformers_post:
            code = "".join(transform(code.splitlines(keepends=True)))
        result = SimpleNamespace(info=SimpleNamespace(silent=False), execution_count=count,
                                 error_before_exec=None, error_in_exec=ZeroDivisionError() if failed else None)
        self.post_run_cell(result)
        return code


def test_cells_sent_before_a_failure_become_a_note_and_later_ones_run():
    shell = FakeShell()
    assert jupyter.stop_on_error(shell) and jupyter.stop_on_error(shell)  # twice: registered once
    assert len(shell.input_transformers_post) == 1
    batch = dt.datetime.now(dt.timezone.utc)
    shell.request(batch)
    assert shell.run("1/0", failed=True, count=4) == "1/0"
    shell.request(batch)  # queued by the same Run All
    assert shell.run("print(data)").startswith("print('Not run: cell [4] above stopped with an error.")
    time.sleep(0.01)
    shell.request(dt.datetime.now(dt.timezone.utc).isoformat())  # run again by hand, as text
    assert shell.run("print(data)") == "print(data)"


def test_silent_requests_and_old_clients():
    shell = FakeShell()
    jupyter.stop_on_error(shell)
    shell.request(dt.datetime.now(dt.timezone.utc))
    shell.run("1/0", failed=True)
    shell.request(dt.datetime(2000, 1, 1), silent=True)  # a widget's or the debugger's request
    assert shell.run("x") == "x"
    shell.parent_header = {"header": {}, "content": {}}  # no date: straight after the failure
    assert shell.run("x").startswith("print('Not run")


def test_outside_ipython_there_is_nothing_to_do():
    assert jupyter.stop_on_error() is False


def test_install_writes_a_kernel_that_starts_through_the_guard(tmp_path):
    spec_path, config_path = jupyter.install(tmp_path)
    argv = json.loads(spec_path.read_text())["argv"]
    assert argv[argv.index("-m") + 1] == "cfanalysis.publish.jupyter" and "{connection_file}" in argv
    assert json.loads(config_path.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"cfanalysis.publish.jupyter": True}}}


# --- a real kernel and a real client ---------------------------------------------------------

@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory):
    from jupyter_client.kernelspec import KernelSpecManager

    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("prefix")
    jupyter.install(prefix)
    install(kernel_name="plain", prefix=str(prefix))
    return KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])


@pytest.fixture(scope="module")
def warm_notebook(kernel_specs):
    """Notebook 01 run once, as an analyst would, in a kernel that stays up for the tests."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    notebook = nbformat.read(REPO / "notebooks" / "01_monthly_counts.ipynb", as_version=4)
    km = KernelManager(kernel_name="cfanalysis", kernel_spec_manager=kernel_specs, transport_encryption="auto")
    client = NotebookClient(notebook, km=km, timeout=300, resources={"metadata": {"path": str(REPO / "notebooks")}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        yield notebook, client.kc


def run_all_at_once(kc, sources, stagger=0.3):
    """Make every request first (as JupyterLab's Run All does), send them a little apart (as the
    server relays them, so that later cells arrive after ipykernel has stopped aborting), and
    collect each cell's outputs."""
    messages = [kc.session.msg("execute_request", {
        "code": source, "silent": False, "store_history": True, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True}) for source in sources]
    for message in messages:
        kc.shell_channel.send(message)
        time.sleep(stagger)
    ids = [m["header"]["msg_id"] for m in messages]
    outputs = {i: [] for i in ids}
    idle = set()
    while len(idle) < len(ids):
        message = kc.get_iopub_msg(timeout=120)
        parent = message["parent_header"].get("msg_id")
        if parent not in outputs:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            outputs[parent].append(content["text"])
        elif kind in ("execute_result", "display_data"):
            outputs[parent].append(content["data"].get("text/plain", ""))
        elif kind == "error":
            outputs[parent].append("ERROR " + content["ename"] + ": " + content["evalue"])
        elif kind == "status" and content["execution_state"] == "idle":
            idle.add(parent)
    return [outputs[i] for i in ids]


slow = pytest.mark.slow  # each starts a kernel


def nothing_but_the_note(outputs):
    """No output (ipykernel aborted the request in time), or only the note that it was not run."""
    return not outputs or (len(outputs) == 1 and outputs[0].startswith(NOT_RUN))


@slow
def test_run_all_again_with_a_bad_folder_shows_nothing_after_the_error(warm_notebook, tmp_path):
    notebook, kc = warm_notebook
    assert sum(bool(c.outputs) for c in notebook.cells if c.cell_type == "code") >= 4  # the good run showed results
    sources = [c.source for c in notebook.cells if c.cell_type == "code"]
    parameters = next(i for i, c in enumerate(c for c in notebook.cells if c.cell_type == "code")
                      if "parameters" in c.metadata.get("tags", []))
    sources[parameters] += f"\ndata_dir = {str(tmp_path / 'missing')!r}"
    outputs = run_all_at_once(kc, sources)
    failed = next(i for i, out in enumerate(outputs) if any(o.startswith("ERROR") for o in out))
    assert sources[failed].startswith("import cfanalysis as cf")
    assert "DataLoadError" in outputs[failed][0] and "data_dir" in outputs[failed][0]
    for source, out in zip(sources[failed + 1:], outputs[failed + 1:]):
        assert nothing_but_the_note(out), (source, out)
    assert any(outputs[failed + 1:]), "every later cell was aborted in time: the race was not exercised"
    # A cell run by hand afterwards runs, and finds nothing left from the good run.
    (again,) = run_all_at_once(kc, ["cf.data_overview(data)"])
    assert again and again[0].startswith("ERROR CfanalysisError: Nothing is loaded"), again


def start(kernel_name, kernel_specs):
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name, kernel_spec_manager=kernel_specs, transport_encryption="auto")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


PLAIN = ["x = 1", "print('a')", "1/0", "print('after')", "x", "print(x + 1)"]


@slow
def test_a_plain_notebook_stops_after_a_fast_error_too(kernel_specs):
    km, kc = start("cfanalysis", kernel_specs)
    try:
        outputs = run_all_at_once(kc, PLAIN)
        assert outputs[:3] == [[], ["a\n"], ["ERROR ZeroDivisionError: division by zero"]]
        assert all(nothing_but_the_note(out) for out in outputs[3:]), outputs
        assert run_all_at_once(kc, ["x"]) == [["1"]]  # sent after the failure: runs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@slow
def test_a_plain_ipykernel_shows_the_problem_this_solves(kernel_specs):
    # The same requests on ipykernel as installed by default: cells after the error still run.
    km, kc = start("plain", kernel_specs)
    try:
        outputs = run_all_at_once(kc, PLAIN)
        assert outputs[2] == ["ERROR ZeroDivisionError: division by zero"]
        assert ["after\n"] in outputs[3:] or ["2\n"] in outputs[3:], outputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@slow
def test_papermill_still_fails_at_the_cell_that_fails(kernel_specs, tmp_path, monkeypatch, capfd):
    import papermill

    notebook = nbformat.read(REPO / "notebooks" / "01_monthly_counts.ipynb", as_version=4)
    source = tmp_path / "in.ipynb"
    nbformat.write(notebook, source)
    # papermill finds the kernel by name: the one installed in the temporary prefix.
    monkeypatch.setenv("JUPYTER_PATH", str(Path(kernel_specs.kernel_dirs[0]).parent))
    with pytest.raises(papermill.PapermillExecutionError) as failed:
        papermill.execute_notebook(source, tmp_path / "out.ipynb", kernel_name="cfanalysis",
                                   parameters={"data_dir": str(tmp_path / "missing")}, progress_bar=False,
                                   cwd=str(REPO / "notebooks"))
    assert failed.value.ename == "DataLoadError"
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    after = code[[i for i, c in enumerate(code) if any(o.get("ename") for o in c.outputs)][0] + 1:]
    assert after and not any(c.outputs for c in after)
    # Quiet: the kernel (its stderr is this process's) says nothing about TCP encryption.
    assert "without encryption" not in capfd.readouterr().err


@slow
def test_nbconvert_runs_the_project_kernel_quietly(kernel_specs, tmp_path):
    import os
    import subprocess
    import sys

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import cfanalysis as cf\ncf.__version__")])
    notebook.metadata.kernelspec = {"name": "cfanalysis", "display_name": "Python (cfanalysis)", "language": "python"}
    nbformat.write(notebook, tmp_path / "quiet.ipynb")
    env = {**os.environ, "JUPYTER_PATH": str(Path(kernel_specs.kernel_dirs[0]).parent)}
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "notebook",
                          str(tmp_path / "quiet.ipynb")], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr and "encryption" not in run.stderr, run.stderr
