"""Labels for tables, and when an interval is too wide to give a size: no counts, no sentences.

``analysis/`` builds tables whose column headings name the confidence level ("95% CI low") and
results that say whether their interval is wide; the sentences about them are written in
``publish/`` through :mod:`cfanalysis.words`, which re-exports these names.
"""

from __future__ import annotations

import math

__all__ = ["WIDE_INTERVAL", "capitalised", "interval_is_wide", "level"]

WIDE_INTERVAL = 2.5  # an interval whose upper end is this many times its lower end is wide


def level(confidence_level: float) -> str:
    """A confidence level as readers know it: ``0.95`` -> ``"95%"``, ``0.99167`` -> ``"99.2%"``."""
    whole = round(confidence_level * 100)
    return f"{confidence_level:.0%}" if abs(whole - confidence_level * 100) < 1e-9 else f"{confidence_level:.1%}"


def capitalised(text: str) -> str:
    """The text with its first letter in capitals (the rest kept as written)."""
    return text[:1].upper() + text[1:]


def interval_is_wide(low: float, high: float) -> bool:
    """True when a ratio's interval spans more than a factor of 2.5 (or reaches zero or infinity)."""
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)) or \
            (isinstance(high, float) and math.isnan(high)) or low <= 0 or math.isinf(high):
        return True
    return high / low > WIDE_INTERVAL
