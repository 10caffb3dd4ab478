"""Speed of fitting a proxy-means test with 5-fold cross-validation, beside plain least squares.

    .venv/bin/python benchmarks/targeting_fit.py [--households 1000000] [--survey DIR]
        [--selection ols|stepwise|lasso] [--replicates 100]

Data: the synthetic demo country (seed 1, 2024) written once as Parquet under
``benchmarks/out/`` (or ``--survey``). Target (issue 5): under 30 s at a
million households on this 2-core machine.

INSAF: ``fit_pmt`` with 23 proxies (about 70 regression columns: categorical
dwelling, education, employment and governorate), log consumption per person
without the cash assistance, household weights; 5-fold cross-validation by PSU
within strata (selection redone in every fold), out-of-sample R², RMSE,
Spearman and error curves at 11 coverage rates, with bootstrap intervals
(``--replicates`` PSU resamples within strata).

Peer: ``numpy.linalg.lstsq`` on the same weighted design matrix, six times
(five training folds and the full sample): the least-squares fits alone, with
no validation metric or interval.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
PROXIES = [
    "hhsize:log", "n_children", "n_elderly", "head_sex", "head_education", "head_employment",
    "floor", "wall", "roof", "rooms:log", "water_source", "sanitation", "cooking_fuel", "tv",
    "fridge", "washing_machine", "air_conditioner", "computer", "internet", "car", "livestock",
    "urban", "governorate",
]  # fmt: skip


def survey_folder(households: int, folder: Path | None) -> Path:
    from insaf.survey import write_survey
    from insaf.survey.synth import synthesize

    folder = folder or HERE / "out" / f"targeting_{households}"
    if not (folder / "survey.yaml").exists():
        start = time.perf_counter()
        write_survey(synthesize(households, seed=1, year=2024), folder)
        print(f"synthetic survey of {households:,} households: {time.perf_counter() - start:.1f} s")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--survey", type=Path)
    parser.add_argument("--selection", default="ols")
    parser.add_argument("--replicates", type=int, default=100)
    args = parser.parse_args()

    from insaf.survey import open_survey
    from insaf.targeting import fit_pmt
    from insaf.targeting.proxies import design_matrix, parse_proxies, resolve

    survey = open_survey(survey_folder(args.households, args.survey))
    n = survey.n_households
    print(f"{n:,} households; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    start, cpu = time.perf_counter(), time.process_time()
    model = fit_pmt(
        survey,
        PROXIES,
        net_of="cash_assistance",
        selection=args.selection,
        folds=5,
        replicates=args.replicates,
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    cv = model.validation["cv"]
    width = sum(len(m.coefficients) for m in model.models)
    print(
        f"INSAF fit_pmt ({args.selection}, {len(model.proxies)} proxies, {width} columns, "
        f"5-fold CV by PSU, {args.replicates} bootstrap replicates): {seconds:.1f} s "
        f"(CPU {cpu:.1f} s); CV R² {cv['r2']['estimate']:.4f} "
        f"[{cv['r2']['ci_low']:.4f}, {cv['r2']['ci_high']:.4f}]  "
        f"target < 30 s: {'met' if seconds < 30 else 'NOT met'}"
    )

    frame = survey.households.frame
    proxies = resolve(parse_proxies(PROXIES), survey, frame)
    x, _ = design_matrix(proxies, frame, left=1)
    x[:, 0] = 1.0
    y = np.log(
        frame["consumption_pc"].to_numpy()
        - frame["cash_assistance"].to_numpy() / frame["hhsize"].to_numpy()
    )
    root = np.sqrt(frame["weight"].to_numpy())
    fold = np.random.default_rng(1).integers(0, 5, n)
    start = time.perf_counter()
    for f in range(6):
        rows = fold != f if f < 5 else slice(None)
        np.linalg.lstsq(x[rows] * root[rows, None], y[rows] * root[rows], rcond=None)
    peer = time.perf_counter() - start
    print(f"peer numpy.linalg.lstsq, 6 weighted fits, no validation: {peer:.1f} s")


if __name__ == "__main__":
    main()
