"""Speed of benefit incidence, final income and programme results on a large survey.

    .venv/bin/python benchmarks/budget_incidence.py [--households 1000000]

Data: the synthetic demo country (``insaf.survey.synth``) of ``--households``
households and its budget (``insaf.budget.demo.demo_budget``), made once and
not timed. Target (issue 12): incidence, final income and programme results on
1,000,000 households in under 5 s on this 2-core machine.

INSAF, each timed on its own:

- incidence: ``benefit_incidence`` of the five demo services with unit costs
  from the budget's executed spending (quintile shares and amounts per person
  with SEs, eight concentration coefficients with SEs);
- final income: ``simulate`` of the demo policies with the services in kind
  (``in_kind``), against the same scenario without them: the difference is what
  final income, fiscal impoverishment and the marginal contributions add;
- programme results: ``programme_results`` of the budget's five programmes.

Peer: the quintile shares of the in-kind benefit in plain polars (a group-by
of weighted sums, no standard errors): what the arithmetic costs without
inference.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import polars as pl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args()

    from insaf.budget import DEMO_SERVICES, benefit_incidence, budget_spending
    from insaf.budget.demo import demo_budget, demo_policies
    from insaf.budget.results import programme_results
    from insaf.policy import simulate
    from insaf.policy.scenario import parse_scenario
    from insaf.survey.synth import synthesize

    start = time.perf_counter()
    survey = synthesize(args.households, seed=1)
    budget = demo_budget(survey)
    made = time.perf_counter() - start
    print(
        f"households {args.households:,}, persons {survey.n_persons:,}; data made in {made:.1f} s"
    )
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    spending = budget_spending(budget, DEMO_SERVICES, year=survey.year or 2024)
    start = time.perf_counter()
    found = benefit_incidence(survey, DEMO_SERVICES, spending=spending)
    incidence = time.perf_counter() - start

    scenario = demo_policies()
    raw = dict(scenario.definition())
    raw["in_kind"] = [
        {**s.model_dump(mode="json", exclude_none=True), "unit_cost": r["unit_cost"].value}
        for s, r in zip(DEMO_SERVICES, found.unit_costs, strict=True)
    ]
    with_kind = parse_scenario(raw, file=scenario.file)
    start = time.perf_counter()
    simulate(scenario, survey)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    simulate(with_kind, survey)
    final = time.perf_counter() - start

    start = time.perf_counter()
    programme_results(budget, survey, scenario=scenario)
    results = time.perf_counter() - start

    start = time.perf_counter()
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
    peer = time.perf_counter() - start

    print(f"incidence (5 services, SEs):              {incidence:6.2f} s")
    print(f"final income (simulate with in kind):     {final:6.2f} s "
          f"(without: {plain:.2f} s; added {final - plain:.2f} s)")  # fmt: skip
    print(f"programme results (5 programmes):         {results:6.2f} s")
    print(f"incidence + final income added + results: {incidence + final - plain + results:6.2f} s"
          " (target < 5 s)")  # fmt: skip
    print(f"peer: quintile shares in polars, no SEs:  {peer:6.2f} s")


if __name__ == "__main__":
    main()
