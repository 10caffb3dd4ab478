"""Parity: every example scenario's instruments give each household the same amount on the
registry as in the survey simulation, and the same survey-weighted totals as `insaf simulate`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.registry.conftest import DEMO

from insaf.policy import load_scenario, simulate
from insaf.policy.engine import simulate_states
from insaf.registry import Registry, from_survey, parity
from insaf.survey import Survey

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
SCENARIOS = [*EXAMPLES, DEMO / "programmes.yaml"]


@pytest.fixture(scope="module")
def registry(demo_survey: Survey) -> Registry:
    return from_survey(demo_survey)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_household_by_household(path: Path, demo_survey: Survey, registry: Registry) -> None:
    scenario = load_scenario(path)
    sim = simulate_states(scenario, demo_survey)
    report = parity(scenario, demo_survey, simulation=sim, registry=registry)
    states = {"baseline": sim.baseline, **sim.reforms}
    # every instrument of every state was compared
    assert {(r.state, r.instrument) for r in report.rows} == {
        (name, i) for name, state in states.items() for i in state.flows
    }
    for state, compared in report.benefits.items():
        for instrument, (on_registry, simulated) in compared.items():
            np.testing.assert_allclose(
                on_registry, simulated, rtol=0, atol=1e-9, err_msg=f"{state}/{instrument}"
            )
    # not a comparison of zeros: the scenario pays or taxes someone
    assert any(np.any(s != 0) for c in report.benefits.values() for _, s in c.values())
    assert report.holds()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_total_equals_simulate(path: Path, demo_survey: Survey, registry: Registry) -> None:
    """The registry's survey-weighted annual totals equal the fiscal table of `insaf simulate`
    (its Impact, computed by the assessment code, not by the parity module)."""
    scenario = load_scenario(path)
    impact = simulate(scenario, demo_survey)
    report = parity(scenario, demo_survey, registry=registry)
    totals = {(r.state, r.instrument): r.registry_total for r in report.rows}
    checked = 0
    for name, reform in impact.reforms.items():
        for row in reform.table("fiscal"):
            instrument = row["instrument"]
            if instrument == "net":
                continue
            for state, column in (("baseline", "baseline"), (name, "reform")):
                expected = row[column].value
                got = totals.get((state, instrument), 0.0)
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-6), (state, instrument)
                checked += 1
    assert checked > 0
