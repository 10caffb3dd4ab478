"""Direct taxes with progressive brackets, and social contributions.

Income tax, for each tax unit (a person or a household) that is liable::

    taxable = max(0, base - allowance - allowance_per_member * members)
    tax     = sum_k rate_k * min(max(taxable - above_k, 0), above_{k+1} - above_k)

with ``above_0 < above_1 < ...`` the bracket thresholds (the last bracket has
no upper end). When ``period`` is given (brackets and allowances are often
annual while the scenario's amounts are monthly), the base is converted to that
period first and the tax back to the scenario's period.

Social contribution, for each liable person (or household) with a positive base::

    contribution = rate * min(max(base, floor), ceiling)

The worker's part lowers the household's income; ``employer_rate`` adds the
employer's part to the revenue only (in the static incidence used here,
employers' contributions are not taken from the household).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, model_validator

from insaf.errors import said
from insaf.policy.instruments.base import (
    ExprText,
    FloatArray,
    Flows,
    InstrumentBase,
    Kind,
    Level,
    Need,
    Rate,
    expression_needs,
)
from insaf.policy.period import Period

if TYPE_CHECKING:
    from insaf.policy.data import PolicyData

__all__ = ["Bracket", "IncomeTax", "SocialContribution", "bracket_tax"]


class Bracket(BaseModel):
    """A marginal ``rate`` on the part of taxable income above ``above``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    above: NonNegativeFloat
    rate: Rate


def bracket_tax(taxable: FloatArray, brackets: Sequence[Bracket]) -> FloatArray:
    """Tax on ``taxable`` by marginal brackets (a loop over brackets, not over rows)."""
    tax = np.zeros_like(taxable)
    part = np.empty_like(taxable)
    for k, bracket in enumerate(brackets):
        upper = brackets[k + 1].above if k + 1 < len(brackets) else np.inf
        np.subtract(taxable, bracket.above, out=part)
        np.maximum(part, 0.0, out=part)  # np.clip(part, 0, width), in place
        if upper != np.inf:
            np.minimum(part, upper - bracket.above, out=part)
        part *= bracket.rate
        tax += part
    return tax


def _liable(data: PolicyData, eligible: str | None, level: Level) -> FloatArray | None:
    return None if eligible is None else data.condition(eligible, level).astype(np.float64)


class IncomeTax(InstrumentBase):
    """Personal or household income tax (ضريبة الدخل) with marginal brackets."""

    type: Literal["income_tax"]
    unit: Level = "person"
    base: ExprText
    eligible: ExprText | None = None
    allowance: NonNegativeFloat = 0.0
    allowance_per_member: NonNegativeFloat = 0.0
    brackets: list[Bracket] = Field(min_length=1)
    period: Period | None = None

    @model_validator(mode="after")
    def _increasing(self) -> IncomeTax:
        thresholds = [b.above for b in self.brackets]
        if any(b <= a for a, b in pairwise(thresholds)):
            raise ValueError(
                said("bracket thresholds must increase: {thresholds}", thresholds=thresholds)
            )
        if self.allowance_per_member and self.unit != "household":
            raise ValueError(
                said("allowance_per_member applies to a household tax (unit: household)")
            )
        return self

    @property
    def kind(self) -> Kind:
        return Kind.DIRECT_TAX

    def needs(self) -> Iterator[Need]:
        return expression_needs(self.unit, base=self.base, eligible=self.eligible)

    def compute(self, data: PolicyData) -> Flows:
        factor = data.per(self.period)
        base = data.values(self.base, self.unit)
        if factor != 1.0:
            base = base * factor
        if self.unit == "household" and self.allowance_per_member:
            taxable = base - self.allowance - self.allowance_per_member * data.members
        elif self.allowance:
            taxable = base - self.allowance
        else:
            taxable = base
        # the brackets run over the units with a taxable income (often a fifth of the
        # persons); an undefined base stays in, so that it is reported, not dropped
        rows = np.flatnonzero(~(taxable <= 0.0))
        taxable = taxable[rows]
        tax = bracket_tax(taxable, self.brackets)
        if factor != 1.0:
            tax /= factor
        liable = _liable(data, self.eligible, self.unit)
        if liable is not None:
            tax *= liable[rows]
        total = data.unit_sum(self.unit, tax, rows)
        return Flows(benefit=-total, fiscal=-total)


class SocialContribution(InstrumentBase):
    """Social insurance contributions (اشتراكات الضمان الاجتماعي) on a base such as wages."""

    type: Literal["social_contribution"]
    unit: Level = "person"
    base: ExprText
    eligible: ExprText | None = None
    rate: Rate
    employer_rate: Rate = 0.0
    floor: NonNegativeFloat | None = None
    ceiling: NonNegativeFloat | None = None
    period: Period | None = None

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> SocialContribution:
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise ValueError(
                said(
                    "floor {floor} is above ceiling {ceiling}",
                    floor=self.floor,
                    ceiling=self.ceiling,
                )
            )
        return self

    @property
    def kind(self) -> Kind:
        return Kind.CONTRIBUTION

    def needs(self) -> Iterator[Need]:
        return expression_needs(self.unit, base=self.base, eligible=self.eligible)

    def compute(self, data: PolicyData) -> Flows:
        factor = data.per(self.period)
        base = data.values(self.base, self.unit) * factor
        counted = base
        if self.floor is not None:
            counted = np.maximum(counted, self.floor)
        if self.ceiling is not None:
            counted = np.minimum(counted, self.ceiling)
        counted = np.where(base > 0.0, counted, 0.0) / factor
        liable = _liable(data, self.eligible, self.unit)
        if liable is not None:
            counted *= liable
        if self.unit == "person":
            counted = data.household_sum(counted)
        worker = self.rate * counted
        revenue = (self.rate + self.employer_rate) * counted
        return Flows(benefit=-worker, fiscal=-revenue)
