"""The ``cfanalysis`` command: check a data folder, build the reports, write the example data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

DEFAULT_DATA = Path("data/example")
DEFAULT_OUT = Path("outputs")

DESCRIPTION = """\
Analyse Children's Services complaints and compliments and build the annual report.

Put your exported logs (complaints, and optionally compliments, ombudsman, activity,
comparators; .csv or .xlsx) in one folder, then:

  cfanalysis validate --data data/raw        check the files and list every problem
  cfanalysis report --year 2019-20           build the HTML reports for one year
  cfanalysis report --all-years              build every year in the data

Reports land in outputs/<year>/ (HTML for readers, summary.json for next year's comparison).
See data/README.md for the columns each file needs.
"""


def _validate(args: argparse.Namespace) -> int:
    from .io import load_data

    data = load_data(args.data, as_of=args.as_of)
    print(data.report.text())
    return 0 if data.report.usable else 1


def _report(args: argparse.Namespace) -> int:
    from .report import ReportError, run_reports

    years = None if args.all_years else args.year
    if not years and not args.all_years:
        years = None  # default: every year in the data
    try:
        runs = run_reports(years, data_dir=args.data, out_dir=args.out, notebooks_dir=args.notebooks,
                           as_of=args.as_of, progress=lambda line: print(line, flush=True))
    except ReportError as error:
        print(f"cfanalysis report: {error}", file=sys.stderr)
        return 2
    failed = [run for run in runs if not run.ok]
    print()
    print(f"{'Year':<9} {'Notebook':<24} {'Result':<8} {'Seconds':>8}  Output")
    for run in runs:
        where = run.html_path if run.ok else f"{run.message} (see {run.executed_path})"
        print(f"{run.financial_year:<9} {run.notebook:<24} {'ok' if run.ok else 'FAILED':<8} "
              f"{run.seconds:>8.1f}  {where}")
    return 1 if failed else 0


def _example_data(args: argparse.Namespace) -> int:
    from .example_data import write_example_data

    for path in write_example_data(args.out):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cfanalysis", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"cfanalysis {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a data folder and list every problem",
                                   description="Load every file in the data folder, report rows "
                                   "read, accepted and excluded, and list every problem with its "
                                   "file, row (as Excel shows it), column and value. Exit status 0 "
                                   "when the data can be used, 1 when it cannot.")
    validate.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                          help="folder holding the data files (default: %(default)s)")
    validate.add_argument("--as-of", metavar="DATE", default=None,
                          help="treat dates after this day (yyyy-mm-dd) as errors (default: today)")
    validate.set_defaults(handler=_validate)

    report = commands.add_parser("report", help="build the HTML reports and summary.json",
                                 description="Run the report notebooks for each financial year and "
                                 "write outputs/<year>/*.html and summary.json.")
    report.add_argument("--year", action="append", metavar="FY",
                        help="financial year such as 2019-20; repeat for several (default: all years)")
    report.add_argument("--all-years", action="store_true", help="every year that has complaints")
    report.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                        help="folder holding the data files (default: %(default)s)")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="where the reports go (default: %(default)s)")
    report.add_argument("--notebooks", type=Path, default=None, metavar="DIR", help=argparse.SUPPRESS)
    report.add_argument("--as-of", metavar="DATE", default=None,
                        help="treat dates after this day (yyyy-mm-dd) as errors (default: today)")
    report.set_defaults(handler=_report)

    example = commands.add_parser("example-data", help="write the synthetic example data",
                                  description="Regenerate the synthetic example data, byte for byte.")
    example.add_argument("--out", type=Path, default=DEFAULT_DATA, metavar="DIR",
                         help="folder to write to (default: %(default)s)")
    example.set_defaults(handler=_example_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
