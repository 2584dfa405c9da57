"""A differently shaped council's raw export, written by code, with counts made independently.

Nothing here uses the cfanalysis package: the files are written with openpyxl and plain text, and
the expected figures come from the generator's own records with pandas. The export differs from
the example in every way a real one does: eight teams with other names, four other financial
years (2020-21 to 2023-24), its own file names (``NCMS_Complaints_Extract.xlsx``, one sheet per
year after a cover sheet; ``LGSCO_Enquiries_2020-2024.csv``; one compliments log per year), its
own headers ("Case Number", "Team Responsible", "LGSCO Reference", "Date Enquiry Received",
"Date Compliment Received"...), its own values ("Statutory (Children Act 1989)", "Investigation
(Stage 2)", "Staff attitude or behaviour", the LGSCO's decision wordings), and the hygiene cases:
no-break and zero-width spaces in references and teams, ``#N/A`` cells, UTC timestamps, CR line
endings, dates such as "Wed 3 April 2019" and "03-Apr-2019 14:32", merged team cells.

Run ``python -m tests.other_council DIR`` to write it somewhere and look at it.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pandas as pd

SEED = 20240331
YEARS = ("2020-21", "2021-22", "2022-23", "2023-24")
TEAMS = ("Front Door and MASH", "Locality North", "Locality South", "Children with Disabilities",
         "Permanence and Adoption", "Leaving Care Service", "Family Support Hub", "Youth Justice")
CATEGORIES = {  # the council's wording -> the contract's category
    "Staff attitude or behaviour": "attitude or behaviour of staff",
    "Poor communication": "communication",
    "Quality of service provided": "quality of service",
    "Delay in providing a service": "delay or failure to act",
    "Disagree with decision": "disagreement with a decision or assessment",
    "Inaccurate recording": "inaccurate information or recording",
    "Contact arrangements with family": "contact arrangements",
    "Financial support/allowances": "financial support",
}
CATEGORY_WEIGHTS = (0.22, 0.18, 0.16, 0.12, 0.12, 0.08, 0.07, 0.05)
PROCEDURES = {"Statutory (Children Act 1989)": "statutory", "Corporate Complaints Procedure": "corporate"}
STAGES = {1: "Stage 1 - Local Resolution", 2: "Investigation (Stage 2)", 3: "Review Panel (Stage 3)"}
OUTCOMES = {"Upheld": "upheld", "Partially Upheld": "partially upheld", "Not Upheld": "not upheld",
            "Withdrawn by complainant": "withdrawn or resolved"}
RELATIONSHIPS = ("Parent", "Grandparent", "Young person", "Foster carer")
DECISIONS = {  # the LGSCO's wording -> the contract's decision
    "Upheld: maladministration and injustice": "upheld",
    "Upheld - maladministration, no injustice": "upheld",
    "Not upheld: no maladministration": "not upheld",
    "Closed after initial enquiries - no further action": "closed after initial enquiries",
    "Closed after initial enquiries - out of jurisdiction": "closed after initial enquiries",
    "Referred back for local resolution": "referred back for local resolution",
    "Advice given": "advice given",
    "Incomplete/Invalid": "incomplete or invalid",
    "Withdrawn": "not pursued",
}
COMPLAINTS_FILE = "NCMS_Complaints_Extract.xlsx"
OMBUDSMAN_FILE = "LGSCO_Enquiries_2020-2024.csv"
COMPLAINT_HEADER = ["Case Number", "Date Complaint Received", "Team Responsible", "Complaint Level",
                    "Procedure Followed", "Nature of Concern", "Outcome of Complaint", "Date Response Sent",
                    "Complainant Name", "Relationship to Child"]
UK = ZoneInfo("Europe/London")


def _fy(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _fy_start(label: str) -> date:
    return date(int(label[:4]), 4, 1)


def _date_text(day: date, style: int) -> object:
    """The received date as the council's system writes it (several ways)."""
    if style == 0:
        return datetime(day.year, day.month, day.day, 9, 30)  # an Excel date cell
    if style == 1:
        return f"{day:%a} {day.day} {day:%B %Y}"  # Wed 3 April 2019
    return f"{day:%d-%b-%Y} 14:32"  # 03-Apr-2019 14:32


def complaint_records(rng: np.random.Generator) -> pd.DataFrame:  # long: one record per stage row
    """The truth: one record per stage row, with the raw cell values and what they mean."""
    rows = []
    for year in YEARS:
        start = _fy_start(year)
        for number in range(int(rng.integers(100, 125))):
            ref = f"NC-{start.year}-{number + 1:04d}"
            team = TEAMS[int(rng.integers(len(TEAMS)))]
            raw_category = str(rng.choice(list(CATEGORIES), p=CATEGORY_WEIGHTS))
            procedure = "Statutory (Children Act 1989)" if rng.random() < 0.7 else "Corporate Complaints Procedure"
            received = start + timedelta(days=int(rng.integers(0, 330)))
            stages = 1 + int(rng.random() < 0.1) + int(rng.random() < 0.02)
            for stage in range(1, stages + 1):
                day = received + timedelta(days=35 * (stage - 1))
                raw_ref = ref if stage == 1 else (ref + "\u00a0" if number % 2 else "\u200b" + ref)
                rows.append({"ref": ref, "raw_ref": raw_ref, "stage": stage, "received": day, "fy": _fy(day),
                             "team": team, "raw_team": team + ("\u200b" if number % 7 == 0 else ""),
                             "raw_category": raw_category, "category": CATEGORIES[raw_category],
                             "raw_procedure": procedure, "procedure": PROCEDURES[procedure],
                             "raw_outcome": str(rng.choice(list(OUTCOMES))), "style": int(rng.integers(3)),
                             "response": day + timedelta(days=int(rng.integers(5, 25))),
                             "excluded": False, "na_response": False})
    frame = pd.DataFrame(rows)
    frame["outcome"] = frame["raw_outcome"].map(OUTCOMES)
    # Hygiene cases: #N/A as a team (those rows cannot be counted) and as a response date (counted).
    stage1 = frame.index[(frame["stage"] == 1) & (frame["fy"] == YEARS[2])]
    frame.loc[stage1[:3], "raw_team"] = "#N/A"
    frame.loc[stage1[:3], "excluded"] = True
    frame.loc[stage1[5:9], "na_response"] = True
    return frame


def _sheet_rows(year_rows: pd.DataFrame, rng: np.random.Generator) -> list[list[object]]:
    out = []
    for row in year_rows.itertuples(index=False):
        out.append([row.raw_ref, _date_text(row.received, row.style), row.raw_team, STAGES[row.stage],
                    row.raw_procedure, row.raw_category, row.raw_outcome,
                    "#N/A" if row.na_response else datetime(row.response.year, row.response.month, row.response.day),
                    f"Person {int(rng.integers(1000, 9999))}", RELATIONSHIPS[int(rng.integers(len(RELATIONSHIPS)))]])
    return out


def write_complaints(folder: Path, records: pd.DataFrame, rng: np.random.Generator) -> None:
    """One workbook: a cover sheet, then one sheet per year (a title row above the header). In the
    second year's sheet the rows are grouped by team and each team's cells merged, as people do."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "About"
    for line in (["NCMS complaints extract"], ["One sheet per financial year"], ["Run by the complaints team"]):
        cover.append(line)
    for index, year in enumerate(YEARS):
        year_rows = records[records["fy"] == year]
        if index == 1:
            year_rows = year_rows.sort_values("raw_team", kind="stable")
        sheet = book.create_sheet(year)
        sheet.append([f"Complaints received {year}"])
        sheet.append(COMPLAINT_HEADER)
        for row in _sheet_rows(year_rows, rng):
            sheet.append(row)
        if index == 1:
            _merge_runs(sheet, [row for row in year_rows["raw_team"]], column="C", first_row=3)
    book.save(folder / COMPLAINTS_FILE)


def _merge_runs(sheet, values: list[str], *, column: str, first_row: int) -> None:
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] != values[start]:
            if end - start > 1:
                sheet.merge_cells(f"{column}{first_row + start}:{column}{first_row + end - 1}")
            start = end


def ombudsman_records(rng: np.random.Generator) -> pd.DataFrame:
    """Enquiries with UTC timestamps; one at 23:30 UTC on 31 March is 1 April in the UK."""
    rows = []
    for year in YEARS:
        start = _fy_start(year)
        for number in range(int(rng.integers(5, 10))):
            moment = datetime(start.year, start.month, start.day, 10, tzinfo=timezone.utc) + timedelta(
                days=int(rng.integers(0, 360)), hours=int(rng.integers(0, 8)))
            rows.append({"raw_decision": str(rng.choice(list(DECISIONS))), "moment": moment,
                         "ref": f"{start.year % 100:02d} {int(rng.integers(100, 999)):03d} {number:03d}"})
    rows.append({"raw_decision": "Upheld - maladministration, no injustice", "ref": "22 999 001",
                 "moment": datetime(2022, 3, 31, 23, 30, tzinfo=timezone.utc)})
    frame = pd.DataFrame(rows)
    frame["decision"] = frame["raw_decision"].map(DECISIONS)
    frame["fy"] = [_fy(m.astimezone(UK).date()) for m in frame["moment"]]
    return frame


def write_ombudsman(folder: Path, records: pd.DataFrame, rng: np.random.Generator) -> None:
    """A CSV saved by Excel on a Mac: CR line endings, Windows-1252 text."""
    lines = ["LGSCO Reference,Date Enquiry Received,Team Responsible,LGSCO Decision"]
    for row in records.itertuples(index=False):
        team = TEAMS[int(rng.integers(len(TEAMS)))]
        lines.append(f'{row.ref},{row.moment:%Y-%m-%dT%H:%M:%SZ},{team},"{row.raw_decision}"')
    (folder / OMBUDSMAN_FILE).write_bytes("\r".join(lines).encode("cp1252") + b"\r")


def compliment_records(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year in YEARS:
        start = _fy_start(year)
        for _ in range(int(rng.integers(30, 60))):
            day = start + timedelta(days=int(rng.integers(0, 365)))
            rows.append({"received": day, "fy": _fy(day), "team": TEAMS[int(rng.integers(len(TEAMS)))],
                         "file_year": year})
    return pd.DataFrame(rows)


def write_compliments(folder: Path, records: pd.DataFrame) -> None:
    """One log per year, dates written 'Wed 3 March 2021'; the names of whoever sent thanks."""
    for year, rows in records.groupby("file_year"):
        lines = ["Date Compliment Received,Team Responsible,Compliment From"]
        for number, row in enumerate(rows.itertuples(index=False)):
            lines.append(f"{row.received:%a} {row.received.day} {row.received:%B %Y},{row.team},Family {number}")
        (folder / f"Thanks_Log_FY{year}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def write_other_council(folder: str | Path) -> dict:
    """Write the export into ``folder`` and return the expected figures, counted independently.

    Returns
    -------
    dict
        ``complaints``, ``ombudsman``, ``compliments``: the truth records (pandas frames), and
        ``expected``: financial year -> figures (see :func:`expected_figures`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    complaints, ombudsman, compliments = complaint_records(rng), ombudsman_records(rng), compliment_records(rng)
    write_complaints(folder, complaints, rng)
    write_ombudsman(folder, ombudsman, rng)
    write_compliments(folder, compliments)
    return {"complaints": complaints, "ombudsman": ombudsman, "compliments": compliments,
            "expected": expected_figures(complaints, ombudsman, compliments)}


def expected_figures(complaints: pd.DataFrame, ombudsman: pd.DataFrame, compliments: pd.DataFrame) -> dict:
    """Per financial year, from the records with pandas alone: complaints (stage rows counted),
    by team and stage, Stage 1 to 2 escalations, staff attitude, compliments, Ombudsman enquiries
    and decisions. Rows with ``#N/A`` as their team are not counted (they are excluded)."""
    counted = complaints[~complaints["excluded"]]
    out = {}
    for year in YEARS:
        rows = counted[counted["fy"] == year]
        stage1 = set(rows.loc[rows["stage"] == 1, "ref"])
        later = set(counted.loc[counted["stage"] == 2, "ref"])
        decisions = ombudsman.loc[ombudsman["fy"] == year, "decision"]
        out[year] = {
            "complaints": len(rows),
            "by_team": rows["team"].value_counts().to_dict(),
            "by_stage": {s: int((rows["stage"] == s).sum()) for s in (1, 2, 3)},
            "by_procedure": rows["procedure"].value_counts().to_dict(),
            "stage1_complaints": len(stage1), "stage2_escalations": len(stage1 & later),
            "attitude": int((rows["category"] == "attitude or behaviour of staff").sum()),
            "by_outcome": rows["outcome"].value_counts().to_dict(),
            "compliments": int((compliments["fy"] == year).sum()),
            "ombudsman_enquiries": len(decisions),
            "ombudsman_decisions": decisions.value_counts().to_dict(),
        }
    return out


if __name__ == "__main__":
    written = write_other_council(sys.argv[1] if len(sys.argv) > 1 else "other_council")
    for year, figures in written["expected"].items():
        print(year, figures["complaints"], "complaints,", figures["compliments"], "compliments")
