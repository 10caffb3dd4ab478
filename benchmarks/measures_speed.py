"""Speed of INSAF's measures with standard errors, beside the fastest Python peer.

    .venv/bin/python benchmarks/measures_speed.py [--persons 1000000] [--repeat 3]

Data (made here with numpy, seed 2024): 1,000,000 persons in 50 strata and
5,000 PSUs (100 per stratum), lognormal incomes with a PSU effect, weights
uniform in [50, 150], 10 domains. Figures are the best of ``--repeat`` runs,
wall clock, including INSAF's checks and sorting from the Survey, and beside
them the best CPU time (the process's, and its child processes' for (e)),
which load on the shared machine disturbs less than wall time.

A survey keeps what depends only on its data (design codes, weights,
replicate factors, domain codes), so INSAF is timed twice: "cold", on a fresh
``Survey`` each run (the first estimate on a survey), and "warm", on a survey
that has already served an estimate.

(a) Gini with linearized SE           goal: no slower than ineqpy's point estimate
(b) ARPR with linearized SE, 10 domains goal: no slower than the peers' point estimates
(b) FGT0 with linearized SE, 10 domains goal: idem
(c) Gini with 200 bootstrap replicates target < 10 s
(d) 12 measures of one variable in 10 domains: one call each, or one
    ``prepare(...).estimate([...])``
(e) whole processes on the same Parquet file: ``insaf estimate`` (Gini; FGT0
    and ARPR by 10 domains; all with SE) against a Python process that reads
    the file with pandas and computes microdf's point estimate; INSAF's modules
    are compiled to bytecode first, as an installed package's (and the peers') are
    goal: INSAF no slower

The machine is shared: INSAF and its peers are timed in rounds, one run of
each per round (not all of one, then all of the other), so that a burst of
load falls on both; figures are the best of ``--repeat`` rounds, and the load
average is printed beside them.

Peers (point estimate only; they have no design-based SE): microdf-python's
``MicroSeries.gini`` and ineqpy's ``inequality.gini``; for the ARPR, the
weighted median from each and numpy for the domain rates; for FGT0,
microdf's ``MicroDataFrame.poverty_rate`` and ineqpy's weighted ``mean`` in
each domain. They are the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

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


class Timed(NamedTuple):
    """The best wall and CPU times of a run (seconds) and its last result."""

    wall: float
    cpu: float
    result: Any


Row = tuple[str, str, float, float | None, str]
"""A line of the report: task, who, wall seconds, CPU seconds (or None), result."""


def cpu_now() -> float:
    """CPU seconds used so far by this process and its finished child processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best(fn: Callable[[], Any], repeat: int) -> Timed:
    return race({"run": fn}, repeat)["run"]


def race(runs: Mapping[str, Callable[[], Any]], rounds: int) -> dict[str, Timed]:
    """Best times and last result of each run, timed in rounds (one run of each per round)."""
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, Any] = {}
    for _ in range(rounds):
        for name, fn in runs.items():
            start, used = time.perf_counter(), cpu_now()
            results[name] = fn()
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(cpu_now() - used)
    return {name: Timed(min(walls[name]), min(cpus[name]), results[name]) for name in runs}


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


LINE = 5000.0
"""The absolute poverty line of the FGT0 comparisons."""


def fgt0_peers(frame: pl.DataFrame) -> dict[str, Callable[[], np.ndarray]]:
    y = frame.get_column("income").to_numpy()
    w = frame.get_column("w").to_numpy()
    d = frame.get_column("domain").to_numpy()
    found: dict[str, Callable[[], np.ndarray]] = {}
    try:
        import microdf

        def micro() -> np.ndarray:
            table = microdf.MicroDataFrame(
                {"income": y, "line": np.full(y.size, LINE), "domain": d}, weights=w
            )
            return np.array(
                [table[table.domain == k].poverty_rate("income", "line") for k in range(10)]
            )

        found["microdf"] = micro
    except ImportError:
        pass
    try:
        from ineqpy import statistics

        def ineq() -> np.ndarray:
            poor = (y < LINE).astype(np.float64)
            return np.array(
                [
                    float(statistics.mean(variable=poor[d == k], weights=w[d == k]))
                    for k in range(10)
                ]
            )

        found["ineqpy"] = ineq
    except ImportError:
        pass
    return found


PEER_PROCESS = """
import sys
import numpy as np
import pandas as pd
import microdf
frame = pd.read_parquet(sys.argv[1], columns=["income", "w", "domain"])
y, w, d = frame["income"].to_numpy(), frame["w"].to_numpy(), frame["domain"].to_numpy()
task = sys.argv[2]
if task == "gini":
    print(microdf.MicroSeries(y, weights=w).gini())
elif task == "fgt0":
    table = microdf.MicroDataFrame({"income": y, "line": np.full(y.size, 5000.0), "domain": d},
                                   weights=w)
    print([table[table.domain == k].poverty_rate("income", "line") for k in range(10)])
else:
    line = 0.6 * float(microdf.MicroSeries(y, weights=w).median())
    poor = np.bincount(d, weights=w * (y < line), minlength=10)
    print(list(poor / np.bincount(d, weights=w, minlength=10)))
"""
"""A whole Python process computing microdf's point estimate from the Parquet file."""


def whole_processes(frame: pl.DataFrame, rounds: int) -> list[Row]:
    """(e): ``insaf estimate`` against a Python process running microdf, on one Parquet file."""
    try:
        import microdf  # noqa: F401
    except ImportError:
        print("microdf-python is not installed: no whole-process comparison")
        return []
    insaf = str(Path(sys.executable).parent / "insaf")
    # An installed package starts from compiled bytecode, as the peers' do; an
    # editable checkout run with PYTHONDONTWRITEBYTECODE would compile every module
    # on every start, so compile INSAF's once before timing.
    compileall.compile_dir(str(Path(m.__file__).parent.parent), quiet=1)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        data = str(Path(folder) / "persons.parquet")
        frame.write_parquet(data)
        design = ["--weight", "w", "--strata", "stratum", "--psu", "psu", "--format", "json"]
        tasks = {
            "gini": ["--measure", "gini", "--var", "income"],
            "fgt0": ["--measure", "fgt0", "--var", "income", "--line", str(LINE)],
            "arpr": ["--measure", "arpr", "--var", "income"],
        }
        for task, options in tasks.items():
            by = [] if task == "gini" else ["--by", "domain"]
            insaf_run = [insaf, "estimate", data, *options, *by, *design]
            peer_run = [sys.executable, "-c", PEER_PROCESS, data, task]

            def run(command: list[str]) -> Callable[[], None]:
                return lambda: subprocess.run(command, check=True, capture_output=True) and None

            found = race({"insaf": run(insaf_run), "peer": run(peer_run)}, rounds)
            label = f"(e) process: {task}" + ("" if task == "gini" else ", 10 domains")
            insaf_t, peer_t = found["insaf"], found["peer"]
            rows.append((label, "insaf estimate", insaf_t.wall, insaf_t.cpu, "with SE; " + load()))
            rows.append((label, "python+microdf", peer_t.wall, peer_t.cpu, "point only"))
    return rows


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


def many_measures(fresh: Callable[[], Survey], repeat: int) -> list[Row]:
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

    one, together_t = best(one_by_one, repeat), best(together, repeat)
    return [
        (task, "INSAF calls", one.wall, one.cpu, f"{one.result} estimates, fresh survey"),
        (
            task,
            "INSAF prepare",
            together_t.wall,
            together_t.cpu,
            f"{together_t.result} estimates, fresh survey",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--replicates", type=int, default=200, help="0 skips (c) and (d): the peers' part only"
    )
    parser.add_argument("--no-processes", dest="processes", action="store_false", help="skip (e)")
    args = parser.parse_args()

    frame = make_data(args.persons)

    def fresh() -> Survey:
        return Survey(
            persons=Table(name="persons", frame=frame),
            design=Design(weight="w", strata="stratum", psu="psu"),
        )

    survey = fresh()
    m.gini(survey, "income")  # warm: the survey has served an estimate
    rows: list[Row] = []
    print(load())

    found = race(
        {
            "INSAF cold": lambda: m.gini(fresh(), "income"),
            "INSAF warm": lambda: m.gini(survey, "income"),
            "INSAF eurostat": lambda: m.gini(survey, "income", estimator="eurostat"),
            **peers(frame),
        },
        args.repeat,
    )
    for who, (t, cpu, g) in found.items():
        if who.startswith("INSAF"):
            note = f"{g.value:.6f} (se {g.se:.2e})"
            rows.append(("(a) Gini + linearized SE", who, t, cpu, note))
        else:
            rows.append(("(a) Gini, point only", who, t, cpu, f"{g:.6f}"))
    rows[-1] = (*rows[-1][:4], rows[-1][4] + "; " + load())

    for task, insaf_run, peer_runs in (
        (
            "ARPR",
            lambda s: m.arpr(s, "income", by="domain"),
            arpr_peers(frame),
        ),
        (
            "FGT0",
            lambda s: m.fgt(s, "income", line=LINE, alpha=0, by="domain"),
            fgt0_peers(frame),
        ),
    ):
        found = race(
            {
                "INSAF cold": lambda run=insaf_run: run(fresh()),
                "INSAF warm": lambda run=insaf_run: run(survey),
                **peer_runs,
            },
            args.repeat,
        )
        for who, (t, cpu, a) in found.items():
            if who.startswith("INSAF"):
                note = f"first {a[0].value:.6f} (se {a[0].se:.2e})"
                rows.append((f"(b) {task} + SE, 10 domains", who, t, cpu, note))
            else:
                peer_task = f"(b) {task}, 10 domains, point only"
                rows.append((peer_task, who, t, cpu, f"first {a[0]:.6f}"))
        rows[-1] = (*rows[-1][:4], rows[-1][4] + "; " + load())

    if args.processes:
        rows += whole_processes(frame, args.repeat)
    if not args.replicates:
        report(rows, args)
        return

    reps = args.replicates
    boot = f"(c) Gini, {reps} bootstrap replicates"

    def boot_gini(on: Callable[[], Survey]) -> Callable[[], Any]:
        return lambda: m.gini(on(), "income", variance="bootstrap", replicates=reps, seed=1)

    for who, on in (("INSAF cold", fresh), ("INSAF warm", lambda: survey)):
        t, cpu, b = best(boot_gini(on), max(1, args.repeat - 1))
        rows.append((boot, who, t, cpu, f"se {b.se:.2e}"))
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

        t, cpu, _ = best(run_peer, 1)
        rows.append(
            (
                f"(c) Gini x{reps} replicates, point only",
                name,
                t * reps / 10,
                cpu * reps / 10,
                "extrapolated from 10",
            )
        )

    rows += many_measures(fresh, args.repeat)
    report(rows, args)


def report(rows: list[Row], args: argparse.Namespace) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{args.persons:,} persons, 50 strata, 5,000 PSUs; best of {args.repeat} rounds\n")
    print(f"{'task':<{width}}  {'who':<15} {'wall s':>8} {'CPU s':>7}  result")
    for task, who, secs, cpu, note in rows:
        shown = "" if cpu is None else f"{cpu:.3f}"
        print(f"{task:<{width}}  {who:<15} {secs:8.3f} {shown:>7}  {note}")
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
