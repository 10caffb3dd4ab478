"""The public impact: an ``Impact`` with disclosure control applied to its tables.

Every output that leaves the analyst (``impact.json``, CSV, Excel, the brief,
the council's statements) is written from ``public_impact(impact, rules)``:

- ``deciles``, ``groups`` and ``winners_losers`` of a reform are one table
  for ``insaf.disclosure``: the whole population is its total, each decile
  and each category of each group variable a cell (one line for the deciles,
  one per group variable). A cell's count is its unweighted ``n``; its
  additive amount is its weighted population, which adds up along each line,
  so secondary suppression is audited by linear programming on it (the
  means and shares of a row are rates, protected with their row);
- ``who_loses``: each category row is a cell with ``n_losers`` (households
  among those who lose most) as its count, in one line per characteristic
  whose total is the group of those who lose most; rows of means (household
  size, welfare, poverty) have that group's count;
- a suppressed row keeps its labels, loses every number (estimates, ``n``,
  population) and says ``"suppressed": true``;
- a section of the impact that lists its groups (``groups()``: ``group``,
  ``n``, ``population``) and can withhold them (``without_groups``), as the
  rights assessment does, has each group below the minimum count withheld;
  groups named ``quintile_1`` to ``quintile_5`` are one line whose total is
  ``everyone``, audited like the deciles;
- the fiscal, poverty, inequality and incidence tables (with fiscal
  impoverishment and marginal contributions) are national (the whole sample)
  and are published as they are.

The CV tiers are not applied to impact rows: each estimate carries its own
standard error and interval, and a change of zero (infinite CV) discloses
nothing. ``public_impact(impact, None)`` is the analyst's own view, shown in
full (``insaf simulate --no-disclosure``); its ``meta`` says so.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any, Protocol, runtime_checkable

from insaf.disclosure import Cell, DisclosureReport, DisclosureRules, control
from insaf.measures import Estimate
from insaf.policy.impact import Impact, ReformImpact, Row, Section

__all__ = ["DEFAULT_RULES", "NOT_CONTROLLED", "as_public", "public_impact"]

DEFAULT_RULES = DisclosureRules()
"""The rules applied when an output is written without naming others."""

NOT_CONTROLLED = (
    "shown in full at the analyst's request (--no-disclosure): "
    "cells below the minimum count are not suppressed; not for publication"
)
_HIDDEN = ("n", "population", "n_losers", "n_everyone")


def _value(e: Any) -> float | None:
    if isinstance(e, Estimate) and math.isfinite(e.value):
        return e.value
    return None


def _amounts(row: Row) -> tuple[float, ...]:
    population = row.get("population")
    if not isinstance(population, int | float) or not math.isfinite(population) or population < 0:
        return ()
    return (float(population),)


def _suppress(row: Row) -> Row:
    out: Row = {}
    for key, value in row.items():
        if isinstance(value, Estimate) or key in _HIDDEN:
            out[key] = None
        else:
            out[key] = value
    out["suppressed"] = True
    return out


def _mark(rows: Sequence[Row], hidden: Sequence[bool]) -> list[Row]:
    return [
        _suppress(r) if hide else {**r, "suppressed": False}
        for r, hide in zip(rows, hidden, strict=True)
    ]


def _distribution(reform: ReformImpact, rules: DisclosureRules) -> tuple[dict[str, Any], Any]:
    overall = reform.table("winners_losers")
    deciles = reform.table("deciles")
    groups = reform.table("groups")
    cells: list[Cell] = []
    for row in overall:
        cells.append(Cell(table="distribution", n=row.get("n"), amounts=_amounts(row)))
    for row in deciles:
        dims = (("deciles", str(row.get("category"))),)
        cells.append(
            Cell(table="distribution", disaggregation=dims, n=row.get("n"), amounts=_amounts(row))
        )
    for row in groups:
        dims = ((f"group.{row.get('variable')}", str(row.get("category"))),)
        cells.append(
            Cell(table="distribution", disaggregation=dims, n=row.get("n"), amounts=_amounts(row))
        )
    decided = control(cells, rules)
    hidden = [s.suppressed for s in decided.statuses]
    a, b = len(overall), len(overall) + len(deciles)
    tables = {
        "winners_losers": _mark(overall, hidden[:a]),
        "deciles": _mark(deciles, hidden[a:b]),
        "groups": _mark(groups, hidden[b:]),
    }
    return tables, decided.report


def _who_loses(
    reform: ReformImpact, rules: DisclosureRules
) -> tuple[list[Row], dict[str, Any], DisclosureReport]:
    rows = reform.table("who_loses")
    note = dict(reform.notes.get("who_loses") or {})
    overall = reform.table("winners_losers")
    everyone = overall[0].get("population") if overall else None
    top_people = note.get("people")
    cells: list[Cell] = []
    totals: dict[str, int] = {}
    for row in rows:
        characteristic = str(row.get("characteristic"))
        if row.get("category") is None:
            cells.append(Cell(table=("who_loses", "mean", characteristic), n=row.get("n_losers")))
            continue
        table = ("who_loses", characteristic)
        if characteristic not in totals:
            totals[characteristic] = len(cells)
            amounts: tuple[float, ...] = ()
            if isinstance(top_people, int | float) and isinstance(everyone, int | float):
                amounts = (float(top_people), float(everyone))
            cells.append(Cell(table=table, n=note.get("n"), amounts=amounts))
        losers, share = _value(row.get("losers")), _value(row.get("everyone"))
        part: tuple[float, ...] = ()
        if (
            losers is not None
            and share is not None
            and isinstance(top_people, int | float)
            and isinstance(everyone, int | float)
        ):
            part = (max(losers, 0.0) * top_people, max(share, 0.0) * everyone)
        dims = ((characteristic, str(row.get("category"))),)
        cells.append(Cell(table=table, disaggregation=dims, n=row.get("n_losers"), amounts=part))
    # the group of those who lose most, on its own (its size is in the note)
    cells.append(Cell(table=("who_loses", "group"), n=note.get("n")))
    decided = control(cells, rules)
    hidden = [s.suppressed for s in decided.statuses]
    row_hidden: list[bool] = []
    index = 0
    seen: set[str] = set()
    for row in rows:
        characteristic = str(row.get("characteristic"))
        if row.get("category") is not None and characteristic not in seen:
            seen.add(characteristic)
            index += 1  # the line's total, which is the note's figure
        row_hidden.append(hidden[index])
        index += 1
    if hidden[-1] or any(hidden[i] for i in totals.values()):
        for key in ("people", "loss_at_least", "n"):
            if key in note:
                note[key] = None
        note["suppressed"] = True
    return _mark(rows, row_hidden), note, decided.report


@runtime_checkable
class GroupedSection(Protocol):
    """A section whose rows are about groups, which it can withhold."""

    def groups(self) -> list[Row]: ...

    def without_groups(self, hidden: Collection[str]) -> Any: ...


def _section(section: GroupedSection, rules: DisclosureRules) -> tuple[Any, DisclosureReport]:
    groups = section.groups()
    cells = []
    for row in groups:
        name = str(row.get("group"))
        if name == "everyone":
            dims: tuple[tuple[str, str], ...] = ()
        elif name.startswith("quintile_"):
            dims = (("quintile", name),)
        else:
            dims = (("group", name),)
        table = "section" if name == "everyone" or name.startswith("quintile_") else name
        cells.append(Cell(table=table, disaggregation=dims, n=row.get("n"), amounts=_amounts(row)))
    decided = control(cells, rules)
    hidden = {
        str(row.get("group"))
        for row, status in zip(groups, decided.statuses, strict=True)
        if status.suppressed
    }
    return section.without_groups(hidden), decided.report


def _add(a: DisclosureReport, b: DisclosureReport) -> DisclosureReport:
    return DisclosureReport(
        cells=a.cells + b.cells,
        published=a.published + b.published,
        caution=a.caution + b.caution,
        primary=a.primary + b.primary,
        secondary=a.secondary + b.secondary,
    )


def _public_meta(meta: Mapping[str, Any], disclosure: dict[str, Any]) -> dict[str, Any]:
    out = dict(meta)
    survey = dict(out.get("survey") or {})
    if survey.get("path"):  # never a server's or analyst's folder: its name only
        survey["path"] = PurePath(str(survey["path"])).name
    out["survey"] = survey
    out["disclosure"] = disclosure
    return out


def public_impact(impact: Impact, rules: DisclosureRules | None) -> Impact:
    """``impact`` with every table by group disclosure-controlled under ``rules``.

    ``rules=None`` keeps every cell (the analyst's own ``--no-disclosure``
    view) and says so in ``meta["disclosure"]``. The result carries no
    simulation (no microdata) and no server path.
    """
    if rules is None:
        meta = dict(impact.meta)
        meta["disclosure"] = {"applied": False, "note": NOT_CONTROLLED}
        return replace(impact, meta=meta)
    reforms: dict[str, ReformImpact] = {}
    report = DisclosureReport(cells=0, published=0, caution=0, primary=0, secondary=0)
    for name, reform in impact.reforms.items():
        tables = dict(reform.tables)
        distribution, first = _distribution(reform, rules)
        who, note, second = _who_loses(reform, rules)
        tables.update(distribution)
        tables["who_loses"] = who
        notes = {**reform.notes, "who_loses": note}
        sections: dict[str, Section] = {}
        for key, section in reform.sections.items():
            if isinstance(section, GroupedSection):
                section, third = _section(section, rules)
                report = _add(report, third)
            sections[key] = section
        reforms[name] = replace(reform, tables=tables, notes=notes, sections=sections)
        report = _add(_add(report, first), second)
    meta = _public_meta(
        impact.meta,
        {"applied": True, "rules": rules.model_dump(mode="json"), "cells": report.to_dict()},
    )
    return replace(impact, meta=meta, reforms=reforms, simulation=None)


def as_public(impact: Impact, rules: DisclosureRules | None = DEFAULT_RULES) -> Impact:
    """``impact`` if it has been through ``public_impact`` already, else ``public_impact``
    of it under ``rules``: what every writer of an output calls first."""
    if "disclosure" in impact.meta:
        return impact
    return public_impact(impact, rules)
