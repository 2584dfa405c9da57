"""Report 03's statutory and customary section: timescales and average days by stage, Stage 3
panel outcomes, remedies and compensation, advocacy, how complaints were received, equalities
monitoring, and how well the procedure worked. Each part comes from data the folder holds and is
left out when it does not; one line says what is not recorded. Counts pass through suppression.
"""

from __future__ import annotations

from cfanalysis import words
from cfanalysis.analysis.counts import in_financial_year, new_complaints
from cfanalysis.analysis.results import share_of
from cfanalysis.analysis.statutory import STATUTORY_LABELS, compensation_paid, statutory_tables
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.suppression import suppress

__all__ = ["statutory_appendix", "statutory_section", "timescale_lines"]


def timescale_lines(report) -> list[str]:
    """'Stage 1: 61 of 85 replies within 10 working days, 79 (93%) within the extended 20; median 9 days.'"""
    n, lines = report.suppress_below, []
    for _, row in report.tables["timeliness_by_stage"].iterrows():
        replies = int(row["With a response date"])
        if not replies:
            continue
        within, extended = int(row["Within timescale"]), int(row["Within extended timescale"])
        share = f" ({words.percent(share_of(extended, replies))})" if replies >= max(5, n) else ""
        limit, longest = int(row["Timescale (working days)"]), int(row["Extended timescale"])
        extension = (f", and {words.count(extended, n)}{share} within the extended {longest}" if longest > limit
                     else "")
        lines.append(f"{row['Stage']}: {words.count(within, n)} of {words.count(replies, n)} replies within "
                     f"{limit} working days{extension}; half took {row['Median working days']:.0f} working days "
                     "or fewer.")
    return lines


def _stage3(report) -> str:
    table = report.tables["outcomes_by_stage"]
    if "Stage 3" not in table.index or not table.loc["Stage 3", "Total"]:
        return f"No complaint reached a Stage 3 review panel in {report.financial_year}."
    row, n = table.loc["Stage 3"], report.suppress_below
    if n and row["Total"] < n:
        return f"Stage 3 review panels: fewer than {n} in {report.financial_year} (outcomes not shown)."
    outcomes = [f"{str(k).lower()} {words.count(v, n)}" for k, v in row.drop("Total").items() if v]
    return (f"Stage 3 review panels: {words.count(row['Total'], n)} in {report.financial_year}; outcomes: "
            f"{', '.join(outcomes)}.")


def _remedies(report) -> str:
    n, fy = report.suppress_below, report.financial_year
    paid = compensation_paid(report.data.complaints, fy)
    remedies = [r for r in report.breakdowns.ombudsman.cases["remedy"] if r]
    text = (f"Compensation: {words.count(paid[0], n)} complaints led to a payment, £{paid[1]:,.0f} in all."
            if paid is not None else "")
    if remedies and not n:
        text += f" Remedies the Ombudsman asked for: {'; '.join(remedies)}."
    return text.strip()


def _advocacy(report) -> str:
    new = in_financial_year(new_complaints(report.data.complaints), report.financial_year)
    if "complainant_type" not in new or (new["complainant_type"] == "not recorded").all():
        return ""
    n = report.suppress_below
    children = int(new["complainant_type"].isin(["child or young person", "advocate for a child"]).sum())
    advocate = int((new["complainant_type"] == "advocate for a child").sum())
    return (f"Advocacy: {words.count(children, n)} new complaints came from children and young people, "
            f"{words.count(advocate, n)} of them through an advocate.")


def _procedure(report) -> str:
    f = report.figures
    e12, n = f.escalation_1_2, report.suppress_below
    if not e12.trials:
        return ""
    return (f"How the procedure worked: of {words.count(e12.trials, n)} Stage 1 complaints, "
            f"{words.count(e12.successes, n)} ({words.percent(e12.share)}) went on to Stage 2 and "
            f"{words.count(f.escalation_2_3.successes, n)} to Stage 3, and the Ombudsman upheld "
            f"{words.count(f.now.ombudsman_decisions.get('upheld', 0), n)}.")


def statutory_section(report) -> Parts:
    """The section's sentences: timescales, Stage 3, remedies, advocacy, the procedure, what is not recorded."""
    tables = statutory_tables(report.data.complaints, report.figures.years)
    lines = [_stage3(report), _remedies(report), _advocacy(report), _procedure(report)]
    parts = [Paragraph(line) for line in lines if line]
    shown = [STATUTORY_LABELS[f].lower() for f in tables]
    if shown:
        parts.append(Paragraph(f"Equalities monitoring and how complaints were received ({words.joined(shown)}) "
                               "are in the appendix, with small numbers hidden as in every table."))
    missing = [STATUTORY_LABELS[f].lower() for f in STATUTORY_LABELS if f not in tables]
    if compensation_paid(report.data.complaints, report.financial_year) is None:
        missing.append("compensation paid")
    if missing:
        parts.append(Paragraph(f"Not recorded in the data, so not reported: {words.joined(missing)}; "
                               "data/README.md lists the optional columns that add them. The cost of Stage 2 "
                               "and 3 investigations is not held in the complaints data.", kind="note"))
    return Parts(tuple(parts))


def statutory_appendix(report):
    """Appendix: new complaints by each equalities and how-received column the data hold."""
    tables = statutory_tables(report.data.complaints, report.figures.years)
    if not tables:
        return Paragraph("No equalities monitoring or how-received columns are in the data.")
    n = report.suppress_below
    return Parts(tuple(Table(suppress(table, n, total_row="Total").text(),
                             f"New complaints by {STATUTORY_LABELS[field].lower()}, {report.years_words}")
                       for field, table in tables.items()))
