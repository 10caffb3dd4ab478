"""The generator's pipeline: from the frame to households, persons and items.

The steps run in a fixed order, each drawing from its own random stream
(``streams.stream``), and add columns to two tables under construction
(numpy arrays keyed by name). Person-to-household sums use ``np.bincount``
on the household index; household values reach persons by indexing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from insaf.errors import DataError, said
from insaf.survey.synth.consumption import items
from insaf.survey.synth.country import Trend, governorate_array, trend
from insaf.survey.synth.dwelling import dwelling
from insaf.survey.synth.health import child_health, functioning, insurance
from insaf.survey.synth.incomes import household_incomes, taxes
from insaf.survey.synth.labour import work
from insaf.survey.synth.people import make_people
from insaf.survey.synth.policy import baseline
from insaf.survey.synth.sample import build_frame, draw_sample
from insaf.survey.synth.schooling import schooling
from insaf.survey.synth.services import services
from insaf.survey.synth.streams import Columns, FloatArray, stream
from insaf.survey.synth.welfare import (
    REFERENCE,
    assistance,
    consumption_before_assistance,
    standing,
)

__all__ = ["STEPS", "Generated", "Streams", "generate", "populate"]

STEPS = (
    "sample",
    "people",
    "health",
    "schooling",
    "work",
    "incomes",
    "dwelling",
    "assistance",
    "consumption",
    "tables",
)
"""The steps reported to a progress callback, in order."""

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Generated:
    """The raw tables (numpy columns) and what the manifest reports of them."""

    households: Columns
    persons: Columns
    items: Columns
    policy: dict[str, Any]
    design: Columns
    trend: Trend


def _summaries(hh: Columns, persons: Columns) -> None:
    """Household counts and head characteristics from the members."""
    n = len(hh["hhid"])
    index = persons["hh_index"]
    age = persons["age"]

    def count(mask: Any) -> Any:
        return np.bincount(index, weights=mask, minlength=n).astype(np.int64)

    heads = np.cumsum(hh["hhsize"]) - hh["hhsize"]  # persons are sorted; the head comes first
    hh["head_education"] = persons["education"][heads]
    hh["head_employment"] = persons["employment_status"][heads]
    hh["n_children"] = count(age < 18)
    hh["n_under5"] = count(age < 5)
    hh["n_elderly"] = count(age >= 65)
    hh["n_adults"] = count(age >= 18)
    hh["has_disabled"] = (count(persons["disability"] == 1) > 0).astype(np.int64)
    hh["refugee_hh"] = (hh["nationality"] == 2).astype(np.int64)
    hh["students"] = count(persons["attending_school"] == 1)
    hh["chronic_members"] = count(persons["chronic_illness"])
    hh["n_earners"] = count((persons["wage"] > 0) | (persons["self_employment_income"] > 0))


def _welfare_measures(hh: Columns, persons: Columns, policy: dict[str, Any]) -> None:
    size = hh["hhsize"].astype(np.float64)
    scale = policy["equivalence_scale"]
    index = persons["hh_index"]
    child = persons["age"] < scale["child_below_age"]
    adults = np.bincount(index, weights=~child, minlength=len(size))
    children = size - adults
    # The head is an adult (18 or older), so every household has one.
    ae = scale["head"] + scale["other_adult"] * (adults - 1) + scale["child"] * children
    hh["adult_equivalents"] = np.round(ae, 2)
    hh["consumption_pc"] = np.round(hh["consumption"] / size, 2)
    hh["consumption_ae"] = np.round(hh["consumption"] / ae, 2)
    line = float(policy["poverty_line"]["national"])
    hh["poverty_line"] = np.round(line * hh["price_index"], 2)
    hh["income"] = np.round(
        hh["wage_income"]
        + hh["self_employment_income"]
        + hh["pension_income"]
        + hh["remittance_income"]
        + hh["transfer_income"],
        2,
    )
    hh["disposable_income"] = np.round(
        hh["income"] - hh["income_tax"] - hh["social_contributions"], 2
    )


Streams = Callable[[str], np.random.Generator]
"""The random generator of each named part of the pipeline."""


def populate(
    hh: Columns, when: Trend, rng: Streams, progress: Progress | None = None
) -> tuple[Columns, Columns, dict[str, Any]]:
    """Everything after the sample, household by household: add the household
    columns to ``hh`` (which holds the design columns, ``ea_effect`` and
    ``ea_refugee``) and return the persons, the items and the policies in force.

    Nothing here looks beyond a household and its EA's effects, so any set of
    households can be populated on its own, each part drawing from ``rng(name)``.
    """
    report = progress or (lambda _step: None)
    gov = hh["governorate"]
    hh["price_index"] = np.where(
        hh["urban"] == 1,
        governorate_array("price_urban")[gov],
        governorate_array("price_rural")[gov],
    )
    report("people")
    persons = make_people(hh, when, rng("people"))
    report("health")
    functioning(persons, rng("health"))
    z = standing(hh, rng("standing"))
    report("schooling")
    schooling(persons, hh, z, when, rng("schooling"))
    report("work")
    work(persons, hh, z, when, rng("labour"))
    policy = baseline(when)
    taxes(persons, policy)
    report("incomes")
    household_incomes(persons, hh, z, when, rng("incomes"))
    real_pc = consumption_before_assistance(hh, z, when, rng("welfare"))
    x: FloatArray = np.log(real_pc / REFERENCE)
    _summaries(hh, persons)
    report("dwelling")
    dwelling(hh, x, z, when, rng("dwelling"))
    report("assistance")
    assistance(hh, policy, rng("assistance"))
    formal = (persons["employment_status"] == 1) | (persons["employment_status"] == 2)
    covered = np.bincount(persons["hh_index"], weights=formal, minlength=len(x)) > 0
    care = rng("care")
    persons["health_insurance"] = insurance(persons, covered.astype(np.int64), care)
    child_health(persons, hh, x, care)
    services(persons, hh, x, z, rng("services"))
    report("consumption")
    nominal = real_pc * hh["hhsize"] * hh["price_index"] * when.cpi + hh["cash_assistance"]
    item_table = items(hh, x, nominal, when, policy["instruments"], rng("items"))
    _welfare_measures(hh, persons, policy)
    return persons, item_table, policy


def generate(
    households: int, seed: int, year: int, *, take: int = 12, progress: Progress | None = None
) -> Generated:
    """Run every step for ``households`` responding households."""
    if seed < 0:
        raise DataError(
            said(
                "the seed must be a non-negative integer; got {seed}",
                seed=seed,
            )
        )
    report = progress or (lambda _step: None)
    when = trend(year)
    report("sample")
    sample = draw_sample(build_frame(seed), households, when, seed, take)
    hh = sample.households
    persons, item_table, policy = populate(
        hh, when, lambda name: stream(seed, name, year), progress=report
    )
    policy["population"] = {
        "households": round(float(hh["weight"].sum()), 1),
        "persons": round(float((hh["weight"] * hh["hhsize"]).sum()), 1),
    }
    return Generated(hh, persons, item_table, policy, sample.strata, when)
