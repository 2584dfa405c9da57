"""Project hygiene: committed notebooks carry no outputs; conda and pip ask for the same packages."""

import json
import re
import subprocess
import tomllib

from tests.conftest import REPO


def committed_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True)
    names = listed.stdout.split() if listed.returncode == 0 else []
    return [REPO / name for name in names] or sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert committed_notebooks()


def committed_notebook_json(repo, name: str) -> dict:
    """The notebook as git would commit it, not as the working file is (JupyterLab autosaves outputs).

    The staged blob (``git show :name``) when the file is unchanged or staged; when the working
    file differs from it, the working file as the clean filter (nbstripout) would store it.
    Outside a git checkout, the file itself.
    """
    def git(*args, **kwargs):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, **kwargs)

    staged = git("show", f":{name}")
    if staged.returncode != 0:
        return json.loads((repo / name).read_text())
    if git("diff", "--quiet", "--", name).returncode == 0:
        return json.loads(staged.stdout)
    # Modified and not staged: what ``git add`` / ``git commit -a`` would store, filters applied.
    blob = git("hash-object", "-w", "--path", name, str(repo / name), text=True).stdout.strip()
    return json.loads(git("cat-file", "blob", blob).stdout)


HOW_TO_STRIP = ("would be committed with outputs. Strip them: run `make install` (sets up the nbstripout git "
                "filter for this clone) or `pre-commit install`, then `git add {name}` again; or open and save it "
                "from `make lab`, whose save hook stores notebooks without outputs. `.venv/bin/python -m "
                "nbstripout {name}` strips the file itself.")


def test_committed_notebooks_have_no_outputs():
    # Reads what git would commit, so a notebook run and saved in JupyterLab breaks nothing.
    for path in committed_notebooks():
        name = str(path.relative_to(REPO))
        notebook = committed_notebook_json(REPO, name)
        with_outputs = [index for index, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"
                        and (cell.get("outputs") or cell.get("execution_count"))]
        assert not with_outputs, f"{name} (cells {with_outputs[:5]}) " + HOW_TO_STRIP.format(name=name)
        assert "papermill" not in notebook["metadata"], f"{name}: papermill metadata " + HOW_TO_STRIP.format(name=name)


def test_notebooks_have_a_parameters_cell_and_no_definitions():
    for path in committed_notebooks():
        cells = json.loads(path.read_text())["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        for cell in cells:
            if cell["cell_type"] == "code":
                assert not re.search(r"^\s*(def|class) ", "".join(cell["source"]), re.MULTILINE), path.name


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    """The conda environment is the developer's: the dependencies and every extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = [r for extra in project["optional-dependencies"].values() for r in extra]
    wanted = {_name(r): r for r in project["dependencies"] + extras if _name(r) != project["name"]}
    lines = (REPO / "environment.yml").read_text().splitlines()
    conda = {}
    for line in lines:
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.-]+)(.*)$", line.split("#")[0].rstrip())
        if match and match.group(1) not in ("python", "pip", "conda-forge", "-e"):
            conda[match.group(1).lower()] = (match.group(1) + match.group(2)).replace(" ", "")
    assert set(conda) == set(wanted)
    for name, requirement in wanted.items():
        assert conda[name] == requirement.replace(" ", ""), name


def test_reports_install_without_test_tools_browser_driver_or_jupyterlab():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    needed = {_name(r) for r in project["dependencies"]}
    assert not needed & {"pytest", "playwright", "axe-playwright-python", "ruff", "nbstripout", "jupyterlab"}
    extras = project["optional-dependencies"]
    assert {"playwright", "pytest", "ruff", "papermill"} <= {_name(r) for r in extras["test"]}
    assert "cfanalysis[test,lab]" in extras["dev"]
    makefile = (REPO / "Makefile").read_text()
    assert "pip install --quiet -e .\n" in makefile and "-e '.[test]'" in makefile


def test_code_passes_the_linter():
    import shutil
    import sys
    from pathlib import Path

    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "cfanalysis", "tests", "benchmarks"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_make_lab_opens_the_project_root_with_its_config_and_works_as_root():
    import os
    import shutil

    if shutil.which("make") is None:
        return
    # A dry run (-n): prints the commands without running any of them.
    dry = subprocess.run(["make", "-n", "--no-print-directory", "lab", "LAB_FLAGS=--allow-root"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    assert "jupyter lab --notebook-dir=. --allow-root" in dry and "/.jupyter" in dry
    default = subprocess.run(["make", "-n", "--no-print-directory", "lab"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout
    assert ("--allow-root" in default) == (os.geteuid() == 0)  # root in a container is detected
