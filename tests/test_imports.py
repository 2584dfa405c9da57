"""Light imports: ``import cfanalysis`` and loading data pull in none of the heavy libraries, and
nothing imports ``statsmodels.api`` (all of statsmodels) or seaborn at module level."""

import ast
import json
import subprocess
import sys

from tests.conftest import EXAMPLE, REPO

HEAVY = ("seaborn", "statsmodels", "statsmodels.api", "holidays", "matplotlib", "scipy", "nbconvert", "nbclient",
         "papermill", "IPython")


def test_loading_data_imports_no_heavy_library():
    code = ("import sys, json, cfanalysis as cf\n"
            f"cf.load_data({str(EXAMPLE)!r}, as_of='2026-01-01')\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert json.loads(result.stdout) == []


def test_no_module_imports_statsmodels_api_or_imports_seaborn_or_holidays_at_the_top():
    found = []
    for path in sorted((REPO / "cfanalysis").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "statsmodels.api" for name in names):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} imports statsmodels.api")
        for node in tree.body:  # module level
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] in ("seaborn", "holidays", "matplotlib") for name in names):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} imports {names} when the module loads")
    assert not found, "\n".join(found)
