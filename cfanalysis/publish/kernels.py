"""Run many parameterised notebooks on a pool of warm kernels (nbclient and jupyter_client).

The plain tool chain (papermill, then ``jupyter nbconvert``) starts a new kernel and a new
process for every notebook and waits while each imports pandas and matplotlib. Here each group
of jobs (the runner: each year) runs on a fresh kernel of its own, so nothing carries over from
one year to the next, but the kernels are started and warmed up (imports done) ahead, while the
data are validated and while the year before runs, and the workers run side by side. The
parameters are injected as papermill injects them (a cell tagged ``injected-parameters`` after
the ``parameters`` cell), so a notebook runs the same here, under papermill and in JupyterLab.
Kernels start with retries and are always shut down.

Failures are reported as an author sees the notebook: year > notebook > cell n of N (the
injected parameters cell not counted) > the section heading above it > the error line.
"""

from __future__ import annotations

import ast
import json
import os
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

__all__ = ["Job", "JobResult", "KernelPool", "inject_parameters", "notebook_parameters", "parse_parameter_value",
           "project_kernel", "run_jobs"]

# The kernel ``make install`` installs into the venv ("Python (cfanalysis)"); notebooks name it.
PROJECT_KERNEL = "cfanalysis"

KERNEL_START_ATTEMPTS = 3
KERNEL_START_TIMEOUT = 60
CELL_TIMEOUT = 600
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Job:
    """One notebook for one year: where it comes from, where it goes, its parameters."""

    label: str  # "2019-20 > 02_team_change"
    notebook: Path
    executed_path: Path
    log_path: Path
    parameters: dict[str, Any]
    # Jobs with the same group run one after another on one kernel (the runner: one year's
    # notebooks), and a kernel never runs jobs of two groups. "" : a kernel of its own.
    kernel_group: str = ""


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
    """One kernel for one notebook: started with retries and sent its warm-up, always shut down.

    The warm-up (the imports) is sent as the kernel's first request and not waited for: the
    notebook's first cell simply queues behind it in the kernel, and a run refused before any
    notebook starts shuts its kernels down at once instead of waiting for their imports.
    """

    def __init__(self, kernel_name: str, stderr_path: Path, warm_up: str = "", env: dict[str, str] | None = None):
        self.kernel_name = kernel_name
        self.stderr_path = stderr_path
        self.warm_up = warm_up
        self.env = env or {}
        self.km = None
        self.client = None  # the client that sent the warm-up, kept open until shutdown
        self.used = False
        self.starting = None  # the kernel manager while the kernel boots, for abort()
        self.aborted = False
        self.context = None  # the zmq context of the kernel's sockets (see start)

    def start(self) -> _WarmKernel:
        import zmq
        from jupyter_client.manager import KernelManager

        error: Exception | None = None
        for _attempt in range(KERNEL_START_ATTEMPTS):
            if self.aborted:
                break
            # Our own zmq context, closed with linger 0 (_close_context): a manager that made its own
            # destroys it at shutdown with the sockets' default linger, which waits for ever when the
            # warm-up request is still queued for a kernel killed while it booted.
            self.context = zmq.Context()
            km = self.starting = KernelManager(kernel_name=self.kernel_name, context=self.context)
            client = None
            try:
                self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.stderr_path, "ab") as stderr:
                    km.start_kernel(stderr=stderr, stdout=stderr, env={**os.environ, **self.env})
                client = km.client()
                client.start_channels()
                client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
                if self.warm_up:
                    client.execute(self.warm_up, silent=True, store_history=False)
                self.km, self.client, self.starting = km, client, None
                if self.aborted:  # the pool closed while this kernel booted
                    self.shutdown()
                return self
            except Exception as failure:  # noqa: BLE001 - retried, then reported
                error = failure
                if client is not None:
                    client.stop_channels()
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
                self._close_context()
        self.starting = None
        raise RuntimeError(f"The Python kernel did not start after {KERNEL_START_ATTEMPTS} attempts: {error}")

    def abort(self) -> None:
        """Stop a kernel that is still booting (the run was refused): kill it, start no other."""
        self.aborted = True
        km = self.starting
        if km is not None and km.has_kernel:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it may have gone already
                pass

    def shutdown(self) -> None:
        """Shut the kernel down: at once if it never ran a notebook, else letting it finish."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=not self.used)
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutting down
                pass
            self.km = None
        self._close_context()

    def _close_context(self) -> None:
        if self.context is not None:
            self.context.destroy(linger=0)
            self.context = None


def inject_parameters(notebook, parameters: dict[str, Any]):
    """The notebook with a cell tagged ``injected-parameters`` after its ``parameters`` cell
    (at the top if it has none) that sets each parameter, as papermill does; a new notebook node.

    Values are Python literals (str, int, float, bool, None), written with ``repr``.
    """
    import copy

    import nbformat

    notebook = copy.deepcopy(notebook)
    cells = [c for c in notebook.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    injected = nbformat.v4.new_code_cell("\n".join(lines) + "\n")
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells = [*cells[:at], injected, *cells[at:]]
    return notebook


def _author_position(source, executed_index: int, injected_at: int | None) -> tuple[int, int, str]:
    """Cell number (1-based) and count in the author's notebook, and the heading above the cell.

    ``executed_index`` counts the parameters cell injected at ``injected_at`` (None: none was);
    the author's notebook does not have it.
    """
    position = executed_index - (1 if injected_at is not None and executed_index > injected_at else 0)
    heading = ""
    for cell in source.cells[:position][::-1]:
        if cell.cell_type == "markdown":
            lines = [line for line in cell.source.splitlines() if line.startswith("#")]
            if lines:
                heading = lines[-1].lstrip("#").strip()
                break
    return position + 1, len(source.cells), heading


Guard = Callable[[str, str], None]  # (text, where) -> raises when the text must not be written


def _cell_progress(job: Job, source, injected_at: int | None, progress: Callable[[str], None]):
    """Report 'running cell n of N' as the author numbers cells (the injected cell skipped)."""
    total = len(source.cells)

    def on_cell_start(cell=None, cell_index: int = 0, **_):
        if cell_index == injected_at:
            return  # the injected parameters cell is not the author's
        shown, _, _ = _author_position(source, cell_index, injected_at)
        progress(f"{job.label}: running cell {shown} of {total}")

    return on_cell_start


def _execute(job: Job, kernel: _WarmKernel, source, on_cell_start, started: float):
    """Run the notebook on the kernel with nbclient; (executed notebook, failure or None, log lines).

    The executed notebook is returned on failure too (run up to the failing cell), for the author.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    injected_at = _injected_at(source, job.parameters)
    notebook = inject_parameters(source, job.parameters) if job.parameters else source
    client = NotebookClient(notebook, km=kernel.km, kernel_name=kernel.kernel_name, timeout=CELL_TIMEOUT,
                            record_timing=False, on_cell_start=on_cell_start)
    try:
        client.execute()
        return notebook, None, []
    except CellExecutionError as error:
        index = _failing_cell(notebook)
        number, count, heading = _author_position(source, index, injected_at)
        line = f"{error.ename}: {str(error.evalue).strip().splitlines()[0] if error.evalue else ''}".strip(": ")
        where = f"{job.label} > cell {number} of {count}" + (f" > '{heading}'" if heading else "")
        traceback = _ANSI.sub("", str(error.traceback))
        failure = JobResult(job, False, time.perf_counter() - started, message=f"{where} > {line}",
                            details=[f"executed notebook: {job.executed_path}", f"log: {job.log_path}"])
        return notebook, failure, ["FAILED", where, line, "", traceback]
    except Exception as error:  # noqa: BLE001 - kernel death, timeouts: reported, never raised
        line = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        failure = JobResult(job, False, time.perf_counter() - started, message=f"{job.label} > {line}",
                            details=[f"log: {job.log_path}"])
        return None, failure, ["FAILED", job.label, line]
    finally:
        if client.kc is not None:
            client.kc.stop_channels()


def _injected_at(source, parameters: dict[str, Any]) -> int | None:
    """Where :func:`inject_parameters` puts its cell (None when there are no parameters)."""
    if not parameters:
        return None
    return next((i + 1 for i, c in enumerate(source.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)


def _failing_cell(notebook) -> int:
    """Index of the cell whose outputs hold the error (the last code cell that ran)."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return max((i for i, c in enumerate(notebook.cells) if c.get("execution_count")), default=0)


def _run_one(job: Job, kernel: _WarmKernel, progress: Callable[[str], None], guard: Guard | None) -> JobResult:
    import nbformat

    started = time.perf_counter()
    source = nbformat.read(job.notebook, as_version=4)
    job.executed_path.parent.mkdir(parents=True, exist_ok=True)
    on_cell_start = _cell_progress(job, source, _injected_at(source, job.parameters), progress)
    executed, failure, log_lines = _execute(job, kernel, source, on_cell_start, started)
    # The executed notebook lands in outputs/ only after the guard has read it.
    if executed is not None:
        text = nbformat.writes(executed)
        try:
            if guard is not None:
                guard(text, f"{job.label} (executed notebook)")
                if failure is not None:
                    guard("\n".join(log_lines), f"{job.label} (log)")
        except Exception as refused:  # noqa: BLE001 - the guard's refusal is the failure
            _write_log(job, ["FAILED", str(refused)])
            return JobResult(job, False, time.perf_counter() - started, message=f"{job.label} > {refused}",
                             details=[f"log: {job.log_path}"])
        partial = job.executed_path.with_name(f".{job.executed_path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(job.executed_path)
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


class KernelPool:
    """Kernels that start (and import) at once, before the jobs are known; a fresh kernel per group.

    Each of ``workers`` threads takes one group of jobs at a time (the jobs that share a
    ``kernel_group``; a job without one is a group of its own) and runs its jobs one after
    another on a kernel that nothing ran in before, then shuts it down: no names, module state
    or open figures carry over from one group to the next (the runner makes each year a group,
    so every year starts clean, and no ``%reset`` is needed). The cost of starting a kernel and
    importing is paid ahead: ``workers`` kernels start (and are sent ``warm_up``, the imports)
    with the pool, and each time a group takes a kernel the next one starts, while that group
    runs, if a group is still waiting for one.

    Start the pool, do other work (validate the data), then :meth:`run` the jobs, or
    :meth:`close` it if there is nothing to run: every kernel is shut down either way. The
    kernels' own logs are kept aside and moved beside ``kernel_log`` only by :meth:`run`, so a
    refused run writes nothing. ``env`` is added to each kernel's environment. Only public
    APIs are used: ``jupyter_client.KernelManager`` and ``nbclient.NotebookClient``.
    """

    def __init__(self, workers: int, *, kernel_log: Path, kernel_name: str = PROJECT_KERNEL, warm_up: str = "",
                 env: dict[str, str] | None = None):
        self.run_state = _Run(queue.Queue())
        self.kernel_log = kernel_log
        self.kernel_name, self.warm_up, self.env = kernel_name, warm_up, env
        self.scratch = Path(tempfile.mkdtemp(prefix="cfanalysis-kernels-"))
        self.ready: queue.Queue = queue.Queue()  # started kernels, or the error that stopped one
        self.lock = threading.Lock()
        self.waiting: int | None = None  # groups not yet given a kernel (None until run() knows them)
        self.coming = 0  # kernels started or starting that no job has taken yet
        self.started = 0
        self.helpers: list[threading.Thread] = []  # starting or shutting down kernels
        self.kernels: list[_WarmKernel] = []  # every kernel started ahead
        workers = max(1, workers)
        for _ in range(workers):
            self._start_kernel()
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def _start_kernel(self) -> None:
        """Start one more kernel in the background (the caller holds the lock, or no thread runs yet)."""
        kernel = _WarmKernel(self.kernel_name, self.scratch / f"{self.kernel_log.stem}-{self.started}.log",
                             self.warm_up, self.env)
        self.started += 1
        self.coming += 1
        self.kernels.append(kernel)

        def start() -> None:
            try:
                self.ready.put(kernel.start())
            except RuntimeError as error:
                self.ready.put(error)

        self._helper(start)

    def _helper(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        self.helpers.append(thread)
        thread.start()

    def _take_kernel(self) -> _WarmKernel | RuntimeError:
        """A started kernel for the group just taken; starts the next kernel if a group still needs one."""
        kernel = self.ready.get()
        with self.lock:
            self.coming -= 1
            self.waiting -= 1
            if self.waiting > self.coming:
                self._start_kernel()
        return kernel

    def _work(self) -> None:
        """Take groups of jobs until told to stop; each group on a fresh kernel, one job after another.

        A kernel that cannot start fails the group's jobs; one that dies is replaced for the
        group's next job.
        """
        run = self.run_state
        while (group := run.next_job()) is not None:
            kernel = self._take_kernel()
            for job in group:
                if isinstance(kernel, _WarmKernel) and kernel.used and not kernel.km.is_alive():
                    self._retire(kernel)
                    kernel = self._replacement()
                result = self._run_job(job, kernel)
                try:
                    run.on_result(result)
                except Exception as error:  # noqa: BLE001 - publishing failed: report it as a failure
                    result = JobResult(job, False, result.seconds, message=f"{job.label} > publishing "
                                       f"the HTML failed: {type(error).__name__}: {error}")
                run.record(result)
                if isinstance(kernel, _WarmKernel):
                    run.progress(f"{job.label}: done in {result.seconds:.1f} s" if result.ok
                                 else f"{job.label}: FAILED: {result.message}")
            if isinstance(kernel, _WarmKernel):
                self._retire(kernel)

    def _run_job(self, job: Job, kernel: _WarmKernel | RuntimeError) -> JobResult:
        if isinstance(kernel, RuntimeError):
            return JobResult(job, False, 0.0, message=f"{job.label} > {kernel}")
        run = self.run_state
        run.progress(f"{job.label}: running")
        kernel.used = True
        return _run_one(job, kernel, run.progress, run.guard)

    def _replacement(self) -> _WarmKernel | RuntimeError:
        """A kernel started now, in this thread, for a group whose kernel died."""
        with self.lock:
            number = self.started
            self.started += 1
        try:
            return _WarmKernel(self.kernel_name, self.scratch / f"{self.kernel_log.stem}-{number}.log",
                               self.warm_up, self.env).start()
        except RuntimeError as error:
            return error

    def _retire(self, kernel: _WarmKernel) -> None:
        with self.lock:
            self._helper(kernel.shutdown)

    def run(self, jobs: list[Job], *, progress: Callable[[str], None], on_result: Callable[[JobResult], None],
            while_waiting: Callable[[], None] | None = None, guard: Guard | None = None) -> list[JobResult]:
        """Run every job on the pool's kernels, then shut them down; results in the jobs' order.

        ``on_result`` runs as each job finishes (e.g. export HTML); ``while_waiting`` runs in
        this thread meanwhile (other work that can overlap the notebooks).
        """
        state = self.run_state
        state.progress, state.on_result, state.guard = progress, on_result, guard
        groups: dict[str, list[Job]] = {}
        for job in jobs:
            groups.setdefault(job.kernel_group or f"\0{job.label}", []).append(job)
        with self.lock:
            self.waiting = len(groups)
        for group in groups.values():
            for job in group:
                progress(f"{job.label}: queued")
            state.pending.put(group)
        try:
            if while_waiting is not None:
                while_waiting()
        finally:
            self.close(keep_logs=True)
        order = {job.label: index for index, job in enumerate(jobs)}
        return sorted(state.results, key=lambda r: order[r.job.label])

    def close(self, *, keep_logs: bool = False) -> None:
        """No more jobs: each worker finishes its last; every kernel is shut down (one still
        booting for jobs that never came is killed at once)."""
        for _ in self.threads:
            self.run_state.pending.put(None)
        for thread in self.threads:
            thread.join()
        with self.lock:
            helpers = list(self.helpers)
            for kernel in self.kernels:
                if not kernel.used:
                    kernel.abort()
        for thread in helpers:
            thread.join()
        while not self.ready.empty():  # started for jobs that never came
            kernel = self.ready.get()
            if isinstance(kernel, _WarmKernel):
                kernel.shutdown()
        if keep_logs:
            self.kernel_log.parent.mkdir(parents=True, exist_ok=True)
            for log in sorted(self.scratch.glob("*.log")):
                shutil.move(str(log), str(self.kernel_log.parent / log.name))
        shutil.rmtree(self.scratch, ignore_errors=True)


def run_jobs(jobs: list[Job], *, workers: int, progress: Callable[[str], None],
             on_result: Callable[[JobResult], None], kernel_log: Path, kernel_name: str = PROJECT_KERNEL,
             warm_up: str = "", while_waiting: Callable[[], None] | None = None,
             guard: Guard | None = None, env: dict[str, str] | None = None) -> list[JobResult]:
    """Run every job on a :class:`KernelPool` of ``workers`` threads, a fresh kernel per job.

    ``warm_up`` is code each kernel runs once after starting (imports); see :meth:`KernelPool.run`.
    """
    pool = KernelPool(min(workers, len(jobs)), kernel_log=kernel_log, kernel_name=kernel_name, warm_up=warm_up,
                      env=env)
    return pool.run(jobs, progress=progress, on_result=on_result, while_waiting=while_waiting, guard=guard)
