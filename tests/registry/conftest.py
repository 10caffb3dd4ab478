from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from insaf.registry import Registry
from insaf.survey import Survey
from insaf.survey.synth import synthesize

DEMO = Path(__file__).parents[2] / "src" / "insaf" / "registry" / "demo"


@pytest.fixture(scope="session")
def demo_survey() -> Survey:
    return synthesize(800, seed=11, year=2024)


def observation(
    unit: str, id: int, variable: str, value: float, observed: dt.date, source: str = "survey"
) -> dict[str, object]:
    return {
        "unit": unit,
        "id": id,
        "variable": variable,
        "value": value,
        "text": None,
        "source": source,
        "observed": observed,
        "verification": "verified",
    }


@pytest.fixture
def small() -> Registry:
    """Two households written by hand.

    Household 1: a mother (born 1990) and a child born 2021-03-01, PMT score 4.5
    observed in 2023, then 5.2 observed on 2024-06-01. Household 2: one person
    with a disability (born 1970), PMT score 5.5.
    """
    d = dt.date
    persons = pl.DataFrame(
        {
            "person_id": [10, 11, 20],
            "national_id": ["1990001", "2021001", "1970001"],
            "name": ["فاطمة أحمد", "علي أحمد", "مصطفى حسن"],
            "birth_date": [d(1990, 5, 1), d(2021, 3, 1), d(1970, 1, 1)],
        }
    )
    groups = pl.DataFrame({"household_id": [1, 2]})
    memberships = pl.DataFrame(
        {"person_id": [10, 11, 20], "household_id": [1, 1, 2], "start": [d(2020, 1, 1)] * 3}
    )
    observations = pl.DataFrame(
        [
            observation("household", 1, "pmt_score", 4.5, d(2023, 1, 15)),
            observation("household", 1, "pmt_score", 5.2, d(2024, 6, 1), "administrative"),
            observation("household", 2, "pmt_score", 5.5, d(2023, 1, 15)),
            observation("person", 20, "disability", 1.0, d(2022, 9, 1), "administrative"),
            observation("person", 10, "disability", 0.0, d(2022, 9, 1), "self_declared"),
        ]
    )
    return Registry(
        persons=persons, groups=groups, memberships=memberships, observations=observations
    )
