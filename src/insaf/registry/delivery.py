"""Design against implementation: what the rule promised on the survey, what the registry did.

The *design* is the ruleset run on the survey (the policy engine, as in
``insaf simulate``): who the rule itself would pay. The *implementation* is
what the registry determined (or, when given, what was actually paid) for the
same households. Both benefits go through ``insaf.targeting``'s
``evaluate_benefit``, the code behind ``insaf target evaluate``, with the
survey's weights, welfare and line: coverage, exclusion and inclusion errors,
and coverage and benefit share by decile. The design's exclusion is caused by
the rule; what the implementation adds to it is caused by delivery (data that
differ from the survey's, duplicates, households not enrolled or not paid).

The registry's households must be the survey's (same identifiers): the demo
registry is built that way (``from_survey``); a national registry is matched
to a survey by its own linkage before this comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.registry.determine import determine_frame
from insaf.registry.model import Registry
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, simulate_ruleset
from insaf.survey import Survey
from insaf.targeting.data import TargetingData
from insaf.targeting.metrics import Evaluation, evaluate_benefit

__all__ = ["DeliveryGap", "design_benefit", "design_vs_implementation"]


def design_benefit(ruleset: Ruleset, survey: Survey) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Each survey household's benefit from the ruleset's instruments (the engine on the survey)."""
    data, state = simulate_ruleset(ruleset, survey)
    total = np.zeros(data.n_households)
    for name in ruleset.instruments:
        total += state.flows[name].benefit
    return total


@dataclass(frozen=True)
class DeliveryGap:
    """The design's and the implementation's evaluations, side by side."""

    programme: str
    design: Evaluation
    implementation: Evaluation

    def deciles(self) -> pl.DataFrame:
        """Coverage and benefit share by decile: design, implementation, and the gap."""
        rows = []
        for i, (d, m) in enumerate(
            zip(self.design.deciles, self.implementation.deciles, strict=True)
        ):
            rows.append(
                {
                    "decile": i + 1,
                    "coverage_design": d["coverage"].value,
                    "coverage_registry": m["coverage"].value,
                    "coverage_gap": m["coverage"].value - d["coverage"].value,
                    "benefit_share_design": d["benefit_share"].value,
                    "benefit_share_registry": m["benefit_share"].value,
                }
            )
        return pl.DataFrame(rows)

    def summary(self) -> dict[str, dict[str, float]]:
        """Coverage, errors and cost: design and implementation."""
        out: dict[str, dict[str, float]] = {}
        for name, ev in (("design", self.design), ("registry", self.implementation)):
            line = ev.definitions["line"]
            out[name] = {
                "coverage": ev.summary["coverage"].value,
                "exclusion_error": line["exclusion_error"].value,
                "inclusion_error": line["inclusion_error"].value,
                "cost": ev.summary["cost"].value,
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "summary": self.summary(),
            "deciles": self.deciles().to_dicts(),
        }


def design_vs_implementation(
    ruleset: Ruleset,
    survey: Survey,
    registry: Registry,
    as_of: dt.date,
    *,
    paid: Mapping[int, float] | None = None,
    welfare: str = "consumption_pc",
    line: str | float = "poverty_line",
    net_of: str | None = None,
) -> DeliveryGap:
    """Evaluate the design on the survey and the registry's outcome on the same households.

    ``paid`` (household id -> amount per period) replaces the registry's
    determinations by what was paid; households of the survey missing from the
    registry, or from ``paid``, receive nothing.
    """
    key = survey.household_key
    if survey.households is None or key is None:
        raise DataError(said("the design is evaluated on a survey with a household table"))
    ids = survey.households.frame.get_column(key).cast(pl.Int64)
    data = TargetingData.build(survey, welfare=welfare, line=line, net_of=net_of, groups=[])
    design = np.maximum(design_benefit(ruleset, survey), 0.0)
    if paid is None:
        outcome = determine_frame(ruleset, registry, as_of, draft=not ruleset.approved)
        amounts = dict(
            zip(
                outcome.get_column(HOUSEHOLD).to_list(),
                outcome.get_column("entitlement").to_list(),
                strict=True,
            )
        )
    else:
        amounts = dict(paid)
    matched = sum(1 for h in ids.to_list() if h in amounts)
    if matched == 0:
        raise DataError(
            said(
                "no household of the survey is in the registry: the registry must carry the "
                "survey's household identifiers"
            )
        )
    implemented = np.asarray([max(amounts.get(h, 0.0), 0.0) for h in ids.to_list()])
    return DeliveryGap(
        programme=ruleset.id,
        design=evaluate_benefit(data, design, rule=f"{ruleset.id} (design)", groups=False),
        implementation=evaluate_benefit(
            data, implemented, rule=f"{ruleset.id} (registry)", groups=False
        ),
    )
