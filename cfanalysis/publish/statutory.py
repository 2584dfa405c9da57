"""Report 03's statutory and customary section: timescales and average days by stage, Stage 3
panel outcomes, remedies and compensation, the cost of Stage 2 investigations and Stage 3 panels,
advocacy, how complaints were received, equalities monitoring, and how well the procedure worked.
Each part comes from data the folder holds and is left out when it does not; one line says what is
not recorded.

Every count goes through the report's :class:`~cfanalysis.publish.disclosure.DisclosurePolicy`
under the ledger keys of the table it comes from, so the audit sees the same number wherever it
is printed; no share, median or "N of M" is given where a count behind it is hidden, and hidden
items are not listed.
"""

from __future__ import annotations

from cfanalysis import words
from cfanalysis.analysis.counts import in_financial_year, new_complaints
from cfanalysis.analysis.statutory import STATUTORY_LABELS, compensation_paid, investigation_costs, statutory_tables
from cfanalysis.publish.disclosure import Relation, cell_key
from cfanalysis.publish.display import Paragraph, Parts, Table
from cfanalysis.publish.sentences import quantity

__all__ = ["statutory_appendix", "statutory_section", "timescale_lines"]

SMALLEST_SHARE = 5  # shares only for groups of 5 replies or more (the report says so)


def timescale_lines(report) -> list[str]:
    """'Stage 1: 61 of 85 replies within 10 working days, 79 (93%) within the extended 20; half took 9 working
    days or fewer.'"""
    from cfanalysis.publish.annual import timeliness_shown

    p, fy, lines = report.policy, report.financial_year, []
    table = report.tables["timeliness_by_stage"]
    # Masked as the timeliness CSV is (a stage hidden in the headline table is hidden here too), so a
    # sentence never prints a count the table withholds.
    shown = timeliness_shown(table, p, stage_counts=report.figures.now.by_stage).set_index("Stage")
    where = f"{fy} annual report, timeliness"
    for _, row in table.iterrows():
        stage, replies = row["Stage"], int(row["With a response date"])
        if not replies:
            continue
        if any(not str(shown.at[stage, column]).replace(",", "").isdigit()
               for column in ("With a response date", "Within timescale", "Within extended timescale")):
            lines.append(f"{stage}: how many replies were on time is not shown, as the numbers are too small to "
                         "publish.")
            continue
        def count(v: int, column: str, noun: str = "", stage: str = stage) -> str:
            return p.count(v, noun, kind="replies", key=cell_key("timeliness_by_stage", stage, column, fy),
                           where=where)

        within, extended = int(row["Within timescale"]), int(row["Within extended timescale"])
        limit, longest = int(row["Timescale (working days)"]), int(row["Extended timescale"])
        if p.share(within, replies, kind="replies") is None:
            text = (f"{stage}: {count(replies, 'With a response date', 'reply')}; how many were within {limit} "
                    "working days is not shown, as the number is too small to publish")
        else:
            text = (f"{stage}: {count(within, 'Within timescale')} of {count(replies, 'With a response date')} "
                    f"replies within {limit} working days")
        share = p.share(extended, replies, kind="replies")
        if longest > limit and share is not None:
            share = f" ({share})" if replies >= max(SMALLEST_SHARE, p.threshold) else ""
            text += f", and {count(extended, 'Within extended timescale')}{share} within the extended {longest}"
        median = shown.at[stage, "Median working days"]
        lines.append(text + (f"; half took {median:.0f} working days or fewer." if isinstance(median, float)
                             and median == median else "."))
    return lines


def _stage3(report) -> str:
    table, fy, p = report.tables["outcomes_by_stage"], report.financial_year, report.policy
    if "Stage 3" not in table.index or not table.loc["Stage 3", "Total"]:
        return f"No complaint reached a Stage 3 review panel in {fy}."
    row = table.loc["Stage 3"]
    if p.is_small(row["Total"]):
        return f"Stage 3 review panels: fewer than {p.threshold} in {fy} (outcomes not shown)."
    from cfanalysis.publish.annual import hidden_stages

    if 3 in hidden_stages(report.figures.now, p):  # withheld in the headline figures to protect another stage
        return (f"Stage 3 review panels in {fy}: the number, and the outcomes, are withheld with the headline "
                "figures, to protect a small number at another stage.")
    # The same protected cells as the outcomes table of the report (its secondary suppression too).
    masked = report._masked("outcomes_by_stage", f"Workload: outcomes at each stage, {fy}", total_column="Total")
    where = f"{fy} annual report, Stage 3 review panels"
    count = lambda v, column: p.count(v, key=cell_key("outcomes_by_stage", "Stage 3", column, fy),  # noqa: E731
                                      where=where)
    outcomes = [f"{str(k).lower()} {count(v, k)}" for k, v in row.drop("Total").items()
                if v and not masked.hidden.at["Stage 3", k]]
    hidden = any(v and masked.hidden.at["Stage 3", k] for k, v in row.drop("Total").items())
    listed = ", ".join(outcomes) if outcomes else "not shown, as the numbers are too small to publish"
    return (f"Stage 3 review panels: {count(row['Total'], 'Total')} in {fy}; outcomes: {listed}"
            + ("; the others are not shown, as their numbers are too small to publish." if hidden and outcomes
               else "."))


def _remedies(report) -> str:
    p, fy = report.policy, report.financial_year
    paid = compensation_paid(report.data.complaints, fy)
    text = ""
    if paid is not None and p.is_small(paid[0]):  # the amount of one or two payments is one family's
        text = (f"Compensation: {p.count(paid[0], 'complaint', where=f'{fy} annual report, compensation')} led "
                "to a payment (the amount is not published, as it would describe individual cases).")
    elif paid is not None:
        text = (f"Compensation: {p.count(paid[0], 'complaint', where=f'{fy} annual report, compensation')} led "
                f"to a payment, £{paid[1]:,.0f} in all.")
    remedies = [r for r in report.breakdowns.ombudsman.cases["remedy"] if r]
    if remedies and not p.hides():  # each remedy belongs to one family's complaint: internal only
        text += f" Remedies the Ombudsman asked for: {'; '.join(remedies)}."
    return text.strip()


def _pounds(value: float) -> str:
    return f"£{value:,.0f}"


def _cost(report) -> str:
    """What the year's Stage 2 investigations and Stage 3 panels cost: in all, and per stage with the
    cost per case where no stage count is withheld (a total with a cost per case gives the count)."""
    from cfanalysis.publish.annual import stages_hidden

    p, f, fy, by = report.policy, report.figures, report.financial_year, report.baseline_year
    costs = investigation_costs(report.data.complaints, fy)
    if costs is None:
        return ""
    if not costs["cases"].sum():
        return f"Cost of investigations: no Stage 2 investigation or Stage 3 review panel was held in {fy}."
    if not costs["costed"].sum():
        return f"Cost of investigations: no cost was recorded for the Stage 2 and 3 cases of {fy}."
    before = investigation_costs(report.data.complaints, by) if f.years.has_baseline else None
    then = (f" (against {_pounds(before['total_pounds'].sum())} in {by})"
            if before is not None and before["costed"].sum() else "")
    text = (f"Cost of investigations: Stage 2 investigations and Stage 3 review panels cost "
            f"{_pounds(costs['total_pounds'].sum())} in {fy}{then}")
    if stages_hidden(f.now.by_stage, p):  # the number of cases at a stage is withheld: the total only
        return text + ("; the cost per case is not published, as with the total it would give the number of cases "
                       "away.")
    where, parts = f"{fy} annual report, cost of investigations", []
    for stage, row in costs.iterrows():
        if not row["costed"]:
            continue
        noun = "Stage 2 investigation" if stage == 2 else "Stage 3 panel"
        cases = p.count(int(row["cases"]), noun, key=quantity(f"stage{stage}", fy), where=where)
        mean = f"{_pounds(row['mean_pounds'])} each on average"
        detail = (f" ({p.count(int(row['costed']), where=where)} with a cost recorded: {mean})"
                  if row["costed"] < row["cases"] else f" ({mean})" if row["costed"] > 1 else "")
        parts.append(f"{_pounds(row['total_pounds'])} for {cases}{detail}")
    return f"{text}: {words.joined(parts)}."


def _advocacy(report) -> str:
    p, fy = report.policy, report.financial_year
    new = in_financial_year(new_complaints(report.data.complaints), fy)
    if "complainant_type" not in new or (new["complainant_type"] == "not recorded").all():
        return ""
    child = int((new["complainant_type"] == "child or young person").sum())
    advocate = int((new["complainant_type"] == "advocate for a child").sum())
    if p.is_small(child, "people") or p.is_small(advocate, "people"):
        return ("Advocacy: how many new complaints came from children and young people, and how many of them "
                "through an advocate, is not given: the numbers are too small to publish.")
    name, where = "new_complaints_by_complainant", f"{fy} annual report, advocacy"
    cells = tuple(cell_key(name, row, fy, fy) for row in ("Child or young person", "Advocate for a child"))
    children = p.count(child + advocate, kind="people", key=quantity("new_from_children", fy), where=where)
    p.ledger.relations.append(Relation(quantity("new_from_children", fy), cells, where))
    return (f"Advocacy: {children} new complaints came from children and young people, "
            f"{p.count(advocate, kind='people', key=cells[1], where=where)} of them through an advocate.")


def _procedure(report) -> str:
    f, p, fy = report.figures, report.policy, report.financial_year
    e12, e23 = f.escalation_1_2, f.escalation_2_3
    if not e12.trials:
        return ""
    from cfanalysis.publish.annual import hidden_stages

    if hidden_stages(f.now, p) & {2, 3}:  # the escalations are withheld with the stages' cases
        upheld = f.now.ombudsman_decisions.get("upheld", 0)
        return (f"How the procedure worked: of {p.count(e12.trials, key=quantity('stage1', fy))} Stage 1 "
                "complaints, how many went on to Stage 2 and Stage 3 is withheld with the stages' counts in the "
                f"headline figures; the Ombudsman upheld "
                f"{p.count(upheld, kind='ombudsman', key=quantity('ombudsman:upheld', fy))}.")
    share = p.share(e12.successes, e12.trials, numerator_key=quantity("escalated_to_2", fy),
                    denominator_key=quantity("stage1", fy))
    upheld = f.now.ombudsman_decisions.get("upheld", 0)
    return (f"How the procedure worked: of {p.count(e12.trials, key=quantity('stage1', fy))} Stage 1 complaints, "
            f"{p.count(e12.successes, key=quantity('escalated_to_2', fy))}{f' ({share})' if share else ''} went "
            f"on to Stage 2 and {p.count(e23.successes, key=quantity('escalated_to_3', fy))} to Stage 3, and the "
            f"Ombudsman upheld {p.count(upheld, kind='ombudsman', key=quantity('ombudsman:upheld', fy))}.")


def statutory_section(report) -> Parts:
    """The section's sentences: timescales, Stage 3, remedies, advocacy, the procedure, what is not recorded."""
    tables = statutory_tables(report.data.complaints, report.figures.years)
    lines = [_stage3(report), _remedies(report), _cost(report), _advocacy(report), _procedure(report)]
    parts = [Paragraph(line) for line in lines if line]
    shown = [STATUTORY_LABELS[f].lower() for f in tables]
    if shown:
        parts.append(Paragraph(f"Equalities monitoring and how complaints were received ({words.joined(shown)}) "
                               "are in the appendix, with small numbers hidden as in every table."))
    missing = [STATUTORY_LABELS[f].lower() for f in STATUTORY_LABELS if f not in tables]
    if compensation_paid(report.data.complaints, report.financial_year) is None:
        missing.append("compensation paid")
    if investigation_costs(report.data.complaints, report.financial_year) is None:
        missing.append("the cost of Stage 2 investigations and Stage 3 panels")
    if missing:
        parts.append(Paragraph(f"Not recorded in the data, so not reported: {words.joined(missing)}; "
                               "data/README.md lists the optional columns that add them.", kind="note"))
    return Parts(tuple(parts))


def statutory_appendix(report):
    """Appendix: the outcomes at each stage (workload) and each Ombudsman decision (internal), then new
    complaints by each equalities and how-received column the data hold."""
    tables = statutory_tables(report.data.complaints, report.figures.years)
    cases = report.ombudsman_cases_table()
    first = [report.stage_outcomes_table(), *([cases] if cases is not None else [])]
    if not tables:
        return Parts((*first, Paragraph("No equalities monitoring or how-received columns are in the data.")))
    p, fy, parts = report.policy, report.financial_year, first
    for field, table in tables.items():
        caption = f"New complaints by {STATUTORY_LABELS[field].lower()}, {report.years_words}"
        shown = p.mask(table, kind="complaints" if field == "received_via" else "people", total_row="Total",
                       name=f"new_complaints_by_{field}", year=fy, where=f"{fy} annual report, '{caption}'")
        parts.append(Table(shown.text(), caption))
    return Parts(tuple(parts))
