"""The annual report's tables: counts by team, stage, category, outcome and complainant, and more.

Computed once per year from the loaded data (:func:`annual_tables`) and shown by the report,
written as CSV for Excel users, and summarised in ``summary.json``. Count tables end with a
"Total" row where one makes sense, so that suppression can protect small cells.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis import labels
from cfanalysis.analysis.counts import counts_by, escalation, in_financial_year, new_complaints
from cfanalysis.analysis.timeliness import timeliness_table
from cfanalysis.analysis.years import YearComparison
from cfanalysis.data.loader import Dataset

__all__ = ["OUTCOME_ORDER", "annual_tables", "year_on_year"]

OUTCOME_ORDER = ["upheld", "partially upheld", "not upheld", "withdrawn or resolved", "not recorded"]


def _with_total(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table.loc["Total"] = table.sum(numeric_only=True)
    return table


def _two_years(complaints: pd.DataFrame, years: YearComparison, column: str, name: str) -> pd.DataFrame:
    """Counts by ``column`` in the baseline year and the year, every group of either year."""
    fy, by = years.financial_year, years.baseline_year
    groups = sorted(set(in_financial_year(complaints, fy)[column].unique())
                    | set(in_financial_year(complaints, by)[column].unique()))
    table = pd.DataFrame({by: counts_by(complaints, by, column, groups=groups),
                          fy: counts_by(complaints, fy, column, groups=groups)})
    table.index.name = name
    return table


def _outcomes_by(year: pd.DataFrame, index: str, name: str) -> pd.DataFrame:
    """Outcomes (columns, in the usual order) by stage or team (rows), with totals both ways."""
    table = pd.crosstab(year[index], year["outcome"])
    if index == "stage":  # every stage, a year without one included: a missing row would say it is 0
        table = table.reindex([1, 2, 3, *[s for s in table.index if s not in (1, 2, 3)]], fill_value=0).astype("int64")
    columns = ([o for o in OUTCOME_ORDER if o in table.columns]
               + [o for o in table.columns if o not in OUTCOME_ORDER])
    table = table.reindex(columns=columns)
    table.columns = [col.capitalize() for col in table.columns]
    table["Total"] = table.sum(axis=1).astype("int64")
    table.index = [f"Stage {i}" if index == "stage" else str(i) for i in table.index]
    table.index.name = name
    return _with_total(table)


def _complainants(now: pd.DataFrame, before: pd.DataFrame, years: YearComparison) -> pd.DataFrame:
    table = pd.DataFrame({years.baseline_year: before["complainant_type"].value_counts(),
                          years.financial_year: now["complainant_type"].value_counts()}).fillna(0).astype(int)
    table = table.sort_values(years.financial_year, ascending=False, kind="stable")
    table.index = [str(i).capitalize() for i in table.index]
    table.index.name = "Complainant"
    return table


def _ombudsman(data: Dataset, financial_year: str) -> pd.DataFrame:
    decisions = in_financial_year(data.ombudsman, financial_year)["decision"].value_counts()
    table = pd.DataFrame({financial_year: decisions})
    table.index = [str(i).capitalize() for i in table.index]
    table.index.name = "Ombudsman decision"
    return _with_total(table) if len(table) else table


def new_complaint_tables(complaints: pd.DataFrame, years: YearComparison) -> dict[str, pd.DataFrame]:
    """The report's headline unit: new complaints (each once, as first received) by team, subject, complainant
    and outcome (the outcome at the last stage each reached), with totals.

    Names start ``new_complaints_``; the stage-case tables (``complaints_by_*``) are the workload.
    """
    last = (complaints.sort_values(["received_date", "stage"], kind="stable")
            .drop_duplicates("reference", keep="last").set_index("reference"))
    new = new_complaints(complaints)
    new = new.assign(outcome=new["reference"].map(last["outcome"]).to_numpy())
    fy, by = years.financial_year, years.baseline_year
    now, before = in_financial_year(new, fy), in_financial_year(new, by)
    by_category = _two_years(new, years, "category", "Category").sort_values(fy, ascending=False, kind="stable")
    by_category.index = pd.Index([labels.capitalised(i) for i in by_category.index], name="Category")
    return {"new_complaints_by_team": _with_total(_two_years(new, years, "team", "Team")),
            "new_complaints_by_category": _with_total(by_category),
            "new_complaints_outcomes_by_team": _outcomes_by(now, "team", "Team"),
            "new_complaints_by_complainant": _with_total(_complainants(now, before, years))}


def annual_tables(data: Dataset, years: YearComparison) -> dict[str, pd.DataFrame]:
    """Every table of the annual report, by name (also written as CSV for Excel users).

    When the baseline year has no data, each table shows the year only.
    """
    c, fy, by = data.complaints, years.financial_year, years.baseline_year
    now, before = in_financial_year(c, fy), in_financial_year(c, by)
    stages = pd.DataFrame({by: [int((before["stage"] == s).sum()) for s in (1, 2, 3)],
                           fy: [int((now["stage"] == s).sum()) for s in (1, 2, 3)]},
                          index=pd.Index(["Stage 1", "Stage 2", "Stage 3"], name="Stage"))
    by_category = _two_years(c, years, "category", "Category").sort_values(fy, ascending=False, kind="stable")
    by_category.index = pd.Index([labels.capitalised(i) for i in by_category.index], name="Category")
    tables = {
        "complaints_by_team": _with_total(_two_years(c, years, "team", "Team")),
        "complaints_by_stage": _with_total(stages),
        "complaints_by_category": _with_total(by_category),
        "outcomes_by_stage": _outcomes_by(now, "stage", "Stage"),
        "outcomes_by_team": _outcomes_by(now, "team", "Team"),
        "complainant_types": _with_total(_complainants(now, before, years)),
        "ombudsman_decisions": _ombudsman(data, fy),
        "timeliness_by_stage": timeliness_table(c, fy),
        "timeliness_by_team": timeliness_table(c, fy, by="team"),
    }
    tables.update(new_complaint_tables(c, years))
    if not years.has_baseline:  # nothing to compare with: show this year only
        tables = {name: t.drop(columns=[by], errors="ignore") for name, t in tables.items()}
    return tables


def year_on_year(data: Dataset, financial_year: str) -> pd.DataFrame:
    """This council's main figures for every year in the data up to ``financial_year``.

    Worked out from the data (never from earlier reports' files), so the table is the same
    however and wherever the reports are built.
    """
    rows = []
    for year in [y for y in data.financial_years if y <= financial_year]:
        rows.append({"Financial year": year,
                     "Complaints": len(in_financial_year(data.complaints, year)),
                     "Stage 2 escalation": escalation(data.complaints, year, from_stage=1)["rate"],
                     "Compliments": len(in_financial_year(data.compliments, year)),
                     "Ombudsman enquiries": len(in_financial_year(data.ombudsman, year))})
    return pd.DataFrame(rows).set_index("Financial year")
