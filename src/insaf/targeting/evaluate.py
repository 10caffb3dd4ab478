"""``evaluate``: every targeting metric of one rule on one survey.

The amount paid per eligible unit and period is ``amount``; or the amount
that spends ``budget`` a year exactly; or, with neither, a quarter of the
people-weighted mean poverty line (a default that keeps poverty-impact
figures readable; it is reported with the results).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from insaf.errors import InsafError, said
from insaf.survey import Survey
from insaf.targeting.data import Below, TargetingData
from insaf.targeting.metrics import Evaluation, evaluate_benefit
from insaf.targeting.model import PmtModel
from insaf.targeting.rules import Rule, RuleEngine
from insaf.targeting.text import DEFAULT_SHARE_OF_LINE, source_words

__all__ = ["DEFAULT_SHARE_OF_LINE", "evaluate", "evaluate_recorded", "evaluate_rule"]


def evaluate_rule(
    engine: RuleEngine,
    rule: Rule,
    *,
    amount: float | None = None,
    budget: float | None = None,
    poorest: float = 0.2,
    groups: bool = True,
) -> Evaluation:
    """Metrics of ``rule`` on the survey of ``engine``."""
    if amount is not None and budget is not None:
        raise InsafError(said("give an amount or a budget, not both"))
    data = engine.data
    cut = engine.cutoff(rule)
    units = engine.units(rule, cut)
    if budget is not None:
        amount = engine.amount_for(units, budget)
        source = "budget"
    elif amount is None:
        mean_line = float(np.dot(data.people, data.line) / data.people.sum())
        amount = round(DEFAULT_SHARE_OF_LINE * mean_line, 2)
        source = source_words("default")
    else:
        if not amount >= 0:
            raise InsafError(
                said(
                    "an amount must be zero or positive, not {amount}",
                    amount=amount,
                )
            )
        source = "given"
    benefit = amount * units
    details = {
        "id": rule.id,
        "kind": rule.kind,
        "unit": rule.unit,
        "eligible": rule.expression(cut, engine.line),
        "cutoff_score": cut,
        "amount": amount,
        "amount_source": source,
        "period": data.period,
        "budget": budget,
    }
    return evaluate_benefit(
        data, benefit, poorest=poorest, rule=rule.describe(), details=details, groups=groups
    )


def evaluate(
    survey: Survey,
    rule: Rule | None = None,
    *,
    model: PmtModel | None = None,
    amount: float | None = None,
    budget: float | None = None,
    welfare: str = "consumption_pc",
    line: str | float = "poverty_line",
    net_of: str | None = None,
    poorest: float = 0.2,
    groups: Sequence[str] | None = None,
    below: Below = "<",
) -> Evaluation:
    """Every metric of ``rule`` (universal when None) with design-based standard errors."""
    data = TargetingData.build(
        survey, welfare=welfare, line=line, net_of=net_of, groups=groups, below=below
    )
    engine = RuleEngine(data, model)
    return evaluate_rule(engine, rule or Rule(), amount=amount, budget=budget, poorest=poorest)


def evaluate_recorded(
    survey: Survey,
    benefit: str,
    *,
    welfare: str = "consumption_pc",
    line: str | float = "poverty_line",
    poorest: float = 0.2,
    groups: Sequence[str] | None = None,
    below: Below = "<",
) -> Evaluation:
    """Metrics of a benefit the survey records (a household column, money per period).

    Welfare before the benefit is ``welfare`` less the benefit per person: the
    programme is assessed against the welfare households would have without it.
    """
    data = TargetingData.build(
        survey, welfare=welfare, line=line, net_of=benefit, groups=groups, below=below
    )
    values = data.frame.get_column(benefit).cast(pl.Float64).fill_null(0.0).to_numpy()
    details = {"id": benefit, "kind": "recorded", "benefit": benefit, "period": data.period}
    return evaluate_benefit(
        data, values, poorest=poorest, rule=f"recorded benefit {benefit!r}", details=details
    )
