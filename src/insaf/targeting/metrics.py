"""Targeting performance of a benefit: who is covered, who is missed, what it does.

Notation (docs/references.md, "Targeting metrics"): ``w`` the people weight
(household weight x size), ``y`` pre-transfer welfare per person, ``z`` the
poverty line, ``B`` 1 when the household receives the benefit, ``t`` the
benefit per person (household benefit / size), ``P`` 1 for the poor. Two
definitions of "poor", both always reported (World Bank 2022, *Revisiting
Targeting in Social Assistance*, annex 7A): ``line`` (``y < z``) and
``poorest`` (the poorest ``q`` of people by ``y``).

==============================  =====================================================
``coverage``                    ``sum w B / sum w``
``coverage_poor``               ``sum w P B / sum w P`` (1 - exclusion error)
``exclusion_error``             ``1 - coverage_poor``
``inclusion_error``             ``sum w (1-P) B / sum w B`` (share of beneficiaries not poor)
``inclusion_error_nonpoor``     ``sum w (1-P) B / sum w (1-P)`` (share of the non-poor covered)
``targeting_differential``      ``coverage_poor - coverage of the non-poor``
``benefit_share_poor``          ``sum w P t / sum w t``
``cgh20``, ``cgh40``            ``(sum w t 1(F < q) / sum w t) / q`` (Coady-Grosh-Hoddinott)
``concentration``               ``2 cov(t, F(y)) / mean(t)`` (mid-point ranks)
``adequacy``                    ``sum w B t / sum w B y``; ``adequacy_poor``: poor beneficiaries
``benefit_cost_ratio``          ``sum w [max(z-y,0) - max(z-y-t,0)] / sum w t``
``fgt0/1/2``                    before, after (``y + t``), and the change (paired)
==============================  =====================================================

Deciles and the poorest ``q`` are fixed at their sample values (the standard
errors do not carry the sampling variance of the quantiles); every other
standard error is design-based (linearization, ``insaf.measures``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from insaf._renamed import renamed_keywords
from insaf.errors import DataError, InsafError, said
from insaf.measures import Estimate, difference, estimate_dict
from insaf.measures.estimate import LinearBasis
from insaf.measures.inequality import concentration_of_sorted
from insaf.measures.variance import FloatArray, linearized_variance
from insaf.targeting.data import TargetingData
from insaf.targeting.estimators import LinearBatch, scaled

__all__ = ["DEFINITIONS", "Evaluation", "concentration", "evaluate_benefit"]

DEFINITIONS = ("line", "poorest")


@dataclass(frozen=True, eq=False, kw_only=True)
class Evaluation:
    """Every metric of one benefit rule, with design-based standard errors."""

    rule: str
    poorest: float
    welfare: str
    line: str
    summary: Mapping[str, Estimate]
    definitions: Mapping[str, Mapping[str, Estimate]]
    poverty: Mapping[str, Mapping[str, Estimate]]
    deciles: Sequence[Mapping[str, Estimate]]
    groups: Mapping[str, Sequence[tuple[Any, Mapping[str, Estimate]]]]
    details: Mapping[str, Any] = field(default_factory=dict)
    suppressed: frozenset[tuple[str, str]] = frozenset()
    """Group rows withheld by disclosure control, as ``(group, str(category))``: their
    mapping is empty (``insaf.targeting.public``)."""

    def is_suppressed(self, group: str, category: Any) -> bool:
        return (group, str(category)) in self.suppressed

    @renamed_keywords(level="confidence")
    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        """The JSON of ``insaf target evaluate --format json``."""

        def block(m: Mapping[str, Estimate]) -> dict[str, Any]:
            return {k: estimate_dict(e, confidence) for k, e in m.items()}

        return {
            "rule": self.rule,
            "details": dict(self.details),
            "welfare": self.welfare,
            "line": self.line,
            "poorest": self.poorest,
            "confidence": confidence,
            "summary": block(self.summary),
            "definitions": {k: block(v) for k, v in self.definitions.items()},
            "poverty": {k: block(v) for k, v in self.poverty.items()},
            "deciles": [{"decile": i + 1, **block(row)} for i, row in enumerate(self.deciles)],
            "groups": {
                g: [
                    {
                        "category": category,
                        **block(row),
                        "suppressed": self.is_suppressed(g, category),
                    }
                    for category, row in rows
                ]
                for g, rows in self.groups.items()
            },
        }

    @renamed_keywords(level="confidence")
    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        """One row per statistic: section, definition, group, category, measure, value, se, CI."""
        rows: list[dict[str, Any]] = []
        any_estimate = next(iter(self.summary.values()))

        def add(section: str, measure: str | None, e: Estimate | None, **keys: Any) -> None:
            # a withheld row has the keys of an estimate and no number
            numbers = estimate_dict(e if e is not None else any_estimate, confidence)
            if e is None:
                numbers = dict.fromkeys(numbers)
            rows.append(
                {
                    "section": section,
                    "definition": keys.get("definition"),
                    "group": keys.get("group"),
                    "category": None if keys.get("category") is None else str(keys["category"]),
                    "measure": measure,
                    **numbers,
                    "suppressed": e is None,
                }
            )

        for k, e in self.summary.items():
            add("summary", k, e)
        for d, block in self.definitions.items():
            for k, e in block.items():
                add("targeting", k, e, definition=d)
        for a, block in self.poverty.items():
            for k, e in block.items():
                add("poverty", f"{a}_{k}", e)
        for i, row in enumerate(self.deciles):
            for k, e in row.items():
                add("deciles", k, e, group="decile", category=i + 1)
        for g, grows in self.groups.items():
            for category, row in grows:
                if self.is_suppressed(g, category):
                    add("groups", None, None, group=g, category=category)
                for k, e in row.items():
                    add("groups", k, e, group=g, category=category)
        schema: dict[str, Any] = {
            "section": pl.String,
            "definition": pl.String,
            "group": pl.String,
            "category": pl.String,
            "measure": pl.String,
            "value": pl.Float64,
            "se": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "suppressed": pl.Boolean,
        }
        return pl.DataFrame(rows, schema=schema)


def concentration(data: TargetingData, values: FloatArray, batch: LinearBatch) -> Estimate:
    """Concentration coefficient of ``values`` over people ranked by pre-transfer welfare.

    ``C = 2 sum w t r / (N T) - 1`` with mid-point ranks ``r`` (ties share a
    rank), and its influence values: the estimator of ``insaf.measures.concentration``
    (``concentration_of_sorted``; a test checks both agree)."""
    order = data.cache.get("order")
    if order is None:
        order = np.argsort(data.welfare, kind="stable")
        data.cache["order"] = order
    x = data.welfare[order]
    y = values[order]
    w = data.people[order]
    n_pop = float(w.sum())
    try:
        c, z = concentration_of_sorted(y, x, w)
    except DataError:  # no benefit paid: no concentration
        return Estimate(
            measure="concentration", value=math.nan, se=math.nan, n=data.n, population=n_pop
        )
    design = batch.design
    totals = np.bincount(design.psu[order], weights=w * z, minlength=design.n_psus)
    var = float(linearized_variance(totals.astype(np.float64), design))
    return Estimate(
        measure="concentration",
        value=c,
        se=math.sqrt(max(var, 0.0)),
        n=data.n,
        population=n_pop,
        basis=LinearBasis(totals=totals.astype(np.float64), design=design),
    )


def _targeting(
    batch: LinearBatch, poor: FloatArray, covered: FloatArray, t: FloatArray
) -> dict[str, Estimate]:
    nonpoor = 1.0 - poor
    cov_poor = batch.one(poor * covered, poor, measure="coverage_poor")
    cov_nonpoor = batch.one(nonpoor * covered, nonpoor, measure="inclusion_error_nonpoor")
    return {
        "poor_share": batch.one(poor, measure="poor_share"),
        "coverage_poor": cov_poor,
        "exclusion_error": scaled(cov_poor, -1.0, "exclusion_error", shift=1.0),
        "inclusion_error": batch.one(nonpoor * covered, covered, measure="inclusion_error"),
        "inclusion_error_nonpoor": cov_nonpoor,
        "targeting_differential": _renamed(
            difference(cov_poor, cov_nonpoor), "targeting_differential"
        ),
        "benefit_share_poor": batch.one(poor * t, t, measure="benefit_share_poor"),
    }


def _renamed(e: Estimate, measure: str) -> Estimate:
    return scaled(e, 1.0, measure)


def _fgt(gap: FloatArray, alpha: int) -> FloatArray:
    if alpha == 0:
        return (gap > 0).astype(np.float64)
    return np.asarray(gap**alpha, dtype=np.float64)


def evaluate_benefit(
    data: TargetingData,
    benefit: FloatArray,
    *,
    poorest: float = 0.2,
    rule: str = "",
    details: Mapping[str, Any] | None = None,
    groups: bool = True,
) -> Evaluation:
    """Every metric of ``benefit`` (money per household per period, 0 for none)."""
    if not 0.0 < poorest < 1.0:
        raise InsafError(
            said(
                "the poorest share q must be between 0 and 1, not {poorest}",
                poorest=poorest,
            )
        )
    if benefit.shape != data.weight.shape:
        raise InsafError(
            said(
                "{shape} benefits for {n} households",
                shape=benefit.shape[0],
                n=data.n,
            )
        )
    if np.any(benefit < 0) or not np.all(np.isfinite(benefit)):
        raise InsafError(said("benefits must be finite and non-negative"))
    batch = LinearBatch(data.design, data.people)
    y, z = data.welfare, data.line
    t = benefit / data.size
    b = (benefit > 0).astype(np.float64)
    poor = {"line": data.poor_line(), "poorest": data.poorest(poorest)}
    after = y + t

    summary: dict[str, Estimate] = {
        "coverage": batch.one(b, measure="coverage"),
        "beneficiaries": batch.total(b, measure="beneficiaries"),
        "beneficiary_households": batch.total(b / data.size, measure="beneficiary_households"),
        "cost": batch.total(t, measure="cost", factor=data.per_year),
        "mean_benefit": batch.one(t * b, b, measure="mean_benefit"),
    }
    for q in (0.2, 0.4):
        share = batch.one(t * (data.share < q), t, measure=f"benefit_share_bottom{q:g}")
        summary[f"cgh{round(q * 100)}"] = scaled(share, 1.0 / q, f"cgh{round(q * 100)}")
    summary["concentration"] = concentration(data, t, batch)
    summary["adequacy"] = batch.one(b * t, b * y, measure="adequacy")
    summary["adequacy_poor"] = batch.one(
        b * poor["line"] * t, b * poor["line"] * y, measure="adequacy_poor"
    )
    gap0 = np.maximum(z - y, 0.0)
    gap1 = np.maximum(z - after, 0.0)
    summary["benefit_cost_ratio"] = batch.one(gap0 - gap1, t, measure="benefit_cost_ratio")

    definitions = {d: _targeting(batch, poor[d], b, t) for d in DEFINITIONS}

    poverty: dict[str, dict[str, Estimate]] = {}
    below_after = data.poor_line(after)
    g0 = np.where(poor["line"] > 0, gap0 / z, 0.0)
    g1 = np.where(below_after > 0, gap1 / z, 0.0)
    for alpha in (0, 1, 2):
        h0 = poor["line"] if alpha == 0 else _fgt(g0, alpha)
        h1 = below_after if alpha == 0 else _fgt(g1, alpha)
        before = batch.one(h0, measure=f"fgt{alpha}")
        after_e = batch.one(h1, measure=f"fgt{alpha}")
        poverty[f"fgt{alpha}"] = {
            "before": before,
            "after": after_e,
            "change": _renamed(difference(after_e, before), f"fgt{alpha}_change"),
        }

    deciles_d = data.deciles()
    cov_d = batch.ratio(b, measure="coverage", domains=deciles_d)
    share_d = batch.shares(t, deciles_d, measure="benefit_share")
    mean_d = batch.ratio(t, measure="mean_benefit", domains=deciles_d)
    deciles = [
        {"coverage": cov_d[i], "benefit_share": share_d[i], "mean_benefit": mean_d[i]}
        for i in range(10)
    ]

    by_group: dict[str, list[tuple[Any, dict[str, Estimate]]]] = {}
    if groups:
        h1_0 = below_after - poor["line"]
        for name, group in data.groups.items():
            dom = group.domains
            cols: dict[str, list[Estimate]] = {
                "population_share": batch.shares(np.ones(data.n), dom, measure="population_share"),
                "coverage": batch.ratio(b, measure="coverage", domains=dom),
                "benefit_share": batch.shares(t, dom, measure="benefit_share"),
                "mean_benefit": batch.ratio(t, measure="mean_benefit", domains=dom),
            }
            for d in DEFINITIONS:
                p = poor[d]
                cols[f"coverage_poor_{d}"] = batch.ratio(
                    p * b, p, measure="coverage_poor", domains=dom
                )
                cols[f"inclusion_error_{d}"] = batch.ratio(
                    (1 - p) * b, b, measure="inclusion_error", domains=dom
                )
            cols["fgt0_before"] = batch.ratio(poor["line"], measure="fgt0", domains=dom)
            cols["fgt0_change"] = batch.ratio(h1_0, measure="fgt0_change", domains=dom)
            by_group[name] = [
                (label, {k: v[i] for k, v in cols.items()}) for i, label in enumerate(dom.labels)
            ]
    return Evaluation(
        rule=rule,
        poorest=poorest,
        welfare=data.welfare_name + (f" - {data.net_of}/size" if data.net_of else ""),
        line=data.line_name,
        summary=summary,
        definitions=definitions,
        poverty=poverty,
        deciles=deciles,
        groups=by_group,
        details=dict(details or {}),
    )
