"""``simulate(scenario, survey) -> Impact``: the one call that does everything."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from insaf.errors import SpecError
from insaf.policy.assessment import assess
from insaf.policy.engine import simulate_states
from insaf.policy.impact import Impact
from insaf.policy.scenario import Scenario, load_scenario
from insaf.survey import Survey, open_survey

__all__ = [
    "open_scenario_survey",
    "project_scenario_survey",
    "scenario_survey_path",
    "simulate",
]


def open_scenario_survey(scenario: Scenario, survey: str | Path | None = None) -> Survey:
    """The survey given, else the one the scenario names (relative to its file)."""
    return open_survey(scenario_survey_path(scenario, survey))


def scenario_survey_path(scenario: Scenario, survey: str | Path | None = None) -> Path:
    """The path of the survey given, else of the one the scenario names (relative to
    its file), which must exist."""
    if survey is not None:
        return Path(survey)
    if scenario.survey is None:
        raise SpecError(
            scenario.file,
            [(scenario.locate(("survey",)), "no survey: name one in the scenario or pass it")],
        )
    return _beside_scenario(scenario, scenario.survey, ("survey",), "survey")


def _beside_scenario(scenario: Scenario, name: str, key: tuple[str, ...], what: str) -> Path:
    """The file ``name`` that the scenario names at ``key``, read relative to the
    scenario's file; a ``SpecError`` at that key when it does not exist."""
    path = Path(name)
    if not path.is_absolute() and scenario.folder is not None:
        path = scenario.folder / path
    if not path.exists():
        raise SpecError(
            scenario.file, [(scenario.locate(key), f"{what} {name!r} not found at {path}")]
        )
    return path


def simulate(scenario: Scenario | str | Path, survey: Survey | str | Path | None = None) -> Impact:
    """Check the scenario against the survey, compute every policy, and measure the impact.

    ``scenario`` is a ``Scenario`` or the path of a scenario file; ``survey`` a
    ``Survey``, a path, or ``None`` for the survey the scenario names.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not isinstance(survey, Survey):
        survey = open_scenario_survey(scenario, survey)
    if scenario.projection is None:
        return assess(simulate_states(scenario, survey))
    survey, described = project_scenario_survey(scenario, survey)
    impact = assess(simulate_states(scenario, survey))
    return replace(impact, meta={**impact.meta, "projection": described})


def project_scenario_survey(scenario: Scenario, survey: Survey) -> tuple[Survey, dict[str, Any]]:
    """``survey`` brought to the year of the scenario's ``projection:`` (its file read
    relative to the scenario's), and what was done, for the impact to state."""
    from insaf.survey.projection import load_projection, project

    ref = scenario.projection
    assert ref is not None
    path = _beside_scenario(scenario, ref.file, ("projection", "file"), "projection")
    projection = load_projection(path)
    return project(survey, projection, ref.year), projection.describe(ref.year)
