"""Speed of a 10-design equal-budget comparison, beside the policy engine's solver.

    .venv/bin/python benchmarks/targeting_compare.py [--households 1000000] [--survey DIR]

Data: as ``benchmarks/targeting_fit.py``. Target (issue 5): under 60 s at a
million households on this 2-core machine.

INSAF: ``compare`` with the ten preset designs (universal, child grant,
social pension, disability grant, PMT at 10, 20 and 40 % and below the line,
two hybrids) at one budget, given a fitted PMT model: each design's benefit
solved exactly and evaluated with every metric and standard error (about 6,000
estimates), then ``write_comparison`` (JSON, CSV, SVG charts, scenario, two
briefs). Fitting the model is timed apart.

Peer: the policy engine (``insaf.policy.simulate_states``) on the scenario
the comparison writes: the same ten budget-neutral cash transfers, each amount
found by Brent's method, with no targeting metric.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import yaml
from targeting_fit import PROXIES, survey_folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--survey", type=Path)
    parser.add_argument("--budget", type=float, default=1.2e9)
    args = parser.parse_args()

    from insaf.policy import parse_scenario, simulate_states
    from insaf.survey import open_survey
    from insaf.targeting import compare, default_designs, fit_pmt, write_comparison

    survey = open_survey(survey_folder(args.households, args.survey))
    print(f"{survey.n_households:,} households; load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    model = fit_pmt(survey, PROXIES, net_of="cash_assistance", replicates=0)
    fitted = time.perf_counter() - start

    start, cpu = time.perf_counter(), time.process_time()
    result = compare(survey, default_designs(), budget=args.budget, model=model)
    with tempfile.TemporaryDirectory() as out:
        written = write_comparison(result, out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    count = sum(r.evaluation.table().height for r in result.results)
    print(
        f"INSAF compare 10 designs ({count} estimates with SEs, {len(written)} files): "
        f"{seconds:.1f} s (CPU {cpu:.1f} s; PMT fit {fitted:.1f} s apart)  "
        f"target < 60 s: {'met' if seconds < 60 else 'NOT met'}"
    )
    for r in result.results:
        line = r.evaluation.definitions["line"]
        print(
            f"  {r.spec.id:<18} amount {r.amount:8.2f}  coverage "
            f"{r.evaluation.summary['coverage'].value:6.1%}  exclusion "
            f"{line['exclusion_error'].value:6.1%}  gap cut per unit "
            f"{r.evaluation.summary['benefit_cost_ratio'].value:.3f}"
        )

    scenario = parse_scenario(yaml.safe_load(yaml.safe_dump(result.scenario())))
    start = time.perf_counter()
    sim = simulate_states(scenario, survey)
    peer = time.perf_counter() - start
    worst = max(abs(sim.net_cost(s) - args.budget) for s in sim.reforms.values())
    print(
        f"peer insaf.policy simulate_states, 10 budget-neutral reforms by Brent's method: "
        f"{peer:.1f} s (largest cost gap {worst:.3g})"
    )


if __name__ == "__main__":
    main()
