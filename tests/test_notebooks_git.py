"""Notebook outputs cannot reach a commit, however the notebook was saved (issue 20).

Each test works in a temporary git repository holding the project's notebooks and
``.gitattributes``, with a real git client: saved through the Jupyter server's contents manager
with the project's config (the save hook, no git filter configured), or written with outputs
straight to disk and committed through the nbstripout filter. ``git diff --cached`` must then
show no outputs, and saving an unchanged notebook must leave git seeing no change at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from cfanalysis.publish.jupyter import EXTRA_KEYS, strip_notebook, strip_outputs_on_save
from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def git(repo, *args, check=True):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


@pytest.fixture
def clone(tmp_path):
    """A git repository with the notebooks, .gitattributes and .gitignore, and no filter configured."""
    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, repo / "notebooks" / path.name)
    for name in (".gitattributes", ".gitignore"):
        shutil.copy(REPO / name, repo / name)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", ".")
    git(repo, "-c", "filter.nbstripout.required=false", "commit", "-q", "-m", "notebooks")
    return repo


def as_jupyterlab_saves_it(path):
    """The notebook after a run in JupyterLab: outputs, counts, a machine path and full language_info."""
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = number + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="/home/analyst/data/raw\n"),
                        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-12-01T10:00:00Z"}
    notebook.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
        "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3", "version": "3.11.7"}
    return notebook


def server_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("jupyter_server_config.py", path=str(REPO / ".jupyter")).load_config()


def test_the_project_server_config_sets_the_save_hook_and_opens_on_notebooks():
    config = server_config()
    assert config.ContentsManager.pre_save_hook == "cfanalysis.publish.jupyter.strip_outputs_on_save"
    assert config.LabApp.default_url == "/lab/tree/notebooks"


def test_saving_through_jupyter_with_the_project_config_stores_no_outputs(clone):
    pytest.importorskip("jupyter_server", reason="JupyterLab is in the lab extra (make lab)")
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(clone), config=server_config())
    for path in NOTEBOOKS:
        notebook = as_jupyterlab_saves_it(path)
        manager.save({"type": "notebook", "format": "json", "content": notebook}, f"notebooks/{path.name}")
        saved = json.loads((clone / "notebooks" / path.name).read_text())
        assert all(not c.get("outputs") for c in saved["cells"] if c["cell_type"] == "code"), path.name
    # Saved, not changed: git (with no filter in this clone) sees every notebook as committed.
    assert git(clone, "status", "--porcelain").stdout == ""
    git(clone, "add", "notebooks")
    assert git(clone, "diff", "--cached").stdout == ""


def test_a_notebook_outside_notebooks_keeps_its_outputs(tmp_path):
    notebook = as_jupyterlab_saves_it(NOTEBOOKS[0])
    model = {"type": "notebook", "content": notebook}
    strip_outputs_on_save(model, "scratch/mine.ipynb", None)
    assert any(c.outputs for c in notebook.cells if c.cell_type == "code")


@pytest.mark.slow  # starts nbstripout through git for each notebook (seconds each on a busy machine)
def test_the_git_filter_strips_outputs_at_commit(clone):
    clean = f"'{sys.executable}' -m nbstripout --extra-keys '{' '.join(EXTRA_KEYS)}'"
    git(clone, "config", "filter.nbstripout.clean", clean)
    git(clone, "config", "filter.nbstripout.smudge", "cat")
    for path in NOTEBOOKS:  # saved by a JupyterLab without the project's config
        nbformat.write(as_jupyterlab_saves_it(path), clone / "notebooks" / path.name)
    git(clone, "add", "notebooks")
    staged = git(clone, "diff", "--cached", "--stat").stdout
    assert staged == "", f"outputs or metadata would be committed:\n{staged}"


def test_the_save_hook_stores_what_the_filter_stores():
    for path in NOTEBOOKS:
        by_hook = strip_notebook(as_jupyterlab_saves_it(path))
        assert by_hook == nbformat.read(path, as_version=4), path.name


def test_the_filter_keys_agree_everywhere():
    makefile = (REPO / "Makefile").read_text()
    keys = makefile.split("NBSTRIPOUT_KEYS :=")[1].split("\n\n")[0].replace("\\\n", " ").split()
    assert keys == list(EXTRA_KEYS)
    assert " ".join(EXTRA_KEYS) in " ".join((REPO / ".pre-commit-config.yaml").read_text().split())


@pytest.mark.parametrize("name", ["notebooks/03_annual_report.html", "notebooks/complaints.xlsx",
                                  "notebooks/upload.csv", "complaints 2019-20.xlsx", "data/raw/complaints.csv",
                                  "Export.csv"])
def test_files_made_by_hand_are_ignored_by_git(name):
    assert git(REPO, "check-ignore", "-q", "--no-index", name, check=False).returncode == 0, name


@pytest.mark.parametrize("name", ["notebooks/01_monthly_counts.ipynb", "data/example/complaints.csv",
                                  "tests/golden/2019-20_complaints_by_team.csv", ".jupyter/jupyter_server_config.py"])
def test_project_files_are_not_ignored(name):
    assert git(REPO, "check-ignore", "-q", "--no-index", name, check=False).returncode == 1, name


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow  # starts a Jupyter server
@pytest.mark.parametrize("setup", ["project config (make lab)", "venv server extension (make install)"])
def test_a_real_jupyter_server_saves_notebooks_without_outputs(clone, tmp_path, setup):
    import os
    import time
    import urllib.request

    from cfanalysis.publish.jupyter import install

    pytest.importorskip("jupyter_server", reason="JupyterLab is in the lab extra (make lab)")
    if setup.startswith("project"):
        config_path = str(REPO / ".jupyter")
    else:  # what `make install` writes into the venv, here into a scratch prefix
        install(tmp_path / "prefix")
        config_path = str(tmp_path / "prefix" / "etc" / "jupyter")
    port, token = free_port(), "test-token"
    env = {**os.environ, "JUPYTER_CONFIG_PATH": config_path, "JUPYTER_CONFIG_DIR": str(tmp_path / "user")}
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                               f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={clone}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/{NOTEBOOKS[0].name}?token={token}"
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        body = json.dumps({"type": "notebook", "format": "json", "content": as_jupyterlab_saves_it(NOTEBOOKS[0])})
        request = urllib.request.Request(url, data=body.encode(), method="PUT",
                                         headers={"Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=30).status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert git(clone, "status", "--porcelain").stdout == ""  # saved as committed: no outputs, no metadata diff
    git(clone, "add", "notebooks")
    assert git(clone, "diff", "--cached").stdout == ""
