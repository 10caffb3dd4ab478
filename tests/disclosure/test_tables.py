"""Secondary suppression of two-way count tables with margins, checked by an independent LP.

The finding (issue 10, item 5): with the old rule ("no line holds exactly one
suppressed cell") some random count tables left a suppressed cell exactly
derivable from the published cells. ``old_rule`` below is that rule, written
out again here; ``bounds`` is an LP written here too, from the published table
alone (every cell a variable, published cells fixed, every row and column adding
up, counts non-negative), separately from the library's audit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from insaf.disclosure import Cell, DisclosureRules, control

RULES = DisclosureRules(min_count=5, protection=0.1, cv_caution=0.165, cv_suppress=0.333)
MARGIN = "T"


def with_margins(inner: np.ndarray) -> np.ndarray:
    """The table with a last row and column of totals (grand total bottom right)."""
    rows, cols = inner.shape
    full = np.zeros((rows + 1, cols + 1))
    full[:rows, :cols] = inner
    full[:rows, cols] = inner.sum(axis=1)
    full[rows, :cols] = inner.sum(axis=0)
    full[rows, cols] = inner.sum()
    return full


def cells_of(full: np.ndarray) -> list[Cell]:
    """Row i and column j of the inner table are categories; the margins have fewer dimensions."""
    rows, cols = full.shape[0] - 1, full.shape[1] - 1
    out: list[Cell] = []
    for i in range(rows + 1):
        for j in range(cols + 1):
            dims = []
            if i < rows:
                dims.append(("row", f"r{i}"))
            if j < cols:
                dims.append(("col", f"c{j}"))
            value = float(full[i, j])
            out.append(Cell(disaggregation=tuple(dims), n=int(value), amounts=(value,)))
    return out


def library_mask(full: np.ndarray, rules: DisclosureRules = RULES) -> np.ndarray:
    decided = control(cells_of(full), rules)
    return np.array([s.suppressed for s in decided.statuses]).reshape(full.shape)


def old_rule(full: np.ndarray, min_count: int) -> np.ndarray:
    """The observatory's former secondary suppression: until no row or column (margins
    included) holds exactly one suppressed cell, suppress the smallest published inner
    cell of such a line (or its total if every inner cell is suppressed)."""
    hide = full < min_count
    rows, cols = full.shape[0] - 1, full.shape[1] - 1
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hide[c] for c in line) != 1:
                continue
            inner = [c for c in line[:-1] if not hide[c]] or [line[-1]]
            pick = min(inner, key=lambda c: (full[c], c))
            hide[pick] = True
            changed = True
    return hide


def bounds(full: np.ndarray, hide: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """Min and max of each suppressed cell over every non-negative table with the same
    published cells and the same row and column sums."""
    shape = full.shape
    rows, cols = shape[0] - 1, shape[1] - 1
    size = full.size

    def at(i: int, j: int) -> int:
        return i * shape[1] + j

    a_eq = []
    for i in range(rows + 1):  # each row (the margin row too): cells add up to its total
        row = np.zeros(size)
        for j in range(cols):
            row[at(i, j)] = 1.0
        row[at(i, cols)] = -1.0
        a_eq.append(row)
    for j in range(cols + 1):
        row = np.zeros(size)
        for i in range(rows):
            row[at(i, j)] = 1.0
        row[at(rows, j)] = -1.0
        a_eq.append(row)
    limits = [
        (0.0, None) if hide[i, j] else (float(full[i, j]), float(full[i, j]))
        for i in range(shape[0])
        for j in range(shape[1])
    ]
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for i, j in zip(*np.nonzero(hide), strict=True):
        ends = []
        for sense in (1.0, -1.0):
            c = np.zeros(size)
            c[at(i, j)] = sense
            res = linprog(c, A_eq=np.array(a_eq), b_eq=np.zeros(len(a_eq)), bounds=limits)
            ends.append(np.inf if res.status == 3 else sense * res.fun)
        out[(int(i), int(j))] = (ends[0], ends[1])
    return out


def unprotected(full: np.ndarray, hide: np.ndarray, share: float) -> list[tuple[int, int]]:
    """Suppressed cells whose interval does not reach share x max(value, 1) on each side
    (below, down to zero at least)."""
    weak = []
    for cell, (low, high) in bounds(full, hide).items():
        value = full[cell]
        margin = share * max(value, 1.0)
        if low > max(value - margin, 0.0) + 1e-6 or high < value + margin - 1e-6:
            weak.append(cell)
    return weak


def random_tables(count: int, seed: int) -> list[np.ndarray]:
    """Two-way tables of 2 or 3 rows and 2 to 4 columns; Poisson counts of mean 1, 10 or 40."""
    rng = np.random.default_rng(seed)
    tables = []
    for _ in range(count):
        shape = (int(rng.integers(2, 4)), int(rng.integers(2, 5)))
        scale = rng.choice([1.0, 10.0, 40.0], size=shape, p=[0.15, 0.35, 0.5])
        tables.append(with_margins(rng.poisson(scale).astype(float)))
    return tables


TABLES = random_tables(3000, seed=20261204)


def test_the_old_rule_left_cells_exactly_derivable() -> None:
    """The finding, reproduced: after the old rule some suppressed cells have an interval of
    width zero (exactly derivable)."""
    exact = 0
    for full in TABLES:
        hide = old_rule(full, RULES.min_count)
        if any(high - low < 1e-6 for low, high in bounds(full, hide).values()):
            exact += 1
    assert exact == 60  # of these 3,000 (issue 10 found 95 in its own 3,000)


def test_every_suppressed_cell_is_protected_in_3000_random_tables() -> None:
    primary = 0
    for index, full in enumerate(TABLES):
        hide = library_mask(full)
        small = full < RULES.min_count
        assert (hide | ~small).all(), f"table {index}: a small cell is published"
        primary += int(small.sum())
        assert unprotected(full, hide, RULES.protection) == [], f"table {index}:\n{full}"
    assert primary > 3000  # the tables do exercise suppression


def test_a_bridge_between_two_cycles_is_exactly_derivable_under_the_old_rule() -> None:
    # Inner 4 x 4 table. Suppressed: the 2 x 2 block top left (rows 0-1, columns 0-1), the
    # 2 x 2 block bottom right (rows 2-3, columns 2-3) and the bridge (row 1, column 2).
    # Every row and column holds at least two suppressed cells, so the old rule adds nothing.
    # Yet the bridge is exact. Columns 0 and 1 total 20 + 21 = 41, minus their published
    # cells in rows 2-3 (5 + 5 + 5 + 5 = 20): the top-left block sums to 21. Rows 0 and 1
    # total 20 + 49 = 69, minus their other published cells (0,2) = 5, (0,3) = 5,
    # (1,3) = 6: the bridge is 69 - 21 - 16 = 32.
    inner = np.array(
        [
            [4.0, 6.0, 5.0, 5.0],
            [6.0, 5.0, 32.0, 6.0],
            [5.0, 5.0, 3.0, 1.0],
            [5.0, 5.0, 2.0, 4.0],
        ]
    )
    full = with_margins(inner)
    assert full[0, 4] + full[1, 4] == 69 and full[4, 0] + full[4, 1] == 41
    hide = np.zeros(full.shape, dtype=bool)
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        hide[cell] = True
    lines = [hide[i, :].sum() for i in range(5)] + [hide[:, j].sum() for j in range(5)]
    assert all(s != 1 for s in lines)  # the old rule is satisfied
    low, high = bounds(full, hide)[(1, 2)]
    assert low == pytest.approx(32.0) and high == pytest.approx(32.0)


def test_a_zero_in_the_cycle_bounds_a_cell_on_one_side() -> None:
    # Inner 2 x 2 with margins; all four inner cells suppressed (a cycle):
    #   a=3  b=0 | 3        shifting by t: a+t, b-t, c-t, d+t, all >= 0
    #   c=40 d=2 | 42       t <= min(b, c) = 0 and t >= -min(a, d) = -2
    #   43   2   | 45       so a is in [1, 3]: never above its true value.
    inner = np.array([[3.0, 0.0], [40.0, 2.0]])
    full = with_margins(inner)
    hide = np.zeros(full.shape, dtype=bool)
    hide[:2, :2] = True
    assert bounds(full, hide)[(0, 0)] == pytest.approx((1.0, 3.0))
    # The library suppresses more: a, b and d are below 5 and the margins around b
    # (column 1 total 2, row 0 total 3) are small too; every interval is then wide enough.
    mask = library_mask(full)
    assert mask[0, 0] and mask[0, 1] and mask[1, 1]
    assert unprotected(full, mask, RULES.protection) == []


def test_one_dimension_suppresses_the_smallest_other_part() -> None:
    # Total 310 = 10 + 100 + 200: A (10) is below 30; total minus B and C would give it,
    # so B (100), the cheapest, is suppressed too; A is then in [0, 110], B in [90, 200].
    rules = RULES.model_copy(update={"min_count": 30})
    cells = [
        Cell(n=310, amounts=(310.0,)),
        Cell(disaggregation=(("g", "A"),), n=10, amounts=(10.0,)),
        Cell(disaggregation=(("g", "B"),), n=100, amounts=(100.0,)),
        Cell(disaggregation=(("g", "C"),), n=200, amounts=(200.0,)),
    ]
    decided = control(cells, rules)
    assert [s.value for s in decided.statuses] == ["published", "primary", "secondary", "published"]
    assert (decided.report.primary, decided.report.secondary) == (1, 1)


def test_a_pair_that_pins_the_small_cell_gets_a_third() -> None:
    # Total 200 = 2 + 8 + 20 + 170; min count 10 suppresses A (2) and B (8): two in the line,
    # so the old rule stops. The audit: A + B = 10, so B is in [0, 10]. With protection 10 %
    # B must reach 8 + 0.8 = 8.8: it does. With protection 30 % it must reach 10.4: it does
    # not, so the cheapest other part, C (20), is suppressed too; then A + B + C = 30 and
    # B is in [0, 30], C in [0, 30], which reaches 20 - 6 = 14 and 20 + 6 = 26.
    cells = [
        Cell(n=200, amounts=(200.0,)),
        Cell(disaggregation=(("g", "A"),), n=2, amounts=(2.0,)),
        Cell(disaggregation=(("g", "B"),), n=8, amounts=(8.0,)),
        Cell(disaggregation=(("g", "C"),), n=20, amounts=(20.0,)),
        Cell(disaggregation=(("g", "D"),), n=170, amounts=(170.0,)),
    ]
    loose = control(cells, RULES.model_copy(update={"min_count": 10}))
    assert [s.suppressed for s in loose.statuses] == [False, True, True, False, False]
    strict = control(cells, RULES.model_copy(update={"min_count": 10, "protection": 0.3}))
    assert [s.suppressed for s in strict.statuses] == [False, True, True, True, False]


def test_rate_lines_without_amounts_keep_the_singleton_rule() -> None:
    cells = [
        Cell(n=310, cv=0.05),
        Cell(disaggregation=(("g", "A"),), n=10, cv=0.05),
        Cell(disaggregation=(("g", "B"),), n=100, cv=0.05),
        Cell(disaggregation=(("g", "C"),), n=200, cv=0.05),
    ]
    decided = control(cells, RULES.model_copy(update={"min_count": 30}))
    assert [s.suppressed for s in decided.statuses] == [False, True, True, False]
