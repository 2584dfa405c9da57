"""Checks on a run's published files: small counts, analyst instructions, machine paths.

Used by the slow tests of the public audience; each returns a list of "where: what" problems.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

SMALL = {"1", "2", "3", "4"}
NOT_COUNTS = {"Per", "Days since the last"}  # sizes and durations, not counts of complaints or people
# Counts the disclosure policy publishes in full (cfanalysis.publish.disclosure.KINDS): the
# Ombudsman's own decision counts and the service's actions are not counts of people.
NOT_PEOPLE = ("Ombudsman", "action")
# A count of one to four in words: "3 complaints", "with 2.", "Duty Team 4;" (alt text totals).
SMALL_IN_WORDS = re.compile(r"(?<!Stage )(?<![\d.,:/-])[1-4] (new |more |fewer )?(complaints?|compliments?|enquir\w+|"
                            r"decisions?|cases?|actions?|replies|responses?|escalations?|upheld|"
                            r"were|was|of \d)\b|\bwith [1-4]\.|\b(Team|Care|Service|Services) [1-4][;.]")
INSTRUCTIONS = ("suppress_below", "For publication, run", "--param", "Run All Cells", "papermill",
                "cf.", "data_dir")
MACHINE_PATH = re.compile(r"(/(home|tmp|work|Users|var|mnt|opt)/|[A-Za-z]:\\\\|file://)")


class _Text(HTMLParser):
    """Table cells, image alt texts and the rest of the text of a page (provenance left out)."""

    def __init__(self):
        super().__init__()
        self.cells, self.alts, self.text = [], [], []
        self._cell = None
        self._heads, self._column, self._in_head = [], 0, False
        self._skip = 0
        self._caption, self._row = "", ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("footer", "style", "title"):
            self._skip += 1
        if tag == "img" and attrs.get("alt"):
            self.alts.append(attrs["alt"])
        if tag == "thead":
            self._in_head, self._heads = True, []
        if tag == "tr":
            self._column, self._row = 0, ""
        if tag == "caption":
            self._caption = ""
            self._cell = []
        if tag in ("td", "th") and not self._skip:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("footer", "style", "title"):
            self._skip -= 1
        if tag == "thead":
            self._in_head = False
        if tag == "caption" and self._cell is not None:
            self._caption, self._cell = "".join(self._cell), None
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            head = self._heads[self._column] if self._column < len(self._heads) else ""
            if self._column == 0 and not self._in_head:
                self._row = text
            if self._in_head:
                self._heads.append(text)
            elif head not in NOT_COUNTS and not any(w in f"{self._caption} {head} {self._row}" for w in NOT_PEOPLE):
                self.cells.append(text)
            self._column += 1
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self.text.append(data)


def small_counts(out: Path) -> list[str]:
    """Every count from 1 to 4 in a table cell, alt text, sentence or CSV cell of the run."""
    problems = []
    for path in sorted(p for p in out.rglob("*.html") if "logs" not in p.parts):
        page = _Text()
        page.feed(path.read_text(encoding="utf-8"))
        where = path.relative_to(out)
        problems += [f"{where}: table cell {cell!r}" for cell in page.cells if cell.replace(",", "") in SMALL]
        problems += [f"{where}: alt text {m.group(0)!r}" for alt in page.alts for m in SMALL_IN_WORDS.finditer(alt)]
        sentences = page.text  # one paragraph (text node) at a time
        problems += [f"{where}: sentence {m.group(0)!r}" for sentence in sentences
                     if not any(w in sentence for w in NOT_PEOPLE) for m in SMALL_IN_WORDS.finditer(sentence)]
    for path in sorted(p for p in out.rglob("*.csv") if "ombudsman" not in p.name):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        problems += [f"{path.relative_to(out)}: CSV cell {cell!r}" for row in rows[1:] for cell in row[1:]
                     if cell.strip() in SMALL]
    return problems


def instructions_and_paths(out: Path) -> list[str]:
    """Analyst instructions in a page's text, and machine paths anywhere but the logs."""
    problems = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and "logs" not in p.parts):
        text = path.read_text(encoding="utf-8")
        problems += [f"{path.relative_to(out)}: machine path {m.group(0)!r}" for m in MACHINE_PATH.finditer(text)]
        if path.suffix == ".html":
            page = _Text()
            page.feed(text)
            words = " ".join(page.text + page.cells + page.alts)
            problems += [f"{path.relative_to(out)}: instruction {w!r}" for w in INSTRUCTIONS if w in words]
    return problems
