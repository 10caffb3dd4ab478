"""Gini, ARPR and linear measures with SEs by domain: Spark against in memory.

    .venv/bin/python benchmarks/spark_scale.py --persons 10000000 [--folder DIR] [--master local[2]]

Writes ``--persons`` persons with ``benchmarks/stream_scale.py``'s builder
(50 strata, 5,000 PSUs, 10 domains, lognormal incomes, seed 2024; partitions
of 1,000,000 rows) unless ``--folder`` already holds them. Then:

- ``spark`` (this process, ``--master``, by default ``local[2]``):
  ``insaf.measures.spark.estimate`` of the mean, the total, FGT0 and FGT1 at a
  fixed line, then the Gini and the ARPR from one exact distributed sort
  (``spark.ranked``, ``gini_of``, ``arpr_of``), by 10 domains, with linearized
  SEs; each part timed (the session's start-up apart);
- ``memory`` (a fresh process, ``stream_scale.py --child memory``): the same
  with ``insaf.measures`` on the dataset read whole.

Prints the seconds of each, the largest relative difference between the two
engines' values and SEs, and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from stream_scale import LINE, run, write  # the script's folder is on sys.path


def _spark(folder: Path, master: str) -> tuple[list[tuple[float, float]], dict[str, float]]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from insaf.measures import spark as sp
    from insaf.measures import stream
    from insaf.survey.design import Design

    times: dict[str, float] = {}
    start = time.perf_counter()
    session = (
        SparkSession.builder.master(master)
        .appName("insaf-spark-scale")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "6g")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    times["start-up"] = time.perf_counter() - start
    design = Design(weight="w", strata="stratum", psu="psu")
    stats = [
        stream.Mean(variable="income"),
        stream.Total(variable="income"),
        stream.FGT(variable="income", line=LINE),
        stream.FGT(variable="income", line=LINE, alpha=1.0),
    ]
    found: list[tuple[float, float]] = []

    def timed(name: str, work: Any) -> None:
        begin = time.perf_counter()
        found.extend((e.value, e.se) for e in work())
        times[name] = time.perf_counter() - begin

    timed("linear", lambda: sp.estimate(folder, stats, design=design, by="domain", spark=session))
    begin = time.perf_counter()
    with sp.ranked(folder, "income", design=design, by="domain", spark=session) as data:
        times["sort"] = time.perf_counter() - begin
        timed("gini", lambda: sp.gini_of(data))
        timed("arpr", lambda: sp.arpr_of(data))
    session.stop()
    return found, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="insaf-spark-"))
    if not any(folder.glob("*.parquet")):
        start = time.perf_counter()
        write(folder, args.persons)
        print(f"wrote {args.persons:,} persons in {time.perf_counter() - start:.1f} s to {folder}")
    persons = sum(pl.scan_parquet(f"{folder}/*.parquet").select(pl.len()).collect().row(0))

    def load() -> str:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())

    found, times = _spark(folder, args.master)
    work = sum(v for k, v in times.items() if k != "start-up")
    print(
        f"spark ({args.master}) {persons:>12,} persons  {work:8.2f} s "
        f"(+ {times['start-up']:.1f} s start-up); load average {load()}"
    )
    print("        seconds by part: " + " ".join(f"{k} {v:.2f}" for k, v in times.items()))
    memory = run("memory", folder)
    print(
        f"memory             {persons:>12,} persons  {memory['seconds']:8.2f} s  "
        f"peak {memory['peak_gb']:5.2f} GB; load average {load()}"
    )
    print(f"        seconds by part: {memory['parts']}")
    a, b = np.array(found), np.array(memory["result"])
    worst = np.max(np.abs(a - b) / np.abs(b))
    print(f"largest relative difference, values and SEs: {worst:.2e}")


if __name__ == "__main__":
    main()
