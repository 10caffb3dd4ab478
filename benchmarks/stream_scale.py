"""Linear measures with SEs from a partitioned Parquet dataset: streamed against in memory.

    .venv/bin/python benchmarks/stream_scale.py --persons 10000000 [--memory] [--folder DIR]
        [--replicates R]

Writes ``--persons`` persons (50 strata, 5,000 PSUs, 10 domains, lognormal
incomes; seed 2024) in partitions of 1,000,000 rows, never holding the whole
dataset, unless ``--folder`` already holds them. Then, each in a fresh process
so that its peak resident memory is its own:

- ``stream``: ``insaf.measures.stream.estimate`` of the mean, the total and
  FGT0 and FGT1 at a fixed line, then the Gini and the ARPR from one exact
  external sort through spill files (``stream.spilled``, ``gini_of``,
  ``arpr_of``), by 10 domains, with linearized SEs; each part timed;
- ``memory`` (with ``--memory``): the same six with ``insaf.measures`` on the
  dataset read whole (``pl.read_parquet``), and the largest relative
  difference between the two engines.

With ``--replicates R`` every row also carries R bootstrap replicate weights
(``w`` times a Poisson(1) draw, as a survey's published bootstrap weights
look), the design is a bootstrap replicate design over them, and both
engines give every SE from the replicates (a folder written with replicates
keeps them; give the same R).

Prints seconds, peak memory (GB) and seconds per million persons, with the
load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

PART = 1_000_000
LINE = 5000.0
STRATA, PSUS = 50, 5000


def write(folder: Path, persons: int, seed: int = 2024, replicates: int = 0) -> None:
    """``persons`` rows in files of ``PART`` rows, PSUs spread across files (with
    ``replicates`` bootstrap replicate weights)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    effect = rng.normal(0.0, 0.3, PSUS)
    for i, start in enumerate(range(0, persons, PART)):
        n = min(PART, persons - start)
        psu = rng.integers(0, PSUS, n)
        w = rng.uniform(50.0, 150.0, n)
        pl.DataFrame(
            {
                "income": np.exp(9.0 + effect[psu] + rng.normal(0.0, 0.7, n)),
                "w": w,
                "stratum": psu // (PSUS // STRATA),
                "psu": psu,
                "domain": rng.integers(0, 10, n),
                **{f"rep{r}": w * rng.poisson(1.0, n) for r in range(replicates)},
            }
        ).write_parquet(folder / f"part-{i:05d}.parquet")


def _design(replicates: int) -> Any:
    from insaf.survey.design import Design, ReplicateMethod, Replicates

    if not replicates:
        return Design(weight="w", strata="stratum", psu="psu")
    columns = tuple(f"rep{r}" for r in range(replicates))
    return Design(
        weight="w", replicates=Replicates(columns=columns, method=ReplicateMethod.BOOTSTRAP)
    )


def _stream(folder: str, replicates: int) -> list[tuple[float, float]]:
    from insaf.measures import stream

    design = _design(replicates)
    stats = [
        stream.Mean(variable="income"),
        stream.Total(variable="income"),
        stream.FGT(variable="income", line=LINE),
        stream.FGT(variable="income", line=LINE, alpha=1.0),
    ]
    found = _timed({"linear": lambda: stream.estimate(folder, stats, design=design, by="domain")})
    start = time.perf_counter()
    with stream.spilled(folder, "income", design=design, by="domain") as data:
        print(f"sort {time.perf_counter() - start:.2f}", file=sys.stderr)
        found += _timed(
            {"gini": lambda: stream.gini_of(data), "arpr": lambda: stream.arpr_of(data)}
        )
    return found


def _timed(parts: dict[str, Any]) -> list[tuple[float, float]]:
    """Each part's estimates, its time printed to stderr."""
    found = []
    for name, run in parts.items():
        start = time.perf_counter()
        found += [(e.value, e.se) for e in run()]
        print(f"{name} {time.perf_counter() - start:.2f}", file=sys.stderr)
    return found


def _memory(folder: str, replicates: int) -> list[tuple[float, float]]:
    import insaf.measures as m
    from insaf.survey.survey import Survey
    from insaf.survey.table import Table

    start = time.perf_counter()
    frame = pl.read_parquet(f"{folder}/*.parquet")
    survey = Survey(persons=Table(name="persons", frame=frame), design=_design(replicates))
    print(f"read {time.perf_counter() - start:.2f}", file=sys.stderr)

    def linear() -> list[Any]:
        found = [
            m.mean(survey, "income", by="domain"),
            m.total(survey, "income", by="domain"),
            m.fgt(survey, "income", line=LINE, by="domain"),
            m.fgt(survey, "income", line=LINE, alpha=1.0, by="domain"),
        ]
        return [found[j][d] for d in range(10) for j in range(4)]  # domain-major, as streamed

    return _timed(
        {
            "linear": linear,
            "gini": lambda: m.gini(survey, "income", by="domain"),
            "arpr": lambda: m.arpr(survey, "income", by="domain"),
        }
    )


def child(engine: str, folder: str, replicates: int) -> None:
    import resource

    start = time.perf_counter()
    result = (_stream if engine == "stream" else _memory)(folder, replicates)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"seconds": seconds, "peak_gb": peak, "result": result}))


def run(engine: str, folder: Path, replicates: int) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            engine,
            "--folder",
            str(folder),
            "--replicates",
            str(replicates),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    found["parts"] = " ".join(out.stderr.split())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--replicates", type=int, default=0)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.folder), args.replicates)
        return
    folder = args.folder or Path(tempfile.mkdtemp(prefix="insaf-stream-"))
    if not any(folder.glob("*.parquet")):
        start = time.perf_counter()
        write(folder, args.persons, replicates=args.replicates)
        print(f"wrote {args.persons:,} persons in {time.perf_counter() - start:.1f} s to {folder}")
    persons = sum(pl.scan_parquet(f"{folder}/*.parquet").select(pl.len()).collect().row(0))
    engines = ["stream", "memory"] if args.memory else ["stream"]
    results = {}
    for engine in engines:
        results[engine] = run(engine, folder, args.replicates)
        r = results[engine]
        per_million = float(r["seconds"]) / (persons / 1e6)  # type: ignore[arg-type]
        print(
            f"{engine:7} {persons:>12,} persons  {r['seconds']:8.2f} s  "
            f"peak {r['peak_gb']:5.2f} GB  {per_million:.3f} s per million; load average "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        )
        print(f"        seconds by part: {r['parts']}")
    if args.memory:
        a = np.array(results["stream"]["result"])
        b = np.array(results["memory"]["result"])
        worst = np.max(np.abs(a - b) / np.abs(b))
        print(f"largest relative difference, values and SEs: {worst:.2e}")


if __name__ == "__main__":
    main()
