"""The panel's questions, answered from the data already held: breakdowns of a year against the last.

Each function takes loaded tables and the years compared, and returns a frozen result with
``to_frame()``, a plain-English ``summary()`` and ``_repr_html_()``:

- :func:`team_breakdown`: why a team's complaints changed (category, outcome, complainant, stage);
- :func:`attitude_breakdown`: staff attitude by team, and how often it is upheld against the rest;
- :func:`timeliness_change`: replies within the statutory timescales, this year against last;
- :func:`compliments_breakdown`: compliments by team and by month;
- :func:`ombudsman_cases`: the Ombudsman's decisions with team, category and remedy;
- :func:`actions_log`: learning and actions across years, with their status;
- :func:`uphold_benchmark`: the share of complaints upheld, against other councils.

The unit is the new complaint (:func:`cfanalysis.analysis.counts.new_complaints`): each complaint
once, in the year and team it was first received. Its outcome is the one at the last stage it
reached, and "upheld" means upheld in full or in part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from cfanalysis import words
from cfanalysis.analysis.benchmarking import proportion_funnel
from cfanalysis.analysis.counts import in_financial_year, new_complaints
from cfanalysis.analysis.figures import ATTITUDE
from cfanalysis.analysis.proportions import proportion_interval
from cfanalysis.analysis.results import Result, share_of
from cfanalysis.analysis.years import YearComparison
from cfanalysis.periods import working_days

__all__ = [
    "ASPECTS", "STAGE_TIMESCALES", "UPHELD", "ActionsLog", "AttitudeBreakdown", "ComplimentsBreakdown",
    "OmbudsmanCases", "TeamBreakdown", "TimelinessChange", "UpholdBenchmark", "actions_log",
    "attitude_breakdown", "complaint_outcomes", "compliments_breakdown", "ombudsman_cases", "team_breakdown",
    "timeliness_change", "uphold_benchmark",
]

UPHELD = ("upheld", "partially upheld")
ASPECTS = {"category": "Category", "outcome": "Outcome", "complainant_type": "Complainant",
           "last_stage": "Furthest stage reached"}
# Working days from receipt to response. Stages 1 and 2 as in analysis.timeliness; Stage 3 from the
# request to the authority's response: panel within 30, its report within 5, response within 15.
STAGE_TIMESCALES = {1: 10, 2: 25, 3: 50}


def complaint_outcomes(complaints: pd.DataFrame) -> pd.DataFrame:
    """New complaints (each once, as first received) with the outcome and stage where each ended.

    Returns the rows of :func:`new_complaints` with ``outcome`` replaced by the outcome at the
    last stage the complaint reached, ``last_stage`` (1, 2 or 3) and ``upheld`` (True when upheld
    in full or in part).

    >>> frame = pd.DataFrame({"reference": ["A", "A"], "stage": [1, 2], "outcome": ["not upheld", "upheld"],
    ...                       "received_date": pd.to_datetime(["2019-04-01", "2019-06-01"])})
    >>> complaint_outcomes(frame)[["stage", "outcome", "last_stage", "upheld"]].values.tolist()
    [[1, 'upheld', 2, True]]
    """
    last = (complaints.sort_values(["received_date", "stage"], kind="stable")
            .drop_duplicates("reference", keep="last").set_index("reference"))
    new = new_complaints(complaints)
    outcome = new["reference"].map(last["outcome"])
    return new.assign(outcome=outcome.to_numpy(), last_stage=new["reference"].map(last["stage"]).to_numpy(),
                      upheld=outcome.isin(UPHELD).to_numpy())


def _year_counts(frame: pd.DataFrame, column: str, years: YearComparison) -> pd.DataFrame:
    by, fy = years.baseline_year, years.financial_year
    table = pd.DataFrame({by: in_financial_year(frame, by)[column].value_counts(),
                          fy: in_financial_year(frame, fy)[column].value_counts()})
    return table.fillna(0).astype("int64")


@dataclass(frozen=True, eq=False)
class TeamBreakdown(Result):
    """A team's new complaints by category, outcome, complainant and stage, two years, with the rest.

    ``tables`` maps each aspect (:data:`ASPECTS`) to a frame indexed by group, with the team's
    counts in the baseline year and the year, the ``Change`` and the other teams' counts.
    """

    team: str
    financial_year: str
    baseline_year: str
    count: int
    baseline_count: int
    tables: dict[str, pd.DataFrame]

    def drivers(self, most: int = 3) -> pd.DataFrame:
        """The categories that moved most in the direction of the team's change (largest first)."""
        table = self.tables["category"]
        change = self.count - self.baseline_count
        sign = 1 if change >= 0 else -1
        moved = table[table["Change"] * sign > 0].sort_values("Change", ascending=sign < 0, kind="stable")
        return moved.head(most)

    def to_frame(self) -> pd.DataFrame:
        return pd.concat({aspect: t for aspect, t in self.tables.items()}, names=["aspect", "group"]).reset_index()

    def summary(self) -> str:
        fy, by, team = self.financial_year, self.baseline_year, self.team
        change = self.count - self.baseline_count
        text = (f"{team} received {words.count(self.count)} new complaints in {fy} against "
                f"{words.count(self.baseline_count)} in {by}")
        if change == 0:
            return text + "."
        direction = "rise" if change > 0 else "fall"
        drivers = self.drivers(most=5)
        top = drivers[drivers["Change"] == drivers["Change"].iloc[0]] if len(drivers) else drivers
        concentrated = len(top) <= 3 and 2 * abs(int(self.drivers()["Change"].sum())) >= abs(change)
        shown = self.drivers() if concentrated else top
        moved = words.joined([f"{str(c).lower()} (from {words.count(row[by])} to "
                              f"{words.count(row[fy])})" for c, row in shown.iterrows()])
        text += f", {abs(change)} {'more' if change > 0 else 'fewer'}."
        if concentrated:
            together = int(shown["Change"].sum())
            return (text + f" The categories that account for most of the {direction}: {moved}"
                    + (f"; together {abs(together)} of the {abs(change)}." if abs(together) <= abs(change)
                       else ", offset in part by changes the other way in other categories."))
        return (text + f" The {direction} is spread across categories rather than concentrated in one; the "
                f"largest changes were in {moved}.")


def team_breakdown(complaints: pd.DataFrame, team: str, years: YearComparison) -> TeamBreakdown:
    """A team's new complaints by category, outcome, complainant type and furthest stage, two years.

    Parameters
    ----------
    complaints
        The loaded complaints (all stages); each complaint is counted once, where it was first
        received, with the outcome at the last stage it reached.
    team, years
        The team, and the year and baseline year compared.

    Returns
    -------
    TeamBreakdown
        Tables with columns ``<baseline year>``, ``<year>``, ``Change`` (team) and ``Other teams,
        <baseline year>``, ``Other teams, <year>``; groups ordered by the team's count this year.
    """
    frame = complaint_outcomes(complaints)
    mine, others = frame[frame["team"] == team], frame[frame["team"] != team]
    by, fy = years.baseline_year, years.financial_year
    tables = {}
    for column, name in ASPECTS.items():
        table = _year_counts(mine, column, years)
        table["Change"] = table[fy] - table[by]
        rest = _year_counts(others, column, years).add_prefix("Other teams, ")
        table = table.join(rest, how="outer").fillna(0).astype("int64")
        table = table.sort_values([fy, by], ascending=False, kind="stable")
        table.index = pd.Index([f"Stage {i}" if column == "last_stage" else words.capitalised(str(i))
                                for i in table.index], name=name)
        tables[column] = table
    return TeamBreakdown(team, fy, by, len(in_financial_year(mine, fy)), len(in_financial_year(mine, by)), tables)


def _upheld_test(upheld: pd.Series, attitude: pd.Series) -> dict[str, float]:
    a_up, a_n = int(upheld[attitude].sum()), int(attitude.sum())
    o_up, o_n = int(upheld[~attitude].sum()), int((~attitude).sum())
    pvalue = (float(stats.fisher_exact([[a_up, a_n - a_up], [o_up, o_n - o_up]]).pvalue)
              if a_n and o_n else math.nan)
    return {"attitude_upheld": a_up, "attitude": a_n, "other_upheld": o_up, "other": o_n, "pvalue": pvalue}


@dataclass(frozen=True, eq=False)
class AttitudeBreakdown(Result):
    """Complaints about staff attitude by team, and how often they are upheld against other complaints.

    ``by_team``: new complaints about attitude and all new complaints, per team, two years.
    ``upheld``: per year, attitude complaints upheld (in full or in part) and in all, the same for
    the other complaints, and Fisher's exact test of the difference (two-sided).
    """

    financial_year: str
    baseline_year: str
    by_team: pd.DataFrame
    upheld: pd.DataFrame
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        return self.upheld.reset_index()

    def _year(self, year: str) -> str:
        row = self.upheld.loc[year]
        low, high = proportion_interval(int(row["attitude_upheld"]), int(row["attitude"]), self.confidence_level)
        a = share_of(row["attitude_upheld"], row["attitude"])
        o = share_of(row["other_upheld"], row["other"])
        return (f"{words.count(row['attitude_upheld'])} of "
                f"{words.count(row['attitude'])} complaints about staff attitude were upheld in "
                f"full or in part ({words.percent(a)}; {words.level(self.confidence_level)} interval "
                f"{words.percent(low)} to {words.percent(high)}), against "
                f"{words.count(row['other_upheld'])} of {words.count(row['other'])}"
                f" other complaints ({words.percent(o)})")

    def summary(self) -> str:
        fy, by = self.financial_year, self.baseline_year
        if fy not in self.upheld.index or not self.upheld.loc[fy, "attitude"]:
            return f"No new complaints about staff attitude were received in {fy}."
        p = self.upheld.loc[fy, "pvalue"]
        verdict = (f"{words.strength(p)} of a real difference in how often they are upheld "
                   f"(p = {words.p_value(p)}, Fisher's exact test)")
        if math.isnan(p) or p >= words.HEDGE_FROM:  # the one hedging rule of words.py: no edge at 0.05
            verdict += ("; chance cannot be ruled out, and with so few complaints the data cannot tell whether "
                        "attitude complaints are upheld more or less often than others")
        text = f"In {fy}, {self._year(fy)}: {verdict}."
        if by in self.upheld.index and self.upheld.loc[by, "attitude"]:
            text += f" In {by}, {self._year(by)}."
        return text


def attitude_breakdown(complaints: pd.DataFrame, years: YearComparison, *,
                       confidence_level: float = 0.95) -> AttitudeBreakdown:
    """Staff-attitude complaints by team and by outcome, this year and last (the "incident or message?" question).

    Notes
    -----
    Fisher's exact test (``scipy.stats.fisher_exact``, two-sided) on the 2x2 table of upheld or
    not by attitude or other, within each year; Wilson intervals for the shares. New complaints,
    each with the outcome at the last stage it reached.
    """
    frame = complaint_outcomes(complaints)
    frame = frame.assign(attitude=(frame["category"] == ATTITUDE).to_numpy())
    by_team = _year_counts(frame[frame["attitude"]], "team", years).add_prefix("Attitude, ")
    by_team = by_team.join(_year_counts(frame, "team", years).add_prefix("All, "), how="outer").fillna(0)
    by_team = by_team.astype("int64").sort_index()
    by_team.index.name = "Team"
    rows = {}
    for year in (years.baseline_year, years.financial_year):
        one = in_financial_year(frame, year)
        rows[year] = _upheld_test(one["upheld"], one["attitude"])
    upheld = pd.DataFrame.from_dict(rows, orient="index")
    upheld.index.name = "financial_year"
    return AttitudeBreakdown(years.financial_year, years.baseline_year, by_team, upheld, confidence_level)


def _responses(complaints: pd.DataFrame, year: str) -> pd.DataFrame:
    """The year's stage rows with ``replied`` (a response date) and ``on_time`` (within the timescale)."""
    rows = in_financial_year(complaints, year)
    rows = rows[rows["stage"].isin(list(STAGE_TIMESCALES))]
    days = pd.Series(working_days(rows["received_date"], rows["response_date"]), index=rows.index)
    limit = rows["stage"].map(STAGE_TIMESCALES)
    return rows.assign(replied=days.notna(), on_time=(days <= limit) & days.notna())


def _replies(frame: pd.DataFrame, key: str, year: str) -> pd.DataFrame:
    grouped = frame.groupby(key)
    return pd.DataFrame({f"Replies, {year}": grouped["replied"].sum(),
                         f"On time, {year}": grouped["on_time"].sum()}).astype("int64")


@dataclass(frozen=True, eq=False)
class TimelinessChange(Result):
    """Replies within the statutory timescale by stage and by team, this year against last.

    ``by_stage`` (index ``Stage 1``...) and ``by_team`` (index the team; every stage's replies
    judged against its own timescale) have columns ``Replies, <year>`` and ``On time, <year>``
    for both years. Rows without a response date are not replies and are left out.
    """

    financial_year: str
    baseline_year: str
    by_stage: pd.DataFrame
    by_team: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return pd.concat({"stage": self.by_stage, "team": self.by_team}, names=["by", "group"]).reset_index()

    def _part(self, row: pd.Series, year: str, small: int) -> str:
        replies, on_time = int(row[f"Replies, {year}"]), int(row[f"On time, {year}"])
        text = f"{words.count(on_time)} of {words.count(replies)}"
        if replies >= small:  # a percentage of a handful reads as more than it is
            text += f" ({words.percent(share_of(on_time, replies))})"
        return text

    def sentence(self, label: str, row: pd.Series, *, small: int = 5, timescale: str = "") -> str:
        """One group's replies on time in the year and the baseline year, counts only below ``small``."""
        fy, by = self.financial_year, self.baseline_year
        if not row[f"Replies, {fy}"] and not row.get(f"Replies, {by}", 0):
            return f"{label}: no replies in {fy} or {by}."
        text = f"{label}: {self._part(row, fy, small)} replies on time{timescale} in {fy}"
        if f"Replies, {by}" in row and row[f"Replies, {by}"]:
            text += f", against {self._part(row, by, small)} in {by}"
        return text + "."

    def stage_sentences(self) -> list[str]:
        return [self.sentence(label, row,
                              timescale=f" (within {STAGE_TIMESCALES[int(label[-1])]} working days)")
                for label, row in self.by_stage.iterrows()]

    def team_sentences(self) -> list[str]:
        return [self.sentence(str(label), row) for label, row in self.by_team.iterrows()]

    def summary(self) -> str:
        return " ".join(self.stage_sentences())


def timeliness_change(complaints: pd.DataFrame, years: YearComparison) -> TimelinessChange:
    """Replies within the statutory timescale (:data:`STAGE_TIMESCALES`), by stage and team, two years.

    Notes
    -----
    Working days from receipt to response (:func:`cfanalysis.working_days`). Stage 1: 10; Stage 2:
    25; Stage 3: 50 from the request to the authority's response (panel within 30 working days,
    its report within 5, the response within 15; Getting the Best from Complaints, 2006). The
    extended timescales are not used here: this is the share answered in the normal time.
    """
    tables = {"stage": [], "team": []}
    for year in (years.baseline_year, years.financial_year):
        frame = _responses(complaints, year)
        frame = frame.assign(stage_label=frame["stage"].map(lambda s: f"Stage {s}"))
        tables["stage"].append(_replies(frame, "stage_label", year))
        tables["team"].append(_replies(frame, "team", year))
    by_stage, by_team = (pd.concat(t, axis=1).fillna(0).astype("int64") for t in tables.values())
    by_stage.index.name, by_team.index.name = "Stage", "Team"
    return TimelinessChange(years.financial_year, years.baseline_year, by_stage.sort_index(), by_team.sort_index())


@dataclass(frozen=True, eq=False)
class ComplimentsBreakdown(Result):
    """Compliments by team and by calendar month, this year against last."""

    financial_year: str
    baseline_year: str
    by_team: pd.DataFrame
    by_month: pd.DataFrame  # index: month name, April first

    def to_frame(self) -> pd.DataFrame:
        return self.by_team.reset_index()

    def summary(self) -> str:
        fy, by = self.financial_year, self.baseline_year
        now = self.by_team[fy]
        if not now.sum():
            return f"No compliments were recorded in {fy}."
        top = now.sort_values(ascending=False, kind="stable")
        busiest = self.by_month[fy].idxmax()
        text = (f"{words.count(now.sum())} compliments in {fy}"
                + (f" against {words.count(self.by_team[by].sum())} in {by}" if by in self.by_team
                   else "")
                + f". {top.index[0]} received the most ({words.count(top.iloc[0])})")
        most = words.count(self.by_month.loc[busiest, fy])
        return text + f"; the month with most was {busiest} ({most})."


def compliments_breakdown(compliments: pd.DataFrame, years: YearComparison, *,
                          teams: list[str] | None = None) -> ComplimentsBreakdown:
    """Compliments by team (every team in ``teams`` shown, with zeros) and by calendar month, two years."""
    by_team = _year_counts(compliments, "team", years)
    if teams is not None:
        by_team = by_team.reindex(sorted(set(teams) | set(by_team.index)), fill_value=0)
    by_team.index.name = "Team"
    months = {}
    for year in (years.baseline_year, years.financial_year):
        one = in_financial_year(compliments, year)
        counts = one["month"].map(lambda m: m.month).value_counts() if len(one) else pd.Series(dtype="int64")
        months[year] = [int(counts.get(m, 0)) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    names = ["April", "May", "June", "July", "August", "September", "October", "November", "December",
             "January", "February", "March"]
    by_month = pd.DataFrame(months, index=pd.Index(names, name="Month"))
    return ComplimentsBreakdown(years.financial_year, years.baseline_year, by_team, by_month)


@dataclass(frozen=True, eq=False)
class OmbudsmanCases(Result):
    """The year's Ombudsman decisions with team, category and remedy where the data hold them."""

    financial_year: str
    cases: pd.DataFrame  # decision, team, category, remedy (blank where not held), investigated first

    def to_frame(self) -> pd.DataFrame:
        return self.cases

    def summary(self) -> str:
        fy = self.financial_year
        upheld = self.cases[self.cases["decision"] == "upheld"]
        if not len(upheld):
            return f"The Ombudsman upheld no complaint about Children's Services received in {fy}."
        parts = []
        for _, case in upheld.iterrows():
            about = f" about {case['category']}" if case["category"] else ""
            team = f" ({case['team']})" if case["team"] else ""
            remedy = f"; remedy: {case['remedy']}" if case["remedy"] else "; no remedy is recorded"
            parts.append(f"one{about}{team}{remedy}")
        count = words.count(len(upheld))
        plural = "s" if len(upheld) != 1 else ""
        return f"The Ombudsman upheld {count} complaint{plural} in {fy}: " + "; ".join(parts) + "."


def ombudsman_cases(ombudsman: pd.DataFrame, financial_year: str) -> OmbudsmanCases:
    """The Ombudsman's decisions in a year, detailed investigations first, with what the data hold."""
    year = in_financial_year(ombudsman, financial_year)
    columns = ["decision", "team", "category", "remedy"]
    cases = year.reindex(columns=columns).astype(object).where(lambda f: f.notna(), "")
    order = cases["decision"].map({"upheld": 0, "not upheld": 1}).fillna(2)
    cases = cases.assign(_order=order.to_numpy()).sort_values(["_order", "decision"], kind="stable")
    return OmbudsmanCases(financial_year, cases.drop(columns="_order").reset_index(drop=True))


@dataclass(frozen=True, eq=False)
class ActionsLog(Result):
    """Learning and actions across years: the year and team of each action's complaint, and its status."""

    financial_year: str
    baseline_year: str
    log: pd.DataFrame  # financial_year, team, theme, action, owner, status; oldest first
    unmatched: int  # actions whose complaint reference is not in the complaints

    def to_frame(self) -> pd.DataFrame:
        return self.log

    def of(self, year: str, team: str | None = None) -> pd.DataFrame:
        """The actions from complaints received in ``year`` (to ``team`` when given)."""
        rows = self.log[self.log["financial_year"] == year]
        return rows if team is None else rows[rows["team"] == team]

    def follow_up(self, team: str | None = None) -> str:
        """The baseline year's actions (to ``team`` when given) and their status, in a sentence."""
        by = self.baseline_year
        rows = self.of(by, team)
        whose = f" for {team}" if team else ""
        if not len(rows):
            return f"No actions{whose} are linked to complaints received in {by}."
        status = rows["status"].replace("", "no status recorded").str.lower().value_counts()
        described = words.joined([f"{words.count(n)} {s}" for s, n in status.items()])
        return (f"{words.count(len(rows))} action{'s' if len(rows) != 1 else ''}{whose} came "
                f"from complaints received in {by}: {described}.")

    def summary(self) -> str:
        return (f"{len(self.of(self.financial_year))} actions from complaints received in {self.financial_year}. "
                + self.follow_up())


def actions_log(actions: pd.DataFrame, complaints: pd.DataFrame, years: YearComparison) -> ActionsLog:
    """Every action up to the year, with the financial year and team of the complaint it came from."""
    first = new_complaints(complaints).set_index("reference")
    # The loader adds an absent date column as missing: a due date is shown only when the log records one.
    due = "due_date" in actions and actions["due_date"].notna().any()
    columns = ["reference", "theme", "action", "owner", "status", *(["due_date"] if due else [])]
    log = actions.reindex(columns=columns).astype(object)
    log = log.where(log.notna(), "")
    log.insert(0, "team", log["reference"].map(first["team"]))
    log.insert(0, "financial_year", log["reference"].map(first["financial_year"]))
    unmatched = int(log["financial_year"].isna().sum())
    log = log.dropna(subset=["financial_year"])
    log = log[log["financial_year"] <= years.financial_year].sort_values("financial_year", kind="stable")
    return ActionsLog(years.financial_year, years.baseline_year, log.drop(columns="reference").reset_index(drop=True),
                      unmatched)


@dataclass(frozen=True, eq=False)
class UpholdBenchmark(Result):
    """The share of complaints upheld, per council, with Wilson intervals: a second benchmark."""

    financial_year: str
    authority: str | None
    table: pd.DataFrame  # authority, complaints, upheld, rate, ci_low, ci_high; highest rate first
    pooled_rate: float  # the other councils together
    confidence_level: float
    funnel: object = None  # benchmarking.ProportionFunnel around the others' rate (over-dispersion-aware)
    file_figure: tuple[int, int] | None = None  # the comparators file's (upheld, complaints) for this council

    @property
    def file_disagrees(self) -> bool:
        """True when the comparators file's uphold rate for this council differs from its own by over 1 point."""
        if self.file_figure is None or not self.file_figure[1]:
            return False
        row = self.table[self.table["authority"] == self.authority]
        return bool(len(row) and abs(self.file_figure[0] / self.file_figure[1] - row["rate"].iloc[0]) > 0.01)

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self) -> str:
        fy, others = self.financial_year, self.table[self.table["authority"] != self.authority]
        pooled = f"{words.percent(self.pooled_rate)} across the {len(others)} other councils together"
        if self.authority not in set(self.table["authority"]):
            return f"In {fy}, councils upheld {pooled}; this council is not in the comparators table."
        row = self.table[self.table["authority"] == self.authority].iloc[0]
        higher = int((others["rate"] > row["rate"]).sum())
        verdict = self._verdict(row)
        text = (f"In {fy}, {self.authority} upheld {words.percent(row['rate'])} of its complaints in full or in part "
                f"({int(row['upheld']):,} of {int(row['complaints']):,}; {words.level(self.confidence_level)} "
                f"interval {words.percent(row['ci_low'])} to {words.percent(row['ci_high'])}), against {pooled}: "
                f"{verdict}. {higher} of the {len(others)} other councils upheld a larger share.")
        if self.file_disagrees:
            upheld, total = self.file_figure
            text += (f" Warning: the comparators file gives this council {words.percent(upheld / total)} "
                     f"({upheld:,} of {total:,}), not the {words.percent(row['rate'])} worked out from its own "
                     "new complaints, which is the figure used here; check what the file counts.")
        return text


    def _verdict(self, row: pd.Series) -> str:
        """Where the council sits on the over-dispersion-aware funnel (the Wilson interval alone ignores
        that councils' uphold rates vary more than chance between them)."""
        place = self.funnel.row(self.authority) if self.funnel is not None else None
        if place is None:
            if row["ci_low"] > self.pooled_rate:
                return "higher than the others together, beyond what chance variation would usually give"
            if row["ci_high"] < self.pooled_rate:
                return "lower than the others together, beyond what chance variation would usually give"
            return "within the range that chance variation around the others' rate would give"
        allowance = ("allowing for councils' rates varying more than chance between them"
                     if self.funnel.overdispersed else "rates vary between councils no more than chance")
        where = {"above_998": "well above the range other councils' rates would give",
                 "above_95": "above the 95% range other councils' rates would give, though within the 99.8% range",
                 "below_95": "below the 95% range other councils' rates would give, though within the 99.8% range",
                 "below_998": "well below the range other councils' rates would give",
                 "within_95": "within the range other councils' rates would give"}[place["position"]]
        return f"{where} ({allowance}; z = {place['z_adjusted']:.2f} on the funnel for proportions)"


def uphold_benchmark(comparators: pd.DataFrame, financial_year: str, *, authority: str | None = None,
                     confidence_level: float = 0.95, own: tuple[int, int] | None = None) -> UpholdBenchmark:
    """Each council's uphold rate (``upheld`` / ``complaints``) in a year, with a Wilson interval.

    ``own`` is this council's (upheld, new complaints) worked out from its own log: given, it
    replaces the comparators file's row for ``authority`` (so the report shows one uphold rate,
    the one it computes everywhere else), and the file's figure is kept in ``file_figure`` with a
    warning when the two disagree by more than a percentage point.

    Raises
    ------
    ValueError
        When the comparators table has no ``upheld`` figures for the year.
    """
    year = comparators[comparators["financial_year"] == financial_year]
    if "upheld" not in year or not year["upheld"].notna().any():
        raise ValueError(f"the comparators table has no 'upheld' figures for {financial_year}")
    year = year.dropna(subset=["upheld"])
    year = year[year["complaints"] > 0]
    file_figure = None
    if own is not None and authority is not None and own[1] > 0:
        mine = year["authority"] == authority
        if mine.any():
            row = year[mine].iloc[0]
            file_figure = (int(row["upheld"]), int(row["complaints"]))
        year = pd.concat([year[~mine], pd.DataFrame({"authority": [authority], "upheld": [own[0]],
                                                     "complaints": [own[1]]})], ignore_index=True)
    intervals = [proportion_interval(int(u), int(n), confidence_level)
                 for u, n in zip(year["upheld"], year["complaints"])]
    table = pd.DataFrame({"authority": year["authority"].to_numpy(), "complaints": year["complaints"].to_numpy(),
                          "upheld": year["upheld"].to_numpy(), "rate": (year["upheld"] / year["complaints"]).to_numpy(),
                          "ci_low": [i[0] for i in intervals], "ci_high": [i[1] for i in intervals]})
    table = table.sort_values("rate", ascending=False, kind="stable").reset_index(drop=True)
    others = table[table["authority"] != authority]
    pooled = share_of(others["upheld"].sum(), others["complaints"].sum())
    shape = proportion_funnel(table["authority"], table["upheld"], table["complaints"], target=pooled,
                              highlight=authority) if len(table) >= 3 and 0 < pooled < 1 else None
    return UpholdBenchmark(financial_year, authority, table, pooled, confidence_level, shape, file_figure)
