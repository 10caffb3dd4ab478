"""Charts as inline SVG: no script, no network, crisp in print.

Each function returns an ``<svg>`` element as text. Values come with their
confidence intervals (drawn as whiskers). ``rtl=True`` mirrors the category
axis for right-to-left pages (the first category on the right), while numbers
stay left-to-right. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape

from insaf.reports.svg_axis import Scale, horizontal_grid, scale_with_zero

__all__ = ["Bar", "bar_chart", "paired_bars", "stacked_bars"]

WIDTH, HEIGHT = 640, 260
MARGIN = {"top": 24, "right": 16, "bottom": 44, "left": 64}
COLOURS = {
    "gain": "#1b7837",
    "loss": "#b2182b",
    "neutral": "#bdbdbd",
    "before": "#6c7a89",
    "after": "#2166ac",
    "ink": "#222222",
    "grid": "#d9d9d9",
}


class Bar:
    """One bar: a label, a value and an optional interval."""

    __slots__ = ("high", "label", "low", "value")

    def __init__(
        self, label: str, value: float, low: float | None = None, high: float | None = None
    ) -> None:
        self.label = label
        self.value = value
        self.low = low
        self.high = high


def _fmt(x: float, percent: bool) -> str:
    if percent:
        return f"{x * 100:.3g}%" if abs(x) < 1 else f"{x * 100:.0f}%"
    return f"{x:,.4g}"


def _frame(title: str, body: list[str], *, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" direction="ltr" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _axis(scale: Scale, y: Callable[[float], float], percent: bool) -> list[str]:
    return horizontal_grid(
        scale,
        y,
        left=MARGIN["left"],
        right=WIDTH - MARGIN["right"],
        label=lambda tick: _fmt(tick, percent),
        grid=COLOURS["grid"],
        ink=COLOURS["ink"],
        zero=COLOURS["ink"],
    )


def _slot(i: int, n: int, rtl: bool) -> tuple[float, float]:
    """Where category ``i`` of ``n`` starts its bars (right to left when ``rtl``), and
    the width of a category's slot."""
    slot = (WIDTH - MARGIN["left"] - MARGIN["right"]) / n
    position = n - 1 - i if rtl else i
    return MARGIN["left"] + position * slot + slot * 0.15, slot


def _whisker(cx: float, y: Callable[[float], float], bar: Bar) -> list[str]:
    """The interval of ``bar`` as a vertical line at ``cx`` (none without an interval)."""
    if bar.low is None or bar.high is None:
        return []
    return [
        f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(bar.low):.1f}" y2="{y(bar.high):.1f}" '
        f'stroke="{COLOURS["ink"]}" stroke-width="1.2"/>'
    ]


def _category(cx: float, bottom: float, text: str) -> str:
    """A category's name under its bars."""
    return (
        f'<text x="{cx:.1f}" y="{bottom + 16}" text-anchor="middle" '
        f'fill="{COLOURS["ink"]}">{escape(text)}</text>'
    )


def _legend(entries: Iterable[tuple[str, str]]) -> list[str]:
    """A swatch and its text for each ``(legend, colour key)``, left to right at the top."""
    out, legend_x = [], MARGIN["left"]
    for legend, colour in entries:
        out.append(
            f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{COLOURS[colour]}"/>'
            f'<text x="{legend_x + 16}" y="16" fill="{COLOURS["ink"]}" '
            f'unicode-bidi="plaintext">{escape(legend)}</text>'
        )
        legend_x += 24 + 8 * len(legend)
    return out


def bar_chart(bars: Sequence[Bar], *, title: str, percent: bool = False, rtl: bool = False) -> str:
    """Vertical bars (green above zero, red below) with interval whiskers."""
    values = [b.value for b in bars] + [b.low for b in bars if b.low is not None]
    values += [b.high for b in bars if b.high is not None]
    scale = scale_with_zero(min(values, default=0.0), max(values, default=1.0))
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    y = scale.to(bottom, top)
    body = _axis(scale, y, percent)
    n = max(len(bars), 1)
    for i, bar in enumerate(bars):
        x, slot = _slot(i, n, rtl)
        w = slot * 0.7
        y0, y1 = y(0.0), y(bar.value)
        colour = COLOURS["gain"] if bar.value >= 0 else COLOURS["loss"]
        body.append(
            f'<rect x="{x:.1f}" y="{min(y0, y1):.1f}" width="{w:.1f}" '
            f'height="{abs(y1 - y0):.1f}" fill="{colour}"><title>{escape(bar.label)}: '
            f"{escape(_fmt(bar.value, percent))}</title></rect>"
        )
        body += _whisker(x + w / 2, y, bar)
        body.append(_category(x + w / 2, bottom, bar.label))
    return _frame(title, body)


def stacked_bars(
    categories: Sequence[str],
    parts: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    rtl: bool = False,
) -> str:
    """100 % stacked bars: ``parts`` are ``(legend, colour key, shares per category)``."""
    top, bottom = MARGIN["top"] + 18, HEIGHT - MARGIN["bottom"]
    n = max(len(categories), 1)
    body = _axis(Scale(0.0, 1.0, 0.25), Scale(0.0, 1.0, 0.25).to(bottom, top), True)
    for i, category in enumerate(categories):
        x, slot = _slot(i, n, rtl)
        w = slot * 0.7
        level = 0.0
        for legend, colour, shares in parts:
            share = max(shares[i], 0.0)
            y_top = bottom - (level + share) * (bottom - top)
            height = share * (bottom - top)
            body.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{w:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[colour]}"><title>{escape(category)} {escape(legend)}: '
                f"{share * 100:.1f}%</title></rect>"
            )
            level += share
        body.append(_category(x + w / 2, bottom, category))
    body += _legend((legend, colour) for legend, colour, _ in parts)
    return _frame(title, body)


def paired_bars(
    categories: Sequence[str],
    before: Sequence[Bar],
    after: Sequence[Bar],
    *,
    legends: tuple[str, str],
    title: str,
    percent: bool = True,
    rtl: bool = False,
) -> str:
    """Two bars per category (before and after) with interval whiskers."""
    values = [b.value for b in [*before, *after]]
    values += [b.high for b in [*before, *after] if b.high is not None]
    scale = scale_with_zero(0.0, max(values, default=1.0))
    top, bottom = MARGIN["top"] + 18, HEIGHT - MARGIN["bottom"]
    y = scale.to(bottom, top)
    body = _axis(scale, y, percent)
    n = max(len(categories), 1)
    for i, category in enumerate(categories):
        base, slot = _slot(i, n, rtl)
        w = slot * 0.35
        pair = ((before[i], "before"), (after[i], "after"))
        if rtl:
            pair = (pair[1], pair[0])
        for j, (bar, colour) in enumerate(pair):
            x = base + j * w
            body.append(
                f'<rect x="{x:.1f}" y="{y(bar.value):.1f}" width="{w * 0.92:.1f}" '
                f'height="{y(0.0) - y(bar.value):.1f}" fill="{COLOURS[colour]}">'
                f"<title>{escape(category)}: {escape(_fmt(bar.value, percent))}</title></rect>"
            )
            body += _whisker(x + w * 0.46, y, bar)
        body.append(_category(base + w, bottom, category))
    body += _legend(zip(legends, ("before", "after"), strict=True))
    return _frame(title, body)
