"""Observations: one value of one indicator, for one area, period and disaggregation.

The disaggregation is a mapping ``{dimension: category}`` (empty for the total),
stored as a sorted tuple of pairs so an observation is hashable and has one
canonical key (``"governorate=north;sex=female"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from insaf.errors import said

__all__ = [
    "MAX_AREA_LENGTH",
    "MAX_COUNT",
    "Flag",
    "Observation",
    "SeriesKey",
    "breakdown_of",
    "key_of",
    "parse_key",
]

Pairs = tuple[tuple[str, str], ...]

MAX_AREA_LENGTH = 40
"""The longest area code an observation may carry (the platform stores 40 characters)."""
MAX_COUNT = 2**31 - 1
"""The largest unweighted count ``n`` (a 32-bit integer column in the platform)."""


class Flag(StrEnum):
    """Observation flags (after SDMX's OBS_STATUS and CONF_STATUS)."""

    ESTIMATED = "estimated"
    PROVISIONAL = "provisional"
    LOW_RELIABILITY = "low_reliability"
    SUPPRESSED = "suppressed"
    BREAK = "break"

    @property
    def sdmx(self) -> str:
        """The SDMX code: OBS_STATUS E, P, U, B; CONF_STATUS C for a suppressed cell."""
        return {
            Flag.ESTIMATED: "E",
            Flag.PROVISIONAL: "P",
            Flag.LOW_RELIABILITY: "U",
            Flag.SUPPRESSED: "C",
            Flag.BREAK: "B",
        }[self]


def _pairs(disaggregation: Mapping[str, str] | Iterable[tuple[str, str]]) -> Pairs:
    items = disaggregation.items() if isinstance(disaggregation, Mapping) else disaggregation
    pairs = tuple(sorted((str(k), str(v)) for k, v in items))
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError(said("a dimension appears twice in {pairs}", pairs=str(pairs)))
    return pairs


def key_of(disaggregation: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Canonical key of a disaggregation: ``"dim=value;dim=value"`` sorted; ``""`` for the total."""
    return ";".join(f"{k}={v}" for k, v in _pairs(disaggregation))


def parse_key(key: str) -> dict[str, str]:
    """The disaggregation a canonical key stands for."""
    if not key:
        return {}
    out: dict[str, str] = {}
    for part in key.split(";"):
        dim, _, value = part.partition("=")
        out[dim] = value
    return out


def breakdown_of(disaggregation: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Dimensions of a disaggregation joined by ``+`` (``"governorate+sex"``); ``""`` if none."""
    return "+".join(k for k, _ in _pairs(disaggregation))


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """What identifies a time series: indicator, area and disaggregation."""

    indicator: str
    area: str
    disaggregation: Pairs = ()

    @property
    def key(self) -> str:
        return key_of(self.disaggregation)


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """One published (or suppressed) cell.

    ``n`` is the unweighted count of sample units behind the value. A
    suppressed observation carries no value, standard error, interval, count
    or population: ``suppressed()`` removes them, so they cannot leak.
    """

    indicator: str
    period: int
    area: str = "NAT"
    disaggregation: Pairs = ()
    value: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    population: float | None = None
    flags: frozenset[Flag] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "disaggregation", _pairs(self.disaggregation))
        object.__setattr__(self, "flags", frozenset(Flag(f) for f in self.flags))
        for name in ("value", "se", "ci_low", "ci_high", "population"):
            x = getattr(self, name)
            if x is not None and not math.isfinite(x):
                object.__setattr__(self, name, None)
        if Flag.SUPPRESSED in self.flags and (
            self.value is not None or self.se is not None or self.n is not None
        ):
            raise ValueError(said("a suppressed observation carries no value, se or count"))

    @property
    def key(self) -> str:
        return key_of(self.disaggregation)

    @property
    def breakdown(self) -> str:
        return breakdown_of(self.disaggregation)

    @property
    def dims(self) -> dict[str, str]:
        return dict(self.disaggregation)

    @property
    def series(self) -> SeriesKey:
        return SeriesKey(self.indicator, self.area, self.disaggregation)

    @property
    def is_suppressed(self) -> bool:
        return Flag.SUPPRESSED in self.flags

    @property
    def cv(self) -> float | None:
        """Coefficient of variation ``se / |value|``; ``None`` when it cannot be computed."""
        if self.value is None or self.se is None or self.value == 0:
            return None
        return self.se / abs(self.value)

    def suppressed(self) -> Observation:
        """This cell with everything that could reveal it removed and the suppressed flag set."""
        kept = {f for f in self.flags if f in (Flag.BREAK, Flag.PROVISIONAL, Flag.ESTIMATED)}
        return replace(
            self,
            value=None,
            se=None,
            ci_low=None,
            ci_high=None,
            n=None,
            population=None,
            flags=frozenset({*kept, Flag.SUPPRESSED}),
        )

    def with_flags(self, *flags: Flag) -> Observation:
        return replace(self, flags=self.flags | set(flags))
