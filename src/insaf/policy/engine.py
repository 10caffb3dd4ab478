"""The microsimulation engine: every instrument of a policy over whole columns.

The survey observes households under the baseline policy, so a household's
baseline welfare is its observed welfare. A reform changes the money of
household ``h`` by::

    change_h = sum_i effect_i,h

where, for a direct instrument, ``effect_i = benefit_i,reform - benefit_i,baseline``
(an instrument missing from a state has benefit 0), and for a price instrument
the welfare effect of the price changes it makes (``instruments.pricing``).
Welfare per person after the reform is ``welfare_h + change_h / scale_h`` with
the scenario's equivalence scale. Each instrument's fiscal flow is computed in
each state; the net cost of a state is ``sum_h w_h sum_i fiscal_i,h`` per
period, times the periods in a year for annual figures.

Direct instruments whose parameters did not change are computed once and shared
by every state; only what a reform changes is computed again (which is what
makes the solver cheap).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from insaf.errors import DataError
from insaf.policy.check import check_derived, check_scenario
from insaf.policy.data import PolicyData, equivalence_scale
from insaf.policy.in_kind import in_kind_total
from insaf.policy.instruments import Flows, Instrument, Kind, Term
from insaf.policy.instruments.base import FloatArray
from insaf.policy.instruments.pricing import PriceResult, price_effects
from insaf.policy.period import per_year
from insaf.policy.scenario import Policy, Scenario
from insaf.survey import Survey

__all__ = ["Engine", "Simulation", "State", "prepare_data", "simulate_states"]

KeyPath = tuple[Hashable, ...]


@dataclass(frozen=True, eq=False)
class State:
    """One policy computed on the survey: flows of each instrument in force, and the
    welfare effect of each instrument against the baseline (zero for the baseline)."""

    policy: Policy
    flows: Mapping[str, Flows]
    kinds: Mapping[str, Kind]
    effect: Mapping[str, FloatArray]
    change: FloatArray
    quantity: Mapping[str, FloatArray] = field(default_factory=dict)
    item_effect: Mapping[str, FloatArray] = field(default_factory=dict)
    """Welfare effect of each item's price change against the baseline (all its
    instruments together): minus the extra cost of the item per household."""

    @property
    def name(self) -> str:
        return self.policy.name

    def fiscal(self) -> FloatArray:
        """Net cost to the government per household and period (all instruments)."""
        total = np.zeros_like(self.change)
        for flows in self.flows.values():
            total += flows.fiscal
        return total


@dataclass(frozen=True, eq=False)
class Simulation:
    """The baseline and every reform on one survey, with what welfare measures need."""

    scenario: Scenario
    data: PolicyData
    baseline: State
    reforms: Mapping[str, State]
    welfare: FloatArray
    """Baseline welfare per person (the scenario's measure), per household."""
    scale: FloatArray
    """Equivalence scale: household money / scale = welfare per person."""
    solved: Mapping[str, object] = field(default_factory=dict)
    in_kind: Mapping[str, FloatArray] = field(default_factory=dict)
    """The scenario's in-kind benefits: each service's annual value per household
    (the same in every state)."""

    @property
    def annual(self) -> float:
        """Periods in a year (12 when amounts are monthly)."""
        return per_year(self.scenario.period)

    def welfare_after(self, reform: str) -> FloatArray:
        out: FloatArray = self.welfare + self.reforms[reform].change / self.scale
        return out

    def net_cost(self, state: State) -> float:
        """Annual net cost of a state to the government (revenue negative)."""
        return float(np.dot(self.data.weight, state.fiscal())) * self.annual


def prepare_data(
    scenario: Scenario,
    survey: Survey,
    policies: Sequence[Policy] | None = None,
    *,
    items: Sequence[str] | None = None,
) -> PolicyData:
    """The engine's view of ``survey`` for ``scenario``, after checking that they fit.

    With ``policies``, only those policies' instruments are checked (see
    ``check_scenario``): the registry runs one programme's rules this way.
    ``items`` names every item when ``survey`` is one part of a larger survey.
    """
    data = PolicyData.build(
        survey,
        period=scenario.period,
        items_table=scenario.items.table,
        item_column=scenario.items.item,
        quantity_column=scenario.items.quantity,
        value_column=scenario.items.value,
        item_names=scenario.items.names,
        items=items,
    )
    check_derived(scenario, data)
    for name, spec in scenario.variables.items():
        data.add_variable(name, spec.how, spec.text)
    check_scenario(scenario, data, policies)
    return data


class Engine:
    """Computes policies on one survey, keeping what does not change between them."""

    def __init__(self, scenario: Scenario, data: PolicyData) -> None:
        self.scenario = scenario
        self.data = data
        self.elasticities = scenario.item_elasticities()
        self._direct: dict[str, Flows] = {}
        self._price_cache: dict[tuple[str, str, bool], PriceResult] = {}

    def flows_of(self, instrument: Instrument, where: KeyPath = ()) -> Flows:
        """Flows of a direct instrument (computed once per distinct parameter set)."""
        key = instrument.model_dump_json()
        if key not in self._direct:
            try:
                flows = instrument.compute(self.data)  # type: ignore[union-attr]
            except DataError as exc:
                raise DataError(
                    f"instrument {instrument.id!r}: {exc.message}", self.scenario.locate(where)
                ) from None
            if not (np.all(np.isfinite(flows.benefit)) and np.all(np.isfinite(flows.fiscal))):
                raise DataError(
                    f"instrument {instrument.id!r} gives non-finite amounts (an infinite or "
                    "undefined parameter or eligibility?)",
                    self.scenario.locate(where),
                )
            self._direct[key] = flows
        return self._direct[key]

    def _terms(self, policy: Policy) -> list[Term]:
        terms: list[Term] = []
        for instrument in policy.instruments:
            make = getattr(instrument, "terms", None)
            if make is not None:
                terms.extend(make(self.data.item_names))
        return terms

    def _prices(self, policy: Policy, base: Policy, *, is_baseline: bool) -> PriceResult:
        """Price effects of ``policy`` against ``base`` (kept: the solver asks again)."""

        def key(p: Policy) -> str:
            return "|".join(i.model_dump_json() for i in p.instruments if not i.kind.direct)

        signature = (key(policy), key(base), is_baseline)
        if signature not in self._price_cache:
            self._price_cache[signature] = price_effects(
                self._terms(policy),
                self._terms(base),
                self.data,
                self.elasticities,
                is_baseline=is_baseline,
            )
        return self._price_cache[signature]

    def run(self, policy: Policy, baseline: State | None = None) -> State:
        """Compute ``policy``; with ``baseline``, also each instrument's welfare effect."""
        n = self.data.n_households
        flows: dict[str, Flows] = {}
        kinds: dict[str, Kind] = {}
        effect: dict[str, FloatArray] = {}
        for instrument in policy.instruments:
            kinds[instrument.id] = instrument.kind
            if instrument.kind.direct:
                where = policy.where.get(instrument.id, ())
                flows[instrument.id] = self.flows_of(instrument, where)
        base_policy = baseline.policy if baseline is not None else policy
        prices = self._prices(policy, base_policy, is_baseline=baseline is None)
        zero = np.zeros(n)
        for instrument in policy.instruments:
            if not instrument.kind.direct:
                benefit = prices.benefit.get(instrument.id, zero)
                cost = prices.cost.get(instrument.id, zero)
                flows[instrument.id] = Flows(benefit=benefit, fiscal=cost)
        change = np.zeros(n)
        if baseline is not None:
            for key in dict.fromkeys([*baseline.flows, *flows]):  # one order: same sums
                kind = kinds.get(key) or baseline.kinds[key]
                if kind.direct:
                    after = flows.get(key)
                    before = baseline.flows.get(key)
                    if after is not None and before is not None and after is before:
                        continue
                    delta = (after.benefit if after is not None else zero) - (
                        before.benefit if before is not None else zero
                    )
                    effect[key] = delta
                elif key in prices.effect and np.any(prices.effect[key]):
                    effect[key] = prices.effect[key]
            for delta in effect.values():
                change += delta
        for key, kind in baseline.kinds.items() if baseline is not None else ():
            kinds.setdefault(key, kind)
        return State(
            policy=policy,
            flows=flows,
            kinds=kinds,
            effect=effect,
            change=change,
            quantity=dict(prices.quantity),
            item_effect=dict(prices.item_effect) if baseline is not None else {},
        )


def simulate_states(
    scenario: Scenario, survey: Survey, *, items: Sequence[str] | None = None
) -> Simulation:
    """Check, then compute the baseline and every reform (solving where asked).

    ``items`` names every item when ``survey`` is one part of a larger survey.
    """
    from insaf.policy.solver import solve

    data = prepare_data(scenario, survey, items=items)
    engine = Engine(scenario, data)
    baseline = engine.run(scenario.baseline_policy)
    welfare = data.column(scenario.welfare.variable)
    scale = equivalence_scale(data, scenario.welfare.equivalence, scenario.welfare.adult_age)
    reforms: dict[str, State] = {}
    solved: dict[str, object] = {}
    for name, policy in scenario.policies().items():
        if name == "baseline":
            continue
        if policy.solve is not None:
            result = solve(engine, policy, baseline, welfare=welfare, scale=scale)
            policy = result.policy
            solved[name] = result
        reforms[name] = engine.run(policy, baseline)
    return Simulation(
        scenario=scenario,
        data=data,
        baseline=baseline,
        reforms=reforms,
        welfare=welfare,
        scale=scale,
        solved=solved,
        in_kind=_in_kind(scenario, data),
    )


def _in_kind(scenario: Scenario, data: PolicyData) -> dict[str, FloatArray]:
    """The annual value of each in-kind service per household, errors located."""
    out: dict[str, FloatArray] = {}
    for i, service in enumerate(scenario.in_kind):
        try:
            out.update(in_kind_total([service], data))
        except DataError as exc:
            raise DataError(exc.message, scenario.locate(("in_kind", i))) from None
    return out
