"""Shared fixtures: small data folders written the way real exports look, and built reports.

Building reports runs notebooks (seconds each), so every test that needs built reports shares
one build per session instead of building its own. Use these fixtures (they are built the first
time a test asks for them, and a test that asks for one is marked slow automatically):

``built_reports``
    ``(out_dir, runs)``: every example year's reports, internal audience, default parameters.
    Read the pages, ``summary.json`` and the CSV tables from ``out_dir / "2019-20"``, etc.
``public_reports``
    ``(out_dir, runs)``: the same with ``audience="public"``.
``fostering_reports``
    ``(out_dir, runs)``: every example year with ``team`` and ``highlight`` set to
    ``Fostering`` (a team other than the example's story), for tests of the parameters.
``browser``
    One Chromium (through Playwright) for the whole session; skips without Chromium, fails
    under CI=true.

Build your own only when a test needs other data or notebooks (then keep it to one year and
say why). Never copy a fixture's folder and change it: the build is shared.
"""

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


BUILT = ("built_reports", "public_reports", "fostering_reports", "browser")  # fixtures that make a test slow


def pytest_collection_modifyitems(items):
    """Mark as slow every test that uses the built reports or calls ``run_reports`` itself.

    Modules that are wholly slow (notebooks, the runner, the browser) say so with
    ``pytestmark = pytest.mark.slow``, which pytest applies to each of their tests.
    """
    for item in items:
        code = getattr(getattr(item, "function", None), "__code__", None)
        if (set(BUILT) & set(getattr(item, "fixturenames", ()))
                or (code is not None and "run_reports" in code.co_names)):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _build(tmp_path_factory, name: str, **options):
    from cfanalysis.publish.run import run_reports

    out = tmp_path_factory.mktemp(name)
    runs = run_reports(None, data_dir=EXAMPLE, out_dir=out, progress=lambda line: None, **options)
    return out, runs


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every example year's reports, built once for the whole test session."""
    return _build(tmp_path_factory, "outputs")


@pytest.fixture(scope="session")
def public_reports(tmp_path_factory):
    """Every example year's reports for the public audience, built once for the session."""
    return _build(tmp_path_factory, "public", audience="public")


@pytest.fixture(scope="session")
def fostering_reports(tmp_path_factory):
    """Every example year's reports asked about Fostering (team and highlight), built once."""
    return _build(tmp_path_factory, "fostering", parameters={"team": "Fostering", "highlight": "Fostering"})


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session (the system's, no download)."""
    import os
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        message = ("Chromium is not installed, so the browser tests cannot run. Install it with "
                   "'sudo apt-get install -y chromium' (Debian/Ubuntu).")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
