"""How the project's Jupyter behaves: a failed cell stops the run; saved notebooks carry no outputs.

Three pieces, installed by ``make install`` (``python -m cfanalysis.publish.jupyter install``):

- **The kernel** ("Python (cfanalysis)") starts through :func:`main`, which loads
  :func:`stop_on_error` into every session and keeps ipykernel's "running over TCP without
  encryption" warning out of papermill's, nbconvert's and the runner's output when the kernel
  listens on this machine only (127.0.0.1), where nobody else can read the traffic.
- **Stop on error.** JupyterLab's Run All sends every cell at once. ipykernel aborts the cells
  still queued when a cell fails, but a fast error (a missing data folder) comes before the
  later cells have been read, and they run anyway, printing the previous run's results under
  the error. Here each request carries the time its client made it (the message header's
  ``date``): a cell sent before the failure was part of the same Run All and does nothing but
  say so; a cell sent after it (the analyst ran it again, or the next notebook of a report run)
  runs as usual. papermill and nbclient send one cell at a time, so they still stop at the
  failing cell and report it. The dates come from the client's clock and the failure's from
  the kernel's: on one machine they agree; a browser whose clock runs ahead of a remote
  server's may see a later cell run (ipykernel's own abort still catches most).
- **The save hook** :func:`strip_outputs_on_save` (``ContentsManager.pre_save_hook``, set in
  the project's ``.jupyter/jupyter_server_config.py`` and in the venv's Jupyter config) saves
  notebooks under a ``notebooks/`` folder without outputs and with the committed metadata, so
  opening and saving a notebook leaves it as git has it.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

_MODULE = "cfanalysis.publish.jupyter"  # also when run as __main__ (python -m)
__all__ = ["install", "main", "stop_on_error", "strip_notebook", "strip_outputs_on_save"]

# What nbstripout is told to remove as well (the Makefile's git filter and .pre-commit-config.yaml
# pass the same keys), so the hook and the filter store a notebook identically.
EXTRA_KEYS = ("metadata.papermill", "metadata.widgets", "metadata.signature", "cell.metadata.papermill",
              "cell.metadata.execution", "cell.metadata.collapsed", "cell.metadata.scrolled",
              "cell.metadata.ExecuteTime", "cell.metadata.jupyter", "metadata.language_info.codemirror_mode",
              "metadata.language_info.file_extension", "metadata.language_info.mimetype",
              "metadata.language_info.nbconvert_exporter", "metadata.language_info.pygments_lexer",
              "metadata.language_info.version")

# A request without a date (an old client) counts as part of the failed run when it arrives
# within this many seconds of the previous cell finishing: Run All's cells follow each other at
# once, a person's next click does not.
QUIET_GAP_SECONDS = 0.5

_NOT_RUN = "Not run: cell [{count}] above stopped with an error. Fix it, then run the cells again."


class _StopOnError:
    """After a failed cell, turns the cells sent in the same batch into a one-line note."""

    def __init__(self, shell: Any):
        self.shell = shell
        self.failed_at: _dt.datetime | None = None
        self.failed_count: int | None = None
        self.finished = 0.0  # time.monotonic() when the last cell finished

    def _parent(self) -> dict:
        parent = getattr(self.shell, "parent_header", None)
        return parent if isinstance(parent, dict) else {}

    def _sent_before_failure(self) -> bool:
        if self.failed_at is None:
            return False
        parent = self._parent()
        if parent.get("content", {}).get("silent"):
            return False
        sent = _as_utc(parent.get("header", {}).get("date"))
        if sent is None:
            return time.monotonic() - self.finished < QUIET_GAP_SECONDS
        return sent <= self.failed_at

    def transform(self, lines: list[str]) -> list[str]:
        if not self._sent_before_failure():
            return lines
        return [f"print({_NOT_RUN.format(count=self.failed_count)!r})\n"]

    def post_run_cell(self, result: Any) -> None:
        self.finished = time.monotonic()
        info = getattr(result, "info", None)
        if getattr(info, "silent", False):
            return
        if result.error_before_exec is not None or result.error_in_exec is not None:
            if not self._sent_before_failure():  # a note cell never moves the failure
                self.failed_at = _dt.datetime.now(_dt.timezone.utc)
                self.failed_count = result.execution_count


def _as_utc(value: object) -> _dt.datetime | None:
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, _dt.datetime):
        return None
    return value.replace(tzinfo=_dt.timezone.utc) if value.tzinfo is None else value.astimezone(_dt.timezone.utc)


def stop_on_error(shell: Any = None) -> bool:
    """Make later cells of a Run All do nothing after a cell fails, however fast the failure.

    The project's kernel does this from the start; the notebooks' first code cell calls it too,
    so any kernel with cfanalysis installed behaves the same. Calling it again changes nothing.
    A cell sent after the failure (run again by hand) runs as usual.

    Returns
    -------
    bool
        True inside IPython (now active), False elsewhere (nothing to do).

    Examples
    --------
    >>> stop_on_error()  # outside IPython: nothing to do
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    if getattr(shell, "_cfanalysis_stop_on_error", None) is None:
        guard = _StopOnError(shell)
        shell.input_transformers_post.append(guard.transform)
        shell.events.register("post_run_cell", guard.post_run_cell)
        shell._cfanalysis_stop_on_error = guard
    return True


def load_ipython_extension(shell: Any) -> None:
    """``--ext cfanalysis.publish.jupyter`` (the project kernel) or ``%load_ext`` turns it on."""
    stop_on_error(shell)


def strip_notebook(notebook: Any) -> Any:
    """The notebook as it is committed: no outputs or execution counts, no run metadata.

    Works on an ``nbformat`` node or a plain dict, in place, and returns it. The notebook's
    ``language_info`` keeps only its ``name``, which is what the committed notebooks hold.
    """
    metadata = notebook.setdefault("metadata", {})
    for key in ("papermill", "widgets", "signature"):
        metadata.pop(key, None)
    if isinstance(metadata.get("language_info"), dict):
        metadata["language_info"] = {"name": metadata["language_info"].get("name", "python")}
    for cell in notebook.get("cells", []):
        cell_metadata = cell.get("metadata", {})
        for key in ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime", "jupyter"):
            cell_metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def _in_notebooks_folder(path: str, contents_manager: Any) -> bool:
    parts = Path(str(path).strip("/")).parts
    if len(parts) >= 2 and parts[-2] == "notebooks":
        return True
    root = getattr(contents_manager, "root_dir", None)
    return bool(root) and Path(root).resolve().name == "notebooks" and len(parts) == 1


def strip_outputs_on_save(model: dict, path: str, contents_manager: Any = None, **kwargs: Any) -> None:
    """Jupyter's pre-save hook: a notebook under ``notebooks/`` is saved without its outputs.

    Set as ``c.ContentsManager.pre_save_hook`` (the project's Jupyter config does). The
    notebook in the browser keeps its outputs until it is closed; the file on disk, and so git,
    never has them, whether or not the clone has the nbstripout filter configured.
    """
    if model.get("type") == "notebook" and model.get("content") is not None \
            and _in_notebooks_folder(path, contents_manager):
        strip_notebook(model["content"])


class _QuietLoopback(logging.Filter):
    """Drops ipykernel's plain-TCP warning when the kernel listens on this machine only."""

    def __init__(self, app: Any):
        super().__init__()
        self.app = app

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        loopback = str(getattr(self.app, "ip", "")) in ("127.0.0.1", "localhost", "::1")
        return not (loopback and message.startswith("Kernel is running over TCP without encryption"))


def _launch_kernel(argv: list[str]) -> None:
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    quiet = _QuietLoopback(app)
    app.log.addFilter(quiet)
    app.initialize([*argv, f"--ext={_MODULE}"])
    app.log.addFilter(quiet)  # initialize may have set the logger up again
    app.start()


KERNEL_NAME = "cfanalysis"
KERNEL_DISPLAY_NAME = "Python (cfanalysis)"
SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {_MODULE: True}}}


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": _MODULE}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """As a Jupyter server extension: save ``notebooks/`` without outputs (keeps any other hook)."""
    manager = serverapp.contents_manager
    previous = manager.pre_save_hook
    if previous is None or previous is strip_outputs_on_save:
        manager.pre_save_hook = strip_outputs_on_save
        return

    def both(model: dict, path: str, contents_manager: Any = None, **kwargs: Any) -> None:
        previous(model=model, path=path, contents_manager=contents_manager, **kwargs)
        strip_outputs_on_save(model, path, contents_manager, **kwargs)

    manager.pre_save_hook = both


def install(prefix: str | Path | None = None) -> list[Path]:
    """Install the project kernel and the save hook into ``prefix`` (the venv); the files written.

    The kernel is ipykernel's, started through :func:`main` so that it stops on error; the
    server config (``etc/jupyter/jupyter_server_config.d/cfanalysis.json``) enables this module
    as a server extension, so every JupyterLab started from this environment saves
    ``notebooks/`` without outputs.
    """
    from ipykernel.kernelspec import install as install_kernelspec

    prefix = Path(prefix or sys.prefix)
    kernel_dir = Path(install_kernelspec(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME,
                                         prefix=str(prefix)))
    spec_path = kernel_dir / "kernel.json"
    spec = json.loads(spec_path.read_text())
    argv = spec["argv"]
    start = argv.index("ipykernel_launcher")
    spec["argv"] = [*argv[:start], _MODULE, *argv[start + 1:]]
    spec_path.write_text(json.dumps(spec, indent=1) + "\n")
    config_path = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "cfanalysis.json"
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(json.dumps(SERVER_CONFIG, indent=2) + "\n")
    return [spec_path, config_path]


def main(argv: list[str] | None = None) -> None:
    """``python -m cfanalysis.publish.jupyter install`` installs; with ``-f FILE``, runs the kernel."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["install"]:
        for path in install(argv[1] if len(argv) > 1 else None):
            print(f"Wrote {path}")
        return
    _launch_kernel(argv)


if __name__ == "__main__":
    main()
