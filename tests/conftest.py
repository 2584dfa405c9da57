"""Shared fixtures: small data folders written the way real exports look."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "example"

COMPLAINT_HEADER = ["Ref", "Date Received", "Service Area", "Stage", "Procedure",
                    "Nature of complaint", "Outcome", "Date Responded"]


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8",
              title_rows: int = 0) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index in range(title_rows):
        writer.writerow([f"Title line {index + 1}"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def complaint(ref="C1", received="03/04/2019", team="Duty Team", stage="Stage 1",
              procedure="Statutory", category="Communication", outcome="Upheld", responded="10/04/2019"):
    return [ref, received, team, stage, procedure, category, outcome, responded]


@pytest.fixture
def complaints_dir(tmp_path):
    """A folder with a good three-row complaints.csv; tests overwrite rows as they need."""

    def make(rows=None, header=COMPLAINT_HEADER, **kwargs) -> Path:
        rows = rows if rows is not None else [complaint("C1"), complaint("C2"), complaint("C3")]
        write_csv(tmp_path / "complaints.csv", [header, *rows], **kwargs)
        return tmp_path

    return make


def pytest_collection_modifyitems(items):
    """Mark as slow every test that uses the built reports or calls ``run_reports`` itself.

    Modules that are wholly slow (notebooks, the runner, the browser) say so with
    ``pytestmark = pytest.mark.slow``, which pytest applies to each of their tests.
    """
    for item in items:
        code = getattr(getattr(item, "function", None), "__code__", None)
        if ("built_reports" in getattr(item, "fixturenames", ())
                or (code is not None and "run_reports" in code.co_names)):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every example year's reports, built once for the whole test session."""
    from cfanalysis.publish.run import run_reports

    out = tmp_path_factory.mktemp("outputs")
    runs = run_reports(None, data_dir=EXAMPLE, out_dir=out, progress=lambda line: None)
    return out, runs
