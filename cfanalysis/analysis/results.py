"""What every result object shares: a table and a notebook view; argument checks.

Results are frozen dataclasses that inherit :class:`Result`: ``to_frame()`` gives their numbers
as a table (unrounded) and ``_repr_html_()`` shows it in a notebook. Intervals are always
``ci_low``/``ci_high``. No result composes a sentence: the words are written in ``publish/``
(``cf.describe(result, policy=...)``), where the disclosure policy is in hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

__all__ = ["Result", "check_choice", "share_of"]


class Result:
    """Mixin for result dataclasses; subclasses define ``to_frame`` (their words: ``cf.describe``)."""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def share_of(part: float, whole: float) -> float:
    """``part / whole``, or NaN when there is nothing to divide by (no complaints, say)."""
    return part / whole if whole else math.nan


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ValueError naming the allowed values when ``value`` is not one of them.

    >>> check_choice("method", "etest", ("etest", "exact-cond"))
    >>> check_choice("method", "z", ("etest",))
    Traceback (most recent call last):
    ...
    ValueError: method='z' is not allowed; use one of 'etest'.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; use one of {', '.join(map(repr, allowed))}.")
