"""Small-count suppression for anything that leaves the platform.

Rule: counts from 1 to ``threshold - 1`` (default 1-4) are suppressed (primary suppression). Totals
are part of the table: a total that is itself a small count is suppressed too. Then complementary
suppression: as long as any suppressed entry can be pinned to a single value from what is still
published (row, column and grand totals, with every count non-negative), another entry in its row
or column is suppressed, the smallest non-zero one first. "Pinned" is checked exactly with two linear
programmes per suppressed entry (its minimum and maximum subject to the published margins); for
two-way tables with margins the constraint matrix is totally unimodular, so the bounds are integers
and a gap between them means at least two possible values.

Zeros are published (a zero is not a small count of people). Primary and complementary cells carry
the same marker, so a reader cannot tell which is which. Hierarchical tables (counties within
provinces published side by side) need the table to be given whole; this helper sees one two-way
table at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

MARKER = "*"


@dataclass(frozen=True)
class SuppressedTable:
    """A publishable table: ``None`` marks a suppressed entry. Totals follow the same rule."""

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    grand_total: int | None
    primary: frozenset[tuple[int, int]]
    complementary: frozenset[tuple[int, int]]
    threshold: int

    def to_rows(self, marker: str = MARKER, total_label: str = "合计") -> list[list[str]]:
        """Header row plus one row per label and a totals row, ready for CSV."""

        def fmt(v: int | None) -> str:
            return marker if v is None else str(v)

        rows = [["", *self.col_labels, total_label]]
        for label, cells, tot in zip(self.row_labels, self.cells, self.row_totals, strict=True):
            rows.append([label, *map(fmt, cells), fmt(tot)])
        rows.append([total_label, *map(fmt, self.col_totals), fmt(self.grand_total)])
        return rows


def _extended(cells: np.ndarray) -> np.ndarray:
    r, c = cells.shape
    ext = np.zeros((r + 1, c + 1), dtype=np.int64)
    ext[:r, :c] = cells
    ext[:r, c] = cells.sum(axis=1)
    ext[r, :c] = cells.sum(axis=0)
    ext[r, c] = cells.sum()
    return ext


def _equations(ext: np.ndarray, hidden: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """A x = b over the hidden entries, from every row and column identity of the extended table."""
    rr, cc = ext.shape
    pos = {e: k for k, e in enumerate(hidden)}
    rows_a: list[np.ndarray] = []
    rows_b: list[float] = []
    lines = [[(i, j) for j in range(cc)] for i in range(rr)] + [
        [(i, j) for i in range(rr)] for j in range(cc)
    ]
    for line in lines:
        # The last entry of each line is its total: sum(parts) - total = 0.
        a = np.zeros(len(hidden))
        b = 0.0
        for n, e in enumerate(line):
            sign = -1.0 if n == len(line) - 1 else 1.0
            if e in pos:
                a[pos[e]] += sign
            else:
                b -= sign * ext[e]
        if np.any(a):
            rows_a.append(a)
            rows_b.append(b)
    if not rows_a:
        return np.zeros((0, len(hidden))), np.zeros(0)
    return np.array(rows_a), np.array(rows_b)


def feasible_ranges(
    ext: np.ndarray, hidden: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[float, float]]:
    """For each hidden entry, its smallest and largest value consistent with the published ones."""
    order = sorted(hidden)
    a, b = _equations(ext, order)
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for k, e in enumerate(order):
        if a.shape[0] == 0:
            out[e] = (0.0, float("inf"))
            continue
        c = np.zeros(len(order))
        c[k] = 1.0
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        low = float(lo.fun) if lo.status == 0 else 0.0
        high = float("inf") if hi.status == 3 else (-float(hi.fun) if hi.status == 0 else float("inf"))
        out[e] = (low, high)
    return out


def suppress(
    table: Sequence[Sequence[int]] | Mapping[str, int],
    *,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    threshold: int = 5,
) -> SuppressedTable:
    """Suppress small counts and enough other entries that none can be recovered from the totals.

    ``table`` is a two-way table of counts (rows of equal length) or a ``{label: count}`` mapping,
    which is treated as a single row. Row, column and grand totals are published unless suppressed.
    """
    if isinstance(table, Mapping):
        col_labels = list(table) if col_labels is None else col_labels
        data = [[table[k] for k in table]]
        row_labels = row_labels or [""]
    else:
        data = [list(r) for r in table]
    if not data or not data[0]:
        raise ValueError("table is empty")
    width = len(data[0])
    for i, row in enumerate(data):
        if len(row) != width:
            raise ValueError(f"row {i + 1}: {len(row)} cells, expected {width}")
        for j, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(
                    f"row {i + 1}, column {j + 1}: count must be a non-negative integer, got {v!r}"
                )
    cells = np.array(data, dtype=np.int64)
    r, c = cells.shape
    rl = tuple(row_labels) if row_labels is not None else tuple(str(i + 1) for i in range(r))
    cl = tuple(col_labels) if col_labels is not None else tuple(str(j + 1) for j in range(c))
    if len(rl) != r or len(cl) != c:
        raise ValueError("labels do not match the table shape")
    ext = _extended(cells)

    def aliases(e: tuple[int, int]) -> set[tuple[int, int]]:
        # In a one-row (one-column) table each column (row) total is the same number as its cell.
        out = {e}
        if r == 1:
            out |= {(ii, jj) for (ii, jj) in list(out) for ii in (0, 1)}
        if c == 1:
            out |= {(ii, jj) for (ii, jj) in list(out) for jj in (0, 1)}
        return out

    primary: set[tuple[int, int]] = set()
    for i in range(r + 1):
        for j in range(c + 1):
            if 0 < ext[i, j] < threshold:
                primary |= aliases((i, j))
    hidden = set(primary)
    while hidden:
        ranges = feasible_ranges(ext, hidden)
        exposed = sorted(e for e, (lo, hi) in ranges.items() if hi - lo < 0.5)
        if not exposed:
            break
        rows_hit = {e[0] for e in exposed}
        cols_hit = {e[1] for e in exposed}
        candidates = [
            (a, b)
            for a in range(r + 1)
            for b in range(c + 1)
            if (a, b) not in hidden and (a in rows_hit or b in cols_hit)
        ] or [(a, b) for a in range(r + 1) for b in range(c + 1) if (a, b) not in hidden]
        if not candidates:
            break
        # Prefer an entry that shares lines with many exposed ones (one complement can protect two
        # primaries), then interior cells over totals, non-zero over zero, then the smallest.
        best = min(
            candidates,
            key=lambda e: (
                -((e[0] in rows_hit) + (e[1] in cols_hit)),
                e[0] == r or e[1] == c,
                ext[e] == 0,
                ext[e],
                e,
            ),
        )
        hidden |= aliases(best)

    def val(e: tuple[int, int]) -> int | None:
        return None if e in hidden else int(ext[e])

    return SuppressedTable(
        row_labels=rl,
        col_labels=cl,
        cells=tuple(tuple(val((i, j)) for j in range(c)) for i in range(r)),
        row_totals=tuple(val((i, c)) for i in range(r)),
        col_totals=tuple(val((r, j)) for j in range(c)),
        grand_total=val((r, c)),
        primary=frozenset(primary),
        complementary=frozenset(hidden - primary),
        threshold=threshold,
    )
