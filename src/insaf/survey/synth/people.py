"""Households and their members: nationality, size, relationships, age, sex, marriage.

Each household gets a nationality (national, refugee, other foreign), a size,
a head (age, sex, marital status) and then a set of members whose
relationship to the head fixes their age: a spouse a few years younger than a
male head, children spaced from the mother's age, grandchildren in old
heads' households, a parent of a young head, other relatives. Female heads
are mostly widows, divorcees, or wives of men working abroad (which later
raises their chance of receiving remittances).
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.country import Trend, governorate_array
from insaf.survey.synth.streams import Columns, FloatArray, IntArray

__all__ = ["MARITAL", "NATIONALITY", "RELATIONSHIP", "make_people"]

NATIONALITY = {"national": 1, "refugee": 2, "foreign": 3}
RELATIONSHIP = {
    "head": 1,
    "spouse": 2,
    "child": 3,
    "grandchild": 4,
    "parent": 5,
    "sibling": 6,
    "other": 7,
}
MARITAL = {"never": 1, "married": 2, "divorced": 3, "widowed": 4}
MAX_SIZE = 16


def _households(hh: Columns, rng: np.random.Generator) -> None:
    """Nationality, size and head of each household (columns added to ``hh``)."""
    n = len(hh["hhid"])
    gov, urban = hh["governorate"], hh["urban"]
    p_refugee = np.clip(governorate_array("refugee_share")[gov] * hh["ea_refugee"] / 1.65, 0, 0.9)
    p_foreign = governorate_array("foreign_share")[gov] * np.where(urban == 1, 1.3, 0.3)
    u = rng.uniform(size=n)
    nationality = np.where(u < p_refugee, 2, np.where(u < p_refugee + p_foreign, 3, 1))
    refugee, foreign = nationality == 2, nationality == 3

    mean = np.where(urban == 1, 4.3, 5.1)
    mean = np.where(refugee, 5.4, np.where(foreign, 2.8, mean))
    lam = (mean - 1.0) * rng.gamma(6.0, 1.0 / 6.0, n)
    size = np.minimum(1 + rng.poisson(lam), MAX_SIZE)
    alone = size == 1

    p_female = np.where(refugee, 0.20, 0.11)
    p_female = np.where(alone, np.where(foreign, 0.15, 0.45), p_female)
    female = rng.uniform(size=n) < p_female
    age = rng.normal(48.0, 14.0, n)
    age = np.where(alone & ~foreign, rng.normal(60.0, 15.0, n), age)
    age = np.where(foreign, rng.normal(34.0, 8.0, n), age)
    age = np.clip(np.round(age), 18, 95).astype(np.int64)

    # Marital status of the head; female heads: widow, husband abroad, divorced, never.
    m = MARITAL
    u = rng.uniform(size=n)
    female_status = np.select(
        [u < 0.50, u < 0.80, u < 0.92], [m["widowed"], m["married"], m["divorced"]], m["never"]
    )
    female_status = np.where(
        (female_status == m["married"]) & (age >= 60), m["widowed"], female_status
    )
    female_status = np.where(
        alone,
        np.select([u < 0.70, u < 0.85], [m["widowed"], m["divorced"]], m["never"]),
        female_status,
    )
    male_alone = np.select([age < 35, u < 0.5], [m["never"], m["widowed"]], m["divorced"])
    male_status = np.where(alone, male_alone, np.where(u < 0.95, m["married"], m["widowed"]))
    status = np.where(female, female_status, male_status)

    hh["nationality"] = nationality
    hh["hhsize"] = size.astype(np.int64)
    hh["head_sex"] = np.where(female, 2, 1)
    hh["head_age"] = age
    hh["head_marital"] = status
    hh["spouse_abroad"] = (female & (status == m["married"])).astype(np.int64)


def _composition(hh: Columns, rng: np.random.Generator) -> Columns:
    """Members of every household; rows sorted by household then line number."""
    size, age = hh["hhsize"], hh["head_age"]
    n = len(size)
    male_head = hh["head_sex"] == 1
    spouse = ((hh["head_marital"] == MARITAL["married"]) & male_head & (size >= 2)).astype(int)
    rest = size - 1 - spouse
    parent = ((rng.uniform(size=n) < 0.16) & (age < 50) & (rest >= 1)).astype(int)
    other = ((rng.uniform(size=n) < 0.12) & (rest - parent >= 1)).astype(int)
    left = rest - parent - other
    grand = np.where(age >= 55, rng.binomial(left, 0.35), 0)
    child = left - grand

    # Per person: household index and position (0 = head) within it.
    total = int(size.sum())
    index = np.repeat(np.arange(n), size)
    position = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    sp, ch, gr, pa = spouse[index], child[index], grand[index], parent[index]
    r = RELATIONSHIP
    relationship = np.select(
        [
            position == 0,
            position < 1 + sp,
            position < 1 + sp + ch,
            position < 1 + sp + ch + gr,
            position < 1 + sp + ch + gr + pa,
        ],
        [r["head"], r["spouse"], r["child"], r["grandchild"], r["parent"]],
        r["other"],
    )
    # Other relatives: four in ten are siblings of the head.
    u_other = rng.uniform(size=total)
    relationship = np.where(
        (relationship == r["other"]) & (u_other < 0.4), r["sibling"], relationship
    )
    is_ = {name: relationship == code for name, code in r.items()}

    head_age = age[index].astype(np.float64)
    spouse_age = np.clip(head_age - np.maximum(rng.normal(6.0, 4.0, total), 0.0), 16, 95)
    # The mother's age: the head's wife, a female head, or an absent wife.
    mother = np.where(sp == 1, np.clip(head_age - 6.0, 16, 95), head_age)
    mother = np.where(hh["head_sex"][index] == 2, head_age, mother)
    k = position - 1 - sp
    child_age = mother - 19.0 - rng.uniform(0, 7, total) - 3.0 * k
    child_age = np.where(child_age < 0, rng.integers(0, 4, total), np.minimum(child_age, 45))
    ages: FloatArray = np.select(
        [is_["head"], is_["spouse"], is_["child"], is_["grandchild"], is_["parent"]],
        [
            head_age,
            spouse_age,
            child_age,
            rng.integers(0, 15, total),
            np.minimum(head_age + 22 + rng.integers(0, 13, total), 100),
        ],
        np.where(
            u_other < 0.4,
            np.clip(head_age + rng.integers(-10, 11, total), 5, 95),
            rng.integers(5, 76, total),
        ),
    )
    person_age = np.floor(ages).astype(np.int64)

    u = rng.uniform(size=total)
    head_sex = hh["head_sex"][index]
    sex = np.select(
        [is_["head"], is_["spouse"], is_["parent"], is_["other"] | is_["sibling"]],
        [head_sex, 3 - head_sex, np.where(u < 0.3, 1, 2), np.where(u < 0.4, 1, 2)],
        np.where(u < 0.512, 1, 2),
    )
    m = MARITAL
    adult_child = np.select([person_age >= 25, person_age >= 18], [0.05, 0.02], 0.0)
    other_status = np.select(
        [person_age < 18, u < 0.4, u < 0.65, u < 0.9],
        [m["never"], m["never"], m["married"], m["widowed"]],
        m["divorced"],
    )
    marital = np.select(
        [is_["head"], is_["spouse"], is_["child"] | is_["grandchild"], is_["parent"]],
        [
            hh["head_marital"][index],
            m["married"],
            np.where(rng.uniform(size=total) < adult_child, m["divorced"], m["never"]),
            np.where(u < 0.85, m["widowed"], m["married"]),
        ],
        other_status,
    )
    return {
        "hh_index": index.astype(np.int64),
        "line_no": (position + 1).astype(np.int64),
        "relationship": relationship.astype(np.int64),
        "sex": sex.astype(np.int64),
        "age": person_age,
        "marital_status": marital.astype(np.int64),
    }


def _first_marriage(persons: Columns, trend: Trend, rng: np.random.Generator) -> IntArray:
    """Age at first marriage of the ever married; -1 for the never married."""
    age = persons["age"]
    born = trend.year - age
    female = persons["sex"] == 2
    mean = np.where(female, 19.5 + 0.08 * np.clip(born - 1950, 0, 55), 26.5)
    first = np.round(rng.normal(mean, 3.5))
    first = np.clip(first, 14, np.maximum(age, 14))
    ever = persons["marital_status"] != MARITAL["never"]
    return np.where(ever, first, -1).astype(np.int64)


def make_people(hh: Columns, trend: Trend, rng: np.random.Generator) -> Columns:
    """Add nationality, size and head to ``hh``; return the person table."""
    _households(hh, rng)
    persons = _composition(hh, rng)
    persons["nationality"] = hh["nationality"][persons["hh_index"]]
    persons["age_first_marriage"] = _first_marriage(persons, trend, rng)
    return persons
