"""Run many parameterised notebooks with papermill on a pool of warm kernels.

The plain tool chain starts a new kernel, re-imports pandas and matplotlib, and starts a new
``jupyter nbconvert`` for every notebook. Here each worker keeps one kernel for the whole run
(reset between notebooks with ``%reset -f``), so imports are paid once per worker, and the
workers run side by side. Kernels start with retries and are always shut down.

Failures are reported as an author sees the notebook: year > notebook > cell n of N (the
injected parameters cell not counted) > the section heading above it > the error line.
"""

from __future__ import annotations

import ast
import json
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Job", "JobResult", "KernelPool", "notebook_parameters", "parse_parameter_value", "project_kernel",
           "run_jobs"]

# The kernel ``make install`` installs into the venv ("Python (cfanalysis)"); notebooks name it.
PROJECT_KERNEL = "cfanalysis"

KERNEL_START_ATTEMPTS = 3
KERNEL_START_TIMEOUT = 60
CELL_TIMEOUT = 600
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RESET_CODE = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"


@dataclass(frozen=True)
class Job:
    """One notebook for one year: where it comes from, where it goes, its parameters."""

    label: str  # "2019-20 > 02_team_change"
    notebook: Path
    executed_path: Path
    log_path: Path
    parameters: dict[str, Any]


@dataclass
class JobResult:
    job: Job
    ok: bool
    seconds: float
    notebook: Any = None  # the executed notebook node when ok
    message: str = ""  # one line: where and what
    details: list[str] = field(default_factory=list)


def read_notebook_json(path: Path) -> dict:
    """A notebook file as plain JSON (quicker than nbformat when only reading cells)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and default values of the cell tagged ``parameters`` (literals only)."""
    for cell in read_notebook_json(path)["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            found = {}
            for node in ast.parse("".join(cell["source"])).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        found[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        found[node.targets[0].id] = None
            return found
    return {}


def project_kernel() -> str:
    """The project's kernel if it is installed (``make install`` does), else the default ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(PROJECT_KERNEL)
        return PROJECT_KERNEL
    except NoSuchKernel:
        return "python3"


def parse_parameter_value(name: str, text: str, default: Any) -> Any:
    """Turn ``--param name=text`` into the type of the notebook's default; ValueError if it cannot."""
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError(f"Parameter {name} takes true or false, not {text!r}.")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"Parameter {name} takes a whole number, not {text!r}.") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"Parameter {name} takes a number such as 0.95, not {text!r}.") from None
    if default is None and text.strip().lower() in ("none", ""):
        return None
    return text


class _WarmKernel:
    """One kernel kept for many notebooks; started with retries, always shut down."""

    def __init__(self, kernel_name: str, stderr_path: Path, warm_up: str = ""):
        self.kernel_name = kernel_name
        self.stderr_path = stderr_path
        self.warm_up = warm_up
        self.km = None
        self.used = False

    def start(self) -> None:
        from jupyter_client.manager import KernelManager

        error: Exception | None = None
        for _attempt in range(KERNEL_START_ATTEMPTS):
            km = KernelManager(kernel_name=self.kernel_name)
            try:
                self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.stderr_path, "ab") as stderr:
                    km.start_kernel(stderr=stderr, stdout=stderr)
                client = km.client()
                client.start_channels()
                client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
                if self.warm_up:  # pay for the heavy imports once per kernel, not per notebook
                    client.execute_interactive(self.warm_up, timeout=120, store_history=False,
                                               output_hook=lambda message: None)
                client.stop_channels()
                self.km = km
                self.used = False
                return
            except Exception as failure:  # noqa: BLE001 - retried, then reported
                error = failure
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
        raise RuntimeError(f"The Python kernel did not start after {KERNEL_START_ATTEMPTS} attempts: {error}")

    def reset(self) -> None:
        """Clear every name from the last notebook so the next starts clean."""
        if self.km is None or not self.km.is_alive():
            self.shutdown()
            self.start()
            return
        if not self.used:
            self.used = True  # a fresh kernel has nothing to clear
            return
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
            client.execute_interactive(_RESET_CODE, timeout=60, store_history=False,
                                       output_hook=lambda message: None)
        finally:
            client.stop_channels()

    def shutdown(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=False)
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutting down
                pass
            self.km = None


def _engine_class():
    """A papermill engine that reports cell progress and runs in a given kernel manager."""
    from papermill.engines import NBClientEngine

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            on_cell = kwargs.pop("on_cell", None)
            if on_cell is not None:
                original = nb_man.cell_start

                def cell_start(cell, cell_index=None, **more):
                    on_cell(cell_index)
                    return original(cell, cell_index, **more)

                nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    return ProgressEngine


def _author_position(source, executed_index: int) -> tuple[int, int, str]:
    """Cell number (1-based) and count in the author's notebook, and the heading above the cell.

    ``executed_index`` counts the cell papermill injects after the parameters cell; the author's
    notebook does not have it.
    """
    parameters_at = next((i for i, c in enumerate(source.cells)
                          if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    position = executed_index - (1 if parameters_at is not None and executed_index > parameters_at + 1 else 0)
    heading = ""
    for cell in source.cells[:position][::-1]:
        if cell.cell_type == "markdown":
            lines = [line for line in cell.source.splitlines() if line.startswith("#")]
            if lines:
                heading = lines[-1].lstrip("#").strip()
                break
    return position + 1, len(source.cells), heading


_ENGINE_LOCK = threading.Lock()


def _register_engine() -> None:
    from papermill.engines import papermill_engines

    with _ENGINE_LOCK:
        if "cfanalysis" not in papermill_engines._engines:
            papermill_engines.register("cfanalysis", _engine_class())


Guard = Callable[[str, str], None]  # (text, where) -> raises when the text must not be written


def _cell_progress(job: Job, source, progress: Callable[[str], None]) -> Callable[[int], None]:
    """Report 'running cell n of N' as the author numbers cells (papermill's injected cell skipped)."""
    total = len(source.cells)
    injected_at = next((i + 1 for i, c in enumerate(source.cells)
                        if "parameters" in c.get("metadata", {}).get("tags", [])), 0)

    def on_cell(index):
        shown = index + 1 - (1 if injected_at and index >= injected_at else 0)
        if injected_at and index == injected_at:
            return  # the injected parameters cell is not the author's
        progress(f"{job.label}: running cell {shown} of {total}")

    return on_cell


def _execute(job: Job, kernel: _WarmKernel, source, scratch_path: Path, on_cell, started: float):
    """Run the notebook with papermill; (executed notebook, failure or None, log lines)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        kernel.reset()
        executed = papermill.execute_notebook(
            str(job.notebook), str(scratch_path), parameters=job.parameters, engine_name="cfanalysis",
            kernel_name=kernel.kernel_name, km=kernel.km, progress_bar=False, log_output=False,
            execution_timeout=CELL_TIMEOUT, on_cell=on_cell,
            # Written once at the end (or on failure), not after every cell: the reports carry
            # large images and re-serialising them cell by cell costs seconds.
            request_save_on_cell_execute=False)
        return executed, None, []
    except PapermillExecutionError as error:
        number, count, heading = _author_position(source, error.cell_index)
        line = f"{error.ename}: {str(error.evalue).strip().splitlines()[0] if error.evalue else ''}".strip(": ")
        where = f"{job.label} > cell {number} of {count}" + (f" > '{heading}'" if heading else "")
        traceback = _ANSI.sub("", "\n".join(error.traceback))
        failure = JobResult(job, False, time.perf_counter() - started, message=f"{where} > {line}",
                            details=[f"executed notebook: {job.executed_path}", f"log: {job.log_path}"])
        return None, failure, ["FAILED", where, line, "", traceback]
    except Exception as error:  # noqa: BLE001 - kernel death, timeouts: reported, never raised
        kernel.shutdown()  # start afresh for the next notebook
        line = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        failure = JobResult(job, False, time.perf_counter() - started, message=f"{job.label} > {line}",
                            details=[f"log: {job.log_path}"])
        return None, failure, ["FAILED", job.label, line]


def _run_one(job: Job, kernel: _WarmKernel, progress: Callable[[str], None], guard: Guard | None) -> JobResult:
    import nbformat

    _register_engine()
    started = time.perf_counter()
    source = nbformat.read(job.notebook, as_version=4)
    job.executed_path.parent.mkdir(parents=True, exist_ok=True)
    # Papermill writes as it goes; it writes outside outputs/ and the notebook is moved in only
    # after the guard has read it, so nothing unchecked ever lands there.
    with tempfile.TemporaryDirectory(prefix="cfanalysis-") as scratch:
        scratch_path = Path(scratch) / job.executed_path.name
        executed, failure, log_lines = _execute(job, kernel, source, scratch_path,
                                                _cell_progress(job, source, progress), started)
        if scratch_path.exists():
            text = scratch_path.read_text(encoding="utf-8")
            try:
                if guard is not None:
                    guard(text, f"{job.label} (executed notebook)")
                    if failure is not None:
                        guard("\n".join(log_lines), f"{job.label} (log)")
            except Exception as refused:  # noqa: BLE001 - the guard's refusal is the failure
                _write_log(job, ["FAILED", str(refused)])
                return JobResult(job, False, time.perf_counter() - started, message=f"{job.label} > {refused}",
                                 details=[f"log: {job.log_path}"])
            shutil.move(str(scratch_path), str(job.executed_path))
    if failure is not None:
        _write_log(job, log_lines)
        return failure
    seconds = time.perf_counter() - started
    _write_log(job, [f"ok: {len(source.cells)} cells in {seconds:.1f} s"])
    return JobResult(job, True, seconds, notebook=executed)


def _write_log(job: Job, lines: list[str]) -> None:
    job.log_path.parent.mkdir(parents=True, exist_ok=True)
    header = [f"notebook: {job.notebook.name}", f"parameters: {job.parameters}", ""]
    job.log_path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


@dataclass
class _Run:
    """What the workers of one run share: the queue of jobs, the results, the callbacks.

    The queue is filled once the jobs are known; one ``None`` per worker then says "no more".
    """

    pending: queue.Queue
    progress: Callable[[str], None] = print
    on_result: Callable[[JobResult], None] = lambda result: None
    guard: Guard | None = None
    results: list[JobResult] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_job(self) -> Job | None:
        return self.pending.get()

    def record(self, result: JobResult) -> None:
        with self.lock:
            self.results.append(result)


def _worker(run: _Run, kernel: _WarmKernel) -> None:
    """Take jobs until told to stop, on one warm kernel; a kernel that cannot start fails them."""
    try:
        try:
            kernel.start()
        except RuntimeError as error:
            while (job := run.next_job()) is not None:
                result = JobResult(job, False, 0.0, message=f"{job.label} > {error}")
                run.record(result)
                run.on_result(result)
            return
        while (job := run.next_job()) is not None:
            run.progress(f"{job.label}: running")
            result = _run_one(job, kernel, run.progress, run.guard)
            try:
                run.on_result(result)
            except Exception as error:  # noqa: BLE001 - publishing failed: report it as a failure
                result = JobResult(job, False, result.seconds, message=f"{job.label} > publishing "
                                   f"the HTML failed: {type(error).__name__}: {error}")
            run.record(result)
            run.progress(f"{job.label}: done in {result.seconds:.1f} s" if result.ok
                         else f"{job.label}: FAILED: {result.message}")
    finally:
        kernel.shutdown()


class KernelPool:
    """``workers`` kernels that start (and import) at once, before the jobs are known.

    Start the pool, do other work (validate the data), then :meth:`run` the jobs, or
    :meth:`close` it if there is nothing to run: every kernel is shut down either way. The
    kernels' own logs are kept aside and moved to ``kernel_log`` only by :meth:`run`, so a
    refused run writes nothing.
    """

    def __init__(self, workers: int, *, kernel_log: Path, kernel_name: str = PROJECT_KERNEL, warm_up: str = ""):
        self.run_state = _Run(queue.Queue())
        self.kernel_log = kernel_log
        self.scratch = Path(tempfile.mkdtemp(prefix="cfanalysis-kernels-"))
        self.threads = [threading.Thread(target=_worker, daemon=True, args=(self.run_state, _WarmKernel(
            kernel_name, self.scratch / f"{kernel_log.stem}-{number}.log", warm_up)))
            for number in range(max(1, workers))]
        for thread in self.threads:
            thread.start()

    def run(self, jobs: list[Job], *, progress: Callable[[str], None], on_result: Callable[[JobResult], None],
            while_waiting: Callable[[], None] | None = None, guard: Guard | None = None) -> list[JobResult]:
        """Run every job on the pool's kernels, then shut them down; results in the jobs' order.

        ``on_result`` runs as each job finishes (e.g. export HTML); ``while_waiting`` runs in
        this thread meanwhile (other work that can overlap the notebooks).
        """
        state = self.run_state
        state.progress, state.on_result, state.guard = progress, on_result, guard
        for job in jobs:
            progress(f"{job.label}: queued")
            state.pending.put(job)
        try:
            if while_waiting is not None:
                while_waiting()
        finally:
            self.close(keep_logs=True)
        order = {job.label: index for index, job in enumerate(jobs)}
        return sorted(state.results, key=lambda r: order[r.job.label])

    def close(self, *, keep_logs: bool = False) -> None:
        """No more jobs: each worker finishes its last, shuts its kernel down and stops."""
        for _ in self.threads:
            self.run_state.pending.put(None)
        for thread in self.threads:
            thread.join()
        if keep_logs:
            self.kernel_log.parent.mkdir(parents=True, exist_ok=True)
            for log in sorted(self.scratch.glob("*.log")):
                shutil.move(str(log), str(self.kernel_log.parent / log.name))
        shutil.rmtree(self.scratch, ignore_errors=True)


def run_jobs(jobs: list[Job], *, workers: int, progress: Callable[[str], None],
             on_result: Callable[[JobResult], None], kernel_log: Path, kernel_name: str = PROJECT_KERNEL,
             warm_up: str = "", while_waiting: Callable[[], None] | None = None,
             guard: Guard | None = None) -> list[JobResult]:
    """Run every job on ``workers`` warm kernels (a :class:`KernelPool` started for them).

    ``warm_up`` is code each kernel runs once after starting (imports); see :meth:`KernelPool.run`.
    """
    pool = KernelPool(min(workers, len(jobs)), kernel_log=kernel_log, kernel_name=kernel_name, warm_up=warm_up)
    return pool.run(jobs, progress=progress, on_result=on_result, while_waiting=while_waiting, guard=guard)
