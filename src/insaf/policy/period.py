"""Periods of amounts: a scenario's amounts, the survey's money and tax brackets."""

from __future__ import annotations

from typing import Literal

__all__ = ["PER_YEAR", "Period", "per_year"]

Period = Literal["year", "quarter", "month", "week"]

PER_YEAR: dict[str, float] = {"year": 1.0, "quarter": 4.0, "month": 12.0, "week": 52.0}
"""How many of each period make a year."""


def per_year(period: str) -> float:
    """Periods in a year (12 for ``"month"``)."""
    return PER_YEAR[period]
