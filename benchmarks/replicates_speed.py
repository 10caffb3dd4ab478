"""Speed of jackknife standard errors of the MPI and the HOI.

    .venv/bin/python benchmarks/replicates_speed.py [--households 20000] [--repeat 3]
        [--reference]

Data: the synthetic demo country from ``insaf.survey.synth`` (seed 1, 2024)
at ``--households`` households (20,000: about 92,000 persons in some 1,000
PSUs, hence about 1,000 delete-one-PSU jackknife replicates), made in this
process. Timed, wall clock, best of ``--repeat``, each on a fresh ``Survey``
(nothing kept from an earlier estimate):

- ``mpi(survey, "global", variance="jackknife")``: H, A, M0, and the
  uncensored and censored headcounts and contributions of 10 indicators (33
  statistics), each with its jackknife SE;
- the same ``by="urban"`` (with the groups' shares and contributions);
- ``hoi(survey, "attending_school", variance="jackknife", ...)``: coverage, D
  and HOI of school attendance among children aged 6 to 14, given sex, area,
  refugee household, head's education (categorical) and household size, as
  in ``tests/golden/golden_mpi.R``.

Goal: each under 5 s. Means, ratios and shares take every replicate's value
from the replicate totals per PSU (one product with the factors); the HOI
refits each replicate's logistic regression on the distinct circumstances.
``--reference`` also times the same estimates replicate by replicate (each
statistic recomputed over every unit with each replicate's weights, as before
this method) and prints the largest difference between the two, as a check.
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from collections.abc import Callable
from typing import Any

import insaf.measures as m
from insaf.measures import _engine
from insaf.survey.survey import Survey
from insaf.survey.synth import synthesize

HOI = {
    "circumstances": ["sex", "urban", "refugee_hh", "head_education", "hhsize"],
    "categorical": ["head_education"],
    "among": "age >= 6 AND age <= 14",
}


def fresh(survey: Survey) -> Survey:
    """The same data in a new ``Survey`` (no kept design codes or replicates)."""
    return Survey(
        households=survey.households,
        persons=survey.persons,
        items=survey.items,
        design=survey.design,
        path=survey.path,
    )


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


class _OneByOne:
    """Hides a kernel's ``replicated`` method: the replicate loop recomputes it."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel

    def __call__(self, *args: Any) -> Any:
        return self.kernel(*args)


def one_by_one(fn: Callable[[], Any]) -> Any:
    original = _engine.run

    def run(sample: Any, stats: Any, **kw: Any) -> Any:
        from dataclasses import replace

        plain = [replace(s, kernel=_OneByOne(s.kernel)) for s in stats]
        return original(sample, plain, **kw)

    _engine.run = run  # type: ignore[assignment]
    mpi_module = importlib.import_module("insaf.measures.mpi")
    hoi_module = importlib.import_module("insaf.measures.opportunity")
    saved = (mpi_module.run, hoi_module.run)
    mpi_module.run = hoi_module.run = run  # type: ignore[assignment]
    try:
        return fn()
    finally:
        _engine.run = original  # type: ignore[assignment]
        mpi_module.run, hoi_module.run = saved  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    survey = synthesize(args.households, seed=1, year=2024)
    made = time.perf_counter() - start
    persons = survey.persons.frame.height if survey.persons is not None else 0
    psus = survey.households.frame.get_column(survey.design.psu).n_unique()  # type: ignore[union-attr,arg-type]
    print(
        f"synthetic survey: {args.households:,} households, {persons:,} persons, {psus:,} PSUs "
        f"(made in {made:.1f} s)"
    )
    cases: dict[str, Callable[[], Any]] = {
        "MPI (global), jackknife": lambda: m.mpi(fresh(survey), "global", variance="jackknife"),
        "MPI (global) by urban, jackknife": lambda: m.mpi(
            fresh(survey), "global", by="urban", variance="jackknife"
        ),
        "HOI school attendance, jackknife": lambda: m.hoi(
            fresh(survey),
            "attending_school",
            variance="jackknife",
            **HOI,  # type: ignore[arg-type]
        ),
    }
    for name, fn in cases.items():
        seconds, result = best(fn, args.repeat)
        load = os.getloadavg()[0]
        head = result[0]
        line = (
            f"{name:36s} {seconds:6.2f} s  (goal < 5 s; load {load:.1f} on {os.cpu_count()} "
            f"cores)  {head.measure} = {head.value:.4f} (SE {head.se:.5f})"
        )
        print(line)
        if args.reference:
            t = time.perf_counter()
            slow = one_by_one(fn)
            ref = time.perf_counter() - t
            gap = max(
                abs(a.se - b.se) / max(abs(b.se), 1e-300)
                for a, b in zip(result, slow, strict=True)
                if b.se > 0
            )
            print(
                f"{'  replicate by replicate':36s} {ref:6.2f} s  (load {os.getloadavg()[0]:.1f}); "
                f"largest relative SE difference {gap:.1e}"
            )


if __name__ == "__main__":
    main()
