"""A small demo country shared by the targeting tests, and a PMT fitted on it."""

from __future__ import annotations

import pytest

from insaf.survey import Survey
from insaf.survey.synth import synthesize
from insaf.targeting import PmtModel, fit_pmt

PROXIES = [
    "hhsize:log",
    "n_children",
    "head_sex",
    "head_education",
    "floor",
    "rooms:log",
    "water_source",
    "tv",
    "fridge",
    "washing_machine",
    "air_conditioner",
    "car",
    "computer",
    "internet",
]


@pytest.fixture(scope="session")
def demo() -> Survey:
    return synthesize(4000, seed=11, year=2024)


@pytest.fixture(scope="session")
def model(demo: Survey) -> PmtModel:
    return fit_pmt(demo, PROXIES, net_of="cash_assistance", replicates=20, seed=3)
