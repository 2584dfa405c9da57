"""Seeded generator of the synthetic example data in ``data/example/``.

The files look like real council exports (varied headers, UK dates, a title row above an Excel
header, a Windows-1252 CSV, personal-data columns that the loader must drop) and are calibrated
so that, under the definitions in ``data/README.md``, they reproduce the figures of the 2019-20
source report exactly. Counts that the report quotes are fixed here; dates, the order of rows
and the mix within each count come from a seeded generator, so the files regenerate byte for
byte: ``cfanalysis example-data --out data/example``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from cfanalysis.periods import parse_financial_year
from cfanalysis.periods import add_working_days, working_day_calendar

__all__ = ["EXAMPLE_SEED", "write_example_data", "write_synthetic_log"]

EXAMPLE_SEED = 20200331
TEAMS = ("Duty Team", "Child in Need and Child Protection", "Children in Care", "Care Leavers",
         "Fostering", "Disabled Children")

# Complaint records (all stages) per team and year. The Duty Team's 2019-20 rise (8 -> 20) is
# the one the panel was told about; every other team moves by chance alone.
TEAM_RECORDS = {
    "2017-18": (9, 29, 21, 14, 15, 16),
    "2018-19": (8, 28, 20, 13, 15, 14),
    "2019-20": (20, 22, 16, 10, 12, 12),
}
# Rows received at Stage 1, 2 and 3 in each year. Stage 1 to 2 escalation: 8/94, 8/88 = 9%,
# 6/85 = 7%; the totals fall from 104 to 98 to 92.
STAGE_ROWS = {"2017-18": (94, 8, 2), "2018-19": (88, 8, 2), "2019-20": (85, 6, 1)}
COMPLIMENTS = {"2017-18": 40, "2018-19": 36, "2019-20": 53}
OMBUDSMAN = {
    "2017-18": {"Closed after initial enquiries": 2, "Premature": 1, "Not upheld": 1},
    "2018-19": {"Upheld": 1, "Closed after initial enquiries – no further action": 3, "Premature": 1},
    "2019-20": {"Upheld": 1, "Not upheld": 1, "Closed after initial enquiries – no further action": 3,
                "Complainant did not pursue": 1},
}
# What the Ombudsman's upheld cases were about and the remedy agreed (optional columns; blank for
# the other decisions, as real logs usually are). Fixed, so no random draw moves the other files.
OMBUDSMAN_UPHELD = {
    "2018-19": ("Communication", "Apology, and £150 for the time and trouble of complaining"),
    "2019-20": ("Delay or failure to act", "Apology, £300 for distress, and a review of how long "
                                           "assessments wait for allocation"),
}
# Where the comparators come from, what they count and why the rate base fits (comparators.json).
COMPARATORS_INFO = {
    "source": "Synthetic figures made by cfanalysis for the example; a real file would name the "
              "published source, such as each council's annual complaints report or a regional "
              "benchmarking club return.",
    "financial_years": ["2018-19", "2019-20"],
    "definition": "Complaints: complaints under the statutory children's social care and corporate "
                  "procedures received in the financial year, each counted once (new complaints). Upheld: "
                  "those of them upheld in full or in part.",
    "unit": "new complaints",
    "denominator": "Children in need: children in need on 31 March (Department for Education, "
                   "Characteristics of children in need).",
    "rate_base": "Most complaints to Children's Services come from or about children known to social "
                 "care, so the number of children in need measures how many families could complain "
                 "better than the whole child population does.",
}
# Shares within each year, apportioned exactly (largest remainder) and then shuffled.
CATEGORY_SHARES = {
    "Attitude/behaviour of staff": 0.27, "Communication": 0.15, "Quality of service": 0.12,
    "Delay or failure to act": 0.12, "Disagreement with decision": 0.12,
    "Inaccurate information": 0.07, "Contact arrangements": 0.06, "Policy or procedure": 0.04,
    "Financial support": 0.03, "Complaint handling": 0.02,
}
OUTCOME_SHARES = {"Upheld": 0.25, "Partially upheld": 0.20, "Not upheld": 0.50, "Withdrawn": 0.05}
COMPLAINANT_SHARES = {
    "Parent": 0.58, "Child/young person": 0.10, "Advocate": 0.07, "Foster carer": 0.09,
    "Care leaver": 0.06, "Special guardian": 0.04, "Grandparent": 0.04, "Other": 0.02,
}
SOURCE_SHARES = {"Parent/carer": 0.45, "Partner agency": 0.30, "Young person": 0.15, "Colleague": 0.10}
# Calendar-month weights, April first: a mild dip in August and December.
SEASON = np.array([1.0, 1.05, 1.0, 1.0, 0.7, 1.0, 1.1, 1.05, 0.75, 1.05, 1.1, 1.1])
# The Duty Team's new level arrives in the autumn of 2019.
DUTY_2019_SHAPE = np.array([0.5, 0.5, 0.6, 0.6, 0.5, 1.3, 1.6, 1.6, 1.3, 1.7, 1.6, 1.6])
FAKE_NAMES = ("Alexis Testperson", "Jordan Fakename", "Morgan Sampleton", "Casey Notreal",
              "Riley Madeup", "Taylor Invented", "Jamie Placeholder", "Robin Fictional")
FAKE_STREETS = ("1 Example Street", "22 Sample Road", "5 Synthetic Lane", "17 Imaginary Close")
# Dated changes to the service, as the source minutes describe them (synthetic wording). The
# newsletter began with the year in which compliments rose from 36 to 53; the duty rota came two
# months before the Duty Team's complaints reached their new level.
EVENTS = (
    ("2017-11-06", "Fostering", "Support line for foster carers opened"),
    ("2018-09-03", "all", "New complaints leaflet for children and young people"),
    ("2019-04-01", "all", "Celebration Newsletter began"),
    ("2019-09-02", "Duty Team", "New duty rota"),
    ("2020-01-06", "all", "Training on staff attitude and behaviour began"),
)
# The officer's commentary on the 2019-20 reports: one '## ' heading per report section (those of
# report 03; report 02's sections are left alone, since 02 may be run for any team).
COMMENTARY_FILE = "commentary-2019-20.md"
COMMENTARY = """# Commentary from the service, 2019-20 (SYNTHETIC)

## The year in figures

Complaints fell again this year, for the second year running, and compliments rose.

## Why complaints to the team changed

The Duty Team's complaints rose. The monthly figures were examined with the team manager to see
whether the rise matched problems in how the service was delivered; there was **no immediate
explanation**. A new duty rota began in September 2019, and we will keep watching the monthly
chart.

## Staff attitude

A high proportion of complaints were again about the attitude or behaviour of staff. Work is
underway:

- training on staff attitude and behaviour began for front-line teams in January 2020;
- learning from upheld complaints goes to team managers each quarter.

## Compliments

Compliments rose, *possibly due to the Celebration Newsletter*, which began in April 2019 and
shares the thanks the service receives with every team. We will keep recording compliments the
same way so that next year's figures can be compared fairly.
"""
AUTHORITY = "Example Council (synthetic)"
DATASET_NAME = "dataset.json"


def _apportion(shares: dict[str, float], total: int) -> list[str]:
    """Exactly ``total`` labels in the given shares (largest remainder), in label order."""
    labels = list(shares)
    raw = np.array([shares[k] for k in labels]) * total / sum(shares.values())
    counts = np.floor(raw).astype(int)
    for index in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[index] += 1
    return [label for label, n in zip(labels, counts) for _ in range(n)]


def _working_day_in_month(rng: np.random.Generator, month: pd.Period, calendar) -> pd.Timestamp:
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq=calendar)
    return days[rng.integers(len(days))]


def _month_of_chain(rng, weights: np.ndarray, latest: int) -> int:
    """A month index (0 = April) drawn from ``weights`` among the first ``latest + 1`` months."""
    w = weights[: latest + 1] / weights[: latest + 1].sum()
    return int(rng.choice(latest + 1, p=w))


def _complaints(rng: np.random.Generator, calendar) -> pd.DataFrame:
    rows = []
    for year, team_totals in TEAM_RECORDS.items():
        start = parse_financial_year(year)
        months = pd.period_range(f"{start}-04", periods=12, freq="M")
        stage1, stage2, stage3 = STAGE_ROWS[year]
        chain_lengths = [3] * stage3 + [2] * (stage2 - stage3) + [1] * (stage1 - stage2)
        # Give each chain a team so that every team's row total is exact.
        capacity = dict(zip(TEAMS, team_totals))
        chain_team = []
        for length in chain_lengths:
            # The Duty Team's complaints are never escalated, so its rise reads the same whether
            # complaints are counted once (new complaints) or at every stage (8 -> 20 either way).
            fits = [t for t in TEAMS if capacity[t] >= length and not (length > 1 and t == "Duty Team")]
            weights = np.array([capacity[t] for t in fits], dtype=float)
            team = fits[int(rng.choice(len(fits), p=weights / weights.sum()))]
            capacity[team] -= length
            chain_team.append(team)
        assert not any(capacity.values()), capacity
        categories = _apportion(CATEGORY_SHARES, len(chain_lengths))
        outcomes = _apportion(OUTCOME_SHARES, sum(chain_lengths))
        complainants = _apportion(COMPLAINANT_SHARES, len(chain_lengths))
        for order in (categories, outcomes, complainants):
            rng.shuffle(order)
        outcome_iter = iter(outcomes)
        for number, (length, team) in enumerate(zip(chain_lengths, chain_team), start=1):
            weights = DUTY_2019_SHAPE * SEASON if (team == "Duty Team" and year == "2019-20") else SEASON
            # Escalated complaints start early enough for every stage to fall in the same year.
            month = _month_of_chain(rng, weights, latest={1: 11, 2: 7, 3: 3}[length])
            received = _working_day_in_month(rng, months[month], calendar)
            procedure = "Statutory" if length == 3 or rng.random() < 0.78 else "Corporate"
            for stage in range(1, length + 1):
                limit = {1: (10, 20), 2: (25, 65), 3: (30, 50)}[stage]
                late = rng.random()
                days = (int(rng.integers(3, limit[0] + 1)) if late < 0.68
                        else int(rng.integers(limit[0] + 1, limit[1] + 1)) if late < 0.92
                        else int(rng.integers(limit[1] + 1, limit[1] + 15)))
                responded = add_working_days(received, days, calendar)
                rows.append({
                    "Ref": f"CS{start % 100:02d}{number:04d}",
                    "Date Received": received,
                    "Service Area": team,
                    "Stage": rng.choice(["Stage 1", "Stage One", "S1", "1"], p=[0.7, 0.1, 0.1, 0.1])
                    .replace("1", str(stage)).replace("One", ("One", "Two", "Three")[stage - 1]),
                    "Procedure": procedure,
                    "Nature of complaint": categories[number - 1],
                    "Outcome": next(outcome_iter),
                    "Date Responded": responded,
                    "Complainant Type": complainants[number - 1],
                    "Complainant Name": FAKE_NAMES[int(rng.integers(len(FAKE_NAMES)))],
                    "Address": FAKE_STREETS[int(rng.integers(len(FAKE_STREETS)))] + ", Exampletown",
                    "Details": "SYNTHETIC free text: the complainant describes what went wrong.",
                })
                received = add_working_days(responded, int(rng.integers(5, 20)), calendar)
    frame = pd.DataFrame(rows).sort_values(["Date Received", "Ref", "Stage"], kind="stable")
    # The Duty Team was called "Duty & Assessment" until 2018; team_aliases.csv maps the old name.
    old_name = (frame["Service Area"] == "Duty Team") & (frame["Date Received"] < "2018-04-01")
    frame.loc[old_name, "Service Area"] = "Duty & Assessment"
    return frame.reset_index(drop=True)


def _compliments(rng: np.random.Generator, calendar) -> pd.DataFrame:
    rows = []
    for year, total in COMPLIMENTS.items():
        months = pd.period_range(f"{parse_financial_year(year)}-04", periods=12, freq="M")
        sources = _apportion(SOURCE_SHARES, total)
        rng.shuffle(sources)
        for source in sources:
            rows.append({
                "Date Received": _working_day_in_month(rng, months[_month_of_chain(rng, SEASON, 11)],
                                                       calendar).to_pydatetime(),
                "Team": TEAMS[int(rng.integers(len(TEAMS)))],
                "Source": source,
                "Compliment From": FAKE_NAMES[int(rng.integers(len(FAKE_NAMES)))],
                "Comments": "SYNTHETIC free text: thank you for your help.",
            })
    return pd.DataFrame(rows).sort_values("Date Received", kind="stable").reset_index(drop=True)


def _ombudsman(rng: np.random.Generator, calendar) -> pd.DataFrame:
    rows = []
    for year, decisions in OMBUDSMAN.items():
        start = parse_financial_year(year)
        months = pd.period_range(f"{start}-04", periods=12, freq="M")
        labels = [d for d, n in decisions.items() for _ in range(n)]
        rng.shuffle(labels)
        for number, decision in enumerate(labels, start=1):
            category, remedy = OMBUDSMAN_UPHELD.get(year, ("", "")) if decision == "Upheld" else ("", "")
            rows.append({
                "LGSCO Ref": f"{start % 100:02d}{number:03d}{int(rng.integers(100, 999))}",
                "Date Received": _working_day_in_month(rng, months[int(rng.integers(12))], calendar),
                "Service Area": TEAMS[int(rng.integers(len(TEAMS)))],
                "Decision": decision,
                "Category": category,
                "Remedy": remedy,
            })
    return pd.DataFrame(rows).sort_values("Date Received", kind="stable").reset_index(drop=True)


def _activity(rng: np.random.Generator) -> pd.DataFrame:
    base = {"Duty Team": (950, 180, 1.0), "Child in Need and Child Protection": (0, 620, 2.0),
            "Children in Care": (0, 310, 1.0), "Care Leavers": (0, 190, 0.5),
            "Fostering": (0, 140, 0.5), "Disabled Children": (0, 160, 0.5)}
    rows = []
    for month in pd.period_range("2017-04", "2020-03", freq="M"):
        trend = 1 + 0.01 * ((month - pd.Period("2017-04", "M")).n / 12)
        for team, (contacts, cases, vacancies) in base.items():
            rows.append({
                "Month": month.strftime("%b-%y"),
                "Team": team,
                "Contacts": int(rng.poisson(contacts * trend * SEASON[(month.month - 4) % 12]))
                if contacts else "",
                "Open Cases": int(rng.poisson(cases * trend)),
                "Staff Vacancies (FTE)": float(max(0.0, round(vacancies + rng.normal(0, 0.5), 1))),
                "Manager Notes": "SYNTHETIC free text: staffing notes.",
            })
    return pd.DataFrame(rows)


def _comparators(rng: np.random.Generator, measures: np.random.Generator, complaints: pd.DataFrame) -> pd.DataFrame:
    """Comparators' new complaints, children in need and upheld (from ``rng``), and the Ombudsman's published
    measures (from their own generator ``measures``, so adding them changed no other figure). The example
    council's own row counts its new complaints in ``complaints`` (each reference once, in its year)."""
    first = complaints.drop_duplicates("Ref")
    own = first["Ref"].str[2:4].map(lambda yy: f"20{yy}-{int(yy) + 1:02d}").value_counts()
    rows = []
    names = [AUTHORITY] + [f"Comparator {chr(ord('A') + i)} (synthetic)" for i in range(15)]
    for year in ("2018-19", "2019-20"):
        for name in names:
            children_in_need = int(rng.integers(1800, 7000)) if name != AUTHORITY else 2600
            rate = rng.gamma(20, 0.0018)  # about 36 complaints per 1,000 children in need
            complaints = (int(own.get(year, 0)) if name == AUTHORITY
                          else int(rng.poisson(children_in_need * rate)))
            rows.append({"Local Authority": name, "Financial Year": year, "Complaints": complaints,
                         "Children in Need": children_in_need,
                         "Upheld": int(round(complaints * rng.uniform(0.15, 0.35))),
                         "LGSCO Upheld Percent": int(measures.integers(50, 95)),
                         "LGSCO Compliance Percent": int(measures.choice([90, 95, 100, 100, 100])),
                         "LGSCO Satisfactory Remedy Percent": int(measures.integers(0, 35))})
    return pd.DataFrame(rows)


# Each action: theme, owner, status, what changed, and the team and year of the complaint it came
# from. The Duty Team's two actions of 2018-19 were both complete before its 2019-20 rise.
ACTIONS = (
    ("Communication", "Duty Team manager", "Complete",
     "Duty workers now confirm by letter what was agreed on the phone within two working days.",
     "Duty Team", "2018-19"),
    ("Attitude or behaviour of staff", "Head of Service", "Complete",
     "Reflective practice session for the Duty Team on difficult conversations with families.",
     "Duty Team", "2018-19"),
    ("Recording", "Practice Standards lead", "In progress",
     "Case-recording guidance updated so decisions and the reasons for them are written up the same day.",
     "Child in Need and Child Protection", "2018-19"),
    ("Delay", "Fostering team manager", "Complete",
     "Foster carer allowance queries now have a named contact and a five-day reply target.",
     "Fostering", "2019-20"),
    ("Communication", "Children in Care team manager", "In progress",
     "Social workers tell families the name of their new worker before a case transfers.",
     "Children in Care", "2019-20"),
    ("Contact arrangements", "Contact service manager", "Complete",
     "Contact timetables are sent to parents a week ahead, with a number to call for changes.",
     "Children in Care", "2019-20"),
)


def _actions(complaints: pd.DataFrame) -> pd.DataFrame:
    """Learning actions, each linked to a complaint of its team and year (upheld ones first).

    Its own seed, so the other files are unaffected; a complaint is used for one action only.
    """
    rng = np.random.default_rng(EXAMPLE_SEED + 1)
    first = complaints.drop_duplicates("Ref")
    year = first["Ref"].str[2:4].map(lambda yy: f"20{yy}-{int(yy) + 1:02d}")
    upheld = first["Outcome"].isin(["Upheld", "Partially upheld"])
    used, rows = set(), []
    for theme, owner, status, action, team, financial_year in ACTIONS:
        mine = first[(first["Service Area"] == team) & (year == financial_year) & ~first["Ref"].isin(used)]
        pool = mine[upheld.loc[mine.index]] if upheld.loc[mine.index].any() else mine
        ref = pool["Ref"].iloc[int(rng.integers(len(pool)))]
        used.add(ref)
        rows.append({"Complaint Ref": ref, "Learning Theme": theme, "Action Taken": action,
                     "Action Owner": owner, "Status": status})
    return pd.DataFrame(rows)


def _csv_bytes(frame: pd.DataFrame, *, encoding: str, date_columns=()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(frame.columns)
    for record in frame.itertuples(index=False):
        writer.writerow([v.strftime("%d/%m/%Y") if c in date_columns else v
                         for c, v in zip(frame.columns, record)])
    return out.getvalue().encode(encoding)


def _xlsx_bytes(frame: pd.DataFrame, title: str) -> bytes:
    """An .xlsx with a title row above the header, normalised so it is byte-for-byte stable."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Compliments"
    sheet.append([title])
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append(list(record))
    for cell in sheet["A"][2:]:
        cell.number_format = "DD/MM/YYYY"
    fixed = datetime(2020, 4, 1)
    book.properties.created = book.properties.modified = fixed
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps each zip entry with the current time; rewrite them with a fixed one.
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2020, 4, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" to now on save
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-04-01T00:00:00Z", content)
            target.writestr(entry, content)
    return stable.getvalue()


def _with_costs(complaints: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The complaints with what each Stage 2 investigation (an independent investigating officer and an
    independent person) and Stage 3 review panel (three independent members) cost, in pounds, on its
    row; Stage 1 rows blank, and about one case in ten with no cost recorded.

    Its own generator, so no other column or file changes when costs are added."""
    stage = complaints.groupby("Ref").cumcount() + 1  # the rows of a complaint run Stage 1, 2, 3 in date order
    costs = []
    for number in stage:
        low, high = {1: (0, 0), 2: (2400, 5600), 3: (900, 1800)}[int(number)]
        draw, blank = int(rng.integers(low // 10, high // 10 + 1)) * 10, rng.random() < 0.1
        costs.append("" if number == 1 or blank else draw)
    out = complaints.copy()
    out.insert(out.columns.get_loc("Complainant Type") + 1, "Investigation Cost (£)", costs)
    return out


def write_example_data(out_dir: str | Path, *, seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write the synthetic example data set to ``out_dir`` and return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    calendar = working_day_calendar()
    complaints = _complaints(rng, calendar)
    files = {
        "complaints.csv": _csv_bytes(_with_costs(complaints, np.random.default_rng(seed + 2)), encoding="utf-8-sig",
                                     date_columns=("Date Received", "Date Responded")),
        "compliments.xlsx": _xlsx_bytes(_compliments(rng, calendar),
                                        "Children's Services compliments log - SYNTHETIC DATA"),
        "ombudsman.csv": _csv_bytes(_ombudsman(rng, calendar), encoding="cp1252",
                                    date_columns=("Date Received",)),
        "activity.csv": _csv_bytes(_activity(rng), encoding="utf-8"),
        "comparators.csv": _csv_bytes(_comparators(rng, np.random.default_rng(seed + 1), complaints), encoding="utf-8"),
        "comparators.json": (json.dumps(COMPARATORS_INFO, indent=2) + "\n").encode("utf-8"),
        "actions.csv": _csv_bytes(_actions(complaints), encoding="utf-8"),
        "team_aliases.csv": b"alias,team\r\nDuty & Assessment,Duty Team\r\n",
        "events.csv": _csv_bytes(pd.DataFrame(EVENTS, columns=["Date", "Team", "Description"]).assign(
            Date=lambda f: pd.to_datetime(f["Date"])), encoding="utf-8", date_columns=("Date",)),
        COMMENTARY_FILE: COMMENTARY.encode("utf-8"),
        "dataset.json": (json.dumps({
            "synthetic": True,
            "description": "Synthetic example data made by cfanalysis.example_data; no real person "
                           "or complaint. Calibrated to the 2019-20 source report.",
            "authority": AUTHORITY,
            "contact": "Complaints and Representations Team, Example Council (synthetic): "
                       "complaints@example.invalid",
            "seed": seed,
            "financial_years": list(TEAM_RECORDS),
        }, indent=2) + "\n").encode("utf-8"),
    }
    written = []
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        written.append(out_dir / name)
    return written



def write_synthetic_log(out_dir: str | Path, *, first_year: int = 2015, years: int = 5,
                        complaints_per_year: int = 100, authorities: int = 1,
                        seed: int = EXAMPLE_SEED) -> list[Path]:
    """A plain synthetic data folder of any size, for benchmarks (not calibrated to the report).

    With ``authorities`` > 1 each team name is prefixed by its authority ("LA 017 Duty Team"),
    giving the national-scale log of issue 4: 150 authorities x 10 years x 670 a year is about
    1,000,000 complaint rows. Complaints are written as a UTF-8 CSV with UK dates.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    calendar_days = pd.date_range(f"{first_year}-04-01", f"{first_year + years}-03-31", freq="B")
    n = complaints_per_year * years * authorities
    teams = np.array([f"LA {a:03d} {t}" if authorities > 1 else t for a in range(authorities) for t in TEAMS])
    authority = rng.integers(authorities, size=n)
    team_index = authority * len(TEAMS) + rng.integers(len(TEAMS), size=n)
    received = calendar_days[rng.integers(len(calendar_days), size=n)].sort_values()
    responded = received + pd.to_timedelta(rng.integers(1, 40, size=n), unit="D")
    stage = np.where(rng.random(n) < 0.92, 1, 2)
    categories = np.array(list(CATEGORY_SHARES))
    outcomes = np.array(list(OUTCOME_SHARES))
    frame = pd.DataFrame({
        "Ref": [f"S{i:07d}" for i in range(n)],
        "Date Received": received.strftime("%d/%m/%Y"),
        "Service Area": teams[team_index],
        "Stage": stage,
        "Procedure": np.where(rng.random(n) < 0.78, "Statutory", "Corporate"),
        "Nature of complaint": categories[rng.integers(len(categories), size=n)],
        "Outcome": outcomes[rng.integers(len(outcomes), size=n)],
        "Date Responded": responded.strftime("%d/%m/%Y"),
        "Complainant Name": FAKE_NAMES[0],
    })
    # Stage 2 rows escalate an earlier Stage 1 complaint: give them a Stage 1 reference.
    stage2 = np.flatnonzero(stage == 2)
    earlier = np.flatnonzero(stage == 1)
    if len(earlier):
        frame.loc[stage2, "Ref"] = frame["Ref"].to_numpy()[earlier[np.searchsorted(earlier, stage2) - 1]]
        frame = frame.drop_duplicates(subset=["Ref", "Stage"])
    frame.to_csv(out_dir / "complaints.csv", index=False)
    months = pd.period_range(f"{first_year}-04", periods=12 * years, freq="M")
    activity = pd.DataFrame([{"Month": m.strftime("%b-%y"), "Team": team,
                              "Contacts": int(rng.poisson(900)), "Open Cases": int(rng.poisson(200))}
                             for m in months for team in teams[: len(TEAMS) * min(authorities, 1)]])
    activity.to_csv(out_dir / "activity.csv", index=False)
    (out_dir / DATASET_NAME).write_text(json.dumps({"synthetic": True, "seed": seed}) + "\n")
    return [out_dir / "complaints.csv", out_dir / "activity.csv", out_dir / DATASET_NAME]
