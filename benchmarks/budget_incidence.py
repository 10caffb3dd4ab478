"""Speed of benefit incidence, final income and programme results on a large survey.

    .venv/bin/python benchmarks/budget_incidence.py [--households 1000000] [--rounds 3]

Data: the synthetic demo country (``insaf.survey.synth``) of ``--households``
households and its budget (``insaf.budget.demo.demo_budget``), made once and
not timed; the demo policies simulated once (``simulate_states``: the policy
engine, timed by benchmarks/policy_simulate.py, not here). Target (issue 12):
incidence, final income and programme results on 1,000,000 households in
under 5 s on this 2-core machine: the sum of the three figures below.

What is timed (each the best of ``--rounds`` runs, wall clock, with the
process's CPU time beside it, since the machine is shared):

- incidence: ``benefit_incidence`` of the five demo services (``DEMO_SERVICES``)
  with unit costs from the budget's executed spending: the units each
  household uses, the unit costs with SEs, each household's benefit, the
  quintile shares and amounts per person of each service, sector and all
  together with SEs, and their eight concentration coefficients with SEs;
- final income: what valuing the services in kind adds to an impact, on the
  same simulated states: ``in_kind_total`` of the services (the engine's
  ``Simulation.in_kind``) plus ``assess`` of the simulation with them, minus
  ``assess`` of the simulation without them. With services in kind the
  impact gains final income (its mean and Gini per state), each service's
  concentration and progressivity, fiscal impoverishment and gains of the
  poor to final income, and the marginal contribution of every instrument
  and service to the Gini, FGT0 and FGT1 on each line (always on with
  ``in_kind``), all with SEs. ``simulate(with) - simulate(without)`` is exactly
  this, as the engine's states are the same;
- programme results: ``programme_results`` of the budget's five programmes
  with SEs (beneficiaries, poor beneficiaries, cost per beneficiary, coverage,
  leakage, simulated cost), given the scenario's baseline already simulated
  (``baseline=``); the figure with the engine's baseline run inside is
  printed beside it.

Peer: the quintile shares of the in-kind benefit in plain polars (a group-by
of weighted sums, no standard errors): what the arithmetic costs without
inference.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl


def best(rounds: int, run: Callable[[], Any]) -> tuple[float, float]:
    """Best wall-clock time of ``rounds`` runs, and that run's CPU time."""
    found: list[tuple[float, float]] = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        found.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from insaf.budget import DEMO_SERVICES, benefit_incidence, budget_spending
    from insaf.budget.demo import demo_budget, demo_policies
    from insaf.budget.results import programme_results
    from insaf.policy.assessment import assess
    from insaf.policy.engine import simulate_states
    from insaf.policy.in_kind import in_kind_total
    from insaf.policy.scenario import parse_scenario
    from insaf.survey.synth import synthesize

    start = time.perf_counter()
    survey = synthesize(args.households, seed=1)
    budget = demo_budget(survey)
    scenario = demo_policies()
    simulation = simulate_states(scenario, survey)
    made = time.perf_counter() - start
    print(
        f"households {args.households:,}, persons {survey.n_persons:,}; data made and "
        f"policies simulated in {made:.1f} s"
    )
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (before)")

    spending = budget_spending(budget, DEMO_SERVICES, year=survey.year or 2024)
    found = benefit_incidence(survey, DEMO_SERVICES, spending=spending)
    incidence = best(
        args.rounds, lambda: benefit_incidence(survey, DEMO_SERVICES, spending=spending)
    )

    raw = dict(scenario.definition())
    raw["in_kind"] = [
        {**s.model_dump(mode="json", exclude_none=True), "unit_cost": r["unit_cost"].value}
        for s, r in zip(DEMO_SERVICES, found.unit_costs, strict=True)
    ]
    with_kind = parse_scenario(raw, file=scenario.file)

    def final_income() -> None:
        valued = in_kind_total(with_kind.in_kind, simulation.data)
        assess(replace(simulation, scenario=with_kind, in_kind=valued))

    plain = best(args.rounds, lambda: assess(simulation))
    final = best(args.rounds, final_income)

    baseline = simulation.baseline
    results = best(
        args.rounds,
        lambda: programme_results(budget, survey, scenario=scenario, baseline=baseline),
    )
    engine = best(1, lambda: programme_results(budget, survey, scenario=scenario))

    def peer_shares() -> None:
        hh = survey.households
        assert hh is not None
        frame = hh.frame.select("weight", "hhsize", "consumption_pc").with_columns(
            pl.Series("b", np.asarray(sum(found.benefit.values())))
        )
        people = frame.with_columns((pl.col("weight") * pl.col("hhsize")).alias("wp")).sort(
            "consumption_pc"
        )
        share = (
            people.with_columns(
                (pl.col("wp").cum_sum() / pl.col("wp").sum() * 5).floor().clip(0, 4).alias("q")
            )
            .group_by("q")
            .agg((pl.col("weight") * pl.col("b")).sum())
        )
        assert share.height == 5

    peer = best(args.rounds, peer_shares)
    added = (final[0] - plain[0], final[1] - plain[1])
    total = (incidence[0] + added[0] + results[0], incidence[1] + added[1] + results[1])

    def line(label: str, figure: tuple[float, float], note: str = "") -> None:
        print(f"{label:44s} {figure[0]:6.2f} s  (CPU {figure[1]:6.2f} s){note}")

    line("incidence (5 services, SEs)", incidence)
    line(
        "final income (in kind valued and assessed)",
        added,
        f"  assess with {final[0]:.2f} s, without {plain[0]:.2f} s",
    )
    with_engine = f"  with the engine run {engine[0]:.2f} s"
    line("programme results (5 programmes, SEs)", results, with_engine)
    line("incidence + final income + results", total, "  target < 5 s")
    line("peer: quintile shares in polars, no SEs", peer)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (after)")


if __name__ == "__main__":
    main()
