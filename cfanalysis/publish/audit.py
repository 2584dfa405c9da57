"""The attacker's audit: could a reader of the whole public release work out a hidden count?

Every number a public run would publish is registered (:class:`cfanalysis.publish.disclosure.Ledger`):
each cell with what a reader learns of it (its value, or the range its mark allows), the totals
that relate cells (a Total row, a margin, a headline figure that is the sum of a table), shares
(a percentage bounds numerator / denominator), and anything about one person's complaint. The
same quantity published in two places (two tables, two documents, two years' reports) has the
same key, so it is one unknown.

For each hidden count the audit solves, as an attacker would, the smallest and largest values
the published numbers allow: two integer programs (``scipy.optimize.milp``, HiGHS) over the
connected part of the release that mentions it. This is the interval attack of sdcTable's
``attack()`` and GaussSuppression's ``ComputeIntervals`` (R), here on counts (integers, at least 0).

Rule (:attr:`DisclosurePolicy.width_required`): a hidden count is exposed when its feasible
range is narrower than ``threshold - 1`` (for 5: narrower than 0 to 4, the band "fewer than 5"
itself promises) and reaches below the threshold, or when it is printed anywhere. (A hidden cell
pinned at the threshold or above is one hidden only to protect another: it gives nothing away.)
Anything about an individual complaint (a date, a case's details) is exposed in a public
release, and so are words that give a count away ("fewer than 5 complaint", "fewer than 5 of
6"). If anything is exposed, the run writes nothing and the message names each cell, where it
is published and what the policy needs.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cfanalysis.publish.run import ReportError
from cfanalysis.publish.disclosure import (
    CONFIDENTIAL,
    DisclosurePolicy,
    Ledger,
    PublishedCell,
    Relation,
    cell_key,
    disclosure_policy,
)

__all__ = ["SUMMARY_LINKS", "DisclosureError", "Exposure", "audit", "audit_folder", "check_release", "folder_ledger",
           "narrow_cells", "text_exposures"]


class DisclosureError(ReportError):
    """A public release would let a reader work out a hidden count; nothing was written.

    (A :class:`~cfanalysis.publish.run.ReportError`: the command line shows it without a traceback.)"""


@dataclass(frozen=True)
class Exposure:
    """A hidden count a reader could work out (or narrow too far), and where from."""

    key: str
    low: float
    high: float
    where: tuple[str, ...]
    why: str

    def message(self, policy: DisclosurePolicy) -> str:
        places = "; ".join(self.where)
        if self.why == "record":
            return (f"{self.key} is about an individual complaint ({places}). A public release gives no date or "
                    "detail of one person's complaint: leave it out of the public version, or group it.")
        if self.why == "singular":
            return (f"{self.key} ({places}) gives the count away with a singular noun: a hidden count always "
                    "reads 'fewer than N' with the noun in the plural.")
        if self.why == "of":
            return (f"{self.key} ({places}) sets a hidden count beside its whole, which narrows it: give neither, "
                    "or both only when every count behind them can be published.")
        if self.why == "shown":
            return (f"{self.key} is hidden in one place but printed in another ({places}). Hide it everywhere, "
                    f"or group it with others until it is {policy.threshold} or more.")
        high = "any" if math.isinf(self.high) else f"{self.high:.0f}"
        return (f"{self.key} can be worked out to lie between {self.low:.0f} and {high} from what is published "
                f"({places}); the policy needs a range at least {policy.width_required} wide. Hide another "
                "figure in the same total, or group the small ones (for example months into quarters, small "
                "teams into 'Other teams').")


def _components(keys: list[str], links: list[list[str]]) -> dict[str, str]:
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for group in links:
        first = find(group[0])
        for other in group[1:]:
            parent[find(other)] = first
    return {k: find(k) for k in keys}


def _bounds(ledger: Ledger) -> dict[str, tuple[float, float]]:
    bounds: dict[str, tuple[float, float]] = {}
    for cell in ledger.cells:
        low, high = bounds.get(cell.key, (0.0, math.inf))
        bounds[cell.key] = (max(low, cell.low), min(high, cell.high))
    for relation in ledger.relations:
        for key in (relation.total, *relation.parts):
            bounds.setdefault(key, (0.0, math.inf))
    for ratio in ledger.ratios:
        for key in (ratio.numerator, ratio.denominator):
            bounds.setdefault(key, (0.0, math.inf))
    return bounds


def narrow_cells(ledger: Ledger, width: int, threshold: int = 0) -> list[str]:
    """The keys of the protected cells a reader can narrow below ``width`` (or sees printed)."""
    return [e.key for e in _exposures(ledger, width, public=False, threshold=threshold)]


def audit(ledger: Ledger, policy: DisclosurePolicy) -> list[Exposure]:
    """Every hidden count of ``ledger`` that a reader could work out, with the policy's rule.

    Examples
    --------
    >>> import pandas as pd
    >>> from cfanalysis.publish.disclosure import disclosure_policy
    >>> p = disclosure_policy("public")
    >>> t = p.mask(pd.DataFrame({"n": [3, 7, 8, 18]}, index=["a", "b", "c", "Total"]), name="t", year="2019-20")
    >>> audit(p.ledger, p)
    []
    >>> _ = p.count(10, "complaint", key="t:b:n@2019-20")  # the hidden partner printed in a sentence
    >>> [e.key for e in audit(p.ledger, p)]
    ['t:a:n@2019-20']
    """
    return _exposures(ledger, policy.width_required, public=policy.public, threshold=policy.threshold)


def _exposures(ledger: Ledger, width: int, *, public: bool,  # long: one program per cell
               threshold: int = 0) -> list[Exposure]:
    from scipy.optimize import Bounds, LinearConstraint, milp

    exposures = [Exposure(r.what, 0, 0, (r.where,), "record") for r in ledger.records] if public else []
    protected = sorted({c.key for c in ledger.cells if c.protect})
    if not protected:
        return exposures
    where: dict[str, list[str]] = {}
    for cell in ledger.cells:
        where.setdefault(cell.key, [])
        if cell.where not in where[cell.key]:
            where[cell.key].append(cell.where)
    bounds = _bounds(ledger)
    for key in protected:
        shown = [c.where for c in ledger.cells if c.key == key and c.shown]
        if shown:
            exposures.append(Exposure(key, bounds[key][0], bounds[key][1], tuple(where[key]), "shown"))
    protected = [k for k in protected if not any(e.key == k for e in exposures)]
    keys = sorted(bounds)
    links = [[r.total, *r.parts] for r in ledger.relations] + [[r.numerator, r.denominator] for r in ledger.ratios]
    component = _components(keys, links)
    by_component: dict[str, list[str]] = {}
    for key in keys:
        by_component.setdefault(component[key], []).append(key)
    for key in protected:
        members = by_component[component[key]]
        low, high = _interval(key, members, bounds, ledger, Bounds, LinearConstraint, milp)
        # A cell pinned to a value of the threshold or more is one hidden only to protect another
        # (a reader of a folder cannot tell them apart): learning it gives no small count away.
        if high - low < width and not (threshold and low >= threshold):
            related = [r.where for r in ledger.relations if key in r.parts or key == r.total]
            related += [r.where for r in ledger.ratios if key in (r.numerator, r.denominator)]
            places = tuple(dict.fromkeys(where.get(key, []) + related))
            exposures.append(Exposure(key, low, high, places, "narrow"))
    return exposures


def _interval(key, members, bounds, ledger, Bounds, LinearConstraint, milp) -> tuple[float, float]:
    """The smallest and largest integer value of ``key`` the published relations allow."""
    index = {k: i for i, k in enumerate(members)}
    n = len(members)
    rows, lows, highs = [], [], []
    for relation in ledger.relations:
        if relation.total not in index:
            continue
        row = np.zeros(n)
        for part in relation.parts:
            row[index[part]] += 1
        row[index[relation.total]] -= 1
        rows.append(row)
        lows.append(0.0)
        highs.append(0.0)
    for ratio in ledger.ratios:
        if ratio.numerator not in index:
            continue
        for bound, sign in ((ratio.low, 1), (ratio.high, -1)):  # num - bound * den >= 0 / <= 0
            row = np.zeros(n)
            row[index[ratio.numerator]] += sign
            row[index[ratio.denominator]] -= sign * bound
            rows.append(row)
            lows.append(0.0)
            highs.append(np.inf)
    lower = np.array([bounds[k][0] for k in members])
    upper = np.array([bounds[k][1] for k in members])
    constraints = [LinearConstraint(np.array(rows), lows, highs)] if rows else []
    objective = np.zeros(n)
    objective[index[key]] = 1
    found = []
    for sign in (1, -1):
        result = milp(sign * objective, constraints=constraints, integrality=np.ones(n),
                      bounds=Bounds(lower, upper))
        if result.status == 3 or result.x is None:  # unbounded (or no finite optimum): any value
            found.append(math.inf if sign < 0 else lower[index[key]])
        else:
            found.append(float(round(result.x[index[key]])))
    return found[0], found[1]


# Count nouns in the singular: "fewer than 5 complaint" says the count is 1.
_SINGULAR = {"complaint", "compliment", "action", "case", "enquiry", "reply", "decision", "person", "child",
             "family", "gap", "month", "referral", "representation"}
_FEWER_NOUN = re.compile(r"fewer than (\d+) (?:new |other |more |stage \d )?([a-z]+)\b", re.IGNORECASE)
_FEWER_OF = re.compile(r"fewer than \d+ of (?:the )?\d[\d,]*\b", re.IGNORECASE)


def text_exposures(text: str, where: str) -> list[Exposure]:
    """What the words of a page give away whatever the ledger says: a hidden count with a singular
    noun ("fewer than 5 complaint" is 1), or "fewer than 5 of 6" (a hidden count beside its whole)."""
    found = []
    for match in _FEWER_NOUN.finditer(text):
        if match.group(2).lower() in _SINGULAR:
            found.append(Exposure(f"'{match.group(0)}'", 1, 1, (where,), "singular"))
    for match in _FEWER_OF.finditer(text):
        found.append(Exposure(f"'{match.group(0)}'", 0, 0, (where,), "of"))
    return found


def check_release(ledger: Ledger, policy: DisclosurePolicy, texts: dict[str, str] | None = None) -> None:
    """Refuse a public release that exposes a hidden count (:class:`DisclosureError`, every cell named).

    ``texts`` (where -> the text of a page or file) are read for the words that give a count away.
    """
    if not policy.public and not policy.threshold:
        return
    exposures = audit(ledger, policy)
    for where, text in (texts or {}).items():
        exposures += text_exposures(html.unescape(text), where)
    if exposures:
        lines = [e.message(policy) for e in exposures[:20]]
        more = f"\n... and {len(exposures) - 20} more." if len(exposures) > 20 else ""
        raise DisclosureError(f"Nothing was written: the public release would expose {len(exposures)} hidden "
                              "figure(s).\n- " + "\n- ".join(lines) + more)


# ---------------------------------------------------------------------------------------------
# A folder of public outputs: the CSV tables and summary.json.

# summary.json figure -> the table cell (name, row, column as the year) it equals.
SUMMARY_LINKS = {"complaints_total": ("complaints_by_team", "Total"),
                 "compliments_total": None, "new_complaints_total": None, "ombudsman_enquiries": None}

_SUMMARY_QUANTITY = {"complaints_total": "complaints", "new_complaints_total": "new_complaints",
                     "compliments_total": "compliments", "ombudsman_enquiries": "ombudsman_enquiries"}
_FEWER = re.compile(r"^fewer than (\d+)$")


def _read_value(text: str, where: str, key: str) -> PublishedCell | None:
    text = text.strip()
    if text == "":
        return None
    if text in (CONFIDENTIAL, "not shown") or text.startswith("not shown"):
        return PublishedCell(key, where, 0, math.inf, protect=text == CONFIDENTIAL)
    match = _FEWER.match(text)
    if match:
        return PublishedCell(key, where, 0, int(match.group(1)) - 1, protect=True)
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return PublishedCell(key, where, value, value) if value == int(value) else None


def folder_ledger(out_dir: str | Path, *, skip_years: set[str] | None = None) -> Ledger:
    """What a folder of public outputs publishes, read back from its CSV tables and ``summary.json``
    (internal outputs, whose ``summary.json`` says so, and the years in ``skip_years`` left out)."""
    out_dir = Path(out_dir)
    ledger = Ledger()
    skip = set(skip_years or ()) | _internal_years(out_dir)
    for path in sorted(out_dir.glob("*/tables/*.csv")):
        year, name = path.parent.parent.name, path.stem
        if year in skip:
            continue
        where = f"{year}/tables/{path.name}"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        if not rows:
            continue
        header, body = rows[0], rows[1:]
        if name.startswith("timeliness") or name == "notes":
            continue  # shares and medians beside counts: the counts' relations are not table margins; notes: words
        labels = [r[0] for r in body]
        for record in body:
            for column, text in zip(header[1:], record[1:]):
                cell = _read_value(text.lstrip("'"), where, cell_key(name, record[0], column, year))
                if cell is not None:
                    ledger.cells.append(cell)
        columns = [c for c in header[1:] if c != "Change"]
        if "Total" in labels:
            for column in columns:
                ledger.relations.append(Relation(cell_key(name, "Total", column, year),
                                                 tuple(cell_key(name, r, column, year) for r in labels if r != "Total"),
                                                 where))
        if "Total" in columns:
            for row in labels:
                ledger.relations.append(Relation(cell_key(name, row, "Total", year),
                                                 tuple(cell_key(name, row, c, year) for c in columns if c != "Total"),
                                                 where))
    for path in sorted(out_dir.glob("*/summary.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        year = record.get("financial_year", path.parent.name)
        if year in skip:
            continue
        for name, value in record.items():
            if name in SUMMARY_LINKS:
                cell = _read_value(str(value), f"{year}/summary.json", summary_key(name, year))
                if cell is not None:
                    ledger.cells.append(cell)
                link = SUMMARY_LINKS[name]
                if link is not None:
                    ledger.relations.append(Relation(summary_key(name, year), (cell_key(link[0], link[1], year, year),),
                                                     f"{year}/summary.json"))
    return ledger


def _internal_years(out_dir: Path) -> set[str]:
    years = set()
    for path in out_dir.glob("*/summary.json"):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("audience") != "public":
                years.add(path.parent.name)
        except (OSError, ValueError):
            years.add(path.parent.name)
    return years


def summary_key(name: str, year: str) -> str:
    """The key of a ``summary.json`` figure."""
    return f"{_SUMMARY_QUANTITY.get(name, name)}@{year}"


def audit_folder(out_dir: str | Path, policy: DisclosurePolicy | None = None) -> list[Exposure]:
    """The attacker's audit of a folder of public outputs (its CSV tables and ``summary.json``).

    Every ``[c]`` cell is treated as one to protect (a reader cannot tell a small count from
    one hidden to protect it), so this is stricter than the run's own audit.
    """
    return audit(folder_ledger(out_dir), policy or disclosure_policy("public"))
