"""Small-count suppression: primary rule, complementary protection checked by brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.engines.hotspots import suppress


def consistent_values(t, cells: list[list[int]]) -> dict[tuple[int, int], set[int]]:
    """Every value each suppressed interior cell can take in some table matching what is published.

    Brute force over all non-negative integer fillings of the hidden cells, each up to the largest of
    the published totals and the true grand total.
    """
    r, c = len(cells), len(cells[0])
    hidden = [(i, j) for i in range(r) for j in range(c) if t.cells[i][j] is None]
    if not hidden:
        return {}
    base = np.array(cells)
    known = [v for v in (*t.row_totals, *t.col_totals, t.grand_total) if v is not None]
    bound = max([*known, int(base.sum()), 1])
    grids = np.meshgrid(*[np.arange(bound + 1)] * len(hidden), indexing="ij")
    fills = np.stack([g.ravel() for g in grids], axis=1)
    trial = np.repeat(base[None, :, :], len(fills), axis=0)
    for k, (i, j) in enumerate(hidden):
        trial[:, i, j] = fills[:, k]
    ok = np.ones(len(fills), dtype=bool)
    for i, tot in enumerate(t.row_totals):
        if tot is not None:
            ok &= trial[:, i, :].sum(axis=1) == tot
    for j, tot in enumerate(t.col_totals):
        if tot is not None:
            ok &= trial[:, :, j].sum(axis=1) == tot
    if t.grand_total is not None:
        ok &= trial.sum(axis=(1, 2)) == t.grand_total
    return {e: set(fills[ok, k].tolist()) for k, e in enumerate(hidden)}


def test_worked_example_uses_a_rectangle() -> None:
    t = suppress(
        [[3, 10, 12], [20, 30, 7], [15, 2, 40]], row_labels=["a", "b", "c"], col_labels=["x", "y", "z"]
    )
    # Primary 3 and 2; one rectangle (0,0),(0,1),(2,0),(2,1) protects both.
    assert t.cells == ((None, None, 12), (20, 30, 7), (None, None, 40))
    assert t.row_totals == (25, 57, 57) and t.col_totals == (38, 42, 59) and t.grand_total == 139
    assert t.primary == {(0, 0), (2, 1)} and t.complementary == {(0, 1), (2, 0)}
    assert t.to_rows()[1] == ["a", "*", "*", "12", "25"]


def test_one_way_table_with_total() -> None:
    t = suppress({"东城区": 3, "西城区": 10, "朝阳区": 12, "海淀区": 0})
    assert t.cells[0] == (None, None, 12, 0)  # 3 alone would be 25 - 12 - 10 - 0
    assert t.row_totals == (25,)


def test_small_total_is_suppressed_with_a_partner() -> None:
    t = suppress([[1, 2], [10, 20]])
    assert t.row_totals[0] is None and all(v is None for v in t.cells[0])
    seen = consistent_values(t, [[1, 2], [10, 20]])
    assert all(len(v) >= 2 for v in seen.values())


def test_rejects_bad_cells() -> None:
    with pytest.raises(ValueError, match="row 2, column 1"):
        suppress([[1, 2], [-1, 3]])
    with pytest.raises(ValueError, match="row 2"):
        suppress([[1, 2], [3]])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 7), min_size=2, max_size=3), min_size=2, max_size=2).filter(
        lambda rows: len({len(r) for r in rows}) == 1 and sum(map(sum, rows)) <= 12
    )
)
def test_no_small_count_is_published_or_recoverable(cells: list[list[int]]) -> None:
    t = suppress(cells)
    published = (
        [v for row in t.cells for v in row] + list(t.row_totals) + list(t.col_totals) + [t.grand_total]
    )
    assert all(v is None or v == 0 or v >= 5 for v in published)
    for (i, j), values in consistent_values(t, cells).items():
        assert cells[i][j] in values
        assert len(values) >= 2, f"cell {(i, j)} of {cells} recoverable"
