"""Notebook 03's sections: the annual report as displayable paragraphs, tables and charts.

:func:`annual_report` computes everything once; each method returns what one section shows.
Every count passes through the suppression threshold, so "fewer than N" is applied the same
way in sentences, tables, chart labels and alt text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cfanalysis.analysis.annual import annual_headlines, annual_tables, headline_summary, local_benchmarks
from cfanalysis.publish.display import Paragraph, Table, Parts
from cfanalysis.data.loader import Dataset
from cfanalysis.periods import previous_financial_year
from cfanalysis.publish.protect import count_words, suppress

__all__ = ["AnnualReport", "annual_report", "bar_chart"]


def _percent(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


def bar_chart(table: pd.DataFrame, *, suppress_below: int, title: str, what: str = "complaints",
              horizontal: bool = True, caption: str = ""):
    """Grouped bars of a count table (rows = groups, columns = years), suppression applied.

    A hidden count is drawn as a hatched bar reaching the threshold, labelled "fewer than N",
    so neither the bar nor its label reveals it.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from cfanalysis.plots import PALETTE, Chart

    shown = suppress(table, suppress_below, total_row="Total" if "Total" in table.index else None)
    body = table.drop(index="Total", errors="ignore")
    labels = shown.drop(index="Total", errors="ignore")
    groups, series = list(body.index), list(body.columns)
    _, ax = plt.subplots(figsize=(9, 0.45 * len(groups) * len(series) + 1.5) if horizontal else (9, 4.5))
    width = 0.8 / len(series)
    positions = np.arange(len(groups))
    for k, column in enumerate(series):
        hidden = labels[column].astype(str).str.startswith("fewer than").to_numpy()
        secondary = labels[column].astype(str).eq("not shown").to_numpy()
        heights = np.where(hidden, suppress_below, np.where(secondary, 0, body[column].to_numpy(dtype=float)))
        offset = positions + (k - (len(series) - 1) / 2) * width
        draw = ax.barh if horizontal else ax.bar
        bars = draw(offset, heights, width, color=PALETTE[k % len(PALETTE)], label=str(column),
                    hatch=None, edgecolor="white")
        for bar, is_hidden in zip(bars, hidden):
            if is_hidden:
                bar.set_hatch("//")
                bar.set_alpha(0.45)
        texts = [str(t) for t in labels[column]]
        ax.bar_label(bars, labels=texts, padding=3, fontsize=8)
    if horizontal:
        ax.set_yticks(positions, groups)
        ax.invert_yaxis()
        ax.set_xlabel(what.capitalize())
    else:
        ax.set_xticks(positions, groups, rotation=30, ha="right")
        ax.set_ylabel(what.capitalize())
    ax.legend(frameon=False, fontsize="small", loc="lower right" if horizontal else "upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, loc="left", fontsize=11)
    parts = [f"{group}: " + ", ".join(f"{labels.loc[group, c]} in {c}" for c in series) for group in groups]
    alt = f"Bar chart: {title}. " + "; ".join(parts) + "."
    return Chart.from_axes(ax, alt=alt, caption=caption)


@dataclass(frozen=True)
class AnnualReport:
    data: Dataset
    financial_year: str
    baseline_year: str
    suppress_below: int
    headlines: dict
    tables: dict
    team: str
    change: object  # TeamChange, or None when the team or the baseline year has no data
    funnel: object | None
    funnel_problem: str
    authority: str | None
    outputs_dir: Path | None

    def _count_table(self, name: str, caption: str, *, total_column: str | None = None) -> Table:
        table = self.tables[name]
        shown = suppress(table, self.suppress_below, total_row="Total" if "Total" in table.index else None,
                         total_column=total_column)
        return Table(shown, caption)

    @property
    def years_words(self) -> str:
        """'2018-19 and 2019-20', or just the year when there is nothing to compare with."""
        if self.headlines["has_baseline"]:
            return f"{self.baseline_year} and {self.financial_year}"
        return self.financial_year

    def suppression_note(self) -> Paragraph:
        if self.suppress_below:
            return Paragraph(f"To protect the people involved, every count below {self.suppress_below} is "
                             f"shown as 'fewer than {self.suppress_below}', and where a total would let a "
                             "hidden number be worked out, another number is marked 'not shown' too.")
        return Paragraph("Counts are shown in full (internal version). For publication, run with "
                         "suppress_below = 5 so that small numbers are hidden.")

    def headline_section(self):
        fy, by = self.financial_year, self.baseline_year
        sentences = headline_summary(self.headlines, suppress_below=self.suppress_below)
        h = self.headlines
        rows = {"Complaints, all stages": h["complaints"], "Statutory procedure": h["statutory"],
                "Corporate procedure": h["corporate"],
                **{f"Stage {s}": h["stages"][s] for s in (1, 2, 3)},
                "Ombudsman enquiries": h["ombudsman_total"], "Compliments": h["compliments"]}
        table = pd.DataFrame(rows, index=[fy, by]).T[[by, fy] if h["has_baseline"] else [fy]]
        table.index.name = "Figure"
        shown = suppress(table, self.suppress_below)
        e12, e23 = h["escalation_1_2"], h["escalation_2_3"]
        rates = pd.DataFrame({
            by: [_percent(e12.baseline_share), _percent(e23.baseline_share)] if h["has_baseline"] else ["", ""],
            fy: [_percent(e12.share), _percent(e23.share)],
            f"{fy} {e12.confidence_level:.0%} interval": [f"{e12.ci[0]:.0%} to {e12.ci[1]:.0%}" if e12.trials else "",
                                                         f"{e23.ci[0]:.0%} to {e23.ci[1]:.0%}" if e23.trials else ""],
            "Fisher's exact test p": [f"{e12.pvalue:.3f}" if not math.isnan(e12.pvalue) else "",
                                      f"{e23.pvalue:.3f}" if not math.isnan(e23.pvalue) else ""]},
            index=pd.Index(["Stage 1 to Stage 2", "Stage 2 to Stage 3"], name="Escalation"))
        if not h["has_baseline"]:
            rates = rates.drop(columns=[by, "Fisher's exact test p"])
        if self.suppress_below:
            for row, change in zip(rates.index, (e12, e23)):
                if min(change.successes, change.trials - change.successes) < self.suppress_below:
                    rates.loc[row, [fy, f"{fy} {e12.confidence_level:.0%} interval"]] = "not shown (small numbers)"
        title = f"Headline figures, {fy} against {by}" if h["has_baseline"] else f"Headline figures, {fy}"
        return Parts((Paragraph(sentences[0], kind="verdict"), *[Paragraph(s) for s in sentences[1:]],
                      Table(shown, title),
                      Table(rates, "Escalation between stages (share of complaints at one stage that went on "
                                   "to the next)")))

    def ombudsman_section(self):
        table = self.tables["ombudsman_decisions"]
        if not len(table):
            return Paragraph(f"No Ombudsman enquiries were recorded in {self.financial_year}.")
        return Parts((self._count_table("ombudsman_decisions", f"Ombudsman decisions, {self.financial_year}"),
                      Paragraph("'Upheld' and 'not upheld' are the enquiries the council was asked to respond to; "
                                "the Ombudsman closed the others without a detailed investigation.")))

    def teams_section(self):
        chart = bar_chart(self.tables["complaints_by_team"], suppress_below=self.suppress_below,
                          title=f"Complaints by team, {self.years_words}",
                          caption="Complaints by team (all stages).")
        parts = [chart, self._count_table("complaints_by_team", f"Complaints by team, {self.years_words}")]
        if self.change is not None:
            small = min(self.change.headline.count, self.change.headline.baseline_count) < self.suppress_below
            parts.append(Paragraph(
                f"{self.team}'s change is not described here because its numbers are too small to publish."
                if small else self.change.summary(), kind="verdict"))
            parts.append(Paragraph("The team-change report (02) sets out the robustness checks, demand and "
                                   "staffing, and when the change began."))
        return Parts(tuple(parts))

    def categories_section(self):
        chart = bar_chart(self.tables["complaints_by_category"], suppress_below=self.suppress_below,
                          title=f"What complaints were about, {self.years_words}",
                          caption="Complaints by category (all stages).")
        attitude = self.headlines["attitude"]
        return Parts((Paragraph(attitude.sentence(self.financial_year, self.baseline_year, self.suppress_below)),
                      chart, self._count_table("complaints_by_category", "Complaints by category")))

    def outcomes_section(self):
        return Parts((self._count_table("outcomes_by_stage", f"Outcomes by stage, {self.financial_year}",
                                        total_column="Total"),
                      self._count_table("outcomes_by_team", f"Outcomes by team, {self.financial_year}",
                                        total_column="Total"),
                      Paragraph("Outcomes not yet decided, or not recorded, are shown as 'Not recorded' where "
                                "there are any.")))

    def complainants_section(self):
        return self._count_table("complainant_types", "Who made the complaints")

    def timeliness_section(self):
        parts = []
        for name, caption in (("timeliness_by_stage", "Responses within the statutory timescales, by stage"),
                              ("timeliness_by_team", "Responses within the statutory timescales, by team")):
            table = self.tables[name].copy()
            if not len(table):
                parts.append(Paragraph("No Stage 1 or Stage 2 complaints this year."))
                continue
            for column in ("Share within timescale", "Share within extended"):
                table[column] = table[column].map(_percent)
            counts = ["Complaints", "With a response date", "Within timescale", "Within extended timescale"]
            if self.suppress_below:
                small = table[counts].lt(self.suppress_below).any(axis=1)
                table = table.astype(object)
                for column in counts:
                    table[column] = [count_words(int(v), self.suppress_below) for v in table[column]]
                table.loc[small, ["Share within timescale", "Share within extended", "Median working days"]] = \
                    "not shown (small numbers)"
            parts.append(Table(table, caption, index=False,
                               formats={"Median working days": lambda v: v if isinstance(v, str) else f"{v:.1f}"}))
        parts.append(Paragraph("Working days exclude weekends and England and Wales bank holidays; a response on "
                               "the next working day counts as 1. Stage 1: 10 working days, extendable to 20. "
                               "Stage 2: 25, extendable to 65. Stage 3 review-panel dates are not part of the "
                               "data contract, so panel timings are not reported here."))
        return Parts(tuple(parts))

    def actions_section(self):
        actions = self.data.actions
        if not len(actions):
            return Paragraph("No learning and actions table was supplied. To show what changed because of "
                             "complaints, as the statutory guidance asks, add actions.csv to the data folder "
                             "with columns reference, action, owner (a role), status and theme "
                             "(see data/README.md).")
        years = self.data.complaints.drop_duplicates("reference").set_index("reference")["financial_year"]
        year_of = actions["reference"].map(years)
        this_year = actions[year_of == self.financial_year]
        unmatched = int(year_of.isna().sum())
        if not len(this_year):
            text = f"No actions are linked to complaints received in {self.financial_year}."
            return Paragraph(text + (f" {unmatched} actions name a reference not found in the complaints."
                                     if unmatched else ""))
        table = this_year[["theme", "action", "owner", "status"]].rename(columns={
            "theme": "Theme", "action": "What changed", "owner": "Owner", "status": "Status"}).fillna("")
        parts = [Table(table.reset_index(drop=True), f"Learning and actions from complaints received in "
                                                     f"{self.financial_year}", index=False)]
        if unmatched:
            parts.append(Paragraph(f"{unmatched} actions name a complaint reference that is not in the complaints "
                                   "file; check their references."))
        return Parts(tuple(parts))

    def benchmarking_section(self):
        from cfanalysis.analysis.benchmarking import funnel_chart

        parts = []
        if self.funnel is None:
            parts.append(Paragraph(self.funnel_problem))
        else:
            f = self.funnel
            parts.append(Paragraph(f.summary(self.authority)))
            parts.append(funnel_chart(f, caption=f"Complaints per {f.per:,} "
                                                 f"{f.denominator.replace('_', ' ')}, {self.financial_year}."))
            table = f.table[["authority", "complaints", "denominator", "rate", "lower_95", "upper_95",
                             "position"]].rename(columns={
                "authority": "Authority", "complaints": "Complaints",
                "denominator": f.denominator.replace("_", " ").capitalize(),
                "rate": f"Rate per {f.per:,}", "lower_95": "95% lower", "upper_95": "95% upper",
                "position": "Where it sits"})
            table["Where it sits"] = table["Where it sits"].str.split(" \\(").str[0]
            parts.append(Table(table, "Where each authority sits", index=False,
                               formats={"Complaints": lambda v: count_words(int(v), self.suppress_below),
                                        f.denominator.replace("_", " ").capitalize(): "{:,.0f}"}))
        if self.outputs_dir is not None:
            bench = local_benchmarks(self.outputs_dir, self.data, self.financial_year)
            bench["Stage 2 escalation"] = bench["Stage 2 escalation"].map(_percent)
            for column in ("Complaints", "Compliments", "Ombudsman enquiries"):
                bench[column] = [count_words(int(v), self.suppress_below) if v is not None else ""
                                 for v in bench[column]]
            parts.append(Table(bench, "This council year on year (local benchmarks)"))
        return Parts(tuple(parts))


def annual_report(data: Dataset, financial_year: str, *, baseline_year: str | None = None,
                  suppress_below: int = 0, team: str = "Duty Team", denominator: str = "children_in_need",
                  authority: str | None = None, outputs_dir: str | Path | None = None,
                  confidence_level: float = 0.95) -> AnnualReport:
    """Everything notebook 03 shows, computed once.

    Parameters
    ----------
    suppress_below
        Counts below this show as "fewer than N" (0: off, for internal use; 5 for publication).
    team
        The team whose change is summarised in the teams section.
    denominator, authority
        Comparators column for the funnel plot, and this council's name in that table
        (default: the ``authority`` named in ``dataset.json``, if any).
    outputs_dir
        Folder of earlier years' ``summary.json`` files, for the year-on-year table.
    """
    from cfanalysis.analysis.benchmarking import funnel
    from cfanalysis.analysis.teams import team_change

    if suppress_below < 0:
        raise ValueError(f"suppress_below={suppress_below} must be 0 (off) or a positive count such as 5.")
    baseline_year = baseline_year or previous_financial_year(financial_year)
    if authority is None:
        authority = _dataset_authority(data)
    # Only the headline finding is shown here (report 02 has the rest), so skip the slower checks.
    unavailable = (
        baseline_year not in data.financial_years or team not in set(data.complaints["team"]))
    change = None if unavailable else team_change(data.complaints, team, financial_year, baseline_year=baseline_year,
                                                  confidence_level=confidence_level)
    result, problem = None, ""
    if len(data.comparators):
        try:
            result = funnel(data.comparators, financial_year, denominator=denominator, highlight=authority)
        except ValueError as error:
            problem = f"The comparison with other councils cannot be drawn: {error}"
    else:
        problem = ("No comparators table was supplied. To compare with other councils, add comparators.csv "
                   "(authority, financial_year, complaints and a denominator such as children in need; see "
                   "data/README.md).")
    return AnnualReport(data, financial_year, baseline_year, suppress_below,
                        annual_headlines(data, financial_year, baseline_year=baseline_year,
                                         confidence_level=confidence_level),
                        annual_tables(data, financial_year, baseline_year=baseline_year),
                        team, change, result, problem, authority,
                        Path(outputs_dir) if outputs_dir else None)


def _dataset_authority(data: Dataset) -> str | None:
    import json

    path = Path(data.report.data_dir) / "dataset.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("authority")
    except (OSError, ValueError, AttributeError):
        return None

