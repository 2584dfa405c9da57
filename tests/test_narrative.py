"""Every report reads right for its own year and team: no later year, no other team in the narrative."""

import pytest

from tests.report_text import report_text

pytestmark = pytest.mark.slow

YEARS = ["2017-18", "2018-19", "2019-20"]


@pytest.fixture(scope="module")
def fostering(fostering_reports):
    out, _ = fostering_reports  # built once per session (conftest.py)
    return {(year, page.stem): report_text(page.read_text()) for year in YEARS
            for page in (out / year).glob("*.html")}


def test_every_report_of_every_year_was_built(fostering):
    names = ("01_monthly_counts", "02_team_change", "03_annual_report")
    assert {(y, n) for y in YEARS for n in names} <= set(fostering)


@pytest.mark.parametrize("year", YEARS)
def test_no_report_speaks_of_a_later_year(fostering, year):
    later = [y for y in YEARS if y > year]
    listing = ("Years with data", "The comparators file covers")  # lists of what the data hold
    for (built, name), text in fostering.items():
        if built == year:
            lines = [line for line in text.splitlines() if not any(s in line for s in listing)]
            assert not [line for line in lines if any(y in line for y in later)], (year, name)


@pytest.mark.parametrize("year", YEARS)
def test_team_narrative_names_the_team_of_its_parameters(fostering, year):
    text02 = fostering[(year, "02_team_change")]
    narrative = text02.split("Every team")[0]  # the all-teams table lists every team, rightly
    assert "Duty Team" not in narrative and "Fostering" in narrative
    text03 = fostering[(year, "03_annual_report")]
    section = text03.split("Why complaints to the team changed")[2].split("Staff attitude")[0]
    # The officer's commentary is the service's own words for the year, whichever team is asked about.
    section = section.split("Commentary from the service")[0]
    assert "Duty Team" not in section and "Fostering" in section
