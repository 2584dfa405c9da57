"""Small-number suppression: which counts a published table must hide, and how they read.

:func:`suppress` works out, once, which cells to hide (a value and a mask, never text to parse
back); tables, chart labels, sentences and CSVs all show the result through
:meth:`Suppressed.text` and :func:`cfanalysis.words.count`, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cfanalysis import words

__all__ = ["Suppressed", "hide_where_small", "not_shown", "suppress"]


def not_shown(below: int) -> str:
    """What a figure worked out from a hidden count (a share, a median) shows instead."""
    return f"not shown (fewer than {below})"


@dataclass(frozen=True, eq=False)
class Suppressed:
    """A count table with the cells to hide.

    ``small`` marks counts below ``below`` (shown as "fewer than N"); ``hidden`` marks those and
    the larger counts hidden only so that a total cannot reveal a small one ("not shown").
    Both masks have the table's shape; non-numeric columns are never hidden.
    """

    values: pd.DataFrame
    small: pd.DataFrame
    hidden: pd.DataFrame
    below: int

    def text(self) -> pd.DataFrame:
        """The table as published: counts with thousands separators, or the words that hide them."""
        out = self.values.copy().astype(object)
        for column in self.values.columns:
            if not pd.api.types.is_numeric_dtype(self.values[column]):
                continue
            out[column] = [self._cell(value, small, hidden) for value, small, hidden in
                           zip(self.values[column], self.small[column], self.hidden[column])]
        return out

    def _cell(self, value: float, small: bool, hidden: bool) -> str:
        if small:
            return words.count(value, self.below)
        if hidden:
            return "not shown"
        return "" if pd.isna(value) else f"{value:,.0f}"

    def without_row(self, label: object) -> Suppressed:
        """The same table without one row (a total drawn as a bar would mislead), masks kept."""
        keep = self.values.index != label
        return Suppressed(self.values[keep], self.small[keep], self.hidden[keep], self.below)


def suppress(table: pd.DataFrame, below: int, *, total_row: str | None = None,
             total_column: str | None = None) -> Suppressed:
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
        nothing changes.

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
        _protect_totals(values, hidden, _lines(table, numeric, total_row, total_column))
    return Suppressed(table, _mask(table, numeric, small), _mask(table, numeric, hidden), below)


def _lines(table: pd.DataFrame, numeric: list, total_row, total_column) -> list[list[tuple[int, int]]]:
    """The cells of each row and column that add up to a total."""
    inner_rows = [i for i, label in enumerate(table.index) if label != total_row]
    inner_cols = [j for j, name in enumerate(numeric) if name != total_column]
    lines = []
    if total_column in numeric:
        lines += [[(i, j) for j in inner_cols] for i in range(len(table))]
    if total_row is not None and total_row in table.index:
        lines += [[(i, j) for i in inner_rows] for j in range(len(numeric))]
    return lines


def _protect_totals(values: np.ndarray, hidden: np.ndarray, lines: list[list[tuple[int, int]]]) -> None:
    """Secondary suppression: hide the next smallest cell of any line with one hidden cell."""
    changed = True
    while changed:
        changed = False
        for cells in lines:
            if sum(hidden[cell] for cell in cells) == 1:
                candidates = [cell for cell in cells if not hidden[cell]]
                if candidates:
                    hidden[min(candidates, key=lambda cell: values[cell])] = True
                    changed = True


def _mask(table: pd.DataFrame, numeric: list, flags: np.ndarray) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for j, name in enumerate(numeric):
        mask[name] = flags[:, j]
    return mask


def hide_where_small(table: pd.DataFrame, small_rows: pd.Series | np.ndarray, columns: list[str],
                     below: int) -> pd.DataFrame:
    """Figures worked out from small counts (shares, medians) replaced by :func:`not_shown` words."""
    out = table.copy()
    for column in columns:
        out[column] = out[column].astype(object)
    out.loc[np.asarray(small_rows, dtype=bool), columns] = not_shown(below)
    return out


