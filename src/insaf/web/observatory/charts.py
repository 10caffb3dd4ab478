"""Trend charts drawn on the server as SVG: lines, confidence bands and the target.

No script is needed to read a chart; each one has a title and a description,
and the page shows the same numbers as a table and a sentence. Colours are the
Okabe-Ito palette (distinguishable with colour-blindness) and each series also
has its own dash pattern and marker, so colour is never the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape

__all__ = ["ChartSeries", "Point", "trend_svg"]

COLOURS = ("#0b5394", "#b34700", "#00704a", "#8e3a6d", "#6b5b00", "#1f6f8b", "#222222")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 2")


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class ChartSeries:
    label: str
    points: Sequence[Point] = field(default_factory=tuple)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_svg(
    series: Sequence[ChartSeries],
    *,
    title: str,
    description: str,
    target: tuple[int, float] | None = None,
    target_label: str = "Target",
    decimals: int = 1,
    width: int = 720,
    height: int = 340,
) -> str:
    """An accessible SVG chart of one or more series with their confidence bands."""
    pad_left, pad_right, pad_top, pad_bottom = 64, 24, 20, 72
    years = sorted({p.year for s in series for p in s.points if p.value is not None})
    if target is not None:
        years = sorted({*years, target[0]})
    values = [
        v
        for s in series
        for p in s.points
        for v in (p.value, p.low, p.high)
        if v is not None and math.isfinite(v)
    ]
    if target is not None:
        values.append(target[1])
    if not years or not values:
        return ""
    y_ticks = _ticks(min(0.0, min(values)) if min(values) >= 0 else min(values), max(values))
    y_min, y_max = y_ticks[0], y_ticks[-1]
    x_min, x_max = years[0], max(years[-1], years[0] + 1)
    plot_w = width - pad_left - pad_right
    plot_h = height - pad_top - pad_bottom

    def x(year: float) -> float:
        return pad_left + (year - x_min) / (x_max - x_min) * plot_w

    def y(value: float) -> float:
        return pad_top + (1 - (value - y_min) / (y_max - y_min)) * plot_h

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" class="chart" direction="ltr">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in y_ticks:
        ty = y(tick)
        out.append(
            f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{pad_left - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333333">{tick:,.{decimals}f}</text>'
        )
    step = max(1, math.ceil(len(years) / 10))
    for year in years[::step]:
        out.append(
            f'<text x="{x(year):.1f}" y="{height - pad_bottom + 18}" text-anchor="middle" '
            f'font-size="12" fill="#333333">{year}</text>'
        )
    out.append(
        f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{height - pad_bottom}" '
        f'y2="{height - pad_bottom}" stroke="#333333" stroke-width="1"/>'
    )
    xs: dict[int, str] = {}  # each year's x, formatted once for every series

    def at(year: int) -> str:
        text = xs.get(year)
        if text is None:
            text = xs[year] = f"{x(year):.1f}"
        return text

    for index, s in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        band = [
            (at(p.year), p.low, p.high)
            for p in s.points
            if p.value is not None and p.low is not None and p.high is not None
        ]
        if len(band) >= 2:
            upper = " ".join(f"{px},{y(high):.1f}" for px, _low, high in band)
            lower = " ".join(f"{px},{y(low):.1f}" for px, low, _high in reversed(band))
            out.append(
                f'<polygon points="{upper} {lower}" fill="{colour}" '
                f'fill-opacity="0.15" stroke="none"/>'
            )
        segment: list[str] = []
        segments: list[list[str]] = []
        circles: list[str] = []
        for p in s.points:
            if p.value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            px, py = at(p.year), f"{y(p.value):.1f}"
            segment.append(f"{px},{py}")
            circles.append(f'<circle cx="{px}" cy="{py}" r="3.5" fill="{colour}"/>')
        if segment:
            segments.append(segment)
        for seg in segments:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>'
            )
        out.extend(circles)
        ly = height - pad_bottom + 36 + (index // 3) * 16
        lx = pad_left + (index % 3) * 210
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 28}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        out.append(
            f'<text x="{lx + 34}" y="{ly}" font-size="12" fill="#222222">{escape(s.label)}</text>'
        )
    if target is not None:
        tx, ty = x(target[0]), y(target[1])
        out.append(
            f'<path d="M {tx:.1f} {ty - 7:.1f} L {tx + 7:.1f} {ty:.1f} L {tx:.1f} {ty + 7:.1f} '
            f'L {tx - 7:.1f} {ty:.1f} Z" fill="#ffffff" stroke="#222222" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{tx - 10:.1f}" y="{ty - 10:.1f}" text-anchor="end" font-size="12" '
            f'fill="#222222">{escape(target_label)} {target[1]:,.{decimals}f}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
