"""Statistical disclosure control, applied before anything is stored for publication.

Primary suppression (each cell on its own):

- frequency rule: a cell computed from fewer than ``min_count`` sample units
  (unweighted) is suppressed;
- coefficient-of-variation tiers (Statistics Canada's by default): CV up to
  ``cv_caution`` is published, up to ``cv_suppress`` is published with the
  low-reliability flag, above it is suppressed.

Secondary suppression: a cell that is the only suppressed one among a total and
the categories that partition it could be recovered (for a count, total minus
the others; for a rate, with the groups' population shares). Wherever a
*line* (a published parent cell and its children along one dimension, at the
same indicator, area and period) holds exactly one suppressed cell, the
published child with the smallest count is suppressed too, until no line
holds a single suppressed cell. Several dimensions (sex x governorate) are
handled because every cell belongs to one line per dimension it has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from insaf.observatory.observations import Flag, Observation, Pairs

__all__ = ["DisclosureReport", "DisclosureRules", "apply_disclosure", "primary_decision"]


class DisclosureRules(BaseModel):
    """Thresholds of one observatory (configurable in its settings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_count: int = Field(default=30, ge=0)
    cv_caution: float = Field(default=0.165, gt=0)
    cv_suppress: float = Field(default=0.333, gt=0)
    secondary: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> DisclosureRules:
        if self.cv_suppress < self.cv_caution:
            raise ValueError("cv_suppress must not be below cv_caution")
        return self


@dataclass(frozen=True, slots=True)
class DisclosureReport:
    """How many cells each rule touched."""

    cells: int
    published: int
    caution: int
    primary: int
    secondary: int


def primary_decision(obs: Observation, rules: DisclosureRules) -> Flag | None:
    """``SUPPRESSED``, ``LOW_RELIABILITY`` or ``None`` (publish) for one cell on its own."""
    if obs.is_suppressed:
        return Flag.SUPPRESSED
    if obs.n is not None and obs.n < rules.min_count:
        return Flag.SUPPRESSED
    cv = obs.cv
    if cv is None:
        return None
    if cv > rules.cv_suppress:
        return Flag.SUPPRESSED
    if cv > rules.cv_caution:
        return Flag.LOW_RELIABILITY
    return None


LineKey = tuple[str, str, int, Pairs, str]


def _lines(cells: Sequence[Observation]) -> dict[LineKey, list[int]]:
    """Children of each (indicator, area, period, parent disaggregation, dimension)."""
    lines: dict[LineKey, list[int]] = defaultdict(list)
    for index, obs in enumerate(cells):
        for dim, _ in obs.disaggregation:
            parent = tuple(p for p in obs.disaggregation if p[0] != dim)
            lines[(obs.indicator, obs.area, obs.period, parent, dim)].append(index)
    return lines


def _secondary(cells: list[Observation], suppressed: list[bool]) -> int:
    position = {(o.indicator, o.area, o.period, o.disaggregation): i for i, o in enumerate(cells)}
    lines = _lines(cells)
    added = 0
    changed = True
    while changed:
        changed = False
        for (indicator, area, period, parent_pairs, _), children in lines.items():
            parent = position.get((indicator, area, period, parent_pairs))
            if parent is None:
                continue  # no published total along this line: nothing to subtract from
            members = [parent, *children]
            if sum(suppressed[i] for i in members) != 1:
                continue
            candidates = [i for i in children if not suppressed[i]]
            if not candidates:
                candidates = [parent]
            pick = min(candidates, key=lambda i: (cells[i].n or 0, cells[i].key))
            suppressed[pick] = True
            added += 1
            changed = True
    return added


def apply_disclosure(
    observations: Iterable[Observation], rules: DisclosureRules
) -> tuple[list[Observation], DisclosureReport]:
    """Apply primary and secondary suppression; suppressed cells lose every number."""
    cells = list(observations)
    decisions = [primary_decision(o, rules) for o in cells]
    suppressed = [d is Flag.SUPPRESSED for d in decisions]
    primary = sum(suppressed)
    secondary = _secondary(cells, suppressed) if rules.secondary else 0
    out: list[Observation] = []
    caution = 0
    for obs, decision, hide in zip(cells, decisions, suppressed, strict=True):
        if hide:
            out.append(obs.suppressed())
        elif decision is Flag.LOW_RELIABILITY:
            caution += 1
            out.append(obs.with_flags(Flag.LOW_RELIABILITY))
        else:
            out.append(obs)
    report = DisclosureReport(
        cells=len(cells),
        published=len(cells) - primary - secondary,
        caution=caution,
        primary=primary,
        secondary=secondary,
    )
    return out, report
