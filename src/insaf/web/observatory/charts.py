"""Trend charts drawn on the server as SVG: lines, confidence bands and the target.

No script is needed to read a chart; each one has a title and a description,
and the page shows the same numbers as a table and a sentence. Colours are the
Okabe-Ito palette (distinguishable with colour-blindness) and each series also
has its own dash pattern and marker, so colour is never the only cue.

The value axis is the shared one (``insaf.reports.svg_axis``), scaled to the
data; ``trend_svg`` draws in named steps: the frame and scales, the header,
the axes, each series and its legend entry, the target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape

from insaf.reports.svg_axis import Scale, clamp_label, horizontal_grid, scale_to_data

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


@dataclass(frozen=True, slots=True)
class _Frame:
    """The chart's size, its plot area and the two scales (years across, values up)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    years: list[int]
    scale: Scale
    x: Callable[[float], float]
    y: Callable[[float], float]


_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 64, 24, 20, 72


def _frame(
    series: Sequence[ChartSeries], target: tuple[int, float] | None, width: int, height: int
) -> _Frame | None:
    """Years and values shown (the target's too) and their scales; ``None`` with nothing to draw.

    The value axis follows the data (``scale_to_data``): a line needs no zero,
    and 89 % to 94 % must fill the plot to be read.
    """
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
        return None
    scale = scale_to_data(min(values), max(values))
    left, right = _PAD_LEFT, width - _PAD_RIGHT
    top, bottom = _PAD_TOP, height - _PAD_BOTTOM
    x_min, x_max = years[0], max(years[-1], years[0] + 1)
    years_scale = Scale(x_min, x_max, 1.0)
    return _Frame(
        width,
        height,
        left,
        right,
        top,
        bottom,
        years,
        scale,
        years_scale.to(left, right),
        scale.to(bottom, top),
    )


def _header(f: _Frame, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {f.width} {f.height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" class="chart" direction="ltr">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{f.width}" height="{f.height}" fill="#ffffff"/>',
    ]


def _axes(f: _Frame, decimals: int) -> list[str]:
    """The value grid with its labels, the years below the plot and the base line."""
    out = horizontal_grid(
        f.scale,
        f.y,
        left=f.left,
        right=f.right,
        label=lambda tick: f"{tick:,.{decimals}f}",
        grid="#d0d0d0",
        ink="#333333",
        font_size=12,
    )
    step = max(1, math.ceil(len(f.years) / 10))
    for year in f.years[::step]:
        out.append(
            f'<text x="{f.x(year):.1f}" y="{f.bottom + 18}" text-anchor="middle" '
            f'font-size="12" fill="#333333">{year}</text>'
        )
    out.append(
        f'<line x1="{f.left}" x2="{f.right}" y1="{f.bottom}" y2="{f.bottom}" '
        f'stroke="#333333" stroke-width="1"/>'
    )
    return out


def _series(f: _Frame, index: int, s: ChartSeries, at: Callable[[int], str]) -> list[str]:
    """One series: its confidence band, its line (broken where a value is missing), its points."""
    colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
    out: list[str] = []
    band = [
        (at(p.year), p.low, p.high)
        for p in s.points
        if p.value is not None and p.low is not None and p.high is not None
    ]
    if len(band) >= 2:
        upper = " ".join(f"{px},{f.y(high):.1f}" for px, _low, high in band)
        lower = " ".join(f"{px},{f.y(low):.1f}" for px, low, _high in reversed(band))
        out.append(
            f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.15" stroke="none"/>'
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
        px, py = at(p.year), f"{f.y(p.value):.1f}"
        segment.append(f"{px},{py}")
        circles.append(f'<circle cx="{px}" cy="{py}" r="3.5" fill="{colour}"/>')
    if segment:
        segments.append(segment)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for seg in segments:
        out.append(
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
    out.extend(circles)
    return out


def _legend_entry(f: _Frame, index: int, label: str) -> list[str]:
    colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
    ly = f.bottom + 36 + (index // 3) * 16
    lx = f.left + (index % 3) * 210
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<line x1="{lx}" x2="{lx + 28}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
        f'stroke-width="2.5"{dash_attr}/>',
        f'<text x="{lx + 34}" y="{ly}" font-size="12" fill="#222222">{escape(label)}</text>',
    ]


def _target(f: _Frame, target: tuple[int, float], label: str) -> list[str]:
    """The target as a diamond, its label beside it and kept inside the plot (clamped)."""
    tx, ty = f.x(target[0]), f.y(target[1])
    label_x, anchor = clamp_label(tx, label, left=f.left, right=f.right)
    # above the mark, or below it when the mark is at the top of the plot
    label_y = ty - 10 if ty - 10 - 12 >= f.top else ty + 20
    return [
        f'<path d="M {tx:.1f} {ty - 7:.1f} L {tx + 7:.1f} {ty:.1f} L {tx:.1f} {ty + 7:.1f} '
        f'L {tx - 7:.1f} {ty:.1f} Z" fill="#ffffff" stroke="#222222" stroke-width="2"/>',
        f'<text x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-size="12" '
        f'fill="#222222" class="chart-target">{escape(label)}</text>',
    ]


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
    f = _frame(series, target, width, height)
    if f is None:
        return ""
    out = _header(f, title, description) + _axes(f, decimals)
    xs: dict[int, str] = {}  # each year's x, formatted once for every series

    def at(year: int) -> str:
        text = xs.get(year)
        if text is None:
            text = xs[year] = f"{f.x(year):.1f}"
        return text

    for index, s in enumerate(series):
        out += _series(f, index, s, at)
        out += _legend_entry(f, index, s.label)
    if target is not None:
        out += _target(f, target, f"{target_label} {target[1]:,.{decimals}f}")
    out.append("</svg>")
    return "\n".join(out)
