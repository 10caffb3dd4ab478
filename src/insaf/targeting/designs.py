"""Benefit designs to compare at equal budget, read from a YAML file.

A designs file names the welfare measure, the poverty line, the PMT model (or
the proxies to fit one with) and a list of designs, each a rule of
``insaf.targeting.rules`` (``docs/targeting.md`` has the schema)::

    name: {en: Equal-budget options, ar: ...}
    welfare: consumption_pc
    line: poverty_line
    net_of: cash_assistance      # the designs replace this programme's benefit
    model: model.json            # relative to this file; or proxies: [...]
    budget: 1.0e9                # a year; --budget overrides
    designs:
      - {id: universal, label: {en: Universal, ar: شامل}}
      - {id: child_grant, eligible: "age < 18"}
      - {id: pmt_20, pmt: {coverage: 0.2}}
      - {id: child_pmt_40, eligible: "age < 18", pmt: {coverage: 0.4}}

Every design is a policy-engine ``cash_transfer``; ``scenario`` writes the
comparison as a scenario with one budget-neutral reform per design, which
``insaf simulate`` runs and reports with the policy tools.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from insaf._renamed import renamed_keys
from insaf.errors import InsafError, said
from insaf.policy.instruments.base import ExprText, Identifier, Text
from insaf.policy.scenario import text_of
from insaf.specs import load_spec
from insaf.targeting.rules import Cutoff, Rule

__all__ = ["DEFAULT_PROXIES", "DesignSpec", "DesignsFile", "PmtSpec", "default_designs"]

DEFAULT_PROXIES = (
    "hhsize:log",
    "n_children",
    "n_elderly",
    "head_sex",
    "head_education",
    "head_employment",
    "floor",
    "wall",
    "roof",
    "rooms:log",
    "water_source",
    "sanitation",
    "cooking_fuel",
    "tv",
    "fridge",
    "washing_machine",
    "air_conditioner",
    "computer",
    "internet",
    "car",
    "livestock",
    "urban",
    "governorate",
)
"""Proxies used when a designs file names neither a model nor proxies (those the survey has)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PmtSpec(_Spec):
    """A PMT cut-off: ``coverage`` (share of people), ``line: true`` or ``score``."""

    coverage: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    line: bool = False
    score: float | None = None

    @model_validator(mode="after")
    def _one(self) -> PmtSpec:
        if sum([self.coverage is not None, self.line, self.score is not None]) != 1:
            raise ValueError(said("give exactly one of coverage, line: true, score"))
        return self


class DesignSpec(_Spec):
    """One design: who is eligible and per what unit (the amount is solved)."""

    id: Identifier
    label: Text | None = None
    eligible: ExprText | None = None
    pmt: PmtSpec | None = None
    unit: Literal["person", "household"] = "person"
    combine: Literal["and", "or"] = "and"

    def rule(self) -> Rule:
        cutoff = None
        if self.pmt is not None:
            cutoff = Cutoff(coverage=self.pmt.coverage, line=self.pmt.line, score=self.pmt.score)
        return Rule(
            id=self.id, eligible=self.eligible, pmt=cutoff, unit=self.unit, combine=self.combine
        )

    def title(self, lang: str = "en") -> str:
        return text_of(self.label, lang) or self.id


class DesignsFile(_Spec):
    """A designs file (see the module docstring)."""

    name: Text | None = None
    welfare: str = "consumption_pc"
    line: str | Annotated[float, Field(gt=0.0)] = "poverty_line"
    net_of: str | None = None
    poorest: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.2
    model: str | None = None
    proxies: list[str] | None = None
    budget: Annotated[float, Field(ge=0.0)] | None = None
    designs: list[DesignSpec] = Field(min_length=1)

    _folder: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        """``poverty_line``, the key's name before docs/glossary.md, is read as ``line``."""
        return renamed_keys(data, {"poverty_line": "line"}, "designs file")

    @model_validator(mode="after")
    def _unique(self) -> DesignsFile:
        seen: set[str] = set()
        for d in self.designs:
            if d.id in seen:
                raise ValueError(said("design id {id} is used twice", id=repr(d.id)))
            seen.add(d.id)
        if self.model is not None and self.proxies is not None:
            raise ValueError(said("give a model or proxies, not both"))
        return self

    @property
    def needs_model(self) -> bool:
        return any(d.pmt is not None for d in self.designs)

    def model_path(self) -> Path | None:
        if self.model is None:
            return None
        path = Path(self.model)
        if not path.is_absolute() and self._folder is not None:
            path = self._folder / path
        return path

    def title(self, lang: str = "en") -> str:
        default = "المقارنة بموازنة متساوية" if lang == "ar" else "Equal-budget comparison"
        return text_of(self.name, lang) or default

    @classmethod
    def load(cls, path: str | Path) -> DesignsFile:
        """Read and validate a designs file (errors name the key and line)."""
        spec = load_spec(cls, path)
        spec._folder = Path(path).resolve().parent
        return spec

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> DesignsFile:
        return cls.model_validate(dict(data))


def default_designs() -> DesignsFile:
    """The ten designs shipped with INSAF (``presets/designs.yaml``)."""
    source = resources.files("insaf.targeting").joinpath("presets/designs.yaml")
    with resources.as_file(source) as path:
        if not path.exists():
            raise InsafError(
                said(
                    "the preset designs file is missing from the installation",
                )
            )
        return DesignsFile.load(path)
