"""A 12-instrument scenario and its whole impact on a census in parts (issue 17).

    .venv/bin/python benchmarks/simulate_scale.py --census DIR [--engine stream]
        [--engine memory] [--scenario FILE] [--compare]

Data: a census written by ``insaf synth --partitioned --households N --out DIR``
(households, persons and consumption items in Parquet parts by governorate;
every household weight 1). Scenario: ``benchmarks/policy_benchmark.yaml``, a
baseline of 12 instruments (the demo country's policies) and a reform that
changes 7 of them, with price elasticities, with its child grant's amount left
at 10 DMD instead of solved for budget neutrality (a solver needs the whole
survey at each step, so it does not run on parts; see docs/scale.md).

Each engine runs in its own fresh process (``insaf.policy.simulate`` in
memory on the whole survey, or ``insaf.policy.partitioned.simulate_partitioned``
one part at a time), then the rights assessment; the time covers reading,
simulating and the whole impact with standard errors. Reported: wall and CPU
seconds, seconds per million persons, peak resident memory of the process,
and the load average at the end. ``--compare`` checks that the engines'
``impact.json`` agree to 1e-9 (run both engines).

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
import json, resource, sys, time
from pathlib import Path
from insaf.policy import load_scenario, simulate
from insaf.policy.partitioned import simulate_partitioned
from insaf.rights import assess_rights
from insaf.survey.partitioned import open_partitioned

engine, census, scenario_path, out = sys.argv[1:5]
wall, cpu = time.perf_counter(), time.process_time()
scenario = load_scenario(scenario_path)
dataset = open_partitioned(census)
if engine == "stream":
    impact = simulate_partitioned(scenario, dataset)
else:
    impact = simulate(scenario, dataset.whole())
impact = assess_rights(impact)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
Path(out).write_text(json.dumps(impact.to_dict(), default=str))
print(json.dumps({
    "wall": wall, "cpu": cpu,
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
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
    parser.add_argument("--engine", action="append", choices=["stream", "memory"], dest="engines")
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
                [sys.executable, "-c", CHILD, engine, str(args.census), str(scenario), str(out)],
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
            print(
                f"{engine:>6}: {figures['households']:,} households, {figures['persons']:,} "
                f"persons: {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, "
                f"{per_million:.2f} s per million persons, peak {figures['peak_gb']:.2f} GB, "
                f"load {figures['load']:.1f}",
                flush=True,
            )
        if args.compare and len(found) == 2:
            a, b = (json.loads((folder / f"{e}.json").read_text()) for e in found)
            diff = differences(a["reforms"], b["reforms"])
            print(f"impact.json, stream against memory: {len(diff)} differences beyond 1e-9")
            for line in diff[:10]:
                print("  ", line)


if __name__ == "__main__":
    main()
