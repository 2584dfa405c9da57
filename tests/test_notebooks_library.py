"""What a notebook relies on, without a kernel (issue 20): the parameter check, the load in view,
the small public API and the README's "Using the library" examples.

Every case runs on the shipped example data and on a differently shaped council's data built
here (other teams, years, headers and spellings).
"""

from __future__ import annotations

import inspect
import re
import shutil

import numpy as np
import pandas as pd
import pytest

import cfanalysis as cf
from cfanalysis.parameters import CfanalysisError, ParameterError
from tests.conftest import EXAMPLE, REPO, write_csv
from cfanalysis.publish.descriptions import describe

AS_OF = "2024-06-30"
OTHER_TEAMS = ["Early Help", "Front Door", "Leaving Care", "Short Breaks"]


def other_council(folder, *, typo_header=False):
    """Two years (2022-23, 2023-24) of another council's export: its own headers and teams, an
    'Early help' spelling of 'Early Help', a bad date and a blank team."""
    rng = np.random.default_rng(20)
    header = ["Case Ref", "Date Recieved" if typo_header else "Complaint Date", "Service", "Complaint Stage",
              "Complaint Type", "Subject", "Result", "Complainant Name"]
    rows, number = [], 0
    for month in pd.period_range("2022-04", "2024-03", freq="M"):
        for team, mean in zip(OTHER_TEAMS, (3, 2, 1.5, 1)):
            for _ in range(rng.poisson(mean * (1.6 if team == "Front Door" and month.year >= 2023 else 1))):
                number += 1
                day = min(int(rng.integers(1, 29)), month.days_in_month)
                rows.append([f"X{number:04d}", f"{day:02d}/{month.month:02d}/{month.year}", team, "Stage 1",
                             "Statutory", str(rng.choice(["Communication", "Staff attitude", "Delay"])),
                             str(rng.choice(["Upheld", "Not upheld", "Partially upheld"])), "A. Person"])
    rows[3][2] = "Early help"
    rows[5][1] = "31/02/2023"
    rows[7][2] = ""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "complaints.csv", [header, *rows])
    write_csv(folder / "events.csv", [["Date", "Team", "Description"], ["01/10/2023", "Front Door", "New rota"]])
    return folder


@pytest.fixture(scope="module")
def example():
    return cf.load_data(EXAMPLE, as_of="2026-01-01")


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    return cf.load_data(other_council(tmp_path_factory.mktemp("other") / "data"), as_of=AS_OF)


@pytest.fixture(params=["example", "other"])
def data(request):
    return request.getfixturevalue(request.param)


def text(parts) -> str:
    return repr(parts)


# 4. Every parameter checked before the first analysis cell -----------------------------------

def test_the_year_is_normalised_once(data):
    latest = data.financial_years[-1]
    typed = latest.replace("-", "/")  # "2019/20"
    assert cf.check_parameters(data, financial_year=typed).financial_year == latest
    sentence = text(cf.reconciliation(data, typed))
    assert f"received in {latest};" in sentence and typed not in sentence


def test_wrong_parameters_are_all_named_in_one_short_message(data):
    latest = data.financial_years[-1]
    with pytest.raises(ParameterError) as refused:
        cf.check_parameters(data, financial_year=latest, baseline_year="2001-02", team="Nobody",
                            highlight="Nor this", event="Pay rise")
    lines = str(refused.value).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("baseline_year: there are no complaints for 2001-02")
    assert lines[1].startswith("There are no complaints for the team 'Nobody'")
    assert lines[2].startswith("highlight: There are no complaints for the team 'Nor this'")
    assert lines[3].startswith("Unknown event 'Pay rise'")
    assert "--" not in str(refused.value)  # parameters, not command-line options
    assert refused.value._render_traceback_()[0].startswith("ParameterError: baseline_year:")


def test_good_parameters_pass_and_name_the_event(data):
    latest, first = data.financial_years[-1], data.financial_years[0]
    team = data.complaints["team"].value_counts().index[0]
    checked = cf.check_parameters(data, financial_year=latest, baseline_year=first.replace("-", "/"),
                                  team=team, highlight=team, event=None)
    assert (checked.baseline_year, checked.team, checked.highlight, checked.event) == (first, team, team, None)
    description = data.events["description"].iloc[0]
    assert cf.check_parameters(data, financial_year=latest, event=description.upper()).event.startswith(description)


def test_an_unknown_event_is_a_parameter_error_not_a_traceback(example):
    with pytest.raises(ParameterError):
        cf.find_event(example.events, "Pay rise")


def test_a_failed_load_leaves_nothing_to_print():
    stand_in = cf.NotLoaded()
    with pytest.raises(CfanalysisError, match="Nothing is loaded"):
        stand_in.complaints  # noqa: B018 (the attribute access is what raises)
    with pytest.raises(CfanalysisError, match="Nothing is loaded"):
        cf.data_overview(stand_in)


def test_the_load_message_speaks_of_data_dir_in_a_notebook(tmp_path):
    with pytest.raises(cf.DataLoadError) as refused:
        cf.load_data(tmp_path / "missing").require_usable()
    message = str(refused.value)
    assert "data_dir" in message and "--data" not in message


# 2. The load in view ------------------------------------------------------------------------

def test_the_overview_lists_exclusions_merges_and_the_full_table(other):
    shown = text(cf.data_overview(other))
    for line in [p for p in map(str, other.report.problems)]:
        assert line in shown  # the words of `cfanalysis validate`
    assert "row 7, column 'Complaint Date': value '31/02/2023'" in shown and "Fix:" in shown
    assert "column 'Service': value '' is blank" in shown
    assert "'Early help' as 'Early Help'" in shown
    assert "data.report.problems_frame()" in shown
    frame = other.report.problems_frame()
    assert {"row", "value", "fix"} <= set(frame.columns) and len(frame) == 2


def test_a_header_typo_gets_a_did_you_mean(tmp_path):
    data = cf.load_data(other_council(tmp_path / "typo", typo_header=True), as_of=AS_OF)
    message = str(data.report.problems[0])
    assert "Did you mean 'Date Recieved' for received_date" in message
    # The complaints could not be read, so the events cannot be checked: none is listed as excluded.
    assert not [p for p in data.report.problems if p.file == "events.csv"]


# 5. A small, documented public API -----------------------------------------------------------

def test_tab_completion_offers_a_few_typed_names():
    names = [n for n in dir(cf) if not n.startswith("_")]
    assert 25 <= len(names) <= 35, names
    assert {"analysis", "data", "publish", "plots"} <= set(names) and "annotations" not in names
    assert sorted(cf._PUBLIC) == cf.__all__
    for name in cf.__all__:
        value = getattr(cf, name)
        assert inspect.getdoc(value), name
        if inspect.isfunction(value):
            hints = {k for k in inspect.signature(value).parameters} - {"kwargs", "objects"}
            assert hints <= set(value.__annotations__) and "return" in value.__annotations__, name


def test_jedi_knows_what_each_name_is():
    jedi = pytest.importorskip("jedi")
    completions = jedi.Interpreter("cf.", [{"cf": cf}]).complete()
    kinds = {c.name: c.type for c in completions if not c.name.startswith("_")}
    assert set(kinds) == {n for n in dir(cf) if not n.startswith("_")}
    assert not [n for n, kind in kinds.items() if kind not in ("function", "class", "module")], kinds


def test_older_flat_names_still_work():
    from cfanalysis import holm, uphold_benchmark, year_counts  # noqa: F401

    assert cf.holm is cf.analysis.checks.holm and cf.find_event is cf.data.events.find_event
    with pytest.raises(AttributeError):
        cf.no_such_name  # noqa: B018


def test_charts_take_any_number_of_years(data):
    years = data.financial_years[-2:]
    counts = pd.concat([cf.monthly_counts(data.complaints, year, by="team") for year in reversed(years)])
    team = data.complaints["team"].value_counts().index[0]
    chart = cf.monthly_lines_chart(counts, highlight=team)
    assert chart.png.startswith(b"\x89PNG") and "Totals, April " in chart.alt  # the period named
    others = counts[counts["team"] != team]
    with pytest.raises(ParameterError, match=f"highlight='{team}' is not a team in the frame"):
        cf.monthly_lines_chart(others, highlight=team)


def test_sections_tables_and_charts_export(data, tmp_path):
    year = data.financial_years[-1]
    chart = cf.monthly_lines_chart(cf.monthly_counts(data.complaints, year))
    section = cf.Parts((cf.reconciliation(data, year), chart))  # a section, with a section inside
    assert section.tables and section.frame is section.tables[0].frame and section.png == chart.png
    path = section.to_excel(tmp_path / "section.xlsx")
    assert pd.ExcelFile(path).sheet_names == [re.sub(r"[\[\]:*?/\\]", " ", t.caption)[:31] for t in section.tables]
    back = pd.read_excel(path, index_col=0)
    assert back.shape == section.frame.shape
    assert section.tables[0].to_excel(tmp_path / "table.xlsx").exists()
    assert section.charts[0].save(tmp_path / "chart.png").read_bytes() == section.png
    for owner in (cf.Chart, cf.Table, cf.Parts):
        doc = inspect.getdoc(owner)
        assert ".png" in doc or ".frame" in doc, owner
    assert "to_excel" in inspect.getdoc(cf.Table) and "to_excel" in inspect.getdoc(cf.Parts)


def readme_examples() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Using the library", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 3
    return "\n".join(blocks)


@pytest.mark.parametrize("which", ["example", "other"])
def test_the_readme_examples_run(which, tmp_path, monkeypatch):
    folder = EXAMPLE if which == "example" else other_council(tmp_path / "data")
    if which == "example":
        shutil.copytree(EXAMPLE, tmp_path / "data", dirs_exist_ok=True)
    (tmp_path / "outputs").mkdir()
    monkeypatch.chdir(tmp_path)
    code = readme_examples().replace('cf.load_data("data/example")', f'cf.load_data("data", as_of="{AS_OF}")')
    assert folder.exists() and 'load_data("data"' in code
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 (the README's own examples)
    assert (tmp_path / "outputs" / "two_teams.png").read_bytes().startswith(b"\x89PNG")
    assert pd.ExcelFile(tmp_path / "outputs" / "stages.xlsx").sheet_names
    assert "times" in describe(namespace["result"]) or "ratio" in describe(namespace["result"])
