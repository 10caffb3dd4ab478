from __future__ import annotations

import pytest

from insaf.survey import Survey
from insaf.survey.synth import synthesize


@pytest.fixture(scope="session")
def demo() -> Survey:
    """A small synthetic demo survey (households, persons, consumption items)."""
    return synthesize(800, seed=11, year=2024)
