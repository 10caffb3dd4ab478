"""The demo country's plan and budget on the platform, loaded at the first start.

The budget is ``insaf.budget.demo.demo_budget`` on the demo survey of its last
year (the observatory's demo survey of that year: same size and seed), so the
budget, the survey and the observatory tell one story; the programme results,
the benefit incidence of public education and health and the incidence of the
cash transfers on women and men are computed on that survey with the policies in
force and stored through disclosure control.
"""

from __future__ import annotations

from collections.abc import Callable

from insaf.web.budget import models as m
from insaf.web.budget import services

__all__ = ["CODE", "load_demo", "wanted"]

CODE = "demo"


def wanted() -> bool:
    """No budget is stored yet."""
    return not m.StoredBudget.objects.exists()


def load_demo(
    *, households: int = 6000, seed: int = 7, say: Callable[[str], None] = lambda _: None
) -> m.StoredBudget:
    from insaf.budget.demo import DEMO_YEARS, demo_budget, demo_policies
    from insaf.survey.synth import synthesize

    year = DEMO_YEARS[-1]
    say(f"demo budget: the plan and budgets {DEMO_YEARS[0]}-{year} on the demo survey {year}")
    survey = synthesize(households, seed, year)
    scenario = demo_policies()
    stored = services.store_budget(
        actor=None, code=CODE, budget=demo_budget(survey, scenario), replace=True
    )
    say("demo budget: programme results on the survey")
    ref = {"kind": "synthetic", "year": year, "households": households, "seed": seed}
    stored = services.compute_results(
        actor=None, stored=stored, survey=survey, survey_ref=ref, scenario=scenario
    )
    say("demo budget: benefit incidence and transfers by sex on the survey")
    return services.compute_incidence(
        actor=None, stored=stored, survey=survey, survey_ref=ref, scenario=scenario
    )
