"""The annual complaints and feedback report: every figure the regulations and the panel ask for.

:func:`annual_tables` computes the report's tables (used by notebook 03 and written as CSV for
Excel users); :func:`annual_headlines` the headline comparisons with their tests, and
:func:`headline_sentences` the plain-English narrative. Wording never calls a difference that
could be chance a change. Counts below ``suppress_below`` are shown as "fewer than N".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from scipy import stats

from cfanalysis.analysis.counts import counts_by, escalation, in_financial_year
from cfanalysis.data.loader import Dataset
from cfanalysis.periods import previous_financial_year
from cfanalysis.publish.protect import count_words
from cfanalysis.analysis.rates import compare_counts
from cfanalysis.analysis.timeliness import working_days

__all__ = [
    "ProportionChange",
    "annual_headlines",
    "annual_tables",
    "compare_proportions",
    "headline_summary",
    "local_benchmarks",
    "proportion_interval",
    "summary_figures",
    "timeliness_table",
]

# Statutory timescales in working days (Getting the Best from Complaints, 2006).
TIMESCALES = {1: (10, 20), 2: (25, 65)}
ATTITUDE = "attitude or behaviour of staff"


def proportion_interval(successes: int, trials: int, confidence_level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (SciPy's ``binomtest(...).proportion_ci(method="wilson")``)."""
    if trials == 0:
        return (math.nan, math.nan)
    ci = stats.binomtest(successes, trials).proportion_ci(confidence_level=confidence_level, method="wilson")
    return (float(ci.low), float(ci.high))


@dataclass(frozen=True)
class ProportionChange:
    """A proportion this year and last, each with a Wilson interval, and Fisher's exact test."""

    what: str
    successes: int
    trials: int
    baseline_successes: int
    baseline_trials: int
    ci: tuple[float, float]
    baseline_ci: tuple[float, float]
    pvalue: float
    confidence_level: float

    @property
    def share(self) -> float:
        return self.successes / self.trials if self.trials else math.nan

    @property
    def baseline_share(self) -> float:
        return self.baseline_successes / self.baseline_trials if self.baseline_trials else math.nan

    def sentence(self, financial_year: str, baseline_year: str, suppress_below: int = 0) -> str:
        what = self.what[0].upper() + self.what[1:]
        if not self.trials:
            return f"{what}: there were none to measure in {financial_year}."
        small = [n for n in (self.successes, self.trials - self.successes) if n < suppress_below]
        if suppress_below and small:
            return (f"{what}: not shown for {financial_year}, because a share of so few complaints "
                    f"(fewer than {suppress_below}) could identify people.")
        level = f"{self.confidence_level:.0%}"
        now = (f"{self.share:.0%} in {financial_year} ({count_words(self.successes, suppress_below)} of "
               f"{count_words(self.trials, suppress_below)}; {level} interval {self.ci[0]:.0%} to {self.ci[1]:.0%})")
        if not self.baseline_trials:
            return f"{what}: {now}."
        before = f"{self.baseline_share:.0%} in {baseline_year}"
        if self.pvalue < 1 - self.confidence_level:
            verdict = f"a change unlikely to be chance (Fisher's exact test, p = {self.pvalue:.3f})"
        else:
            verdict = (f"a difference that could be chance (Fisher's exact test, p = {self.pvalue:.3f}), so not "
                       "evidence of a real change")
        return f"{what}: {now}, against {before}: {verdict}."


def compare_proportions(what: str, successes: int, trials: int, baseline_successes: int, baseline_trials: int,
                        *, confidence_level: float = 0.95) -> ProportionChange:
    """Two proportions compared with Fisher's exact test (``scipy.stats.fisher_exact``)."""
    table = [[successes, trials - successes], [baseline_successes, baseline_trials - baseline_successes]]
    pvalue = float(stats.fisher_exact(table).pvalue) if trials and baseline_trials else math.nan
    return ProportionChange(what, successes, trials, baseline_successes, baseline_trials,
                            proportion_interval(successes, trials, confidence_level),
                            proportion_interval(baseline_successes, baseline_trials, confidence_level),
                            pvalue, confidence_level)


def _count_change(now: int, before: int | None, what: str, financial_year: str, baseline_year: str,
                  suppress_below: int, confidence_level: float) -> str:
    """'Complaints: 92 in 2019-20 against 98 in 2018-19; the difference could be chance (...)'."""
    if before is None:
        return (f"{what[0].upper() + what[1:]}: {count_words(now, suppress_below)} in {financial_year} (there "
                f"are no data for {baseline_year} to compare with).")
    result = compare_counts(now, before, confidence_level=confidence_level)
    text = (f"{what.capitalize()}: {count_words(now, suppress_below)} in {financial_year} against "
            f"{count_words(before, suppress_below)} in {baseline_year}")
    if now + before == 0:
        return text + "."
    if result.significant:
        way = "rise" if now > before else "fall"
        return text + (f", a {way} unlikely to be chance (rate ratio {result.ratio:.2f}, "
                       f"{confidence_level:.0%} interval {result.ci_low:.2f} to {result.ci_high:.2f}, E-test "
                       f"p = {result.pvalue:.3f}).")
    return text + (f"; the difference could be chance (E-test p = {result.pvalue:.3f}), so it is not evidence "
                   "of a real change.")


def annual_headlines(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                     confidence_level: float = 0.95) -> dict:
    """The year's headline figures against the baseline year, with the comparisons behind them."""
    baseline_year = baseline_year or previous_financial_year(financial_year)
    c = data.complaints
    now, before = in_financial_year(c, financial_year), in_financial_year(c, baseline_year)
    esc12, esc12b = escalation(c, financial_year, from_stage=1), escalation(c, baseline_year, from_stage=1)
    esc23, esc23b = escalation(c, financial_year, from_stage=2), escalation(c, baseline_year, from_stage=2)
    compliments = len(in_financial_year(data.compliments, financial_year))
    compliments_before = len(in_financial_year(data.compliments, baseline_year))
    ombudsman = in_financial_year(data.ombudsman, financial_year)
    attitude_now = int((now["category"] == ATTITUDE).sum())
    attitude_before = int((before["category"] == ATTITUDE).sum())
    return {
        "financial_year": financial_year, "baseline_year": baseline_year,
        "has_baseline": baseline_year in data.financial_years,
        "complaints": (len(now), len(before)),
        "statutory": (int((now["procedure"] == "statutory").sum()), int((before["procedure"] == "statutory").sum())),
        "corporate": (int((now["procedure"] == "corporate").sum()), int((before["procedure"] == "corporate").sum())),
        "stages": {s: (int((now["stage"] == s).sum()), int((before["stage"] == s).sum())) for s in (1, 2, 3)},
        "escalation_1_2": compare_proportions("Stage 1 complaints escalated to Stage 2", esc12["escalated"],
                                              esc12["complaints"], esc12b["escalated"], esc12b["complaints"],
                                              confidence_level=confidence_level),
        "escalation_2_3": compare_proportions("Stage 2 complaints escalated to Stage 3", esc23["escalated"],
                                              esc23["complaints"], esc23b["escalated"], esc23b["complaints"],
                                              confidence_level=confidence_level),
        "attitude": compare_proportions("complaints about the attitude or behaviour of staff", attitude_now,
                                        len(now), attitude_before, len(before), confidence_level=confidence_level),
        "compliments": (compliments, compliments_before),
        "ombudsman": ombudsman["decision"].value_counts().to_dict(),
        "ombudsman_total": (len(ombudsman), len(in_financial_year(data.ombudsman, baseline_year))),
        "confidence_level": confidence_level,
    }


def headline_summary(headlines: dict, *, suppress_below: int = 0) -> list[str]:
    """Plain-English sentences for the headline section, in report order."""
    fy, by, level = headlines["financial_year"], headlines["baseline_year"], headlines["confidence_level"]
    n, b = headlines["complaints"]
    if not headlines["has_baseline"]:
        b = None
    sentences = [_count_change(n, b, "complaints (statutory and corporate procedures, all stages)", fy, by,
                               suppress_below, level)]
    st, co = headlines["statutory"][0], headlines["corporate"][0]
    sentences.append(f"Of these, {count_words(st, suppress_below)} were under the statutory children's social "
                     f"care procedure and {count_words(co, suppress_below)} under the corporate procedure.")
    sentences.append(headlines["escalation_1_2"].sentence(fy, by, suppress_below))
    sentences.append(headlines["escalation_2_3"].sentence(fy, by, suppress_below))
    total = headlines["ombudsman_total"][0]
    decisions = headlines["ombudsman"]
    investigated = decisions.get("upheld", 0) + decisions.get("not upheld", 0)
    parts = [f"{count_words(v, suppress_below)} {k}" for k, v in sorted(decisions.items(), key=lambda kv: -kv[1])]
    sentences.append(f"The Local Government and Social Care Ombudsman considered {count_words(total, suppress_below)} "
                     f"complaints; the council was asked to respond on {count_words(investigated, suppress_below)} "
                     f"(detailed investigations). Decisions: {', '.join(parts) or 'none'}.")
    cm, cb = headlines["compliments"]
    sentences.append(_count_change(cm, cb if b is not None else None, "compliments", fy, by, suppress_below, level))
    if n:
        sentences.append(f"That is {cm / n:.2f} compliments for every complaint ({cb / b:.2f} in {by})."
                         if b else f"That is {cm / n:.2f} compliments for every complaint.")
    return sentences


def _with_total(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table.loc["Total"] = table.sum(numeric_only=True)
    return table


def timeliness_table(complaints: pd.DataFrame, financial_year: str, *, by: str | None = None) -> pd.DataFrame:
    """Responses within the statutory timescales, by stage (and optionally by another column).

    Working days from receipt to response (:func:`cfanalysis.working_days`: the next working day
    counts 1). Stage 1: within 10 working days, extendable to 20; Stage 2: 25, extendable to 65.
    Rows without a response date are counted but left out of the shares and medians.
    """
    year = in_financial_year(complaints, financial_year)
    year = year[year["stage"].isin(list(TIMESCALES))]
    frame = year.assign(days=working_days(year["received_date"], year["response_date"]).to_numpy())
    keys = ["stage"] + ([by] if by else [])
    rows = []
    for key, group in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        stage = int(key[0])
        answered = group["days"].dropna()
        limit, extended = TIMESCALES[stage]
        row = {"Stage": f"Stage {stage}"}
        if by:
            row[by.replace("_", " ").capitalize()] = key[1]
        row.update({
            "Complaints": len(group), "With a response date": len(answered),
            "Timescale (working days)": limit,
            "Within timescale": int((answered <= limit).sum()),
            "Share within timescale": (answered <= limit).mean() if len(answered) else math.nan,
            "Extended timescale": extended,
            "Within extended timescale": int((answered <= extended).sum()),
            "Share within extended": (answered <= extended).mean() if len(answered) else math.nan,
            "Median working days": float(answered.median()) if len(answered) else math.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def annual_tables(data: Dataset, financial_year: str, *, baseline_year: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the annual report, by name (also written as CSV for Excel users).

    Count tables end with a "Total" row where one makes sense, for secondary suppression.
    """
    baseline_year = baseline_year or previous_financial_year(financial_year)
    c = data.complaints
    now, before = in_financial_year(c, financial_year), in_financial_year(c, baseline_year)
    teams = sorted(set(now["team"]) | set(before["team"]))
    by_team = pd.DataFrame({baseline_year: counts_by(c, baseline_year, "team", groups=teams),
                            financial_year: counts_by(c, financial_year, "team", groups=teams)})
    by_team.index.name = "Team"
    stages = pd.DataFrame({baseline_year: [int((before["stage"] == s).sum()) for s in (1, 2, 3)],
                           financial_year: [int((now["stage"] == s).sum()) for s in (1, 2, 3)]},
                          index=pd.Index(["Stage 1", "Stage 2", "Stage 3"], name="Stage"))
    categories = sorted(set(now["category"]) | set(before["category"]))
    by_category = pd.DataFrame({baseline_year: counts_by(c, baseline_year, "category", groups=categories),
                                financial_year: counts_by(c, financial_year, "category", groups=categories)})
    by_category = by_category.sort_values(financial_year, ascending=False, kind="stable")
    by_category.index = [i[0].upper() + i[1:] for i in by_category.index]
    by_category.index.name = "Category"
    outcome_order = ["upheld", "partially upheld", "not upheld", "withdrawn or resolved", "not recorded"]

    def crosstab(index: str, name: str) -> pd.DataFrame:
        table = pd.crosstab(now[index], now["outcome"])
        columns = ([o for o in outcome_order if o in table.columns]
                   + [o for o in table.columns if o not in outcome_order])
        table = table.reindex(columns=columns)
        table.columns = [col.capitalize() for col in table.columns]
        table["Total"] = table.sum(axis=1)
        table.index = [f"Stage {i}" if index == "stage" else str(i) for i in table.index]
        table.index.name = name
        return _with_total(table)

    complainants = pd.DataFrame({baseline_year: before["complainant_type"].value_counts(),
                                 financial_year: now["complainant_type"].value_counts()}).fillna(0).astype(int)
    complainants = complainants.sort_values(financial_year, ascending=False, kind="stable")
    complainants.index = [str(i).capitalize() for i in complainants.index]
    complainants.index.name = "Complainant"
    ombudsman = in_financial_year(data.ombudsman, financial_year)["decision"].value_counts()
    ombudsman_table = pd.DataFrame({financial_year: ombudsman})
    ombudsman_table.index = [str(i).capitalize() for i in ombudsman_table.index]
    ombudsman_table.index.name = "Ombudsman decision"
    tables = {
        "complaints_by_team": _with_total(by_team),
        "complaints_by_stage": _with_total(stages),
        "complaints_by_category": _with_total(by_category),
        "outcomes_by_stage": crosstab("stage", "Stage"),
        "outcomes_by_team": crosstab("team", "Team"),
        "complainant_types": _with_total(complainants),
        "ombudsman_decisions": _with_total(ombudsman_table) if len(ombudsman_table) else ombudsman_table,
        "timeliness_by_stage": timeliness_table(c, financial_year),
        "timeliness_by_team": timeliness_table(c, financial_year, by="team"),
    }
    if baseline_year not in data.financial_years:  # nothing to compare with: show this year only
        tables = {name: t.drop(columns=[baseline_year], errors="ignore") for name, t in tables.items()}
    return tables


def local_benchmarks(outputs_dir: str | Path, data: Dataset, financial_year: str) -> pd.DataFrame:
    """Year-on-year figures from earlier years' ``summary.json`` (or the data, when a year has none)."""
    import json

    from cfanalysis.analysis.counts import annual_summary

    rows = []
    for year in [y for y in data.financial_years if y <= financial_year]:
        path = Path(outputs_dir) / year / "summary.json"
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = annual_summary(data, year)  # the same figures, when that year has no report yet
        rows.append({"Financial year": year, "Complaints": summary.get("complaints_total"),
                     "Stage 2 escalation": summary.get("stage2_escalation_rate"),
                     "Compliments": summary.get("compliments_total"),
                     "Ombudsman enquiries": summary.get("ombudsman_enquiries")})
    return pd.DataFrame(rows).set_index("Financial year")



def summary_figures(data: Dataset, financial_year: str) -> dict:
    """The annual report's headline figures for ``summary.json`` (added keys; none renamed)."""
    year = in_financial_year(data.complaints, financial_year)
    complaints = len(year)
    compliments = len(in_financial_year(data.compliments, financial_year))
    timeliness = timeliness_table(data.complaints, financial_year).set_index("Stage")
    figures = {
        "complaints_statutory": int((year["procedure"] == "statutory").sum()),
        "complaints_corporate": int((year["procedure"] == "corporate").sum()),
        "complaints_by_category": {str(k): int(v) for k, v in year["category"].value_counts().items()},
        "complaints_by_outcome": {str(k): int(v) for k, v in year["outcome"].value_counts().items()},
        "complaints_by_complainant_type": {str(k): int(v) for k, v in
                                           year["complainant_type"].value_counts().items()},
        "attitude_of_staff_complaints": int((year["category"] == ATTITUDE).sum()),
        "attitude_of_staff_share": float((year["category"] == ATTITUDE).mean()) if complaints else None,
        "compliments_per_complaint": compliments / complaints if complaints else None,
    }
    for stage, (limit, extended) in TIMESCALES.items():
        row = timeliness.loc[f"Stage {stage}"] if f"Stage {stage}" in timeliness.index else None
        figures[f"stage{stage}_within_{limit}_working_days_share"] = (
            None if row is None else float(row["Share within timescale"]))
        figures[f"stage{stage}_within_{extended}_working_days_share"] = (
            None if row is None else float(row["Share within extended"]))
        figures[f"stage{stage}_median_working_days"] = None if row is None else float(row["Median working days"])
    return figures
