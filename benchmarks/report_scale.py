"""Big inputs through ``cfanalysis report`` against ``cfanalysis validate`` of the same folder.

Run: ``.venv/bin/python benchmarks/report_scale.py`` (a few minutes). Writes
``benchmarks/results/report_scale.json`` and ``.md``.

Three folders, each measured side by side in one run (validate, then report, alternately):

- *the example data as shipped*: the reference, what a report costs on any input (three kernels,
  imports, charts, HTML), so the last column shows what each big input adds to each side;

- *used range to the last row*: the example data with ``complaints`` saved as an ``.xlsx``
  workbook whose used range runs to row 1,048,576 (one formatted, empty cell in the last row,
  as a workbook gets when someone formats a whole column), so a reader that trusts the sheet's
  dimensions walks a million rows;
- *300,000 rows over ten years*: a synthetic log (``write_synthetic_log``), 30,000 complaints a
  year from 2010-11 to 2019-20.

The report builds the latest year's three reports (``--year``). Goal (issue 21): the report at
most 2 times validate's time, since it reads and checks the data once, as validate does, and
hands the loaded data on to its notebooks. Beside each figure: CPU seconds of every process
(which other users of a shared machine do not inflate) and the 1-minute load average.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent
LAST_ROW = 1_048_576


def used_range_folder(folder: Path) -> Path:
    """The example data with complaints.csv saved as a workbook used to the last row."""
    import openpyxl
    import pandas as pd

    shutil.copytree(ROOT / "data" / "example", folder)
    frame = pd.read_csv(folder / "complaints.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    (folder / "complaints.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Complaints"
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append(list(record))
    sheet.cell(row=LAST_ROW, column=len(frame.columns)).number_format = "@"  # formatted, empty
    book.save(folder / "complaints.xlsx")
    return folder


def ten_years_folder(folder: Path) -> Path:
    from cfanalysis.data.example import write_synthetic_log

    write_synthetic_log(folder, first_year=2010, years=10, complaints_per_year=30_000)
    return folder


def run(command: list[str]) -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{command} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "load": round(os.getloadavg()[0], 1)}


def main() -> None:
    cases = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        folders = {"example data as shipped (the reference: a report's fixed cost)": (ROOT / "data" / "example",
                                                                                     "2019-20"),
                   "used range to the last row (example data as .xlsx)": (used_range_folder(scratch / "wide"),
                                                                           "2019-20"),
                   "300,000 rows over ten years (synthetic)": (ten_years_folder(scratch / "ten"), "2019-20")}
        for name, (folder, year) in folders.items():
            validate = run([str(BIN / "cfanalysis"), "validate", "--data", str(folder)])
            report = run([str(BIN / "cfanalysis"), "report", "--year", year, "--data", str(folder),
                          "--out", str(scratch / "out")])
            shutil.rmtree(scratch / "out", ignore_errors=True)
            cases[name] = {"year": year, "validate": validate, "report": report,
                           "times_validate": round(report["seconds"] / validate["seconds"], 2),
                           "cpu_times_validate": round(report["cpu_seconds"] / validate["cpu_seconds"], 2)}
    reference = next(iter(cases.values()))
    for case in cases.values():  # what the input adds over the example data, to report and to validate
        case["cpu_added"] = {side: round(case[side]["cpu_seconds"] - reference[side]["cpu_seconds"], 2)
                             for side in ("validate", "report")}
    goals = {f"{name}: report at most 2 times validate": case["times_validate"] <= 2
             for name, case in list(cases.items())[1:]}
    result = {"cores": os.cpu_count(), "cases": cases, "goals_met": goals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Big inputs: report against validate", "",
             "Made by `benchmarks/report_scale.py`, side by side in one run on "
             f"{os.cpu_count()} cores: `cfanalysis validate` then `cfanalysis report --year Y` (three reports) "
             "of the same folder. Wall seconds with the 1-minute load average when each ended, and CPU "
             "seconds of every process.", "",
             "| input | validate s (load) | report s (load) | report / validate | CPU s: validate / report "
             "| CPU report / validate | CPU s added over the example: validate / report |",
             "|---|---|---|---|---|---|---|"]
    for name, case in cases.items():
        v, r = case["validate"], case["report"]
        lines.append(f"| {name} | {v['seconds']:.1f} ({v['load']:.1f}) | {r['seconds']:.1f} ({r['load']:.1f}) | "
                     f"{case['times_validate']:.2f} | {v['cpu_seconds']:.1f} / {r['cpu_seconds']:.1f} | "
                     f"{case['cpu_times_validate']:.2f} | {case['cpu_added']['validate']:.1f} / "
                     f"{case['cpu_added']['report']:.1f} |")
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT MET'}: {g}" for g, ok in goals.items()]
    (RESULTS / "report_scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
