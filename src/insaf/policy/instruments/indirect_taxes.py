"""Indirect taxes: VAT with reduced rates and exemptions, and excises.

- ``vat`` (ضريبة القيمة المضافة): every item in scope (all items of the
  consumption table unless ``items`` lists them) pays ``rate`` on its price
  before VAT, or the rate of the ``reduced`` group it belongs to; ``exempt``
  items pay none. Revenue on an item is ``rate / (1 + rate)`` of what the
  household spends on it.
- ``excise`` (ضريبة انتقائية): ``per_unit`` on each unit and/or ``rate`` on the
  price before VAT, on each listed item.

How these wedges combine with subsidies and price changes, and the welfare and
fiscal effects of a change, are in ``insaf.policy.instruments.pricing``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, model_validator

from insaf.errors import said
from insaf.policy.instruments.base import InstrumentBase, Kind, Need, Rate, Term

__all__ = ["Excise", "ReducedRate", "Vat"]


class ReducedRate(BaseModel):
    """A VAT rate for a group of items."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: Rate
    items: list[str] = Field(min_length=1)


class Vat(InstrumentBase):
    """Value added tax on consumption items."""

    type: Literal["vat"]
    rate: Rate
    items: list[str] | Literal["all"] = "all"
    reduced: list[ReducedRate] = Field(default_factory=list)
    exempt: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _each_item_once(self) -> Vat:
        seen: dict[str, str] = {}
        groups = [("exempt", self.exempt)] + [
            (f"reduced[{i}]", r.items) for i, r in enumerate(self.reduced)
        ]
        for where, items in groups:
            for item in items:
                if item in seen:
                    raise ValueError(
                        said(
                            "item {item} is in both {first} and {second}",
                            item=repr(item),
                            first=seen[item],
                            second=where,
                        )
                    )
                seen[item] = where
        return self

    @property
    def kind(self) -> Kind:
        return Kind.INDIRECT_TAX

    def needs(self) -> Iterator[Need]:
        if self.items != "all":
            for i, item in enumerate(self.items):
                yield Need(("items", i), "item", item)
        for g, group in enumerate(self.reduced):
            for i, item in enumerate(group.items):
                yield Need(("reduced", g, "items", i), "item", item)
        for i, item in enumerate(self.exempt):
            yield Need(("exempt", i), "item", item)

    def rate_of(self, item: str) -> float | None:
        """The VAT rate on ``item`` (``None`` when exempt or out of scope)."""
        if item in self.exempt:
            return None
        for group in self.reduced:
            if item in group.items:
                return group.rate
        if self.items != "all" and item not in self.items:
            return None
        return self.rate

    def terms(self, all_items: Sequence[str]) -> Iterator[Term]:
        for item in all_items:
            rate = self.rate_of(item)
            if rate is not None:
                yield Term(self.id, item, "vat", rate)


class Excise(InstrumentBase):
    """An excise duty on one or more items, per unit and/or ad valorem."""

    type: Literal["excise"]
    items: list[str] = Field(min_length=1)
    per_unit: NonNegativeFloat | None = None
    rate: Annotated[float, Field(ge=0.0, le=10.0)] | None = None

    @model_validator(mode="after")
    def _some_duty(self) -> Excise:
        if self.per_unit is None and self.rate is None:
            raise ValueError(said("give per_unit, rate or both"))
        return self

    @property
    def kind(self) -> Kind:
        return Kind.INDIRECT_TAX

    def needs(self) -> Iterator[Need]:
        for i, item in enumerate(self.items):
            yield Need(("items", i), "item", item)

    def terms(self, all_items: Sequence[str]) -> Iterator[Term]:
        for item in self.items:
            if self.per_unit is not None:
                yield Term(self.id, item, "unit", self.per_unit)
            if self.rate is not None:
                yield Term(self.id, item, "ad_valorem", self.rate)
