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

from cfanalysis.periods import FinancialYear
from cfanalysis.data.contract import STAGES, header_key

__all__ = [
    "EXCEL_ERRORS",
    "Parsed",
    "clean_cell",
    "excel_error",
    "hygienic",
    "read_code",
    "stage_parser",
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
# A timestamp with a zone (2019-03-31T23:30:00Z, ...+01:00, ... UTC): converted to UK local time first.
_ZONED = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$",
                    re.IGNORECASE)
UK_ZONE = "Europe/London"
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_WEEKDAYS = {"monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "weds", "thursday", "thu", "thur",
             "thurs", "friday", "fri", "saturday", "sat", "sunday", "sun"}
_FILLER = {"st", "nd", "rd", "th", "of", "the", "at", "am", "pm", "t"}  # 3rd of April 2019 at 2:30 pm
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
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
    return isinstance(raw, str) and raw.translate(HYGIENE).strip() == ""


# --------------------------------------------------------------------------------------------
# Cell hygiene: one rule for every key and label.

# Unicode spaces (no-break, narrow, figure, thin, ideographic...) become a plain space; zero-width
# characters, soft hyphens and stray BOMs go; curly quotes become plain ones (dashes are kept: a
# team may be called 'Duty – North'; matching ignores punctuation anyway).
_SPACES = {code: " " for code in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F,
                                  0x3000, 0x0085)}
_INVISIBLE = {code: None for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E)}
_PUNCTUATION = {0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x201C: '"', 0x201D: '"',
                0x201E: '"', 0x201F: '"', 0x2033: '"'}
HYGIENE = str.maketrans({**_SPACES, **_INVISIBLE, **_PUNCTUATION})

# The error values Excel writes in a cell whose formula failed; read as blank, and said so.
EXCEL_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
_EXCEL_ERROR_KEYS = {e.casefold(): e for e in EXCEL_ERRORS} | {"#n/a n/a": "#N/A", "n/a#": "#N/A"}
EXCEL_ERROR_FIX = ("The cell holds an Excel error (a formula that failed), so it is read as blank: correct the "
                   "formula, or copy the column and Paste Special > Values, then type the missing value.")


def clean_cell(raw: object) -> object:
    """One cell with the hygiene rule applied: Unicode spaces to plain spaces, zero-width
    characters removed, curly quotes made plain, spaces trimmed and collapsed.
    Anything that is not text is returned unchanged.

    >>> clean_cell("Duty\u00a0Team\u200b"), clean_cell("Children\u2019s services")
    ('Duty Team', "Children's services")
    """
    if not isinstance(raw, str):
        return raw
    return " ".join(raw.translate(HYGIENE).split())


def excel_error(raw: object) -> str | None:
    """The Excel error value a cell holds (``#N/A``, ``#REF!``...), else None.

    >>> excel_error(" #n/a "), excel_error("N/A")
    ('#N/A', None)
    """
    if not isinstance(raw, str) or "#" not in raw:
        return None
    return _EXCEL_ERROR_KEYS.get(clean_cell(raw).casefold())


def hygienic(parser):
    """``parser`` with the hygiene rule first (:func:`clean_cell`); an Excel error value is read
    as a blank cell and named: a problem when a blank is one, else a note."""
    def parse(raw: object) -> Parsed:
        error = excel_error(raw)
        if error is None:
            return parser(clean_cell(raw))
        parsed = parser(None)
        if parsed.problem is not None:
            return Parsed(problem=f"is the Excel error value {error}, read as blank", fix=EXCEL_ERROR_FIX)
        return Parsed(value=parsed.value, note=f"is the Excel error value {error}, read as blank. {EXCEL_ERROR_FIX}")

    parse.base = getattr(parser, "base", parser)
    return parse


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
    if _ZONED.match(text):
        return _uk_local(text)
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
    return _named_month_date(text)


def _uk_local(text: str) -> Parsed:
    """A zoned timestamp as the date it was in the UK (Europe/London, so BST in summer):
    ``2019-03-31T23:30:00Z`` is 1 April 2019 (00:30 BST), in the financial year 2019-20."""
    try:
        stamp = pd.Timestamp(re.sub(r"\s*(UTC|GMT)$", "+00:00", text, flags=re.IGNORECASE))
    except ValueError:
        return Parsed(problem="is not a date", fix=UK_DATE_FIX)
    return _checked(stamp.tz_convert(UK_ZONE).tz_localize(None))


def _named_month_date(text: str) -> Parsed:
    """The general rule for dates with the month in words: a month name or abbreviation and two
    numbers (the day, and the year in 2 or 4 digits); a weekday name, ordinals (3rd), commas,
    'of' and a time of day are allowed and ignored. ``Wed 3 April 2019``, ``03-Apr-2019 14:32``,
    ``Wednesday, 3rd of April 2019``, ``April 3, 2019`` and ``2019 Apr 3`` are all 3 April 2019."""
    tokens = re.findall(r"[a-z]+|\d+", _CLOCK.sub(" ", text.casefold()))
    months = [t for t in tokens if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    others = [t for t in tokens if not t.isdigit() and t not in _MONTHS and t not in _WEEKDAYS | _FILLER]
    if len(months) != 1 or len(numbers) != 2 or others:
        return Parsed(problem="is not a date", fix=UK_DATE_FIX)
    year_first = len(numbers[0]) == 4
    day, year = (numbers[1], numbers[0]) if year_first else (numbers[0], numbers[1])
    if len(day) > 2 or len(year) not in (2, 4):
        return Parsed(problem="is not a date", fix=UK_DATE_FIX)
    return _build(int(year) + (2000 if len(year) == 2 else 0), _MONTHS[months[0]], int(day))


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
_STAGE = re.compile(r"^(?:stage|stg|st|s)?[\s.:_-]*(one|two|three|iii|ii|i|1|2|3)(?:\.0+)?(?:\b.*)?$")
_STAGE_INSIDE = re.compile(r"\b(?:stage|stg)\s*[.:_-]?\s*(one|two|three|iii|ii|i|1|2|3)\b")


def parse_stage(raw: object) -> Parsed:
    """Read a complaint stage by one general rule: a leading number or word (``1``, ``S1``,
    ``Stage One``), else the words "stage N" anywhere in the text (``Investigation (Stage 2)``),
    else a stage's name anywhere (``Local resolution``, ``Stage 2 investigation``, ``Review panel``;
    the names are the contract's ``STAGES`` spellings).

    >>> parse_stage("Stage Two").value, parse_stage("Investigation (Stage 2)").value
    (2, 2)
    """
    fix = "Write the stage as 1, 2 or 3 (Stage 1 local resolution, 2 investigation, 3 review panel)."
    if is_blank(raw):
        return Parsed(problem="is blank", fix=fix)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Parsed(value=int(raw)) if raw in (1, 2, 3) else Parsed(problem="is not a stage", fix=fix)
    text = clean_cell(str(raw)).casefold()
    if match := _STAGE.match(text) or _STAGE_INSIDE.search(text):
        return Parsed(value=_STAGE_WORDS[match.group(1)])
    words = f" {' '.join(re.findall(r'[a-z0-9]+', text))} "
    found = {int(code) for code, names in STAGES.items() for name in names if f" {name} " in words}
    if len(found) == 1:
        return Parsed(value=found.pop())
    return Parsed(problem="is not a stage", fix=fix)


def stage_parser(codes: dict[str, tuple[str, ...]]):
    """:func:`parse_stage`, trying the spellings in ``codes`` (stage "1", "2", "3" -> spellings,
    such as a council's own from ``mapping.yml``) first."""
    lookup = {header_key(spelling): int(code) for code, spellings in codes.items() for spelling in spellings}

    def parse(raw: object) -> Parsed:
        if not is_blank(raw) and (stage := lookup.get(header_key(clean_cell(str(raw))))) is not None:
            return Parsed(value=stage)
        return parse_stage(raw)

    return parse


def parse_text(raw: object) -> Parsed:
    """Tidy a label: trim, collapse inner spaces; numbers from Excel lose a trailing ``.0``."""
    if is_blank(raw):
        return Parsed(problem="is blank", fix="Fill it in, or remove the row if it is not a record.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return Parsed(value=clean_cell(str(raw)))


_HEAD = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s|\(|;|,)\s*")  # "Upheld: ...", "Closed - ...", "Statutory (...)"


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[0-9a-z]+", text.casefold().replace("&", " and ")))


def read_code(text: str, lookup: dict[str, str], phrases: dict[tuple[str, ...], str]) -> tuple[str | None, str]:
    """The code a label stands for, by the general rule, and how it was found.

    In order: the label is a known spelling (``"exact"``); the label's head, before a colon, a
    spaced dash, a bracket, a comma or a semicolon, is one (``"head"``: ``Upheld: maladministration
    and injustice``, ``Statutory (Children Act 1989)``); the longest known spelling found inside the
    label, word for word, points to one code (``"words"``: ``Staff attitude or behaviour``).
    ``(None, "")`` when none applies or the longest spellings found point to different codes.
    """
    code = lookup.get(header_key(text))
    if code is not None:
        return code, "exact"
    head = _HEAD.split(text, maxsplit=1)[0]
    if head != text and (code := lookup.get(header_key(head))) is not None:
        return code, "head"
    words = _words(text)
    found: dict[int, set[str]] = {}
    for phrase, code in phrases.items():
        n = len(phrase)
        if any(words[i:i + n] == phrase for i in range(len(words) - n + 1)):
            found.setdefault(n, set()).add(code)
    if found and len(best := found[max(found)]) == 1:
        return next(iter(best)), "words"
    return None, ""


def vocabulary_parser(vocabulary: dict[str, tuple[str, ...]], *, what: str, strict: bool,
                      extra: dict[str, str] | None = None):
    """A parser mapping spellings to canonical codes (see :func:`read_code` for the rule).

    ``extra`` maps further spellings (a council's own values, from ``mapping.yml``) to codes;
    they are tried first. With ``strict=False`` an unrecognised label is kept as written (tidied)
    with a note; with ``strict=True`` it is a problem that excludes the row.
    """
    lookup: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    blank_value = next((c for c, s in vocabulary.items() if "" in s), None)
    for canonical, spellings in vocabulary.items():
        for spelling in (canonical, *spellings):
            lookup[header_key(spelling)] = canonical
            if canonical != blank_value and _words(spelling):
                phrases.setdefault(_words(spelling), canonical)
    for spelling, canonical in (extra or {}).items():
        lookup[header_key(spelling)] = canonical
    allowed = ", ".join(f"'{v}'" for v in vocabulary if v not in ("not recorded", "not yet decided"))
    fix = f"Use one of {allowed}, or map the value in mapping.yml."

    def parse(raw: object) -> Parsed:
        if is_blank(raw):
            if blank_value is not None:
                return Parsed(value=blank_value)
            return Parsed(problem="is blank", fix=fix)
        tidy = clean_cell(str(raw))
        canonical, _ = read_code(tidy, lookup, phrases)
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
        return Parsed(value=FinancialYear.parse(raw))
    except ValueError:
        return Parsed(problem="is not a financial year", fix="Write the financial year as '2019-20'.")
