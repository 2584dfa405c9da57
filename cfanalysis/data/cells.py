"""Parsers for single cell values as they appear in real exports.

Each parser takes one raw cell (text from a CSV, or a number or datetime from Excel) and
returns a :class:`Parsed` value: the clean value, or a message saying what is wrong and how to
fix it. The loader applies them to each distinct value of a column once, so they can afford
to be careful rather than fast.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from cfanalysis.periods import financial_year_label, parse_financial_year
from cfanalysis.data.contract import header_key

__all__ = [
    "Parsed",
    "is_blank",
    "parse_date",
    "parse_financial_year_cell",
    "parse_month",
    "number_parser",
    "parse_number",
    "parse_stage",
    "parse_text",
    "vocabulary_parser",
]

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (it counts 1900 as a leap year)
EARLIEST_PLAUSIBLE = pd.Timestamp("1990-01-01")

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")  # year first: never ambiguous
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME.replace("[ T]", "\\s+") + "$")
_SERIAL = re.compile(r"^\d{4,6}(?:\.\d+)?$")
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d %B %y",
                      "%d/%b/%Y", "%A %d %B %Y")
_MONTH_FORMATS = ("%b-%y", "%b %y", "%B %Y", "%b %Y", "%B-%Y", "%b-%Y", "%Y-%m", "%m/%Y", "%Y%m",
                  "%B %y")

UK_DATE_FIX = "Write dates as dd/mm/yyyy (for example 03/04/2019 for 3 April 2019) or yyyy-mm-dd."


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: ``value`` when it is usable, otherwise ``problem`` and ``fix``.

    ``note`` flags a usable value the user may still want to hear about (for example a label
    not in the contract's list, kept as written).
    """

    value: Any = None
    problem: str | None = None
    fix: str | None = None
    note: str | None = None
    month_first: bool = False  # the value can only be read as a US month/day date


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if raw is pd.NaT or raw is pd.NA:
        return True
    return isinstance(raw, str) and raw.strip() == ""


def _from_serial(number: float) -> Parsed:
    if not 1 <= number < 2958466:
        return Parsed(problem="is a number but not an Excel date", fix=UK_DATE_FIX)
    return _checked(EXCEL_EPOCH + pd.Timedelta(days=int(number)))


def _checked(stamp: pd.Timestamp) -> Parsed:
    if stamp < EARLIEST_PLAUSIBLE:
        return Parsed(problem=f"is before {EARLIEST_PLAUSIBLE:%Y}, which cannot be right",
                      fix=UK_DATE_FIX)
    return Parsed(value=stamp.normalize())


def parse_date(raw: object) -> Parsed:
    """Read a date written UK style, ISO style, as an Excel serial or as an Excel date cell.

    Slashed dates are always day first: ``03/04/2019`` is 3 April 2019. A slashed date whose
    second number is above 12 (``04/25/2019``) is refused as a likely US date rather than
    guessed.

    >>> parse_date("03/04/2019").value
    Timestamp('2019-04-03 00:00:00')
    >>> parse_date(43558).value
    Timestamp('2019-04-03 00:00:00')
    """
    if is_blank(raw):
        return Parsed(problem="is blank", fix="Fill in the date, or remove the row if it is not a record.")
    if isinstance(raw, (pd.Timestamp, datetime, date)):
        return _checked(pd.Timestamp(raw))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_serial(float(raw))
    text = str(raw).strip()
    if _SERIAL.match(text):
        return _from_serial(float(text))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _build(year, month, day)
    if match := _UK.match(text):
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if month > 12 and day <= 12:
            return Parsed(problem="looks like a US date (month first); dates here are read day first",
                          fix=UK_DATE_FIX, month_first=True)
        return _build(year, month, day)
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return _checked(pd.Timestamp(datetime.strptime(text, fmt)))
        except ValueError:
            continue
    return Parsed(problem="is not a date", fix=UK_DATE_FIX)


def _build(year: int, month: int, day: int) -> Parsed:
    try:
        return _checked(pd.Timestamp(date(year, month, day)))
    except ValueError:
        return Parsed(problem="is not a real calendar date", fix=UK_DATE_FIX)


def parse_month(raw: object) -> Parsed:
    """Read a month: any date in it, or labels such as ``Apr-19``, ``April 2019``, ``2019-04``.

    >>> parse_month("Apr-19").value
    Period('2019-04', 'M')
    """
    fix = "Write the month as a date in that month (01/04/2019) or as 'Apr 2019'."
    if is_blank(raw):
        return Parsed(problem="is blank", fix=fix)
    if not isinstance(raw, str) or re.search(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}", raw):
        parsed = parse_date(raw)
        if parsed.value is not None:
            return Parsed(value=parsed.value.to_period("M"))
        if not isinstance(raw, str):
            return Parsed(problem=parsed.problem, fix=fix)
    text = str(raw).strip()
    for fmt in _MONTH_FORMATS:
        try:
            return Parsed(value=pd.Period(datetime.strptime(text, fmt), freq="M"))
        except ValueError:
            continue
    return Parsed(problem="is not a month", fix=fix)


_STAGE_WORDS = {"1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3,
                "i": 1, "ii": 2, "iii": 3}
_STAGE_NAMES = {"localresolution": 1, "investigation": 2, "reviewpanel": 3, "panel": 3}
_STAGE = re.compile(r"^(?:stage|stg|st|s)?[\s.:_-]*(one|two|three|iii|ii|i|1|2|3)(?:\.0+)?(?:\b.*)?$")


def parse_stage(raw: object) -> Parsed:
    """Read a complaint stage written ``1``, ``Stage 1``, ``S1``, ``Stage One`` or by its name.

    >>> parse_stage("Stage Two").value
    2
    """
    fix = "Write the stage as 1, 2 or 3 (Stage 1 local resolution, 2 investigation, 3 review panel)."
    if is_blank(raw):
        return Parsed(problem="is blank", fix=fix)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Parsed(value=int(raw)) if raw in (1, 2, 3) else Parsed(problem="is not a stage", fix=fix)
    text = str(raw).strip().casefold()
    if match := _STAGE.match(text):
        return Parsed(value=_STAGE_WORDS[match.group(1)])
    for name, stage in _STAGE_NAMES.items():
        if header_key(text).endswith(name):
            return Parsed(value=stage)
    return Parsed(problem="is not a stage", fix=fix)


def parse_text(raw: object) -> Parsed:
    """Tidy a label: trim, collapse inner spaces; numbers from Excel lose a trailing ``.0``."""
    if is_blank(raw):
        return Parsed(problem="is blank", fix="Fill it in, or remove the row if it is not a record.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return Parsed(value=re.sub(r"\s+", " ", str(raw).strip()))


def vocabulary_parser(vocabulary: dict[str, tuple[str, ...]], *, what: str, strict: bool):
    """A parser mapping accepted spellings to canonical values.

    With ``strict=False`` an unrecognised label is kept as written (tidied) with a note; with
    ``strict=True`` it is a problem that excludes the row.
    """
    lookup: dict[str, str] = {}
    for canonical, spellings in vocabulary.items():
        for spelling in (canonical, *spellings):
            lookup[header_key(spelling)] = canonical
    allowed = ", ".join(f"'{v}'" for v in vocabulary if v not in ("not recorded", "not yet decided"))
    fix = f"Use one of {allowed}."
    blank_value = next((c for c, s in vocabulary.items() if "" in s), None)

    def parse(raw: object) -> Parsed:
        if is_blank(raw):
            if blank_value is not None:
                return Parsed(value=blank_value)
            return Parsed(problem="is blank", fix=fix)
        tidy = re.sub(r"\s+", " ", str(raw).strip())
        canonical = lookup.get(header_key(tidy))
        if canonical is not None:
            return Parsed(value=canonical)
        if strict:
            return Parsed(problem=f"is not a recognised {what}", fix=fix)
        return Parsed(value=tidy.lower(), note=f"is not a standard {what}; counted as written. {fix}")

    return parse


_NUMBER_FIX = "Write a number (for example 125), or leave it blank when not known."
_GROUPED = {".": re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$"),  # 1,250.5 where the decimal mark is a point
            ",": re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")}  # 1.250,5 where it is a comma
_ONE_MARK = re.compile(r"^\d*([.,])\d+$")


def parse_number(raw: object, decimal: str | None = ".") -> Parsed:
    """A non-negative number, read with the file's decimal mark.

    ``decimal`` is ``"."`` (commas may only group thousands: ``1,250.5``), ``","`` (Excel in a
    European locale: ``0,5``, with points or spaces grouping thousands: ``1.250,5``) or ``None``
    when the file does not say: then a value that reads two ways (``1,250`` is 1250 or 1.25) is a
    problem naming both readings, never a guess.

    >>> parse_number("1,250").value, parse_number("0,5", decimal=",").value
    (1250.0, 0.5)
    >>> parse_number("1,250", decimal=None).problem
    'could be 1250 or 1.25 (the file does not show whether the decimal mark is a point or a comma)'
    """
    if is_blank(raw):
        return Parsed(value=math.nan)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(raw))
        if decimal is None:
            return _either_mark(text)
        other = "," if decimal == "." else "."
        if _GROUPED[decimal].match(text):
            text = text.replace(other, "")
        try:
            value = float(text.replace(",", ".") if decimal == "," and other not in text else text)
        except ValueError:
            return Parsed(problem="is not a number", fix=_NUMBER_FIX)
    if value < 0 or math.isinf(value) or math.isnan(value):
        return Parsed(problem="is negative or infinite", fix=_NUMBER_FIX)
    return Parsed(value=value)


def _either_mark(text: str) -> Parsed:
    """A number from a file whose decimal mark is unknown: read only when one reading fits."""
    match = _ONE_MARK.match(text)
    if match and len(text) - text.index(match.group(1)) == 4 and 1 <= text.index(match.group(1)) <= 3:
        grouped, decimal = float(text.replace(match.group(1), "")), float(text.replace(",", "."))
        return Parsed(problem=f"could be {grouped:g} or {decimal:g} (the file does not show whether the "
                              "decimal mark is a point or a comma)",
                      fix="Write the number without a thousands separator (1250), or export the file again "
                          "so its other numbers show the decimal mark.")
    for mark in (".", ","):
        if _GROUPED[mark].match(text):
            return parse_number(text, decimal=mark)
    return parse_number(text, decimal="," if match and match.group(1) == "," else ".")


def number_parser(decimal: str | None):
    """:func:`parse_number` for one file's decimal mark (``"."``, ``","`` or ``None``: unknown)."""
    if decimal == ".":
        return parse_number

    def parse(raw: object) -> Parsed:
        return parse_number(raw, decimal=decimal)

    return parse


def parse_financial_year_cell(raw: object) -> Parsed:
    if is_blank(raw):
        return Parsed(problem="is blank", fix="Write the financial year as '2019-20'.")
    try:
        return Parsed(value=financial_year_label(parse_financial_year(str(raw))))
    except ValueError:
        return Parsed(problem="is not a financial year", fix="Write the financial year as '2019-20'.")
