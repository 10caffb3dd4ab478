"""Speed of importing and checking a large budget.

    .venv/bin/python benchmarks/budget_import.py [--lines 100000]

Data: a BOOST-style flat file of ``--lines`` budget lines (one row per line,
approved, revised and executed columns: three amounts a line), in a hierarchy
of ministries (aggregate lines whose children add up to them), programmes
(about 1 line in 10), governorates and gender markers, written once into a
temporary folder with its ``budget.yaml`` and as a Fiscal Data Package.
Target (issue 12): 100,000 lines imported and checked in under 10 s on this
2-core machine.

INSAF: ``read_budget`` (every cell read as text and converted with its file,
row and field named on failure) then ``check`` (classification per phase,
codes, parents and cycles, every aggregate line against the sum of its
children, programmes against the plan), for the flat file and for the package.

Peer: ``polars.read_csv`` of the same file with type inference and nothing
checked: what reading the file costs without INSAF's checks.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl


def flat_file(lines: int, folder: Path, seed: int = 1) -> Path:
    """``folder/lines.csv`` and ``folder/budget.yaml``: ``lines`` lines in a hierarchy."""
    rng = np.random.default_rng(seed)
    ministries = 40
    per_ministry = lines // ministries - 1
    functions = ["01.3", "04.3", "07.2", "07.4", "09.1", "09.2", "10.9"]
    economics = ["21", "22", "25", "27", "28", "31"]
    rows: dict[str, list[object]] = {k: [] for k in (
        "line", "parent", "year", "admin", "function", "economic", "programme",
        "governorate", "source", "gender_marker", "approved", "revised", "executed",
    )}  # fmt: skip
    for m in range(ministries):
        admin = f"M{m:02d}"
        function = functions[m % len(functions)]
        approved = np.round(rng.uniform(1, 100, per_ministry), 3)
        revised = np.round(approved * rng.uniform(0.95, 1.05, per_ministry), 3)
        executed = np.round(approved * rng.uniform(0.85, 1.02, per_ministry), 3)
        for phase, values in (("approved", approved), ("revised", revised),
                              ("executed", executed)):  # fmt: skip
            rows[phase].append(float(values.sum()))
        rows["line"].append(admin)
        rows["parent"].append(None)
        for key, value in (("year", 2024), ("admin", admin), ("function", function),
                           ("economic", "2"), ("programme", None), ("governorate", None),
                           ("source", "treasury"), ("gender_marker", 0)):  # fmt: skip
            rows[key].append(value)
        for i in range(per_ministry):
            rows["line"].append(f"{admin}.{i}")
            rows["parent"].append(admin)
            rows["year"].append(2024)
            rows["admin"].append(admin)
            rows["function"].append(function)
            rows["economic"].append(economics[i % len(economics)])
            rows["programme"].append(f"P{m:02d}" if i % 10 == 0 else None)
            rows["governorate"].append(str(1 + i % 12))
            rows["source"].append("treasury" if i % 7 else "donor")
            rows["gender_marker"].append(int(i % 3 == 0))
            rows["approved"].append(float(approved[i]))
            rows["revised"].append(float(revised[i]))
            rows["executed"].append(float(executed[i]))
    frame = pl.DataFrame(rows, schema_overrides={"parent": pl.String, "programme": pl.String,
                                                 "governorate": pl.String})  # fmt: skip
    frame.write_csv(folder / "lines.csv")
    (folder / "budget.yaml").write_text("currency: DMD\nscale: 1000000\n", encoding="utf-8")
    return folder / "budget.yaml"


def timed(label: str, job: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = job()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()

    from insaf.budget import check, read_budget, write_fdp

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        manifest = flat_file(args.lines, folder)
        print(f"{args.lines:,} budget lines ({args.lines * 3:,} amounts); "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")  # fmt: skip
        peer, _ = timed("peer: polars.read_csv (inferred, no checks)",
                        lambda: pl.read_csv(folder / "lines.csv"))  # fmt: skip
        read, budget = timed("INSAF read_budget (flat CSV)", lambda: read_budget(manifest))
        checked, problems = timed("INSAF check", lambda: check(budget))  # type: ignore[arg-type]
        assert problems == [], problems
        write_fdp(budget, folder / "fdp")  # type: ignore[arg-type]
        _, again = timed("INSAF read_budget (Fiscal Data Package)",
                           lambda: read_budget(folder / "fdp"))  # fmt: skip
        assert again == budget
        total = read + checked
        print(f"imported and checked: {total:.2f} s (target < 10 s); "
              f"{total / peer:.1f} x the unchecked read")  # fmt: skip


if __name__ == "__main__":
    main()
