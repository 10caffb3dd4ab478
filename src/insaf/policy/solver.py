"""Set one parameter of a reform so that a target holds.

``budget_neutral``: ``f(x) = cost_R(x) - cost_B - net_cost`` where ``cost`` is
the annual net cost of all instruments of a state (revenue negative) and
``net_cost`` the extra spending allowed (0 for strict neutrality).

``compensate``: ``f(x) = sum_{h in G} w_h * n_h * change_h(x) / scale_h``, the
group's total change in welfare (zero: the group is fully compensated on
average). ``G`` is the bottom share of people by baseline welfare (households
whose welfare is at or below the weighted quantile) or the households where an
expression holds.

The root is bracketed (from ``bounds``, or from 0 and the current value,
doubling the upper end up to 60 times) and found by Brent's method to a
relative tolerance of 1e-10 of the target's scale. Only the instrument that
holds the parameter is computed again at each step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError
from scipy.optimize import brentq

from insaf.errors import InsafError, said, words
from insaf.policy.engine import Engine, State
from insaf.policy.instruments.base import FloatArray
from insaf.policy.period import per_year
from insaf.policy.scenario import Policy, Solve, parameter_value, with_parameter
from insaf.specs import pydantic_words

__all__ = ["SolveError", "Solved", "solve"]


class SolveError(InsafError):
    """The solver found no value of the parameter that meets the target."""


@dataclass(frozen=True, eq=False)
class Solved:
    """The outcome: the policy with the parameter set, and how well the target is met."""

    policy: Policy
    parameter: str
    value: float
    target: str
    residual: float
    evaluations: int

    def to_dict(self) -> dict[str, object]:
        return {
            "parameter": self.parameter,
            "value": self.value,
            "target": self.target,
            "residual": self.residual,
            "evaluations": self.evaluations,
        }


def _weighted_quantile(values: FloatArray, weights: FloatArray, share: float) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    position = int(np.searchsorted(cumulative, share * cumulative[-1], side="left"))
    return float(values[order][min(position, values.size - 1)])


def _objective(
    engine: Engine,
    policy: Policy,
    baseline: State,
    solve: Solve,
    welfare: FloatArray,
    scale: FloatArray,
) -> tuple[Callable[[float], float], float]:
    data = engine.data
    annual = per_year(engine.scenario.period)
    instrument = policy.get(solve.instrument)
    assert instrument is not None  # checked when the scenario was read
    if solve.target == "budget_neutral":
        base_cost = float(np.dot(data.weight, baseline.fiscal())) * annual
        size = max(abs(base_cost), 1.0)

        def measure(state: State) -> float:
            cost = float(np.dot(data.weight, state.fiscal())) * annual
            return cost - base_cost - solve.net_cost

    else:
        group = solve.group
        assert group is not None
        people = data.weight * data.members
        if group.bottom is not None:
            cut = _weighted_quantile(welfare, people, group.bottom)
            member = welfare <= cut
        else:
            assert group.where is not None
            member = data.condition(group.where, "household")
        if not np.any(member & (people > 0)):
            raise SolveError(
                said(
                    "the group to compensate in {parameter} is empty",
                    parameter=repr(solve.parameter),
                )
            )
        factor = np.where(member, people / scale, 0.0)
        size = max(float(np.dot(factor, np.abs(welfare) * scale)), 1.0)

        def measure(state: State) -> float:
            return float(np.dot(factor, state.change))

    where = engine.scenario.locate(("reforms", policy.name, "solve"))

    def f(x: float) -> float:
        try:
            changed = with_parameter(instrument, solve.path, x)
        except ValidationError as exc:
            raise SolveError(
                said(
                    "{where}: {parameter} = {x:g} is not a valid value ({reason}); give bounds",
                    where=where,
                    parameter=solve.parameter,
                    x=x,
                    reason=pydantic_words(exc.errors(include_url=False)[0]),
                )
            ) from None
        try:
            value = measure(engine.run(policy.replace(changed), baseline))
        except InsafError as exc:
            raise SolveError(
                said(
                    "{where}: solving {parameter} in reform {reform} failed at {parameter} = "
                    "{x:g}: {reason}",
                    where=where,
                    parameter=solve.parameter,
                    reform=repr(policy.name),
                    x=x,
                    reason=words(exc),
                )
            ) from None
        if not np.isfinite(value):
            raise SolveError(
                said(
                    "{where}: with {parameter} = {x:g} the {target} target of reform {reform} is "
                    "not a finite number (an infinite parameter or eligibility in instrument "
                    "{instrument}?); give bounds",
                    where=where,
                    parameter=solve.parameter,
                    x=x,
                    target=solve.target,
                    reform=repr(policy.name),
                    instrument=repr(solve.instrument),
                )
            )
        return value

    return f, size


def solve(
    engine: Engine,
    policy: Policy,
    baseline: State,
    *,
    welfare: FloatArray,
    scale: FloatArray,
) -> Solved:
    """Set ``policy.solve.parameter`` so that its target holds."""
    spec = policy.solve
    if spec is None:
        raise SolveError(said("reform {reform} has nothing to solve", reform=repr(policy.name)))
    instrument = policy.get(spec.instrument)
    assert instrument is not None
    start = float(parameter_value(instrument, spec.path))
    if not np.isfinite(start):
        where = engine.scenario.locate(("reforms", policy.name, "solve"))
        raise SolveError(
            said(
                "{where}: {parameter} starts at {start:g} in reform {reform}; give a finite "
                "value or bounds",
                where=where,
                parameter=spec.parameter,
                start=start,
                reform=repr(policy.name),
            )
        )
    f, size = _objective(engine, policy, baseline, spec, welfare, scale)
    calls = 0

    def counted(x: float) -> float:
        nonlocal calls
        calls += 1
        return f(x)

    if spec.bounds is not None:
        low, high = spec.bounds
        f_low, f_high = counted(low), counted(high)
    else:
        low, high = 0.0, max(abs(start) * 2.0, 1.0)
        f_low, f_high = counted(low), counted(high)
        for _ in range(60):
            if np.sign(f_low) != np.sign(f_high):
                break
            low, f_low = high, f_high
            high *= 2.0
            f_high = counted(high)
    if f_low == 0.0:
        root = low
    elif f_high == 0.0:
        root = high
    elif np.sign(f_low) == np.sign(f_high):
        raise SolveError(
            said(
                "no value of {parameter} between {low:g} and {high:g} meets the {target} target "
                "(gap {gap_low:,.6g} and {gap_high:,.6g}); give other bounds",
                parameter=spec.parameter,
                low=low,
                high=high,
                target=spec.target,
                gap_low=f_low,
                gap_high=f_high,
            )
        )
    else:
        root = float(brentq(counted, low, high, xtol=1e-12, rtol=1e-12, maxiter=200))
    final = with_parameter(instrument, spec.path, root)
    residual = f(root)
    if abs(residual) > 1e-6 * size:
        raise SolveError(
            said(
                "{parameter} = {root:g} leaves a gap of {gap:,.6g}: the target cannot be met "
                "exactly (is the parameter's effect continuous?)",
                parameter=spec.parameter,
                root=root,
                gap=residual,
            )
        )
    return Solved(
        policy=policy.replace(final),
        parameter=spec.parameter,
        value=root,
        target=spec.target,
        residual=residual,
        evaluations=calls + 1,
    )
