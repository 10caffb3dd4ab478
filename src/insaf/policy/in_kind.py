"""In-kind benefits: public education and health valued at what they cost.

The unit-cost method (Demery 2003; CEQ Handbook, Lustig 2018, ch. 1 and 6):
a person who uses a public service receives, in kind, what the government
spends per user of that service. For a service ``s`` with unit cost ``c_s``
(per unit of use and per year) the in-kind benefit of household ``h`` is::

    b_h = sum_s c_s * sum_{i in h, where_s(i)} use_s(i)

with ``where_s`` a condition on the person (a pupil of a public primary
school: ``public_school = 1 AND school_level = 1``; missing is false) and
``use_s`` the units used (1 a pupil, ``public_visits`` visits). The benefit
is an annual amount; the policy engine adds ``b_h / periods in a year`` to
consumable income to give final income.

A scenario lists its services under ``in_kind`` (each with its unit cost);
``insaf.budget.incidence`` derives unit costs from executed spending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from insaf.errors import DataError, said, words
from insaf.policy.data import PolicyData
from insaf.policy.expressions import ExpressionError
from insaf.policy.instruments.base import ExprText, FloatArray, Identifier, Text, compiled

__all__ = ["InKind", "Sector", "in_kind_total", "users"]

Sector = Literal["education", "health", "other"]


class InKind(BaseModel):
    """A public service whose users the survey records, valued at its unit cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    label: Text | None = None
    sector: Sector
    function: str | None = Field(default=None, pattern=r"^\d{2}(\.\d+)*$")
    """The COFOG class that pays for it (``09.1`` primary education, ``07.3`` hospitals)."""
    where: ExprText
    """Who uses it: a condition on the person (missing is false)."""
    use: ExprText = "1"
    """Units each user uses in a year (1: one pupil; ``public_visits``: visits)."""
    unit_cost: Annotated[float, Field(ge=0.0)] | None = None
    """What the government spends per unit of use and year (None: from a budget)."""


def users(service: InKind, data: PolicyData) -> FloatArray:
    """Units of ``service`` used by each household's members in a year."""
    if data.persons is None:
        raise DataError(
            said("in-kind benefit {id} needs a person table in the survey", id=repr(service.id))
        )
    known = data.columns("person")
    for text in (service.where, service.use):
        try:
            compiled(text).check(known, level="person")
        except ExpressionError as exc:
            raise DataError(
                said("in-kind benefit {id}: {reason}", id=repr(service.id), reason=words(exc))
            ) from None
    who = data.condition(service.where, "person")
    amount = data.values(service.use, "person") if service.use.strip() != "1" else None
    units = who.astype(np.float64) if amount is None else np.where(who, amount, 0.0)
    if np.any(units < 0):
        raise DataError(
            said(
                "in-kind benefit {id}: use {use} is negative for {count} person(s)",
                id=repr(service.id),
                use=repr(service.use),
                count=int((units < 0).sum()),
            )
        )
    return data.household_sum(units)


def in_kind_total(
    services: Sequence[InKind], data: PolicyData, costs: Mapping[str, float] | None = None
) -> dict[str, FloatArray]:
    """The annual in-kind benefit of each household from each service (``c_s`` times
    the household's use). ``costs`` gives unit costs by service id where a service
    has none; a service with neither is an error naming it."""
    out: dict[str, FloatArray] = {}
    given = dict(costs or {})
    for service in services:
        cost = service.unit_cost if service.unit_cost is not None else given.get(service.id)
        if cost is None:
            raise DataError(
                said(
                    "in-kind benefit {id} has no unit cost: give 'unit_cost' or derive it from a "
                    "budget (insaf.budget.incidence.unit_costs)",
                    id=repr(service.id),
                )
            )
        out[service.id] = cost * users(service, data)
    return out
