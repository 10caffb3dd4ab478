"""The disclosure rules and the primary decision on one cell.

Primary suppression (each cell on its own):

- frequency rule: a cell computed from fewer than ``min_count`` sample units
  (unweighted) is suppressed;
- coefficient-of-variation tiers (Statistics Canada's by default): CV up to
  ``cv_caution`` is published, up to ``cv_suppress`` is published with the
  low-reliability flag, above it is suppressed.

``protection`` is the share of a suppressed cell's value by which the
published table must leave it uncertain on each side (see
``insaf.disclosure.additive``); ``secondary`` turns secondary suppression on.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from insaf.errors import said

__all__ = ["DisclosureRules", "Status", "primary_status"]


class DisclosureRules(BaseModel):
    """Thresholds of disclosure control (an observatory keeps its own in its settings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_count: int = Field(default=30, ge=0)
    cv_caution: float = Field(default=0.165, gt=0)
    cv_suppress: float = Field(default=0.333, gt=0)
    secondary: bool = True
    protection: float = Field(default=0.1, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> DisclosureRules:
        if self.cv_suppress < self.cv_caution:
            raise ValueError(said("cv_suppress must not be below cv_caution"))
        return self


class Status(StrEnum):
    """What disclosure control decided for one cell."""

    PUBLISHED = "published"
    LOW_RELIABILITY = "low_reliability"
    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def suppressed(self) -> bool:
        return self in (Status.PRIMARY, Status.SECONDARY)


def primary_status(
    *, n: int | None, cv: float | None, rules: DisclosureRules, suppressed: bool = False
) -> Status:
    """``PRIMARY`` (suppress), ``LOW_RELIABILITY`` or ``PUBLISHED`` for one cell on its own.

    ``n`` is the unweighted count behind the cell (``None`` when unknown, as for
    an imported figure), ``cv`` its coefficient of variation; ``suppressed``
    is true for a cell already suppressed at its source.
    """
    if suppressed or (n is not None and n < rules.min_count):
        return Status.PRIMARY
    if cv is None:
        return Status.PUBLISHED
    if cv > rules.cv_suppress:
        return Status.PRIMARY
    if cv > rules.cv_caution:
        return Status.LOW_RELIABILITY
    return Status.PUBLISHED
