"""``survey.yaml``: the manifest that names a survey's files, keys and design.

Example::

    insaf: 1
    name: {en: Demo household survey 2024, ar: مسح الأسر التجريبي 2024}
    year: 2024
    synthetic: true
    label_language: en
    households: {path: households.parquet, key: hhid}
    persons: {path: persons.parquet, key: pid, household: hhid}
    items:
      consumption: {path: consumption.parquet, key: [hhid, item], household: hhid}
    design: {weight: weight, strata: stratum, psu: psu, lonely_psu: adjust}
    calibration:             # optional: weights calibrated when the survey is opened
      unit: person
      distance: raking
      margins: {sex: {1: 5100000, 2: 4900000}}
    variables:
      age: {label: {en: Age, ar: العمر}, type: int, role: age}
      sex: {type: int, values: {1: {en: Male, ar: ذكر}, 2: {en: Female, ar: أنثى}}}
    policy: {...}            # parameters of the policies in force (free form)

Paths are relative to the manifest's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from insaf._renamed import renamed_keys
from insaf.errors import said
from insaf.specs import load_spec
from insaf.survey.design import Design, Distance, LonelyPSU, ReplicateMethod, Replicates
from insaf.survey.metadata import Label, Metadata, Role, Variable, VariableType

__all__ = [
    "MANIFEST_NAME",
    "CalibrationSpec",
    "DesignSpec",
    "Manifest",
    "TableSpec",
    "VariableSpec",
    "key_columns",
    "read_manifest",
    "write_manifest",
]

MANIFEST_NAME = "survey.yaml"

LabelSpec = str | dict[Literal["en", "ar"], str]


def key_columns(key: str | list[str] | None) -> tuple[str, ...]:
    """A table's key (one column, several, or none) as a tuple of column names."""
    if key is None:
        return ()
    return (key,) if isinstance(key, str) else tuple(key)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableSpec(_Spec):
    """One file of the survey."""

    path: str
    format: Literal["csv", "parquet", "dta", "sav"] | None = None
    key: str | list[str] | None = None
    household: str | None = Field(
        default=None, description="column linking rows to the household table"
    )

    @property
    def key_columns(self) -> tuple[str, ...]:
        return key_columns(self.key)


class ReplicatesSpec(_Spec):
    columns: list[str] = Field(min_length=1)
    method: ReplicateMethod
    scale: float | None = Field(default=None, gt=0)
    rscales: list[float] | None = None
    mse: bool = False
    rho: float | None = Field(default=None, ge=0, lt=1)

    @model_validator(mode="after")
    def _rscales_match(self) -> ReplicatesSpec:
        if self.rscales is not None and len(self.rscales) != len(self.columns):
            raise ValueError(
                said(
                    "rscales has {n_rscales} values for {n_columns} columns",
                    n_rscales=len(self.rscales),
                    n_columns=len(self.columns),
                )
            )
        return self


_DESIGN_FIELDS = ("weight", "strata", "psu", "fpc", "ssu", "fpc2", "ultimate_cluster", "lonely_psu")
"""The fields a design and its manifest entry share (replicates apart)."""


def _replicates(reps: Replicates | ReplicatesSpec, sequence: type[Any]) -> dict[str, Any]:
    """The replicate settings of ``reps``, with their lists as ``sequence`` (tuple or list)."""
    return {
        "columns": sequence(reps.columns),
        "method": reps.method,
        "scale": reps.scale,
        "rscales": sequence(reps.rscales) if reps.rscales is not None else None,
        "mse": reps.mse,
        "rho": reps.rho,
    }


class DesignSpec(_Spec):
    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: LonelyPSU = LonelyPSU.FAIL
    replicates: ReplicatesSpec | None = None
    ssu: str | None = Field(default=None, description="secondary units within PSUs")
    fpc2: str | None = Field(default=None, description="the second stage's fpc")
    ultimate_cluster: bool = False

    def to_design(self) -> Design:
        reps = self.replicates
        return Design(
            **{name: getattr(self, name) for name in _DESIGN_FIELDS},
            replicates=None if reps is None else Replicates(**_replicates(reps, tuple)),
        )

    @classmethod
    def of(cls, design: Design) -> DesignSpec:
        reps = design.replicates
        return cls(
            **{name: getattr(design, name) for name in _DESIGN_FIELDS},
            replicates=None if reps is None else ReplicatesSpec(**_replicates(reps, list)),
        )


class CalibrationSpec(_Spec):
    """``calibration:`` of a manifest, or a calibration file of its own
    (``insaf estimate --calibration FILE``): the weights are calibrated to
    these totals when the survey is opened (``docs/methods/calibration.md``).

    ``method``: ``calibrate`` (any ``distance``), ``rake`` (R ``rake``: raking
    distance and R's raking variance) or ``poststratify`` (one margin).
    """

    method: Literal["calibrate", "rake", "poststratify"] = "calibrate"
    distance: Distance = Distance.LINEAR
    unit: Literal["person", "household"] | None = None
    margins: dict[str, dict[str | int, float]] = Field(default_factory=dict)
    totals: dict[str, float] = Field(default_factory=dict)
    bounds: tuple[float, float] | None = None
    trim: tuple[float, float] | None = None
    weight: str = "calibrated_weight"
    maxit: int = Field(default=50, gt=0)
    epsilon: float = Field(default=1e-10, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> CalibrationSpec:
        if not self.margins and not self.totals:
            raise ValueError(said("a calibration needs margins, totals or both"))
        if self.method == "poststratify" and (len(self.margins) != 1 or self.totals):
            raise ValueError(said("poststratify takes exactly one margin and no totals"))
        if self.method == "rake" and self.totals:
            raise ValueError(
                said(
                    "rake takes margins only; use method: calibrate for totals",
                )
            )
        if self.method != "calibrate" and (self.bounds or self.trim):
            raise ValueError(said("bounds and trim belong to method: calibrate"))
        return self

    def category_totals(self) -> dict[str, dict[str, float]]:
        """Margins with category labels as text (YAML reads ``1:`` as a number)."""
        return {v: {str(k): t for k, t in cats.items()} for v, cats in self.margins.items()}


class VariableSpec(_Spec):
    label: LabelSpec | None = None
    type: VariableType | None = None
    role: Role | None = None
    unit_of_measure: str | None = None
    values: dict[int | str, LabelSpec] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        """``unit``, the key's name before docs/glossary.md, is read as ``unit_of_measure``."""
        return renamed_keys(data, {"unit": "unit_of_measure"}, "variables")

    @classmethod
    def of(cls, var: Variable) -> VariableSpec:
        return cls(
            label=var.label.to_dict() or None,
            type=var.type,
            role=var.role,
            unit_of_measure=var.unit_of_measure,
            values={code: label.to_dict() for code, label in var.values.items()},
        )

    @field_validator("values", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        # YAML reads ``1.0:`` as a float key; value labels are integer or text codes.
        if isinstance(value, Mapping):
            for code in value:
                if isinstance(code, float | bool):
                    raise ValueError(
                        said(
                            "value label code {code} must be an integer or a text",
                            code=repr(code),
                        )
                    )
        return value


class Manifest(_Spec):
    """The contents of a ``survey.yaml``."""

    insaf: Literal[1] = 1
    name: LabelSpec | None = None
    description: LabelSpec | None = None
    year: int | None = None
    synthetic: bool = False
    label_language: Literal["en", "ar"] = "en"
    households: TableSpec | None = None
    persons: TableSpec | None = None
    items: dict[str, TableSpec] = Field(default_factory=dict)
    design: DesignSpec
    calibration: CalibrationSpec | None = None
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    policy: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tables(self) -> Manifest:
        if self.households is None and self.persons is None:
            raise ValueError(
                said(
                    "a manifest names a 'households' table, a 'persons' table, or both",
                )
            )
        if self.households is not None and self.persons is not None:
            if not self.households.key_columns:
                raise ValueError(
                    said(
                        "households.key is required when there is a person table",
                    )
                )
            if self.persons.household is None:
                raise ValueError(said("persons.household (the household key) is required"))
        for name, item in self.items.items():
            if item.household is None:
                raise ValueError(
                    said(
                        "items.{name}.household (the household key) is required",
                        name=name,
                    )
                )
        return self

    def metadata(self) -> Metadata:
        lang = self.label_language
        return Metadata.of(
            Variable(
                name=name,
                label=Label.of(spec.label, lang),
                values={code: Label.of(text, lang) for code, text in spec.values.items()},
                type=spec.type,
                role=spec.role,
                unit_of_measure=spec.unit_of_measure,
            )
            for name, spec in self.variables.items()
        )


def read_manifest(path: str | Path) -> Manifest:
    """Read and validate a ``survey.yaml``; errors name the key and line."""
    return load_spec(Manifest, path)


def write_manifest(manifest: Manifest, path: str | Path) -> None:
    """Write a manifest as readable YAML (UTF-8, Arabic kept as text, empty parts left out)."""
    data = manifest.model_dump(mode="json", exclude_none=True)
    for name, spec in manifest.variables.items():
        entry = data["variables"][name]
        if spec.values:
            entry["values"] = dict(spec.values)  # integer codes stay integers
        else:
            entry.pop("values", None)
    for key in ("items", "policy", "variables"):
        if not data.get(key):
            data.pop(key, None)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    Path(path).write_text(text, encoding="utf-8")
