"""Disclosure control of observatory cells, through ``insaf.disclosure``.

Each observation is a cell of the table of its indicator, area and period,
disaggregated by its dimensions. The rules, the primary decision and
secondary suppression are ``insaf.disclosure``'s: a cell's additive amount
is its weighted population (the population column adds up along every line,
whatever the indicator), so lines whose cells all carry a population are
protected by the linear-programming audit, and the others (imported figures
without population, cells already suppressed) by the rule that no line holds
exactly one suppressed cell. This module only maps observations to cells
and back; ``DisclosureRules`` and ``DisclosureReport`` are re-exported here
for compatibility.
"""

from __future__ import annotations

from collections.abc import Iterable

from insaf.disclosure import Cell, DisclosureReport, DisclosureRules, Status, control
from insaf.disclosure import primary_status as _primary_status
from insaf.observatory.observations import Flag, Observation

__all__ = ["DisclosureReport", "DisclosureRules", "apply_disclosure", "primary_decision"]


def _cell(obs: Observation) -> Cell:
    return Cell(
        table=(obs.indicator, obs.area, obs.period),
        disaggregation=obs.disaggregation,
        n=obs.n,
        cv=obs.cv,
        amounts=(obs.population,) if obs.population is not None else (),
        suppressed=obs.is_suppressed,
    )


def primary_decision(obs: Observation, rules: DisclosureRules) -> Flag | None:
    """``SUPPRESSED``, ``LOW_RELIABILITY`` or ``None`` (publish) for one cell on its own."""
    status = _primary_status(n=obs.n, cv=obs.cv, rules=rules, suppressed=obs.is_suppressed)
    if status is Status.PRIMARY:
        return Flag.SUPPRESSED
    if status is Status.LOW_RELIABILITY:
        return Flag.LOW_RELIABILITY
    return None


def apply_disclosure(
    observations: Iterable[Observation], rules: DisclosureRules
) -> tuple[list[Observation], DisclosureReport]:
    """Apply primary and secondary suppression; suppressed cells lose every number."""
    cells = list(observations)
    decided = control([_cell(o) for o in cells], rules)
    out: list[Observation] = []
    for obs, status in zip(cells, decided.statuses, strict=True):
        if status.suppressed:
            out.append(obs.suppressed())
        elif status is Status.LOW_RELIABILITY:
            out.append(obs.with_flags(Flag.LOW_RELIABILITY))
        else:
            out.append(obs)
    return out, decided.report
