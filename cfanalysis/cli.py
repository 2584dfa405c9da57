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

  cfanalysis init --data data/raw            draft mapping.yml and dataset.json for your exports
  cfanalysis validate --data data/raw        check the files and list every problem
  cfanalysis report --year 2019-20           build the HTML reports for one year
  cfanalysis report --all-years              build every year in the data
  cfanalysis report --year 2019-20 --param team=Fostering   ask about another team
  cfanalysis report --all-years --audience public   the version to publish (counts below 5 hidden)

Reports land in outputs/<year>/ (HTML for readers, summary.json for next year's comparison).
See data/README.md for the columns each file needs.
"""


def _validate(args: argparse.Namespace) -> int:
    from cfanalysis.data.loader import load_data

    data = load_data(args.data, as_of=args.as_of, accept_exclusions=True if args.accept_exclusions else None)
    print(data.report.text())
    if args.excluded_csv:
        frame = data.report.excluded_rows_frame()
        frame.to_csv(args.excluded_csv, index=False, encoding="utf-8-sig")  # with a BOM: Excel reads it as UTF-8
        print(f"\n{len(frame):,} excluded rows written to {args.excluded_csv} (open it in Excel).")
    return 0 if data.report.usable else 1


def _init(args: argparse.Namespace) -> int:
    from cfanalysis.data.draft import write_draft

    if not args.data.is_dir():
        print(f"cfanalysis init: {args.data} is not a folder; pass the folder of exported files (--data DIR).",
              file=sys.stderr)
        return 2
    draft, said = write_draft(args.data, force=args.force, authority=args.authority, contact=args.contact,
                              synthetic=args.synthetic)
    print(f"Data folder: {args.data}\n")
    for table, files in draft.tables.items():
        print(f"  {table:<12} {', '.join(files)}")
        for name, (header, how) in draft.headers.get(table, {}).items():
            print(f"  {'':<12}   {name:<17} <- '{header}'" + ("" if how == "contract spelling" else f"  ({how})"))
    for line in draft.ignored:
        print(f"  not a table: {line}")
    guesses = sum(code is not None for fields in draft.codes.values() for values in fields.values()
                  for code, _ in values.values())
    print(f"\n{guesses} value(s) placed by rule (marked '# guess' in {args.data / 'mapping.yml'}: check them).")
    if draft.undecided:
        print(f"{len(draft.undecided)} value(s) not placed; decide each in mapping.yml:")
        for line in draft.undecided:
            print(f"  {line}")
    print()
    for line in said:
        print(line)
    print(f"\nNext: cfanalysis validate --data {args.data}")
    return 0


def _parameters(pairs: list[str] | None, together: str | None = None) -> dict[str, str]:
    """``--param name=value`` (repeatable) and ``--params 'a=1 b="x y"'`` (several in one, as
    ``make report PARAMS=...`` passes them; split as a shell would) as one dictionary."""
    import shlex

    given = {}
    try:
        pairs = [*(pairs or []), *shlex.split(together or "")]
    except ValueError as error:
        raise ValueError(f"--params {together!r} cannot be read ({error}); write it like "
                         "team=\"Children in Care\" named_in_advance=true.") from None
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param {pair!r} should look like name=value, for example team=Fostering.")
        given[name.strip()] = value
    return given


def _report(args: argparse.Namespace) -> int:
    from cfanalysis.publish.run import ReportError, run_reports

    if args.year and args.all_years:
        print("cfanalysis report: use --year or --all-years, not both.", file=sys.stderr)
        return 2
    try:
        runs = run_reports(None if args.all_years else args.year, data_dir=args.data, out_dir=args.out,
                           notebooks_dir=args.notebooks, parameters=_parameters(args.param, args.params),
                           jobs=args.jobs, as_of=args.as_of, audience=args.audience, progress=_Progress())
    except (ReportError, ValueError) as error:
        print(f"cfanalysis report: {error}", file=sys.stderr)
        return 2
    print()
    print(f"{'Year':<9} {'Notebook':<24} {'Result':<8} {'Seconds':>8}  Output")
    for run in runs:
        where = run.html_path if run.ok else "no HTML published (the last good report is kept)"
        print(f"{run.financial_year:<9} {run.notebook:<24} {'ok' if run.ok else 'FAILED':<8} "
              f"{run.seconds:>8.1f}  {where}")
    failed = [run for run in runs if not run.ok]
    if failed:
        print(f"\n{len(failed)} of {len(runs)} notebooks failed:", file=sys.stderr)
        for run in failed:
            print(f"  {run.message}", file=sys.stderr)
            for detail in run.details:
                print(f"    {detail}", file=sys.stderr)
        return 1
    print(f"\nAll {len(runs)} reports built. Open {args.out / 'index.html'} in a browser.")
    return 0


class _Progress:
    """Progress lines; on a terminal the per-cell lines overwrite each other."""

    def __init__(self):
        self.tty = sys.stdout.isatty()
        self.lock = __import__("threading").Lock()

    def __call__(self, line: str) -> None:
        with self.lock:
            if self.tty and ": running cell" in line:
                print(f"\r{line[:100]:<100}", end="", flush=True)
            elif self.tty:
                print(f"\r{line[:100]:<100}", flush=True)
            else:
                print(line, flush=True)


def _audit(args: argparse.Namespace) -> int:
    from cfanalysis.publish.audit import audit_folder
    from cfanalysis.publish.disclosure import disclosure_policy

    if not args.out.is_dir():
        print(f"cfanalysis audit: {args.out} is not a folder of outputs.", file=sys.stderr)
        return 2
    policy = disclosure_policy("public", args.threshold)
    exposures = audit_folder(args.out, policy)
    if not exposures:
        print(f"{args.out}: no withheld figure in the CSV tables and summary.json can be worked out "
              f"(threshold {policy.threshold}).")
        return 0
    print(f"{args.out}: {len(exposures)} withheld figure(s) can be worked out:")
    for exposure in exposures:
        print(f"- {exposure.message(policy)}")
    return 1


def _example_data(args: argparse.Namespace) -> int:
    from cfanalysis.data.example import write_example_data

    for path in write_example_data(args.out):
        print(path)
    return 0


def _date_argument(text: str) -> str:
    """--as-of: a date written as dd/mm/yyyy or yyyy-mm-dd, passed on in ISO form."""
    from cfanalysis.data.cells import parse_date

    parsed = parse_date(text)
    if parsed.value is None:
        raise argparse.ArgumentTypeError(f"'{text}' {parsed.problem}; write it as yyyy-mm-dd or dd/mm/yyyy")
    return parsed.value.strftime("%Y-%m-%d")


def _add_audit_command(commands) -> None:
    audit = commands.add_parser("audit", help="check a folder of public outputs for figures that give "
                                "a withheld count away",
                                description="Read a public folder's CSV tables and summary.json files, "
                                "relate them (totals, the same figure in two years' files) and work out, as "
                                "an attacker would, the range each withheld figure could have. Exit status 0 "
                                "when none can be narrowed, 1 when one can.")
    audit.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                       help="the folder of outputs (default: %(default)s)")
    audit.add_argument("--threshold", type=int, default=5, metavar="N",
                       help="counts below N are withheld (default: %(default)s)")
    audit.set_defaults(handler=_audit)


def _add_validate(commands, data_options) -> None:
    validate = commands.add_parser("validate", parents=[data_options],
                                   help="check a data folder and list every problem",
                                   description="Load every file in the data folder, report rows "
                                   "read, accepted and excluded, and list every problem with its "
                                   "file, row (as Excel shows it), column and value. Exit status 0 "
                                   "when the data can be used, 1 when it cannot.")
    validate.add_argument("--accept-exclusions", action="store_true",
                          help="use the data even when a table has more than 10%% of its rows excluded "
                          "(to make it last, put \"accept_exclusions\": true in dataset.json)")
    validate.add_argument("--excluded-csv", type=Path, metavar="FILE", default=None,
                          help="write every excluded row (file, Excel row, column, value, reason, fix) to FILE")
    validate.set_defaults(handler=_validate)


def _add_init(commands) -> None:
    init = commands.add_parser("init", help="draft mapping.yml and dataset.json for a folder of raw exports",
                               description="Look at every file in the data folder (nothing is changed) and write "
                               "a draft mapping.yml (which file is which table, which header is which field, "
                               "which of your values means which code; guesses marked) and dataset.json. "
                               "Existing files are kept unless --force.")
    init.add_argument("--data", type=Path, required=True, metavar="DIR", help="the folder of exported files")
    init.add_argument("--force", action="store_true", help="replace an existing mapping.yml and dataset.json")
    init.add_argument("--authority", default=None, help="the council's name, as in the comparators table")
    init.add_argument("--contact", default=None, help="who readers contact about the reports")
    init.add_argument("--synthetic", action="store_true", help="mark the data as made up (a banner on every report)")
    init.set_defaults(handler=_init)


def _add_report(commands, data_options) -> None:
    report = commands.add_parser("report", parents=[data_options], help="build the HTML reports and summary.json",
                                 description="Run the report notebooks for each financial year and "
                                 "write outputs/<year>/*.html and summary.json.")
    report.add_argument("--year", action="append", metavar="FY",
                        help="financial year such as 2019-20; repeat for several (default: all years)")
    report.add_argument("--all-years", action="store_true", help="every year that has complaints")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="where the reports go (default: %(default)s)")
    report.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="notebooks run side by side (default: the number of cores)")
    report.add_argument("--param", action="append", metavar="NAME=VALUE",
                        help="set a notebook parameter, e.g. --param team=Fostering; repeatable")
    report.add_argument("--params", metavar="'NAME=VALUE ...'", default=None,
                        help='several parameters in one argument, split as a shell would, e.g. '
                        '--params \'team="Children in Care" named_in_advance=true\' '
                        '(what make report PARAMS=... passes)')
    report.add_argument("--audience", choices=("internal", "public"), default="internal",
                        help="internal (default): counts in full, marked not for publication; public: "
                        "every count of people below 5 withheld in the HTML, charts, CSV tables and "
                        "summary.json, cells tagged 'internal' left out, logs kept in <out>-logs, and "
                        "nothing written unless the attacker's audit passes")
    report.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                        help="folder of report notebooks (default: the project's notebooks/)")
    report.set_defaults(handler=_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cfanalysis", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"cfanalysis {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Options every command that reads data shares.
    data_options = argparse.ArgumentParser(add_help=False)
    data_options.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                              help="folder holding the data files (default: %(default)s)")
    data_options.add_argument("--as-of", metavar="DATE", default=None, type=_date_argument,
                              help="treat dates after this day (yyyy-mm-dd) as errors (default: today)")

    _add_validate(commands, data_options)

    _add_init(commands)

    _add_report(commands, data_options)

    _add_audit_command(commands)

    example = commands.add_parser("example-data", help="write the synthetic example data",
                                  description="Regenerate the synthetic example data, byte for byte.")
    example.add_argument("--out", type=Path, default=DEFAULT_DATA, metavar="DIR",
                         help="folder to write to (default: %(default)s)")
    example.set_defaults(handler=_example_data)
    return parser


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `cfanalysis validate | head`
EXIT_INTERRUPTED = 130  # 128 + SIGINT (Ctrl-C)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a closed pipe or Ctrl-C ends it quietly, with the usual exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        status = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at exit
        return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        try:
            print("Stopped.", file=sys.stderr)
        except OSError:
            pass
        _silence_stdout()
        return EXIT_INTERRUPTED


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's final flush finds no closed pipe to complain about."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
