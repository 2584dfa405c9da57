"""A report run: check everything first, then run the notebooks for each year and publish.

For each year: validate the data first (no kernel starts on data that cannot be used), work out
``summary.json`` and the CSV tables (:mod:`cfanalysis.publish.outputs`) and check them with the
personal-data guard, execute each notebook into ``outputs/<year>/logs/`` on warm kernels
(:mod:`cfanalysis.publish.kernels`) and convert it to HTML (:mod:`cfanalysis.publish.pages`),
checked too. Only when every output has passed the guard is anything written: a stop writes no
report, table, summary or index. Files are written aside and renamed into place, so a failed
run never replaces the last good report.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfanalysis.parameters import CfanalysisError, ParameterError, check_financial_year, check_team
from cfanalysis.publish.kernels import (
    Job,
    JobResult,
    KernelPool,
    notebook_parameters,
    parse_parameter_value,
    project_kernel,
)
from cfanalysis.publish.pages import (
    DEFAULT_NOTEBOOKS_DIR,
    export_html,
    notebook_title,
    report_notebooks,
    stylesheet,
    write_index,
)
from cfanalysis.publish.provenance import git_commit, package_version

if TYPE_CHECKING:
    from cfanalysis.data.loader import Dataset
    from cfanalysis.publish.disclosure import DisclosurePolicy, Ledger
    from cfanalysis.publish.guard import PersonalDataGuard

# pandas, the loader, nbconvert and the statistics are imported inside the functions that use
# them: a bad command line answers at once, and the kernels start before the main process
# spends seconds importing (they import the same in parallel).

__all__ = ["PersonalDataStop", "ReportError", "ReportRun", "check_commentary", "check_events", "checked_outputs",
           "run_reports"]

# What the report notebooks import, loaded by each kernel before its notebook (while the main
# process validates the data, or while the notebook before runs). Modules only: no name is left
# in the notebook's namespace, so a notebook that forgets an import fails here as in JupyterLab.
KERNEL_WARM_UP_MODULES = ("matplotlib.pyplot", "scipy.stats", "statsmodels.stats.rates",
                          "statsmodels.genmod.generalized_linear_model", "cfanalysis.data.loader",
                          "cfanalysis.plots", "cfanalysis.publish.display", "cfanalysis.publish.team",
                          "cfanalysis.publish.annual", "cfanalysis.publish.monthly", "cfanalysis.publish.events")
KERNEL_WARM_UP = ("import importlib as _importlib\n"
                  f"for _module in {KERNEL_WARM_UP_MODULES!r}:\n    _importlib.import_module(_module)\n"
                  "_importlib.import_module('cfanalysis.periods').bank_holidays()\n"
                  "del _importlib, _module\n")
RUNNER_PARAMETERS = {"financial_year": "--year", "data_dir": "--data", "as_of": "--as-of", "audience": "--audience"}
# Who a run is for. "public" hides every count below PUBLIC_SUPPRESS_BELOW in everything it
# writes and leaves out the notebooks' cells tagged "internal"; "internal" shows counts in full
# and says in every page's banner that it is not for publication.
AUDIENCES = ("internal", "public")
PUBLIC_SUPPRESS_BELOW = 5


class ReportError(CfanalysisError):
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


def check_years(years: list[str], data: Dataset) -> list[str]:
    """Years as "2019-20", each with data; ReportError listing the years that have data.

    The same check as the library's entry points (:func:`cfanalysis.parameters.check_financial_year`):
    "2019/20" and "2019-2020" mean "2019-20".
    """
    problems, checked = [], []
    for year in years:
        try:
            checked.append(check_financial_year(year, data.financial_years, where=str(data.report.data_dir),
                                                parameter="--year"))
        except ParameterError as error:
            problems.append(str(error))
    if problems:
        raise ReportError("\n".join(problems))
    return list(dict.fromkeys(checked))


def check_teams(typed: dict[Path, dict[str, Any]], data: Dataset) -> None:
    """ReportError, once, when ``--param team=...`` names a team with no complaints."""
    teams = {parameters["team"] for parameters in typed.values() if "team" in parameters}
    problems = []
    for team in sorted(teams):
        try:
            check_team(team, data.complaints["team"].dropna())
        except ParameterError as error:
            problems.append(str(error))
    if problems:
        raise ReportError("\n".join(problems))


def check_parameters(given: dict[str, str], notebooks: list[Path]) -> dict[Path, dict[str, Any]]:
    """Typed parameters for each notebook from ``--param name=value``; ReportError if any is wrong."""
    declared = {path: notebook_parameters(path) for path in notebooks}
    known = sorted({name for names in declared.values() for name in names} - set(RUNNER_PARAMETERS))
    problems = []
    given = _renamed(dict(given), known, problems)
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
    for parameters in typed.values():
        if parameters.get("named_in_advance") and parameters.get("team") is None:
            problems.append("named_in_advance=true needs --param team=...: name the team that was named before "
                            "the data were seen. Without a team the reports look at the team whose complaints "
                            "rose most, which is never named in advance.")
    if problems:
        raise ReportError("\n".join(dict.fromkeys(problems)))
    return typed


# Parameters with an old name still accepted: old name -> the one every notebook now uses.
RENAMED_PARAMETERS = {"highlight": "team"}


def _renamed(given: dict[str, str], known: list[str], problems: list[str]) -> dict[str, str]:
    """``--param highlight=X`` (01's old name for the team drawn in colour) means ``team=X``."""
    for old, new in RENAMED_PARAMETERS.items():
        if old in given and old not in known and new in known:
            value = given.pop(old)
            if given.setdefault(new, value) != value:
                problems.append(f"{old} is the old name of {new}; give {new} only (here {old}={value!r} and "
                                f"{new}={given[new]!r}).")
    return given


def check_events(typed: dict[Path, dict[str, Any]], data: Dataset) -> None:
    """An ``event`` parameter must name an event in events.csv; ReportError lists them if not."""
    from cfanalysis.data.events import find_event

    for parameters in typed.values():
        if parameters.get("event") is not None:
            try:
                find_event(data.events, parameters["event"])
            except ValueError as error:
                raise ReportError(str(error)) from None


def check_commentary(data: Dataset, years: list[str], notebooks: list[Path], guard: PersonalDataGuard) -> None:
    """Every commentary heading names a report section and no commentary holds personal data;
    ReportError otherwise (before any notebook runs, so nothing is written). The sections are
    those of the notebooks run and of the standard reports, which commentary is written for."""
    from cfanalysis.publish.commentary import match_commentary, report_sections
    from cfanalysis.publish.guard import PersonalDataError

    sections = report_sections([*notebooks, *report_notebooks(DEFAULT_NOTEBOOKS_DIR)])
    problems = []
    for year in years:
        commentary = data.commentary.get(year) or {}
        try:
            match_commentary(commentary, sections)
            for heading, text in commentary.items():
                where = f"The commentary for {year} (section '{heading}')"
                guard.check(f"{heading}\n{text}", where=where)
                guard.check_words(f"{heading}\n{text}", where=where)
        except (ValueError, PersonalDataError) as error:
            problems.append(f"{year}: {error}")
    if problems:
        raise ReportError("\n".join(problems))


@dataclass(frozen=True)
class _Publication:
    """What every page of a run shares: who it is for, the data's date, the contact, the pages."""

    policy: DisclosurePolicy
    data_date: str
    contact: str
    titles: dict[str, str]  # notebook stem -> title, in number order


    @property
    def audience(self) -> str:
        return self.policy.audience


def logs_dir(out_dir: Path, audience: str) -> Path:
    """Where a run keeps its executed notebooks and logs: ``<out>/<year>/logs`` for an internal
    run; for a public one a sibling folder ``<out>-logs`` (they carry code, parameters and every
    count in full, so they never sit in the folder that is published)."""
    return out_dir if audience == "internal" else out_dir.parent / f"{out_dir.name}-logs"


def _html_path(out_dir: Path, job: Job) -> Path:
    return out_dir / job.parameters["financial_year"] / f"{job.notebook.stem}.html"


def take_records(notebook) -> Ledger:
    """The published numbers the executed notebook's outputs carry (removed from the outputs)."""
    from cfanalysis.publish.disclosure import Ledger
    from cfanalysis.publish.display import RECORD_MIME

    ledger = Ledger()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RECORD_MIME in data:
                ledger.extend(Ledger.from_json(data.pop(RECORD_MIME)))
    return ledger


def _publish(result: JobResult, data: Dataset, publication: _Publication, financial_year: str,
             data_dir: Path, guard: PersonalDataGuard, tables: Callable[[str], list[Path]], out_dir: Path,
             pending: dict[Path, str], ledger: Ledger | None = None) -> None:
    """Convert an executed notebook to HTML (and its appendix page), checked by the guard, into
    ``pending``, which the run writes once every output has passed; for a public run its published
    numbers go into ``ledger`` for the audit."""
    if not result.ok:
        return
    records = take_records(result.notebook)
    if ledger is not None:
        ledger.extend(records)
    parameters = {k: ("(none)" if v is None else v) for k, v in result.job.parameters.items()
                  if k != "data_dir"} | {"data folder": data_dir.name, "audience": publication.audience}
    stem = result.job.notebook.stem
    resources_cf = {
        "title": publication.titles[stem], "financial_year": financial_year, "synthetic": data.synthetic,
        "version": package_version(), "commit": git_commit(),
        "files": dict(sorted({**data.files, **data.commentary_files.get(financial_year, {})}.items())),
        "parameters": parameters, "css": stylesheet(), "audience": publication.audience,
        "suppress_below": publication.policy.threshold, "data_date": publication.data_date,
        "confidential": publication.policy.confidential_meaning() if publication.policy.threshold else "",
        "contact": publication.contact,
        "related": [(f"{other}.html", title) for other, title in publication.titles.items() if other != stem],
        "tables": [(f"tables/{path.name}", path.stem.replace("_", " ")) for path in tables(financial_year)],
    }
    html_path = _html_path(out_dir, result.job)
    from cfanalysis.publish.commentary import insert_commentary
    from cfanalysis.publish.pages import APPENDIX_TAG, appendix_notebook

    executed = insert_commentary(result.notebook, data.commentary.get(financial_year), financial_year)
    appendix = appendix_notebook(executed)
    pages = {html_path: (executed, resources_cf)}
    if appendix is not None:  # the data audit and checksums go to their own page, linked from the report
        appendix_path = html_path.with_name(f"{stem}_appendix.html")
        pages = {html_path: (executed, resources_cf | {"appendix": appendix_path.name}),
                 appendix_path: (appendix, resources_cf | {"title": f"{resources_cf['title']}: appendix",
                                                           "related": [(html_path.name, resources_cf["title"]),
                                                                       *resources_cf["related"]]})}
    for path, (notebook, resources) in pages.items():
        page = export_html(notebook, resources, drop_internal=publication.audience == "public",
                           drop_tags={APPENDIX_TAG} if path == html_path else set())
        guard.check(page, where=str(path))
        pending[path] = page


def data_date(data: Dataset, as_of: str | None) -> str:
    """The date the report's data stand at (:func:`cfanalysis.publish.sentences.data_date`, imported when used)."""
    from cfanalysis.publish.sentences import data_date as date_of

    return date_of(data, as_of)


def checked_outputs(data: Dataset, years: list[str], out_dir: Path, policy: DisclosurePolicy,
                    guard: PersonalDataGuard, *, as_at: str | None = None) -> dict[str, dict[Path, str]]:
    """Every year's ``summary.json`` and CSV tables (path -> text), masked by ``policy`` (their
    numbers registered with it) and all checked by the guard before any is written: a stop
    (:class:`PersonalDataError`) leaves nothing half written. The summary comes first, then the tables."""
    from cfanalysis.analysis.counts import new_complaints
    from cfanalysis.analysis.figures import annual_figures
    from cfanalysis.analysis.teams import all_team_tests
    from cfanalysis.analysis.years import compare_years
    from cfanalysis.publish.outputs import register_identities, summary_text, table_texts

    texts: dict[str, dict[Path, str]] = {}
    authority = (data.info or {}).get("authority")
    source = (f"The complaints, compliments and Ombudsman records of {authority}" if authority else
              "The council's complaints, compliments and Ombudsman records")
    when = as_at or data_date(data, data.as_of)
    for year in years:
        comparison = compare_years(data.complaints, year)
        figures = annual_figures(data, comparison)
        team_tests = (all_team_tests(new_complaints(data.complaints), comparison)
                      if comparison.has_baseline and not policy.public else None)
        year_texts = {f"{year}/summary.json": summary_text(figures, team_tests=team_tests, files=data.files,
                                                           policy=policy, data_date=when),
                      **table_texts(figures, policy, data_date=when, source=source)}
        register_identities(policy, figures)
        texts[year] = {out_dir / where: text for where, text in year_texts.items()}
        for path, text in texts[year].items():
            guard.check(text, where=str(path))
    return texts


def _while_kernels_start(data: Dataset, years: list[str], out_dir: Path, policy: DisclosurePolicy,
                         guard: PersonalDataGuard, pending: dict[Path, str],
                         as_at: str | None = None) -> dict[str, list[Path]]:
    """Work that overlaps the kernels' start: summaries, CSV tables, loading the HTML exporter.

    Nothing is written here: the texts wait in ``pending`` until every output of the run has
    passed the guard (and, for a public run, the audit). Returns each year's CSV tables (the
    reports link to them).
    """
    tables = {}
    for year, texts in checked_outputs(data, years, out_dir, policy, guard, as_at=as_at).items():
        pending.update(texts)
        tables[year] = [path for path in texts if path.suffix == ".csv"]
    import nbconvert  # noqa: F401 - first use is costly; pay it while the kernels warm up
    return tables


def _jobs(years: list[str], notebooks: list[Path], typed: dict[Path, dict[str, Any]], data_dir: Path,
          out_dir: Path, as_of: str | None, workers: int) -> list[Job]:
    """One job per year and notebook, each year's on a kernel of its own (a kernel group);
    ``out_dir``: where the logs go.

    A year is one group, so its notebooks share one fresh kernel and no kernel sees two years.
    With fewer years than workers a year's notebooks are dealt out over several groups (each a
    fresh kernel) so that every worker has some; longest notebooks first (the later notebooks
    do more, so they start before the quick ones).
    """
    longest_first = sorted(notebooks, key=lambda path: path.name, reverse=True)
    split = max(1, min(len(notebooks), -(-workers // max(1, len(years)))))  # groups per year
    queue = []
    for year in years:
        for number, path in enumerate(longest_first):
            logs = out_dir / year / "logs"
            queue.append(Job(label=f"{year} > {path.stem}", notebook=path,
                             executed_path=logs / path.name, log_path=logs / f"{path.stem}.log",
                             parameters={"financial_year": year, "data_dir": str(data_dir.resolve()),
                                         "as_of": as_of, **typed[path]},
                             kernel_group=f"{year}#{number % split}"))
    return queue


def _checked_command(notebooks_dir: Path, parameters, jobs, audience: str
                     ) -> tuple[list[Path], dict[Path, dict[str, Any]]]:
    """What can be checked before a kernel starts: the notebooks, ``--param``, ``--jobs`` and
    ``--audience`` (a public run sets ``suppress_below`` to at least 5 in every notebook that takes it)."""
    notebooks = report_notebooks(notebooks_dir)
    if not notebooks:
        raise ReportError(f"No report notebooks (01_*.ipynb, ...) in {notebooks_dir}.")
    if audience not in AUDIENCES:
        raise ReportError(f"--audience must be one of {', '.join(AUDIENCES)}, not {audience!r}.")
    typed = check_parameters(parameters or {}, notebooks)
    if jobs is not None and jobs < 1:
        raise ReportError(f"--jobs must be 1 or more, not {jobs}.")
    given = [p["suppress_below"] for p in typed.values() if "suppress_below" in p]
    if audience == "public" and any(value < PUBLIC_SUPPRESS_BELOW for value in given):
        raise ReportError(f"--audience public hides counts below {PUBLIC_SUPPRESS_BELOW}; "
                          f"suppress_below={min(given)} would show them. Leave it out.")
    if any(value < 0 for value in given):
        raise ReportError(f"suppress_below={min(given)} must be 0 (off) or a positive count such as 5.")
    for path in notebooks:
        if "audience" in notebook_parameters(path):
            typed[path]["audience"] = audience
    return notebooks, typed


def _check_year_spelling(years) -> None:
    """ReportError for a year not written as a financial year: answered before a kernel starts."""
    from cfanalysis.periods import parse_financial_year

    problems = []
    for year in years or []:
        try:
            parse_financial_year(year)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ReportError("\n".join(problems))


def _checked_data(years, data_dir: Path, typed, as_of) -> tuple[Dataset, list[str]]:
    """The data loaded and validated, the years and team checked (while the kernels start)."""
    from cfanalysis.data.loader import load_data

    data = load_data(data_dir, as_of=as_of)
    if not data.report.usable:
        raise ReportError("The data cannot be used yet:\n" + data.report.text())
    years = check_years(list(dict.fromkeys(years)) if years else data.financial_years, data)
    check_teams(typed, data)
    return data, years


def _start_pool(years, notebooks: list[Path], jobs: int | None, out_dir: Path, snapshot: Path) -> KernelPool:
    """Kernels for the run, started now so they import while the data are validated. Each is
    told where the run's loaded data will be (``snapshot``), so its notebook does not read the
    files again (:mod:`cfanalysis.data.snapshot`)."""
    from cfanalysis.data.snapshot import SNAPSHOT_ENV

    least_jobs = len(notebooks) * max(1, len(set(years or [])))
    workers = min(jobs or os.cpu_count() or 1, least_jobs)
    return KernelPool(workers, kernel_log=out_dir / "logs" / "kernel.log", kernel_name=project_kernel(),
                      warm_up=KERNEL_WARM_UP, env={SNAPSHOT_ENV: str(snapshot)})


def run_reports(years: list[str] | None, *, data_dir: str | Path, out_dir: str | Path,
                notebooks_dir: str | Path | None = None, parameters: dict[str, str] | None = None,
                jobs: int | None = None, as_of: str | None = None, audience: str = "internal",
                progress: Callable[[str], None] = print) -> list[ReportRun]:
    """Build every report notebook for the given years (default: every year with complaints).

    Everything is checked before a notebook runs: ``parameters`` (``--param name=value``) must
    be declared by a report notebook and fit its type; then, while ``jobs`` kernels (default:
    one per core) start and import, the data are loaded and validated, and the years must have
    data ("2019/20" means "2019-20") and a ``team`` parameter must name a team in the data. If
    anything is wrong the kernels are shut down and nothing runs. A failed notebook publishes
    no HTML (the last good one stays) and the other notebooks and years carry on.

    ``audience="public"`` builds one :class:`~cfanalysis.publish.disclosure.DisclosurePolicy` for
    the run (counts of people below 5, or below ``suppress_below`` where stricter, hidden in the
    HTML, the CSV tables and ``summary.json``, which then holds only the main figures), leaves out
    cells tagged ``internal``, keeps the executed notebooks and logs out of ``out_dir`` (in
    ``<out_dir>-logs``), and runs the attacker's audit (:mod:`cfanalysis.publish.audit`) over
    everything the run would publish, with the public outputs already in ``out_dir``, before
    anything is written: if a hidden count could be worked out, nothing is written.
    ``"internal"`` (the default) shows counts in full, marked not for publication.

    Raises
    ------
    ReportError
        When anything is wrong before the run; nothing runs then. (``DisclosureError``, a
        ReportError, when the audit refuses a public release.)
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else DEFAULT_NOTEBOOKS_DIR
    notebooks, typed = _checked_command(notebooks_dir, parameters, jobs, audience)
    handoff = Path(tempfile.mkdtemp(prefix="cfanalysis-data-"))  # private to this user (mode 700)
    try:
        return _run_checked(years, data_dir, out_dir, notebooks_dir, notebooks, typed, jobs, as_of, audience,
                            progress, handoff)
    finally:
        shutil.rmtree(handoff, ignore_errors=True)


def _run_checked(years, data_dir: Path, out_dir: Path, notebooks_dir: Path, notebooks: list[Path], typed,
                 jobs: int | None, as_of: str | None, audience: str, progress: Callable[[str], None],
                 handoff: Path) -> list[ReportRun]:
    """:func:`run_reports` once the command is checked: the data read once and handed on."""
    from cfanalysis.data.snapshot import write_snapshot
    from cfanalysis.publish.disclosure import disclosure_policy

    snapshot = handoff / "dataset.pickle"
    _check_year_spelling(years)  # a typo answers before any kernel starts or the data are read
    pool = _start_pool(years, notebooks, jobs, logs_dir(out_dir, audience), snapshot)
    try:
        data, years = _checked_data(years, data_dir, typed, as_of)
        from cfanalysis.publish.guard import PersonalDataGuard

        check_events(typed, data)
        guard = PersonalDataGuard.from_dataset(data)  # the raw values the loader kept: no second read
        check_commentary(data, years, notebooks, guard)
        from cfanalysis.publish.claims import claims_report

        for line in claims_report(data, years):  # for the analyst: the reports keep the officer's words
            progress(line)
        write_snapshot(data, snapshot, as_of=as_of)
    except BaseException:
        pool.close()
        raise
    suppress_below = next((typed[p]["suppress_below"] for p in notebooks if "suppress_below" in typed[p]), 0)
    publication = _Publication(policy=disclosure_policy(audience, suppress_below), data_date=data_date(data, as_of),
                               contact=str(data.info.get("contact") or ""),
                               titles={path.stem: notebook_title(path) for path in notebooks})
    try:
        results = _run_queue(pool, _jobs(years, notebooks, typed, data_dir, logs_dir(out_dir, audience), as_of,
                                         len(pool.threads)),
                             data, years, publication, data_dir, out_dir, progress, guard)
    except BaseException as error:  # a stop writes nothing, not even the index; a refused public run neither
        if audience == "internal" and not isinstance(error, PersonalDataStop):
            write_index(out_dir, notebooks_dir)
        raise
    from cfanalysis.publish.pdf import print_papers

    # The PDFs for the agenda pack, printed from the pages just written (before the index, which lists them).
    print_papers([_html_path(out_dir, r.job) for r in results if r.ok], progress=progress)
    write_index(out_dir, notebooks_dir)
    return [ReportRun(financial_year=r.job.parameters["financial_year"], notebook=r.job.notebook.stem, ok=r.ok,
                      seconds=r.seconds, html_path=_html_path(out_dir, r.job) if r.ok else None,
                      executed_path=r.job.executed_path, message=r.message, details=tuple(r.details))
            for r in results]


def _run_queue(pool: KernelPool, queue: list[Job], data: Dataset, years: list[str], publication: _Publication,
               data_dir: Path, out_dir: Path, progress: Callable[[str], None],
               guard: PersonalDataGuard) -> list[JobResult]:
    """Run the notebooks, then write their pages, the summaries and the CSV tables, all checked by
    the guard (and for a public run the audit), or, if the guard stopped any output, write none of
    them (:class:`PersonalDataStop`)."""
    from cfanalysis.publish.disclosure import Ledger
    from cfanalysis.publish.guard import PersonalDataError

    refused: list[str] = []
    written: dict[str, list[Path]] = {}
    tables_done = threading.Event()
    public = publication.policy.public
    pending: dict[Path, str] = {}  # written only once every output has passed the guard (and the audit)
    ledger = Ledger() if public else None

    def side_work() -> None:
        try:
            written.update(_while_kernels_start(data, years, out_dir, publication.policy, guard, pending,
                                                 publication.data_date))
        except PersonalDataError as error:
            refused.append(str(error))
        finally:
            tables_done.set()

    def tables(year: str) -> list[Path]:
        tables_done.wait()
        return written.get(year, [])

    def checked(text: str, where: str) -> None:
        try:
            guard.check(text, where=where)
        except PersonalDataError as error:
            refused.append(str(error))
            raise

    def publish(result: JobResult) -> None:
        try:
            _publish(result, data, publication, result.job.parameters["financial_year"], data_dir, guard, tables,
                     out_dir, pending, ledger)
        except PersonalDataError as error:
            refused.append(str(error))

    results = pool.run(queue, progress=progress, on_result=publish, guard=checked, while_waiting=side_work)
    if refused:
        raise PersonalDataStop("Stopped to protect personal data: " + refused[0] + " No report, table or "
                               "summary of this run was written (the last good ones are kept).")
    if public:
        _audit(ledger, publication.policy, out_dir, years, pending)
    from cfanalysis.publish.outputs import write_aside

    for path, text in pending.items():
        write_aside(path, text)
    return sorted(results, key=lambda r: (r.job.parameters["financial_year"], r.job.notebook.name))


class PersonalDataStop(ReportError):
    """The guard stopped the run: an output would have shown personal data; nothing was written."""


def _audit(ledger: Ledger, policy: DisclosurePolicy, out_dir: Path, years: list[str],
           pending: dict[Path, str] | None = None) -> None:
    """The attacker's audit of the whole public release (this run's documents, all its years, and
    the public outputs already in ``out_dir`` for other years, and the words of every ``pending``
    page and file); DisclosureError unless it passes."""
    from cfanalysis.publish.audit import check_release, folder_ledger

    ledger.extend(policy.ledger)  # the CSV tables and summaries, registered in this process
    earlier = folder_ledger(out_dir, skip_years=set(years)) if out_dir.exists() else None
    if earlier is not None:
        ledger.extend(earlier)
    texts = {str(path.relative_to(out_dir)) if path.is_relative_to(out_dir) else str(path): text
             for path, text in (pending or {}).items()}
    check_release(ledger, policy, texts)
