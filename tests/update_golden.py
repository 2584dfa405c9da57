"""Rewrite tests/golden/reports/ from a fresh build of every example year's reports.

Run it after a deliberate change to what the reports say, then read ``git diff tests/golden``
before committing (from the repository's root):  .venv/bin/python -m tests.update_golden
"""

import sys
import tempfile
from pathlib import Path

from cfanalysis.publish.run import run_reports
from tests.conftest import EXAMPLE, REPO
from tests.report_text import golden_texts

GOLDEN = REPO / "tests" / "golden" / "reports"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        runs = run_reports(None, data_dir=EXAMPLE, out_dir=Path(folder), progress=print)
        failed = [run.message for run in runs if not run.ok]
        if failed:
            print("Not updated: some reports failed to build:", *failed, sep="\n  ")
            return 1
        texts = golden_texts(Path(folder))
    for old in [*GOLDEN.glob("*.txt"), *GOLDEN.glob("*.json")]:
        old.unlink()
    for name, text in texts.items():
        (GOLDEN / name).write_text(text)
    print(f"Wrote {len(texts)} files to {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
