"""The comparison's charts as inline SVG (no script, no network; print well).

- ``tradeoff``: poverty-gap reduction per unit of budget (the benefit-cost
  ratio) against the share of people covered, one point per design with its
  95 % interval, coloured by kind (universal, categorical, PMT, hybrid): the
  trade-off between precision and universality.
- ``incidence``: each design's share of the benefits received by each decile
  of pre-transfer welfare, with the 10 % line of an equal share.

Every chart has a data table beside it in the brief (the same numbers), and
the files ``tradeoff.csv`` and ``incidence.csv``. Numbers stay left-to-right
in Arabic pages; labels are escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from insaf._renamed import renamed_keywords
from insaf.reports.svg_axis import Scale, horizontal_grid, scale_with_zero, vertical_grid
from insaf.targeting.compare import Comparison, headline

__all__ = ["KIND_COLOURS", "incidence", "tradeoff"]

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 170, 24, 48
INK, GRID = "#222222", "#d9d9d9"
KIND_COLOURS = {
    "universal": "#1b7837",
    "categorical": "#762a83",
    "pmt": "#2166ac",
    "hybrid": "#e08214",
}
SERIES = (
    "#1b7837",
    "#762a83",
    "#b2182b",
    "#8c510a",
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#01665e",
    "#e08214",
    "#de77ae",
    "#525252",
    "#c51b7d",
)


def _svg(title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}" direction="ltr" font-family="sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _axes(
    x_scale: Scale,
    y_scale: Scale,
    x_label: str,
    y_label: str,
    percent_x: bool,
    percent_y: bool,
) -> tuple[list[str], Callable[[float], float], Callable[[float], float]]:
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    px, py = x_scale.to(LEFT, right), y_scale.to(bottom, TOP)

    def fmt(percent: bool) -> Callable[[float], str]:
        return lambda v: f"{v * 100:.0f}%" if percent else f"{v:.3g}"

    out = horizontal_grid(y_scale, py, left=LEFT, right=right, label=fmt(percent_y), grid=GRID)
    out += vertical_grid(x_scale, px, top=TOP, bottom=bottom, label=fmt(percent_x), grid=GRID)
    out.append(
        f'<text x="{(LEFT + right) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{INK}" '
        f'style="unicode-bidi:plaintext">{escape(x_label)}</text>'
        f'<text transform="translate(14 {(TOP + bottom) / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}" style="unicode-bidi:plaintext">'
        f"{escape(y_label)}</text>"
    )
    return out, px, py


def _legend(items: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for i, (label, colour) in enumerate(items):
        y = TOP + 4 + i * 18
        out.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{WIDTH - RIGHT + 28}" y="{y + 9}" fill="{INK}" font-size="11" '
            f'style="unicode-bidi:plaintext">{escape(label[:26])}</text>'
        )
    return out


@renamed_keywords(level="confidence")
def tradeoff(c: Comparison, *, lang: str = "en", confidence: float = 0.95) -> str:
    """Poverty-gap reduction per unit of budget against coverage, one point per design."""
    points = []
    for r in c.results:
        h = headline(r.evaluation)
        cov, bcr = h["coverage"], h["benefit_cost_ratio"]
        if math.isnan(bcr.value):
            continue
        low, high = bcr.ci(confidence)
        points.append((r, cov.value, bcr.value, low, high))
    ys = [p[3] for p in points] + [p[4] for p in points] + [0.0]
    y_scale = scale_with_zero(0.0, max(ys, default=1.0))
    ar = lang == "ar"
    title = (
        "خفض فجوة الفقر لكل وحدة من الموازنة مقابل التغطية"
        if ar
        else "Poverty-gap reduction per unit of budget against coverage"
    )
    x_label = "تغطية السكان" if ar else "Share of people covered"
    y_label = "خفض فجوة الفقر / الكلفة" if ar else "Poverty-gap reduction / cost"
    body, px, py = _axes(Scale(0.0, 1.0, 0.2), y_scale, x_label, y_label, True, False)
    for r, x, y, low, high in points:
        colour = KIND_COLOURS.get(r.kind, INK)
        name = escape(r.spec.title(lang))
        body.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{py(low):.1f}" y2="{py(high):.1f}" '
            f'stroke="{colour}" stroke-width="1.5"/>'
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="5" fill="{colour}">'
            f"<title>{name}: {x * 100:.1f}%, {y:.3f}</title></circle>"
            f'<text x="{px(x) + 7:.1f}" y="{py(y) - 6:.1f}" font-size="10" fill="{INK}">'
            f"{escape(r.spec.id)}</text>"
        )
    names = {
        "universal": ("شامل", "Universal"),
        "categorical": ("فئوي", "Categorical"),
        "pmt": ("اختبار الموارد", "PMT"),
        "hybrid": ("هجين", "Hybrid"),
    }
    kinds = [k for k in KIND_COLOURS if any(r.kind == k for r in c.results)]
    body += _legend([(names[k][0 if ar else 1], KIND_COLOURS[k]) for k in kinds])
    return _svg(title, body)


def incidence(c: Comparison, *, lang: str = "en") -> str:
    """Share of benefits received by each decile, one line per design."""
    ar = lang == "ar"
    series = []
    for r in c.results:
        shares = [row["benefit_share"].value for row in r.evaluation.deciles]
        if all(math.isfinite(s) for s in shares):
            series.append((r, shares))
    top = max((max(s) for _, s in series), default=0.1)
    y_scale = scale_with_zero(0.0, max(top, 0.1))
    title = "توزيع المنافع حسب العُشير" if ar else "Share of benefits by decile"
    x_label = "العُشير (1 = الأفقر)" if ar else "Decile of welfare before the benefit (1 = poorest)"
    y_label = "حصة المنافع" if ar else "Share of benefits"
    body, _, py = _axes(Scale(1.0, 10.0, 1.0), y_scale, x_label, y_label, False, True)
    right = WIDTH - RIGHT

    def px(d: float) -> float:
        return LEFT + (d - 1.0) / 9.0 * (right - LEFT)

    body.append(
        f'<line x1="{px(1):.1f}" x2="{px(10):.1f}" y1="{py(0.1):.1f}" y2="{py(0.1):.1f}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    legend = []
    for i, (r, shares) in enumerate(series):
        colour = SERIES[i % len(SERIES)]
        path = " ".join(
            f"{'M' if d == 0 else 'L'}{px(d + 1):.1f},{py(v):.1f}" for d, v in enumerate(shares)
        )
        body.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.8">'
            f"<title>{escape(r.spec.title(lang))}</title></path>"
        )
        legend.append((r.spec.id, colour))
    body += _legend(legend)
    return _svg(title, body)
