"""Run the report notebooks with papermill for each financial year and publish HTML and JSON.

For each year: validate the data first (no kernel starts on data that cannot be used), execute
each notebook into ``outputs/<year>/logs/``, convert it with our own nbconvert template (no
code, no printed output, no scripts) and write ``summary.json``. Files are written aside and
renamed into place, so a failed run never replaces the last good report.
"""

from __future__ import annotations

import html
import json
import math
import os
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import nbformat
import numpy as np

from .aggregate import annual_summary
from .io import Dataset, load_data
from .periods import parse_financial_year, previous_financial_year
from .team_change import all_team_tests

__all__ = ["REPORTS", "ReportError", "ReportRun", "run_reports", "write_index"]

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_NOTEBOOKS_DIR = PACKAGE_DIR.parent / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# Notebook stem -> title shown to readers.
REPORTS: dict[str, str] = {
    "01_monthly_counts": "Monthly complaints by team",
    "02_team_change": "Did the team's complaints really change?",
}


class ReportError(Exception):
    """A problem found before any notebook runs (bad parameters or unusable data)."""


@dataclass(frozen=True)
class ReportRun:
    """The outcome of one notebook for one year."""

    financial_year: str
    notebook: str
    ok: bool
    seconds: float
    html_path: Path | None
    executed_path: Path
    message: str = ""


def package_version() -> str:
    try:
        return metadata.version("cfanalysis")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str:
    """Short commit of the code that made the report, with '+changes' when the tree is dirty."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PACKAGE_DIR,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=PACKAGE_DIR, capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def check_years(years: list[str], data: Dataset) -> list[str]:
    """Validate year labels and that each has data; raise ReportError listing the years that do."""
    problems = []
    for year in years:
        try:
            parse_financial_year(year)
        except ValueError as error:
            problems.append(str(error))
            continue
        if year not in data.financial_years:
            available = ", ".join(data.financial_years) or "none"
            problems.append(f"There are no complaints for {year} in {data.report.data_dir}. "
                            f"Years with data: {available}.")
    if problems:
        raise ReportError("\n".join(problems))
    return years


def _export_html(executed: nbformat.NotebookNode, resources_cf: dict[str, Any]) -> str:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="cfreport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    # Parameter cells (ours and papermill's) are for analysts, not readers.
    remover = TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters", "remove"},
                                    enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(executed, resources={"cf": resources_cf})
    return body


def _write_aside(path: Path, text: str) -> None:
    """Write to a temporary name, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _failure_message(error: Exception) -> str:
    name = getattr(error, "ename", type(error).__name__)
    value = getattr(error, "evalue", str(error))
    return f"{name}: {value}".strip().splitlines()[0] if value else name


def run_notebook(stem: str, financial_year: str, *, data: Dataset, data_dir: Path, out_dir: Path,
                 notebooks_dir: Path, as_of: str | None, progress: Callable[[str], None]) -> ReportRun:
    """Execute one report notebook for one year and publish its HTML."""
    import papermill

    year_dir = out_dir / financial_year
    logs = year_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    executed_path = logs / f"{stem}.ipynb"
    parameters = {"financial_year": financial_year, "data_dir": str(data_dir.resolve()), "as_of": as_of}
    started = time.perf_counter()
    progress(f"{financial_year} {stem}: running")
    try:
        papermill.execute_notebook(str(notebooks_dir / f"{stem}.ipynb"), str(executed_path),
                                   parameters=parameters, cwd=str(notebooks_dir), progress_bar=False,
                                   log_output=False, kernel_name="python3")
    except Exception as error:  # noqa: BLE001 - any failure in a notebook is reported, not raised
        seconds = time.perf_counter() - started
        message = _failure_message(error)
        progress(f"{financial_year} {stem}: FAILED after {seconds:.1f} s: {message}")
        return ReportRun(financial_year, stem, False, seconds, None, executed_path, message)
    executed = nbformat.read(executed_path, as_version=4)
    resources_cf = {
        "title": REPORTS.get(stem, stem),
        "financial_year": financial_year,
        "synthetic": data.synthetic,
        "version": package_version(),
        "commit": git_commit(),
        "files": data.files,
        "parameters": {k: ("(none)" if v is None else v) for k, v in parameters.items()
                       if k != "data_dir"} | {"data folder": data_dir.name},
        "css": (TEMPLATES_DIR / "cfreport" / "report.css").read_text(encoding="utf-8"),
    }
    html_path = year_dir / f"{stem}.html"
    _write_aside(html_path, _export_html(executed, resources_cf))
    seconds = time.perf_counter() - started
    progress(f"{financial_year} {stem}: done in {seconds:.1f} s")
    return ReportRun(financial_year, stem, True, seconds, html_path, executed_path)


def write_summary(data: Dataset, financial_year: str, out_dir: Path) -> Path:
    """Write ``outputs/<year>/summary.json``: the year's headline figures and their provenance."""
    summary = annual_summary(data, financial_year)
    summary["team_tests"] = team_tests(data, financial_year)
    summary["provenance"] = {"cfanalysis_version": package_version(), "git_commit": git_commit(),
                             "input_files_sha256": data.files}
    path = out_dir / financial_year / "summary.json"
    _write_aside(path, json.dumps(_json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def team_tests(data: Dataset, financial_year: str) -> list[dict[str, Any]]:
    """Every team's headline test against the year before (empty when that year has no data)."""
    baseline = previous_financial_year(financial_year)
    if baseline not in data.financial_years:
        return []
    table = all_team_tests(data.complaints, financial_year, baseline_year=baseline)
    keys = ["team", "count", "baseline_count", "ratio", "ci_low", "ci_high", "pvalue", "method",
            "adjusted_pvalue"]
    return [{**{k: row[k] for k in keys}, "baseline_year": baseline,
             "significant": bool(row["pvalue"] < 0.05)} for _, row in table.iterrows()]


def _json_safe(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null (an infinite ratio means 'up from none')."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def write_index(out_dir: Path) -> Path:
    """``outputs/index.html`` linking every year's published reports."""
    sections = []
    for year_dir in sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()):
        links = "".join(
            f'<li><a href="{html.escape(year_dir.name)}/{html.escape(page.name)}">'
            f"{html.escape(REPORTS.get(page.stem, page.stem))}</a></li>"
            for page in sorted(year_dir.glob("*.html")))
        if links:
            sections.append(f"<h2>{html.escape(year_dir.name)}</h2><ul>{links}</ul>")
    css = (TEMPLATES_DIR / "cfreport" / "report.css").read_text(encoding="utf-8")
    page = ('<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
            f"<title>Complaints and feedback reports</title><style>{css}</style></head><body>"
            "<header><h1>Complaints and feedback reports</h1></header><main>"
            + ("".join(sections) or "<p>No reports have been built yet.</p>")
            + "</main></body></html>\n")
    path = out_dir / "index.html"
    _write_aside(path, page)
    return path


def run_reports(years: list[str] | None, *, data_dir: str | Path, out_dir: str | Path,
                notebooks_dir: str | Path | None = None, as_of: str | None = None,
                progress: Callable[[str], None] = print) -> list[ReportRun]:
    """Build every report for the given years (default: every year with complaints).

    Raises
    ------
    ReportError
        When the data cannot be used or a year is malformed or has no data; nothing runs then.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else DEFAULT_NOTEBOOKS_DIR
    data = load_data(data_dir, as_of=as_of)
    if not data.report.usable:
        raise ReportError("The data cannot be used yet:\n" + data.report.text())
    years = check_years(list(years) if years else data.financial_years, data)
    runs = []
    for year in years:
        write_summary(data, year, out_dir)
        for stem in REPORTS:
            runs.append(run_notebook(stem, year, data=data, data_dir=data_dir, out_dir=out_dir,
                                     notebooks_dir=notebooks_dir, as_of=as_of, progress=progress))
    write_index(out_dir)
    return runs
