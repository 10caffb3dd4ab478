"""Hand-checked cases: one YAML file per instrument family in ``cases/``.

Each file holds the households (and persons and items), a scenario, and the
expected results worked out by hand in its comments: per household and month,
each instrument's ``benefit`` (money to the household, taxes negative),
``cost`` (to the government), ``effect`` (welfare change against the
baseline), the total ``change``, quantities, the annual ``net_cost`` and the
value the solver finds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from insaf.policy.engine import Simulation, State, simulate_states
from insaf.policy.scenario import parse_scenario
from insaf.policy.solver import Solved
from insaf.specs import load_yaml

from .helpers import make_survey

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def _run(path: Path) -> tuple[Simulation, dict[str, Any]]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    survey = make_survey(case["households"], case.get("persons", []), case.get("consumption", []))
    data, lines = load_yaml(yaml.safe_dump(case["scenario"], allow_unicode=True), file=str(path))
    scenario = parse_scenario(data, lines, file=str(path))
    return simulate_states(scenario, survey), case["expected"]


def _check_state(sim: Simulation, state: State, expected: dict[str, Any], where: str) -> None:
    for key, want in expected.items():
        label = f"{where}: {key}"
        if key == "net_cost":
            assert sim.net_cost(state) == pytest.approx(want, abs=1e-9), label
        elif key == "change":
            np.testing.assert_allclose(state.change, want, atol=1e-9, err_msg=label)
        elif key == "quantity":
            for item, q in want.items():
                np.testing.assert_allclose(state.quantity[item], q, atol=1e-9, err_msg=label)
        elif key == "solved":
            solved = sim.solved[state.name]
            assert isinstance(solved, Solved)
            assert solved.value == pytest.approx(want, rel=1e-9), label
        else:
            for field, values in want.items():
                if field == "effect":
                    got = state.effect[key]
                elif field == "benefit":
                    got = state.flows[key].benefit
                else:
                    got = state.flows[key].fiscal
                np.testing.assert_allclose(got, values, atol=1e-9, err_msg=f"{label}.{field}")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_hand_checked_case(path: Path) -> None:
    sim, expected = _run(path)
    for name, want in expected.items():
        state = sim.baseline if name == "baseline" else sim.reforms[name]
        _check_state(sim, state, want, f"{path.name} {name}")


def test_every_instrument_type_has_a_case() -> None:
    from insaf.policy.instruments import INSTRUMENT_TYPES

    seen: set[str] = set()
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        scenario = case["scenario"]
        lists = [scenario.get("baseline", [])]
        for reform in scenario["reforms"].values():
            lists.append(reform["changes"] if isinstance(reform, dict) else reform)
        for items in lists:
            seen.update(i["type"] for i in items if "type" in i)
    assert set(INSTRUMENT_TYPES) <= seen
