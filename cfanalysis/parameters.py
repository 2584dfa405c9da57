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

__all__ = ["CfanalysisError", "ParameterError", "check_financial_year", "check_team", "resolve_data_dir"]

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
    lowered = {name.lower(): name for name in names}
    close = lowered.get(str(team).strip().lower()) or next(
        iter(difflib.get_close_matches(str(team), names, n=1)), None)
    hint = f" Did you mean '{close}'?" if close else ""
    raise ParameterError(f"There are no complaints for the team '{team}' (parameter {parameter}).{hint} "
                         f"Teams in the data: {_listed(names)}.")


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data folder to read: ``None`` means the project's synthetic example data.

    A relative folder is read from the working directory. So that a notebook's defaults work
    wherever it is run from (JupyterLab in ``notebooks/``, or papermill and nbconvert from the
    project root), notebooks default to ``None`` rather than a relative path.
    """
    return EXAMPLE_DATA_DIR if data_dir is None else Path(data_dir)
