"""Policy impact assessment: scenarios, instruments, microsimulation and impact.

``load_scenario(path)`` reads a scenario (the baseline policy and its reforms);
``simulate(scenario, survey)`` checks it against the survey, computes every
policy and compares each reform with the baseline (``Impact``);
``instrument_shapley(simulation, reform)`` splits a reform's change in poverty
and the Gini among its instruments. See ``docs/policy.md``.
"""

from __future__ import annotations

from insaf.policy.api import open_scenario_survey, simulate
from insaf.policy.assessment import assess
from insaf.policy.engine import Engine, Simulation, State, simulate_states
from insaf.policy.impact import Impact, ReformImpact
from insaf.policy.public import as_public, public_impact
from insaf.policy.scenario import Policy, Scenario, load_scenario, parse_scenario
from insaf.policy.shapley import InstrumentShares, instrument_shapley
from insaf.policy.solver import Solved, SolveError

__all__ = [
    "Engine",
    "Impact",
    "InstrumentShares",
    "Policy",
    "ReformImpact",
    "Scenario",
    "Simulation",
    "SolveError",
    "Solved",
    "State",
    "as_public",
    "assess",
    "instrument_shapley",
    "load_scenario",
    "open_scenario_survey",
    "parse_scenario",
    "public_impact",
    "simulate",
    "simulate_states",
]
