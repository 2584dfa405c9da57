"""A year's figures, worked out once: what the annual report, ``summary.json`` and the CSVs read.

:func:`annual_figures` counts the year and its baseline (:class:`YearCounts`), compares them
(complaints and compliments as rates, escalation and the staff-attitude share as proportions)
and computes the report's tables. Counting rules (``data/README.md``): a complaint counts once
at each stage it reaches, in the year that stage was received; escalation is a cohort rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cfanalysis.analysis.counts import counts_by, escalation, in_financial_year, new_complaints
from cfanalysis.analysis.proportions import ProportionChange, compare_proportions
from cfanalysis.analysis.rates import CountComparison, compare_counts
from cfanalysis.analysis.results import Result, share_of
from cfanalysis.analysis.tables import annual_tables
from cfanalysis.analysis.years import YearComparison
from cfanalysis.data.contract import OMBUDSMAN_INVESTIGATED
from cfanalysis.data.loader import Dataset

__all__ = ["ATTITUDE", "AnnualFigures", "YearCounts", "annual_figures", "year_counts"]

ATTITUDE = "attitude or behaviour of staff"


def _counts(frame: pd.DataFrame, column: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in frame[column].value_counts().items()}


@dataclass(frozen=True)
class YearCounts:
    """One financial year's counts (empty counts for a year without data)."""

    financial_year: str
    complaints: int  # stage cases: a complaint once at each stage it reached (workload)
    by_procedure: dict[str, int]
    by_stage: dict[int, int]
    by_team: dict[str, int]
    by_category: dict[str, int]
    by_outcome: dict[str, int]
    by_complainant_type: dict[str, int]
    attitude: int
    stage1_complaints: int
    stage2_escalations: int
    stage2_complaints: int
    stage3_escalations: int
    compliments: int
    ombudsman_decisions: dict[str, int]
    ombudsman_enquiries: int
    new_complaints: int = 0  # each complaint once, in the year first received (the unit for tests)
    new_attitude: int = 0  # new complaints about staff attitude (the unit for the share)

    @property
    def ombudsman_investigated(self) -> int:
        """Enquiries the council was asked to respond to (the Ombudsman's detailed investigations)."""
        return sum(self.ombudsman_decisions.get(d, 0) for d in OMBUDSMAN_INVESTIGATED)

    def escalation_rate(self, to_stage: int) -> float:
        """Share of the year's complaints at the stage before ``to_stage`` (2 or 3) that went on to it."""
        escalated, base = {2: (self.stage2_escalations, self.stage1_complaints),
                           3: (self.stage3_escalations, self.stage2_complaints)}[to_stage]
        return share_of(escalated, base)


def _same_months(frame: pd.DataFrame, months: pd.PeriodIndex | None) -> pd.DataFrame:
    return frame if months is None else frame[frame["month"].isin(months)]


def year_counts(data: Dataset, financial_year: str, *, months: pd.PeriodIndex | None = None) -> YearCounts:
    """Count one financial year of a loaded data folder (only ``months`` of it, when given).

    ``months`` keeps a part-year comparison like with like: a year with data to June is compared
    with April to June of its baseline, not the whole baseline year (issue 18).
    """
    complaints = _same_months(data.complaints, months)
    year = in_financial_year(complaints, financial_year)
    new = in_financial_year(new_complaints(data.complaints), financial_year)
    new = _same_months(new, months)
    # The cohort is the year's (same-months) complaints at a stage; its escalations count whenever received.
    outside = data.complaints[~data.complaints.index.isin(complaints.index)]
    stage2 = escalation(pd.concat([complaints, outside[outside["stage"] == 2]]), financial_year, from_stage=1)
    stage3 = escalation(pd.concat([complaints, outside[outside["stage"] == 3]]), financial_year, from_stage=2)
    ombudsman = in_financial_year(_same_months(data.ombudsman, months), financial_year)
    return YearCounts(
        financial_year=financial_year, complaints=len(year),
        by_procedure={str(k): int(v) for k, v in counts_by(complaints, financial_year, "procedure").items()},
        by_stage={s: int((year["stage"] == s).sum()) for s in (1, 2, 3)},
        by_team={str(k): int(v) for k, v in counts_by(complaints, financial_year, "team").items()},
        by_category=_counts(year, "category"), by_outcome=_counts(year, "outcome"),
        by_complainant_type=_counts(year, "complainant_type"),
        attitude=int((year["category"] == ATTITUDE).sum()),
        stage1_complaints=stage2["complaints"], stage2_escalations=stage2["escalated"],
        stage2_complaints=stage3["complaints"], stage3_escalations=stage3["escalated"],
        compliments=len(in_financial_year(_same_months(data.compliments, months), financial_year)),
        ombudsman_decisions={str(k): int(v) for k, v in ombudsman["decision"].value_counts().sort_index().items()},
        ombudsman_enquiries=len(ombudsman), new_complaints=len(new),
        new_attitude=int((new["category"] == ATTITUDE).sum()))


@dataclass(frozen=True, eq=False)
class AnnualFigures(Result):
    """A year's figures against its baseline, the comparisons behind them and the report's tables.

    ``complaints_change`` and ``compliments_change`` are None when the baseline year has no
    data (there is nothing to compare with).
    """

    years: YearComparison
    now: YearCounts
    before: YearCounts
    complaints_change: CountComparison | None
    compliments_change: CountComparison | None
    escalation_1_2: ProportionChange
    escalation_2_3: ProportionChange
    attitude: ProportionChange
    tables: dict[str, pd.DataFrame]
    rows_read: int
    rows_excluded: int
    synthetic: bool
    confidence_level: float
    # Themes the report relies on that no value in the data was read as (``Dataset.not_recorded_themes``):
    # their figures are "not recorded", never 0.
    not_recorded: tuple[str, ...] = ()

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_excluded

    @property
    def compliments_per_complaint(self) -> float:
        return share_of(self.now.compliments, self.now.complaints)

    @property
    def baseline_compliments_per_complaint(self) -> float:
        return share_of(self.before.compliments, self.before.complaints)

    def to_frame(self) -> pd.DataFrame:
        """The headline counts, one row per figure, with a column per year."""
        rows = {"Complaints, all stages": "complaints", "Ombudsman enquiries": "ombudsman_enquiries",
                "Compliments": "compliments"}
        frame = pd.DataFrame({year.financial_year: [getattr(year, f) for f in rows.values()]
                              for year in (self.before, self.now)}, index=list(rows))
        return frame if self.years.has_baseline else frame[[self.years.financial_year]]

def _rates_change(now: int, before: int, years: YearComparison, confidence_level: float) -> CountComparison | None:
    return compare_counts(now, before, confidence_level=confidence_level) if years.has_baseline else None


def annual_figures(data: Dataset, years: YearComparison, *, confidence_level: float = 0.95) -> AnnualFigures:
    """Every figure of a year's annual report, worked out once (see :class:`AnnualFigures`)."""
    # A part-year is compared with the same months of its baseline, everywhere these figures go.
    same = years.baseline_months if years.partial else None
    now, before = year_counts(data, years.financial_year), year_counts(data, years.baseline_year, months=same)
    labels = dict(financial_year=years.financial_year, baseline_year=years.baseline_year,
                  confidence_level=confidence_level)
    return AnnualFigures(
        years=years, now=now, before=before,
        complaints_change=_rates_change(now.new_complaints, before.new_complaints, years, confidence_level),
        compliments_change=_rates_change(now.compliments, before.compliments, years, confidence_level),
        escalation_1_2=compare_proportions("Stage 1 complaints escalated to Stage 2", now.stage2_escalations,
                                           now.stage1_complaints, before.stage2_escalations,
                                           before.stage1_complaints, **labels),
        escalation_2_3=compare_proportions("Stage 2 complaints escalated to Stage 3", now.stage3_escalations,
                                           now.stage2_complaints, before.stage3_escalations,
                                           before.stage2_complaints, **labels),
        attitude=compare_proportions(f"new complaints about the {ATTITUDE}", now.new_attitude,
                                     now.new_complaints, before.new_attitude, before.new_complaints, **labels),
        tables=annual_tables(data, years), rows_read=data.report.rows_read,
        rows_excluded=data.report.rows_excluded, synthetic=data.synthetic, confidence_level=confidence_level,
        not_recorded=tuple(data.not_recorded_themes))
