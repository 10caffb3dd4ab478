"""Headline figures of the demo country by seed and year (the table in docs/synth.md).

    .venv/bin/python benchmarks/synth_calibration.py [--households 20000]
        [--seeds 1 2] [--years 2019 2020 2021 2022 2023 2024]

Plain numpy, persons weighted (household weight x household size), so the
figures do not depend on ``insaf.measures``:

- poverty: share of persons with ``consumption_pc < poverty_line``;
- Gini of ``consumption_pc`` (nominal, as recorded) and of real consumption
  per capita (divided by the stratum's price index);
- real consumption per capita, mean, in 2024 national prices;
- school attendance at ages 12-17, households with electricity, households
  receiving the cash assistance.
"""

from __future__ import annotations

import argparse

import numpy as np
import numpy.typing as npt
import polars as pl

from insaf.survey.synth import synthesize

Array = npt.NDArray[np.float64]


def gini(x: Array, w: Array) -> float:
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    lorenz = np.cumsum(w * x) / np.sum(w * x)
    before = np.concatenate([[0.0], lorenz[:-1]])
    return float(1.0 - np.sum(w * (before + lorenz)) / np.sum(w))


def figures(households: int, seed: int, year: int) -> dict[str, float]:
    survey = synthesize(households, seed, year)
    assert survey.households is not None
    hh = survey.households.frame
    w = (hh["weight"] * hh["hhsize"]).to_numpy()
    pc = hh["consumption_pc"].to_numpy()
    real = pc / hh["price_index"].to_numpy()
    cpi = float(survey.policy["prices"]["cpi"])
    persons = survey.frame(["age", "attending_school"], unit="person")
    teens = persons.filter((pl.col("age") >= 12) & (pl.col("age") <= 17))
    hw = hh["weight"].to_numpy()
    return {
        "poverty": float(np.sum(w * (pc < hh["poverty_line"].to_numpy())) / w.sum()),
        "gini": gini(pc, w),
        "gini_real": gini(real, w),
        "real_pc": float(np.average(real / cpi, weights=w)),
        "attendance_12_17": float(
            np.average(teens["attending_school"].to_numpy(), weights=teens["weight"].to_numpy())
        ),
        "electricity": float(np.average(hh["electricity"].to_numpy(), weights=hw)),
        "cash_assistance": float(np.average(hh["cash_assistance"].to_numpy() > 0, weights=hw)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--years", type=int, nargs="+", default=list(range(2019, 2025)))
    args = parser.parse_args()
    print(
        "| seed | year | poverty | Gini | Gini (real) | real cons. pc | attendance 12-17 "
        "| electricity | cash assistance |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        for year in args.years:
            f = figures(args.households, seed, year)
            print(
                f"| {seed} | {year} | {f['poverty']:.1%} | {f['gini']:.3f} | {f['gini_real']:.3f} "
                f"| {f['real_pc']:.1f} | {f['attendance_12_17']:.1%} | {f['electricity']:.1%} "
                f"| {f['cash_assistance']:.1%} |"
            )


if __name__ == "__main__":
    main()
