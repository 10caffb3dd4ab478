"""Start-up time of the ``insaf`` command, as a user runs it.

    .venv/bin/python benchmarks/startup.py [--repeat 10]

Each line is a whole process, best and median of ``--repeat`` runs, wall clock:
the interpreter alone and the interpreter importing Typer and Rich (the floor
any Typer CLI pays), then ``insaf --version``, ``insaf --help`` and one
command's ``--help`` (which imports that command's module).

Goal: ``insaf --version`` and ``insaf --help`` under 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 0.25


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    insaf = shutil.which("insaf", path=str(Path(sys.executable).parent)) or "insaf"
    runs = [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("python: import typer, rich", [sys.executable, "-c", "import typer, rich.console"], None),
        ("insaf --version", [insaf, "--version"], GOAL),
        ("insaf --help", [insaf, "--help"], GOAL),
        ("insaf estimate --help", [insaf, "estimate", "--help"], None),
    ]
    print(f"load average {os.getloadavg()[0]:.2f}; best and median of {args.repeat} runs\n")
    print(f"{'process':<28} {'best s':>7} {'median s':>9}  goal")
    for name, command, goal in runs:
        best, median = timed(command, args.repeat)
        verdict = "" if goal is None else f"< {goal} s: {'yes' if median < goal else 'NO'}"
        print(f"{name:<28} {best:7.3f} {median:9.3f}  {verdict}")


if __name__ == "__main__":
    main()
