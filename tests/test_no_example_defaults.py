"""No example-specific defaults (issue 16, point 1): the package, the notebooks and the report
templates hold none of the example's team names, story or council; a run without ``team`` asks
the data; one parameter name (``team``) for the same idea in every notebook."""

from __future__ import annotations

import ast

import pytest

from cfanalysis.data import example
from cfanalysis.publish.kernels import notebook_parameters
from cfanalysis.publish.pages import report_notebooks
from cfanalysis.publish.run import ReportError, check_parameters
from tests.conftest import REPO

NOTEBOOKS = report_notebooks(REPO / "notebooks")
# What only the example data say: its own team, its council, its events, its people and streets.
EXAMPLE_ONLY = ("Duty Team", "Duty &", example.AUTHORITY, "Example Council", "Exampletown", "Celebration",
                "duty rota", "The panel asked", *example.FAKE_NAMES, *example.FAKE_STREETS,
                *(description for _, _, description in example.EVENTS))


def _code_strings(path) -> list[str]:
    """Every string constant of a module that is not a docstring (docstring Examples may use any data)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_package_and_templates_hold_nothing_of_the_example():
    found = []
    for path in sorted((REPO / "cfanalysis").rglob("*")):
        if path.name == "example.py" or path.suffix not in (".py", ".j2", ".css", ".json"):
            continue  # the example's generator is where its names belong
        texts = _code_strings(path) if path.suffix == ".py" else [path.read_text(encoding="utf-8")]
        found += [(path.relative_to(REPO).as_posix(), word) for text in texts for word in EXAMPLE_ONLY
                  if word.casefold() in text.casefold()]
    assert not found


def test_the_notebooks_hold_nothing_of_the_example():
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert not [word for word in EXAMPLE_ONLY if word.casefold() in text.casefold()], path.name


def test_every_notebook_calls_the_team_team_and_leaves_it_to_the_data():
    for path in NOTEBOOKS:
        parameters = notebook_parameters(path)
        assert "highlight" not in parameters, path.name
        if "team" in parameters:
            assert parameters["team"] is None, path.name
    assert all("team" in notebook_parameters(path) for path in NOTEBOOKS)


def test_highlight_is_still_read_as_team():
    typed = check_parameters({"highlight": "Front Door"}, NOTEBOOKS)
    assert all(parameters == {"team": "Front Door"} for parameters in typed.values())
    assert check_parameters({"highlight": "X", "team": "X"}, NOTEBOOKS) == check_parameters({"team": "X"}, NOTEBOOKS)
    with pytest.raises(ReportError, match="highlight is the old name of team"):
        check_parameters({"highlight": "X", "team": "Y"}, NOTEBOOKS)


def test_named_in_advance_needs_a_team_before_anything_runs():
    with pytest.raises(ReportError, match="named_in_advance=true needs --param team"):
        check_parameters({"named_in_advance": "true"}, NOTEBOOKS)
    assert check_parameters({"named_in_advance": "true", "team": "Front Door"}, NOTEBOOKS)
