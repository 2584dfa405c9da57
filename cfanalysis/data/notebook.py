"""A notebook's parameters checked against the loaded data, all at once, before any analysis.

The notebooks call :func:`check_parameters` in the cell that loads the data, so a wrong year,
baseline year, team or event stops the notebook there, with one short message naming the
parameter (no traceback, no half-drawn section), and every later caption uses the year as
:func:`~cfanalysis.parameters.normal_financial_year` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfanalysis.data.events import event_label, find_event
from cfanalysis.data.loader import Dataset
from cfanalysis.parameters import (ParameterError, check_baseline_year, check_financial_year, check_team,
)

__all__ = ["CheckedParameters", "check_parameters"]


@dataclass(frozen=True)
class CheckedParameters:
    """The parameters as the analysis will use them (years written ``"2019-20"``)."""

    financial_year: str
    baseline_year: str | None = None  # None: the year before (which may have no data)
    team: str | None = None
    highlight: str | None = None
    event: str | None = None  # the event's label, "New duty rota (2 September 2019)"


def check_parameters(data: Dataset, *, financial_year: object, baseline_year: object = None,
                     team: object = None, highlight: object = None, event: object = None) -> CheckedParameters:
    """Every parameter checked against ``data``; :class:`ParameterError` listing all that are wrong.

    Parameters
    ----------
    financial_year
        Must have complaints in the data; ``"2019/20"`` and ``"2019-2020"`` mean ``"2019-20"``.
    baseline_year
        None (the year before) or a year before ``financial_year`` with complaints.
    team, highlight
        None, or a team with complaints, spelt as in the data (a near miss is suggested).
    event
        None, or the description or date of an event in ``events.csv``.

    Returns
    -------
    CheckedParameters
        The values to use from here on; the notebook sets ``financial_year`` from it.

    Examples
    --------
    >>> from cfanalysis.data.loader import load_data
    >>> data = load_data(None, as_of="2020-06-30")
    >>> check_parameters(data, financial_year="2019/20").financial_year
    '2019-20'
    >>> check_parameters(data, financial_year="2019-20", baseline_year="2015-16")
    Traceback (most recent call last):
    ...
    cfanalysis.parameters.ParameterError: baseline_year: there are no complaints for 2015-16 ...
    """
    problems: list[str] = []
    years = data.financial_years
    try:
        year = check_financial_year(financial_year, years)
    except ParameterError as error:
        problems.append(str(error))  # it names the year and the years with data
        year = None
    baseline = None
    if baseline_year is not None and year is not None:
        try:
            baseline = check_baseline_year(baseline_year, year, years)
        except ParameterError as error:
            problems.append(str(error))
    checked_teams = _check_teams(data, {"team": team, "highlight": highlight}, problems)
    label = None
    try:
        found = find_event(data.events, None if event is None else str(event))
        label = None if found is None else event_label(found)
    except ParameterError as error:
        problems.append(str(error))  # "Unknown event ...", with the events in the data
    if problems:
        raise ParameterError("\n".join(problems))
    return CheckedParameters(year, baseline, checked_teams.get("team"), checked_teams.get("highlight"), label)


def _check_teams(data: Dataset, values: dict[str, object], problems: list[str]) -> dict[str, str]:
    """Each team parameter that is given, checked; a problem added for each that is wrong."""
    teams = data.complaints["team"].dropna()
    checked = {}
    for name, value in values.items():
        if value is None:
            continue
        try:
            checked[name] = check_team(value, teams)
        except ParameterError as error:  # the message speaks of the team; say when it is the highlight
            problems.append(str(error) if name == "team" else f"{name}: {error}")
    return checked
