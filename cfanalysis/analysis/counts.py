"""Counts for a financial year: monthly (zero-filled), by team, by stage, escalation, headlines."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cfanalysis.data.loader import Dataset
from cfanalysis.periods import financial_year_months, month_label, parse_financial_year
from cfanalysis.data.contract import OMBUDSMAN_INVESTIGATED

__all__ = [
    "annual_summary",
    "counts_by",
    "escalation",
    "in_financial_year",
    "monthly_counts",
    "monthly_table",
]


def in_financial_year(frame: pd.DataFrame, financial_year: str) -> pd.DataFrame:
    """Rows of a loaded table whose ``financial_year`` is the one given."""
    parse_financial_year(financial_year)
    return frame[frame["financial_year"] == financial_year]


def monthly_counts(frame: pd.DataFrame, financial_year: str, *, by: str | None = "team",
                   groups: list[str] | None = None) -> pd.DataFrame:
    """Records per calendar month of a financial year, with months that had none shown as 0.

    Parameters
    ----------
    frame
        A loaded table with ``month`` and ``financial_year`` columns (complaints, compliments).
    financial_year
        ``"2019-20"`` style label.
    by
        Column to split by (``"team"``, ``"stage"``, ...), or None for the whole service.
    groups
        The groups to show. Default: every value of ``by`` in ``frame`` across all years, so a
        team with no complaints this year still appears, with zeros.

    Returns
    -------
    pandas.DataFrame
        Long form, April first: ``month`` (Period), ``month_label`` ("Apr 2019"), the ``by``
        column when given, and ``count`` (int).
    """
    months = financial_year_months(financial_year)
    year = in_financial_year(frame, financial_year)
    if by is None:
        counts = year.groupby("month").size().reindex(months, fill_value=0)
        result = counts.rename("count").reset_index()
    else:
        if groups is None:
            groups = sorted(frame[by].dropna().unique().tolist())
        full = pd.MultiIndex.from_product([months, groups], names=["month", by])
        counts = year.groupby(["month", by]).size().reindex(full, fill_value=0)
        result = counts.rename("count").reset_index()
    result.insert(1, "month_label", result["month"].map(month_label))
    result["count"] = result["count"].astype("int64")
    return result


def monthly_table(counts: pd.DataFrame, *, by: str = "team") -> pd.DataFrame:
    """Wide table from :func:`monthly_counts`: one row per group, one column per month, a total."""
    table = counts.pivot(index=by, columns="month", values="count")
    table.columns = [month_label(m) for m in table.columns]
    table["Total"] = table.sum(axis=1)
    table.index.name = by.replace("_", " ").capitalize()
    return table


def counts_by(frame: pd.DataFrame, financial_year: str, column: str, *,
              groups: list | None = None) -> pd.Series:
    """Records in a financial year by ``column``, most first; ``groups`` fixes the order and fills 0."""
    counts = in_financial_year(frame, financial_year).groupby(column).size()
    if groups is not None:
        counts = counts.reindex(groups, fill_value=0)
    else:
        counts = counts.sort_values(ascending=False, kind="stable")
    return counts.astype("int64").rename("count")


def escalation(complaints: pd.DataFrame, financial_year: str, *, from_stage: int = 1) -> dict[str, Any]:
    """How many complaints received at ``from_stage`` in the year went on to the next stage.

    A cohort measure: the denominator is the complaints received at ``from_stage`` in the
    year; the numerator those of them with a row at the next stage (same reference), whenever
    it was received.

    Returns
    -------
    dict
        ``complaints`` (denominator), ``escalated`` (numerator) and ``rate`` (a fraction, NaN
        when there were no complaints at ``from_stage``).
    """
    year = in_financial_year(complaints, financial_year)
    base = set(year.loc[year["stage"] == from_stage, "reference"])
    later = set(complaints.loc[complaints["stage"] == from_stage + 1, "reference"])
    escalated = len(base & later)
    return {"complaints": len(base), "escalated": escalated,
            "rate": escalated / len(base) if base else float("nan")}


def annual_summary(data: Dataset, financial_year: str) -> dict[str, Any]:
    """The headline figures of a financial year, as written to ``summary.json``.

    Counting rules (documented in ``data/README.md``): a complaint counts once at each stage
    it reaches, in the year that stage was received; ``complaints_total`` is the sum over
    stages and over teams. Escalation is a cohort rate (see :func:`escalation`).
    """
    complaints = data.complaints
    year = in_financial_year(complaints, financial_year)
    stage2 = escalation(complaints, financial_year, from_stage=1)
    stage3 = escalation(complaints, financial_year, from_stage=2)
    ombudsman = in_financial_year(data.ombudsman, financial_year)
    decisions = ombudsman["decision"].value_counts().sort_index()
    return {
        "financial_year": financial_year,
        "synthetic_data": data.synthetic,
        "complaints_total": len(year),
        "complaints_by_team": {str(k): int(v) for k, v in counts_by(complaints, financial_year, "team").items()},
        "complaints_by_stage": {str(s): int((year["stage"] == s).sum()) for s in (1, 2, 3)},
        "complaints_by_procedure": {str(k): int(v) for k, v in
                                    counts_by(complaints, financial_year, "procedure").items()},
        "stage1_complaints": stage2["complaints"],
        "stage2_escalations": stage2["escalated"],
        "stage2_escalation_rate": stage2["rate"],
        "stage3_escalations": stage3["escalated"],
        "stage3_escalation_rate": stage3["rate"],
        "compliments_total": len(in_financial_year(data.compliments, financial_year)),
        "ombudsman_enquiries": len(ombudsman),
        "ombudsman_decisions": {str(k): int(v) for k, v in decisions.items()},
        "ombudsman_investigated": int(ombudsman["decision"].isin(OMBUDSMAN_INVESTIGATED).sum()),
        "rows_read": data.report.rows_read,
        "rows_accepted": data.report.rows_read - data.report.rows_excluded,
        "rows_excluded": data.report.rows_excluded,
    }
