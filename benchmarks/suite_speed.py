"""How long the tests take: the quick loop, and ``make test`` from a fresh clone.

Run: ``.venv/bin/python benchmarks/suite_speed.py [--fresh-clone]`` from the repository root.
Writes ``benchmarks/results/suite_speed.json`` and ``.md``.

- ``pytest -m "not slow"`` in this checkout (its .venv), as a developer runs it between edits.
- With ``--fresh-clone``: the committed branch cloned into a temporary folder, then ``make
  install`` (a new .venv with what reports need: pip install -e . and the kernel), one year's
  reports on that lean install, ``make install-test`` (adds the test extra) and ``make test``
  (the whole suite, as ``.ci/run`` runs it), each timed, and the size of .venv after each install.

Goals (issue 21), on 2 cores: ``make test`` from a fresh clone under 4 minutes, the quick loop
under 30 s, CI's ``.ci/run`` under 10 minutes. Beside every wall-clock figure: the CPU seconds
of the command and all its children (which other users of a shared machine do not inflate) and
the 1-minute load average at its start and end.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"


def timed(command: list[str], cwd: Path) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    return {"command": " ".join(command), "seconds": round(seconds, 1),
            "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "load_start": round(load_before, 1), "load_end": round(os.getloadavg()[0], 1),
            "returncode": done.returncode, "last_line": tail}


def venv_megabytes(clone: Path) -> int:
    done = subprocess.run(["du", "-sm", str(clone / ".venv")], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def main() -> None:
    sizes: dict[str, int] = {}
    figures = {"quick loop: pytest -m 'not slow'": timed(
        [sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-p", "no:cacheprovider"], ROOT)}
    if "--fresh-clone" in sys.argv:
        branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        with tempfile.TemporaryDirectory() as scratch:
            clone = Path(scratch) / "cfanalysis"
            subprocess.run(["git", "clone", "-q", "-b", branch, str(ROOT), str(clone)], check=True)
            figures["fresh clone: make install (what reports need)"] = timed(["make", "install"], clone)
            sizes = {"report install": venv_megabytes(clone)}
            figures["fresh clone: one year's reports on that install"] = timed(
                [str(clone / ".venv" / "bin" / "cfanalysis"), "report", "--year", "2019-20", "--data",
                 "data/example", "--out", str(Path(scratch) / "outputs")], clone)
            figures["fresh clone: make install-test"] = timed(["make", "install-test"], clone)
            sizes["test install"] = venv_megabytes(clone)
            figures["fresh clone: make test (after the install)"] = timed(["make", "test"], clone)
    goals = {}
    quick = figures["quick loop: pytest -m 'not slow'"]
    goals["quick loop under 30 s"] = quick["seconds"] < 30
    if "fresh clone: make test (after the install)" in figures:
        install = sum(figures[k]["seconds"] for k in figures if "install" in k)
        test = figures["fresh clone: make test (after the install)"]["seconds"]
        goals["make test from a fresh clone under 4 minutes (the tests, after the install)"] = test < 240
        goals["CI's .ci/run (install and make test) under 10 minutes"] = install + test < 600
    result = {"cores": os.cpu_count(), "figures": figures, "venv_megabytes": sizes, "goals_met": goals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "suite_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Test suite speed", "", f"Made by `benchmarks/suite_speed.py` on {os.cpu_count()} cores.", "",
             "| what | wall s | CPU s | load at start / end | result |", "|---|---|---|---|---|"]
    for name, figure in figures.items():
        lines.append(f"| {name} | {figure['seconds']:.0f} | {figure['cpu_seconds']:.0f} | "
                     f"{figure['load_start']:.1f} / {figure['load_end']:.1f} | {figure['last_line']} |")
    if sizes:
        lines += ["", "Size of .venv: " + ", ".join(f"{k} {v} MB" for k, v in sizes.items()) + "."]
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT MET'}: {g}" for g, ok in goals.items()]
    (RESULTS / "suite_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
