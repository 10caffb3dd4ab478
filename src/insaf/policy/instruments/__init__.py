"""Policy instruments, one module per family.

=====================  ==============================================  ==========
type                   what it does                                    module
=====================  ==============================================  ==========
``cash_transfer``      benefit per household or (eligible) member      transfers
``income_tax``         tax by marginal brackets on a base              direct_taxes
``social_contribution``  contribution as a rate of a base              direct_taxes
``price_subsidy``      subsidy per unit or as a rate of the price      prices
``price_change``       change of an item's producer price              prices
``block_tariff``       increasing-block tariff (electricity, water)    prices
``vat``                VAT with reduced rates and exemptions           indirect_taxes
``excise``             excise per unit and/or ad valorem               indirect_taxes
=====================  ==============================================  ==========
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import Field, TypeAdapter

from insaf.policy.instruments.base import Flows, InstrumentBase, Kind, Need, Term
from insaf.policy.instruments.direct_taxes import Bracket, IncomeTax, SocialContribution
from insaf.policy.instruments.indirect_taxes import Excise, ReducedRate, Vat
from insaf.policy.instruments.prices import Block, BlockTariff, PriceChange, PriceSubsidy
from insaf.policy.instruments.transfers import CashTransfer, MeansTest

__all__ = [
    "INSTRUMENT_TYPES",
    "Block",
    "BlockTariff",
    "Bracket",
    "CashTransfer",
    "DirectInstrument",
    "Excise",
    "Flows",
    "IncomeTax",
    "Instrument",
    "InstrumentBase",
    "Kind",
    "MeansTest",
    "Need",
    "PriceChange",
    "PriceInstrument",
    "PriceSubsidy",
    "ReducedRate",
    "SocialContribution",
    "Term",
    "Vat",
    "instrument_adapter",
]

DirectInstrument: TypeAlias = CashTransfer | IncomeTax | SocialContribution
PriceInstrument: TypeAlias = PriceSubsidy | PriceChange | BlockTariff | Vat | Excise

Instrument: TypeAlias = Annotated[
    CashTransfer
    | IncomeTax
    | SocialContribution
    | PriceSubsidy
    | PriceChange
    | BlockTariff
    | Vat
    | Excise,
    Field(discriminator="type"),
]
"""Any instrument, chosen by its ``type`` key."""

INSTRUMENT_TYPES: dict[str, type[InstrumentBase]] = {
    "cash_transfer": CashTransfer,
    "income_tax": IncomeTax,
    "social_contribution": SocialContribution,
    "price_subsidy": PriceSubsidy,
    "price_change": PriceChange,
    "block_tariff": BlockTariff,
    "vat": Vat,
    "excise": Excise,
}

instrument_adapter: TypeAdapter[Instrument] = TypeAdapter(Instrument)
"""Validates one instrument (a mapping with a ``type``)."""
