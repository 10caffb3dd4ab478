"""Health: Washington Group functioning, chronic illness, insurance, child nutrition
and child deaths.

Washington Group short set: each person aged 5 or more has a latent frailty
that rises with age; each of the six domains adds its own noise and is cut
into 1 (no difficulty), 2 (some), 3 (a lot), 4 (cannot do at all). The
disability flag is the Washington Group cut-off: any domain at 3 or 4.
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.streams import Columns, FloatArray, IntArray, logistic, ordered

__all__ = ["WG_DOMAINS", "child_health", "functioning", "insurance"]

WG_DOMAINS = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
_WG_OFFSET = {
    "seeing": 0.0,
    "hearing": 0.3,
    "walking": -0.15,
    "cognition": 0.2,
    "selfcare": 0.5,
    "communication": 0.6,
}
WG_MIN_AGE = 5
NOT_ASKED = -1
"""Sentinel for 'not asked' (outside the question's age range); null in the tables."""


def functioning(persons: Columns, rng: np.random.Generator) -> None:
    """Add the six WG domains, ``disability`` and ``chronic_illness`` to ``persons``."""
    age = persons["age"].astype(np.float64)
    n = len(age)
    frailty = -2.3 + 0.035 * np.maximum(age - 35.0, 0.0) + rng.normal(0.0, 1.0, n)
    asked = age >= WG_MIN_AGE
    worst = np.zeros(n, dtype=np.int64)
    for domain in WG_DOMAINS:  # six domains: a loop over columns, not rows
        latent = frailty - _WG_OFFSET[domain] + rng.normal(0.0, 0.9, n)
        level = 1 + ordered(latent, [0.0, 1.2, 2.2])
        worst = np.maximum(worst, level)
        persons[domain] = np.where(asked, level, NOT_ASKED)
    persons["disability"] = np.where(asked, (worst >= 3).astype(np.int64), NOT_ASKED)
    chronic = rng.uniform(size=n) < logistic(-4.2 + 0.06 * age)
    persons["chronic_illness"] = chronic.astype(np.int64)


def insurance(persons: Columns, covered_household: IntArray, rng: np.random.Generator) -> IntArray:
    """Health insurance (1 covered): formal workers, their dependants, pensioners,
    some elderly and young children through public schemes, refugees through
    an agency scheme, and a few private policies."""
    status, age = persons["employment_status"], persons["age"]
    formal = (status == 1) | (status == 2)
    pension = persons["pension"] > 0
    dependant = covered_household[persons["hh_index"]] == 1
    refugee = persons["nationality"] == 2
    p = np.full(len(age), 0.08)
    p = np.where(refugee, 0.35, p)
    p = np.where(age < 6, np.maximum(p, 0.45), p)
    p = np.where(age >= 65, np.maximum(p, 0.40), p)
    p = np.where(dependant & ~formal, np.maximum(p, 0.85), p)
    p = np.where(formal | pension, 0.97, p)
    return (rng.uniform(size=len(age)) < p).astype(np.int64)


def child_health(
    persons: Columns, hh: Columns, welfare: FloatArray, rng: np.random.Generator
) -> None:
    """Underweight and stunting of children under 5 (``persons``) and a child
    death in the last five years (``hh``), all more likely in poorer, rural and
    refugee households. ``welfare`` is log real consumption per capita
    relative to 200 a month, per household."""
    index = persons["hh_index"]
    age = persons["age"]
    x = welfare[index]
    rural = (hh["urban"] == 0)[index]
    refugee = persons["nationality"] == 2
    n = len(age)
    young = age < 5
    risk = -0.8 * x + 0.3 * rural + 0.4 * refugee
    underweight = rng.uniform(size=n) < logistic(-3.0 + risk)
    stunted = rng.uniform(size=n) < logistic(-2.1 + risk)
    persons["underweight"] = np.where(young, underweight, NOT_ASKED).astype(np.int64)
    persons["stunted"] = np.where(young, stunted, NOT_ASKED).astype(np.int64)

    n_hh = len(hh["hhid"])
    women = (persons["sex"] == 2) & (age >= 15) & (age <= 49) & (persons["marital_status"] != 1)
    mothers = np.bincount(index, weights=women, minlength=n_hh) > 0
    under5 = np.bincount(index, weights=young, minlength=n_hh)
    hx = welfare
    p = logistic(-4.0 + 0.35 * under5 - 0.7 * hx + 0.4 * (hh["urban"] == 0))
    hh["child_death_5y"] = (mothers & (rng.uniform(size=n_hh) < p)).astype(np.int64)
