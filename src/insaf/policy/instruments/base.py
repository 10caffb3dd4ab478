"""What every instrument shares: its identity, the checks it asks for, its flows.

An instrument is a pydantic model (its parameters, validated where a scenario
is read) with a documented formula. Direct instruments (transfers, taxes,
contributions) compute their flows from household and person columns; price
instruments (subsidies, price changes, tariffs, VAT, excises) set the wedges
between producer and consumer prices, which ``insaf.policy.instruments.prices``
combines item by item.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from insaf._arrays import FloatArray
from insaf.policy.expressions import Expression, parse_expression

__all__ = [
    "ExprText",
    "FloatArray",
    "Flows",
    "Identifier",
    "InstrumentBase",
    "Kind",
    "Level",
    "Need",
    "PriceRole",
    "Rate",
    "Tariff",
    "Term",
    "Text",
    "TextSpec",
    "compiled",
    "expression_needs",
]

Level = Literal["household", "person"]

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64),
]
"""A name used as a key: a letter, then letters, digits and underscores."""


@lru_cache(maxsize=4096)
def compiled(text: str) -> Expression:
    """The parsed expression of ``text`` (parsed once per text)."""
    return parse_expression(text)


def _parses(text: str) -> str:
    compiled(text)
    return text


ExprText = Annotated[str, AfterValidator(_parses)]
"""An expression over survey variables (see ``insaf.policy.expressions``)."""

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
"""A rate between 0 and 1 (0.14 is 14 %)."""


class TextSpec(BaseModel):
    """A text in English and Arabic."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str | None = None
    ar: str | None = None


Text = str | TextSpec


class Kind(StrEnum):
    """Where an instrument sits in the CEQ income concepts."""

    TRANSFER = "direct_transfer"
    DIRECT_TAX = "direct_tax"
    CONTRIBUTION = "contribution"
    SUBSIDY = "indirect_subsidy"
    INDIRECT_TAX = "indirect_tax"
    PRICE = "price"
    """A price change that is no flow to or from the government."""
    IN_KIND = "in_kind"
    """Public education or health valued at its unit cost (``insaf.policy.in_kind``):
    never an instrument of a policy, a column of the fiscal incidence."""

    @property
    def direct(self) -> bool:
        return self in (Kind.TRANSFER, Kind.DIRECT_TAX, Kind.CONTRIBUTION)


@dataclass(frozen=True, slots=True)
class Need:
    """Something an instrument reads from the survey, and the parameter that names it.

    ``what`` is ``"expression"`` (``text`` read at ``unit``, person or household)
    or ``"item"`` (``text`` is an item of the consumption table). ``key`` is the
    path of the parameter inside the instrument, for error messages.
    """

    key: tuple[str | int, ...]
    what: Literal["expression", "item"]
    text: str
    unit: Level = "household"

    def __getattr__(self, name: str) -> Any:
        # ``level``, the unit's old name (docs/glossary.md), for one release.
        if name == "level":
            warnings.warn(
                "Need.level is deprecated; use Need.unit", DeprecationWarning, stacklevel=2
            )
            return self.unit
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def expression_needs(unit: Level, **texts: str | None) -> Iterator[Need]:
    """A need for each expression given (``None``: not given), read at ``unit``."""
    for key, text in texts.items():
        if text is not None:
            yield Need((key,), "expression", text, unit)


@dataclass(frozen=True, eq=False, slots=True)
class Flows:
    """What one instrument does in one policy state, per household and period.

    ``benefit`` is money the household gains from the instrument (a tax is a
    negative benefit); ``fiscal`` is the net cost to the government (revenue
    negative); ``recipients`` the number of beneficiaries in the household
    (members for a per-person benefit, 1 for a household benefit, 0 for none),
    ``None`` for instruments without beneficiaries (taxes, prices).
    """

    benefit: FloatArray
    fiscal: FloatArray
    recipients: FloatArray | None = None


PriceRole = Literal["unit", "ad_valorem", "vat", "change_rate", "change_unit", "tariff"]


class Tariff(Protocol):
    """A price schedule that depends on the quantity bought (a block tariff)."""

    @property
    def cost_price(self) -> float: ...

    def bill(self, quantity: FloatArray) -> FloatArray: ...


@dataclass(frozen=True, slots=True)
class Term:
    """One instrument's part in the price of one item.

    ``role`` says how ``value`` enters the consumer price (see
    ``insaf.policy.instruments.pricing``): a per-unit wedge (``unit``, a subsidy
    is negative), an ad valorem rate on the price before VAT (``ad_valorem``),
    the VAT rate (``vat``), a relative or per-unit change of the producer price
    (``change_rate``, ``change_unit``), or a ``tariff`` that sets the whole
    price by blocks.
    """

    instrument: str
    item: str
    role: PriceRole
    value: float = 0.0
    tariff: Tariff | None = None


class InstrumentBase(BaseModel):
    """Fields every instrument has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    label: Text | None = None

    @property
    def kind(self) -> Kind:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def needs(self) -> Iterator[Need]:
        """The expressions and items this instrument reads (checked before computing)."""
        return iter(())
