"""Numbers in words: how every report writes p-values, ratios, percentages and counts.

One place for the wording, so a p-value or a ratio reads the same in every sentence, table and
chart of every report. Pure functions of their arguments; nothing here computes a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "capitalised",
    "chance_frequency",
    "count",
    "joined",
    "level",
    "p_value",
    "percent",
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


def level(confidence_level: float) -> str:
    """A confidence level as readers know it: ``0.95`` -> ``"95%"``."""
    return f"{confidence_level:.0%}"


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


def capitalised(text: str) -> str:
    """The text with its first letter in capitals (the rest kept as written)."""
    return text[:1].upper() + text[1:]


def joined(items: Sequence[str]) -> str:
    """Items as a list in prose: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
