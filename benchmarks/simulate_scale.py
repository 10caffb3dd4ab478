"""A 12-instrument scenario and its whole impact on a census in parts (issue 17).

    .venv/bin/python benchmarks/simulate_scale.py --census DIR [--engine stream]
        [--engine memory] [--engine spark [--master local[2]]] [--scenario FILE]
        [--compare]

Data: a census written by ``insaf synth --partitioned --households N --out DIR``
(households, persons and consumption items in Parquet parts by governorate;
every household weight 1). Scenario: ``benchmarks/policy_benchmark.yaml``, a
baseline of 12 instruments (the demo country's policies) and a reform that
changes 7 of them, with price elasticities, with its child grant's amount left
at 10 DMD instead of solved for budget neutrality (a solver needs the whole
survey at each step, so it does not run on parts; see docs/scale.md).

Each engine runs in its own fresh process (``insaf.policy.simulate`` in
memory on the whole survey, ``insaf.policy.partitioned.simulate_partitioned``
one part at a time, or ``insaf.policy.spark.simulate_spark`` as Spark tasks
on ``--master``), then the rights assessment; the time covers reading,
simulating and the whole impact with standard errors (for Spark, its
session's start-up is given apart). Reported: wall and CPU seconds (CPU of
the driver's Python process), seconds per million persons, peak resident
memory of the process and, for Spark, of the process with every process it
started (the JVM and its Python workers, sampled every 0.5 s), and the load
average at the end. ``--compare`` checks that the engines' ``impact.json``
agree to 1e-9 with the first engine's.

Target (issue 17): the scenario with its impact in under 15 minutes on this
2-core machine at the scale of the streamed engine's target (about 100
million persons: ``--households 20000000``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from insaf._json import differences

HERE = Path(__file__).parent

CHILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
from insaf.policy import load_scenario, simulate
from insaf.policy.partitioned import simulate_partitioned
from insaf.rights import assess_rights
from insaf.survey.partitioned import open_partitioned

engine, census, scenario_path, out, master = sys.argv[1:6]
peak = [0]

def tree_rss():
    # resident bytes of this process and every process under it, from /proc
    children, rss = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(pid))
        rss[int(pid)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    todo, total = [os.getpid()], 0
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total

def sample():
    while True:
        peak[0] = max(peak[0], tree_rss())
        time.sleep(0.5)

threading.Thread(target=sample, daemon=True).start()
start = 0.0
wall, cpu = time.perf_counter(), time.process_time()
scenario = load_scenario(scenario_path)
dataset = open_partitioned(census)
if engine == "stream":
    impact = simulate_partitioned(scenario, dataset)
elif engine == "spark":
    from pyspark.sql import SparkSession
    from insaf.policy.spark import simulate_spark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    began = time.perf_counter()
    spark = (
        SparkSession.builder.master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.driver.maxResultSize", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter() - began
    impact = simulate_spark(scenario, dataset, spark=spark)
else:
    impact = simulate(scenario, dataset.whole())
impact = assess_rights(impact)
wall, cpu = time.perf_counter() - wall - start, time.process_time() - cpu
peak[0] = max(peak[0], tree_rss())
Path(out).write_text(json.dumps(impact.to_dict(), default=str))
print(json.dumps({
    "wall": wall, "cpu": cpu, "start": start,
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    "tree_gb": peak[0] / 1e9,
    "households": impact.meta["survey"]["households"],
    "persons": impact.meta["survey"]["persons"],
}))
"""


def _scenario(path: Path, folder: Path) -> Path:
    """The scenario with no parameter solved for (``budget_neutral`` dropped)."""
    text = path.read_text(encoding="utf-8").replace("budget_neutral: true, ", "")
    fixed = folder / path.name
    fixed.write_text(text, encoding="utf-8")
    return fixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census", type=Path, required=True)
    parser.add_argument("--scenario", type=Path, default=HERE / "policy_benchmark.yaml")
    parser.add_argument(
        "--engine", action="append", choices=["stream", "memory", "spark"], dest="engines"
    )
    parser.add_argument("--master", default="local[2]", help="Spark's master URL")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    engines = args.engines or ["stream"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario = _scenario(args.scenario, folder)
        found: dict[str, dict[str, Any]] = {}
        for engine in engines:
            out = folder / f"{engine}.json"
            run = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    engine,
                    str(args.census),
                    str(scenario),
                    str(out),
                    args.master,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode != 0:
                print(f"{engine}: failed\n{run.stderr[-3000:]}")
                continue
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            figures["load"] = os.getloadavg()[0]
            found[engine] = figures
            per_million = figures["wall"] / (figures["persons"] / 1e6)
            spark = (
                f" (+ {figures['start']:.1f} s Spark start-up; peak with the JVM and its "
                f"workers {figures['tree_gb']:.2f} GB)"
                if engine == "spark"
                else ""
            )
            print(
                f"{engine:>6}: {figures['households']:,} households, {figures['persons']:,} "
                f"persons: {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, "
                f"{per_million:.2f} s per million persons, peak {figures['peak_gb']:.2f} GB"
                f"{spark}, load {figures['load']:.1f}",
                flush=True,
            )
        if args.compare and len(found) >= 2:
            first, *others = found
            a = json.loads((folder / f"{first}.json").read_text())
            for other in others:
                b = json.loads((folder / f"{other}.json").read_text())
                diff = differences(a, b)
                print(f"impact.json, {other} against {first}: {len(diff)} differences beyond 1e-9")
                for line in diff[:10]:
                    print("  ", line)


if __name__ == "__main__":
    main()
