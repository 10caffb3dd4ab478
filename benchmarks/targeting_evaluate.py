"""Speed of evaluating one targeting rule with every metric and standard error.

    .venv/bin/python benchmarks/targeting_evaluate.py [--households 1000000] [--survey DIR]

Data: as ``benchmarks/targeting_fit.py``. Target (issue 5): under 5 s at a
million households on this 2-core machine.

INSAF: a PMT cut-off at 20 % coverage plus its benefit (the policy engine's
cash transfer), then ``evaluate_benefit``: coverage, both definitions of the
poor (exclusion error, inclusion error with both denominators, targeting
differential, benefit share), CGH at 20 and 40 %, concentration, adequacy,
benefit-cost ratio, FGT 0/1/2 before, after and the paired change, coverage
and benefit share by decile, and the breakdowns by urban/rural, governorate,
sex of head, refugee and disability status: about 260 estimates, each with a
linearized standard error. Preparation (reading the columns, design codes,
the policy engine's view, scoring) is timed apart.

Peer: the same FGT 0/1/2 before and after with their paired changes and the
concentration coefficient through the generic ``insaf.measures`` estimators
(``fgt``, ``difference``, ``concentration``): 7 statistics.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import polars as pl
from targeting_fit import PROXIES, survey_folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--survey", type=Path)
    args = parser.parse_args()

    from insaf import measures
    from insaf.survey import Design, Survey, Table, open_survey
    from insaf.targeting import Cutoff, Rule, RuleEngine, TargetingData, evaluate_benefit, fit_pmt

    survey = open_survey(survey_folder(args.households, args.survey))
    print(f"{survey.n_households:,} households; load average {os.getloadavg()[0]:.2f}")
    model = fit_pmt(survey, PROXIES, net_of="cash_assistance", replicates=0)

    start = time.perf_counter()
    data = TargetingData.build(survey, net_of="cash_assistance")
    engine = RuleEngine(data, model)
    prepared = time.perf_counter() - start

    start, cpu = time.perf_counter(), time.process_time()
    rule = Rule(pmt=Cutoff(coverage=0.2))
    cut = engine.cutoff(rule)
    benefit = 30.0 * engine.units(rule, cut)
    result = evaluate_benefit(data, benefit, rule=rule.describe())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    count = result.table().height
    line = result.definitions["line"]
    print(
        f"INSAF evaluate one rule ({count} estimates with SEs): {seconds:.2f} s (CPU {cpu:.2f} s; "
        f"preparation {prepared:.1f} s apart); exclusion error "
        f"{line['exclusion_error'].value:.3f} (se {line['exclusion_error'].se:.4f})  "
        f"target < 5 s: {'met' if seconds < 5 else 'NOT met'}"
    )

    frame = data.frame.select(survey.design.strata, survey.design.psu, survey.design.fpc)
    frame = frame.with_columns(
        pl.Series("wp", data.people),
        pl.Series("y", data.welfare),
        pl.Series("after", data.welfare + benefit / data.size),
        pl.Series("t", benefit / data.size),
        pl.Series("line", data.line),
    )
    design = Design(weight="wp", strata=survey.design.strata, psu=survey.design.psu,
                    fpc=survey.design.fpc)  # fmt: skip
    people = Survey(households=Table(name="h", frame=frame), design=design)
    start = time.perf_counter()
    for alpha in (0, 1, 2):
        before = measures.fgt(people, "y", line="line", alpha=alpha, unit="household")[0]
        after = measures.fgt(people, "after", line="line", alpha=alpha, unit="household")[0]
        measures.difference(after, before)
    measures.concentration(people, "t", rank_by="y", unit="household")
    peer = time.perf_counter() - start
    print(f"peer insaf.measures (fgt x6, difference x3, concentration: 7 statistics): {peer:.2f} s")
    assert np.isfinite(result.summary["concentration"].value)


if __name__ == "__main__":
    main()
