"""Poverty measures: FGT family, Watts, Sen, the at-risk-of-poverty threshold and
rate, the relative median poverty gap and the poverty gap in money terms.

A poverty line is a number, the name of a per-unit column (a line that depends
on the household's composition or region), or ``Relative(share, of)``: a share
of the median or mean *of the whole population*, estimated from the same
sample. A relative line's own sampling variance is carried into every domain's
standard error (``z = z_domain + dvalue/dt * z_t``; convey ``svyarpr``).

``below`` says who is poor: ``"<"`` (income strictly below the line; laeken,
Eurostat's "below the threshold", World Bank PIP) is the default, ``"<="`` is
convey's. Gaps ``(t - y)/t`` are zero at the line, so only headcounts differ.
"""

from __future__ import annotations

from typing import Unpack

from insaf.measures._kernels import plans
from insaf.measures._kernels.plan import estimate
from insaf.measures.estimate import Estimates
from insaf.measures.types import (
    Below,
    Estimation,
    Line,
    NonPositive,
    QuantileRule,
    Relative,
    RelativeOf,
    estimation_keywords,
)
from insaf.survey.survey import Survey

__all__ = [
    "Below",
    "Line",
    "Relative",
    "arpr",
    "arpt",
    "fgt",
    "poverty_gap_total",
    "rmpg",
    "sen",
    "watts",
]


@estimation_keywords()
def fgt(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    alpha: float = 0.0,
    below: Below = "<",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Foster–Greer–Thorbecke ``P_alpha = (1/N) sum w ((t - y)/t)^alpha 1(poor)``.

    ``alpha=0`` headcount ratio, 1 poverty gap index, 2 severity. With a
    relative line the derivative with respect to the line is the domain's
    kernel density at ``t`` for ``alpha=0`` and ``alpha/N sum w g^(alpha-1) y/t^2``
    otherwise. Income may be zero or negative (gaps above 1 are kept as they are).
    """
    plan = plans.fgt(variable, line=line, alpha=alpha, below=below, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def watts(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    nonpositive: NonPositive = "error",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Watts index ``(1/N) sum w ln(t/y) 1(poor)``; needs positive incomes.

    Zero or negative values raise a ``DataError`` naming the column and the
    count, unless ``nonpositive="exclude"`` leaves them out of every domain.
    """
    plan = plans.watts(variable, line=line, below=below, nonpositive=nonpositive, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def sen(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Sen index ``S = P0 G_p + P1 (1 - G_p)``, ``G_p`` the (Osier) Gini among the poor.

    Equivalent to Sen's ``H (I + (1 - I) G_p)`` with ``I`` the income-gap ratio.
    With a relative line, ``dS/dt = G_p f(t) + (1 - G_p) dP1/dt + (P0 - P1) dG_p/dt``
    carries the line's variance: ``f`` the domain's kernel density at ``t``,
    ``dG_p/dt`` the Gini's influence at a poor unit with ``y = t`` times
    ``dN_p/dt = N f(t)`` (see ``docs/methods/poverty.md``).
    """
    plan = plans.sen(variable, line=line, below=below, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def poverty_gap_total(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Poverty gap in money: ``sum w (t - y) 1(poor)``, the cost of closing every gap
    with perfect targeting (a total, in the currency of ``variable`` per period)."""
    plan = plans.poverty_gap_total(variable, line=line, below=below, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def arpt(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    of: RelativeOf = "median",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """At-risk-of-poverty threshold ``share * median`` (convey ``svyarpt``).

    With ``by=``, each domain's own threshold (as ``svyby(..., svyarpt)``); the
    rate ``arpr`` instead uses the whole population's threshold in every domain.
    """
    plan = plans.arpt(variable, share=share, of=of, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def arpr(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    of: RelativeOf = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """At-risk-of-poverty rate: share of the domain below ``share * median`` of the
    whole population. ``z = 1_D (1(poor) - ARPR)/N_D + f_D(t) z_t`` (convey
    ``svyarpr``, with ``below="<="``; laeken uses ``"<"``, the default)."""
    plan = plans.arpr(variable, share=share, of=of, below=below, rule=rule)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def rmpg(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    below: Below = "<",
    rule: QuantileRule = "convey",
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Relative median poverty gap ``(t - median of the poor)/t`` with ``t`` the whole
    population's ``share * median``; linearized as convey ``svyrmpg``/``svypoormed``."""
    plan = plans.rmpg(variable, share=share, below=below, rule=rule)
    return estimate(survey, plan, **estimation)
