"""Each package's ``__all__`` is deliberate: sorted, complete, naming what exists."""

from __future__ import annotations

import importlib
import inspect
from typing import TypeVar

import pytest

PACKAGES = [
    "insaf",
    "insaf.budget",
    "insaf.disclosure",
    "insaf.errors",
    "insaf.measures",
    "insaf.measures.spark",
    "insaf.observatory",
    "insaf.policy",
    "insaf.reports",
    "insaf.rights",
    "insaf.specs",
    "insaf.survey",
    "insaf.survey.synth",
    "insaf.targeting",
]


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then CamelCase, then everything else."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_key)
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.__all__ names {symbol}, which does not exist"
    public = {
        n
        for n, value in vars(module).items()
        if not n.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, TypeVar)
        and (getattr(value, "__module__", None) or "").startswith(name)
    }
    assert public <= set(exported), f"public but not in __all__: {sorted(public - set(exported))}"


def test_one_severity_for_every_problem_report() -> None:
    """A survey's and a budget's problems are graded by the same ``insaf.errors.Severity``."""
    from insaf.budget import Severity as BudgetSeverity
    from insaf.errors import Severity
    from insaf.survey.validate import Severity as SurveySeverity

    assert BudgetSeverity is Severity is SurveySeverity
    assert [s.value for s in Severity] == ["error", "warning"]
