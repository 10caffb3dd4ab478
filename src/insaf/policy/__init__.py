"""Policy impact assessment: scenarios, instruments, microsimulation and impact.

``load_scenario(path)`` reads a scenario (the baseline policy and reforms);
``simulate(scenario, survey)`` computes every policy on the survey and
compares each reform with the baseline (``Impact``). See ``docs/policy.md``.
"""

from __future__ import annotations

from insaf.policy.engine import Engine, Simulation, State, simulate_states
from insaf.policy.scenario import Policy, Scenario, load_scenario, parse_scenario
from insaf.policy.solver import Solved, SolveError

__all__ = [
    "Engine",
    "Policy",
    "Scenario",
    "Simulation",
    "SolveError",
    "Solved",
    "State",
    "load_scenario",
    "parse_scenario",
    "simulate_states",
]
