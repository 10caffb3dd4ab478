"""Differences, ratios and smooth functions of estimates from the same sample.

Every estimate keeps what its variance came from: PSU totals of influence
values (linearization) or replicate estimates. The difference ``a - b`` is
linear, so its PSU totals are ``t_a - t_b`` and its replicates ``a_r - b_r``;
the ratio ``a / b`` has influence ``(z_a - (a/b) z_b) / b``. Any smooth
function ``f(a, b, ...)`` (``combine``) has, by the delta method, influence
``sum_j df/da_j z_j``, and replicates ``f(a_r, b_r, ...)``. Either way the
covariance between the estimates (same units, same PSUs, or a domain and the
threshold it shares with another) is accounted for exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from insaf.errors import DesignError, said
from insaf.measures.estimate import Estimate, LinearBasis, ReplicateBasis
from insaf.measures.variance import FloatArray, linearized_variance, replicate_variance

__all__ = ["combine", "difference", "ratio_of"]


def _domain_label(e: Estimate) -> str:
    if e.domain is None:
        return "all"
    return ", ".join(f"{k}={v}" for k, v in e.domain.items())


def _joint(
    estimates: Sequence[Estimate],
    coefficients: Sequence[float],
    value: float,
    replicate: Callable[..., Any],
    measure: str,
) -> Estimate:
    """An estimate whose influence is ``sum c_j z_j`` (replicates: ``replicate`` of
    the estimates' replicate values)."""
    bases = [e.basis for e in estimates]
    if any(b is None for b in bases):
        raise DesignError(
            said(
                "this estimate has no influence values or replicates to compare with "
                "(for example a Woodruff quantile interval); estimate with se='kernel'",
            )
        )
    linear = [b for b in bases if isinstance(b, LinearBasis)]
    reps = [b for b in bases if isinstance(b, ReplicateBasis)]
    basis: LinearBasis | ReplicateBasis
    if len(linear) == len(bases):
        design = linear[0].design
        if any(b.design.key != design.key for b in linear):
            raise DesignError(
                said(
                    "the estimates do not come from the same sample and design",
                )
            )
        totals = sum(
            (c * b.totals for c, b in zip(coefficients, linear, strict=True)),
            start=np.zeros_like(linear[0].totals),
        )
        var = float(linearized_variance(totals, design))
        basis = LinearBasis(totals=totals, design=design)
    elif len(reps) == len(bases):
        if any(b.key != reps[0].key for b in reps):
            raise DesignError(said("the estimates do not use the same replicate weights"))
        thetas = np.asarray(replicate(*(b.thetas for b in reps)), dtype=np.float64)
        var = float(replicate_variance(thetas[:, None], np.array([value]), reps[0].spec)[0])
        basis = ReplicateBasis(thetas=thetas, spec=reps[0].spec, key=reps[0].key)
    else:
        raise DesignError(
            said(
                "one estimate is linearized and the other uses replicates",
            )
        )
    first = estimates[0]
    if all(e.domain == first.domain for e in estimates):
        domain, n, population = first.domain, first.n, first.population
    else:  # the domains together, each counted once
        seen: dict[str, Estimate] = {}
        for e in estimates:
            seen.setdefault(_domain_label(e), e)
        domain = None
        n = sum(e.n for e in seen.values())
        population = sum(e.population for e in seen.values())
    variables = {e.variable for e in estimates}
    return Estimate(
        measure=measure,
        value=value,
        se=math.sqrt(max(var, 0.0)),
        n=n,
        population=population,
        domain=domain,
        variable=first.variable if len(variables) == 1 else None,
        method=first.method,
        basis=basis,
    )


def _combine(a: Estimate, b: Estimate, ca: float, cb: float, value: float, name: str) -> Estimate:
    """An estimate whose influence is ``ca z_a + cb z_b``."""

    def replicate(ta: FloatArray, tb: FloatArray) -> FloatArray:
        return _replicate_values(ta, tb, name)

    measure = f"{name}({a.measure}[{_domain_label(a)}], {b.measure}[{_domain_label(b)}])"
    return _joint([a, b], [ca, cb], value, replicate, measure)


def _replicate_values(ta: FloatArray, tb: FloatArray, name: str) -> FloatArray:
    return ta - tb if name == "difference" else ta / tb


def difference(a: Estimate, b: Estimate) -> Estimate:
    """``a - b`` with the standard error from the joint influence (or replicates).

    ``n`` and ``population`` are the two domains' together when the domains
    differ (for a comparison of two variables on one domain, that domain's).
    """
    return _combine(a, b, 1.0, -1.0, a.value - b.value, "difference")


def ratio_of(a: Estimate, b: Estimate) -> Estimate:
    """``a / b`` with influence ``(z_a - (a/b) z_b)/b``."""
    if b.value == 0:
        raise DesignError(said("cannot divide by {measure} = 0", measure=b.measure))
    r = a.value / b.value
    return _combine(a, b, 1.0 / b.value, -r / b.value, r, "ratio")


def combine(
    fn: Callable[..., Any],
    gradient: Callable[..., Sequence[float]],
    *estimates: Estimate,
    measure: str,
) -> Estimate:
    """``fn(a, b, ...)`` of estimates from one sample, with its standard error by the
    delta method.

    ``fn`` takes the estimates' values and ``gradient`` its partial derivatives
    there (one per estimate). Linearized estimates: the result's influence is
    ``sum_j gradient_j z_j`` (its PSU totals are combined alike, so it pairs
    with further estimates). Replicate estimates: each replicate's value is
    ``fn`` of the estimates' values in that replicate, so ``fn`` must also
    work on numpy arrays (arithmetic and numpy functions do). For example the
    Reynolds–Smolensky index ``b K / (1 + b)`` of a benefit share ``b`` and
    its Kakwani index ``K``::

        combine(lambda b, k: b * k / (1 + b),
                lambda b, k: (k / (1 + b) ** 2, b / (1 + b)),
                share, kakwani, measure="reynolds_smolensky")

    ``n`` and ``population`` are the estimates' domain's, or, when their
    domains differ, those of the domains together (``domain`` is then ``None``).
    """
    if not estimates:
        raise DesignError(said("combine needs at least one estimate"))
    values = [e.value for e in estimates]
    coefficients = [float(c) for c in gradient(*values)]
    if len(coefficients) != len(estimates):
        raise DesignError(
            said(
                "the gradient has {n_coefficients} value(s) for {n_estimates} estimate(s)",
                n_coefficients=len(coefficients),
                n_estimates=len(estimates),
            )
        )
    return _joint(estimates, coefficients, float(fn(*values)), fn, measure)
