"""Report 01's table and the public form of monthly series: months grouped into quarters.

A public report does not print single months of a team's complaints when most are below the
threshold: the counts are grouped into quarters of the financial year (Apr-Jun, ...), which keeps
the message (when in the year complaints came) while protecting people, and then masked by the
run's :class:`~cfanalysis.publish.disclosure.DisclosurePolicy` as every other table is.
"""

from __future__ import annotations

import pandas as pd

from cfanalysis.analysis.counts import monthly_table
from cfanalysis.publish.disclosure import DisclosurePolicy, Relation, cell_key, disclosure_policy, with_record
from cfanalysis.publish.display import Table

__all__ = ["masked_periods", "monthly_counts_table", "public_periods", "to_quarters"]

def to_quarters(counts: pd.DataFrame, *, by: str | None = "team", months: int = 3) -> pd.DataFrame:
    """Long monthly counts (``month``, ``month_label``, ``by``, ``count``) summed into periods of
    the financial year: quarters (``months=3``: Apr-Jun, ...) or halves (``months=6``: Apr-Sep,
    Oct-Mar).

    ``month`` becomes the period's first month (a monthly Period) and ``month_label`` its name
    ("Apr-Jun 2019"); a period is kept only where the data hold all its months.

    Examples
    --------
    >>> c = pd.DataFrame({"month": pd.period_range("2019-04", periods=6, freq="M"), "count": [1, 2, 3, 4, 5, 6]})
    >>> to_quarters(c, by=None)[["month_label", "count"]].values.tolist()
    [['Apr-Jun 2019', 6], ['Jul-Sep 2019', 15]]
    >>> to_quarters(c, by=None, months=6)[["month_label", "count"]].values.tolist()
    [['Apr-Sep 2019', 21]]
    """
    frame = counts.copy()
    frame["period"] = frame["month"].map(lambda m: m - ((m.month - 4) % 12) % months)
    keys = ["period"] + ([by] if by else [])
    grouped = frame.groupby(keys, sort=False).agg(count=("count", "sum"), months=("count", "size")).reset_index()
    grouped = grouped[grouped["months"] == months].drop(columns="months")
    grouped["month_label"] = [_period_label(p, months) for p in grouped["period"]]
    return grouped.rename(columns={"period": "month"})[["month", "month_label", *([by] if by else []), "count"]]


def _period_label(first: pd.Period, months: int) -> str:
    last = first + (months - 1)
    if first.year == last.year:
        return f"{first:%b}-{last:%b} {first.year}"
    return f"{first:%b %Y}-{last:%b %Y}"


def public_periods(counts: pd.DataFrame, policy: DisclosurePolicy, *, by: str | None = "team") -> pd.DataFrame:
    """The counts a report may show for this policy: as they are when nothing is hidden or every
    month is publishable; else grouped into quarters, or into halves of the year when more than
    half the quarters would still be hidden, or into whole years (so that a chart keeps its message)."""
    if not policy.hides() or not counts["count"].lt(policy.threshold).any():
        return counts
    for months in (3, 6):
        grouped = to_quarters(counts, by=by, months=months)
        if grouped["count"].lt(policy.threshold).mean() <= 0.5:
            return grouped
    return to_quarters(counts, by=by, months=12)


def masked_periods(counts: pd.DataFrame, policy: DisclosurePolicy, *, by: str = "team", kind: str = "complaints",
                   name: str = "", year: str = "", where: str = "", totals: bool = True):
    """The wide table of ``counts`` as published (months, or quarters when public), masked.

    With ``totals`` the table has a Total row and a Total column, protected as margins (the
    table of report 01, and its chart, which must hide the same cells). Registered under ``name``.
    Returns the long counts shown (months or quarters) and the masked wide table.
    """
    shown = public_periods(counts, policy, by=by) if policy.hides(kind) else counts
    table = shown.pivot(index=by, columns="month_label", values="count")
    table = table[list(dict.fromkeys(shown["month_label"]))]
    table.index.name = by.replace("_", " ").capitalize()
    if totals:
        table["Total"] = table.sum(axis=1)
        table.loc["Total"] = table.sum(axis=0)
    table = table.astype("int64")
    masked = policy.mask(table, kind=kind, total_row="Total" if totals else None,
                         total_column="Total" if totals else None, name=name or None, year=year, where=where)
    return shown, masked


def monthly_counts_table(counts: pd.DataFrame, *, by: str = "team", caption: str = "",
                         policy: DisclosurePolicy | None = None, financial_year: str = "") -> Table:
    """One row per group and a Total row, one column per month (quarter, when public) and a Total column.

    Counts are masked by ``policy`` and the totals protected the same way as in the annual
    report (:meth:`DisclosurePolicy.mask`); each group's Total is registered as the same figure as
    the annual report's complaints by team.

    Examples
    --------
    >>> counts = pd.DataFrame({"month": pd.PeriodIndex(["2019-04", "2019-04", "2019-05", "2019-05"], freq="M"),
    ...                        "month_label": ["Apr 2019"] * 2 + ["May 2019"] * 2,
    ...                        "team": ["A", "B", "A", "B"], "count": [3, 7, 8, 9]})
    >>> monthly_counts_table(counts, caption="c").frame.loc["Total"].tolist()
    [10, 17, 27]
    """
    policy = policy or disclosure_policy()
    if not policy.hides():
        table = monthly_table(counts, by=by)
        table.loc["Total"] = table.sum(axis=0)
        return Table(table.astype("int64"), caption=caption)
    year = financial_year or _year_of(counts)
    name = f"monthly_by_{by}"
    start = policy.ledger.mark()
    _, masked = masked_periods(counts, policy, by=by, name=name, year=year, where=f"{year} monthly counts, '{caption}'")
    if by == "team":
        for group in masked.values.index:
            policy.ledger.relations.append(Relation(cell_key("complaints_by_team", group, year, year),
                                                    (cell_key(name, group, "Total", year),), f"{year} monthly counts"))
    shown = masked.text()
    shown.index.name = masked.values.index.name
    return with_record(Table(shown, caption=caption), policy.ledger.since(start))


def _year_of(counts: pd.DataFrame) -> str:
    first = counts["month"].min()
    start = first.year if first.month >= 4 else first.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
