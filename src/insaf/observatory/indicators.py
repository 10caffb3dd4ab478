"""Indicator frameworks, indicators and disaggregation dimensions, read from YAML.

A *catalogue* holds everything an observatory publishes about its indicators:

- ``dimensions``: the disaggregations (sex, age group, governorate, urban/rural,
  disability, nationality, wealth quintile...) with their codes and labels;
- ``indicators``: bilingual metadata (definition, unit of measure, source, method, agency,
  SDG and human-rights mapping), the breakdowns expected, an optional target,
  and, for indicators computed from microdata, the INSAF measure to run;
- ``frameworks``: hierarchies (goal -> target -> indicator) that point at
  indicators by code, so the SDGs and a national plan can share indicators;
- ``human_rights``: the rights the indicators monitor (ICESCR arts. 9, 11, 12,
  13, CEDAW, CRPD...), each with its structural facts and the budget spending
  that serves it (``spending``: COFOG functions and programmes); an indicator
  names the rights it monitors (``human_rights``) and its OHCHR type
  (``rights``);
- ``population`` and ``prices``: the population and a price index by year, to
  state spending per person in real terms (``insaf.observatory.realisation``).

Every text a person reads has an English and an Arabic version (``Text``);
both are required, so a catalogue cannot be published half-translated.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from insaf._renamed import renamed_keys
from insaf.errors import said, said_together
from insaf.measures.registry import INDICATOR_MEASURES
from insaf.specs import load_spec

__all__ = [
    "Catalogue",
    "Category",
    "Computation",
    "ContextSeries",
    "Dimension",
    "Direction",
    "Framework",
    "HumanRight",
    "Indicator",
    "Node",
    "RightsDimension",
    "Spending",
    "StructuralFact",
    "Target",
    "Text",
    "load_catalogue",
]

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in English and Arabic."""

    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in ``language`` (``"ar"`` or ``"en"``); English for any other code."""
        return self.ar if language.startswith("ar") else self.en


class Direction(StrEnum):
    """Which way is progress: a rate of access should increase, poverty decrease."""

    INCREASE = "increase"
    DECREASE = "decrease"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.INCREASE else -1


class RightsDimension(StrEnum):
    """OHCHR human-rights indicator type."""

    STRUCTURAL = "structural"
    PROCESS = "process"
    OUTCOME = "outcome"


class StructuralFact(_Strict):
    """A structural indicator entered as data: a ratification, a law, a policy in force.

    ``status`` says what holds (``Ratified``, ``In force since 2014``...), ``year``
    when it took effect, ``source`` where it is recorded.
    """

    name: Text
    status: Text
    year: int | None = Field(default=None, ge=1900, le=2200)
    source: Text | None = None


class Spending(_Strict):
    """The budget spending that serves a right: the lines of some functions or programmes.

    A budget line counts when its COFOG ``function`` is one of ``functions`` or
    lies under one (``10`` holds ``10.9``) or when it pays for one of
    ``programmes`` (the plan's programme codes); a line that matches both counts
    once.
    """

    functions: list[str] = Field(default_factory=list)
    programmes: list[str] = Field(default_factory=list)

    @field_validator("functions")
    @classmethod
    def _cofog(cls, value: list[str]) -> list[str]:
        wrong = [f for f in value if not re.fullmatch(r"\d{2}(\.\d+)*", f)]
        if wrong:
            raise ValueError(
                said("not a COFOG code (two digits, then .digits): {codes}", codes=", ".join(wrong))
            )
        return value

    @model_validator(mode="after")
    def _something(self) -> Spending:
        if not self.functions and not self.programmes:
            raise ValueError(said("spending names at least one function or programme"))
        return self


class HumanRight(_Strict):
    """A right, as a treaty states it, that the observatory's indicators monitor.

    ``code`` is what indicators cite (``icescr_11``); ``treaty`` the instrument
    (ICESCR, CEDAW, CRPD...) and ``article`` its article. ``facts`` are its
    structural indicators (OHCHR 2012): ratifications and laws, as data.
    ``spending`` says which budget lines serve it (OPERA's resources).
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    treaty: str = Field(pattern=r"^[A-Z][A-Za-z0-9-]*$")
    article: str = ""
    facts: list[StructuralFact] = Field(default_factory=list)
    spending: Spending | None = None


class ContextSeries(_Strict):
    """A figure by year that the observatory needs beside its indicators, entered as data:
    the population (people) or a price index (``base_year`` is the year whose prices
    real amounts are stated in)."""

    name: Text
    source: Text | None = None
    base_year: int | None = Field(default=None, ge=1900, le=2200)
    values: dict[int, float] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _positive(cls, value: dict[int, float]) -> dict[int, float]:
        wrong = [str(year) for year, v in value.items() if not (math.isfinite(v) and v > 0)]
        if wrong:
            raise ValueError(
                said("values must be positive numbers; not in {years}", years=", ".join(wrong))
            )
        return dict(sorted(value.items()))


class Category(_Strict):
    """One value of a dimension: its code (as stored) and its label.

    For computed indicators, ``values`` lists the survey codes that fall in the
    category (``sex: 2`` is ``female``) and ``range`` a ``[low, high)`` interval
    of a numeric variable (``age: [15, 25)``); without either, the survey
    value must equal ``code``.
    """

    code: str = Field(pattern=CODE)
    name: Text
    values: list[int | str] = Field(default_factory=list)
    range: tuple[float, float] | None = None


class Dimension(_Strict):
    """A disaggregation dimension and its categories.

    ``variable`` is the survey column the categories come from (for computed
    indicators); ``sdmx`` the SDMX dimension id used in SDMX-CSV and SDMX-ML.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    categories: list[Category] = Field(min_length=1)
    variable: str | None = None
    quantiles: bool = False
    sdmx: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")

    @field_validator("categories")
    @classmethod
    def _unique_codes(cls, value: list[Category]) -> list[Category]:
        codes = [c.code for c in value]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise ValueError(said("category codes repeated: {codes}", codes=", ".join(duplicated)))
        return value

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    @property
    def sdmx_id(self) -> str:
        return self.sdmx or self.code.upper()


class Target(_Strict):
    """A target value to reach by ``year``; ``baseline_year`` is where progress is counted from."""

    value: float
    year: int = Field(ge=1900, le=2200)
    baseline_year: int | None = Field(default=None, ge=1900, le=2200)

    @model_validator(mode="after")
    def _baseline_before_target(self) -> Target:
        if self.baseline_year is not None and self.baseline_year >= self.year:
            raise ValueError(said("baseline_year must be before the target year"))
        return self


class Computation(_Strict):
    """How an indicator is computed from a survey with ``insaf.measures``.

    ``measure`` names the estimator, ``variable`` the survey column it runs on,
    ``line`` the column (or number) holding the poverty line for poverty
    measures, ``unit`` whether persons or households are counted, and
    ``scale`` a factor applied to value, standard error and interval (100 for
    a percentage). ``derive`` defines new columns by Polars SQL expressions
    (``{"covered": "CASE WHEN cash_assistance > 0 THEN 1 ELSE 0 END"}``) and
    ``population`` restricts the indicator to a domain (``"age BETWEEN 6 AND
    17"``), estimated as a domain so the design is kept whole. Expressions are
    parsed, never evaluated as Python.
    """

    measure: str
    variable: str
    line: str | float | None = None
    unit: Literal["person", "household"] = "person"
    scale: float = Field(default=1.0, gt=0)
    derive: dict[str, str] = Field(default_factory=dict)
    population: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        """The keys' names before docs/glossary.md: ``poverty_line``, ``level``."""
        return renamed_keys(data, {"poverty_line": "line", "level": "unit"}, "compute")

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str) -> str:
        if value not in INDICATOR_MEASURES:
            raise ValueError(
                said(
                    "unknown measure {name}; known: {known}",
                    name=repr(value),
                    known=", ".join(INDICATOR_MEASURES),
                )
            )
        return value

    @model_validator(mode="after")
    def _line_for_poverty(self) -> Computation:
        needs_line = "line" in INDICATOR_MEASURES[self.measure].accepts
        if needs_line and self.line is None:
            raise ValueError(
                said("measure '{measure}' needs a poverty line (line)", measure=self.measure)
            )
        return self


INDICATOR_TEXTS = ("name", "definition", "unit_of_measure", "source", "method", "agency")
"""The bilingual metadata fields of an indicator, in the order pages show them."""


class Indicator(_Strict):
    """An indicator and its bilingual metadata.

    ``unit_of_measure`` is what a value is counted in ("% of persons"); the
    catalogue's old key ``unit`` is read with a warning (docs/glossary.md).
    """

    code: str = Field(pattern=CODE)
    name: Text
    definition: Text
    unit_of_measure: Text
    source: Text
    method: Text
    agency: Text
    sdg: list[str] = Field(default_factory=list)
    rights: RightsDimension = RightsDimension.OUTCOME
    human_rights: list[str] = Field(default_factory=list)
    direction: Direction
    disaggregations: list[list[str]] = Field(default_factory=list)
    target: Target | None = None
    headline: bool = False
    decimals: int = Field(default=1, ge=0, le=6)
    compute: Computation | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        """The key's name before docs/glossary.md: ``unit``."""
        where = f"indicator {data.get('code', '?')}" if isinstance(data, Mapping) else "indicator"
        return renamed_keys(data, {"unit": "unit_of_measure"}, where)

    @property
    def unit(self) -> Text:
        """Deprecated name of ``unit_of_measure``."""
        warnings.warn(
            "Indicator.unit is deprecated; use Indicator.unit_of_measure",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.unit_of_measure

    @field_validator("disaggregations")
    @classmethod
    def _breakdowns_are_sets(cls, value: list[list[str]]) -> list[list[str]]:
        for combo in value:
            if not combo or len(set(combo)) != len(combo):
                raise ValueError(
                    said("a breakdown lists each dimension once: {combo}", combo=str(combo))
                )
        keys = [tuple(sorted(c)) for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError(said("a breakdown is listed twice"))
        return [sorted(c) for c in value]

    @property
    def breakdowns(self) -> list[tuple[str, ...]]:
        """Every breakdown as a sorted tuple of dimension codes; the total is ``()``."""
        return [(), *(tuple(c) for c in self.disaggregations)]


class Node(_Strict):
    """A level of a framework (goal, target, pillar...) with its children and indicators."""

    code: str = Field(pattern=CODE)
    kind: Literal["goal", "target", "pillar", "outcome", "area"] = "goal"
    name: Text
    children: list[Node] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Node]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


class Framework(_Strict):
    """An indicator framework: the SDGs, a national development plan..."""

    code: str = Field(pattern=CODE)
    name: Text
    description: Text
    nodes: list[Node] = Field(min_length=1)

    def walk(self) -> Iterator[tuple[int, Node]]:
        for node in self.nodes:
            yield from node.walk()

    def indicator_codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for _, node in self.walk():
            for code in node.indicators:
                seen.setdefault(code, None)
        return list(seen)


class Catalogue(_Strict):
    """Dimensions, indicators and frameworks of one observatory, checked for consistency."""

    area: str = Field(default="NAT", pattern=CODE)
    area_name: Text = Text(en="National", ar="وطني")
    dimensions: list[Dimension] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    frameworks: list[Framework] = Field(default_factory=list)
    human_rights: list[HumanRight] = Field(default_factory=list)
    population: ContextSeries | None = None
    prices: ContextSeries | None = None

    @model_validator(mode="after")
    def _references_exist(self) -> Catalogue:
        problems: list[str] = []
        if self.prices is not None and self.prices.base_year not in self.prices.values:
            problems.append(
                said(
                    "prices: base_year {year} has no value "
                    "(real amounts are stated in the prices of that year)",
                    year=self.prices.base_year,
                )
            )
        if self.population is not None and self.population.base_year is not None:
            problems.append(said("population: a population has no base_year"))
        dims = [d.code for d in self.dimensions]
        codes = [i.code for i in self.indicators]
        rights = [r.code for r in self.human_rights]
        repeated = {
            label: ", ".join(sorted({v for v in values if values.count(v) > 1}))
            for label, values in (("dimension", dims), ("indicator", codes), ("right", rights))
        }
        if repeated["dimension"]:
            problems.append(said("dimension codes repeated: {codes}", codes=repeated["dimension"]))
        if repeated["indicator"]:
            problems.append(said("indicator codes repeated: {codes}", codes=repeated["indicator"]))
        if repeated["right"]:
            problems.append(said("right codes repeated: {codes}", codes=repeated["right"]))
        for indicator in self.indicators:
            unknown_rights = [r for r in indicator.human_rights if r not in rights]
            if unknown_rights:
                problems.append(
                    said(
                        "indicator {code}: unknown right(s) {rights}",
                        code=indicator.code,
                        rights=", ".join(unknown_rights),
                    )
                )
            for combo in indicator.disaggregations:
                unknown = [d for d in combo if d not in dims]
                if unknown:
                    problems.append(
                        said(
                            "indicator {code}: unknown dimension(s) {dimensions}",
                            code=indicator.code,
                            dimensions=", ".join(unknown),
                        )
                    )
        known = set(codes)
        for framework in self.frameworks:
            for _, node in framework.walk():
                for code in node.indicators:
                    if code not in known:
                        problems.append(
                            said(
                                "framework {framework}, {node}: unknown indicator {code}",
                                framework=framework.code,
                                node=node.code,
                                code=code,
                            )
                        )
        if problems:
            raise ValueError(said_together(problems, "; "))

        return self

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def dimension(self, code: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    @property
    def dimension_codes(self) -> list[str]:
        return [d.code for d in self.dimensions]

    def dimensions_by_code(self) -> Mapping[str, Dimension]:
        return {d.code: d for d in self.dimensions}

    def frameworks_of(self, indicator: str) -> Sequence[Framework]:
        return [f for f in self.frameworks if indicator in f.indicator_codes()]


def load_catalogue(path: str | Path) -> Catalogue:
    """Read a catalogue YAML file; a ``SpecError`` names every wrong key with its line."""
    return load_spec(Catalogue, path)
