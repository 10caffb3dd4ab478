"""The Fiscal Data Package (OpenSpending): ``datapackage.json`` and one CSV resource.

The package follows the Fiscal Data Package specification (version 1.0,
``profile: fiscal-data-package``): a tabular resource with a typed schema, and
a ``model`` of

- *measures*, one per phase: the column that holds it (``source``), its
  ``currency``, its ``factor`` (the scale: 1000000 for amounts in millions),
  ``direction: expenditure`` and ``phase`` (``proposed``, ``approved``,
  ``adjusted`` for INSAF's revised, ``executed``);
- *dimensions*, each with its ``dimensionType`` (``datetime``,
  ``classification`` with a ``classificationType`` of ``administrative``,
  ``functional`` or ``economic``, ``activity`` for the programme, ``location``
  for the governorate, ``other``) and attributes naming their column.

INSAF's own metadata (the bilingual title, the plan, the contingency rule) is
kept under the package's ``insaf`` key, which other readers ignore. A package
is read by its measures' phases and its dimensions' attribute names (INSAF's
field names: ``year``, ``admin``, ``function``, ...); the CSV's columns may be
named anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from insaf.budget.model import Budget, Contingency, Plan, Text
from insaf.budget.problems import BudgetImportError, BudgetProblem
from insaf.budget.table import WIDE_COLUMNS, parse_wide, read_text_csv, to_wide
from insaf.errors import said
from insaf.specs import LineMap, parse_spec

__all__ = ["DATAPACKAGE", "read_fdp", "write_fdp"]

DATAPACKAGE = "datapackage.json"
RESOURCE = "budget-lines.csv"
FDP_PHASE = {
    "proposed": "proposed",
    "approved": "approved",
    "revised": "adjusted",
    "executed": "executed",
}
INSAF_PHASE = {fdp: ours for ours, fdp in FDP_PHASE.items()}

# Each field of the flat table: its dimension, dimension type and classification type.
DIMENSIONS: dict[str, tuple[str, str, str | None]] = {
    "year": ("fiscal-year", "datetime", None),
    "line": ("budget-line", "other", None),
    "parent": ("budget-line", "other", None),
    "admin": ("administrative-classification", "classification", "administrative"),
    "function": ("functional-classification", "classification", "functional"),
    "economic": ("economic-classification", "classification", "economic"),
    "programme": ("programme", "activity", None),
    "governorate": ("governorate", "location", None),
    "source": ("funding-source", "classification", "source"),
    "gender_marker": ("gender-marker", "other", None),
}
TYPES = {"year": "integer", "gender_marker": "integer"}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class SchemaField(_Open):
    name: str
    type: str = "string"


class Schema(_Open):
    fields: list[SchemaField]


class Resource(_Open):
    name: str = "budget"
    path: str
    schema_: Schema = Field(alias="schema")


class Measure(_Open):
    source: str
    currency: str = Field(min_length=1)
    factor: float = Field(default=1.0, gt=0)
    direction: Literal["expenditure", "revenue"] = "expenditure"
    phase: Literal["proposed", "approved", "adjusted", "executed"]


class Attribute(_Open):
    source: str


class Dimension(_Open):
    dimensionType: str  # noqa: N815 - the specification's key
    attributes: dict[str, Attribute]


class FiscalModel(_Open):
    measures: dict[str, Measure] = Field(min_length=1)
    dimensions: dict[str, Dimension]


class InsafPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text | None = None
    plan: Plan | None = None
    contingency: Contingency | None = None


class Package(_Open):
    name: str
    resources: list[Resource] = Field(min_length=1, max_length=1)
    model: FiscalModel
    insaf: InsafPart = InsafPart()


def _problem(file: str, message: str, key: str | None = None) -> BudgetImportError:
    return BudgetImportError([BudgetProblem(file=file, key=key, message=message)])


def read_fdp(path: str | Path) -> Budget:
    """A budget from a Fiscal Data Package: its folder or its ``datapackage.json``.

    Problems of the descriptor name the key; problems of the data name the
    CSV's file, row and column.
    """
    path = Path(path)
    descriptor = path / DATAPACKAGE if path.is_dir() else path
    file = str(descriptor)
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _problem(file, said("file not found")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _problem(file, said("not a UTF-8 JSON file: {reason}", reason=str(exc))) from None
    package = parse_spec(Package, data, LineMap(), file=file)
    resource = package.resources[0]
    folder = descriptor.parent.resolve()
    csv = (folder / resource.path).resolve()
    if Path(resource.path).is_absolute() or not csv.is_relative_to(folder):
        raise _problem(
            file,
            said("'{name}' is outside the package's folder", name=resource.path),
            "resources[0].path",
        )
    measures = package.model.measures
    currencies = {m.currency for m in measures.values()}
    factors = {m.factor for m in measures.values()}
    if len(currencies) > 1 or len(factors) > 1:
        raise _problem(file, said("the measures differ in currency or factor"), "model.measures")
    rename: dict[str, str] = {}
    for key, measure in measures.items():
        if measure.direction != "expenditure":
            raise _problem(
                file, said("INSAF reads expenditure only"), f"model.measures.{key}.direction"
            )
        rename[measure.source] = INSAF_PHASE[measure.phase]
    for dim_key, dimension in package.model.dimensions.items():
        for attr_key, attribute in dimension.attributes.items():
            if attr_key not in WIDE_COLUMNS:
                raise _problem(
                    file,
                    said("unknown attribute (INSAF reads: {known})", known=", ".join(DIMENSIONS)),
                    f"model.dimensions.{dim_key}.attributes.{attr_key}",
                )
            rename[attribute.source] = attr_key
    raw = read_text_csv(csv, str(csv))
    declared = [f.name for f in resource.schema_.fields]
    if declared != raw.columns:
        raise _problem(
            file,
            said(
                "the schema's fields {fields} are not the CSV's columns {columns}",
                fields=str(declared),
                columns=str(raw.columns),
            ),
            "resources[0].schema.fields",
        )
    unmodelled = [c for c in raw.columns if c not in rename]
    if unmodelled:
        raise _problem(
            str(csv),
            said("column '{name}' is in no measure or dimension of the model", name=unmodelled[0]),
        )
    lines, rows = parse_wide(raw.rename(rename), file=str(csv))
    return Budget(
        lines=lines,
        currency=currencies.pop(),
        scale=factors.pop(),
        title=package.insaf.title,
        plan=package.insaf.plan,
        contingency=package.insaf.contingency,
        origin=str(csv),
        rows=rows,
    )


def _descriptor(budget: Budget, columns: list[str]) -> dict[str, Any]:
    measures = {
        phase: {
            "source": phase,
            "currency": budget.currency,
            "factor": budget.scale,
            "direction": "expenditure",
            "phase": FDP_PHASE[phase],
        }
        for phase in columns
        if phase in FDP_PHASE
    }
    dimensions: dict[str, Any] = {}
    for column in columns:
        if column not in DIMENSIONS:
            continue
        name, kind, classification = DIMENSIONS[column]
        dimension = dimensions.setdefault(name, {"dimensionType": kind, "attributes": {}})
        if classification is not None:
            dimension["classificationType"] = classification
        dimension["attributes"][column] = {"source": column}
        if column == "parent":
            dimension["attributes"][column]["parent"] = "line"
        if column != "parent":
            dimension.setdefault("primaryKey", []).append(column)
    fields = [
        {"name": c, "type": TYPES.get(c, "number" if c in FDP_PHASE else "string")} for c in columns
    ]
    title = budget.title.en if budget.title is not None else "Budget"
    insaf: dict[str, Any] = {}
    if budget.title is not None:
        insaf["title"] = budget.title.model_dump()
    if budget.plan is not None:
        insaf["plan"] = budget.plan.model_dump(mode="json", exclude_none=True)
    if budget.contingency is not None:
        insaf["contingency"] = budget.contingency.model_dump()
    return {
        "profile": "fiscal-data-package",
        "name": "budget",
        "title": title,
        "resources": [
            {
                "name": "budget-lines",
                "path": RESOURCE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["line"]},
            }
        ],
        "model": {"measures": measures, "dimensions": dimensions},
        "insaf": insaf,
    }


def write_fdp(budget: Budget, folder: str | Path) -> Path:
    """Write ``folder/datapackage.json`` and its CSV; return the descriptor's path.
    ``read_fdp`` of it gives ``budget`` back."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wide = to_wide(budget.lines)
    wide.write_csv(folder / RESOURCE)
    target = folder / DATAPACKAGE
    text = json.dumps(_descriptor(budget, wide.columns), ensure_ascii=False, indent=2)
    target.write_text(text + "\n", encoding="utf-8")
    return target
