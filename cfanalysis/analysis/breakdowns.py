"""The panel's questions, answered from the data already held: breakdowns of a year against the last.

Each function takes loaded tables and the years compared, and returns a frozen result with
``to_frame()`` and ``_repr_html_()`` (in words: ``cf.describe``, in ``publish/``):

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

from cfanalysis import labels
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
        table.index = pd.Index([f"Stage {i}" if column == "last_stage" else labels.capitalised(str(i))
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
