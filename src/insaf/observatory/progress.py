"""Progress towards targets: the Open SDG / Statistics Canada CAGR ratio and UN ESCAP's
anticipated progress. Both give one ``Progress`` per series (the total and every
disaggregated series), so groups can be ranked by how far behind they are.

**CAGR ratio** (Open SDG ``sdg-build`` progress measure, after Statistics Canada).
With base year ``t0`` (value ``y0``) and latest year ``t`` (value ``y``)::

    CAGR_obs = (y / y0) ** (1 / (t - t0)) - 1
    CAGR_req = (target / y0) ** (1 / (T - t0)) - 1         (T the target year)
    R = s * d * CAGR_obs / |CAGR_req|                       (d = +1 to increase, -1 to decrease;
                                                            s = sign of y0)

``R >= 0.95`` on track, ``0.6 <= R < 0.95`` acceleration needed, ``0 <= R < 0.6``
limited progress, ``R < 0`` deterioration; a target already met is "target
achieved". Without a target, ``s * d * CAGR_obs`` is compared with 1.5 %, 0.5 % and 0.

**Anticipated progress** (UN ESCAP). The value in the target year is projected by
a time-weighted linear regression (weighted least squares of value on year,
recent years weighing more: weight ``t - t_first + 1`` by default), and::

    ratio = (projection - y0) / (target - y0)

``ratio >= 1``: the target will be met on current trends (on track); ``0 <= ratio
< 1``: progress too slow (acceleration needed, with ``1 - ratio`` the anticipated
gap); ``ratio < 0``: moving away from the target (deterioration).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from insaf.observatory.indicators import Direction, Target

__all__ = [
    "Method",
    "Progress",
    "Status",
    "anticipated_progress",
    "assess",
    "cagr",
    "cagr_ratio",
    "weighted_trend",
]

Method = Literal["cagr_ratio", "anticipated"]


class Status(StrEnum):
    """Progress categories shared by both methods, best first."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATE = "accelerate"
    LIMITED = "limited"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"

    @property
    def rank(self) -> int:
        """0 for the best status; larger is further behind (not available last)."""
        return list(Status).index(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """The progress of one series by one method.

    ``score`` is the method's number (R for the CAGR ratio, the ratio of
    anticipated to required change for ESCAP's method, the signed CAGR when
    there is no target). ``projection`` is ESCAP's projected value at the
    target year.
    """

    method: Method
    status: Status
    score: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    target: float | None = None
    target_year: int | None = None
    projection: float | None = None
    reason: str | None = None


Series = Mapping[int, float | None] | Iterable[tuple[int, float | None]]


def _points(series: Series) -> list[tuple[int, float]]:
    items = series.items() if isinstance(series, Mapping) else series
    return sorted((int(t), float(v)) for t, v in items if v is not None and math.isfinite(v))


def cagr(value: float, base: float, year: int, base_year: int) -> float:
    """Compound annual growth rate from ``base`` in ``base_year`` to ``value`` in ``year``."""
    return float((value / base) ** (1.0 / (year - base_year)) - 1.0)


def _achieved(current: float, target: float, direction: Direction) -> bool:
    return current >= target if direction is Direction.INCREASE else current <= target


def _base(points: list[tuple[int, float]], target: Target | None) -> tuple[int, float] | None:
    if target is not None and target.baseline_year is not None:
        for t, v in points:
            if t >= target.baseline_year:
                return t, v
        return None
    return points[0] if points else None


def _known(
    method: Method, base: tuple[int, float], current: tuple[int, float], target: Target | None
) -> Progress:
    """What both methods report whatever the status (not available until decided)."""
    return Progress(
        method=method,
        status=Status.NOT_AVAILABLE,
        base_year=base[0],
        base_value=base[1],
        current_year=current[0],
        current_value=current[1],
        target=target.value if target else None,
        target_year=target.year if target else None,
    )


def cagr_ratio(
    series: Series,
    *,
    direction: Direction,
    target: Target | None = None,
    thresholds: tuple[float, float, float] | None = None,
) -> Progress:
    """Open SDG / Statistics Canada progress of one series (see the module notes)."""
    points = _points(series)
    base = _base(points, target)
    if base is None or len(points) < 2:
        return Progress(method="cagr_ratio", status=Status.NOT_AVAILABLE, reason="too few values")
    t0, y0 = base
    t, y = points[-1]
    known = _known("cagr_ratio", base, points[-1], target)
    if t <= t0:
        return replace(known, reason="no value after the base year")
    if y0 == 0 or (y / y0) < 0:
        return replace(known, reason="base value is zero or of the other sign")
    sign = 1.0 if y0 > 0 else -1.0
    observed = cagr(y, y0, t, t0)
    if target is None:
        score = sign * direction.sign * observed
        high, med, low = thresholds or (0.015, 0.005, 0.0)
    else:
        if _achieved(y, target.value, direction):
            return replace(known, status=Status.ACHIEVED)
        goal = target.value if target.value != 0 else 0.001  # as Open SDG: avoids 0 ** x
        if (goal / y0) <= 0 or target.year <= t0:
            return replace(known, reason="target cannot be reached by growth")
        required = cagr(goal, y0, target.year, t0)
        if required == 0:
            return replace(known, reason="target equals the base value")
        score = sign * direction.sign * observed / abs(required)
        high, med, low = thresholds or (0.95, 0.6, 0.0)
    if score >= high:
        status = Status.ON_TRACK
    elif score >= med:
        status = Status.ACCELERATE
    elif score >= low:
        status = Status.LIMITED
    else:
        status = Status.DETERIORATION
    return replace(known, status=status, score=score)


Weights = Callable[[int, int], float]


def _linear_weight(year: int, first: int) -> float:
    return float(year - first + 1)


def weighted_trend(
    points: list[tuple[int, float]], weights: Weights = _linear_weight
) -> tuple[float, float]:
    """Intercept and slope of the weighted least-squares line of value on year."""
    first = points[0][0]
    w = [weights(t, first) for t, _ in points]
    sw = sum(w)
    mt = sum(wi * t for wi, (t, _) in zip(w, points, strict=True)) / sw
    my = sum(wi * y for wi, (_, y) in zip(w, points, strict=True)) / sw
    sxx = sum(wi * (t - mt) ** 2 for wi, (t, _) in zip(w, points, strict=True))
    sxy = sum(wi * (t - mt) * (y - my) for wi, (t, y) in zip(w, points, strict=True))
    slope = sxy / sxx
    return my - slope * mt, slope


def anticipated_progress(
    series: Series,
    *,
    direction: Direction,
    target: Target | None,
    weights: Weights = _linear_weight,
) -> Progress:
    """UN ESCAP's anticipated progress of one series (see the module notes)."""
    points = _points(series)
    if target is None:
        return Progress(method="anticipated", status=Status.NOT_AVAILABLE, reason="no target")
    base = _base(points, target)
    if base is None or len(points) < 2:
        return Progress(method="anticipated", status=Status.NOT_AVAILABLE, reason="too few values")
    y0 = base[1]
    y = points[-1][1]
    known = _known("anticipated", base, points[-1], target)
    if _achieved(y, target.value, direction):
        return replace(known, status=Status.ACHIEVED)
    if target.value == y0:
        return replace(known, reason="target equals the base value")
    intercept, slope = weighted_trend(points, weights)
    projection = intercept + slope * target.year
    ratio = (projection - y0) / (target.value - y0)
    if ratio >= 1:
        status = Status.ON_TRACK
    elif ratio >= 0:
        status = Status.ACCELERATE
    else:
        status = Status.DETERIORATION
    return replace(known, status=status, score=ratio, projection=projection)


def assess(
    series: Series, *, direction: Direction, target: Target | None
) -> dict[Method, Progress]:
    """Both methods on one series."""
    points = _points(series)
    return {
        "cagr_ratio": cagr_ratio(points, direction=direction, target=target),
        "anticipated": anticipated_progress(points, direction=direction, target=target),
    }
