"""The one axis of INSAF's SVG charts: "nice" scales, their ticks, and grid lines with labels.

Used by the policy brief's bars (``insaf.reports.charts``), the targeting
comparison (``insaf.targeting.charts``) and the platform's trend charts
(``insaf.web.observatory.charts``).

The tick rule: a step of 1, 2, 2.5 or 5 times a power of ten, the smallest
that cuts the span into at most ``count`` intervals; the axis runs from the
multiple of the step at or below the lowest value to the one at or above the
highest. A bar chart's scale holds zero (:func:`scale_with_zero`: a bar's
length is its value); a line chart's follows the data (:func:`scale_to_data`),
so 89 % to 94 % fills the plot instead of a sliver at its top.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

__all__ = [
    "Scale",
    "clamp_label",
    "horizontal_grid",
    "nice_step",
    "scale_to_data",
    "scale_with_zero",
    "vertical_grid",
]

_MULTIPLES = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least ``raw`` (> 0)."""
    if not math.isfinite(raw) or raw <= 0:
        raise ValueError(f"a tick step needs a positive span, not {raw}")
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in _MULTIPLES if m * power >= raw * (1 - 1e-12))


@dataclass(frozen=True, slots=True)
class Scale:
    """An axis from ``low`` to ``high`` with a tick every ``step``."""

    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        """The tick values, low to high (a tick within rounding of zero is exactly 0)."""
        count = round((self.high - self.low) / self.step)
        out = []
        for k in range(count + 1):
            tick = round(self.low + k * self.step, 10)
            out.append(0.0 if abs(tick) < self.step * 1e-9 else tick)
        return out

    def to(self, start: float, end: float) -> Callable[[float], float]:
        """The map from a value to a position, ``low`` at ``start`` and ``high`` at ``end``."""
        span = self.high - self.low
        return lambda value: start + (value - self.low) / span * (end - start)


def _nice(low: float, high: float, count: int) -> Scale:
    step = nice_step((high - low) / count)
    return Scale(math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step)


def scale_with_zero(low: float, high: float, *, count: int = 5) -> Scale:
    """A scale covering ``[low, high]`` and zero (for bars); ``[0, 1]`` when there is no span."""
    finite = [v for v in (low, high) if math.isfinite(v)]
    low, high = min([*finite, 0.0]), max([*finite, 0.0])
    if high - low <= 0:
        high = low + 1.0
    return _nice(low, high, count)


def scale_to_data(low: float, high: float, *, count: int = 5) -> Scale:
    """A scale covering ``[low, high]`` only (for lines); a flat series gets a span around it."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"an axis needs finite values, not {low} to {high}")
    if high < low:
        low, high = high, low
    if high - low <= 0:
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    return _nice(low, high, count)


def horizontal_grid(
    scale: Scale,
    y: Callable[[float], float],
    *,
    left: float,
    right: float,
    label: Callable[[float], str],
    grid: str = "#d9d9d9",
    ink: str = "#222222",
    zero: str | None = None,
    font_size: int | None = None,
) -> list[str]:
    """A grid line and a label (right-aligned left of ``left``) per tick of a value axis.

    ``zero``: the colour of the line at zero, when it should stand out;
    ``font_size``: the labels' size, when the ``<svg>`` does not set one.
    """
    size = f' font-size="{font_size}"' if font_size else ""
    out = []
    for tick in scale.ticks:
        py = y(tick)
        colour = zero if zero is not None and tick == 0.0 else grid
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{py:.1f}" y2="{py:.1f}" stroke="{colour}" '
            f'stroke-width="1"/><text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end"{size} '
            f'fill="{ink}">{escape(label(tick))}</text>'
        )
    return out


def vertical_grid(
    scale: Scale,
    x: Callable[[float], float],
    *,
    top: float,
    bottom: float,
    label: Callable[[float], str],
    grid: str = "#d9d9d9",
    ink: str = "#222222",
) -> list[str]:
    """A grid line and a label (centred below ``bottom``) per tick of a horizontal axis."""
    out = []
    for tick in scale.ticks:
        px = x(tick)
        out.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{bottom}" stroke="{grid}"/>'
            f'<text x="{px:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{ink}">'
            f"{escape(label(tick))}</text>"
        )
    return out


def clamp_label(
    x: float, text: str, *, left: float, right: float, font_size: float = 12.0
) -> tuple[float, str]:
    """Where to write ``text`` beside a mark at ``x`` so it stays within ``[left, right]``.

    The text goes to the left of the mark (anchored at its end) when it fits
    there, else to the right (anchored at its start), moved in from the edge if
    even that overflows. The width is estimated at 0.6 em a character (digits
    and Latin or Arabic letters of a sans-serif font are narrower). Returns the
    ``x`` and the ``text-anchor``.
    """
    width = 0.6 * font_size * len(text)
    gap = 10.0
    if x - gap - width >= left:
        return x - gap, "end"
    start = min(x + gap, right - width)
    return max(start, left), "start"
