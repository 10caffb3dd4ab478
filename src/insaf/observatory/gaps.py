"""The gap between two groups and whether it is statistically significant.

For two estimates with standard errors ``se_a`` and ``se_b`` from the same
survey year, the gap ``a - b`` has standard error ``sqrt(se_a^2 + se_b^2)``
when the covariance between the two domain estimates is ignored (exact for
independent samples; for domains of one survey it is the usual published
approximation, conservative when the two estimates are positively correlated).
The gap is significant at level ``alpha`` when ``|z| > z_(1 - alpha/2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["Gap", "group_gap"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """``a - b`` with its standard error, z statistic, two-sided p-value and verdict."""

    value: float
    se: float | None
    z: float | None
    p_value: float | None
    significant: bool | None


def group_gap(
    a: float, se_a: float | None, b: float, se_b: float | None, *, alpha: float = 0.05
) -> Gap:
    """The gap ``a - b``; ``significant`` is ``None`` when a standard error is missing."""
    value = a - b
    if se_a is None or se_b is None:
        return Gap(value=value, se=None, z=None, p_value=None, significant=None)
    se = math.sqrt(se_a**2 + se_b**2)
    if se == 0:
        return Gap(value=value, se=0.0, z=None, p_value=None, significant=value != 0)
    z = value / se
    p = 2.0 * (1.0 - NormalDist().cdf(abs(z)))
    return Gap(value=value, se=se, z=z, p_value=p, significant=p < alpha)
