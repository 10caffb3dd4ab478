"""Significance for the rights tests: p-values of estimates and Holm's step-down rule.

Every rights test asks whether a change or a difference estimated on the
survey is larger than chance would give. The test statistic is the estimate
over its design-based standard error, compared with the standard normal (the
convention of the confidence intervals, ``insaf.measures.Estimate.ci``).
Where many groups are tested at once, Holm's step-down correction keeps the
chance of flagging any group wrongly below ``alpha``: sort the p-values
``p(1) <= ... <= p(m)``, reject while ``p(k) <= alpha / (m - k + 1)``, and stop
at the first that is not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from insaf.measures import Estimate

__all__ = ["HolmStep", "holm", "p_greater", "p_two_sided"]

_NORMAL = NormalDist()


def _z(value: float, se: float) -> float:
    if se > 0 and math.isfinite(se):
        return value / se
    if value == 0 or math.isnan(value):
        return 0.0
    return math.copysign(math.inf, value)


def p_two_sided(e: Estimate, *, null: float = 0.0) -> float:
    """``P(|Z| >= |(e - null) / se|)``: the estimate differs from ``null``."""
    z = _z(e.value - null, e.se)
    if math.isinf(z):
        return 0.0
    return 2.0 * (1.0 - _NORMAL.cdf(abs(z)))


def p_greater(e: Estimate, *, null: float = 0.0) -> float:
    """``P(Z >= (e - null) / se)``: the estimate is larger than ``null`` (one-sided)."""
    z = _z(e.value - null, e.se)
    if math.isinf(z):
        return 0.0 if z > 0 else 1.0
    return 1.0 - _NORMAL.cdf(z)


@dataclass(frozen=True, slots=True)
class HolmStep:
    """One hypothesis in Holm's procedure: its rank among the p-values (1 = smallest),
    the threshold ``alpha / (m - rank + 1)`` it is held to, and whether it is rejected."""

    p_value: float
    rank: int
    threshold: float
    rejected: bool


def holm(p_values: Sequence[float], alpha: float) -> list[HolmStep]:
    """Holm's step-down decisions, in the order of ``p_values``.

    Ties keep their input order; a NaN p-value is never rejected and ranks last.
    """
    m = len(p_values)
    order = sorted(
        range(m),
        key=lambda i: (
            math.isnan(p_values[i]),
            p_values[i] if not math.isnan(p_values[i]) else 0.0,
            i,
        ),
    )
    out: list[HolmStep | None] = [None] * m
    still = True
    for position, i in enumerate(order, start=1):
        threshold = alpha / (m - position + 1)
        p = p_values[i]
        still = still and not math.isnan(p) and p <= threshold
        out[i] = HolmStep(p_value=p, rank=position, threshold=threshold, rejected=still)
    return [step for step in out if step is not None]
