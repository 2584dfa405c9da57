"""A second, differently shaped council for tests: nothing in common with the example but the
contract.

Eight teams none of which the example has, the financial years 2021-22 to 2023-24, other
headers (all accepted spellings of the contract), other values (stages written "Local
resolution" / "Investigation" / "Review panel", "Children Act 1989", "Partly upheld", "Family
time", ...), a compliments workbook with a title row, an Ombudsman file, events and commentary,
and the people a real export carries: names, addresses, emails and free text in dropped
columns, a wide tail of ordinary columns ("Closed", "Apology", "Email", "None"), and one
complainant's name typed by mistake into the team column.

The counts are fixed here (so a test can say which team rose most and by how much); dates and
the mix within each count come from a seeded generator. ``write_second_council(folder)``
writes the files; the constants below are what tests compare the reports with.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240331
AUTHORITY = "Harrowdene Borough Council (test data)"
TEAMS = ("Front Door", "Child Protection East", "Child Protection West", "Looked After Children",
         "Leaving Care Service", "Family Placement", "Children with Disabilities", "Edge of Care")
YEARS = ("2021-22", "2022-23", "2023-24")
# New complaints (Stage 1) per team and year: Child Protection East rises most in 2023-24.
NEW_COMPLAINTS = {
    "2021-22": (14, 9, 10, 12, 7, 6, 8, 5),
    "2022-23": (13, 8, 11, 11, 8, 7, 7, 6),
    "2023-24": (12, 22, 10, 10, 7, 6, 9, 5),
}
RISER = "Child Protection East"
COMPLIMENTS = {"2021-22": 41, "2022-23": 47, "2023-24": 52}
OMBUDSMAN = {"2021-22": 5, "2022-23": 6, "2023-24": 7}
# The council's own spellings, each accepted by the contract.
STAGES = {1: "Local resolution", 2: "Investigation", 3: "Review panel"}
PROCEDURES = ("Children Act 1989", "Corporate procedure")
CATEGORIES = ("Staff attitude", "Poor communication", "Delay", "Disagreement with decision", "Inaccurate records",
              "Family time", "Finance", "Service quality", "Policy")
OUTCOMES = ("Fully upheld", "Partly upheld", "Not justified", "Withdrawn by complainant")
COMPLAINANTS = ("Young person", "Parent/carer", "Foster carer", "Advocate", "Grandparent", "Professional")
SOURCES = ("Parent", "School", "Young person", "Colleague")
DECISIONS = ("Closed after initial enquiries", "Premature", "Upheld - maladministration and injustice",
             "Not upheld - no maladministration", "Advice given", "Not pursued")
EVENTS = (("03/10/2022", "Front Door", "Triage model introduced at the front door"),
          ("05/06/2023", "all", "Practice week on recording"),
          ("04/09/2023", RISER, "Two social work posts left vacant"))
FORENAMES = ("Sam", "Alex", "Jo", "Charlie", "Frankie", "Robin", "Kit", "Drew")
SURNAMES = ("Quillfeather", "Brackenridge", "Ostlewaite", "Pennicott", "Wraxhall", "Tunnicliffe")
STREETS = ("Gorsebrook Road", "Kestrel Way", "Millpond Close", "Yarrow Crescent")
# The complainant whose name is typed into the team column of one row (row MISTYPED_ROW of
# the complaints file, as Excel numbers it); the loader must exclude that row and publish nothing of it.
MISTYPED_NAME = "Frankie Wraxhall"
WIDE = {"Status": "Closed", "Remedy Type": "Apology", "Contact Method": "Email", "Escalation Flag": "None",
        "Advocate Involved": "Yes", "Priority": "Normal"}
COMMENTARY_YEAR = "2023-24"
COMMENTARY = ("## Compliments\n\nCompliments rose again; the service thanks the families, schools and young people "
              "who wrote in.\n")


def _day(rng: np.random.Generator, year: str) -> pd.Timestamp:
    start = pd.Timestamp(f"{year[:4]}-04-01")
    days = pd.bdate_range(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1))
    return days[int(rng.integers(len(days)))]


def _uk(date: pd.Timestamp) -> str:
    return f"{date:%d/%m/%Y}"


def complaints_frame(rng: np.random.Generator) -> pd.DataFrame:  # long: one row per stage, people included
    """Every stage row, with the personal-data columns a real export has."""
    rows, number = [], 0
    for year, counts in NEW_COMPLAINTS.items():
        for team, count in zip(TEAMS, counts):
            for _ in range(count):
                number += 1
                received = _day(rng, year)
                person = f"{FORENAMES[number % len(FORENAMES)]} {SURNAMES[number % len(SURNAMES)]}"
                common = {"Complaint Reference": f"HBC/{year[:4]}/{number:04d}",
                          "Procedure Type": PROCEDURES[int(rng.random() < 0.2)],
                          "Complaint Category": CATEGORIES[int(rng.integers(len(CATEGORIES)))],
                          "Relationship to Child": COMPLAINANTS[int(rng.integers(len(COMPLAINANTS)))],
                          "Team Name": team, "Complainant Name": person,
                          "Address": f"{int(rng.integers(1, 90))} {STREETS[number % len(STREETS)]}, Harrowdene",
                          "Email Address": f"{person.split()[0].lower()}{number}@example.invalid",
                          "Summary": f"TEST DATA free text {number}: what went wrong, in the family's words.",
                          **WIDE}
                stages = 1 + int(rng.random() < 0.09) + int(rng.random() < 0.02)
                for stage in range(1, stages + 1):
                    responded = received + pd.offsets.BDay(int(rng.integers(4, 22 if stage == 1 else 60)))
                    rows.append({**common, "Complaint Stage": STAGES[stage], "Date Logged": _uk(received),
                                 "Complaint Outcome": OUTCOMES[int(rng.integers(len(OUTCOMES)))],
                                 "Response Date": _uk(responded)})
                    received = responded + pd.offsets.BDay(int(rng.integers(2, 8)))
    order = ["Complaint Reference", "Date Logged", "Team Name", "Complaint Stage", "Procedure Type",
             "Complaint Category", "Complaint Outcome", "Response Date", "Relationship to Child",
             "Complainant Name", "Address", "Email Address", "Summary", *WIDE]
    frame = pd.DataFrame(rows)[order].sort_values(["Date Logged"], key=lambda d: pd.to_datetime(d, dayfirst=True),
                                                  kind="stable").reset_index(drop=True)
    # One complainant's name typed into the team column of a Stage 1 row of the last year.
    row = frame.index[(frame["Complainant Name"] == MISTYPED_NAME) & (frame["Complaint Stage"] == STAGES[1])
                      & (frame["Team Name"] != RISER)][-1]
    frame.loc[row, "Team Name"] = MISTYPED_NAME
    return frame


def compliments_frame(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year, count in COMPLIMENTS.items():
        for k in range(count):
            rows.append({"Compliment Ref": f"CMP-{year[:4]}-{k + 1:03d}", "Date of Compliment": _day(rng, year),
                         "Service Team": TEAMS[int(rng.integers(len(TEAMS)))],
                         "Received From Type": SOURCES[int(rng.integers(len(SOURCES)))],
                         "Sender Name": f"{FORENAMES[k % len(FORENAMES)]} {SURNAMES[(k + 2) % len(SURNAMES)]}"})
    return pd.DataFrame(rows).sort_values("Date of Compliment", kind="stable").reset_index(drop=True)


def ombudsman_frame(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year, count in OMBUDSMAN.items():
        for k in range(count):
            rows.append({"Ombudsman Reference": f"{year[2:4]}0{k + 1}{int(rng.integers(1000, 9999))}",
                         "Enquiry Date": _uk(_day(rng, year)), "Team Name": TEAMS[int(rng.integers(len(TEAMS)))],
                         "LGSCO Decision": DECISIONS[k % len(DECISIONS)], "Subject": "", "Remedy Agreed": ""})
    return pd.DataFrame(rows)


def write_second_council(folder: str | Path) -> Path:
    """Write the second council's files into ``folder`` (created) and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    complaints_frame(rng).to_csv(folder / "complaints.csv", index=False, encoding="utf-8")
    with pd.ExcelWriter(folder / "compliments.xlsx") as writer:
        pd.DataFrame([["Compliments register (TEST DATA)"]]).to_excel(writer, sheet_name="Register", index=False,
                                                                    header=False)
        compliments_frame(rng).to_excel(writer, sheet_name="Register", index=False, startrow=2)
    ombudsman_frame(rng).to_csv(folder / "ombudsman.csv", index=False, encoding="cp1252")
    pd.DataFrame(EVENTS, columns=["Event Date", "Service Team", "What Changed"]).to_csv(
        folder / "events.csv", index=False)
    (folder / f"commentary-{COMMENTARY_YEAR}.md").write_text(COMMENTARY, encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps({
        "synthetic": True, "authority": AUTHORITY,
        "description": "Test data made by tests/second_council.py; no real person or complaint.",
        "contact": "Children's complaints team (test data): complaints@harrowdene.invalid"}, indent=2) + "\n",
        encoding="utf-8")
    return folder


def raw_complaints(folder: str | Path) -> pd.DataFrame:
    """The complaints file as written, read back plainly (for counts made independently of the loader)."""
    frame = pd.read_csv(Path(folder) / "complaints.csv", dtype=str)
    received = pd.to_datetime(frame["Date Logged"], dayfirst=True)
    start = received.dt.year - (received.dt.month < 4)
    frame["financial_year"] = start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)
    return frame
