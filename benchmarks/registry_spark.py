"""The registry's determinations on Spark against the local run, on a registry in files
(issue 17).

    .venv/bin/python benchmarks/registry_spark.py build DIR [--households 200000]
    .venv/bin/python benchmarks/registry_spark.py run DIR [--as-of 2024-12-31]
        [--master local[2]] [--tasks N]

``build`` writes the demo registry (``insaf.registry.demo.demo_registry``: the
synthetic country's households, every survey value an observation) of
``--households`` households to DIR, as ``insaf registry import --demo`` does.

``run`` times the three demo programmes as of ``--as-of`` two ways, each as
``insaf registry determine`` runs it: locally (``read_registry``, then
``determine_each``) and as Spark tasks on ``--master``
(``insaf.registry.spark.determine_spark``; the session's start-up is timed
apart, and a first small run warms the Python workers). It checks that both give
the same determinations (every hash), and prints wall seconds, the driver's
peak resident memory and the load average (``os.getloadavg``) before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
DEMO = HERE.parent / "src" / "insaf" / "registry" / "demo"
PROGRAMMES = ("cash_assistance", "child_grant", "disability_allowance")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def build(folder: Path, households: int) -> None:
    from insaf.registry import write_registry
    from insaf.registry.demo import demo_registry

    start = time.perf_counter()
    registry = demo_registry(households)
    write_registry(registry, folder)
    print(f"{registry!r} written to {folder} in {time.perf_counter() - start:.1f} s")


def run(folder: Path, as_of: dt.date, master: str, tasks: int | None) -> None:
    import polars as pl
    from pyspark.sql import SparkSession

    from insaf.registry import load_ruleset, read_registry
    from insaf.registry.programmes import determine_each
    from insaf.registry.spark import determine_spark

    rulesets = [load_ruleset(DEMO / f"{p}.yaml") for p in PROGRAMMES]
    print(f"load before: {_load()}")
    start = time.perf_counter()
    local = determine_each(rulesets, read_registry(folder), as_of)
    took_local = time.perf_counter() - start
    peak_local = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"local: {len(local):,} determinations in {took_local:.1f} s "
          f"(peak {peak_local:.2f} GB), load {_load()}")  # fmt: skip
    hashes = [d.hash for d in local]
    del local

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    start = time.perf_counter()
    spark = (
        SparkSession.builder.master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark: session started in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    ids = pl.read_parquet(folder / "groups.parquet").get_column("household_id").head(20)
    determine_spark(rulesets, folder, as_of, ids.to_list(), spark=spark)
    print(f"spark: workers warmed in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    found = determine_spark(rulesets, folder, as_of, tasks=tasks, spark=spark)
    took = time.perf_counter() - start
    same = [d.hash for d in found] == hashes
    print(f"spark {master}: {len(found):,} determinations in {took:.1f} s, the same hashes: "
          f"{same}, load {_load()}")  # fmt: skip
    spark.stop()
    if not same:
        raise SystemExit("Spark's determinations differ from the local run's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("build")
    made.add_argument("folder", type=Path)
    made.add_argument("--households", type=int, default=200_000)
    timed = commands.add_parser("run")
    timed.add_argument("folder", type=Path)
    timed.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2024, 12, 31))
    timed.add_argument("--master", default="local[2]")
    timed.add_argument("--tasks", type=int, default=None)
    args = parser.parse_args()
    if args.command == "build":
        build(args.folder, args.households)
    else:
        run(args.folder, args.as_of, args.master, args.tasks)


if __name__ == "__main__":
    main()
