"""Reading a budget from wherever it is: a Fiscal Data Package or a flat CSV's folder."""

from __future__ import annotations

from pathlib import Path

from insaf.budget.boost import MANIFEST, read_boost_csv
from insaf.budget.fdp import DATAPACKAGE, read_fdp
from insaf.budget.model import Budget
from insaf.budget.problems import BudgetImportError, BudgetProblem
from insaf.errors import said

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
        message = said(
            "neither {descriptor} nor {manifest} in this folder",
            descriptor=DATAPACKAGE,
            manifest=MANIFEST,
        )
    elif path.suffix.lower() == ".json":
        return read_fdp(path)
    elif path.suffix.lower() in (".yaml", ".yml"):
        return read_boost_csv(path)
    elif path.suffix.lower() == ".csv":
        message = said(
            "a flat CSV is read with its {manifest} (currency, scale, plan): give that file",
            manifest=MANIFEST,
        )
    elif not path.exists():
        message = said("no such file or folder")
    else:
        message = said(
            "not a budget: give a folder, its {descriptor} or its {manifest}",
            descriptor=DATAPACKAGE,
            manifest=MANIFEST,
        )

    raise BudgetImportError([BudgetProblem(file=str(path), message=message)])
