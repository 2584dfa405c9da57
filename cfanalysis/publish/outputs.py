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

__all__ = ["notes_table", "period_record", "register_identities", "summary_record", "summary_text", "table_texts",
           "timeliness_csv", "write_aside", "write_summary", "write_tables"]


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


# Each CSV's title and unit, for the notes table beside them (ONS/GSS: a note per table).
NEW = "new complaints (each complaint counted once, in the year and team where it was first received)"
WORKLOAD = ("stage cases (workload: a complaint counted again at each stage it reached; the report's headline "
            "measure is new complaints)")
TABLE_NOTES = {
    "complaints_by_team": ("Workload: stage cases by team", WORKLOAD),
    "complaints_by_stage": ("Workload: stage cases by stage", WORKLOAD),
    "complaints_by_category": ("Workload: stage cases by subject", WORKLOAD),
    "outcomes_by_stage": ("Workload: outcomes at each stage", WORKLOAD),
    "outcomes_by_team": ("Workload: outcomes at each stage, by team", WORKLOAD),
    "complainant_types": ("Workload: who made the complaints, stage cases", WORKLOAD),
    "ombudsman_decisions": ("Ombudsman decisions", "Ombudsman (LGSCO) enquiries received in the year"),
    "timeliness_by_stage": ("Replies within the statutory timescales, by stage",
                            "complaints at each stage; replies, their shares within the timescale and the median, "
                            "in working days"),
    "timeliness_by_team": ("Replies within the statutory timescales, by stage and team",
                           "complaints at each stage; replies, their shares within the timescale and the median, "
                           "in working days"),
    "new_complaints_by_team": ("New complaints by team", NEW),
    "new_complaints_by_category": ("New complaints by subject", NEW),
    "new_complaints_outcomes_by_team": ("New complaints by team and outcome (the outcome at the last stage each "
                                        "reached)", NEW),
    "new_complaints_by_complainant": ("Who made the new complaints", NEW),
}
# Where each CSV is on the report's page (the page's table of that name holds the same rows and values:
# display.Table.csv); the others are workload detail for analysts.
ON_PAGE = {"new_complaints_by_team": "All complaints by team, subject and outcome",
           "new_complaints_by_category": "All complaints by team, subject and outcome",
           "new_complaints_outcomes_by_team": "All complaints by team, subject and outcome",
           "outcomes_by_stage": "the appendix page (How the procedure worked)",
           "ombudsman_decisions": "The Ombudsman",
           "new_complaints_by_complainant": "the appendix page",
           "timeliness_by_stage": "Timeliness (the replies table by stage, and one sentence per stage)",
           "timeliness_by_team": "Timeliness (the replies table by team adds up each team's stages)"}
NOT_GIVEN = "[x]"  # the ONS/GSS shorthand for a figure not available (here: too few replies for a share)
SMALLEST_SHARE = 5  # shares only for 5 replies or more, as the report's timeliness note says


def _rounded_timeliness(shown: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """A timeliness table as the report prints it: counts as counts, shares as whole percentages
    (only for 5 replies or more, as the report says), medians in whole working days."""
    out = shown.copy().astype(object)
    for column in ("Complaints", "With a response date", "Within timescale", "Within extended timescale"):
        out[column] = [f"{v:,.0f}" if isinstance(v, (int, float, np.integer, np.floating)) else v for v in out[column]]
    few = raw["With a response date"].to_numpy() < SMALLEST_SHARE
    for column in ("Share within timescale", "Share within extended"):
        out[column] = [NOT_GIVEN if isinstance(v, (float, np.floating)) and (small or v != v) else
                       words.percent(v) if isinstance(v, (float, np.floating)) else v
                       for v, small in zip(out[column], few)]
    out["Median working days"] = [(NOT_GIVEN if v != v else f"{v:.0f}") if isinstance(v, (float, np.floating))
                                  else v for v in out["Median working days"]]
    return out


def _every_stage(table: pd.DataFrame, stages: list[int]) -> pd.DataFrame:
    """The timeliness table with a row for every stage the report's replies table shows (a stage with
    complaints in either year), a stage with none this year as zeros."""
    have = set(table["Stage"]) if len(table) else set()
    rows = [{"Stage": f"Stage {s}", "Complaints": 0, "With a response date": 0,
             "Timescale (working days)": TIMESCALES[s][0], "Within timescale": 0, "Share within timescale": math.nan,
             "Extended timescale": TIMESCALES[s][1], "Within extended timescale": 0,
             "Share within extended": math.nan, "Median working days": math.nan}
            for s in stages if f"Stage {s}" not in have]
    if not rows:
        return table
    whole = pd.concat([table, pd.DataFrame(rows)], ignore_index=True) if len(table) else pd.DataFrame(rows)
    return whole.sort_values("Stage", kind="stable").reset_index(drop=True)


def timeliness_csv(figures: AnnualFigures, policy: DisclosurePolicy, name: str) -> pd.DataFrame:
    """A timeliness table as its CSV holds it: masked as the report's sentences are, rounded as they print
    it, with a row for every stage the report's replies table shows (:func:`_every_stage`)."""
    fy, table = figures.years.financial_year, figures.tables[name]
    shown = _rounded_timeliness(timeliness_shown(table, policy, name=name, year=fy, stage_counts=figures.now.by_stage,
                                                 team_hidden=hidden_teams(figures, policy)), table)
    if name != "timeliness_by_stage":
        return shown
    # A stage with none this year but some last year: a row of zeros, added after the masking (a zero
    # is the headline table's 0); then every stage withheld where the page's replies table withholds it.
    stages = sorted(s for s in TIMESCALES if figures.now.by_stage.get(s, 0)
                    or (figures.years.has_baseline and figures.before.by_stage.get(s, 0)))
    whole = _every_stage(table, stages)
    zeros = whole[~whole["Stage"].isin(set(table["Stage"]) if len(table) else set())]
    rows = pd.concat([shown, _rounded_timeliness(zeros, zeros)], ignore_index=True) if len(zeros) else shown
    rows = rows.sort_values("Stage", kind="stable").reset_index(drop=True)
    if policy.hides("replies"):  # and never a count the page's replies table withholds
        counts = ["Complaints", "With a response date", "Within timescale", "Within extended timescale"]
        derived = ["Share within timescale", "Share within extended", "Median working days"]
        hidden = rows["Stage"].isin(_replies_hidden(whole, policy, figures.now.by_stage)).to_numpy()
        rows.loc[hidden, counts + derived] = policy.mark or "not shown"
    return rows


def _replies_hidden(table: pd.DataFrame, policy: DisclosurePolicy, stage_counts: dict[int, int]) -> set[str]:
    """The stages whose replies the report's replies table withholds this year (its masking, replayed)."""
    from cfanalysis.publish.annual import stages_hidden
    from cfanalysis.publish.disclosure import suppress

    replies, within = table["With a response date"].to_numpy(), table["Within timescale"].to_numpy()
    parts = pd.DataFrame({"On time": within, "Late": replies - within, "Replies": replies}, index=table["Stage"])
    shown = suppress(parts, policy.threshold if policy.hides("replies") else 0, total_column="Replies",
                     mark=policy.mark)
    return {stage for stage, row in shown.hidden.iterrows() if row.any()} | stages_hidden(stage_counts, policy)


def hidden_teams(figures: AnnualFigures, policy: DisclosurePolicy) -> set[str]:
    """The teams whose complaints (all stages) the year's table by team withholds, as that table is
    masked (:meth:`DisclosurePolicy.mask`): a team's rows of the timeliness table by team go with it,
    since its stages add up to it."""
    from cfanalysis.publish.disclosure import suppress

    table, fy = figures.tables["complaints_by_team"], figures.years.financial_year
    if not policy.hides() or fy not in table.columns:
        return set()
    shown = suppress(table, policy.threshold, total_row="Total" if "Total" in table.index else None,
                     total_column="Total" if "Total" in table.columns else None, mark=policy.mark)
    hidden = shown.hidden[fy]
    return {str(team) for team in hidden[hidden].index if team != "Total"}


def table_texts(figures: AnnualFigures, policy: DisclosurePolicy, *, data_date: str = "",
                source: str = "") -> dict[str, str]:
    """The annual report's tables as CSV text (``<year>/tables/<name>.csv`` -> text), masked by
    ``policy`` exactly as the report's HTML tables are, each cell registered under the same key,
    rounded as the report prints them; and ``<year>/tables/notes.csv``, the notes table beside them
    (:func:`notes_table`: each table's title, period, unit, source, data date and what the marks mean).

    Empty when the baseline year has no data: the tables compare two years, and a first year's tables
    beside the next year's baseline column would narrow the cells a public release withholds.
    """
    if not figures.years.has_baseline:
        return {}
    fy = figures.years.financial_year
    notes = notes_table(figures, policy, list(figures.tables), data_date=data_date, source=source)
    texts = {f"{fy}/tables/{NOTES_NAME}.csv": safe_csv_text(notes, index=False)}  # first, as a workbook's cover
    for name, table in figures.tables.items():
        where = f"{fy}/tables/{name}.csv"
        if name.startswith("timeliness"):
            text = safe_csv_text(timeliness_csv(figures, policy, name), index=False)
        else:
            shown = policy.mask(table, kind=TABLE_KINDS.get(name, "complaints"),
                                total_column="Total" if "Total" in table.columns else None, name=name, year=fy,
                                where=where)
            text = safe_csv_text(shown.text())
        texts[where] = text
    return texts


NOTES_NAME = "notes"  # tables/notes.csv: the notes table, not a table of figures (the audit skips it)


def notes_table(figures: AnnualFigures, policy: DisclosurePolicy, names: list[str], *, data_date: str = "",
                source: str = "") -> pd.DataFrame:
    """The notes table beside a year's CSVs (the ONS/GSS cover and notes sheets for files that cannot
    hold them): a row for all tables (source, data date, what the marks mean), then one per table
    (title, period, unit, its notes)."""
    years = figures.years
    marks = [policy.note() if policy.public else f"Internal version, not for publication. {policy.note()}"]
    marks.append(f"{NOT_GIVEN}: not available (a share of fewer than {SMALLEST_SHARE} replies, or a stage with no "
                 "replies).")
    if figures.synthetic:
        marks.insert(0, "Synthetic data: made-up figures, describing no real person or council.")
    general = {"Table": "All tables", "Title": f"Children's Services complaints and feedback, {years.financial_year}",
               "Period": years.period_words, "Unit": "", "Source": source or "the council's complaints records",
               "Data as at": data_date, "Notes": " ".join(marks)}
    rows = [general]
    for name in names:
        title, unit = TABLE_NOTES.get(name, (name.replace("_", " ").capitalize(), "complaints"))
        period = (years.financial_year if name in ("ombudsman_decisions", "outcomes_by_stage", "outcomes_by_team",
                                                   "new_complaints_outcomes_by_team")
                  or name.startswith("timeliness") else years.years_words)
        notes = ["Rounded as the report prints them.",
                 f"In the report: {ON_PAGE[name]}." if name in ON_PAGE else
                 "Not a table of the report: workload detail, for analysts."]
        if name.startswith("timeliness"):
            notes.append("Working days exclude weekends and England and Wales bank holidays; timescales: Stage 1, 10 "
                         "(extendable to 20); Stage 2, 25 (to 65); Stage 3, 50 from request to response. Rows "
                         "without a response date are counted but left out of the shares and medians.")
        rows.append({"Table": f"{name}.csv", "Title": f"{title}, {period}", "Period": period, "Unit": unit,
                     "Source": general["Source"], "Data as at": data_date, "Notes": " ".join(notes)})
    return pd.DataFrame(rows)


def write_tables(figures: AnnualFigures, out_dir: Path, *, policy: DisclosurePolicy | None = None,
                 guard: PersonalDataGuard | None = None, data_date: str = "", source: str = "") -> list[Path]:
    """The annual report's tables as CSV for Excel users, masked and safe to open (:func:`table_texts`)."""
    texts = table_texts(figures, policy or disclosure_policy(), data_date=data_date, source=source)
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
