"""A BOOST-style flat CSV and the YAML file that says what it holds.

The World Bank's BOOST databases lay a budget out as one row per line with its
classifications (administrative, economic, functional, geographic) and one
column per phase (approved, revised, executed). INSAF's flat file is the same
(``insaf.budget.table.WIDE_COLUMNS``); ``budget.yaml`` beside it gives the
currency, the scale, the contingency rule and the plan::

    title: {en: Budget of the demo country, ar: موازنة البلد التجريبي}
    currency: DMD
    scale: 1000000          # amounts in millions
    lines: lines.csv
    contingency: {field: admin, code: "99"}
    plan: plan.yaml         # or the plan itself, inline
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Discriminator, Field, Tag

from insaf.budget.model import Budget, Contingency, Plan, Text, _Strict
from insaf.budget.problems import BudgetImportError, BudgetProblem
from insaf.budget.table import parse_wide, read_text_csv, to_wide
from insaf.errors import said
from insaf.specs import load_spec, parse_spec, read_yaml_file

__all__ = ["MANIFEST", "BudgetManifest", "read_boost_csv", "read_plan", "write_boost_csv"]

MANIFEST = "budget.yaml"
LINES = "lines.csv"


class BudgetManifest(_Strict):
    """``budget.yaml``: what the flat CSV holds and the plan it pays for."""

    title: Text | None = None
    currency: str = Field(min_length=1)
    scale: float = Field(default=1.0, gt=0)
    lines: str = LINES
    contingency: Contingency | None = None
    plan: (
        Annotated[
            Annotated[Plan, Tag("plan")] | Annotated[str, Tag("file")],
            Discriminator(lambda value: "file" if isinstance(value, str) else "plan"),
        ]
        | None
    ) = None
    """The plan itself, or the name of its YAML file beside this one."""


def read_plan(path: str | Path) -> Plan:
    """A plan YAML file; a ``SpecError`` names every wrong key and its line."""
    return load_spec(Plan, path)


def _inside(folder: Path, name: str, file: str, key: str) -> Path:
    """``folder/name``, refused when ``name`` leaves the folder."""
    target = (folder / name).resolve()
    if Path(name).is_absolute() or not target.is_relative_to(folder.resolve()):
        raise BudgetImportError(
            [
                BudgetProblem(
                    file=file,
                    key=key,
                    message=said("'{name}' is outside the budget's folder", name=name),
                )
            ]
        )
    return target


def read_boost_csv(
    path: str | Path,
    *,
    currency: str | None = None,
    scale: float = 1.0,
    title: Text | None = None,
    plan: Plan | None = None,
    contingency: Contingency | None = None,
) -> Budget:
    """A budget from its ``budget.yaml`` (``path`` ends in .yaml or .yml), or from a
    flat CSV with the currency and scale given here.

    Every problem of the file is reported at once (``BudgetImportError``) with
    its file, row and field; nothing is dropped or coerced.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        data, lines = read_yaml_file(path)
        manifest = parse_spec(BudgetManifest, data, lines, file=str(path))
        found = manifest.plan
        if isinstance(found, str):
            found = read_plan(_inside(path.parent, found, str(path), "plan"))
        csv = _inside(path.parent, manifest.lines, str(path), "lines")
        return _read_csv(
            csv,
            currency=manifest.currency,
            scale=manifest.scale,
            title=manifest.title,
            plan=found,
            contingency=manifest.contingency,
        )
    if currency is None:
        raise BudgetImportError(
            [
                BudgetProblem(
                    file=str(path),
                    message=said(
                        "a flat CSV needs its currency: give currency=, or read its {manifest}",
                        manifest=MANIFEST,
                    ),
                )
            ]
        )
    return _read_csv(
        path, currency=currency, scale=scale, title=title, plan=plan, contingency=contingency
    )


def _read_csv(
    path: Path,
    *,
    currency: str,
    scale: float,
    title: Text | None,
    plan: Plan | None,
    contingency: Contingency | None,
) -> Budget:
    file = str(path)
    lines, rows = parse_wide(read_text_csv(path, file), file=file)
    return Budget(
        lines=lines,
        currency=currency,
        scale=scale,
        title=title,
        plan=plan,
        contingency=contingency,
        origin=file,
        rows=rows,
    )


def write_boost_csv(budget: Budget, folder: str | Path) -> Path:
    """Write ``folder/lines.csv`` and ``folder/budget.yaml`` (the plan inline); return
    the manifest's path. ``read_boost_csv`` of it gives ``budget`` back."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    to_wide(budget.lines).write_csv(folder / LINES)
    manifest: dict[str, Any] = {}
    if budget.title is not None:
        manifest["title"] = budget.title.model_dump()
    manifest["currency"] = budget.currency
    manifest["scale"] = budget.scale
    manifest["lines"] = LINES
    if budget.contingency is not None:
        manifest["contingency"] = budget.contingency.model_dump()
    if budget.plan is not None:
        manifest["plan"] = budget.plan.model_dump(mode="json", exclude_none=True)
    target = folder / MANIFEST
    target.write_text(
        yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target
