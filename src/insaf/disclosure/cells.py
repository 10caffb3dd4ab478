"""Disclosure control of a set of table cells, each with its own disaggregation.

A cell belongs to a *table* (anything hashable: an indicator, area and
period; a reform and a group variable) and carries a disaggregation, a sorted
tuple of ``(dimension, category)`` pairs (``()`` for the table's total). A
cell with dimensions ``D`` belongs, for each ``d`` in ``D``, to the line
whose total is the cell with ``D`` minus ``d`` (sex x governorate cells are in
one line by sex and one by governorate); lines whose total is not in the
table say nothing and are left out.

``control`` applies the primary rules to each cell, then secondary
suppression:

- cells that carry additive ``amounts`` (counts, weighted populations,
  totals: quantities that add up along lines, such as a row's population and
  its number of winners) are protected by the linear-programming audit of
  ``insaf.disclosure.additive``, run on each amount in turn with one suppression
  pattern, in every line whose cells all carry them;
- every other line (a rate or mean table with no additive quantity
  published, or a cell already suppressed at its source, whose amount is
  gone) keeps the rule that applies to it: no line may hold exactly one
  suppressed cell (a rate could otherwise be recovered from the total and the
  groups' shares).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from insaf.disclosure.additive import AdditiveTable, Line, protect, singletons
from insaf.disclosure.rules import DisclosureRules, Status, primary_status

__all__ = ["Cell", "Control", "DisclosureReport", "control", "lines_of"]

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """What disclosure control needs to know about one cell of a public table."""

    table: Hashable = ""
    disaggregation: Pairs = ()
    n: int | None = None
    cv: float | None = None
    amounts: tuple[float, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class DisclosureReport:
    """How many cells each rule touched."""

    cells: int
    published: int
    caution: int
    primary: int
    secondary: int

    def to_dict(self) -> dict[str, int]:
        return {
            "cells": self.cells,
            "published": self.published,
            "caution": self.caution,
            "primary": self.primary,
            "secondary": self.secondary,
        }


@dataclass(frozen=True, slots=True)
class Control:
    """The decision for each cell, in the order given, and the counts."""

    statuses: tuple[Status, ...]
    report: DisclosureReport

    def suppressed(self, index: int) -> bool:
        return self.statuses[index].suppressed


def lines_of(cells: Sequence[Cell]) -> list[Line]:
    """Every line (total, parts) among ``cells``: one per cell and dimension it has."""
    position = {(c.table, c.disaggregation): i for i, c in enumerate(cells)}
    parts: dict[tuple[Hashable, Pairs, str], list[int]] = defaultdict(list)
    for index, c in enumerate(cells):
        for dim, _ in c.disaggregation:
            parent = tuple(p for p in c.disaggregation if p[0] != dim)
            parts[(c.table, parent, dim)].append(index)
    lines: list[Line] = []
    for (table, parent, _), members in parts.items():
        total = position.get((table, parent))
        if total is not None:
            lines.append((total, tuple(members)))
    return lines


def _secondary(cells: Sequence[Cell], suppressed: list[bool], rules: DisclosureRules) -> None:
    """Secondary suppression of one table, in place."""
    lines = lines_of(cells)
    cost = [float(c.n) if c.n is not None else sum(c.amounts) for c in cells]
    width = min((len(c.amounts) for c in cells), default=0)
    additive = [ln for ln in lines if width and all(cells[i].amounts for i in (ln[0], *ln[1]))]
    other = [ln for ln in lines if ln not in additive]
    settled: dict[int, list[bool]] = {}  # per amount, the last pattern found protected
    changed = True
    while changed:
        before = list(suppressed)
        singletons(other, suppressed, cost)
        if additive and any(suppressed):
            members = sorted({i for t, ps in additive for i in (t, *ps)})
            local = {cell: k for k, cell in enumerate(members)}
            local_lines = [(local[t], tuple(local[p] for p in ps)) for t, ps in additive]
            for column in range(width):
                pattern = [suppressed[i] for i in members]
                if settled.get(column) == pattern:
                    continue
                table = AdditiveTable.of([cells[i].amounts[column] for i in members], local_lines)
                done = protect(
                    table, pattern, protection=rules.protection, cost=[cost[i] for i in members]
                )
                settled[column] = done
                for k, i in enumerate(members):
                    suppressed[i] = suppressed[i] or done[k]
        changed = suppressed != before


def control(cells: Iterable[Cell], rules: DisclosureRules) -> Control:
    """Primary and secondary suppression of ``cells`` (tables are handled one by one)."""
    items = list(cells)
    primary = [primary_status(n=c.n, cv=c.cv, rules=rules, suppressed=c.suppressed) for c in items]
    suppressed = [s is Status.PRIMARY for s in primary]
    if rules.secondary:
        tables: dict[Hashable, list[int]] = defaultdict(list)
        for index, c in enumerate(items):
            tables[c.table].append(index)
        for indices in tables.values():
            if not any(suppressed[i] for i in indices):
                continue
            local = [suppressed[i] for i in indices]
            _secondary([items[i] for i in indices], local, rules)
            for k, i in enumerate(indices):
                suppressed[i] = local[k]
    statuses = tuple(
        p if p is Status.PRIMARY else Status.SECONDARY if hide else p
        for p, hide in zip(primary, suppressed, strict=True)
    )
    counts = {s: sum(1 for x in statuses if x is s) for s in Status}
    report = DisclosureReport(
        cells=len(items),
        published=counts[Status.PUBLISHED] + counts[Status.LOW_RELIABILITY],
        caution=counts[Status.LOW_RELIABILITY],
        primary=counts[Status.PRIMARY],
        secondary=counts[Status.SECONDARY],
    )
    return Control(statuses=statuses, report=report)
