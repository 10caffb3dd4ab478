"""Across programmes: one household's programmes together, exclusions, stacking caps, overlaps.

``determine_all(rulesets, registry, as_of)`` gives one row per household and
programme (``household_id``, ``programme``, ``version``, ``eligible``,
``entitlement``). ``apply_cross_rules`` then applies, in this order:

1. **exclusions**: ``{programme: P, excluded_by: Q}`` sets P's entitlement to 0
   for a household eligible for Q (reason ``excluded_by:Q``);
2. **a stacking cap**: a household's total over all programmes is at most
   ``cap + cap_per_member * members``; above it, programmes are cut in the
   reverse of ``priority`` (the last listed first), each down to zero before the
   next is touched (reason ``stacking_cap``).

The result keeps the entitlement before (``entitlement``) and after
(``payable``) and the reasons. ``overlap(outcomes)`` counts households eligible
for each pair of programmes (the diagonal: for each one);
``public_overlap`` passes those counts through ``insaf.disclosure``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, model_validator

from insaf.disclosure import Cell, DisclosureRules, control
from insaf.errors import DataError, said
from insaf.registry.determine import Determination, checked_view, determine_frame, explain
from insaf.registry.model import Registry, columns_of
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, run_ruleset

__all__ = [
    "CrossRules",
    "Exclusion",
    "StackingCap",
    "apply_cross_rules",
    "determine_all",
    "determine_each",
    "overlap",
    "public_overlap",
]


class Exclusion(BaseModel):
    """A household eligible for ``excluded_by`` receives nothing from ``programme``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    programme: str
    excluded_by: str

    @model_validator(mode="after")
    def _two(self) -> Exclusion:
        if self.programme == self.excluded_by:
            raise ValueError(said("a programme cannot exclude itself"))
        return self


class StackingCap(BaseModel):
    """At most ``cap + cap_per_member * members`` a period from all programmes together."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cap: NonNegativeFloat
    cap_per_member: NonNegativeFloat = 0.0


class CrossRules(BaseModel):
    """Rules between programmes (module notes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    priority: list[str] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)
    stacking: StackingCap | None = None


def determine_all(
    rulesets: Sequence[Ruleset],
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
) -> pl.DataFrame:
    """One row per household and programme: ``eligible`` and ``entitlement``."""
    # the whole registry's variables, found once for every ruleset (``checked_view``)
    columns = None if households is None else columns_of(registry.observations, as_of)
    parts = []
    for ruleset in rulesets:
        frame = determine_frame(ruleset, registry, as_of, households, draft=draft, columns=columns)
        parts.append(
            frame.select(
                HOUSEHOLD,
                pl.lit(ruleset.id).alias("programme"),
                pl.lit(ruleset.version).alias("version"),
                "eligible",
                "entitlement",
            )
        )
    return pl.concat(parts).sort(HOUSEHOLD, "programme")


def determine_each(
    rulesets: Sequence[Ruleset],
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
) -> list[Determination]:
    """Every ruleset's determinations (as ``determine`` gives them), the registry read once.

    The registry on ``as_of`` (``Registry.as_of``: the latest observations, the members on
    that day) is laid out once and every programme runs on that one view, rather than once
    per programme. Each ruleset must be approved (or ``draft``) and in force on ``as_of``.
    """
    view = checked_view(rulesets, registry, as_of, households, draft=draft)
    return [d for r in rulesets for d in explain(run_ruleset(r, view), draft=draft)]


def apply_cross_rules(
    outcomes: pl.DataFrame,
    rules: CrossRules,
    members: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``outcomes`` (from ``determine_all``) with ``payable`` and ``reasons`` (module notes).

    ``members`` (``household_id``, ``members``) is needed for ``cap_per_member``.
    """
    programmes = outcomes.get_column("programme").unique().to_list()
    known = set(programmes)
    for name in [
        *rules.priority,
        *(x for e in rules.exclusions for x in (e.programme, e.excluded_by)),
    ]:
        if name not in known:
            raise DataError(
                said(
                    "cross-programme rules name {name}, which is not among the programmes "
                    "determined ({known})",
                    name=repr(name),
                    known=", ".join(sorted(known)),
                )
            )
    out = outcomes.with_columns(
        payable=pl.col("entitlement"), reasons=pl.lit([], dtype=pl.List(pl.String))
    )
    for rule in rules.exclusions:
        excluding = out.filter((pl.col("programme") == rule.excluded_by) & pl.col("eligible"))
        hit = (pl.col("programme") == rule.programme) & pl.col(HOUSEHOLD).is_in(
            excluding.get_column(HOUSEHOLD).implode()
        )
        out = out.with_columns(
            payable=pl.when(hit).then(0.0).otherwise(pl.col("payable")),
            reasons=pl.when(hit & (pl.col("payable") > 0))
            .then(pl.col("reasons").list.concat(pl.lit([f"excluded_by:{rule.excluded_by}"])))
            .otherwise(pl.col("reasons")),
        )
    if rules.stacking is not None:
        out = _stack(out, rules, members, programmes)
    return out


def _stack(
    out: pl.DataFrame, rules: CrossRules, members: pl.DataFrame | None, programmes: list[str]
) -> pl.DataFrame:
    stacking = rules.stacking
    assert stacking is not None
    order = [*rules.priority, *sorted(p for p in programmes if p not in rules.priority)]
    rank = {p: i for i, p in enumerate(order)}
    limit = pl.lit(stacking.cap)
    if stacking.cap_per_member:
        if members is None:
            raise DataError(said("a stacking cap per member needs each household's members"))

        out = out.join(members.select(HOUSEHOLD, "members"), on=HOUSEHOLD, how="left")
        limit = limit + stacking.cap_per_member * pl.col("members").fill_null(0)
    ranked = out.with_columns(
        __rank__=pl.col("programme").replace_strict(rank, return_dtype=pl.Int64),
        __limit__=limit,
    ).sort(HOUSEHOLD, "__rank__")
    before = pl.col("payable").cum_sum().over(HOUSEHOLD) - pl.col("payable")
    allowed = pl.min_horizontal(
        pl.col("payable"), pl.max_horizontal(pl.col("__limit__") - before, pl.lit(0.0))
    )
    cut = allowed < pl.col("payable") - 1e-9
    ranked = ranked.with_columns(
        reasons=pl.when(cut)
        .then(pl.col("reasons").list.concat(pl.lit(["stacking_cap"])))
        .otherwise(pl.col("reasons")),
        payable=allowed,
    )
    drop = ["__rank__", "__limit__"] + (["members"] if "members" in ranked.columns else [])
    return ranked.drop(drop).sort(HOUSEHOLD, "programme")


def overlap(outcomes: pl.DataFrame, *, column: str = "eligible") -> pl.DataFrame:
    """Households eligible for each pair of programmes (``programme``, one column each)."""
    programmes = sorted(outcomes.get_column("programme").unique().to_list())
    wide = outcomes.pivot(on="programme", index=HOUSEHOLD, values=column).fill_null(False)
    flags = np.column_stack([wide.get_column(p).to_numpy().astype(np.int64) for p in programmes])
    counts = flags.T @ flags
    return pl.DataFrame(
        {"programme": programmes, **{p: counts[:, j] for j, p in enumerate(programmes)}}
    )


def public_overlap(
    outcomes: pl.DataFrame, rules: DisclosureRules | None = None
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The overlap counts with small counts withheld (``None``) by ``insaf.disclosure``.

    Each count is a census count (no sampling error): the frequency rule
    applies; overlaps are not parts of one another, so no line links them.
    """
    rules = rules or DisclosureRules()
    table = overlap(outcomes)
    programmes = table.get_column("programme").to_list()
    cells = [
        Cell(table=(a, b), n=int(table.get_column(b)[i]))
        for i, a in enumerate(programmes)
        for b in programmes
    ]
    decided = control(cells, rules)
    k = 0
    columns: dict[str, list[int | None]] = {b: [] for b in programmes}
    for i, _ in enumerate(programmes):
        for b in programmes:
            columns[b].append(None if decided.suppressed(k) else int(table.get_column(b)[i]))
            k += 1
    public = pl.DataFrame({"programme": programmes, **columns})
    return public, decided.report.to_dict()
