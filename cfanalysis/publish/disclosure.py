"""Disclosure control: one policy for every table, chart, sentence and file a run publishes.

A :class:`DisclosurePolicy` is built once per run from the audience (``"internal"`` or
``"public"``) and the council's own threshold where that is stricter (a public run never goes
below :data:`PUBLIC_THRESHOLD`). It is handed, as a typed object, to everything that writes; the
audience is never worked out again from a number.

The policy knows which tables count people and which do not (:data:`KINDS`): complaints,
compliments, replies to complaints and people by characteristic are suppressed; the service's
own actions, figures the Ombudsman itself publishes and other councils' published counts are
not. Each choice is stated in the report's annex (:meth:`DisclosurePolicy.annex`).

Every published number is registered with the policy's :class:`Ledger` as it is written (a
cell with its key, where it is shown and what a reader learns of it: the value, or the range a
hidden mark allows), with the relations a reader knows (totals, shares). The attacker's audit
(:mod:`cfanalysis.publish.audit`) solves those relations before anything is written.

:func:`suppress` works out, once, which cells to hide (a value and a mask, never text to parse
back); tables, chart labels, sentences and CSVs all show the result through
:meth:`Suppressed.text`, so they always agree.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cfanalysis import words

__all__ = ["AUDIENCES", "CONFIDENTIAL", "KINDS", "PUBLIC_THRESHOLD", "DisclosurePolicy", "Ledger",
           "PublishedCell", "Ratio", "RecordLevel", "Relation", "Suppressed", "cell_key", "disclosure_policy",
           "hide_where_small", "not_shown", "plural", "registers", "suppress", "with_record"]

AUDIENCES = ("internal", "public")
PUBLIC_THRESHOLD = 5
CONFIDENTIAL = "[c]"  # the ONS/GSS mark for a figure withheld to protect confidentiality

# Kind of count -> (counts people?, the sentence the annex prints for it).
KINDS = {
    "complaints": (True, "Complaints (by team, stage, month, category and outcome) are suppressed: each is a "
                         "person's complaint, and a small count in a small team can point to a family."),
    "replies": (True, "Replies to complaints on time are suppressed as complaints are: each reply answers a "
                      "person's complaint."),
    "compliments": (True, "Compliments are suppressed: each comes from a person and often names a worker."),
    "people": (True, "Counts of people by characteristic (who complained) are suppressed."),
    "ombudsman": (False, "Counts of the Ombudsman's decisions are shown in full: the Ombudsman publishes them for "
                         "every council in its annual review letter. The details of individual decisions (team, "
                         "subject, remedy) are given only where at least {threshold} decisions of that kind were "
                         "made."),
    "actions": (False, "Counts of the service's own learning actions are shown in full: they count what the "
                       "service did, not people."),
    "comparators": (False, "Other councils' complaint counts are shown in full: they are published figures."),
}

_IRREGULAR = {"enquiry": "enquiries", "reply": "replies", "child": "children", "person": "people",
              "family": "families", "Ombudsman enquiry": "Ombudsman enquiries"}


def plural(noun: str) -> str:
    """The plural of a count noun ("complaint" -> "complaints"; the first word of a phrase such as
    "complaint about staff attitude").

    >>> plural("complaint"), plural("enquiry"), plural("complaint about staff attitude")
    ('complaints', 'enquiries', 'complaints about staff attitude')
    """
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    words_ = noun.split(" ")
    at = next((i for i, w in enumerate(words_) if i and w in _PREPOSITIONS), len(words_)) - 1
    head = words_[at]
    words_[at] = _IRREGULAR.get(head) or (head[:-1] + "ies" if head.endswith("y") and head[-2:-1] not in "aeiou"
                                          else head + "s")
    return " ".join(words_)


_PREPOSITIONS = {"about", "to", "from", "of", "in", "on", "under", "with", "for", "against"}


def not_shown(below: int) -> str:
    """What a figure worked out from a hidden count (a share, a median) shows instead."""
    return f"not shown (fewer than {below})"


_YEAR = re.compile(r"^\d{4}-\d{2}$")


def cell_key(table: str, row: object, column: object, year: str) -> str:
    """The quantity a table cell stands for, the same wherever it is published.

    A column named by a financial year ("2018-19") is that year's count, whichever year's report
    shows it, so the key leaves out the report's year; other columns are of the report's year.

    >>> cell_key("complaints_by_team", "A", "2018-19", "2019-20")
    'complaints_by_team:A:2018-19'
    >>> cell_key("outcomes_by_stage", "1", "Upheld", "2019-20")
    'outcomes_by_stage:1:Upheld@2019-20'
    """
    column = str(column)
    for part in column.split(", "):
        if _YEAR.match(part):
            return f"{table}:{row}:{column}"
    return f"{table}:{row}:{column}@{year}"


# ---------------------------------------------------------------------------------------------
# The ledger: every published number and what a reader can learn from it.


@dataclass(frozen=True)
class PublishedCell:
    """One published number. ``low``/``high`` is what a reader learns: the value itself when shown,
    0 to threshold - 1 for "fewer than N", 0 upwards for ``[c]``. ``protect`` marks a count that
    is hidden because it is small (the cells the audit checks)."""

    key: str
    where: str
    low: float
    high: float
    protect: bool = False

    @property
    def shown(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class Relation:
    """A total a reader knows: ``total`` = the sum of ``parts`` (a margin, a Total row, a headline)."""

    total: str
    parts: tuple[str, ...]
    where: str


@dataclass(frozen=True)
class Ratio:
    """A published share: ``numerator`` / ``denominator`` lies in [``low``, ``high``] (the rounding)."""

    numerator: str
    denominator: str
    low: float
    high: float
    where: str


@dataclass(frozen=True)
class RecordLevel:
    """Something about one person's complaint (a date, a case's details): never in a public release."""

    what: str
    where: str


@dataclass
class Ledger:
    """What a run publishes, registered as it is written; the audit's input."""

    cells: list[PublishedCell] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    records: list[RecordLevel] = field(default_factory=list)
    def anonymous_key(self, where: str) -> str:
        """A key for a number that stands for no other (a count said once, in a sentence).

        Unique across documents, not only within this ledger: each report's notebook has its own
        ledger (in its own kernel), and the run audits them together, so a counter would give a
        count said in one document the key of another's."""
        return f"{where}#{uuid.uuid4().hex[:12]}"

    def extend(self, other: Ledger) -> None:
        self.cells += other.cells
        self.relations += other.relations
        self.ratios += other.ratios
        self.records += other.records

    def mark(self) -> tuple[int, int, int, int]:
        """Where the ledger stands now (see :meth:`since`)."""
        return len(self.cells), len(self.relations), len(self.ratios), len(self.records)

    def since(self, mark: tuple[int, int, int, int]) -> Ledger:
        """A copy of what was registered after ``mark``."""
        c, r, q, d = mark
        return Ledger(self.cells[c:], self.relations[r:], self.ratios[q:], self.records[d:])

    def drain(self) -> Ledger:
        """Everything registered since the last drain, removed from this ledger."""
        out = Ledger(self.cells, self.relations, self.ratios, self.records)
        self.cells, self.relations, self.ratios, self.records = [], [], [], []
        return out

    def __bool__(self) -> bool:
        return bool(self.cells or self.relations or self.ratios or self.records)

    def to_json(self) -> dict:
        inf = lambda v: None if math.isinf(v) else float(v)  # noqa: E731
        return {"cells": [[c.key, c.where, inf(c.low), inf(c.high), c.protect] for c in self.cells],
                "relations": [[r.total, list(r.parts), r.where] for r in self.relations],
                "ratios": [[r.numerator, r.denominator, r.low, r.high, r.where] for r in self.ratios],
                "records": [[r.what, r.where] for r in self.records]}

    @classmethod
    def from_json(cls, record: dict) -> Ledger:
        big = lambda v: math.inf if v is None else v  # noqa: E731
        return cls([PublishedCell(k, w, lo, big(hi), bool(p)) for k, w, lo, hi, p in record.get("cells", [])],
                   [Relation(t, tuple(p), w) for t, p, w in record.get("relations", [])],
                   [Ratio(n, d, lo, hi, w) for n, d, lo, hi, w in record.get("ratios", [])],
                   [RecordLevel(what, w) for what, w in record.get("records", [])])


# ---------------------------------------------------------------------------------------------
# Masked tables.


@dataclass(frozen=True, eq=False)
class Suppressed:
    """A count table with the cells to hide.

    ``small`` marks counts below ``below`` (primary suppression); ``hidden`` marks those and
    the larger counts hidden only so that a total cannot reveal a small one (secondary).
    Both masks have the table's shape; non-numeric columns are never hidden. ``mark`` is what
    a hidden cell shows (``[c]`` in a public table, with a note saying what it means).
    """

    values: pd.DataFrame
    small: pd.DataFrame
    hidden: pd.DataFrame
    below: int
    mark: str = ""

    def text(self) -> pd.DataFrame:
        """The table as published: counts with thousands separators, or the marks that hide them."""
        out = self.values.copy().astype(object)
        for column in self.values.columns:
            if not pd.api.types.is_numeric_dtype(self.values[column]):
                continue
            out[column] = [self._cell(value, small, hidden) for value, small, hidden in
                           zip(self.values[column], self.small[column], self.hidden[column])]
        return out

    def _cell(self, value: float, small: bool, hidden: bool) -> str:
        if (small or hidden) and self.mark:
            return self.mark
        if small:
            return words.count(value, self.below)
        if hidden:
            return "not shown"
        return "" if pd.isna(value) else f"{value:,.0f}"

    def masked(self) -> pd.DataFrame:
        """The values with every hidden cell as NaN: what a chart of the table may draw."""
        return self.values.mask(self.hidden)

    def without_row(self, label: object) -> Suppressed:
        """The same table without one row (a total drawn as a bar would mislead), masks kept."""
        keep = self.values.index != label
        return Suppressed(self.values[keep], self.small[keep], self.hidden[keep], self.below, self.mark)

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden.to_numpy().any())

    def register(self, ledger: Ledger, *, table: str, year: str, where: str, total_row: str | None = None,
                 total_column: str | None = None) -> None:
        """Every numeric cell as a reader sees it, and the totals that relate them."""
        numeric = [c for c in self.values.columns if pd.api.types.is_numeric_dtype(self.values[c])]
        for column in numeric:
            for row in self.values.index:
                key = cell_key(table, row, column, year)
                value = self.values.at[row, column]
                if pd.isna(value):
                    continue
                if self.small.at[row, column]:
                    high = math.inf if self.mark else self.below - 1
                    ledger.cells.append(PublishedCell(key, where, 0, high, protect=True))
                elif self.hidden.at[row, column]:
                    ledger.cells.append(PublishedCell(key, where, 0 if self.mark else self.below, math.inf))
                else:
                    ledger.cells.append(PublishedCell(key, where, float(value), float(value)))
        inner_rows = [r for r in self.values.index if r != total_row]
        inner_cols = [c for c in numeric if c != total_column]
        if total_row is not None and total_row in self.values.index:
            for column in numeric:
                ledger.relations.append(Relation(cell_key(table, total_row, column, year),
                                                 tuple(cell_key(table, r, column, year) for r in inner_rows), where))
        if total_column is not None and total_column in numeric:
            for row in self.values.index:
                ledger.relations.append(Relation(cell_key(table, row, total_column, year),
                                                 tuple(cell_key(table, row, c, year) for c in inner_cols), where))


def suppress(table: pd.DataFrame, below: int, *, total_row: str | None = None,
             total_column: str | None = None, mark: str = "", min_width: int | None = None) -> Suppressed:
    """Which counts of a table to hide: those below ``below``, and enough others to protect them.

    Parameters
    ----------
    table
        Counts (numeric columns are treated as counts; other columns are left alone).
    below
        Threshold; 0 switches suppression off (internal use).
    total_row, total_column
        Index label of a totals row and name of a totals column, if the table has them. When a
        row (or column) with a total has exactly one hidden cell, the next smallest cell in it
        is hidden too, so the hidden one cannot be worked out by subtraction; repeated until
        nothing changes. Then the table is attacked as a reader would (the interval audit of
        :mod:`cfanalysis.publish.audit` on its own margins) and, while a small count can be
        narrowed below ``min_width`` (default ``below - 1``), the smallest shown cell in its row
        or column is hidden too.
    mark
        What a hidden cell shows; by default "fewer than N" or "not shown".

    Returns
    -------
    Suppressed

    Examples
    --------
    >>> t = pd.DataFrame({"n": [3, 7, 8, 18]}, index=["a", "b", "c", "Total"])
    >>> suppress(t, 5, total_row="Total").text()["n"].tolist()
    ['fewer than 5', 'not shown', '8', '18']
    """
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    values = table[numeric].to_numpy(dtype=float)
    small = values < below if below else np.zeros(values.shape, dtype=bool)
    hidden = small.copy()
    if below:
        lines = _lines(table, numeric, total_row, total_column)
        _protect_totals(values, hidden, lines, _labels(table, numeric))
        if lines:
            _protect_against_attack(table, numeric, values, small, hidden, lines, below, mark,
                                    below - 1 if min_width is None else min_width, (total_row, total_column))
    return Suppressed(table, _mask(table, numeric, small), _mask(table, numeric, hidden), below, mark)


def _protect_against_attack(table, numeric, values, small, hidden, lines, below, mark, width, totals) -> None:
    """Hide more cells until no small count of the table can be narrowed below ``width``."""
    from cfanalysis.publish.audit import narrow_cells

    positions = {(i, j) for i in range(len(table)) for j in range(len(numeric))}
    for _ in range(len(positions)):
        ledger = Ledger()
        Suppressed(table, _mask(table, numeric, small), _mask(table, numeric, hidden), below, mark).register(
            ledger, table="t", year="", where="", total_row=totals[0], total_column=totals[1])
        exposed = narrow_cells(ledger, width, below)
        if not exposed:
            return
        cell = _position(table, numeric, exposed[0])
        line_cells = {c for line in lines if cell in line for c in line}
        candidates = [c for c in line_cells if not hidden[c]] or [c for c in positions if not hidden[c]]
        if not candidates:
            return
        labels = _labels(table, numeric)
        hidden[min(candidates, key=lambda c: (values[c], labels[c]))] = True


def _position(table, numeric, key: str) -> tuple[int, int]:
    for i, label in enumerate(table.index):
        for j, name in enumerate(numeric):
            if cell_key("t", label, name, "") == key:
                return i, j
    raise KeyError(key)


def _lines(table: pd.DataFrame, numeric: list, total_row, total_column) -> list[list[tuple[int, int]]]:
    """The cells of each row and column that add up to a total (the total itself included)."""
    lines = []
    if total_column in numeric:
        lines += [[(i, j) for j in range(len(numeric))] for i in range(len(table))]
    if total_row is not None and total_row in table.index:
        lines += [[(i, j) for i in range(len(table))] for j in range(len(numeric))]
    return lines


def _labels(table: pd.DataFrame, numeric: list) -> dict[tuple[int, int], tuple[str, str]]:
    """Each cell's row and column label: ties between equal counts are broken by them, not by the
    row order, so a year's column is masked the same in every report that shows it (the reports
    sort their rows by their own year)."""
    return {(i, j): (str(row), str(column)) for i, row in enumerate(table.index) for j, column in enumerate(numeric)}


def _protect_totals(values: np.ndarray, hidden: np.ndarray, lines: list[list[tuple[int, int]]],
                    labels: dict[tuple[int, int], tuple[str, str]] | None = None) -> None:
    """Secondary suppression: hide the next smallest cell of any line (its total included) with
    exactly one hidden cell, so no hidden cell is a total minus shown cells (ties: by label)."""
    changed = True
    while changed:
        changed = False
        for cells in lines:
            if sum(hidden[cell] for cell in cells) == 1:
                candidates = [cell for cell in cells if not hidden[cell]]
                if candidates:
                    hidden[min(candidates, key=lambda cell: (values[cell], labels[cell] if labels else cell))] = True
                    changed = True


def _mask(table: pd.DataFrame, numeric: list, flags: np.ndarray) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for j, name in enumerate(numeric):
        mask[name] = flags[:, j]
    return mask


def hide_where_small(table: pd.DataFrame, small_rows: pd.Series | np.ndarray, columns: list[str],
                     below: int, mark: str = "") -> pd.DataFrame:
    """Figures worked out from small counts (shares, medians) replaced by :func:`not_shown` words."""
    out = table.copy()
    for column in columns:
        out[column] = out[column].astype(object)
    out.loc[np.asarray(small_rows, dtype=bool), columns] = mark or not_shown(below)
    return out


# ---------------------------------------------------------------------------------------------
# The policy.


@dataclass(frozen=True, eq=False)
class DisclosurePolicy:
    """Who a run is for and what it may publish; built once per run (:func:`disclosure_policy`).

    Parameters
    ----------
    audience
        ``"internal"`` (counts in full unless ``threshold`` is set) or ``"public"``.
    threshold
        Counts of people below it are hidden (0: none).
    min_interval_width
        The audit's rule: a reader who knows every published number and relation must not be
        able to narrow a hidden count to a range narrower than this (``threshold - 1`` by
        default: no narrower than the "fewer than N" band itself, which allows N values).
    """

    audience: str = "internal"
    threshold: int = 0
    min_interval_width: int | None = None
    ledger: Ledger = field(default_factory=Ledger, repr=False)

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {self.audience!r}.")
        if self.threshold < 0:
            raise ValueError(f"The suppression threshold must be 0 (off) or a positive count such as 5, "
                             f"not {self.threshold}.")
        if self.audience == "public" and self.threshold < PUBLIC_THRESHOLD:
            raise ValueError(f"A public release hides counts below {PUBLIC_THRESHOLD}; a threshold of "
                             f"{self.threshold} would show them.")

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def width_required(self) -> int:
        return self.min_interval_width if self.min_interval_width is not None else max(self.threshold - 1, 0)

    @property
    def mark(self) -> str:
        """What a hidden table cell shows: ``[c]`` in public tables, "fewer than N" otherwise."""
        return CONFIDENTIAL if self.public else ""

    def hides(self, kind: str = "complaints") -> bool:
        """Whether counts of this kind are suppressed at all (:data:`KINDS`)."""
        if kind not in KINDS:
            raise ValueError(f"Unknown kind of count {kind!r}; one of {', '.join(KINDS)}.")
        return bool(self.threshold) and KINDS[kind][0]

    def is_small(self, n: float, kind: str = "complaints") -> bool:
        """True when ``n`` is a count of this kind the policy hides."""
        return self.hides(kind) and n < self.threshold

    def fresh(self) -> DisclosurePolicy:
        """The same policy with an empty ledger (one per document)."""
        return replace(self, ledger=Ledger())

    # Words -----------------------------------------------------------------------------------

    def count(self, n: float, noun: str = "", *, kind: str = "complaints", key: str | None = None,
              where: str = "", noun_plural: str | None = None) -> str:
        """A count in words as published, registered in the ledger.

        A hidden count reads "fewer than N" with the noun in the plural, whatever the count
        (a singular noun would give away that it is 1).

        >>> p = disclosure_policy("public")
        >>> p.count(1, "complaint"), p.count(12, "complaint"), p.count(1, "action", kind="actions")
        ('fewer than 5 complaints', '12 complaints', '1 action')
        """
        many = noun_plural or (plural(noun) if noun else "")
        key = key or self.ledger.anonymous_key(where or "a sentence")
        if self.is_small(n, kind):
            self.ledger.cells.append(PublishedCell(key, where or key, 0, self.threshold - 1, protect=True))
            return f"fewer than {self.threshold} {many}".rstrip()
        self.ledger.cells.append(PublishedCell(key, where or key, float(n), float(n)))
        return f"{int(n):,} {noun if n == 1 else many}".rstrip()

    def share(self, numerator: float, denominator: float, *, kind: str = "complaints",
              numerator_key: str | None = None, denominator_key: str | None = None, where: str = "",
              complement: bool = True) -> str | None:
        """A percentage of ``denominator``, or None when it would give away a hidden count.

        Hidden when the numerator, the denominator or (with ``complement``) the rest is small:
        a percentage of a small count is the count itself (ONS/GSS guidance).

        >>> p = disclosure_policy("public")
        >>> p.share(4, 6), p.share(40, 60)
        (None, '67%')
        """
        if not denominator:
            return None
        rest = denominator - numerator
        if self.is_small(numerator, kind) or self.is_small(denominator, kind) or \
                (complement and self.is_small(rest, kind)):
            return None
        value = numerator / denominator
        if numerator_key and denominator_key:
            self.ledger.ratios.append(Ratio(numerator_key, denominator_key, max(value - 0.005, 0),
                                            value + 0.005, where or numerator_key))
        return words.percent(value)

    def percent_or_reason(self, numerator: float, denominator: float, **kwargs) -> str:
        shown = self.share(numerator, denominator, **kwargs)
        return shown if shown is not None else "share not shown"

    # Tables ----------------------------------------------------------------------------------

    def mask(self, table: pd.DataFrame, *, kind: str = "complaints", total_row: str | None = None,
             total_column: str | None = None, name: str | None = None, year: str = "",
             where: str = "") -> Suppressed:
        """The table as this policy publishes it, registered in the ledger under ``name``."""
        if total_row is None and "Total" in table.index:
            total_row = "Total"
        shown = suppress(table, self.threshold if self.hides(kind) else 0, total_row=total_row,
                         total_column=total_column, mark=self.mark)
        if name is not None:
            shown.register(self.ledger, table=name, year=year, where=where or name, total_row=total_row,
                           total_column=total_column)
        return shown

    def enumerate(self, key: str, items: list, where: str, *, complete: bool = True) -> None:
        """Register a list of the things a count counts: listing them all publishes the count."""
        self.ledger.cells.append(PublishedCell(key, where, float(len(items)),
                                               float(len(items)) if complete else math.inf))

    def record_level(self, what: str, where: str) -> None:
        """Register something about one person's complaint (a date, a case's details)."""
        self.ledger.records.append(RecordLevel(what, where))

    # What the report says about it -----------------------------------------------------------

    def confidential_meaning(self) -> str:
        """What ``[c]`` means, the ONS way, with this policy's threshold: the one wording of the banner,
        the note under the tables and the annex.

        >>> disclosure_policy("public").confidential_meaning()[:60]
        '[c] confidential: a count from 0 to 4 withheld, or another f'
        """
        return (f"{CONFIDENTIAL} confidential: a count from 0 to {self.threshold - 1} withheld, or another figure "
                f"withheld so that a small count cannot be worked out from totals. In sentences such counts "
                f"read 'fewer than {self.threshold}'")

    def note(self) -> str:
        """The sentence under every public table (and the report's suppression note)."""
        if not self.threshold:
            return "Counts are shown in full, including small ones."
        mark = (f"{self.confidential_meaning()}." if self.public else
                f"Every count below {self.threshold} is shown as 'fewer than {self.threshold}', and where a "
                "total would let a hidden number be worked out, another number is marked 'not shown' too.")
        return f"To protect the people involved, small numbers are not published. {mark}"

    def annex(self) -> list[str]:
        """What the policy hides and why, one sentence per kind of count (the report's annex)."""
        if not self.threshold:
            return ["This is an internal version: every count is shown in full, including small ones. It is "
                    "not for publication."]
        lines = [self.note(), "No percentage, rate or 'N of M' is given where a count behind it is hidden, "
                              "no date of an individual complaint is published, and the public charts are "
                              "drawn from the same protected figures as the tables (months grouped into "
                              "quarters where single months are too small)."]
        lines += [text.format(threshold=self.threshold) for _, text in KINDS.values()]
        return lines


def disclosure_policy(audience: str = "internal", threshold: int = 0) -> DisclosurePolicy:
    """The run's policy from its audience and the council's own threshold where stricter.

    A public policy hides counts of people below 5, or below ``threshold`` when that is higher;
    an internal one hides nothing unless ``threshold`` is given (``--param suppress_below=N``).

    >>> disclosure_policy("public").threshold, disclosure_policy("public", 10).threshold
    (5, 10)
    >>> disclosure_policy("internal", 10).audience
    'internal'
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}.")
    if threshold < 0:
        raise ValueError(f"suppress_below={threshold} must be 0 (off) or a positive count such as 5.")
    if audience == "public":
        return DisclosurePolicy("public", max(PUBLIC_THRESHOLD, threshold))
    return DisclosurePolicy("internal", threshold)


def registers(method):
    """Attach what a section method registered with the policy to the display object it returns,
    so the runner can collect each document's published numbers from the executed notebook."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        start = self.policy.ledger.mark()
        return with_record(method(self, *args, **kwargs), self.policy.ledger.since(start))

    return wrapper


def with_record(shown, record: Ledger):
    """The display object with the ledger entries it publishes (no change when there are none)."""
    if not record or not hasattr(shown, "record"):
        return shown
    merged = Ledger()
    if getattr(shown, "record", None) is not None:
        merged.extend(shown.record)
    merged.extend(record)
    return replace(shown, record=merged)
