"""A theme the report relies on (staff attitude) with no value in the data read as it is "not
recorded", never 0: in the main points, the attitude section and summary.json (issue 16)."""

from __future__ import annotations

import shutil

import pandas as pd

from cfanalysis.analysis.figures import annual_figures
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import load_data
from cfanalysis.publish.annual import NOT_RECORDED_ATTITUDE, annual_report, main_points
from cfanalysis.publish.outputs import summary_record
from tests.conftest import EXAMPLE


def _without_attitude(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    complaints = pd.read_csv(folder / "complaints.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    # A council whose system files attitude under its own label, not yet mapped.
    attitude = complaints["Nature of complaint"].str.contains("ttitude")
    complaints.loc[attitude, "Nature of complaint"] = "Conduct of officer"
    complaints.to_csv(folder / "complaints.csv", index=False, encoding="utf-8-sig")
    return folder


def test_an_unmapped_theme_is_not_recorded_never_zero(tmp_path):
    data = load_data(_without_attitude(tmp_path), as_of="2020-05-31", accept_exclusions=True)
    assert data.not_recorded_themes == ("staff attitude",)
    report = annual_report(data, "2019-20")
    points = main_points(report)
    assert NOT_RECORDED_ATTITUDE in points
    assert not [p for p in points if "Staff attitude was the subject of" in p]
    assert report.attitude_section().text == NOT_RECORDED_ATTITUDE
    record = summary_record(annual_figures(data, compare_years(data.complaints, "2019-20")), None)
    assert record["attitude_of_staff_new_complaints"] is None and record["not_recorded_themes"] == ["staff attitude"]


def test_the_example_records_attitude():
    example = load_data(EXAMPLE, as_of="2020-05-31")
    assert example.not_recorded_themes == ()
    record = summary_record(annual_figures(example, compare_years(example.complaints, "2019-20")), None)
    assert record["attitude_of_staff_new_complaints"] > 0 and record["not_recorded_themes"] == []
