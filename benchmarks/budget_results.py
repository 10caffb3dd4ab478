"""Speed of programme results: every programme of the demo plan, with standard errors.

    .venv/bin/python benchmarks/budget_results.py [--households 1000000]

Data: the synthetic demo country at ``--households`` households (made once,
kept in ``benchmarks/out/budget_<households>``) and its plan and budgets
(``insaf.budget.demo``). Target (issue 12): programme results, with benefit
incidence and final income, on 1,000,000 households in under 5 s.

INSAF: ``programme_results`` for the five programmes (cash, bread, fuel,
education, health) in the survey's year: the policy engine's baseline for
the instruments, recipients, beneficiaries and poor beneficiaries (totals),
coverage and leakage (ratios), costs per beneficiary (delta method) and the
simulated cost, each with a linearized standard error: 35 estimates.

Peer: the same point values with numpy (weighted sums and their ratios, no
standard error, no engine), the floor of what any implementation must do.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args()

    from insaf.budget import programme_results
    from insaf.budget.demo import demo_budget, demo_policies
    from insaf.survey import open_survey, write_survey
    from insaf.survey.synth import synthesize

    folder = HERE / "out" / f"budget_{args.households}"
    if not (folder / "survey.yaml").exists():
        start = time.perf_counter()
        write_survey(synthesize(args.households, seed=1, year=2024), folder)
        print(f"synthetic survey: {time.perf_counter() - start:.1f} s")
    survey = open_survey(folder)
    scenario = demo_policies()
    budget = demo_budget(survey, scenario)
    print(f"{survey.n_households:,} households, {survey.n_persons:,} persons; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")  # fmt: skip

    start = time.perf_counter()
    results = programme_results(budget, survey, scenario=scenario, programmes=None)
    insaf_seconds = time.perf_counter() - start
    measured = [r for r in results if r.beneficiaries is not None]
    print(f"INSAF programme_results: {insaf_seconds:.2f} s for {len(measured)} programmes")

    hh = survey.households.frame if survey.households is not None else None
    assert hh is not None
    start = time.perf_counter()
    w = hh["weight"].to_numpy()
    recipient = hh["cash_assistance"].to_numpy() > 0
    poor = hh["consumption_pc"].to_numpy() < hh["poverty_line"].to_numpy()
    beneficiaries = np.sum(w * recipient)
    coverage = np.sum(w * (recipient & poor)) / np.sum(w * poor)
    leakage = np.sum(w * (recipient & ~poor)) / beneficiaries
    peer_seconds = (time.perf_counter() - start) * len(measured)
    print(f"peer (numpy point values, no SE), scaled to {len(measured)} programmes: "
          f"{peer_seconds:.3f} s; cash coverage {coverage:.3f}, leakage {leakage:.3f}")  # fmt: skip
    cash = next(r for r in measured if r.programme == "CASH")
    assert cash.coverage is not None and abs(cash.coverage.value - coverage) < 1e-9
    print(f"target < 5 s (with incidence and final income): programme results "
          f"{insaf_seconds:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
