"""Progressive realisation as one SVG: an outcome's trend above the spending per person.

Two panels share the years across: above, the outcome's published values, a
line with its 95 % confidence band (the value axis follows the data, as the
trend charts'); below, the spending per person that serves the right, one bar
a year from zero (a bar's length is its value). The page shows the same numbers
in a table; the chart has a title and a description of its own (ids made from
``key``, so that several charts on one page stay distinct for assistive
technology). Colours are from the trend charts' palette and the two series
differ in shape too (a line with points, bars), so colour is never the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape

from insaf.reports.svg_axis import Scale, horizontal_grid, scale_to_data, scale_with_zero
from insaf.web.observatory.charts import COLOURS

__all__ = ["RealisationYear", "realisation_svg"]

_LEFT, _RIGHT = 72, 24
_TOP_PANEL = (34, 184)  # the outcome: from its top to its bottom
_BOTTOM_PANEL = (236, 326)  # the spending
_HEIGHT = 356
INK, GRID = "#333333", "#d0d0d0"


@dataclass(frozen=True, slots=True)
class RealisationYear:
    """One year of the chart: the outcome (with its interval) and the spending per person."""

    year: int
    value: float | None
    low: float | None
    high: float | None
    spending: float | None


def _finite(*values: float | None) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def realisation_svg(
    years: Sequence[RealisationYear],
    *,
    key: str,
    title: str,
    description: str,
    outcome_label: str,
    spending_label: str,
    decimals: int = 1,
    width: int = 720,
) -> str:
    """The chart, or ``""`` when there is neither an outcome nor a spending to draw."""
    outcome = _finite(*(v for y in years for v in (y.value, y.low, y.high)))
    money = _finite(*(y.spending for y in years))
    if not years or not (outcome or money):
        return ""
    right = width - _RIGHT
    first, last = years[0].year, max(years[-1].year, years[0].year + 1)
    # half a year of room at each end, so the first and last bars fit in the plot
    x = Scale(first - 0.5, last + 0.5, 1.0).to(_LEFT, right)
    slot = (right - _LEFT) / (last - first + 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" class="chart realisation" direction="ltr">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{_HEIGHT}" fill="#ffffff"/>',
        _panel_label(_TOP_PANEL[0] - 14, outcome_label),
        _panel_label(_BOTTOM_PANEL[0] - 14, spending_label),
    ]
    if outcome:
        out += _outcome(years, scale_to_data(min(outcome), max(outcome)), x, right, decimals)
    if money:
        out += _spending(years, scale_with_zero(0.0, max(money)), x, right, slot)
    for y in years:
        out.append(
            f'<text x="{x(y.year):.1f}" y="{_BOTTOM_PANEL[1] + 18}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{y.year}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _panel_label(y: float, text: str) -> str:
    return (
        f'<text x="{_LEFT}" y="{y}" font-size="12" font-weight="bold" fill="{INK}" '
        f'class="chart-panel">{escape(text)}</text>'
    )


def _panel_grid(
    panel: tuple[float, float], scale: Scale, right: float, decimals: int
) -> tuple[Callable[[float], float], list[str]]:
    """A panel's value axis (``panel`` is its top and bottom) and its labelled grid lines."""
    top, bottom = panel
    y = scale.to(bottom, top)
    grid = horizontal_grid(
        scale,
        y,
        left=_LEFT,
        right=right,
        label=lambda tick: f"{tick:,.{decimals}f}",
        grid=GRID,
        ink=INK,
        font_size=12,
    )
    return y, grid


def _outcome(
    years: Sequence[RealisationYear],
    scale: Scale,
    x: Callable[[float], float],
    right: float,
    decimals: int,
) -> list[str]:
    """The value grid, the confidence band, the line (broken where a year has no value)
    and a point a year."""
    bottom = _TOP_PANEL[1]
    y, out = _panel_grid(_TOP_PANEL, scale, right, decimals)
    colour = COLOURS[0]
    band = [p for p in years if p.value is not None and p.low is not None and p.high is not None]
    if len(band) >= 2:
        upper = " ".join(f"{x(p.year):.1f},{y(p.high):.1f}" for p in band if p.high is not None)
        lower = " ".join(
            f"{x(p.year):.1f},{y(p.low):.1f}" for p in reversed(band) if p.low is not None
        )
        out.append(
            f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.15" '
            f'stroke="none" class="chart-band"/>'
        )
    segments: list[list[str]] = [[]]
    for p in years:
        if p.value is None:
            segments.append([])
            continue
        px, py = f"{x(p.year):.1f}", f"{y(p.value):.1f}"
        segments[-1].append(f"{px},{py}")
        out.append(f'<circle cx="{px}" cy="{py}" r="3.5" fill="{colour}"/>')
    for segment in segments:
        if len(segment) >= 2:
            out.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"/>'
            )
    out.append(
        f'<line x1="{_LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    return out


def _spending(
    years: Sequence[RealisationYear],
    scale: Scale,
    x: Callable[[float], float],
    right: float,
    slot: float,
) -> list[str]:
    """The grid from zero and one bar a year (none where the spending is not known)."""
    y, out = _panel_grid(_BOTTOM_PANEL, scale, right, 0)
    bar = slot * 0.5
    for p in years:
        if p.spending is None or not math.isfinite(p.spending):
            continue
        height = y(0.0) - y(p.spending)
        out.append(
            f'<rect x="{x(p.year) - bar / 2:.1f}" y="{y(p.spending):.1f}" width="{bar:.1f}" '
            f'height="{height:.1f}" fill="{COLOURS[1]}" class="chart-bar"/>'
        )
    out.append(
        f'<line x1="{_LEFT}" x2="{right}" y1="{y(0.0):.1f}" y2="{y(0.0):.1f}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    return out
