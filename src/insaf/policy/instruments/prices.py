"""Price subsidies, price changes and increasing-block tariffs on consumption items.

Each instrument sets a *wedge* in the price of an item (see
``insaf.policy.instruments.pricing`` for how wedges combine and how welfare
and fiscal effects follow):

- ``price_subsidy`` (دعم): the consumer pays ``subsidy_per_unit`` less per
  unit, or ``subsidy_rate`` less per unit of the price before VAT. The
  government pays the subsidy on every unit bought: ``cost = s * q``.
- ``price_change``: the producer price moves by ``change_rate`` (relative) or
  ``change_per_unit``; no money flows to or from the government.
- ``block_tariff``: the bill for ``q`` units (electricity kWh, water m3) by
  increasing blocks::

      bill(q) = fixed_charge + sum_k price_k * min(max(q - from_k, 0), up_to_k - from_k)

  (``billing: increasing``) or, with ``billing: volume_differentiated``, every
  unit at the price of the block that ``q`` falls in. Households with ``q = 0``
  pay nothing. The subsidy is ``cost_price * q - bill(q)``, paid by the
  government (negative when the tariff is above cost).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, model_validator

from insaf.errors import said
from insaf.policy.instruments.base import (
    FloatArray,
    InstrumentBase,
    Kind,
    Need,
    Term,
)

__all__ = ["Block", "BlockTariff", "Elasticity", "PriceChange", "PriceSubsidy"]

Elasticity = Annotated[float, Field(le=0.0, ge=-5.0)]
"""An own-price elasticity of demand (zero or negative)."""


class _OneItem:
    """What an instrument on one consumption item reads: that item."""

    if TYPE_CHECKING:
        item: str

    @property
    def items(self) -> tuple[str, ...]:
        return (self.item,)

    def needs(self) -> Iterator[Need]:
        yield Need(("item",), "item", self.item)


def _exactly_one(
    first: str, first_value: float | None, second: str, second_value: float | None
) -> None:
    if (first_value is None) == (second_value is None):
        raise ValueError(
            said("give exactly one of {first} and {second}", first=first, second=second)
        )


class PriceSubsidy(_OneItem, InstrumentBase):
    """A consumer subsidy on one item, per unit or as a share of the price."""

    type: Literal["price_subsidy"]
    item: str
    subsidy_per_unit: NonNegativeFloat | None = None
    subsidy_rate: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None
    elasticity: Elasticity | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PriceSubsidy:
        _exactly_one("subsidy_per_unit", self.subsidy_per_unit, "subsidy_rate", self.subsidy_rate)
        return self

    @property
    def kind(self) -> Kind:
        return Kind.SUBSIDY

    def terms(self, all_items: Sequence[str]) -> Iterator[Term]:
        if self.subsidy_per_unit is not None:
            yield Term(self.id, self.item, "unit", -self.subsidy_per_unit)
        else:
            yield Term(self.id, self.item, "ad_valorem", -float(self.subsidy_rate or 0.0))


class PriceChange(_OneItem, InstrumentBase):
    """A change of an item's producer price (a world price, a liberalised price)."""

    type: Literal["price_change"]
    item: str
    change_rate: Annotated[float, Field(gt=-1.0)] | None = None
    change_per_unit: float | None = None
    elasticity: Elasticity | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PriceChange:
        _exactly_one("change_rate", self.change_rate, "change_per_unit", self.change_per_unit)
        return self

    @property
    def kind(self) -> Kind:
        return Kind.PRICE

    def terms(self, all_items: Sequence[str]) -> Iterator[Term]:
        if self.change_rate is not None:
            yield Term(self.id, self.item, "change_rate", self.change_rate)
        else:
            yield Term(self.id, self.item, "change_unit", float(self.change_per_unit or 0.0))


class Block(BaseModel):
    """One block of a tariff: ``price`` per unit up to ``up_to`` (open when omitted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    up_to: Annotated[float, Field(gt=0.0)] | None = None
    price: NonNegativeFloat


class BlockTariff(_OneItem, InstrumentBase):
    """An increasing-block tariff (تعرفة تصاعدية) for electricity or water."""

    type: Literal["block_tariff"]
    item: str
    blocks: list[Block] = Field(min_length=1)
    fixed_charge: NonNegativeFloat = 0.0
    cost_price: NonNegativeFloat
    billing: Literal["increasing", "volume_differentiated"] = "increasing"
    elasticity: Elasticity | None = None

    @model_validator(mode="after")
    def _ordered_blocks(self) -> BlockTariff:
        ends = [b.up_to for b in self.blocks]
        if ends[-1] is not None:
            raise ValueError(said("the last block has no upper end: leave out its up_to"))
        inner = list(ends[:-1])
        if any(e is None for e in inner):
            raise ValueError(said("only the last block may leave out up_to"))
        bounds = [float(e) for e in inner if e is not None]
        if any(b <= a for a, b in pairwise(bounds)):
            raise ValueError(said("block ends must increase: {bounds}", bounds=bounds))
        return self

    @property
    def kind(self) -> Kind:
        return Kind.SUBSIDY

    def terms(self, all_items: Sequence[str]) -> Iterator[Term]:
        yield Term(self.id, self.item, "tariff", tariff=self)

    def bill(self, quantity: FloatArray) -> FloatArray:
        """What a household buying ``quantity`` units pays (0 when it buys none)."""
        q = np.asarray(quantity, dtype=np.float64)
        ends = np.asarray([b.up_to for b in self.blocks[:-1]], dtype=np.float64)
        prices = np.asarray([b.price for b in self.blocks], dtype=np.float64)
        if self.billing == "increasing":
            lower = np.concatenate([[0.0], ends])
            upper = np.concatenate([ends, [np.inf]])
            energy = np.zeros_like(q)
            for k in range(prices.size):  # a loop over blocks, not households
                energy += prices[k] * np.clip(q - lower[k], 0.0, upper[k] - lower[k])
        else:
            energy = q * prices[np.searchsorted(ends, q, side="left")]
        out: FloatArray = np.where(q > 0.0, self.fixed_charge + energy, 0.0)
        return out
