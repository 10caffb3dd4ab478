"""The YAML specification of a multidimensional poverty index (Alkire–Foster).

Example (two of the global MPI's ten indicators)::

    name: global
    label: {en: Global MPI (2018 revision), ar: دليل الفقر المتعدد الأبعاد العالمي}
    source: Alkire, Kanagaratnam and Suppa (2018), OPHI MPI Methodological Note 46
    k: 1/3
    dimensions:
      - name: education
        weight: 1/3
        indicators:
          - name: years_of_schooling
            weight: 1/2
            variable: years_schooling      # a member's condition ...
            operator: ">="
            value: 6
            among: age >= 10               # ... among eligible members ...
            members: none                  # ... deprived if no eligible member meets it
          - name: assets
            weight: 1/2
            expr: (radio + tv + fridge) <= 1 AND car = 0   # a household condition

An indicator is a condition written either declaratively (``variable``,
``operator``, ``value``) or as a Polars SQL expression (``expr``), parsed,
never evaluated as Python. A condition on household variables needs nothing
more; a condition on members says how members combine (``members``: ``any``,
``all``, ``none``, or ``share`` with ``share:``), optionally among eligible
members (``among``, an SQL expression). Weights are numbers or fractions
(``1/3``); dimension weights sum to 1 and indicator weights within each
dimension sum to 1 (omit them all for equal weights). The effective weight of
an indicator is its dimension's weight times its own.

Every problem is reported at once with its key and line (``insaf.specs``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from insaf.errors import Location, SpecError, said
from insaf.specs import load_spec, load_yaml, parse_spec

__all__ = [
    "PRESETS",
    "DimensionSpec",
    "IndicatorSpec",
    "MPISpec",
    "load_mpi_spec",
]

PRESETS: tuple[str, ...] = ("global", "arab")
_PRESET_DIR = Path(__file__).resolve().parent / "presets"
_TOLERANCE = 1e-9
Operator = Literal["<", "<=", ">", ">=", "==", "!=", "in", "not in"]
LabelSpec = str | dict[Literal["en", "ar"], str]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _fraction(value: Any) -> Any:
    """``"1/3"`` -> 0.333...; numbers pass through; anything else is left to pydantic."""
    if isinstance(value, str):
        try:
            return float(Fraction(value.replace(" ", "")))
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                said(
                    "{value} is not a number or a fraction such as 1/3",
                    value=repr(value),
                )
            ) from None
    return value


Weight = Annotated[float, BeforeValidator(_fraction), Field(gt=0, le=1)]


def _sql(text: str) -> str:
    try:
        pl.sql_expr(text)
    except Exception as exc:  # polars raises several types for a bad expression
        raise ValueError(said("not a valid SQL expression: {reason}", reason=str(exc))) from None
    return text


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorSpec(_Spec):
    """One deprivation indicator."""

    name: Name
    label: LabelSpec | None = None
    weight: Weight | None = None
    variable: str | None = None
    operator: Operator | None = None
    value: int | float | str | list[int | float | str] | None = None
    expr: str | None = None
    among: str | None = None
    members: Literal["any", "all", "none", "share"] | None = None
    share: float | None = Field(default=None, gt=0, le=1)
    if_no_members: Literal["deprived", "not_deprived"] = "not_deprived"
    missing: Literal["error", "deprived", "not_deprived"] = "error"

    @field_validator("expr", "among")
    @classmethod
    def _parses(cls, text: str | None) -> str | None:
        return None if text is None else _sql(text)

    @model_validator(mode="after")
    def _one_condition(self) -> IndicatorSpec:
        declarative = self.variable is not None
        if declarative == (self.expr is not None):
            raise ValueError(
                said(
                    "give either variable/operator/value or expr (exactly one)",
                )
            )
        if declarative:
            if self.operator is None or self.value is None:
                raise ValueError(
                    said(
                        "variable {variable} needs an operator and a value",
                        variable=repr(self.variable),
                    )
                )
            listed = isinstance(self.value, list)
            if listed != (self.operator in ("in", "not in")):
                raise ValueError(
                    said(
                        "operators 'in' and 'not in' take a list of values; the others one value",
                    )
                )
        elif self.operator is not None or self.value is not None:
            raise ValueError(said("operator and value go with variable, not with expr"))
        if self.among is not None and self.members is None:
            raise ValueError(
                said(
                    "among (eligible members) needs members: any, all, none or share",
                )
            )
        if (self.members == "share") != (self.share is not None):
            raise ValueError(
                said(
                    "members: share goes with share: (a fraction of eligible members)",
                )
            )
        return self

    def condition(self) -> pl.Expr:
        """The condition as a Polars expression (true, false or null per row)."""
        if self.expr is not None:
            return pl.sql_expr(self.expr)
        column = pl.col(str(self.variable))
        value = self.value
        if isinstance(value, list):
            numbers = all(isinstance(v, int | float) for v in value)
            found = (
                column.cast(pl.Float64).is_in([float(v) for v in value])
                if numbers
                else column.cast(pl.String).is_in([str(v) for v in value])
            )
            return found if self.operator == "in" else ~found
        ops = {
            "<": column.__lt__,
            "<=": column.__le__,
            ">": column.__gt__,
            ">=": column.__ge__,
            "==": column.__eq__,
            "!=": column.__ne__,
        }
        return ops[str(self.operator)](value)

    def columns(self) -> list[str]:
        """Survey variables the indicator reads."""
        names = self.condition().meta.root_names()
        if self.among is not None:
            names += pl.sql_expr(self.among).meta.root_names()
        return list(dict.fromkeys(names))


def _weights_sum_to_one(items: list[Any], what: str) -> None:
    given = [item.weight for item in items if item.weight is not None]
    if given and len(given) != len(items):
        raise ValueError(
            said(
                "give a weight to every {what} or to none (equal weights)",
                what=what,
            )
        )
    if given and not math.isclose(sum(given), 1.0, abs_tol=_TOLERANCE):
        listed = " + ".join(f"{w:.6g}" for w in given)
        raise ValueError(
            said(
                "{what} weights must sum to 1, not {listed} = {sum:.6g}",
                what=what,
                listed=listed,
                sum=sum(given),
            )
        )


def _unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(
                said(
                    "{what} name {name} is used twice",
                    what=what,
                    name=repr(name),
                )
            )
        seen.add(name)


class DimensionSpec(_Spec):
    """A dimension and its indicators."""

    name: Name
    label: LabelSpec | None = None
    weight: Weight | None = None
    indicators: list[IndicatorSpec] = Field(min_length=1)

    @field_validator("indicators")
    @classmethod
    def _indicator_weights(cls, indicators: list[IndicatorSpec]) -> list[IndicatorSpec]:
        _weights_sum_to_one(indicators, said("indicator"))
        return indicators


class MPISpec(_Spec):
    """An Alkire–Foster index: dimensions, indicators, weights and the cut-off ``k``."""

    name: str
    label: LabelSpec | None = None
    source: str | None = None
    notes: str | None = None
    k: Weight
    household: str | None = Field(
        default=None, description="household key column, when the survey does not name one"
    )
    dimensions: list[DimensionSpec] = Field(min_length=1)

    @field_validator("dimensions")
    @classmethod
    def _dimension_weights(cls, dimensions: list[DimensionSpec]) -> list[DimensionSpec]:
        _weights_sum_to_one(dimensions, said("dimension"))
        _unique([d.name for d in dimensions], said("dimension"))
        _unique([i.name for d in dimensions for i in d.indicators], said("indicator"))
        return dimensions

    @property
    def indicators(self) -> list[IndicatorSpec]:
        return [i for d in self.dimensions for i in d.indicators]

    def weights(self) -> dict[str, float]:
        """Effective weight of each indicator (dimension weight x indicator weight)."""
        out: dict[str, float] = {}
        n_dim = len(self.dimensions)
        for d in self.dimensions:
            dw = d.weight if d.weight is not None else 1.0 / n_dim
            for i in d.indicators:
                iw = i.weight if i.weight is not None else 1.0 / len(d.indicators)
                out[i.name] = dw * iw
        return out

    def dimension_of(self) -> dict[str, str]:
        return {i.name: d.name for d in self.dimensions for i in d.indicators}


def load_mpi_spec(spec: str | Path | MPISpec) -> MPISpec:
    """A preset name (``global``, ``arab``), a path to a YAML file, or a spec as it is."""
    if isinstance(spec, MPISpec):
        return spec
    if isinstance(spec, str) and spec in PRESETS:
        path = _PRESET_DIR / f"{spec}.yaml"
        data, lines = load_yaml(path.read_text(encoding="utf-8"), file=f"preset {spec}")
        return parse_spec(MPISpec, data, lines, file=f"preset {spec}")
    path = Path(spec)
    if not path.exists() and not str(spec).endswith((".yaml", ".yml")):
        raise SpecError(
            str(spec),
            [
                (
                    Location(file=str(spec)),
                    said(
                        "neither a preset ({presets}) nor an existing YAML file",
                        presets=", ".join(PRESETS),
                    ),
                )
            ],
        )
    return load_spec(MPISpec, path)
