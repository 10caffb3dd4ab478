"""Results-oriented budgeting: a plan, its programmes, the budget lines that pay for
them, and what the money bought.

- ``model``: ``Plan`` → ``Goal`` → ``Result`` (observatory indicators with
  targets) and ``Programme`` (ministry, target group, instruments); ``Budget``
  holds the plan and its lines (``LINE_SCHEMA``).
- ``read_budget`` / ``write_fdp`` / ``read_boost_csv`` / ``write_boost_csv``:
  the Fiscal Data Package and a BOOST-style flat CSV, read back identical.
- ``check``: every problem, named by file, row and field.
- ``execution``: approved, revised and executed amounts by any classification.
- ``pefa``: PEFA 2016 PI-1 and PI-2 with the assessors' calculation sheets.
- ``programme_results``: beneficiaries, costs per beneficiary, coverage, leakage and
  outcome indicators per programme and year, with standard errors and a results chain;
  ``public_results`` / ``public_execution``: the same through ``insaf.disclosure``.
- ``benefit_incidence``: who receives public education and health in kind (the
  unit-cost method), with ``unit_costs`` from executed spending (``budget_spending``);
  ``allocation_equity``: spending by governorate against need; ``spending_by_marker``
  and ``transfers_by_sex``: gender budgeting; ``budget_scenario``: a policy scenario
  from new programme envelopes (``move`` money between programmes); ``BudgetChange``
  (``moved``, ``new_envelope``): a budget change a council referral carries, in words
  and as a scenario (``change_scenario``, ``scenario_text``).

docs/budget.md gives the formats and every formula with its source.
"""

from typing import TYPE_CHECKING, Any

from insaf.budget.boost import BudgetManifest, read_boost_csv, read_plan, write_boost_csv
from insaf.budget.checks import check
from insaf.budget.fdp import read_fdp, write_fdp
from insaf.budget.io import read_budget
from insaf.budget.model import (
    LINE_SCHEMA,
    PHASES,
    Budget,
    Contingency,
    Goal,
    Phase,
    Plan,
    Programme,
    Result,
    Text,
    budget_lines,
)
from insaf.budget.problems import BudgetError, BudgetImportError, BudgetProblem, Severity
from insaf.budget.reliability import Pefa, pefa
from insaf.budget.spending import execution

if TYPE_CHECKING:
    from insaf.budget.allocation import Allocation, allocation_equity, spending_by_governorate
    from insaf.budget.change import (
        BudgetChange,
        ProgrammeChange,
        change_scenario,
        moved,
        new_envelope,
        scenario_text,
    )
    from insaf.budget.gender import (
        GenderIncidence,
        public_gender,
        public_markers,
        spending_by_marker,
        transfers_by_sex,
    )
    from insaf.budget.incidence import (
        DEMO_SERVICES,
        BenefitIncidence,
        benefit_incidence,
        budget_spending,
        unit_costs,
    )
    from insaf.budget.incidence_public import public_incidence
    from insaf.budget.public import public_execution, public_results
    from insaf.budget.results import (
        ChainLink,
        OutcomeMovement,
        ProgrammeResult,
        programme_results,
    )
    from insaf.budget.scenario import budget_scenario, envelopes, move

_LAZY = {
    "Allocation": "insaf.budget.allocation",
    "allocation_equity": "insaf.budget.allocation",
    "spending_by_governorate": "insaf.budget.allocation",
    "GenderIncidence": "insaf.budget.gender",
    "spending_by_marker": "insaf.budget.gender",
    "transfers_by_sex": "insaf.budget.gender",
    "public_gender": "insaf.budget.gender",
    "public_markers": "insaf.budget.gender",
    "public_incidence": "insaf.budget.incidence_public",
    "budget_scenario": "insaf.budget.scenario",
    "BudgetChange": "insaf.budget.change",
    "ProgrammeChange": "insaf.budget.change",
    "change_scenario": "insaf.budget.change",
    "moved": "insaf.budget.change",
    "new_envelope": "insaf.budget.change",
    "scenario_text": "insaf.budget.change",
    "envelopes": "insaf.budget.scenario",
    "move": "insaf.budget.scenario",
    "budget_spending": "insaf.budget.incidence",
    "DEMO_SERVICES": "insaf.budget.incidence",
    "BenefitIncidence": "insaf.budget.incidence",
    "benefit_incidence": "insaf.budget.incidence",
    "unit_costs": "insaf.budget.incidence",
    "ChainLink": "insaf.budget.results",
    "OutcomeMovement": "insaf.budget.results",
    "ProgrammeResult": "insaf.budget.results",
    "programme_results": "insaf.budget.results",
    "public_execution": "insaf.budget.public",
    "public_results": "insaf.budget.public",
}
"""Loaded on first use: they bring the measures, the policy engine and disclosure
control, which reading or checking a budget does not need."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'insaf.budget' has no attribute {name!r}")


__all__ = [
    "DEMO_SERVICES",
    "LINE_SCHEMA",
    "PHASES",
    "Allocation",
    "BenefitIncidence",
    "Budget",
    "BudgetChange",
    "BudgetError",
    "BudgetImportError",
    "BudgetManifest",
    "BudgetProblem",
    "ChainLink",
    "Contingency",
    "GenderIncidence",
    "Goal",
    "OutcomeMovement",
    "Pefa",
    "Phase",
    "Plan",
    "Programme",
    "ProgrammeChange",
    "ProgrammeResult",
    "Result",
    "Severity",
    "Text",
    "allocation_equity",
    "benefit_incidence",
    "budget_lines",
    "budget_scenario",
    "budget_spending",
    "change_scenario",
    "check",
    "envelopes",
    "execution",
    "move",
    "moved",
    "new_envelope",
    "pefa",
    "programme_results",
    "public_execution",
    "public_gender",
    "public_incidence",
    "public_markers",
    "public_results",
    "read_boost_csv",
    "read_budget",
    "read_fdp",
    "read_plan",
    "scenario_text",
    "spending_by_governorate",
    "spending_by_marker",
    "transfers_by_sex",
    "unit_costs",
    "write_boost_csv",
    "write_fdp",
]
