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

docs/budget.md gives the formats and every formula with its source.
"""

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
from insaf.budget.problems import BudgetImportError, BudgetProblem, Severity
from insaf.budget.reliability import Pefa, pefa
from insaf.budget.spending import execution

__all__ = [
    "LINE_SCHEMA",
    "PHASES",
    "Budget",
    "BudgetImportError",
    "BudgetManifest",
    "BudgetProblem",
    "Contingency",
    "Goal",
    "Pefa",
    "Phase",
    "Plan",
    "Programme",
    "Result",
    "Severity",
    "Text",
    "budget_lines",
    "check",
    "execution",
    "pefa",
    "read_boost_csv",
    "read_budget",
    "read_fdp",
    "read_plan",
    "write_boost_csv",
    "write_fdp",
]
