"""Cash transfers: per household, per member, or per eligible member.

For household ``h`` (amounts per period)::

    n_h     = 1[eligible_h]                                   unit: household
            = min(sum_{i in h} 1[eligible_i], max_members)    unit: person
    gross_h = n_h * (amount + per_member * max(members_h - members_above, 0))
    means_h = max(0, gross_h - rate * max(0, income_h - threshold))   with a means test
    benefit_h = min(means_h, cap) * takes_h

``per_member`` (household transfers only) adds an amount for each member
beyond the first ``members_above``. ``takes_h`` is ``1[u_h < take_up]``, with
``u_h`` a uniform draw per household fixed by ``seed`` and the household
identifier, so a reform that changes the amount keeps the same households
taking the benefit up, and a higher take-up rate adds households to those who
already take it up; or, with ``taken_up``, an expression saying who takes it up
(for example the households that report receiving it: ``cash_assistance > 0``).
The government pays exactly what households receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)

from insaf.errors import said
from insaf.policy.instruments.base import (
    ExprText,
    Flows,
    InstrumentBase,
    Kind,
    Level,
    Need,
    Rate,
    expression_needs,
)

if TYPE_CHECKING:
    from insaf.policy.data import PolicyData

__all__ = ["CashTransfer", "MeansTest"]


class MeansTest(BaseModel):
    """Benefit withdrawal with income: ``rate`` per unit of ``income`` above ``threshold``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    income: ExprText
    threshold: NonNegativeFloat = 0.0
    rate: Rate = 1.0


class CashTransfer(InstrumentBase):
    """A cash benefit (تحويل نقدي) paid per household or per (eligible) member."""

    type: Literal["cash_transfer"]
    unit: Level = "household"
    amount: NonNegativeFloat
    per_member: NonNegativeFloat = 0.0
    members_above: NonNegativeInt = 1
    eligible: ExprText | None = None
    max_members: PositiveInt | None = None
    cap: NonNegativeFloat | None = None
    means_test: MeansTest | None = None
    take_up: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    seed: int = 0
    taken_up: ExprText | None = None
    budget_neutral: bool = False

    @model_validator(mode="after")
    def _members_need_persons(self) -> CashTransfer:
        if self.max_members is not None and self.unit != "person":
            raise ValueError(said("max_members applies to a per-person transfer (unit: person)"))
        if self.per_member and self.unit != "household":
            raise ValueError(said("per_member applies to a household transfer (unit: household)"))
        if self.taken_up is not None and self.take_up < 1.0:
            raise ValueError(said("give take_up (a rate) or taken_up (an expression), not both"))
        return self

    @property
    def kind(self) -> Kind:
        return Kind.TRANSFER

    def needs(self) -> Iterator[Need]:
        yield from expression_needs(self.unit, eligible=self.eligible)
        if self.means_test is not None:
            yield Need(("means_test", "income"), "expression", self.means_test.income)
        if self.taken_up is not None:
            yield Need(("taken_up",), "expression", self.taken_up)

    def compute(self, data: PolicyData) -> Flows:
        if self.unit == "person":
            if self.eligible is None:
                count = data.members.copy()
            else:
                count = data.count(self.eligible).copy()
            if self.max_members is not None:
                np.minimum(count, float(self.max_members), out=count)
        elif self.eligible is None:
            count = np.ones(data.n_households)
        else:
            count = data.condition(self.eligible, "household").astype(np.float64)
        if self.per_member:
            extra = np.maximum(data.members - self.members_above, 0.0)
            benefit = count * (self.amount + self.per_member * extra)
        else:
            benefit = self.amount * count
        if self.means_test is not None:
            test = self.means_test
            income = data.values(test.income, "household")
            excess = np.maximum(income - test.threshold, 0.0)
            benefit = np.maximum(benefit - test.rate * excess, 0.0)
        if self.cap is not None:
            np.minimum(benefit, self.cap, out=benefit)
        if self.take_up < 1.0:
            benefit = np.where(data.uniform(self.seed) < self.take_up, benefit, 0.0)
        elif self.taken_up is not None:
            benefit = np.where(data.condition(self.taken_up, "household"), benefit, 0.0)
        recipients = np.where(benefit > 0.0, np.maximum(count, 1.0), 0.0)
        return Flows(benefit=benefit, fiscal=benefit, recipients=recipients)
