"""The latest example year's reports say what they said before: the visible text of each HTML report
(the charts by their alt text, not their pixels) and summary.json, against tests/golden/reports/.
This is the wording check; a test that needs one figure or sentence asserts on the typed results
or on the session's ``built_reports`` instead.

The provenance (version, commit, checksums, parameters) is left out. After a deliberate change
to the wording, rewrite the golden files with ``.venv/bin/python -m tests.update_golden``.
"""

import difflib

import pytest

from tests.conftest import REPO
from tests.report_text import golden_texts, summary_text, without_image_hashes, without_provenance

pytestmark = pytest.mark.slow

GOLDEN = REPO / "tests" / "golden" / "reports"


def test_reports_match_the_golden_text(built_reports):
    out, runs = built_reports
    assert all(run.ok for run in runs), [run.message for run in runs if not run.ok]
    built = golden_texts(out)
    golden = {path.name: path.read_text() for path in sorted(GOLDEN.iterdir())}
    assert sorted(built) == sorted(golden), "the reports built are not the ones in tests/golden/reports"
    # Golden files written before these rules held image hashes and floats to the last bit.
    golden = {name: summary_text(text) if name.endswith(".json") else without_provenance(without_image_hashes(text))
              for name, text in golden.items()}
    built = {name: without_provenance(text) for name, text in built.items()}
    differing = [name for name in sorted(golden) if built[name] != golden[name]]
    if differing:
        first = differing[0]
        diff = difflib.unified_diff(golden[first].splitlines(keepends=True), built[first].splitlines(keepends=True),
                                    f"golden/reports/{first}", f"built/{first}")
        pytest.fail(f"{len(differing)} report(s) differ from the golden text: {differing}\n"
                    f"The first, {first}:\n" + "".join(diff))
