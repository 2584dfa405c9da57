"""cfanalysis report against the plain tool chain and the in-process floor, side by side in one run.

Run: ``.venv/bin/python benchmarks/report_speed.py`` (several minutes). Writes
``benchmarks/results/report_speed.json`` and ``.md``.

- The plain tool chain, run sequentially on the same notebooks and data: for each year and
  notebook, ``papermill NOTEBOOK OUT -p financial_year Y -p data_dir D`` then
  ``jupyter nbconvert --to html --no-input OUT``.
- Ours: ``cfanalysis report --year Y ...`` with its default workers (one per core).
- The floor (one year only): every code cell of the three notebooks run in one Python process,
  then each exported to HTML with the report template; timed inside the process from its first
  line, imports included (the interpreter's own start is left out).
- Cold Run All: each notebook executed top to bottom on a fresh kernel of the project
  (nbclient, as JupyterLab's Run All after a kernel restart), kernel start included.

Two workloads: one year of the shipped example data, and five years of a synthetic data set.
Goals (issues 12 and 21), on the 2-core machine: at least 4 times faster than the chain for one
year and 8 times for five years; at most 1.3 times the floor; cold Run All under 4 s per notebook.

The machine may be shared, so beside every wall-clock figure the script records the 1-minute
load average when it was taken and the CPU seconds used (the process and every child it waited
for: kernels, papermill, nbconvert), which other users' work does not inflate.
"""

from __future__ import annotations

import json
import os
import resource
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
# Runs of the one-year workload and of each cold Run All; the median is recorded
# (``--repeats N`` on the command line).
REPEATS = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 2
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name[:2].isdigit())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(function, *args) -> dict[str, float]:
    """Wall seconds, CPU seconds of the children, and the load average when it ended."""
    cpu = _children_cpu()
    seconds = function(*args)
    return {"seconds": seconds, "cpu_seconds": _children_cpu() - cpu, "load": os.getloadavg()[0]}


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


FLOOR_SCRIPT = """
import time
started = time.perf_counter()
import json, sys
import matplotlib
matplotlib.use("Agg")
import nbformat
from IPython.core.interactiveshell import InteractiveShell
from cfanalysis.publish.pages import export_html, stylesheet
shell = InteractiveShell.instance()
shell.display_formatter.active_types = ["text/html", "text/plain"]
for path, parameters in json.loads(sys.argv[1]):
    notebook = nbformat.read(path, as_version=4)
    shell.reset(new_session=False)
    for cell in notebook.cells:  # the notebook's own defaults, then the run's year and data
        if "parameters" in cell.metadata.get("tags", []):
            shell.run_cell(cell.source, store_history=False).raise_error()
    shell.user_ns.update(parameters)
    for cell in notebook.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        result = shell.run_cell(cell.source, store_history=False)
        result.raise_error()
        if result.result is not None:
            data, _ = shell.display_formatter.format(result.result)
            cell.outputs = [nbformat.v4.new_output("execute_result", data=data, execution_count=1)]
    export_html(notebook, {"title": "t", "financial_year": parameters["financial_year"], "synthetic": True,
                           "version": "", "commit": "", "files": {}, "parameters": {}, "css": stylesheet()})
print(time.perf_counter() - started)
"""


def floor(year: str, data: Path) -> float:
    """Seconds for every code cell of the notebooks in one started Python, plus the HTML export."""
    jobs = [[str(path), {"financial_year": year, "data_dir": str(data)}] for path in NOTEBOOKS]
    done = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, json.dumps(jobs)], check=True, capture_output=True,
                          text=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def cold_run_all(notebook: Path) -> float:
    """Seconds to Run All on a fresh kernel of the project, as in JupyterLab after a restart."""
    import nbformat
    from nbclient import NotebookClient

    from cfanalysis.publish.kernels import project_kernel

    source = nbformat.read(notebook, as_version=4)
    started = time.perf_counter()
    NotebookClient(source, timeout=600, kernel_name=project_kernel(),
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
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
            # Short workloads are noisy: take the median of several runs, alternating the sides.
            repeats = REPEATS if len(years) == 1 else 1
            runs: dict[str, list[dict[str, float]]] = {"plain": [], "ours": [], "floor": []}
            for _ in range(repeats):
                runs["plain"].append(timed(plain, years, data, scratch / "plain" / name[:3]))
                runs["ours"].append(timed(ours, years, data, scratch / "ours" / name[:3]))
                if len(years) == 1:
                    runs["floor"].append(timed(floor, years[0], data))
                shutil.rmtree(scratch / "plain", ignore_errors=True)
                shutil.rmtree(scratch / "ours", ignore_errors=True)
            median = {side: {key: round(statistics.median(r[key] for r in measured), 2) for key in measured[0]}
                      for side, measured in runs.items() if measured}
            workloads[name] = {"notebooks": len(years) * len(NOTEBOOKS), "runs": repeats, **{
                f"{side}_{key}": value for side, figures in median.items() for key, value in figures.items()},
                "speed_up": round(median["plain"]["seconds"] / median["ours"]["seconds"], 2),
                "cpu_speed_up": round(median["plain"]["cpu_seconds"] / median["ours"]["cpu_seconds"], 2)}
            if "floor" in median:
                workloads[name]["times_floor"] = round(median["ours"]["seconds"] / median["floor"]["seconds"], 2)
                workloads[name]["cpu_times_floor"] = round(median["ours"]["cpu_seconds"]
                                                           / median["floor"]["cpu_seconds"], 2)
    cold = {}
    for path in NOTEBOOKS:
        measured = [timed(cold_run_all, path) for _ in range(REPEATS)]
        cold[path.stem] = {key: round(statistics.median(m[key] for m in measured), 2) for key in measured[0]}
    names = list(workloads)
    goals = {"one year at least 4 times faster than the chain": workloads[names[0]]["speed_up"] >= 4,
             "five years at least 8 times faster than the chain": workloads[names[1]]["speed_up"] >= 8,
             "one year at most 1.3 times the floor": workloads[names[0]]["times_floor"] <= 1.3,
             "cold Run All under 4 s for each notebook": all(c["seconds"] < 4 for c in cold.values())}
    result = {"cores": os.cpu_count(), "load_average_at_end": os.getloadavg()[0], "workloads": workloads,
              "cold_run_all": cold, "goals_met": goals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Report speed against the plain tool chain", "",
             "Made by `benchmarks/report_speed.py`: papermill then `jupyter nbconvert --to html --no-input`, "
             f"sequentially, against `cfanalysis report`, side by side in one run on {os.cpu_count()} cores. "
             "Wall seconds with the 1-minute load average when each was taken, and CPU seconds (every process "
             "of the run), which other users of the machine do not inflate.", "",
             "| workload | notebooks | runs (median) | plain chain s (load) | cfanalysis s (load) | speed-up | "
             "floor s (load) | x floor | CPU s: chain / ours / floor | CPU speed-up | CPU x floor |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, w in workloads.items():
        floor_wall = f"{w['floor_seconds']:.1f} ({w['floor_load']:.1f})" if "floor_seconds" in w else "-"
        lines.append(f"| {n} | {w['notebooks']} | {w['runs']} | {w['plain_seconds']:.1f} ({w['plain_load']:.1f}) | "
                     f"{w['ours_seconds']:.1f} ({w['ours_load']:.1f}) | {w['speed_up']:.1f}x | {floor_wall} | "
                     f"{w.get('times_floor', '-')} | {w['plain_cpu_seconds']:.1f} / {w['ours_cpu_seconds']:.1f} / "
                     f"{w.get('floor_cpu_seconds', '-')} | {w['cpu_speed_up']:.1f}x | "
                     f"{w.get('cpu_times_floor', '-')} |")
    lines += ["", f"Cold Run All on a fresh kernel (median of {REPEATS}; seconds, load, CPU seconds of the kernel): "
              + ", ".join(f"{k} {v['seconds']:.1f} s (load {v['load']:.1f}, CPU {v['cpu_seconds']:.1f} s)"
                          for k, v in cold.items()),
              "", f"Load average (1 min) at the end of the run: {result['load_average_at_end']:.1f}."]
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT MET'}: {g}" for g, ok in goals.items()]
    (RESULTS / "report_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
