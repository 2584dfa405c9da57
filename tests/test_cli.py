"""The command line as an analyst meets it: clear messages, exit codes, never a traceback."""

import subprocess
import sys

from tests.conftest import COMPLAINT_HEADER, EXAMPLE, complaint, write_csv


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cfanalysis", *args], capture_output=True, text=True,
                          cwd=cwd)


def test_help_reads_well():
    result = run("--help")
    assert result.returncode == 0
    for words in ("validate", "report", "--year", "data/README.md"):
        assert words in result.stdout


def test_validate_example_is_usable():
    result = run("validate", "--data", str(EXAMPLE))
    assert result.returncode == 0 and "Usable: yes" in result.stdout
    assert "Complainant Name" in result.stdout  # dropped column reported by header


def test_validate_broken_file_names_file_row_column_without_traceback(tmp_path):
    write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, complaint("C1"),
                                            complaint("C2", received="32/13/2019"),
                                            *[complaint(f"C{i}") for i in range(3, 12)]])
    result = run("validate", "--data", str(tmp_path), "--as-of", "2020-06-30")
    assert result.returncode == 0  # one row of 11 excluded (9%), the rest usable
    assert "complaints.csv, row 3, column 'Date Received': value '32/13/2019'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_refuses_a_table_with_more_than_a_tenth_excluded_until_confirmed(tmp_path):
    """Issue 16, point 3: 'Usable: yes' with most rows gone. Now refused, named, and confirmable."""
    write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, *[complaint(f"C{i}") for i in range(8)],
                                            *[complaint(f"X{i}", procedure="Something else") for i in range(2)]])
    result = run("validate", "--data", str(tmp_path), "--as-of", "2020-06-30")
    assert result.returncode == 1 and "2 of 10 complaints rows (20%) are excluded" in result.stdout
    assert "--accept-exclusions" in result.stdout and "Usable: no" in result.stdout
    csv_path = tmp_path / "excluded.csv"
    result = run("validate", "--data", str(tmp_path), "--as-of", "2020-06-30", "--accept-exclusions",
                 "--excluded-csv", str(csv_path))
    assert result.returncode == 0 and "Usable: yes" in result.stdout
    import pandas as pd

    rows = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert rows.columns.tolist() == ["file", "row", "column", "value", "reason", "fix", "cause"]
    assert rows["row"].tolist() == [10, 11] and set(rows["value"]) == {"Something else"}
    (tmp_path / "dataset.json").write_text('{"accept_exclusions": true}')
    assert run("validate", "--data", str(tmp_path), "--as-of", "2020-06-30").returncode == 0


def test_validate_unusable_exits_1(tmp_path):
    write_csv(tmp_path / "complaints.csv", [["Ref", "When"], ["C1", "01/04/2019"]])
    result = run("validate", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "missing required column" in result.stdout and "Traceback" not in result.stderr


def test_report_rejects_bad_year_before_running(tmp_path):
    result = run("report", "--year", "2019", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert result.returncode == 2 and "2019-20" in result.stderr and "Traceback" not in result.stderr
    result = run("report", "--year", "2024-25", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert result.returncode == 2 and "Years with data: 2017-18, 2018-19, 2019-20" in result.stderr
    assert not list(tmp_path.iterdir())


def test_report_on_unusable_data(tmp_path):
    result = run("report", "--data", str(tmp_path / "missing"), "--out", str(tmp_path))
    assert result.returncode == 2 and "not a folder" in result.stderr and "Traceback" not in result.stderr


def test_validate_into_a_closed_pipe_ends_quietly_with_141():
    # As in `cfanalysis validate | head -1`: the reader has gone before the report is written.
    process = subprocess.Popen([sys.executable, "-m", "cfanalysis", "validate", "--data", str(EXAMPLE)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait() == 141
    assert error == ""  # no BrokenPipeError, no traceback, no "Exception ignored"


def test_ctrl_c_ends_quietly_with_130():
    # A real SIGINT, delivered while the data are loading.
    code = ("import os, signal, sys\n"
            "import cfanalysis.data.loader as loader\n"
            "def interrupted(*args, **kwargs):\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    time.sleep(30)  # the interrupt arrives here\n"
            "loader.load_data = interrupted\n"
            "from cfanalysis.cli import main\n"
            f"sys.exit(main(['validate', '--data', {str(EXAMPLE)!r}]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 130
    assert result.stderr.strip() == "Stopped." and "Traceback" not in result.stdout + result.stderr


def test_validate_prints_many_rows_with_one_cause_as_one_line(tmp_path):
    rows = [complaint(f"C{i}", procedure="") for i in range(200)]
    write_csv(tmp_path / "complaints.csv", [COMPLAINT_HEADER, *rows])
    result = run("validate", "--data", str(tmp_path), "--as-of", "2020-06-30")
    assert result.returncode == 1
    excluded = [line for line in result.stdout.splitlines() if "EXCLUDED" in line]
    assert len(excluded) == 1 and "200 rows: is blank (rows 2, 3, 4, 5, 6 and 195 more" in excluded[0]
    assert "Problems: 0 errors, 200 rows excluded, 0 warnings" in result.stdout
