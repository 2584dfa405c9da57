"""Files a run writes besides the HTML: the annual report's CSV tables and ``summary.json``.

Both are written from the year's :class:`cfanalysis.analysis.figures.AnnualFigures`, the same
object the report shows, checked by the personal-data guard, and written aside then renamed,
so a reader never sees half a file and a failed run never replaces the last good one.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cfanalysis import words
from cfanalysis.analysis.figures import AnnualFigures
from cfanalysis.analysis.timeliness import TIMESCALES
from cfanalysis.publish.annual import TABLE_KINDS, timeliness_shown
from cfanalysis.publish.disclosure import DisclosurePolicy, PublishedCell, Relation, cell_key, disclosure_policy
from cfanalysis.publish.guard import PersonalDataGuard, safe_csv_text
from cfanalysis.publish.provenance import git_commit, package_version

__all__ = ["period_record", "register_identities", "summary_record", "summary_text", "table_texts", "write_aside",
           "write_summary", "write_tables"]


def write_aside(path: Path, text: str) -> None:
    """Write to a temporary name, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _checked_write(path: Path, text: str, guard: PersonalDataGuard | None) -> Path:
    if guard is not None:
        guard.check(text, where=str(path))
    write_aside(path, text)
    return path


def table_texts(figures: AnnualFigures, policy: DisclosurePolicy) -> dict[str, str]:
    """The annual report's tables as CSV text (``<year>/tables/<name>.csv`` -> text), masked by
    ``policy`` exactly as the report's HTML tables are, each cell registered under the same key.

    Empty when the baseline year has no data (the tables compare two years).
    """
    if not figures.years.has_baseline:
        return {}
    fy = figures.years.financial_year
    texts = {}
    for name, table in figures.tables.items():
        where = f"{fy}/tables/{name}.csv"
        if name.startswith("timeliness"):
            text = safe_csv_text(timeliness_shown(table, policy, name=name, year=fy,
                                                  stage_counts=figures.now.by_stage), index=False)
        else:
            shown = policy.mask(table, kind=TABLE_KINDS.get(name, "complaints"),
                                total_column="Total" if "Total" in table.columns else None, name=name, year=fy,
                                where=where)
            text = safe_csv_text(shown.text())
        texts[where] = text
    return texts


def write_tables(figures: AnnualFigures, out_dir: Path, *, policy: DisclosurePolicy | None = None,
                 guard: PersonalDataGuard | None = None) -> list[Path]:
    """The annual report's tables as CSV for Excel users, masked and safe to open (:func:`table_texts`)."""
    texts = table_texts(figures, policy or disclosure_policy())
    if guard is not None:  # every table is checked before the first is written
        for where, text in texts.items():
            guard.check(text, where=where)
    return [_checked_write(out_dir / where, text, None) for where, text in texts.items()]


def register_identities(policy: DisclosurePolicy, figures: AnnualFigures) -> None:
    """The relations between the year's tables a reader knows: every table of complaints adds up
    to the same stage cases, a stage's row in the outcomes table to that stage's count, a team's
    outcomes to its complaints (so a figure hidden in one table cannot be read off another)."""
    fy, by = figures.years.financial_year, figures.years.baseline_year
    where = f"{fy}: the tables add up to the same totals"
    add = lambda a, b: policy.ledger.relations.append(Relation(a, (b,), where))  # noqa: E731
    for year in (fy, by) if figures.years.has_baseline else (fy,):
        for name in ("complaints_by_team", "complaints_by_stage", "complaints_by_category", "complainant_types"):
            add(f"complaints@{year}", cell_key(name, "Total", year, year))
        for stage in (1, 2, 3):
            add(f"stage{stage}@{year}", cell_key("complaints_by_stage", f"Stage {stage}", year, year))
    for name in ("outcomes_by_stage", "outcomes_by_team"):
        add(f"complaints@{fy}", cell_key(name, "Total", "Total", fy))
    for stage in (1, 2, 3):
        add(f"stage{stage}@{fy}", cell_key("outcomes_by_stage", f"Stage {stage}", "Total", fy))
    for team in figures.now.by_team:
        add(cell_key("complaints_by_team", team, fy, fy), cell_key("outcomes_by_team", team, "Total", fy))
    for outcome in figures.tables["outcomes_by_stage"].columns:  # both outcome tables' Total rows
        add(cell_key("outcomes_by_stage", "Total", outcome, fy), cell_key("outcomes_by_team", "Total", outcome, fy))


def period_record(figures: AnnualFigures, data_date: str | None = None) -> dict[str, Any]:
    """The months the figures cover and the data date: a part-year is compared on the same months only."""
    years = figures.years
    return {"data_date": data_date, "complete_year": not years.partial,
            "months_compared": [str(years.months[0]), str(years.months[-1])] if len(years.months) else [],
            "baseline_months_compared": ([str(years.baseline_months[0]), str(years.baseline_months[-1])]
                                         if years.has_baseline and len(years.baseline_months) else []),
            "period": years.period_words}


def summary_record(figures: AnnualFigures, team_tests: pd.DataFrame | None, *,
                   data_date: str | None = None) -> dict[str, Any]:
    """The year's headline figures as the dictionary written to ``summary.json``."""
    now = figures.now
    record = {
        "financial_year": figures.years.financial_year, **period_record(figures, data_date),
        "synthetic_data": figures.synthetic,
        "complaints_total": now.complaints, "new_complaints_total": now.new_complaints,
        "complaints_by_team": now.by_team,
        "complaints_by_stage": {str(s): n for s, n in now.by_stage.items()},
        "complaints_by_procedure": now.by_procedure, "stage1_complaints": now.stage1_complaints,
        "stage2_escalations": now.stage2_escalations, "stage2_escalation_rate": now.escalation_rate(2),
        "stage3_escalations": now.stage3_escalations, "stage3_escalation_rate": now.escalation_rate(3),
        "compliments_total": now.compliments, "ombudsman_enquiries": now.ombudsman_enquiries,
        "ombudsman_decisions": now.ombudsman_decisions, "ombudsman_investigated": now.ombudsman_investigated,
        "rows_read": figures.rows_read, "rows_accepted": figures.rows_accepted,
        "rows_excluded": figures.rows_excluded,
        "complaints_statutory": now.by_procedure.get("statutory", 0),
        "complaints_corporate": now.by_procedure.get("corporate", 0),
        "complaints_by_category": now.by_category, "complaints_by_outcome": now.by_outcome,
        "complaints_by_complainant_type": now.by_complainant_type,
        "attitude_of_staff_complaints": now.attitude,
        "attitude_of_staff_share": now.attitude / now.complaints if now.complaints else None,
        "attitude_of_staff_new_complaints": now.new_attitude,
        "attitude_of_staff_share_of_new": now.new_attitude / now.new_complaints if now.new_complaints else None,
        "compliments_per_complaint": figures.compliments_per_complaint if now.complaints else None,
    }
    if "staff attitude" in figures.not_recorded:  # not recorded is not 0
        for key in [k for k in record if k.startswith("attitude_of_staff")]:
            record[key] = None
    record["not_recorded_themes"] = list(figures.not_recorded)
    record.update(_timeliness_record(figures.tables["timeliness_by_stage"]))
    record["team_tests"] = [] if team_tests is None else _team_tests_record(team_tests, figures.years.baseline_year)
    return record


def _timeliness_record(table: pd.DataFrame) -> dict[str, float | None]:
    by_stage = table.set_index("Stage") if len(table) else table
    record = {}
    for stage, (limit, extended) in TIMESCALES.items():
        row = by_stage.loc[f"Stage {stage}"] if f"Stage {stage}" in by_stage.index else None
        keys = ((f"stage{stage}_within_{limit}_working_days_share", "Share within timescale"),
                *([(f"stage{stage}_within_{extended}_working_days_share", "Share within extended")]
                  if extended > limit else []),
                (f"stage{stage}_median_working_days", "Median working days"))
        for key, column in keys:
            record[key] = None if row is None else float(row[column])
    return record


def _team_tests_record(table: pd.DataFrame, baseline_year: str) -> list[dict[str, Any]]:
    """Every team's test of new complaints. The verdict p-value follows the rule of
    ``TeamChange.verdict_pvalue`` (the one-sided rise scan, adjusted across every team and start
    month, since a team read off this table is picked after looking), with its evidence band in
    words (no boolean "significant": the band has no edge at 0.05)."""
    keys = ["team", "count", "baseline_count", "ratio", "ci_low", "ci_high", "pvalue", "method",
            "dispersion", "quasi_poisson_pvalue", "verdict_method", "adjusted_pvalue",
            "year_on_year_adjusted_pvalue"]
    return [{**{k: row[k] for k in keys}, "baseline_year": baseline_year, "unit": "new complaints",
             "verdict_pvalue": row["adjusted_pvalue"],
             "rise_from": None if pd.isna(row["rise_from"]) else str(row["rise_from"]),
             "verdict_rests_on": "one-sided rise scan over every team and start month, adjusted for the selection",
             "evidence": words.strength(row["adjusted_pvalue"])} for _, row in table.iterrows()]


# The main figures of a year: what the index lists, and all a public run's summary.json holds.
MAIN_FIGURES = {"complaints_total": "Complaints", "new_complaints_total": "New complaints",
                "compliments_total": "Compliments", "ombudsman_enquiries": "Ombudsman enquiries"}


# What each main figure counts (cfanalysis.publish.disclosure.KINDS), and its ledger key's name.
_MAIN_KINDS = {"complaints_total": ("complaints", "complaints"),
               "new_complaints_total": ("complaints", "new_complaints"),
               "compliments_total": ("compliments", "compliments"),
               "ombudsman_enquiries": ("ombudsman", "ombudsman_enquiries")}


def summary_text(figures: AnnualFigures, *, team_tests: pd.DataFrame | None, files: dict[str, str],
                 policy: DisclosurePolicy, data_date: str | None = None) -> str:
    """The text of ``<year>/summary.json``: the year's headline figures and their provenance.

    Its ``audience`` is the policy's. A public summary holds only the main figures
    (:data:`MAIN_FIGURES`), each hidden count written as "fewer than N" and registered with the
    policy; the full record, which next year's comparison reads, is written by internal runs only
    (whatever their threshold). Both say which months the figures cover and the data date
    (:func:`period_record`): a year not yet complete is compared on the same months only.
    """
    summary = summary_record(figures, team_tests, data_date=data_date)
    fy = summary["financial_year"]
    if policy.public:
        main = {}
        for key in MAIN_FIGURES:
            kind, name = _MAIN_KINDS[key]
            value = summary[key]
            small = policy.is_small(value, kind)
            main[key] = f"fewer than {policy.threshold}" if small else value
            policy.ledger.cells.append(PublishedCell(f"{name}@{fy}", f"{fy}/summary.json", 0 if small else value,
                                                     policy.threshold - 1 if small else value, protect=small))
        summary = {"financial_year": fy, **period_record(figures, data_date), "audience": "public",
                   "synthetic_data": summary["synthetic_data"], **main}
    else:
        summary = {**summary, "audience": "internal"}
    summary["provenance"] = {"cfanalysis_version": package_version(), "git_commit": git_commit(),
                             "input_files_sha256": files}
    return json.dumps(_json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_summary(figures: AnnualFigures, out_dir: Path, *, team_tests: pd.DataFrame | None,
                  files: dict[str, str], guard: PersonalDataGuard | None = None,
                  policy: DisclosurePolicy | None = None, data_date: str | None = None) -> Path:
    """Write ``outputs/<year>/summary.json`` (:func:`summary_text`)."""
    text = summary_text(figures, team_tests=team_tests, files=files, policy=policy or disclosure_policy(),
                        data_date=data_date)
    return _checked_write(out_dir / figures.years.financial_year / "summary.json", text, guard)


def _json_safe(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null (an infinite ratio means 'up from none')."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value
