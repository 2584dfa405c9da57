"""The routes into cfanalysis besides make: `python -m cfanalysis` (Windows, conda), the conda
environment file, and make passing notebook parameters (issue 16, point 7).

Linux cannot run PowerShell or conda here; what it can check is that the commands the README
gives for them work: `python -m cfanalysis` from a folder that is not the project, with no
console script on the PATH, and an environment.yml that installs the package itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

from cfanalysis.cli import _parameters
from tests.conftest import EXAMPLE, REPO


def python_m(*args: str, cwd) -> subprocess.CompletedProcess:
    """`python -m cfanalysis ...` as a Windows or conda user types it: the interpreter only."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.defpath  # no .venv/bin: the cfanalysis console script cannot be what runs
    return subprocess.run([sys.executable, "-m", "cfanalysis", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_python_m_cfanalysis_validates_from_outside_the_project(tmp_path):
    done = python_m("validate", "--data", str(EXAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "complaints" in done.stdout
    assert not any(tmp_path.iterdir())  # validate writes nothing


def test_python_m_cfanalysis_answers_help_and_bad_input_without_a_traceback(tmp_path):
    done = python_m("--help", cwd=tmp_path)
    assert done.returncode == 0 and "validate" in done.stdout and "report" in done.stdout
    missing = python_m("validate", "--data", str(tmp_path / "no such folder"), cwd=tmp_path)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr + missing.stdout


def test_readme_gives_the_routes_without_make():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("py -m venv .venv", ".venv\\Scripts\\pip install -e .",
                    ".venv\\Scripts\\python -m cfanalysis report", "conda env create -f environment.yml",
                    "conda activate cfanalysis", "python -m cfanalysis report"):
        assert command in readme, command


def test_the_conda_environment_installs_the_package_and_is_named_as_the_readme_says():
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert "name: cfanalysis" in lines and "- pip:" in lines and "- -e ." in lines
    assert any(line.startswith("- python>=3.11") for line in lines)


def test_make_passes_parameters_to_the_report():
    done = subprocess.run(["make", "-n", "report", "DATA=somewhere", "PARAMS=team=\"Children in Care\" x=1"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "cfanalysis report" in line]
    assert "--data \"somewhere\"" in line and "--params 'team=\"Children in Care\" x=1'" in line
    assert _parameters(None, 'team="Children in Care" x=1') == {"team": "Children in Care", "x": "1"}
    assert _parameters(["a=1"], None) == {"a": "1"}
