"""Benchmark: computing 100 observatory indicators with 5 breakdowns each from a
100,000-household survey, with design-based standard errors and disclosure control.

    python benchmarks/web_compute.py [--households 100000] [--indicators 100]

Target (issue 6): under 60 s. The survey is synthesised first (not timed);
indicators cycle through the demo catalogue's measures and variables, each with
five breakdowns drawn from sex, age group, governorate, urban/rural,
nationality, disability and wealth quintile.
"""

from __future__ import annotations

import argparse
import itertools
import time

from insaf.observatory import DEMO_CATALOGUE, DisclosureRules, apply_disclosure, load_catalogue
from insaf.observatory.compute import compute_catalogue
from insaf.observatory.indicators import Catalogue
from insaf.survey.synth import synthesize

BREAKDOWNS = [
    "sex",
    "age_group",
    "governorate",
    "urban",
    "nationality",
    "disability",
    "wealth_quintile",
]


def catalogue(count: int) -> Catalogue:
    demo = load_catalogue(DEMO_CATALOGUE)
    computable = [i for i in demo.indicators if i.compute is not None]
    combos = itertools.cycle(itertools.combinations(BREAKDOWNS, 5))
    indicators = []
    for k in range(count):
        base = computable[k % len(computable)]
        chosen = next(combos)
        assert base.compute is not None
        # every indicator computes something of its own: the poverty line (or the
        # variable) is scaled by a factor that differs from one indicator to the next
        factor = 0.8 + k / 250
        derived = f"v{k:03d}"
        if base.compute.line is not None:
            compute = base.compute.model_copy(
                update={
                    "line": derived,
                    "derive": {**base.compute.derive, derived: f"poverty_line * {factor:.4f}"},
                }
            )
        else:
            variable = base.compute.variable
            expression = f"{variable} * {factor:.4f}"
            if base.compute.measure == "proportion":
                expression = f"CASE WHEN {variable} * {factor:.4f} >= 1 THEN 1 ELSE 0 END"
            if base.compute.population:
                compute = base.compute
            else:
                compute = base.compute.model_copy(
                    update={
                        "variable": derived,
                        "derive": {**base.compute.derive, derived: expression},
                    }
                )
        indicators.append(
            base.model_copy(
                update={
                    "code": f"{base.code}_{k:03d}",
                    "disaggregations": [[d] for d in chosen],
                    "compute": compute,
                }
            )
        )
    return demo.model_copy(update={"indicators": indicators, "frameworks": []})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    survey = synthesize(args.households, 2024, 2024)
    t1 = time.perf_counter()
    print(
        f"synthetic survey: {args.households} households, {survey.n_persons} persons "
        f"in {t1 - t0:.1f} s"
    )
    spec = catalogue(args.indicators)
    t2 = time.perf_counter()
    observations = compute_catalogue(spec, survey, workers=args.workers)
    t3 = time.perf_counter()
    published, report = apply_disclosure(observations, DisclosureRules())
    t4 = time.perf_counter()
    calls = sum(len(i.breakdowns) for i in spec.indicators)
    print(
        f"{args.indicators} indicators x (total + 5 breakdowns) = {calls} estimations, "
        f"{len(observations)} cells with SEs: {t3 - t2:.1f} s ({args.workers} processes)"
    )
    print(
        f"disclosure control: {t4 - t3:.2f} s ({report.primary} suppressed, {report.secondary} "
        f"secondary, {report.caution} with caution)"
    )
    print(f"TOTAL compute + disclosure: {t4 - t2:.1f} s (target < 60 s)")
    assert len(published) == len(observations)


if __name__ == "__main__":
    main()
