"""Speed of INSAF's measures with standard errors, beside the fastest Python peer.

    .venv/bin/python benchmarks/measures_speed.py [--persons 1000000] [--repeat 3]

Data (made here with numpy, seed 2024): 1,000,000 persons in 50 strata and
5,000 PSUs (100 per stratum), lognormal incomes with a PSU effect, weights
uniform in [50, 150], 10 domains. Figures are the best of ``--repeat`` runs,
wall clock, including INSAF's checks and sorting from the Survey.

A survey keeps what depends only on its data (design codes, weights,
replicate factors, domain codes), so INSAF is timed twice: "cold", on a fresh
``Survey`` each run (the first estimate on a survey), and "warm", on a survey
that has already served an estimate.

(a) Gini with linearized SE           target < 0.5 s
(b) ARPR with linearized SE, 10 domains target < 1.5 s
(c) Gini with 200 bootstrap replicates target < 10 s
(d) 12 measures of one variable in 10 domains: one call each, or one
    ``prepare(...).estimate([...])``

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
from insaf.measures import MeasureOptions
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


MANY = [
    m.Measure(name="mean", variable="income"),
    m.Measure(name="median", variable="income"),
    m.Measure(name="fgt0", variable="income", line=5000.0),
    m.Measure(name="fgt1", variable="income", line=5000.0),
    m.Measure(name="fgt2", variable="income", line=5000.0),
    m.Measure(name="arpr", variable="income"),
    m.Measure(name="gini", variable="income"),
    m.Measure(name="mld", variable="income"),
    m.Measure(name="theil", variable="income"),
    m.Measure(name="atkinson", variable="income"),
    m.Measure(name="qsr", variable="income"),
    m.Measure(name="palma", variable="income"),
]


def many_measures(fresh: Callable[[], Survey], repeat: int) -> list[tuple[str, str, float, str]]:
    """(d): the same twelve estimates by domain, one function call each or one preparation."""
    task = "(d) 12 measures + SE, 10 domains"

    def one_by_one() -> int:
        survey = fresh()
        found = 0
        for measure in MANY:
            options = MeasureOptions(line=measure.line) if measure.line is not None else None
            found += len(m.compute(survey, measure.name, "income", options=options, by="domain"))
        return found

    def together() -> int:
        prepared = m.prepare(fresh(), ["income"])
        return sum(len(e) for e in prepared.estimate(MANY, by="domain"))

    t_one, n_one = best(one_by_one, repeat)
    t_all, n_all = best(together, repeat)
    return [
        (task, "INSAF calls", t_one, f"{n_one} estimates, fresh survey"),
        (task, "INSAF prepare", t_all, f"{n_all} estimates, fresh survey"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()

    frame = make_data(args.persons)

    def fresh() -> Survey:
        return Survey(
            persons=Table(name="persons", frame=frame),
            design=Design(weight="w", strata="stratum", psu="psu"),
        )

    survey = fresh()
    rows: list[tuple[str, str, float, str]] = []

    t, g = best(lambda: m.gini(fresh(), "income"), args.repeat)
    rows.append(("(a) Gini + linearized SE", "INSAF cold", t, f"{g.value:.6f} (se {g.se:.2e})"))
    t, g = best(lambda: m.gini(survey, "income"), args.repeat)
    rows.append(("(a) Gini + linearized SE", "INSAF warm", t, f"{g.value:.6f} (se {g.se:.2e})"))
    t, ge = best(lambda: m.gini(survey, "income", estimator="eurostat"), args.repeat)
    rows.append(
        ("(a) Gini + linearized SE", "INSAF eurostat", t, f"{ge.value:.6f} (se {ge.se:.2e})")
    )
    for name, fn in peers(frame).items():
        t, value = best(fn, args.repeat)
        rows.append(("(a) Gini, point only", name, t, f"{value:.6f}"))

    t, a = best(lambda: m.arpr(fresh(), "income", by="domain"), args.repeat)
    rows.append(
        (
            "(b) ARPR + SE, 10 domains",
            "INSAF cold",
            t,
            f"first {a[0].value:.6f} (se {a[0].se:.2e})",
        )
    )
    t, a = best(lambda: m.arpr(survey, "income", by="domain"), args.repeat)
    rows.append(
        (
            "(b) ARPR + SE, 10 domains",
            "INSAF warm",
            t,
            f"first {a[0].value:.6f} (se {a[0].se:.2e})",
        )
    )
    for name, fn in arpr_peers(frame).items():
        t, value = best(fn, args.repeat)
        rows.append(("(b) ARPR, 10 domains, point only", name, t, f"first {value[0]:.6f}"))

    reps = args.replicates
    t, b = best(
        lambda: m.gini(fresh(), "income", variance="bootstrap", replicates=reps, seed=1),
        max(1, args.repeat - 1),
    )
    rows.append((f"(c) Gini, {reps} bootstrap replicates", "INSAF cold", t, f"se {b.se:.2e}"))
    t, b = best(
        lambda: m.gini(survey, "income", variance="bootstrap", replicates=reps, seed=1),
        max(1, args.repeat - 1),
    )
    rows.append((f"(c) Gini, {reps} bootstrap replicates", "INSAF warm", t, f"se {b.se:.2e}"))
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

    rows += many_measures(fresh, args.repeat)

    width = max(len(r[0]) for r in rows)
    print(f"\n{args.persons:,} persons, 50 strata, 5,000 PSUs; best of {args.repeat} runs\n")
    print(f"{'task':<{width}}  {'who':<15} {'seconds':>8}  result")
    for task, who, secs, note in rows:
        print(f"{task:<{width}}  {who:<15} {secs:8.3f}  {note}")


if __name__ == "__main__":
    main()
