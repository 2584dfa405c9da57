"""Read once, hand on: the runner's loaded Dataset reaches the notebooks' ``load_data`` only for
the same question (folder, date, unchanged files), and the personal-data guard needs no second read."""

import shutil

import nbformat
import pandas as pd
import pytest

from cfanalysis.data.loader import load_data
from cfanalysis.data.snapshot import SNAPSHOT_ENV, handed_on, write_snapshot
from cfanalysis.publish.guard import PersonalDataGuard
from cfanalysis.publish.kernels import _author_position, _injected_at, inject_parameters
from tests.conftest import COMPLAINT_HEADER, EXAMPLE, complaint, write_csv

AS_OF = "2026-01-01"


@pytest.fixture
def other_council(tmp_path):
    """A differently shaped council: its own teams, headers with a title row, a notes column."""
    folder = tmp_path / "council"
    folder.mkdir()
    header = [*COMPLAINT_HEADER, "Case Notes"]
    rows = [[*complaint(f"R{i}", received=f"{1 + i % 28:02d}/0{4 + i % 5}/2021", team=team,
                        responded=f"{1 + i % 28:02d}/1{i % 2}/2021"), f"Spoke to Ms Quinlan-Fairweather {i}"]
            for i, team in enumerate(["Front Door", "Adoption", "Front Door", "Youth Justice"] * 3)]
    write_csv(folder / "complaints.csv", [header, *rows], title_rows=1)
    return folder


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    def make(folder, as_of=AS_OF):
        data = load_data(folder, as_of=as_of)
        path = write_snapshot(data, tmp_path / "dataset.pickle", as_of=as_of)
        monkeypatch.setenv(SNAPSHOT_ENV, str(path))
        return data

    return make


def test_the_notebooks_load_returns_the_runners_dataset_with_the_same_checksums(other_council, snapshot):
    loaded = snapshot(other_council)
    handed = load_data(other_council, as_of=AS_OF)
    assert handed.files == loaded.files and len(handed.files) == 1
    pd.testing.assert_frame_equal(handed.complaints, loaded.complaints)
    assert handed.report.text() == loaded.report.text()
    assert handed.report.rows_read == 12 and sorted(handed.complaints["team"].unique()) == [
        "Adoption", "Front Door", "Youth Justice"]


def test_the_snapshot_holds_no_raw_values_for_the_guard(other_council, snapshot):
    snapshot(other_council)
    handed = handed_on(other_council, AS_OF, None)
    assert handed is not None
    assert all(load.guarded_values is None for load in handed.report.tables.values())


def test_another_folder_date_or_a_changed_file_is_read_afresh(other_council, snapshot, tmp_path):
    snapshot(other_council)
    assert handed_on(other_council, "2025-06-30", None) is None  # another as_of
    assert handed_on(EXAMPLE, AS_OF, None) is None  # another folder
    copy = tmp_path / "copy"
    shutil.copytree(other_council, copy)
    assert handed_on(copy, AS_OF, None) is None
    with open(other_council / "complaints.csv", "ab") as handle:  # the file changed after the run read it
        handle.write(b"R99,03/05/2021,Adoption,Stage 1,Statutory,Communication,Upheld,10/05/2021,x\r\n")
    assert handed_on(other_council, AS_OF, None) is None
    assert load_data(other_council, as_of=AS_OF).report.rows_read == 13


def test_without_the_variable_the_files_are_read(other_council, monkeypatch):
    monkeypatch.delenv(SNAPSHOT_ENV, raising=False)
    assert handed_on(other_council, AS_OF, None) is None
    assert load_data(other_council, as_of=AS_OF).report.rows_read == 12


@pytest.mark.parametrize("folder", ["example", "other"])
def test_guard_from_the_loaders_values_equals_reading_the_files_again(folder, other_council):
    data_dir = EXAMPLE if folder == "example" else other_council
    data = load_data(data_dir, as_of=AS_OF)
    guard = PersonalDataGuard.from_dataset(data)
    assert guard.values == PersonalDataGuard.from_data_dir(data_dir).values
    if folder == "other":
        assert "Spoke to Ms Quinlan-Fairweather 3" in guard.values


def test_parameters_injected_after_the_parameters_cell_as_papermill_does():
    cells = [nbformat.v4.new_markdown_cell("# Report"), nbformat.v4.new_code_cell("year = '2019-20'"),
             nbformat.v4.new_markdown_cell("## Section"), nbformat.v4.new_code_cell("1 / 0")]
    cells[1].metadata["tags"] = ["parameters"]
    source = nbformat.v4.new_notebook(cells=cells)
    parameters = {"year": "2021-22", "limit": 3, "named": False, "team": None, "level": 0.9}
    executed = inject_parameters(source, parameters)
    assert len(source.cells) == 4  # the author's notebook is not changed
    injected = executed.cells[2]
    assert injected.metadata["tags"] == ["injected-parameters"]
    namespace = {}
    exec(injected.source, namespace)  # noqa: S102 - the cell is ours
    assert {k: namespace[k] for k in parameters} == parameters
    # The failing cell, index 4 once injected, is the author's cell 4 of 4, under "Section".
    assert _author_position(source, 4, _injected_at(source, parameters)) == (4, 4, "Section")
    assert inject_parameters(executed, {"year": "x"}).cells[2].source.endswith("year = 'x'\n")  # replaced


def test_a_notebook_without_a_parameters_cell_gets_them_at_the_top():
    source = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(year)")])
    executed = inject_parameters(source, {"year": "2019-20"})
    assert executed.cells[0].metadata["tags"] == ["injected-parameters"]
    assert _author_position(source, 1, _injected_at(source, {"year": "2019-20"}))[:2] == (1, 1)
