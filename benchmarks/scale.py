"""National-scale log: loading, validation, monthly counts per team and the all-teams tests.

Run: ``.venv/bin/python benchmarks/scale.py`` (about a minute). Writes
``benchmarks/results/scale.json`` and ``.md``.

A synthetic log of about 150 authorities over ten years (team names carry the authority) is
written at 100,000 and 1,000,000 complaint rows. Each size runs in a fresh process, measuring
wall time and peak memory (max RSS) of cfanalysis's pipeline and, side by side in the same
run, of the baseline: ``pandas.read_csv`` of the same file with no checks at all. Goals (issue
4): under 10 s and 2 GB at 1,000,000 rows; time growing no faster than linearly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = {100_000: 67, 1_000_000: 670}  # rows -> complaints per authority-year
AUTHORITIES, YEARS = 150, 10

# VmHWM (this process's peak resident memory), not ru_maxrss, which Linux carries across exec
# from the parent and so would report the generator's peak.
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

PIPELINE = PEAK + """
import sys, time
started = time.perf_counter()
from cfanalysis import all_team_tests, compare_years, load_data, monthly_counts
data = load_data(sys.argv[1])
counts = monthly_counts(data.complaints, "2019-20", by="team")
tests = all_team_tests(data.complaints, compare_years(data.complaints, "2019-20"))
assert data.report.usable and len(tests) > 800
print(time.perf_counter() - started, peak_mb(), len(data.complaints))
"""

BASELINE = PEAK + """
import sys, time
started = time.perf_counter()
import pandas as pd
frame = pd.read_csv(sys.argv[1] + "/complaints.csv")
print(time.perf_counter() - started, peak_mb(), len(frame))
"""


def measure(code: str, folder: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True)
    seconds, megabytes, rows = out.stdout.split()
    return {"seconds": round(float(seconds), 3), "peak_mb": round(float(megabytes), 1), "rows": int(rows)}


def main() -> None:
    from cfanalysis.data.example import write_synthetic_log

    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for rows, per_year in SIZES.items():
            folder = Path(scratch) / str(rows)
            write_synthetic_log(folder, first_year=2010, years=YEARS, complaints_per_year=per_year,
                                authorities=AUTHORITIES)
            baseline = measure(BASELINE, folder)
            pipeline = measure(PIPELINE, folder)
            results[str(rows)] = {"cfanalysis": pipeline, "baseline_read_csv": baseline,
                                  "time_ratio_to_baseline": round(pipeline["seconds"] / baseline["seconds"], 2)}
    small, large = results["100000"], results["1000000"]
    growth = large["cfanalysis"]["seconds"] / small["cfanalysis"]["seconds"]
    rows_growth = large["cfanalysis"]["rows"] / small["cfanalysis"]["rows"]
    goals = {"under 10 s at 1,000,000 rows": large["cfanalysis"]["seconds"] < 10,
             "under 2 GB peak at 1,000,000 rows": large["cfanalysis"]["peak_mb"] < 2048,
             "time grows no faster than rows": growth <= rows_growth * 1.1}
    summary = {"sizes": results, "time_growth_100k_to_1m": round(growth, 2),
               "rows_growth": round(rows_growth, 2), "goals_met": goals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = ["# National-scale pipeline", "",
             "Made by `benchmarks/scale.py`: load + validate + monthly counts per team + all-teams tests, "
             f"{AUTHORITIES} authorities over {YEARS} years; baseline is a bare `pandas.read_csv` of the "
             "same file, measured in the same run.", "",
             "| rows | cfanalysis s | peak MB | baseline s | baseline peak MB | ratio to baseline |",
             "|---|---|---|---|---|---|"]
    for rows, r in results.items():
        lines.append(f"| {int(rows):,} | {r['cfanalysis']['seconds']:.2f} | {r['cfanalysis']['peak_mb']:.0f} | "
                     f"{r['baseline_read_csv']['seconds']:.2f} | {r['baseline_read_csv']['peak_mb']:.0f} | "
                     f"{r['time_ratio_to_baseline']:.1f} |")
    lines += ["", f"Time grew {growth:.1f}-fold for {rows_growth:.1f} times the rows.", "", "## Goals", ""]
    lines += [f"- {'met' if ok else 'NOT MET'}: {goal}" for goal, ok in goals.items()]
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
