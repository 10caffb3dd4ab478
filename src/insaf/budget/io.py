"""Reading a budget from wherever it is: a Fiscal Data Package or a flat CSV's folder."""

from __future__ import annotations

from pathlib import Path

from insaf.budget.boost import MANIFEST, read_boost_csv
from insaf.budget.fdp import DATAPACKAGE, read_fdp
from insaf.budget.model import Budget
from insaf.budget.problems import BudgetImportError, BudgetProblem

__all__ = ["read_budget"]


def read_budget(path: str | Path) -> Budget:
    """The budget at ``path``: a folder holding ``datapackage.json`` (a Fiscal Data
    Package) or ``budget.yaml`` (a BOOST-style flat CSV and its plan), or either
    file itself.

    A problem raises ``BudgetImportError`` (every problem of the data, with
    file, row and field) or ``SpecError`` (a YAML or JSON key, with its line).
    """
    path = Path(path)
    if path.is_dir():
        for name, reader in ((DATAPACKAGE, read_fdp), (MANIFEST, read_boost_csv)):
            if (path / name).is_file():
                return reader(path / name)
        message = f"neither {DATAPACKAGE} nor {MANIFEST} in this folder"
    elif path.suffix.lower() == ".json":
        return read_fdp(path)
    elif path.suffix.lower() in (".yaml", ".yml"):
        return read_boost_csv(path)
    elif path.suffix.lower() == ".csv":
        message = f"a flat CSV is read with its {MANIFEST} (currency, scale, plan): give that file"
    elif not path.exists():
        message = "no such file or folder"
    else:
        message = f"not a budget: give a folder, its {DATAPACKAGE} or its {MANIFEST}"
    raise BudgetImportError([BudgetProblem(file=str(path), message=message)])
