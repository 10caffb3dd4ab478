"""The example scenarios run on the demo country, and their baseline reproduces the
survey's recorded benefits, taxes, contributions and bills."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from insaf.policy import load_scenario, simulate
from insaf.policy.engine import simulate_states
from insaf.survey import Survey

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path: Path, demo: Survey) -> None:
    impact = simulate(load_scenario(path), demo)
    assert len(impact.reforms) == 2
    for reform in impact.reforms.values():
        assert reform.table("poverty") and reform.table("deciles")
    solved = [r.solved for r in impact.reforms.values() if r.solved is not None]
    assert solved, "every example solves one reform"


def test_baseline_reproduces_the_survey(demo: Survey) -> None:
    scenario = load_scenario(EXAMPLES[0])
    sim = simulate_states(scenario, demo)
    flows = sim.baseline.flows
    assert demo.households is not None
    hh = demo.households.frame
    np.testing.assert_allclose(
        flows["cash_assistance"].benefit, hh.get_column("cash_assistance").to_numpy(), atol=1e-9
    )
    members = sim.data.members
    # the survey rounds each person's tax and contribution to the cent
    np.testing.assert_allclose(
        -flows["income_tax"].benefit,
        hh.get_column("income_tax").to_numpy(),
        atol=0.006 * members.max(),
    )
    contributions = -(
        flows["contributions_employees"].benefit + flows["contributions_self_employed"].benefit
    )
    np.testing.assert_allclose(
        contributions, hh.get_column("social_contributions").to_numpy(), atol=0.006 * members.max()
    )
    for item in ("electricity", "water"):
        tariff = scenario.baseline_policy.get(f"{item}_tariff")
        bill = tariff.bill(sim.data.quantity(item))  # type: ignore[union-attr]
        np.testing.assert_allclose(bill, sim.data.spending(item), atol=0.006)
