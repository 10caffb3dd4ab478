"""Speed of INSAF's measures with standard errors, beside the fastest Python peer.

    .venv/bin/python benchmarks/measures_speed.py [--persons 1000000] [--repeat 3]

Data (made here with numpy, seed 2024): 1,000,000 persons in 50 strata and
5,000 PSUs (100 per stratum), lognormal incomes with a PSU effect, weights
uniform in [50, 150], 10 domains. Figures are the best of ``--repeat`` runs,
wall clock, including INSAF's checks and sorting from the Survey.

(a) Gini with linearized SE           target < 0.5 s
(b) ARPR with linearized SE, 10 domains target < 1.5 s
(c) Gini with 200 bootstrap replicates target < 10 s

Peers (point estimate only; they have no design-based SE): microdf-python's
``MicroSeries.gini`` and ineqpy's ``inequality.gini``; for the ARPR, the
weighted median from each and numpy for the domain rates. Install them in the
venv for the benchmark only: ``pip install microdf-python ineqpy``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

import insaf.measures as m
from insaf.survey.design import Design
from insaf.survey.survey import Survey
from insaf.survey.table import Table


def make_data(n: int, seed: int = 2024) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n_strata, n_psu = 50, 5000
    psu = np.sort(rng.integers(0, n_psu, n))
    stratum = psu // (n_psu // n_strata)
    effect = rng.normal(0.0, 0.3, n_psu)[psu]
    income = np.exp(9.0 + effect + rng.normal(0.0, 0.7, n))
    return pl.DataFrame(
        {
            "income": income,
            "w": rng.uniform(50.0, 150.0, n),
            "stratum": stratum,
            "psu": psu,
            "domain": rng.integers(0, 10, n),
        }
    )


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def peers(frame: pl.DataFrame) -> dict[str, Callable[[], float]]:
    y = frame.get_column("income").to_numpy()
    w = frame.get_column("w").to_numpy()
    found: dict[str, Callable[[], float]] = {}
    try:
        import microdf

        def micro_gini() -> float:
            return float(microdf.MicroSeries(y, weights=w).gini())

        found["microdf"] = micro_gini
    except ImportError:
        print("microdf-python is not installed: no microdf figures")
    try:
        from ineqpy import inequality

        def ineqpy_gini() -> float:
            return float(inequality.gini(income=y, weights=w))

        found["ineqpy"] = ineqpy_gini
    except ImportError:
        print("ineqpy is not installed: no ineqpy figures")
    return found


def arpr_peers(frame: pl.DataFrame) -> dict[str, Callable[[], np.ndarray]]:
    y = frame.get_column("income").to_numpy()
    w = frame.get_column("w").to_numpy()
    d = frame.get_column("domain").to_numpy()
    found: dict[str, Callable[[], np.ndarray]] = {}

    def rates(threshold: float) -> np.ndarray:
        poor = np.bincount(d, weights=w * (y < threshold), minlength=10)
        return poor / np.bincount(d, weights=w, minlength=10)

    try:
        import microdf

        found["microdf"] = lambda: rates(0.6 * float(microdf.MicroSeries(y, weights=w).median()))
    except ImportError:
        pass
    try:
        from ineqpy import statistics

        found["ineqpy"] = lambda: rates(0.6 * float(statistics.percentile(y, w, p=50)))
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()

    frame = make_data(args.persons)
    survey = Survey(
        persons=Table(name="persons", frame=frame),
        design=Design(weight="w", strata="stratum", psu="psu"),
    )
    rows: list[tuple[str, str, float, str]] = []

    t, g = best(lambda: m.gini(survey, "income"), args.repeat)
    rows.append(("(a) Gini + linearized SE", "INSAF", t, f"{g.value:.6f} (se {g.se:.2e})"))
    t, ge = best(lambda: m.gini(survey, "income", estimator="eurostat"), args.repeat)
    rows.append(
        ("(a) Gini + linearized SE", "INSAF eurostat", t, f"{ge.value:.6f} (se {ge.se:.2e})")
    )
    for name, fn in peers(frame).items():
        t, value = best(fn, args.repeat)
        rows.append(("(a) Gini, point only", name, t, f"{value:.6f}"))

    t, a = best(lambda: m.arpr(survey, "income", by="domain"), args.repeat)
    rows.append(
        ("(b) ARPR + SE, 10 domains", "INSAF", t, f"first {a[0].value:.6f} (se {a[0].se:.2e})")
    )
    for name, fn in arpr_peers(frame).items():
        t, value = best(fn, args.repeat)
        rows.append(("(b) ARPR, 10 domains, point only", name, t, f"first {value[0]:.6f}"))

    reps = args.replicates
    t, b = best(
        lambda: m.gini(survey, "income", variance="bootstrap", replicates=reps, seed=1),
        max(1, args.repeat - 1),
    )
    rows.append((f"(c) Gini, {reps} bootstrap replicates", "INSAF", t, f"se {b.se:.2e}"))
    # peers: the same point estimate on INSAF's replicate weights (10 timed, scaled to reps)
    from insaf.measures._sample import prepare

    sample = prepare(
        survey,
        {"y": "income"},
        by=None,
        level=None,
        variance="bootstrap",
        replicates=10,
        seed=1,
    )
    y_sorted = sample.cols["y"]
    for name in peers(frame):

        def run_peer(peer: str = name) -> None:
            for r in range(10):
                w_r = sample.replicate_weights(r)
                if peer == "microdf":
                    import microdf

                    microdf.MicroSeries(y_sorted, weights=w_r).gini()
                else:
                    from ineqpy import inequality

                    inequality.gini(income=y_sorted, weights=w_r)

        t, _ = best(run_peer, 1)
        rows.append(
            (
                f"(c) Gini x{reps} replicates, point only",
                name,
                t * reps / 10,
                "extrapolated from 10",
            )
        )

    width = max(len(r[0]) for r in rows)
    print(f"\n{args.persons:,} persons, 50 strata, 5,000 PSUs; best of {args.repeat} runs\n")
    print(f"{'task':<{width}}  {'who':<15} {'seconds':>8}  result")
    for task, who, secs, note in rows:
        print(f"{task:<{width}}  {who:<15} {secs:8.3f}  {note}")


if __name__ == "__main__":
    main()
