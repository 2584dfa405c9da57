"""Timeliness: responses within the statutory timescales, in working days, by stage and team."""

from __future__ import annotations

import math

import pandas as pd

from cfanalysis.analysis.counts import in_financial_year
from cfanalysis.periods import working_days

__all__ = ["TIMESCALES", "timeliness_table"]

# Statutory timescales in working days (Getting the Best from Complaints, 2006): (timescale, extended).
# Stage 3 (review panel): 50 working days from the request to the council's response (the panel within 30,
# its report within 5, the response within 15), with no extension.
TIMESCALES = {1: (10, 20), 2: (25, 65), 3: (50, 50)}


def timeliness_table(complaints: pd.DataFrame, financial_year: str, *, by: str | None = None) -> pd.DataFrame:
    """Responses within the statutory timescales, by stage (and optionally by another column).

    Working days from receipt to response (:func:`cfanalysis.working_days`: the next working day
    counts 1). Stage 1: within 10 working days, extendable to 20; Stage 2: 25, extendable to 65;
    Stage 3: 50 from the request to the council's response.
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
