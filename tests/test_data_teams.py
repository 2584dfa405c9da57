"""Team names: the alias file, matching keys and one reported name per team."""

import pandas as pd

from cfanalysis.data.loader import load_data
from cfanalysis.data.teams import normalise_teams, read_team_aliases, team_key
from tests.conftest import complaint, write_csv

AS_OF = "2020-06-30"


def test_team_names_normalised_and_aliased(complaints_dir):
    rows = [complaint("C1", team="Duty Team"), complaint("C2", team="duty  team"),
            complaint("C3", team="Duty & Assessment"), complaint("C4", team="Fostering")]
    folder = complaints_dir(rows)
    write_csv(folder / "team_aliases.csv", [["alias", "team"], ["Duty and assessment", "Duty Team"]])
    data = load_data(folder, as_of=AS_OF)
    assert data.complaints["team"].tolist() == ["Duty Team"] * 3 + ["Fostering"]


def test_team_key_ignores_case_spacing_punctuation_and_ampersands():
    assert team_key("Duty & Assessment") == team_key("duty  and assessment.") == team_key("DUTY-AND-ASSESSMENT")
    assert team_key("Duty Team") != team_key("Duty Teams")


def test_commonest_spelling_is_reported_unless_an_alias_says_otherwise():
    teams = pd.Series(["duty team", "Duty Team", "Duty Team", "Fostering"], dtype="string")
    assert normalise_teams(teams, {}).tolist() == ["Duty Team", "Duty Team", "Duty Team", "Fostering"]
    aliases = {team_key("fostering"): "Fostering and Adoption"}
    assert normalise_teams(teams, aliases).tolist()[-1] == "Fostering and Adoption"


def test_alias_file_problems(tmp_path):
    path = write_csv(tmp_path / "team_aliases.csv", [["alias", "team"], ["Duty  and assessment", "Duty   Team"],
                                                     ["Old name", ""], ["", ""]])
    aliases, problems = read_team_aliases(path)
    assert aliases == {team_key("Duty and assessment"): "Duty Team"}
    assert [(p.row, p.severity) for p in problems] == [(3, "warning")]  # the wholly blank row is ignored

    write_csv(path, [["from", "to"], ["a", "b"]])
    aliases, problems = read_team_aliases(path)
    assert aliases == {} and [(p.row, p.severity) for p in problems] == [(1, "fatal")]
    assert "'alias' and 'team'" in problems[0].message
