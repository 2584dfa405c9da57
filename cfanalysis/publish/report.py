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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from cfanalysis.data.loader import Dataset, load_data
from cfanalysis.periods import parse_financial_year, previous_financial_year
from cfanalysis.publish.protect import PersonalDataError, PersonalDataGuard
from cfanalysis.publish.kernels import (
    Job,
    JobResult,
    notebook_parameters,
    parse_parameter_value,
    read_notebook_json,
    run_jobs,
)

# nbconvert, the statistics and numpy are imported inside the functions that use them, after
# the inputs are checked, so a bad command line answers at once.

__all__ = ["ReportError", "ReportRun", "run_reports", "write_index", "write_summary"]

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_NOTEBOOKS_DIR = PACKAGE_DIR.parents[1] / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


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
    details: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def package_version() -> str:
    try:
        return metadata.version("cfanalysis")
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def git_commit() -> str:
    """Short commit of the code that made the report, with '+changes' when the tree is dirty.

    Asked once per process: every report and summary of a run carries the same answer.
    """
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


def _export_html(executed, resources_cf: dict[str, Any]) -> str:
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


def report_notebooks(notebooks_dir: Path) -> list[Path]:
    """The report notebooks: ``NN_name.ipynb`` files in the notebooks folder, in number order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if p.name[:2].isdigit())


def notebook_title(path: Path) -> str:
    """The notebook's first level-one heading, else its name."""
    for cell in read_notebook_json(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


# What the report notebooks import, loaded once per kernel before the first notebook.
KERNEL_WARM_UP = ("import matplotlib.pyplot, seaborn, statsmodels.api, scipy.stats\n"
                  "import cfanalysis.data.loader, cfanalysis.plots, cfanalysis.publish.display\n"
                  "import cfanalysis.publish.team\n")
RUNNER_PARAMETERS = {"financial_year": "--year", "data_dir": "--data", "as_of": "--as-of",
                     "outputs_dir": "--out"}


def check_parameters(given: dict[str, str], notebooks: list[Path]) -> dict[Path, dict[str, Any]]:
    """Typed parameters for each notebook from ``--param name=value``; ReportError if any is wrong."""
    declared = {path: notebook_parameters(path) for path in notebooks}
    known = sorted({name for names in declared.values() for name in names} - set(RUNNER_PARAMETERS))
    problems = []
    for name in given:
        if name in RUNNER_PARAMETERS:
            problems.append(f"Set {name} with {RUNNER_PARAMETERS[name]}, not --param.")
        elif name not in known:
            problems.append(f"Unknown parameter {name!r}. The report notebooks take: {', '.join(known)}.")
    typed: dict[Path, dict[str, Any]] = {path: {} for path in notebooks}
    for path, names in declared.items():
        for name, text in given.items():
            if name in names and name not in RUNNER_PARAMETERS:
                try:
                    typed[path][name] = parse_parameter_value(name, text, names[name])
                except ValueError as error:
                    problems.append(str(error))
    if problems:
        raise ReportError("\n".join(dict.fromkeys(problems)))
    return typed


def _publish(result: JobResult, data: Dataset, title: str, financial_year: str, data_dir: Path,
             guard: PersonalDataGuard) -> None:
    """Convert an executed notebook to HTML beside the logs folder (write aside, then rename)."""
    if not result.ok:
        return
    parameters = {k: ("(none)" if v is None else v) for k, v in result.job.parameters.items()
                  if k != "data_dir"} | {"data folder": data_dir.name}
    resources_cf = {
        "title": title, "financial_year": financial_year, "synthetic": data.synthetic,
        "version": package_version(), "commit": git_commit(), "files": data.files,
        "parameters": parameters,
        "css": (TEMPLATES_DIR / "cfreport" / "report.css").read_text(encoding="utf-8"),
    }
    html_path = result.job.executed_path.parent.parent / f"{result.job.notebook.stem}.html"
    page = _export_html(result.notebook, resources_cf)
    guard.check(page, where=str(html_path))
    _write_aside(html_path, page)


def write_tables(data: Dataset, financial_year: str, out_dir: Path, *, suppress_below: int = 0,
                 guard: PersonalDataGuard | None = None) -> list[Path]:
    """The annual report's tables as CSV for Excel users, suppressed and safe to open."""
    from cfanalysis.analysis.annual import annual_tables
    from cfanalysis.publish.protect import safe_csv_text, suppress

    if previous_financial_year(financial_year) not in data.financial_years:
        return []
    written = []
    for name, table in annual_tables(data, financial_year).items():
        if name.startswith("timeliness"):
            shown = table  # shares and medians; counts there are per stage and team
            if suppress_below:
                counts = [c for c in shown.columns if c in ("Complaints", "With a response date", "Within timescale",
                                                              "Within extended timescale")]
                shown = shown.copy()
                small = shown[counts].lt(suppress_below).any(axis=1)
                shown[counts] = suppress(shown[counts], suppress_below)
                for column in ("Share within timescale", "Share within extended", "Median working days"):
                    shown[column] = shown[column].astype(object)
                shown.loc[small, ["Share within timescale", "Share within extended", "Median working days"]] = \
                    f"not shown (fewer than {suppress_below})"
            text = safe_csv_text(shown, index=False)
        else:
            shown = suppress(table, suppress_below, total_row="Total" if "Total" in table.index else None,
                             total_column="Total" if "Total" in table.columns else None)
            text = safe_csv_text(shown)
        path = out_dir / financial_year / "tables" / f"{name}.csv"
        if guard is not None:
            guard.check(text, where=str(path))
        _write_aside(path, text)
        written.append(path)
    return written


def write_summary(data: Dataset, financial_year: str, out_dir: Path, *,
                  guard: PersonalDataGuard | None = None) -> Path:
    """Write ``outputs/<year>/summary.json``: the year's headline figures and their provenance."""
    from cfanalysis.analysis.counts import annual_summary
    from cfanalysis.analysis.annual import summary_figures

    summary = annual_summary(data, financial_year)
    summary.update(summary_figures(data, financial_year))
    summary["team_tests"] = team_tests(data, financial_year)
    summary["provenance"] = {"cfanalysis_version": package_version(), "git_commit": git_commit(),
                             "input_files_sha256": data.files}
    path = out_dir / financial_year / "summary.json"
    text = json.dumps(_json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if guard is not None:
        guard.check(text, where=str(path))
    _write_aside(path, text)
    return path


def team_tests(data: Dataset, financial_year: str) -> list[dict[str, Any]]:
    """Every team's headline test against the year before (empty when that year has no data)."""
    baseline = previous_financial_year(financial_year)
    if baseline not in data.financial_years:
        return []
    from cfanalysis.analysis.teams import all_team_tests

    table = all_team_tests(data.complaints, financial_year, baseline_year=baseline)
    keys = ["team", "count", "baseline_count", "ratio", "ci_low", "ci_high", "pvalue", "method",
            "adjusted_pvalue"]
    return [{**{k: row[k] for k in keys}, "baseline_year": baseline,
             "significant": bool(row["pvalue"] < 0.05)} for _, row in table.iterrows()]


def _json_safe(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null (an infinite ratio means 'up from none')."""
    import numpy as np

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
    titles = {path.stem: notebook_title(path) for path in report_notebooks(DEFAULT_NOTEBOOKS_DIR)}
    sections = []
    for year_dir in sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()):
        links = "".join(
            f'<li><a href="{html.escape(year_dir.name)}/{html.escape(page.name)}">'
            f"{html.escape(titles.get(page.stem, page.stem))}</a></li>"
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


def _while_kernels_start(data: Dataset, years: list[str], out_dir: Path, suppress_below: int,
                         guard: PersonalDataGuard) -> None:
    """Work that overlaps the kernels' start: summaries, CSV tables, loading the HTML exporter."""
    for year in years:
        write_summary(data, year, out_dir, guard=guard)
        write_tables(data, year, out_dir, suppress_below=suppress_below, guard=guard)
    import nbconvert  # noqa: F401 - first use is costly; pay it while the kernels warm up


def run_reports(years: list[str] | None, *, data_dir: str | Path, out_dir: str | Path,
                notebooks_dir: str | Path | None = None, parameters: dict[str, str] | None = None,
                jobs: int | None = None, as_of: str | None = None,
                progress: Callable[[str], None] = print) -> list[ReportRun]:
    """Build every report notebook for the given years (default: every year with complaints).

    Everything is checked before a kernel starts: the data are loaded and validated, the years
    must be "2019-20"-style and have data, and ``parameters`` (``--param name=value``) must be
    declared by a report notebook and fit its type. Notebooks then run on ``jobs`` warm kernels
    (default: one per core). A failed notebook publishes no HTML (the last good one stays) and
    the other notebooks and years carry on.

    Raises
    ------
    ReportError
        When anything is wrong before the run; nothing runs then.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else DEFAULT_NOTEBOOKS_DIR
    notebooks = report_notebooks(notebooks_dir)
    if not notebooks:
        raise ReportError(f"No report notebooks (01_*.ipynb, ...) in {notebooks_dir}.")
    typed = check_parameters(parameters or {}, notebooks)
    if jobs is not None and jobs < 1:
        raise ReportError(f"--jobs must be 1 or more, not {jobs}.")
    data = load_data(data_dir, as_of=as_of)
    if not data.report.usable:
        raise ReportError("The data cannot be used yet:\n" + data.report.text())
    years = check_years(list(dict.fromkeys(years)) if years else data.financial_years, data)

    guard = PersonalDataGuard.from_data_dir(data_dir)
    suppress_below = next((typed[p]["suppress_below"] for p in notebooks if "suppress_below" in typed[p]), 0)
    titles = {path: notebook_title(path) for path in notebooks}
    queue = []
    for year in years:
        for path in notebooks:
            logs = out_dir / year / "logs"
            queue.append(Job(label=f"{year} > {path.stem}", notebook=path,
                             executed_path=logs / path.name, log_path=logs / f"{path.stem}.log",
                             parameters={"financial_year": year, "data_dir": str(data_dir.resolve()),
                                         "as_of": as_of, **typed[path],
                                         **({"outputs_dir": str(out_dir.resolve())}
                                            if "outputs_dir" in notebook_parameters(path) else {})}))
    year_of = {job.label: job.parameters["financial_year"] for job in queue}
    # Longest first: the later notebooks do more, so start them before the quick ones.
    queue.sort(key=lambda job: job.notebook.name, reverse=True)
    refused: list[str] = []

    def side_work() -> None:
        try:
            _while_kernels_start(data, years, out_dir, suppress_below, guard)
        except PersonalDataError as error:
            refused.append(str(error))

    results = run_jobs(
        queue, workers=jobs or os.cpu_count() or 1, progress=progress, kernel_log=out_dir / "logs" / "kernel.log",
        on_result=lambda r: _publish(r, data, titles[r.job.notebook], year_of[r.job.label], data_dir, guard),
        warm_up=KERNEL_WARM_UP, guard=lambda text, where: guard.check(text, where=where),
        while_waiting=side_work)
    write_index(out_dir)
    if refused:
        raise ReportError("Stopped to protect personal data: " + refused[0])
    results = sorted(results, key=lambda r: (year_of[r.job.label], r.job.notebook.name))
    return [ReportRun(financial_year=year_of[r.job.label], notebook=r.job.notebook.stem, ok=r.ok,
                      seconds=r.seconds,
                      html_path=(r.job.executed_path.parent.parent / f"{r.job.notebook.stem}.html") if r.ok else None,
                      executed_path=r.job.executed_path, message=r.message, details=tuple(r.details))
            for r in results]
