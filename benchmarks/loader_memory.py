"""Peak memory of loading a 30 MB junk file and a 30 MB valid log, against bare pandas.

Run: ``.venv/bin/python benchmarks/loader_memory.py`` (under a minute). Writes
``benchmarks/results/loader_memory.json`` and ``.md``.

Two files of about 30 MB each, both named ``complaints.csv``: junk (comma-separated text that
holds no complaints header anywhere) and a valid complaints log. Each is loaded by
``cfanalysis.load_data`` in a fresh process, and, side by side in the same run, read by the
baseline: a bare ``pandas.read_csv(path, dtype=str)`` with no checks. Peak memory is the child
process's VmHWM (its peak resident set), which includes Python, pandas and cfanalysis themselves;
an ``import only`` row gives that floor. Goal (issue 11): at most 10 times the file size for a
30 MB file, junk or valid; the junk file is refused from its first rows.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_BYTES = 30 * 1024 * 1024
GOAL_RATIO = 10

PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""
RUNS = {
    "import only": "import pandas, cfanalysis.data.loader\nresult = 'imported'",
    "cfanalysis.load_data": ("from cfanalysis.data.loader import load_data\n"
                             "data = load_data(folder, as_of='2020-06-30')\n"
                             "result = data.report.summary() + ' | ' + '; '.join("
                             "p.message[:90] for p in data.report.problems if p.severity == 'fatal')"),
    "baseline: pandas.read_csv": ("import pandas\nframe = pandas.read_csv(folder + '/complaints.csv', dtype=str)\n"
                                  "result = f'{len(frame):,} rows x {frame.shape[1]} columns'"),
}


def write_junk(path: Path) -> None:
    rng = random.Random(11)
    words = ["lorem", "ipsum", "qwerty", "zxcv", "12345", "junk", "0xdeadbeef", "n/a", "???", "x" * 20]
    with path.open("w", encoding="utf-8", newline="") as out:
        while out.tell() < TARGET_BYTES:
            out.write("\n".join(",".join(rng.choice(words) for _ in range(8)) for _ in range(1000)) + "\n")


def write_valid(path: Path) -> None:
    rng = random.Random(11)
    teams = ["Duty Team", "Child in Need and Child Protection", "Children in Care", "Care Leavers", "Fostering"]
    categories = ["Communication", "Staff attitude", "Delay", "Quality of service", "Contact arrangements"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Ref,Date Received,Service Area,Stage,Procedure,Nature of complaint,Outcome,Date Responded\r\n")
        number = 0
        while out.tell() < TARGET_BYTES:
            lines = []
            for _ in range(1000):
                number += 1
                day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2010, 2019)
                lines.append(f"C{number:08d},{day:02d}/{month:02d}/{year},{rng.choice(teams)},Stage 1,"
                             f"{rng.choice(['Statutory', 'Corporate'])},{rng.choice(categories)},"
                             f"{rng.choice(['Upheld', 'Not upheld', 'Partially upheld'])},"
                             f"{min(day + 9, 28):02d}/{month:02d}/{year}")
            out.write("\r\n".join(lines) + "\r\n")


def measure(folder: Path, run: str) -> dict:
    code = PEAK + f"folder = {str(folder)!r}\n" + RUNS[run] + "\nprint(round(peak_mb(), 1)); print(result)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    peak, result = done.stdout.strip().split("\n", 1)
    return {"run": run, "peak_mb": float(peak), "result": result}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, write in (("junk", write_junk), ("valid", write_valid)):
            folder = Path(tmp) / kind
            folder.mkdir()
            write(folder / "complaints.csv")
            size_mb = (folder / "complaints.csv").stat().st_size / 2**20
            for run in RUNS:
                measured = measure(folder, run)
                measured.update(file=kind, file_mb=round(size_mb, 1),
                                times_file_size=round(measured["peak_mb"] / size_mb, 1))
                rows.append(measured)
                print(f"{kind:<6} {run:<28} {measured['peak_mb']:>8.1f} MB  "
                      f"{measured['times_file_size']:>5.1f}x  {measured['result'][:100]}")
    loads = [r for r in rows if r["run"] == "cfanalysis.load_data"]
    met = all(r["times_file_size"] <= GOAL_RATIO for r in loads)
    RESULTS.mkdir(exist_ok=True)
    payload = {"goal": f"peak memory <= {GOAL_RATIO} x file size for a 30 MB file (issue 11)", "goal_met": met,
               "python": sys.version.split()[0], "rows": rows}
    (RESULTS / "loader_memory.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    table = ["| file | size (MB) | run | peak memory (MB) | x file size | result |", "|---|---:|---|---:|---:|---|"]
    table += [f"| {r['file']} | {r['file_mb']} | {r['run']} | {r['peak_mb']} | {r['times_file_size']} | "
              f"{r['result'][:120].replace('|', '/')} |" for r in rows]
    (RESULTS / "loader_memory.md").write_text(
        "# Loader peak memory against file size\n\n"
        f"Goal (issue 11): at most {GOAL_RATIO} times the file size for a 30 MB file. "
        f"Met: {'yes' if met else 'no'}. Peak = the child process's VmHWM, Python and pandas included "
        "(see `import only`). Baseline: bare `pandas.read_csv(dtype=str)` of the same file, same run.\n\n"
        + "\n".join(table) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
