"""Numbers in words: how every report writes p-values, ratios, percentages and counts.

One place for the wording, so a p-value or a ratio reads the same in every sentence, table and
chart of every report. Pure functions of their arguments; nothing here computes a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cfanalysis.labels import WIDE_INTERVAL, capitalised, interval_is_wide, level

__all__ = [
    "EVIDENCE_BANDS",
    "evidence_bands_words",
    "WIDE_INTERVAL",
    "capitalised",
    "chance_frequency",
    "count",
    "evidence",
    "interval_is_wide",
    "strength",
    "times",
    "times_with_interval",
    "joined",
    "level",
    "p_value",
    "percent",
    "possessive",
    "ratio",
    "ratio_change",
]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def p_value(p: float | None) -> str:
    """A p-value to three places, never "0.000"; empty when there is none.

    >>> p_value(0.02317), p_value(0.0002), p_value(float("nan"))
    ('0.023', '< 0.001', '')
    """
    if _missing(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def ratio(value: float | None) -> str:
    """A ratio to two places; "infinity" for a rise from none; empty when there is none.

    >>> ratio(2.5), ratio(math.inf), ratio(None)
    ('2.50', 'infinity', '')
    """
    if _missing(value):
        return ""
    return "infinity" if math.isinf(value) else f"{value:.2f}"


def percent(value: float | None) -> str:
    """A share as a whole percentage; empty when there is none.

    >>> percent(0.0706), percent(None)
    ('7%', '')
    """
    return "" if _missing(value) else f"{value:.0%}"


def count(n: int | float, suppress_below: int = 0) -> str:
    """A count as published: thousands separated, or "fewer than N" below the threshold.

    >>> count(1234), count(3, suppress_below=5)
    ('1,234', 'fewer than 5')
    """
    if suppress_below and n < suppress_below:
        return f"fewer than {suppress_below}"
    return f"{int(n):,}"


def ratio_change(value: float) -> str:
    """A rate ratio as a change: "25% higher", "up from none".

    >>> ratio_change(1.25), ratio_change(0.5), ratio_change(0.0)
    ('25% higher', '50% lower', 'down to none')
    """
    if math.isinf(value):
        return "up from none"
    if value == 0:
        return "down to none"
    if value >= 1:
        return f"{value - 1:.0%} higher"
    return f"{1 - value:.0%} lower"


def chance_frequency(p: float) -> str:
    """How often a difference this large arises by chance alone, in words.

    >>> chance_frequency(0.023), chance_frequency(0.004)
    ('about 2 times in 100', 'about 4 times in 1,000')
    """
    if p < 0.001:
        return "less than once in 1,000 times"
    if p < 0.01:
        return f"about {round(p * 1000)} times in 1,000"
    return f"about {round(p * 100)} times in 100"


def possessive(name: str) -> str:
    """"Early Help's", but "Children with Disabilities'" (a name ending in s takes only the apostrophe).

    >>> possessive("Early Help"), possessive("Children with Disabilities")
    ("Early Help's", "Children with Disabilities'")
    """
    return f"{name}'" if str(name).endswith("s") else f"{name}'s"

def joined(items: Sequence[str]) -> str:
    """Items as a list in prose: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Strength of evidence in graded bands (DOMAIN.md section 5): (p below, words). No band edge sits
# at 0.05, so p = 0.049 and p = 0.051 read the same ("some evidence"), with the same hedging.
EVIDENCE_BANDS = ((0.001, "very strong evidence"), (0.01, "strong evidence"), (0.03, "moderate evidence"),
                  (0.1, "some evidence"), (0.3, "weak evidence"), (math.inf, "little or no evidence"))
HEDGE_FROM = 0.01  # at and above this p, chance is said not to be ruled out (one rule, no edge at 0.05)


def evidence_bands_words() -> str:
    """The bands of :data:`EVIDENCE_BANDS` in words, for a report's methods note.

    >>> evidence_bands_words()[:40]
    'below 0.001 very strong, below 0.01 stro'
    """
    named = [f"below {limit:g} {label.removesuffix(' evidence')}" for limit, label in EVIDENCE_BANDS
             if math.isfinite(limit)]
    return ", ".join(named) + f", otherwise {EVIDENCE_BANDS[-1][1]}"


def strength(p: float) -> str:
    """The strength of evidence a p-value gives, in graded bands with no edge at 0.05.

    >>> strength(0.0004), strength(0.023), strength(0.049), strength(0.051), strength(0.4)
    ('very strong evidence', 'moderate evidence', 'some evidence', 'some evidence', 'little or no evidence')
    """
    if _missing(p):
        return "no evidence either way"
    return next(words for below, words in EVIDENCE_BANDS if p < below)


def times(value: float) -> str:
    """A rate ratio as a size: "about 2.5 times", "about 47% higher", "about 30% lower".

    >>> times(2.5), times(1.47), times(0.7), times(1.02), times(math.inf)
    ('about 2.5 times', 'about 47% higher', 'about 30% lower', 'about the same', 'up from none')
    """
    if _missing(value):
        return ""
    if math.isinf(value) or value == 0:
        return ratio_change(value)
    if abs(value - 1) < 0.05:
        return "about the same"
    if value >= 1.75:
        return f"about {value:.1f} times"
    return f"about {ratio_change(value)}"


def _bound(value: float) -> str:
    return "no upper limit" if math.isinf(value) else f"{value:.2f}" if value < 1 else f"{value:.1f}"


def times_with_interval(value: float, low: float, high: float, confidence_level: float = 0.95) -> str:
    """The size of a change and its interval: "about 2.5 times (plausibly between 1.1 and 5.6 times)".

    >>> times_with_interval(2.5, 1.12, 5.56)
    'about 2.5 times the earlier rate (95% interval: plausibly between 1.1 and 5.6 times)'
    >>> times_with_interval(math.inf, 1.3, math.inf)
    'up from none (95% interval: plausibly 1.3 times the earlier rate or more)'
    """
    size = times(value)
    if size.startswith("about") and "times" in size:
        size += " the earlier rate"
    if math.isinf(high):
        return f"{size} ({level(confidence_level)} interval: plausibly {_bound(low)} times the earlier rate or more)"
    return (f"{size} ({level(confidence_level)} interval: plausibly between {_bound(low)} and "
            f"{_bound(high)} times)")


def evidence(p: float, *, wide: bool, what: str = "a real change", basis: str = "",
             includes_no_change: bool | None = None) -> str:
    """The strength of evidence in words, with the p-value and what it rests on.

    Never "unlikely to be chance" (that reads p as the probability of chance). From p = 0.01 up,
    chance is said not to be ruled out, the same at 0.049 as at 0.051. The words follow the
    interval too: "the data cannot tell" is never said of an interval that excludes no change
    (``includes_no_change``; when not given, only the interval's width is spoken of).

    >>> evidence(0.023, wide=True, includes_no_change=False)[:62]
    'moderate evidence of a real change (p = 0.023): chance cannot '
    >>> evidence(0.049, wide=True) == evidence(0.051, wide=True).replace("0.051", "0.049")
    True
    >>> "cannot tell" in evidence(0.08, wide=True, includes_no_change=False)
    False
    """
    detail = f"p = {p_value(p)}" + (f", {basis}" if basis else "")
    text = f"{strength(p)} of {what} ({detail})"
    if _missing(p) or p < HEDGE_FROM:
        return text
    text += ": chance cannot be ruled out"
    if includes_no_change is None:  # the caller did not say where the interval lies
        text += (", and the interval is wide, so the size of any change is uncertain" if wide else
                 ", though the interval shows how large a change the data still allow")
    elif includes_no_change and wide:
        text += (", and the interval is wide and still includes the earlier rate, so the data cannot tell "
                 "how large any change is")
    elif includes_no_change:
        text += ", and the interval still includes the earlier rate"
    else:
        text += ", though the interval excludes the earlier rate"
    return text
