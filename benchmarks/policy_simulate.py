"""Speed of a full policy simulation with its impact, beside OpenFisca.

    .venv/bin/python benchmarks/policy_simulate.py [--households 1000000]
        [--survey DIR] [--openfisca /tmp/ofvenv/bin/python]

Data: the synthetic demo country from ``insaf.survey.synth`` (seed 1, 2024),
written once as Parquet under ``benchmarks/out/`` (or ``--survey``). At a
million households: about 4.6 million persons and 15 million item rows.

INSAF (target: under 15 s and 6 GB on this 2-core machine): a fresh process
opens the survey, then ``insaf.policy.simulate`` runs
``benchmarks/policy_benchmark.yaml``: a baseline of 12 instruments (the demo
country's policies) and a reform that changes 7 of them (removes the bread
subsidy, cuts the LPG subsidy, raises the electricity tariff and VAT, changes
the income tax and contributions, adds a child grant whose amount the solver
sets for budget neutrality), with price elasticities; then the full ``Impact``
with standard errors (fiscal, poverty on two lines, inequality, deciles, 7
breakdowns, winners and losers, who loses, CEQ concepts, Kakwani and
Reynolds–Smolensky, coverage and leakage). Reported: seconds to open, seconds
to simulate and assess, peak resident memory of the process.

OpenFisca (``openfisca-core`` with ``openfisca-country-template``, installed
in a throwaway virtual environment, not in the project): the same persons and
households, the country template's disposable income, taxes and benefits for a
baseline and a reform of six parameters (``benchmarks/policy_openfisca.py``),
then the weighted net cost and a headcount in numpy. It computes no standard
error and no distributional table, so it does less than INSAF does here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).parent
OUT = HERE / "out"
SCENARIO = HERE / "policy_benchmark.yaml"


def make_survey(households: int, folder: Path) -> None:
    from insaf.survey import write_survey
    from insaf.survey.synth import synthesize

    if (folder / "survey.yaml").exists():
        return
    start = time.perf_counter()
    write_survey(synthesize(households, seed=1, year=2024), folder)
    print(f"synthetic survey of {households:,} households: {time.perf_counter() - start:.1f} s")


def child(folder: Path) -> None:
    """Open the survey and simulate, in this process; print one JSON line."""
    from insaf.policy import load_scenario, simulate
    from insaf.survey import open_survey

    start = time.perf_counter()
    survey = open_survey(folder)
    opened = time.perf_counter() - start
    scenario = load_scenario(SCENARIO)
    start, cpu = time.perf_counter(), time.process_time()
    impact = simulate(scenario, survey)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    reform = impact["bench"]
    net = reform.table("fiscal")[-1]["change"]
    poverty = reform.table("poverty")[0]["change"]
    print(
        json.dumps(
            {
                "open": opened,
                "simulate": seconds,
                "cpu": cpu,
                "load": os.getloadavg()[0],
                "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                "households": survey.n_households,
                "persons": survey.n_persons,
                "instruments_changed": sum(
                    1 for row in reform.table("fiscal")[:-1] if row["status"] != "unchanged"
                ),
                "solved": reform.solved.value if reform.solved else None,
                "net_cost_change": [net.value, net.se],
                "fgt0_change": [poverty.value, poverty.se],
            }
        )
    )


def openfisca_inputs(folder: Path, target: Path) -> None:
    """The persons and households OpenFisca needs, as numpy arrays."""
    hh = pl.read_parquet(
        folder / "households.parquet", columns=["hhid", "weight", "rooms", "tenure"]
    )
    persons = pl.read_parquet(
        folder / "persons.parquet", columns=["hhid", "age", "wage", "self_employment_income"]
    )
    index = hh.select("hhid").with_row_index("h")
    codes = persons.select("hhid").join(index, on="hhid", how="left", maintain_order="left")
    np.savez(
        target,
        person_id=np.arange(persons.height).astype(str),
        household_id=np.arange(hh.height).astype(str),
        person_household=codes.get_column("h").to_numpy().astype(np.int64),
        age=persons.get_column("age").fill_null(0).to_numpy().astype(np.int64),
        salary=persons.get_column("wage").fill_null(0).to_numpy().astype(np.float64),
        capital_returns=persons.get_column("self_employment_income")
        .fill_null(0)
        .to_numpy()
        .astype(np.float64),
        weight=hh.get_column("weight").to_numpy().astype(np.float64),
        accommodation_size=(hh.get_column("rooms").to_numpy() * 25.0).astype(np.float64),
        rent=np.zeros(hh.height),
        occupancy=np.where(hh.get_column("tenure").to_numpy() == 2, "tenant", "owner"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--survey", type=Path, default=None)
    parser.add_argument("--openfisca", type=str, default=None, help="Python of an OpenFisca venv")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    folder = args.survey or OUT / f"synth_{args.households}"
    make_survey(args.households, folder)
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    insaf = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"INSAF     {insaf['households']:,} households, {insaf['persons']:,} persons; "
        f"reform changes {insaf['instruments_changed']} instruments (solved amount "
        f"{insaf['solved']:.2f})"
    )
    print(f"  open survey                         {insaf['open']:7.1f} s")
    print(
        f"  simulate + full Impact with SEs     {insaf['simulate']:7.1f} s "
        f"(CPU {insaf['cpu']:.1f} s; load average {insaf['load']:.1f} on {os.cpu_count()} cores)"
    )
    print(f"  peak memory (whole process)         {insaf['peak_gb']:7.2f} GB")
    if args.openfisca:
        OUT.mkdir(exist_ok=True)
        inputs = OUT / "openfisca_inputs.npz"
        openfisca_inputs(folder, inputs)
        ran = subprocess.run(
            [args.openfisca, str(HERE / "policy_openfisca.py"), str(inputs)],
            check=True,
            capture_output=True,
            text=True,
        )
        of = json.loads(ran.stdout.strip().splitlines()[-1])
        s = of["seconds"]
        print(f"OpenFisca {of['households']:,} households, {of['persons']:,} persons")
        print(f"  baseline (build + calculate)        {s['baseline']:7.1f} s")
        print(f"  reform (build + calculate)          {s['reform']:7.1f} s")
        print(
            f"  total incl. systems and aggregates  {s['total']:7.1f} s (CPU {of['cpu']:.1f} s; "
            "no SEs, no tables)"
        )
        print(f"  peak memory (whole process)         {of['peak_gb']:7.2f} GB")


if __name__ == "__main__":
    main()
