"""Work and earnings of persons aged 15 or more: employment status, wages,
self-employment income, social security and pensions.

Participation is a logit by sex and age (women's participation is low, as in
the region, and rises steeply with a university degree); the unemployed are
drawn among participants (more among the young, women and refugees); the
employed choose among public, formal private, informal employment,
own-account work and employing others by a multinomial logit in schooling,
sex, area and nationality. Wages follow a Mincer equation with sector
premia; all money is nominal (the year's prices and the area's price level).
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.country import Trend, governorate_array
from insaf.survey.synth.health import NOT_ASKED
from insaf.survey.synth.streams import Columns, FloatArray, categorical, logistic

__all__ = ["EMPLOYMENT", "WORKING_AGE", "work"]

EMPLOYMENT = {
    "public": 1,
    "formal_private": 2,
    "informal": 3,
    "self_employed": 4,
    "employer": 5,
    "unemployed": 6,
    "inactive": 7,
}
WORKING_AGE = 15
_AGE_BANDS = [20, 25, 55, 60, 65]
_MALE = np.array([-1.2, 0.6, 2.6, 1.2, 0.2, -1.6])
_FEMALE = np.array([-3.5, -1.8, -1.6, -2.6, -3.2, -4.0])


def _status(persons: Columns, hh: Columns, standing: FloatArray, rng: np.random.Generator) -> None:
    index = persons["hh_index"]
    age, years = persons["age"], persons["years_schooling"].astype(np.float64)
    n = len(age)
    female = persons["sex"] == 2
    refugee = persons["nationality"] == 2
    foreign = persons["nationality"] == 3
    urban = hh["urban"][index] == 1
    s = standing[index]
    university = persons["education"] >= 5
    band = np.searchsorted(_AGE_BANDS, age, side="right")
    active = np.where(female, _FEMALE[band], _MALE[band])
    active = active + np.where(
        female,
        0.8 * (persons["education"] == 5) + 1.8 * (persons["education"] == 6),
        0.3 * university,
    )
    active = active - 2.8 * (persons["attending_school"] == 1) - 1.5 * (persons["disability"] == 1)
    active = active - np.where(female, 0.3, 0.2) * refugee + 1.5 * foreign
    active = active - 0.5 * (female & (persons["marital_status"] == 2))
    participates = rng.uniform(size=n) < logistic(active)

    jobless = -2.4 + 1.1 * (age < 25) + 0.6 * ((age >= 25) & (age < 30)) + 0.9 * female
    jobless = jobless + 0.4 * refugee - 0.35 * s + 0.3 * (university & (age < 30))
    unemployed = participates & (rng.uniform(size=n) < logistic(jobless))

    scores = np.empty((n, 5))
    scores[:, 0] = (
        -3.0 + 0.2 * years + 0.8 * female + 0.3 * (age >= 30) - 2.0 * refugee - 4 * foreign
    )
    scores[:, 1] = -2.0 + 0.13 * years + 0.5 * urban - 1.0 * refugee - 0.5 * foreign + 0.2 * s
    scores[:, 2] = 0.4 * refugee + 0.5 * foreign
    scores[:, 3] = -0.8 + 0.9 * ~urban + 0.02 * (age - 30) - 0.7 * female
    scores[:, 4] = -3.5 + 0.06 * years + 0.4 * s + 0.02 * (age - 30) - 0.8 * female
    kind = 1 + categorical(rng, scores)
    e = EMPLOYMENT
    status = np.where(participates, np.where(unemployed, e["unemployed"], kind), e["inactive"])
    persons["employment_status"] = np.where(age >= WORKING_AGE, status, NOT_ASKED).astype(np.int64)


def _earnings(
    persons: Columns, hh: Columns, standing: FloatArray, trend: Trend, rng: np.random.Generator
) -> None:
    index = persons["hh_index"]
    age, years = persons["age"].astype(np.float64), persons["years_schooling"].astype(np.float64)
    n = len(age)
    status = persons["employment_status"]
    female = persons["sex"] == 2
    refugee = persons["nationality"] == 2
    urban = hh["urban"][index]
    price = hh["price_index"][index] * trend.nominal
    region = governorate_array("welfare")[hh["governorate"][index]]
    experience = np.maximum(age - np.maximum(years, 6.0) - 6.0, 0.0)
    common = 0.6 * region + 0.15 * standing[index] - 0.2 * female - 0.12 * refugee + 0.1 * urban
    premium = np.select([status == 1, status == 2, status == 3], [0.15, 0.10, -0.25], 0.0)
    log_wage = (
        np.log(190.0)
        + 0.07 * years
        + 0.035 * experience
        - 0.00055 * experience**2
        + premium
        + common
        + rng.normal(0.0, 0.4, n)
    )
    employee = (status >= 1) & (status <= 3)
    persons["wage"] = np.where(employee, np.round(np.exp(log_wage) * price, 2), 0.0)

    log_self = (
        np.log(230.0)
        + 0.05 * years
        + 0.02 * experience
        - 0.0003 * experience**2
        + 0.7 * (status == 5)
        + 0.1 * standing[index]
        + common
        - 0.05 * female
        + rng.normal(0.0, 0.65, n)
    )
    own = (status == 4) | (status == 5)
    persons["self_employment_income"] = np.where(own, np.round(np.exp(log_self) * price, 2), 0.0)

    u = rng.uniform(size=n)
    contributes = np.select([status <= 2, status == 4, status == 5], [1.0, 0.06, 0.35], 0.0)
    persons["social_security"] = np.where(
        age >= WORKING_AGE, (u < contributes) & (status >= 1), NOT_ASKED
    ).astype(np.int64)

    retired = ((age >= 60) | (female & (age >= 55))) & (status == EMPLOYMENT["inactive"])
    p_own = logistic(
        -1.6
        + 0.15 * years
        + 0.5 * urban
        + 0.6 * ~female
        + 0.3 * standing[index]
        - 1.5 * refugee
        - 3.0 * (persons["nationality"] == 3)
    )
    widow = female & (persons["marital_status"] == 4) & (age >= 40)
    p_survivor = logistic(-1.5 + 0.1 * years + 0.3 * urban - 1.5 * refugee)
    draw = rng.uniform(size=n)
    own_pension = retired & (draw < p_own)
    survivor = widow & ~own_pension & (draw < p_own + (1 - p_own) * p_survivor)
    amount = np.exp(np.log(120.0) + 0.06 * years + rng.normal(0.0, 0.35, n)) * trend.nominal
    amount = np.where(survivor, 0.6 * amount, amount)
    persons["pension"] = np.where(own_pension | survivor, np.round(amount, 2), 0.0)


def work(
    persons: Columns, hh: Columns, standing: FloatArray, trend: Trend, rng: np.random.Generator
) -> None:
    """Add employment status, wage, self-employment income, social security and pension."""
    _status(persons, hh, standing, rng)
    _earnings(persons, hh, standing, trend, rng)
