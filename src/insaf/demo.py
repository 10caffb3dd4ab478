"""The demo pipeline: build the synthetic country, write it, open it again from
disk, validate it, write its plan and budgets (``insaf.budget.demo``, in
``budget/`` beside the survey), and compute its headline figures with standard
errors.

This is what ``make run`` shows until the web platform takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from insaf.measures import Estimate, fgt, gini, mean
from insaf.survey import Format, Survey, open_survey, write_survey
from insaf.survey.inspect import Inspection, inspect_survey
from insaf.survey.synth import SynthOptions, description, synthesize

__all__ = ["DEMO_SEED", "DEMO_YEAR", "DemoResult", "Headline", "run_demo"]

DEMO_SEED = 2024
DEMO_YEAR = 2024
WELFARE = "consumption_pc"
LINE = "poverty_line"
STEPS = ("synthesize", "write", "open", "validate", "budget", "estimate")
BUDGET = "budget"
"""The folder, inside the demo's, of its plan and budgets (a Fiscal Data Package)."""


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline figure: a label in both languages and its estimate."""

    label_en: str
    label_ar: str
    estimate: Estimate


@dataclass(frozen=True, slots=True)
class DemoResult:
    manifest: Path
    inspection: Inspection
    headlines: tuple[Headline, ...]
    budget: Path | None = None
    """The demo budget's ``datapackage.json`` (``insaf.budget.demo``)."""


def headlines(survey: Survey) -> tuple[Headline, ...]:
    """Poverty headcount (national and by area), consumption Gini and mean, with SEs."""
    poverty = fgt(survey, WELFARE, line=LINE, alpha=0)
    by_area = fgt(survey, WELFARE, line=LINE, alpha=0, by="urban")
    found = [
        Headline("Poverty headcount ratio", "نسبة الفقر", poverty[0]),
        Headline("Poverty headcount, urban", "نسبة الفقر، حضر", by_area.get(urban=1)),
        Headline("Poverty headcount, rural", "نسبة الفقر، ريف", by_area.get(urban=0)),
        Headline("Poverty gap index", "فجوة الفقر", fgt(survey, WELFARE, line=LINE, alpha=1)[0]),
        Headline(
            "Gini coefficient of consumption", "معامل جيني للاستهلاك", gini(survey, WELFARE)[0]
        ),
        Headline(
            "Mean consumption per person (per month)",
            "متوسط استهلاك الفرد (شهرياً)",
            mean(survey, WELFARE)[0],
        ),
    ]
    return tuple(found)


def run_demo(
    folder: str | Path,
    *,
    households: int = SynthOptions().households,
    seed: int = DEMO_SEED,
    year: int = DEMO_YEAR,
    format: Format = Format.PARQUET,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Build, write, reopen, validate and summarise the demo country's survey.

    The figures are computed on the survey as read back from disk, so the demo
    also proves the files. Validation errors stop the pipeline
    (``ValidationFailed``).
    """
    step = progress or (lambda _name: None)
    step("synthesize")
    built = synthesize(households, seed, year)
    step("write")
    options = SynthOptions(households=households, seed=seed, year=year)
    manifest = write_survey(built, folder, format=format, description=description(options))
    step("open")
    survey = open_survey(manifest)
    step("validate")
    inspection = inspect_survey(survey)
    inspection.report.raise_for_errors()
    step("budget")
    from insaf.budget.demo import write_demo_budget  # the policy engine, only here

    budget = write_demo_budget(Path(folder) / BUDGET, survey)
    step("estimate")
    return DemoResult(
        manifest=manifest, inspection=inspection, headlines=headlines(survey), budget=budget
    )
