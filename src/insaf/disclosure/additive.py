"""The linear-programming audit of an additive table, and secondary suppression that passes it.

An additive table is a list of non-negative cells (counts, weighted
populations, totals) and *lines*: a total and the cells that make it up along
one dimension. A two-way table with margins has one line per row and one per
column (and the grand total is the total of both margin lines); a table with
more dimensions has one line per cell and dimension it is broken down by.

What someone who reads the published table knows about a suppressed cell is
that the cells satisfy every line and are non-negative (and below a known
upper bound, if there is one). The set of tables that agree with the
published cells is therefore a polytope, and the values a suppressed cell
takes on it form an interval ``[low, high]``: the *audit* solves two linear
programs per suppressed cell (minimise and maximise it; SciPy's ``linprog``
with HiGHS), as τ-ARGUS audits a suppression pattern. Every point of that
interval is the cell's value in some table that publishes exactly the same
cells, so nobody can narrow it down from the published table alone.

A suppressed cell of value ``v`` is *protected* when its interval reaches at
least ``p · max(v, 1)`` below ``v`` (or down to the lower bound, zero) and
``p · max(v, 1)`` above it, where ``p`` is the protection share. ``protect``
adds suppressions, cheapest first, until every suppressed cell is protected.

A line holds as an equality when the true cells add up (to a relative
``1e-9``); when the parts sum to less than the total (categories that do not
cover it), it holds as an inequality, parts at most the total; when they sum
to more (the cells are not additive), the line says nothing and is left out.
The audit only ever uses relations that the true table satisfies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from insaf.errors import InsafError

__all__ = ["AdditiveTable", "Interval", "Line", "audit", "protect", "singletons"]

Line = tuple[int, tuple[int, ...]]
"""A total and the cells that make it up (indices into the table's cells)."""

_RELATIVE = 1e-9


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a suppressed cell can take given what is published."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class AdditiveTable:
    """Non-negative cells and the lines they satisfy; ``upper`` bounds per cell, if known."""

    values: tuple[float, ...]
    lines: tuple[Line, ...]
    upper: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        for i, v in enumerate(self.values):
            if not math.isfinite(v) or v < 0:
                raise InsafError(f"additive table: cell {i} is {v}, not a non-negative number")
        if self.upper is not None and len(self.upper) != len(self.values):
            raise InsafError("additive table: one upper bound per cell is needed")
        for total, parts in self.lines:
            for i in (total, *parts):
                if not 0 <= i < len(self.values):
                    raise InsafError(f"additive table: a line names cell {i}, which does not exist")

    @classmethod
    def of(
        cls,
        values: Sequence[float],
        lines: Sequence[Line],
        upper: Sequence[float] | None = None,
    ) -> AdditiveTable:
        return cls(
            values=tuple(float(v) for v in values),
            lines=tuple((t, tuple(p)) for t, p in lines),
            upper=tuple(float(u) for u in upper) if upper is not None else None,
        )

    def relations(self) -> tuple[list[Line], list[Line]]:
        """The lines that hold as equalities and those that hold as inequalities."""
        equal: list[Line] = []
        at_most: list[Line] = []
        for total, parts in self.lines:
            whole = self.values[total]
            summed = math.fsum(self.values[p] for p in parts)
            slack = _RELATIVE * max(1.0, abs(whole), summed)
            if abs(whole - summed) <= slack:
                equal.append((total, parts))
            elif summed < whole:
                at_most.append((total, parts))
        return equal, at_most

    def margin(self, cell: int, protection: float) -> float:
        return protection * max(self.values[cell], 1.0)


def _tolerance(table: AdditiveTable) -> float:
    return 1e-7 * max(1.0, max(table.values, default=1.0))


def audit(
    table: AdditiveTable, suppressed: Sequence[bool], cells: Iterable[int] | None = None
) -> dict[int, Interval]:
    """The interval each suppressed cell (or each of ``cells``) can take, given the published
    cells: two linear programs per cell."""
    hidden = [i for i, s in enumerate(suppressed) if s]
    if not hidden:
        return {}
    wanted = set(hidden) if cells is None else set(cells)
    column = {cell: k for k, cell in enumerate(hidden)}
    equal, at_most = table.relations()

    def rows(lines: list[Line], sign_total: float) -> tuple[list[list[float]], list[float]]:
        # sign_total * total - sum(parts) (= or <=) 0, published cells moved to the right side
        a: list[list[float]] = []
        b: list[float] = []
        for total, parts in lines:
            if not any(suppressed[i] for i in (total, *parts)):
                continue
            row = [0.0] * len(hidden)
            rhs = 0.0
            for i, coefficient in ((total, sign_total), *((p, -sign_total) for p in parts)):
                if suppressed[i]:
                    row[column[i]] += coefficient
                else:
                    rhs -= coefficient * table.values[i]
            a.append(row)
            b.append(rhs)
        return a, b

    out: dict[int, Interval] = {}
    exact = _separable(table, suppressed, equal, at_most, wanted)
    for cell in list(wanted):
        if cell in exact:
            out[cell] = exact[cell]
            wanted.discard(cell)
    if not wanted:
        return out
    a_eq, b_eq = rows(equal, 1.0)
    a_ub, b_ub = rows(at_most, -1.0)  # parts - total <= 0
    upper = table.upper
    bounds = [(0.0, upper[i] if upper is not None else None) for i in hidden]
    for cell, k in column.items():
        if cell not in wanted:
            continue
        ends: list[float] = []
        for sense in (1.0, -1.0):
            c = np.zeros(len(hidden))
            c[k] = sense
            result = linprog(
                c,
                A_ub=np.array(a_ub) if a_ub else None,
                b_ub=np.array(b_ub) if b_ub else None,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=np.array(b_eq) if b_eq else None,
                bounds=bounds,
                method="highs",
            )
            if result.status == 3:  # unbounded: only the maximum can be
                ends.append(math.inf)
            elif result.status == 0:
                ends.append(sense * float(result.fun))
            else:
                raise InsafError(
                    f"disclosure audit: the linear program for cell {cell} failed "
                    f"({result.message}); the table does not satisfy its own lines"
                )
        out[cell] = Interval(low=ends[0], high=ends[1])
    return out


def _separable(
    table: AdditiveTable,
    suppressed: Sequence[bool],
    equal: list[Line],
    at_most: list[Line],
    wanted: set[int],
) -> dict[int, Interval]:
    """Intervals found without a solver, where the linear program splits into single lines.

    When the suppressed parts of a line with a published total appear in no
    other relation that holds a suppressed cell, they are bound by that line
    alone: with ``R`` the total minus the published parts, each lies in
    ``[max(0, R - sum of the others' upper bounds), min(R, its upper bound)]``
    (``[0, min(R, its bound)]`` when the parts need only stay below the total).
    This is the linear program's own answer, in closed form.
    """
    lines = [(t, ps, True) for t, ps in equal] + [(t, ps, False) for t, ps in at_most]
    touching: dict[int, int] = {}
    for t, ps, _ in lines:
        if any(suppressed[i] for i in (t, *ps)):
            for i in (t, *ps):
                if suppressed[i]:
                    touching[i] = touching.get(i, 0) + 1
    upper = table.upper
    out: dict[int, Interval] = {}
    for t, ps, is_equal in lines:
        hidden = [p for p in ps if suppressed[p]]
        if not wanted.intersection(hidden):
            continue
        if suppressed[t] or any(touching[p] != 1 for p in hidden):
            continue
        rest = table.values[t] - math.fsum(table.values[p] for p in ps if not suppressed[p])
        rest = max(rest, 0.0)
        bound = [upper[p] if upper is not None else math.inf for p in hidden]
        finite = math.fsum(b for b in bound if math.isfinite(b))
        infinite = sum(1 for b in bound if not math.isfinite(b))
        for k, p in enumerate(hidden):
            if p not in wanted:
                continue
            mine_infinite = not math.isfinite(bound[k])
            if infinite - mine_infinite > 0:
                others = math.inf
            else:
                others = finite - (bound[k] if not mine_infinite else 0.0)
            low = max(0.0, rest - others) if is_equal else 0.0
            out[p] = Interval(low=low, high=min(rest, bound[k]))
    for i in wanted:
        if suppressed[i] and i not in touching:
            out[i] = Interval(low=0.0, high=upper[i] if upper is not None else math.inf)
    return out


def _protected(table: AdditiveTable, cell: int, interval: Interval, protection: float) -> bool:
    value = table.values[cell]
    margin = table.margin(cell, protection)
    tol = _tolerance(table)
    reaches_down = interval.low <= max(value - margin, 0.0) + tol
    reaches_up = interval.high >= value + margin - tol
    return reaches_down and reaches_up


def singletons(lines: Sequence[Line], suppressed: list[bool], cost: Sequence[float]) -> int:
    """Suppress, in each line holding exactly one suppressed cell, its cheapest published part.

    Works in place until no line holds a single suppressed cell; returns how many
    cells it added. A single suppressed cell in a line is its total minus the
    others (for counts), so this is necessary for any table; it is not
    sufficient (``protect`` audits the result).
    """
    added = 0
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            members = (total, *parts)
            if sum(suppressed[i] for i in members) != 1:
                continue
            candidates = [i for i in parts if not suppressed[i]] or [total]
            pick = min(candidates, key=lambda i: (cost[i], i))
            suppressed[pick] = True
            added += 1
            changed = True
    return added


def protect(
    table: AdditiveTable,
    suppressed: Sequence[bool],
    *,
    protection: float,
    cost: Sequence[float] | None = None,
) -> list[bool]:
    """Add suppressions until the audit finds every suppressed cell protected.

    Starts with the singleton rule (cheap), then audits. While a suppressed
    cell is not protected, the cheapest published cell (by ``cost``, the
    cell's value by default) sharing a line with it is suppressed, or, if its
    lines are all suppressed, the cheapest published cell in any line that
    holds a suppressed cell. Suppressing more only widens every interval (the
    polytope loses constraints), so a cell found protected stays protected:
    cells are audited one at a time, each again only after a suppression made
    for it. It ends: each round suppresses one more
    cell, and a table with every cell of its lines suppressed protects them all.
    """
    out = list(suppressed)
    costs = list(cost) if cost is not None else list(table.values)
    if not any(out):
        return out
    singletons(table.lines, out, costs)
    queue = sorted((i for i, s in enumerate(out) if s), key=lambda i: (table.values[i], i))
    while queue:
        cell = queue.pop(0)
        if _protected(table, cell, audit(table, out, [cell])[cell], protection):
            continue
        near = {j for t, ps in table.lines if cell in (t, *ps) for j in (t, *ps)}
        candidates = [j for j in near if not out[j]]
        if not candidates:
            candidates = [
                j
                for t, ps in table.lines
                if any(out[i] for i in (t, *ps))
                for j in (t, *ps)
                if not out[j]
            ]
        if not candidates:
            raise InsafError(
                f"disclosure audit: cell {cell} cannot be protected by suppressing more cells"
            )
        pick = min(candidates, key=lambda j: (costs[j], j))
        before = list(out)
        out[pick] = True
        singletons(table.lines, out, costs)
        # this cell again first, then the cells just suppressed
        queue = [cell, *(i for i, s in enumerate(out) if s and not before[i]), *queue]
    return out
