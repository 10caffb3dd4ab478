"""Education: attainment, years of schooling, current attendance and literacy.

Each person has a latent schooling propensity: a cohort trend (younger
cohorts study longer), a gender gap that closes for cohorts born after 1990,
urban and regional effects, the household's socio-economic standing, lower
for refugees and persons with disabilities, and a period effect for those of
school age (attendance improves year by year). The propensity fixes the
years of schooling a person will complete; persons still younger than that
completion age are attending school and have completed ``age - 6`` years so
far (one year less for late starters and repeaters).
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.country import Trend, governorate_array
from insaf.survey.synth.health import NOT_ASKED
from insaf.survey.synth.streams import Columns, FloatArray, IntArray, ordered

__all__ = ["ATTENDANCE_AGES", "EDUCATION", "level_of", "schooling"]

EDUCATION = {
    "none": 1,
    "primary": 2,
    "lower_secondary": 3,
    "upper_secondary": 4,
    "post_secondary": 5,
    "university": 6,
}
ATTENDANCE_AGES = (6, 24)
LITERACY_MIN_AGE = 10
_CUTS = [-1.3, -0.35, 0.25, 1.05, 1.45]
"""Cut points of the latent propensity between the six attainment levels."""
_LEVEL_TOP = np.array([0, 0, 6, 9, 12, 14, 16], dtype=np.int64)
"""Usual years completed at each level (index = level code)."""


def level_of(years: IntArray) -> IntArray:
    """Education level code from completed years of schooling."""
    return (1 + ordered(years.astype(np.float64), [0.5, 6.5, 9.5, 12.5, 14.5])).astype(np.int64)


def _final_years(level: IntArray, rng: np.random.Generator) -> IntArray:
    """Years completed by the end of schooling, given the final level."""
    n = len(level)
    u = rng.uniform(size=n)
    years = _LEVEL_TOP[level].copy()
    dropout = u < 0.3
    years = np.where((level == 2) & dropout, rng.integers(1, 6, n), years)
    years = np.where((level == 3) & dropout, rng.integers(7, 9, n), years)
    years = np.where((level == 4) & (u < 0.15), rng.integers(10, 12, n), years)
    years = np.where((level == 6) & (u < 0.2), 18, years)
    return years.astype(np.int64)


def schooling(
    persons: Columns,
    hh: Columns,
    standing: FloatArray,
    trend: Trend,
    rng: np.random.Generator,
) -> None:
    """Add ``education``, ``years_schooling``, ``attending_school`` and ``literacy``.

    ``standing`` is the household's socio-economic standing (mean 0, sd 1).
    """
    index = persons["hh_index"]
    age = persons["age"]
    n = len(age)
    born = (trend.year - age).astype(np.float64)
    female = persons["sex"] == 2
    gov = hh["governorate"][index]
    young = age < 25
    latent = (
        0.04 * (born - 1975.0)
        - 0.6 * female * np.clip((1990.0 - born) / 40.0, 0.0, 1.0)
        + 0.35 * hh["urban"][index]
        + 1.2 * governorate_array("welfare")[gov]
        + 0.55 * standing[index]
        - 0.35 * (persons["nationality"] == 2)
        - 0.9 * (persons["disability"] == 1)
        + 0.04 * trend.t * young
        + rng.normal(0.0, 0.85, n)
    )
    final = _final_years(1 + ordered(latent, _CUTS), rng)
    lag = (rng.uniform(size=n) < 0.2).astype(np.int64)
    so_far = np.clip(age - 6 - lag, 0, None)
    studying = so_far < final
    years = np.minimum(so_far, final)
    low, high = ATTENDANCE_AGES
    in_range = (age >= low) & (age <= high)
    absent = rng.uniform(size=n) < 0.02
    attending = studying & ~absent & in_range
    persons["years_schooling"] = years.astype(np.int64)
    persons["education"] = level_of(years)
    persons["attending_school"] = np.where(in_range, attending, NOT_ASKED).astype(np.int64)
    u = rng.uniform(size=n)
    literate = (years >= 4) | ((years >= 1) & (u < 0.5)) | (u < 0.08)
    persons["literacy"] = np.where(age >= LITERACY_MIN_AGE, literate, NOT_ASKED).astype(np.int64)
