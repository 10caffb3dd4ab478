"""Inequality: Gini (Osier/convey or Eurostat/laeken), generalised entropy, Atkinson,
quintile share ratio, Palma, percentile ratios, Lorenz ordinates, quantile
shares and the concentration coefficient.

Influence values are the derivatives of each estimator with respect to the
weight of unit ``k`` (Deville 1999), written out in ``docs/methods/``; for
quantile-based measures the quantile's derivative uses convey's kernel
density (``S'(x)`` for income shares below a quantile).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from insaf.errors import InsafError, said
from insaf.measures._kernels import inequality as kernels
from insaf.measures._kernels import plans
from insaf.measures._kernels.plan import estimate, run_plans, sample_for
from insaf.measures._kernels.quantile import check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.types import (
    Estimation,
    GiniEstimator,
    NonPositive,
    QuantileRule,
    estimation_keywords,
)
from insaf.measures.variance import FloatArray
from insaf.survey.survey import Survey

__all__ = [
    "GiniEstimator",
    "atkinson",
    "concentration",
    "concentration_of_sorted",
    "ge",
    "gini",
    "lorenz",
    "mld",
    "palma",
    "percentile_ratio",
    "qsr",
    "quantile_shares",
    "theil",
]


@estimation_keywords()
def gini(
    survey: Survey,
    variable: str,
    *,
    estimator: GiniEstimator = "osier",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Gini coefficient (a fraction). ``estimator="osier"`` is convey's ``svygini``;
    ``"eurostat"`` is laeken's ``gini`` (it differs by a term of order 1/N)."""
    plan = plans.gini(variable, estimator=estimator)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def ge(
    survey: Survey,
    variable: str,
    *,
    alpha: float = 2.0,
    nonpositive: NonPositive = "error",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Generalised entropy ``GE(a) = ((1/N) sum w (y/mu)^a - 1)/(a(a-1))``;
    ``a=0`` mean log deviation, ``a=1`` Theil. Needs positive values: zero or
    negative ones raise a ``DataError`` (column and count) unless
    ``nonpositive="exclude"``."""
    plan = plans.ge(variable, alpha=alpha, nonpositive=nonpositive)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def mld(
    survey: Survey,
    variable: str,
    *,
    nonpositive: NonPositive = "error",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Mean log deviation, ``GE(0) = ln mu - (1/N) sum w ln y``."""
    plan = plans.mld(variable, nonpositive=nonpositive)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def theil(
    survey: Survey,
    variable: str,
    *,
    nonpositive: NonPositive = "error",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Theil index, ``GE(1) = (1/Y) sum w y ln y - ln mu``."""
    plan = plans.theil(variable, nonpositive=nonpositive)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def atkinson(
    survey: Survey,
    variable: str,
    *,
    epsilon: float = 1.0,
    nonpositive: NonPositive = "error",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Atkinson index ``1 - (equally distributed equivalent)/mu`` with inequality
    aversion ``epsilon > 0``. Needs positive values (see ``ge``)."""
    plan = plans.atkinson(variable, epsilon=epsilon, nonpositive=nonpositive)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def qsr(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Quintile share ratio S80/S20: total above ``q_0.8`` over total at or below
    ``q_0.2`` (laeken ``qsr``; convey ``svyqsr`` linearization)."""
    plan = plans.qsr(variable, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def palma(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Palma ratio: share of the top 10% over the share of the bottom 40%."""
    plan = plans.palma(variable, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def percentile_ratio(
    survey: Survey,
    variable: str,
    *,
    upper: float = 0.9,
    lower: float = 0.1,
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """``q_upper / q_lower`` (P90/P10 by default; P90/P50 and P50/P10 by choice)."""
    check_rule(rule)
    for p in (upper, lower):
        if not 0.0 < p < 1.0:
            raise InsafError(said("percentiles must be in (0, 1), not {p}", p=p))
    name = f"p{round(upper * 100):d}/p{round(lower * 100):d}"
    kernel = kernels.percentile_ratio(upper, lower, rule)
    plan = plans.sorted_by_y(variable, name, kernel)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def lorenz(
    survey: Survey,
    variable: str,
    *,
    p: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Lorenz ordinates ``L(p) = sum w y 1(y <= q_p) / Y``, one estimate per ``p``."""
    check_rule(rule)
    each = [
        plans.sorted_by_y(variable, f"lorenz[{x:g}]", kernels.income_share(0.0, float(x), rule))
        for x in p
    ]
    sample = sample_for(survey, each[0], **estimation)
    return run_plans(sample, each)


@estimation_keywords()
def quantile_shares(
    survey: Survey,
    variable: str,
    *,
    groups: int = 5,
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Share of the total held by each of ``groups`` quantile groups (5 quintiles,
    10 deciles): ``(ISQ(j/g) - ISQ((j-1)/g)) / Y``."""
    check_rule(rule)
    if groups < 2:
        raise InsafError(said("quantile shares need at least two groups"))
    each = [
        plans.sorted_by_y(
            variable,
            f"share[{j}/{groups}]",
            kernels.income_share((j - 1) / groups, j / groups, rule),
        )
        for j in range(1, groups + 1)
    ]
    sample = sample_for(survey, each[0], **estimation)
    return run_plans(sample, each)


@estimation_keywords()
def concentration(
    survey: Survey,
    variable: str,
    *,
    rank_by: str,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Concentration coefficient of ``variable`` over units ranked by ``rank_by``:
    ``2 cov(y, F(x)) / mean(y)`` with mid-point ranks (equal to the Eurostat Gini
    when ``variable`` is ``rank_by`` and there are no ties)."""
    plan = plans.concentration(variable, rank_by=rank_by)
    return estimate(survey, plan, **estimation)


def concentration_of_sorted(
    values: FloatArray, rank_by: FloatArray, weight: FloatArray
) -> tuple[float, FloatArray]:
    """The concentration coefficient of ``values`` and its influence values, for arrays
    already sorted by ``rank_by`` (ascending): the estimator of ``concentration`` for a
    caller that holds its own design (``insaf.targeting``'s evaluations). A zero total of
    ``values`` is a ``DataError``."""
    value, influence, _ = kernels.concentration({"y": values, "x": rank_by}, weight, 0.0, True)
    assert influence is not None
    return value, influence
