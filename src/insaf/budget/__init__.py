"""Results-oriented budgeting: a plan, its programmes, the budget lines that pay for
them, and what the money bought.

- ``model``: ``Plan`` → ``Goal`` → ``Result`` (observatory indicators with
  targets) and ``Programme`` (ministry, target group, instruments); ``Budget``
  holds the plan and its lines (``LINE_SCHEMA``).
- ``read_budget`` / ``write_fdp`` / ``read_boost_csv`` / ``write_boost_csv``:
  the Fiscal Data Package and a BOOST-style flat CSV, read back identical.
- ``check``: every problem, named by file, row and field.
- ``execution``: approved, revised and executed amounts by any classification.

docs/budget.md gives the formats and every formula with its source.
"""

from insaf.budget.boost import BudgetManifest, read_boost_csv, read_plan, write_boost_csv
from insaf.budget.check import check
from insaf.budget.execution import execution
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
from insaf.budget.problems import BudgetImportError, BudgetProblem, Severity

__all__ = [
    "LINE_SCHEMA",
    "PHASES",
    "Budget",
    "BudgetImportError",
    "BudgetManifest",
    "BudgetProblem",
    "Contingency",
    "Goal",
    "Phase",
    "Plan",
    "Programme",
    "Result",
    "Severity",
    "Text",
    "budget_lines",
    "check",
    "execution",
    "read_boost_csv",
    "read_budget",
    "read_fdp",
    "read_plan",
    "write_boost_csv",
    "write_fdp",
]
