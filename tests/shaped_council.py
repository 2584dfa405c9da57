"""A differently shaped council's data, written by code: other teams, other years, other headers.

Used by the disclosure tests to check the public build on data that are not the example's: five
teams with other names (one very small), two financial years (2021-22 and 2022-23), ISO dates,
other header spellings and a compliments file with its own headers. Seeded, so it is the same
every time.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from tests.conftest import write_csv

TEAMS = {"Front Door": 30, "Permanence": 22, "Leaving Care 16 Plus": 14, "Short Breaks": 6, "Edge of Care": 3}
CATEGORIES = ["Staff attitude", "Poor communication", "Delay or failure to act", "Quality of service",
              "Disagreement with a decision"]
OUTCOMES = ["Fully upheld", "Partly upheld", "Not upheld", "Withdrawn"]
COMPLAINANTS = ["Parent", "Young person", "Foster carer", "Advocate"]


def write_shaped_council(folder: Path, *, seed: int = 7) -> Path:
    """Write complaints.csv and compliments.csv for a council shaped unlike the example."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    complaints = [["Complaint Reference", "Received On", "Team Responsible", "Complaint Stage", "Complaint Type",
                   "Complaint Category", "Complaint Outcome", "Response Sent", "Type of Complainant"]]
    compliments = [["Compliment Ref", "Date of Compliment", "Service Team"]]
    number = 0
    for start in (2021, 2022):
        first = dt.date(start, 4, 1)
        for team, per_year in TEAMS.items():
            for _ in range(per_year + rng.randint(-2, 2)):
                number += 1
                received = first + dt.timedelta(days=rng.randrange(360))
                stage, reference = 1, f"FD-{number:05d}"
                while True:
                    responded = received + dt.timedelta(days=rng.randint(3, 30 if stage == 1 else 60))
                    complaints.append([reference, received.isoformat(), team, f"Stage {stage}",
                                       rng.choice(["Statutory", "Corporate"]), rng.choice(CATEGORIES),
                                       rng.choice(OUTCOMES), responded.isoformat(), rng.choice(COMPLAINANTS)])
                    if stage == 3 or rng.random() > 0.12:
                        break
                    stage, received = stage + 1, responded + dt.timedelta(days=rng.randint(1, 10))
            for _ in range(max(1, per_year // 2 + rng.randint(-2, 2))):
                number += 1
                compliments.append([f"CP{number}", (first + dt.timedelta(days=rng.randrange(360))).isoformat(), team])
    write_csv(folder / "complaints.csv", complaints)
    write_csv(folder / "compliments.csv", compliments)
    return folder
