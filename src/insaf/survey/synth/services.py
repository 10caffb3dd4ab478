"""Use of public services: the school a pupil attends and visits to public health care.

What a benefit incidence study needs from a survey (``insaf.budget.incidence``):

- ``school_level``: the level a person attending school attends, from the
  years completed so far (1 primary, grades 1-6; 2 lower secondary, 7-9;
  3 upper secondary, 10-12; 4 tertiary, beyond);
- ``public_school``: 1 when that school is public, 0 when private. Private
  schooling is a logit in the household's welfare and standing, more likely
  in towns and at university: ``logit p = -2.2 + 1.1 x + 0.3 z + 0.5 urban
  + 0.4 tertiary``, ``x = log(c / 200)``;
- ``public_visits``: outpatient visits to a public clinic or hospital in the
  last 12 months, Poisson with mean ``exp(0.1 + 0.5 chronic + 0.3 under 5
  + 0.3 aged 65+ - 0.35 x)`` (the better off go private);
- ``public_stays``: admissions to a public hospital in the last 12 months,
  Poisson with mean ``exp(-3.3 + 0.9 chronic + 0.02 age - 0.25 x)``.

These draw from their own random stream, so adding them changed no other column.
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.health import NOT_ASKED
from insaf.survey.synth.streams import Columns, FloatArray, logistic

__all__ = ["SCHOOL_LEVELS", "services"]

SCHOOL_LEVELS = {"primary": 1, "lower_secondary": 2, "upper_secondary": 3, "tertiary": 4}
_LEVEL_FROM = (0, 6, 9, 12)
"""Years completed when a pupil starts each level."""


def services(
    persons: Columns,
    hh: Columns,
    welfare: FloatArray,
    standing: FloatArray,
    rng: np.random.Generator,
) -> None:
    """Add ``school_level``, ``public_school``, ``public_visits`` and ``public_stays``.

    ``welfare`` is log real consumption per capita relative to 200 a month and
    ``standing`` the socio-economic standing, both per household.
    """
    index = persons["hh_index"]
    age = persons["age"].astype(np.float64)
    n = age.size
    x = welfare[index]
    z = standing[index]
    attending = persons["attending_school"] == 1
    years = persons["years_schooling"]
    level = 1 + np.searchsorted(np.array(_LEVEL_FROM[1:]), years, side="right")
    tertiary = level == SCHOOL_LEVELS["tertiary"]
    private = rng.uniform(size=n) < logistic(
        -2.2 + 1.1 * x + 0.3 * z + 0.5 * hh["urban"][index] + 0.4 * tertiary
    )
    persons["school_level"] = np.where(attending, level, NOT_ASKED).astype(np.int64)
    persons["public_school"] = np.where(attending, ~private, NOT_ASKED).astype(np.int64)
    chronic = persons["chronic_illness"].astype(np.float64)
    visits = np.exp(0.1 + 0.5 * chronic + 0.3 * (age < 5) + 0.3 * (age >= 65) - 0.35 * x)
    persons["public_visits"] = rng.poisson(visits).astype(np.int64)
    stays = np.exp(-3.3 + 0.9 * chronic + 0.02 * age - 0.25 * x)
    persons["public_stays"] = rng.poisson(stays).astype(np.int64)
