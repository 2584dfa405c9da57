"""Checks on the parameters people type: financial years, teams and the data folder.

The library's entry points (``compare_years``, ``monthly_counts``, ``team_question``,
``annual_report``, ``load_data``) and the command line check parameters here, so a notebook
and ``cfanalysis report`` refuse the same things in the same words, and no statistic is ever
worked out for a year or team that has no data.

Errors meant for people derive from :class:`CfanalysisError`. In a notebook IPython shows them
as the message alone (through ``_render_traceback_``), without a traceback into library code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CfanalysisError", "NotLoaded", "ParameterError", "check_baseline_year", "check_financial_year",
           "check_group", "check_team", "normal_financial_year", "resolve_data_dir"]

# The project's shipped synthetic data, used when a notebook's ``data_dir`` is None.
EXAMPLE_DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "example"


class CfanalysisError(Exception):
    """An error for people: the message says what is wrong and how to fix it.

    In a notebook it shows as its message only (IPython calls ``_render_traceback_``), and
    JupyterLab's Run All and papermill stop at that cell, so no later cell prints a result.
    """

    def _render_traceback_(self) -> list[str]:
        lines = str(self).splitlines() or [""]
        return [f"{type(self).__name__}: {lines[0]}", *lines[1:]]


class ParameterError(CfanalysisError, ValueError):
    """A parameter that cannot be used (a year with no data, an unknown team); says which would do."""


def _listed(values: Iterable[str]) -> str:
    values = sorted({str(v) for v in values})
    return ", ".join(values) if values else "none"


def check_financial_year(label: object, years_with_data: Iterable[str], *, where: str = "the data",
                         records: str = "complaints", parameter: str = "financial_year") -> str:
    """The financial year as ``"2019-20"``, or :class:`ParameterError` naming the years with data
    and ``parameter``, what the year was given as.

    ``"2019/20"``, ``"2019-2020"`` and ``"2019/2020"`` all mean ``"2019-20"``.

    Examples
    --------
    >>> check_financial_year("2019/2020", ["2018-19", "2019-20"])
    '2019-20'
    >>> check_financial_year("2024-25", ["2018-19", "2019-20"])
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.ParameterError: There are no complaints for 2024-25 ... (set financial_year to one of them).
    """
    from cfanalysis.periods import financial_year_label, parse_financial_year  # pandas: only when used

    years = {str(year) for year in years_with_data}
    try:
        year = financial_year_label(parse_financial_year(str(label)))
    except ValueError as error:
        raise ParameterError(f"{error} Years with data: {_listed(years)} (set {parameter} to one of them).") from None
    if year not in years:
        raise ParameterError(f"There are no {records} for {year} in {where}. Years with data: {_listed(years)} "
                             f"(set {parameter} to one of them).")
    return year


def normal_financial_year(label: object) -> str:
    """A financial year typed any accepted way, written the one way every caption uses.

    Examples
    --------
    >>> normal_financial_year("2019/20"), normal_financial_year("2019-2020")
    ('2019-20', '2019-20')
    """
    from cfanalysis.periods import financial_year_label, parse_financial_year  # pandas: only when used

    try:
        return financial_year_label(parse_financial_year(str(label)))
    except ValueError as error:
        raise ParameterError(str(error)) from None


def check_baseline_year(label: object, financial_year: str, years_with_data: Iterable[str], *,
                        where: str = "the data") -> str:
    """The baseline year as ``"2018-19"``: before ``financial_year`` and with complaints.

    Called when the baseline year was given; the default (the year before) may have no data,
    and then the reports say once that there is nothing to compare with.

    Examples
    --------
    >>> check_baseline_year("2018/19", "2019-20", ["2018-19", "2019-20"])
    '2018-19'
    >>> check_baseline_year("2016-17", "2019-20", ["2018-19", "2019-20"])
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.ParameterError: baseline_year: there are no complaints for 2016-17 ... for the year before.
    """
    years = {str(year) for year in years_with_data}
    try:
        year = normal_financial_year(label)
    except ParameterError as error:
        raise ParameterError(f"baseline_year: {error} Years with data: {_listed(years)}.") from None
    if year >= financial_year:
        raise ParameterError(f"baseline_year: {year} must come before financial_year {financial_year}. "
                             f"Years with data: {_listed(years)}.")
    if year not in years:
        raise ParameterError(f"baseline_year: there are no complaints for {year} in {where}, so there is "
                             f"nothing to compare {financial_year} with. Years with data: {_listed(years)}; "
                             "or None for the year before.")
    return year


def check_group(value: object, groups: Iterable[object], *, name: str = "highlight", by: str = "team") -> str:
    """``value`` if it is one of the groups drawn, else :class:`ParameterError` listing them.

    For charts and tables that are given a frame: ``highlight="Fostering"`` must be one of its
    ``by`` values (the message says which are there, not that a team has no complaints).

    Examples
    --------
    >>> check_group("Fostering", ["Duty Team", "Fostering"])
    'Fostering'
    >>> check_group("Duty team", ["Duty Team", "Fostering"])
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.ParameterError: highlight='Duty team' is not a team in the frame. Did you mean 'Duty Team'?...
    """
    names = sorted({str(g) for g in groups})
    if value in names:
        return str(value)
    hint = _did_you_mean(value, names)
    raise ParameterError(f"{name}={value!r} is not a {by} in the frame.{hint} The frame's {by} values: "
                         f"{_listed(names)}.")


def _did_you_mean(value: object, names: list[str]) -> str:
    lowered = {name.lower(): name for name in names}
    close = lowered.get(str(value).strip().lower()) or next(
        iter(difflib.get_close_matches(str(value), names, n=1)), None)
    return f" Did you mean '{close}'?" if close else ""


class NotLoaded:
    """Stands in for an object a failed load did not make, so nothing from an earlier run shows.

    The notebooks' load cell sets ``data = report = cf.NotLoaded()`` before loading: if the load
    fails, a later cell run by hand says so instead of printing the previous run's results.

    Examples
    --------
    >>> NotLoaded().complaints
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.CfanalysisError: Nothing is loaded: the cell that loads the data stopped ...
    """

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_repr_html_", "_ipython_display_", "_repr_mimebundle_",
                                             "_ipython_canary_method_should_not_exist_"):
            raise AttributeError(name)
        raise CfanalysisError("Nothing is loaded: the cell that loads the data stopped with an error. "
                              "Fix what it says, then run the notebook again from the top.")

    def __repr__(self) -> str:
        return "NotLoaded (the load cell stopped with an error)"


def check_team(team: object, teams: Iterable[str], *, parameter: str = "team") -> str:
    """The team, if it has complaints in the data; else :class:`ParameterError` listing the teams.

    The message names ``parameter``, the parameter the team was given as.

    Examples
    --------
    >>> check_team("Fostering", ["Front Door", "Fostering"])
    'Fostering'
    >>> check_team("Front door", ["Front Door", "Fostering"])
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.ParameterError: ... team 'Front door' (parameter team). Did you mean 'Front Door'? ...
    """
    names = sorted({str(t) for t in teams})
    if team in names:
        return str(team)
    hint = _did_you_mean(team, names)
    raise ParameterError(f"There are no complaints for the team '{team}' (parameter {parameter}).{hint} "
                         f"Teams in the data: {_listed(names)}.")


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data folder to read: ``None`` means the project's synthetic example data.

    A relative folder is read from the working directory. So that a notebook's defaults work
    wherever it is run from (JupyterLab in ``notebooks/``, or papermill and nbconvert from the
    project root), notebooks default to ``None`` rather than a relative path.
    """
    return EXAMPLE_DATA_DIR if data_dir is None else Path(data_dir)
