"""The statutory and customary figures of an annual complaints report, from optional columns.

Equalities monitoring (age band, sex, ethnicity and disability of the complainant or child), how
complaints were received, and compensation paid, each counted over new complaints (each
complaint once, as first received) in the year and its baseline; and what the Stage 2
investigations and Stage 3 review panels cost (:func:`investigation_costs`, over stage cases).
A column the data do not hold gives no table: :func:`statutory_tables` leaves it out, and
:data:`STATUTORY_LABELS` names it so the report can say what is not recorded.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis.analysis.counts import in_financial_year, new_complaints
from cfanalysis.analysis.years import YearComparison

__all__ = ["STATUTORY_LABELS", "compensation_paid", "investigation_costs", "statutory_tables"]

STATUTORY_LABELS = {"received_via": "How received", "age_band": "Age band", "sex": "Sex",
                    "ethnicity": "Ethnicity", "disability": "Disability"}


def _recorded(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.where(text.notna() & (text != ""), "Not recorded").map(lambda v: v[:1].upper() + v[1:])


def statutory_tables(complaints: pd.DataFrame, years: YearComparison) -> dict[str, pd.DataFrame]:
    """New complaints by each optional column the data hold: field -> table (baseline year, year, Total row).

    >>> import pandas as pd
    >>> from cfanalysis.analysis.years import compare_years
    >>> frame = pd.DataFrame({"reference": ["A", "B"], "stage": [1, 1], "team": ["T", "T"],
    ...     "received_date": pd.to_datetime(["2019-05-01", "2019-06-01"]), "financial_year": ["2019-20"] * 2,
    ...     "month": pd.PeriodIndex(["2019-05", "2019-06"], freq="M"), "sex": ["female", ""]})
    >>> statutory_tables(frame, compare_years(frame, "2019-20"))["sex"]["2019-20"].tolist()
    [1, 1, 2]
    """
    new = new_complaints(complaints)
    fy, by = years.financial_year, years.baseline_year
    tables = {}
    for field, label in STATUTORY_LABELS.items():
        if field not in new.columns or not new[field].notna().any():
            continue
        frame = new.assign(**{field: _recorded(new[field]).to_numpy()})
        now, before = in_financial_year(frame, fy), in_financial_year(frame, by)
        table = pd.DataFrame({by: before[field].value_counts(), fy: now[field].value_counts()}).fillna(0)
        table = table.astype("int64").sort_values(fy, ascending=False, kind="stable")
        if not years.has_baseline:
            table = table[[fy]]
        table.loc["Total"] = table.sum()
        table.index.name = label
        tables[field] = table
    return tables


def compensation_paid(complaints: pd.DataFrame, financial_year: str) -> tuple[int, float] | None:
    """(complaints with compensation paid, total in pounds) in the year, or None without the column."""
    if "compensation" not in complaints.columns or not complaints["compensation"].notna().any():
        return None
    year = in_financial_year(complaints, financial_year)
    paid = pd.to_numeric(year["compensation"], errors="coerce").fillna(0)
    return int((paid > 0).sum()), float(paid.sum())


def investigation_costs(complaints: pd.DataFrame, financial_year: str) -> pd.DataFrame | None:
    """What the year's Stage 2 investigations and Stage 3 review panels cost, or None without the column.

    Returns a frame indexed by stage (2, 3) with columns ``cases`` (the stage's rows received in the
    year), ``costed`` (those with a cost recorded), ``total_pounds`` (the sum of the recorded costs)
    and ``mean_pounds`` (per costed case; NaN when none). Each stage case is costed on its own row
    (a complaint that reached Stage 3 has a Stage 2 and a Stage 3 cost); Stage 1 rows are ignored.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"stage": [1, 2, 2, 3], "financial_year": ["2019-20"] * 4,
    ...                       "investigation_cost": [float("nan"), 2000.0, float("nan"), 900.0]})
    >>> investigation_costs(frame, "2019-20")[["cases", "costed", "total_pounds"]].to_dict("index")
    {2: {'cases': 2, 'costed': 1, 'total_pounds': 2000.0}, 3: {'cases': 1, 'costed': 1, 'total_pounds': 900.0}}
    """
    if "investigation_cost" not in complaints.columns or not complaints["investigation_cost"].notna().any():
        return None
    year = in_financial_year(complaints, financial_year)
    rows = []
    for stage in (2, 3):
        cost = pd.to_numeric(year.loc[year["stage"] == stage, "investigation_cost"], errors="coerce")
        costed = cost.dropna()
        rows.append({"stage": stage, "cases": int(len(cost)), "costed": int(len(costed)),
                     "total_pounds": float(costed.sum()),
                     "mean_pounds": float(costed.mean()) if len(costed) else float("nan")})
    return pd.DataFrame(rows).set_index("stage")
