"""cfanalysis report against the plain tool chain, measured side by side in one run.

Run: ``.venv/bin/python benchmarks/report_speed.py`` (a few minutes). Writes
``benchmarks/results/report_speed.json`` and ``.md``.

The plain tool chain, run sequentially on the same notebooks and data: for each year and
notebook, ``papermill NOTEBOOK OUT -p financial_year Y -p data_dir D`` then
``jupyter nbconvert --to html --no-input OUT``. Ours: ``cfanalysis report --year Y ...`` with
its default workers (one per core). Two workloads: one year of the shipped example data, and
five years of a synthetic data set. Goals (issue 4): at least 2.5 times faster for one year and
4 times for five years on the 2-core machine.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent
REPEATS = 3  # runs of the one-year workload; the median is recorded
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name[:2].isdigit())


def plain(years: list[str], data: Path, out: Path) -> float:
    started = time.perf_counter()
    for year in years:
        for notebook in NOTEBOOKS:
            executed = out / year / notebook.name
            executed.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(BIN / "papermill"), str(notebook), str(executed), "-p", "financial_year", year,
                            "-p", "data_dir", str(data), "--no-progress-bar", "--cwd", str(ROOT / "notebooks")],
                           check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
    return time.perf_counter() - started


def ours(years: list[str], data: Path, out: Path) -> float:
    started = time.perf_counter()
    command = [str(BIN / "cfanalysis"), "report", "--data", str(data), "--out", str(out)]
    for year in years:
        command += ["--year", year]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    from cfanalysis.data.example import write_synthetic_log

    workloads = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        five_years = scratch / "five_years"
        write_synthetic_log(five_years, first_year=2015, years=5, complaints_per_year=100)
        cases = {"one year (example data, 2019-20)": (["2019-20"], ROOT / "data" / "example"),
                 "five years (synthetic, 2015-16 to 2019-20)":
                     ([f"{y}-{(y + 1) % 100:02d}" for y in range(2015, 2020)], five_years)}
        for name, (years, data) in cases.items():
            # Short workloads are noisy: take the median of several runs, alternating the two sides.
            repeats = REPEATS if len(years) == 1 else 1
            plain_runs, our_runs = [], []
            for _ in range(repeats):
                plain_runs.append(plain(years, data, scratch / "plain" / name[:3]))
                our_runs.append(ours(years, data, scratch / "ours" / name[:3]))
                shutil.rmtree(scratch / "plain", ignore_errors=True)
                shutil.rmtree(scratch / "ours", ignore_errors=True)
            plain_seconds, our_seconds = statistics.median(plain_runs), statistics.median(our_runs)
            workloads[name] = {"notebooks": len(years) * len(NOTEBOOKS), "runs": repeats,
                               "plain_seconds": round(plain_seconds, 2),
                               "cfanalysis_seconds": round(our_seconds, 2),
                               "speed_up": round(plain_seconds / our_seconds, 2)}
    names = list(workloads)
    goals = {"one year at least 2.5 times faster": workloads[names[0]]["speed_up"] >= 2.5,
             "five years at least 4 times faster": workloads[names[1]]["speed_up"] >= 4}
    result = {"cores": os.cpu_count(), "workloads": workloads, "goals_met": goals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Report speed against the plain tool chain", "",
             "Made by `benchmarks/report_speed.py`: papermill then `jupyter nbconvert --to html --no-input`, "
             f"sequentially, against `cfanalysis report`, side by side in one run on {os.cpu_count()} cores.", "",
             "| workload | notebooks | runs (median) | plain s | cfanalysis s | speed-up |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {n} | {w['notebooks']} | {w['runs']} | {w['plain_seconds']:.1f} | {w['cfanalysis_seconds']:.1f} | "
              f"{w['speed_up']:.1f}x |" for n, w in workloads.items()]
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT MET'}: {g}" for g, ok in goals.items()]
    (RESULTS / "report_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
