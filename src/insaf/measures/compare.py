"""Differences and ratios of two estimates from the same sample.

Both estimates keep what their variance came from: PSU totals of influence
values (linearization) or replicate estimates. The difference ``a - b`` is
linear, so its PSU totals are ``t_a - t_b`` and its replicates ``a_r - b_r``;
the ratio ``a / b`` has influence ``(z_a - (a/b) z_b) / b``. Either way the
covariance between ``a`` and ``b`` (same units, same PSUs, or a domain and the
threshold it shares with another) is accounted for exactly.
"""

from __future__ import annotations

import math

import numpy as np

from insaf.errors import DesignError
from insaf.measures.estimate import Estimate, LinearBasis, ReplicateBasis
from insaf.measures.variance import FloatArray, linearized_variance, replicate_variance

__all__ = ["difference", "ratio_of"]


def _domain_label(e: Estimate) -> str:
    if e.domain is None:
        return "all"
    return ", ".join(f"{k}={v}" for k, v in e.domain.items())


def _combine(a: Estimate, b: Estimate, ca: float, cb: float, value: float, name: str) -> Estimate:
    """An estimate whose influence is ``ca z_a + cb z_b``."""
    if a.basis is None or b.basis is None:
        raise DesignError(
            "this estimate has no influence values or replicates to compare with "
            "(for example a Woodruff quantile interval); estimate with se='kernel'"
        )
    if isinstance(a.basis, LinearBasis) and isinstance(b.basis, LinearBasis):
        if a.basis.design.key != b.basis.design.key:
            raise DesignError("the two estimates do not come from the same sample and design")
        totals = ca * a.basis.totals + cb * b.basis.totals
        var = float(linearized_variance(totals, a.basis.design))
        basis: LinearBasis | ReplicateBasis = LinearBasis(totals=totals, design=a.basis.design)
    elif isinstance(a.basis, ReplicateBasis) and isinstance(b.basis, ReplicateBasis):
        if a.basis.key != b.basis.key:
            raise DesignError("the two estimates do not use the same replicate weights")
        thetas = _replicate_values(a, b, name)
        var = float(replicate_variance(thetas[:, None], np.array([value]), a.basis.spec)[0])
        basis = ReplicateBasis(thetas=thetas, spec=a.basis.spec, key=a.basis.key)
    else:
        raise DesignError("one estimate is linearized and the other uses replicates")
    same_domain = a.domain == b.domain
    return Estimate(
        measure=f"{name}({a.measure}[{_domain_label(a)}], {b.measure}[{_domain_label(b)}])",
        value=value,
        se=math.sqrt(max(var, 0.0)),
        n=a.n if same_domain else a.n + b.n,
        population=a.population if same_domain else a.population + b.population,
        domain=a.domain if same_domain else None,
        variable=a.variable if a.variable == b.variable else None,
        method=a.method,
        basis=basis,
    )


def _replicate_values(a: Estimate, b: Estimate, name: str) -> FloatArray:
    assert isinstance(a.basis, ReplicateBasis) and isinstance(b.basis, ReplicateBasis)
    if name == "difference":
        return a.basis.thetas - b.basis.thetas
    return a.basis.thetas / b.basis.thetas


def difference(a: Estimate, b: Estimate) -> Estimate:
    """``a - b`` with the standard error from the joint influence (or replicates).

    ``n`` and ``population`` are the two domains' together when the domains
    differ (for a comparison of two variables on one domain, that domain's).
    """
    return _combine(a, b, 1.0, -1.0, a.value - b.value, "difference")


def ratio_of(a: Estimate, b: Estimate) -> Estimate:
    """``a / b`` with influence ``(z_a - (a/b) z_b)/b``."""
    if b.value == 0:
        raise DesignError(f"cannot divide by {b.measure} = 0")
    r = a.value / b.value
    return _combine(a, b, 1.0 / b.value, -r / b.value, r, "ratio")
