"""Surveys shared by the synth tests: small ones for structure and files, two
20,000-household samples for calibration."""

from __future__ import annotations

import pytest

from insaf.survey import Survey
from insaf.survey.synth import synthesize

SMALL = 600
LARGE = 20_000


@pytest.fixture(scope="session")
def small() -> Survey:
    return synthesize(SMALL, 5, 2024)


@pytest.fixture(scope="session", params=[1, 2], ids=["seed1", "seed2"])
def large(request: pytest.FixtureRequest) -> Survey:
    seed: int = request.param
    return synthesize(LARGE, seed, 2024)
