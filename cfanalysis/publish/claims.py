"""The officer's commentary checked against the figures, before publishing.

A sentence of the commentary that claims a rise, a fall or a significant change is set beside
the figure it is about (new complaints, compliments, a team's new complaints, Stage 1 to 2
escalation). It is flagged when the figures moved the other way, when they are about the same
(within 20%) and the evidence is little or none, or when it says "significant" and the evidence
is less than moderate. The flags are for the analyst: the run lists them; the report keeps the
officer's words as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cfanalysis import words
from cfanalysis.analysis.counts import new_complaints
from cfanalysis.analysis.figures import annual_figures
from cfanalysis.analysis.teams import all_team_tests
from cfanalysis.analysis.years import compare_years
from cfanalysis.data.loader import Dataset
from cfanalysis.publish.story import possessive

__all__ = ["CommentaryFlag", "check_claims", "claims_report"]

RISE = re.compile(r"\b(rose|rise[sn]?|rising|increas\w*|higher|grew|grown|growth|went up|more than last)\b", re.I)
FALL = re.compile(r"\b(fell|fall(s|en|ing)?|decreas\w*|lower|fewer|reduc\w*|dropped|declin\w*|went down)\b", re.I)
SIGNIFICANT = re.compile(r"\bsignifican(t|tly|ce)\b", re.I)
CLAUSES = re.compile(r",\s*(?:and|but|while|whereas)\s+|;\s*|\s+but\s+|\s+while\s+", re.I)
SMALL_CHANGE = 0.2  # within 20% either way, with little or no evidence, a rise or fall is not supported


@dataclass(frozen=True)
class CommentaryFlag:
    """One sentence of the commentary that the figures do not support, and what they say."""

    financial_year: str
    section: str
    sentence: str
    figures_say: str

    def line(self) -> str:
        return (f"{self.financial_year}, section '{self.section}': \"{self.sentence}\" The figures say: "
                f"{self.figures_say}")


def _sentences(text: str) -> list[str]:
    plain = re.sub(r"[*_`#]", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))
    plain = " ".join(line.lstrip("- ").strip() for line in plain.splitlines())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", plain) if s.strip()]


def _subjects(data: Dataset, financial_year: str) -> dict[str, tuple[int, int, float, float, str]]:
    """Subject -> (count, baseline count, ratio, p-value, what it is), for the figures a claim can be about."""
    years = compare_years(data.complaints, financial_year)
    if not years.has_baseline:
        return {}
    f = annual_figures(data, years)
    subjects = {}
    if f.complaints_change is not None:
        c = f.complaints_change
        subjects["complaints"] = (f.now.new_complaints, f.before.new_complaints, c.ratio, c.pvalue, "new complaints")
    if f.compliments_change is not None:
        c = f.compliments_change
        subjects["compliments"] = (f.now.compliments, f.before.compliments, c.ratio, c.pvalue, "compliments")
    e = f.escalation_1_2
    if e.trials and e.baseline_trials:
        ratio = e.share / e.baseline_share if e.baseline_share else float("inf")
        subjects["escalat"] = (e.successes, e.baseline_successes, ratio, e.pvalue, "Stage 1 to Stage 2 escalation")
    teams = all_team_tests(new_complaints(data.complaints), years)
    for _, row in teams.iterrows():
        subjects[f"team:{row['team']}"] = (int(row["count"]), int(row["baseline_count"]), float(row["ratio"]),
                                           float(row["adjusted_pvalue"]), f"{possessive(row['team'])} new complaints")
    return subjects


def _about(sentence: str, subjects: dict) -> str | None:
    lower = sentence.lower()
    teams = [k for k in subjects if k.startswith("team:") and k[5:].lower() in lower]
    if teams:
        return max(teams, key=len)
    for key in ("compliments", "escalat"):
        if key in subjects and key[:-1] in lower:
            return key
    return "complaints" if "complaint" in lower and "complaints" in subjects else None


def _unsupported(sentence: str, figure: tuple) -> str:
    """Why the figures do not support the sentence ("" when they do)."""
    now, before, ratio, pvalue, what = figure
    band = words.strength(pvalue)
    said = f"{what} {before:,} then {now:,} ({words.times(ratio)}; {band} of a real change)"
    rise, fall = bool(RISE.search(sentence)), bool(FALL.search(sentence))
    small = abs(ratio - 1) < SMALL_CHANGE and pvalue >= 0.1
    if rise and not fall and (now < before or small):
        return said + ", so a rise is not supported."
    if fall and not rise and (now > before or small):
        return said + ", so a fall is not supported."
    if SIGNIFICANT.search(sentence) and pvalue >= 0.05:
        return said + ", so 'significant' overstates it."
    return ""


def check_claims(data: Dataset, financial_year: str) -> list[CommentaryFlag]:
    """The sentences of a year's commentary that claim a change its figures do not support."""
    commentary = (data.commentary or {}).get(financial_year) or {}
    if not commentary:
        return []
    subjects = _subjects(data, financial_year)
    flags = []
    for section, text in commentary.items():
        for sentence in _sentences(text):
            for clause in CLAUSES.split(sentence):  # "complaints fell, and compliments rose": two claims
                if not (RISE.search(clause) or FALL.search(clause) or SIGNIFICANT.search(clause)):
                    continue
                key = _about(clause, subjects)
                why = _unsupported(clause, subjects[key]) if key else ""
                if why:
                    flags.append(CommentaryFlag(financial_year, section, sentence, why))
    return flags


def claims_report(data: Dataset, years: list[str]) -> list[str]:
    """Lines for the run's output: each flagged sentence, or nothing when every claim is supported."""
    flags = [flag for year in years for flag in check_claims(data, year)]
    if not flags:
        return []
    many = len(flags) != 1
    return ([f"Check the commentary before publishing: {len(flags)} sentence{'s' if many else ''} "
             f"claim{'' if many else 's'} a change the figures do not support (the reports keep the words as "
             "written):"]
            + [f"  - {flag.line()}" for flag in flags])
