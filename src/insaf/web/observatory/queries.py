"""What each observatory page shows, assembled from stored (already disclosure-controlled) data.

Views call these functions and render the result; nothing here writes.
Suppressed cells are read as "suppressed" with no number: their values are
not in the database at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insaf.observatory.gaps import Gap, group_gap
from insaf.observatory.observations import parse_key
from insaf.observatory.search import tokens
from insaf.web.observatory import models as m
from insaf.web.observatory.charts import ChartSeries, Point, trend_svg

__all__ = [
    "Cell",
    "GroupRow",
    "IndicatorPage",
    "Labels",
    "furthest_behind",
    "home",
    "indicator_page",
    "search",
]

MAX_CHART_SERIES = 6
_DASH = SafeString("–")


def _lang() -> str:
    return "ar" if (get_language() or "ar").startswith("ar") else "en"


class Labels:
    """Names of dimensions and categories in the active language.

    Read at most once a minute per process: they change only with the catalogue.
    """

    def __init__(self) -> None:
        lang = _lang()
        cached = cache.get(f"observatory:labels:{lang}")
        if cached is None:
            dimensions = {
                code: (ar if lang == "ar" else en)
                for code, en, ar in m.Dimension.objects.values_list("code", "name_en", "name_ar")
            }
            categories: dict[tuple[str, str], str] = {}
            order: dict[tuple[str, str], int] = {}
            rows = m.Category.objects.order_by("dimension__position", "position").values_list(
                "dimension__code", "code", "name_en", "name_ar", "position"
            )
            for dim, code, en, ar, position in rows:
                categories[(dim, code)] = ar if lang == "ar" else en
                order[(dim, code)] = position
            cached = (dimensions, categories, order)
            cache.set(f"observatory:labels:{lang}", cached, 60)
        self.dimensions: dict[str, str] = cached[0]
        self.categories: dict[tuple[str, str], str] = cached[1]
        self.order: dict[tuple[str, str], int] = cached[2]

    def breakdown(self, breakdown: str) -> str:
        if not breakdown:
            return _("Total")
        return " × ".join(self.dimensions.get(d, d) for d in breakdown.split("+"))

    def key(self, key: str) -> str:
        if not key:
            return _("Total")
        return ", ".join(self.categories.get((d, c), c) for d, c in parse_key(key).items())

    def sort_key(self, key: str) -> tuple[int, ...]:
        return tuple(self.order.get(item, 999) for item in parse_key(key).items())


@dataclass(frozen=True, slots=True)
class Cell:
    """A stored observation as a page shows it."""

    period: int
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    flags: list[str]
    suppressed: bool

    @classmethod
    def of_values(cls, row: tuple[Any, ...]) -> Cell:
        """From ``(period, value, se, ci_low, ci_high, n, flags, suppressed)``."""
        period, value, se, low, high, n, flags, suppressed = row
        return cls(period, value, se, low, high, n, [f for f in flags.split(";") if f], suppressed)

    @classmethod
    def of(cls, row: m.Observation) -> Cell:
        return cls(
            period=row.period,
            value=row.value,
            se=row.se,
            ci_low=row.ci_low,
            ci_high=row.ci_high,
            n=row.n,
            flags=row.flag_list,
            suppressed=row.suppressed,
        )

    @property
    def caution(self) -> bool:
        return "low_reliability" in self.flags


class CellFormat:
    """Renders table cells in Python: a page has up to a thousand of them."""

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals
        self.suppressed = format_html(
            '<span class="suppressed" title="{}">{}</span>',
            _("Suppressed: too few observations or too unreliable to publish"),
            _("suppressed"),
        )
        self.caution = format_html(
            ' <abbr class="caution" title="{}">ᶜ</abbr>', _("use with caution")
        )

    def value(self, cell: Cell | None) -> SafeString:
        if cell is None or (cell.value is None and not cell.suppressed):
            return mark_safe("–")
        if cell.suppressed:
            return self.suppressed
        text = f"{cell.value:,.{self.decimals}f}"
        return mark_safe(text + (self.caution if cell.caution else ""))

    def interval(self, cell: Cell | None) -> str:
        if cell is None or cell.ci_low is None or cell.ci_high is None:
            return "–"
        return f"{cell.ci_low:,.{self.decimals}f}–{cell.ci_high:,.{self.decimals}f}"

    def with_interval(self, cell: Cell | None) -> str:
        """Value and interval for the data table (numbers and fixed markup only: safe)."""
        if cell is None or cell.ci_low is None:
            return str(self.value(cell))
        return f'{self.value(cell)}<br><span class="ci">{self.interval(cell)}</span>'


@dataclass(frozen=True, slots=True)
class TableRow:
    key: str
    label: str
    html: SafeString
    """The row's ``<td>`` cells, built in Python (a table has up to a thousand)."""


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    label: str
    cell: Cell
    gap: Gap | None
    status: str | None = None
    value_html: SafeString = _DASH
    interval: str = "–"


@dataclass(slots=True)
class IndicatorPage:
    indicator: m.Indicator
    breakdowns: list[tuple[str, str]]
    breakdown: str
    periods: list[int]
    series: list[tuple[str, str, dict[int, Cell]]]
    latest: int | None
    groups: list[GroupRow]
    best: GroupRow | None
    governorates: list[GroupRow]
    progress: dict[str, m.Assessment]
    chart: str
    summary: str
    frameworks: list[m.Framework] = field(default_factory=list)
    total: Cell | None = None
    table: list[TableRow] = field(default_factory=list)


def _status_label(status: str) -> str:
    return str(m.ProgressStatus(status).label)


def _fmt(value: float | None, decimals: int) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def _summary(
    ind: m.Indicator, name: str, unit: str, total: dict[int, Cell], progress: m.Assessment | None
) -> str:
    published = [c for c in total.values() if c.value is not None]
    if not published:
        return _("No published value yet for %(name)s.") % {"name": name}
    first, last = published[0], published[-1]
    d = ind.decimals
    parts = [
        _("%(name)s was %(value)s (%(unit)s) in %(year)s.")
        % {"name": name, "value": _fmt(last.value, d), "unit": unit, "year": last.period}
    ]
    if last.ci_low is not None and last.ci_high is not None:
        parts.append(
            _("The 95%% confidence interval runs from %(low)s to %(high)s.")
            % {"low": _fmt(last.ci_low, d), "high": _fmt(last.ci_high, d)}
        )
    if first.period != last.period:
        parts.append(
            _("In %(year)s it was %(value)s.")
            % {"year": first.period, "value": _fmt(first.value, d)}
        )
    if ind.target_value is not None and ind.target_year is not None:
        parts.append(
            _("The target is %(target)s by %(year)s.")
            % {"target": _fmt(ind.target_value, d), "year": ind.target_year}
        )
    if progress is not None:
        parts.append(_("Progress: %(status)s.") % {"status": _status_label(progress.status)})
    return " ".join(parts)


def indicator_page(indicator: m.Indicator, *, breakdown: str = "") -> IndicatorPage:
    lang = _lang()
    labels = Labels()
    available = [b for b in indicator.breakdowns if b]
    if breakdown not in available:
        breakdown = ""
    rows = m.Observation.objects.filter(
        indicator=indicator, breakdown__in={"", breakdown, "governorate"}
    ).values_list(
        "breakdown", "key", "period", "value", "se", "ci_low", "ci_high", "n", "flags", "suppressed"
    )
    by_key: dict[str, dict[int, Cell]] = defaultdict(dict)
    governorate: dict[str, dict[int, Cell]] = defaultdict(dict)
    for row in rows:
        row_breakdown, key, cell = row[0], row[1], Cell.of_values(row[2:])
        if row_breakdown == "governorate":
            governorate[key][cell.period] = cell
            if breakdown != "governorate":
                continue
        by_key[key][cell.period] = cell
    total = by_key.get("", {})
    group_keys = sorted((k for k in by_key if k), key=labels.sort_key)
    periods = sorted({p for cells in by_key.values() for p in cells})
    latest = max((p for p, c in total.items() if c.value is not None), default=None)
    if latest is None:
        latest = max(periods, default=None)
    series = [("", labels.key(""), dict(sorted(total.items())))]
    series += [(k, labels.key(k), dict(sorted(by_key[k].items()))) for k in group_keys]
    progress = {a.method: a for a in m.Assessment.objects.filter(indicator=indicator, key="")}
    statuses = (
        {
            a.key: a.status
            for a in m.Assessment.objects.filter(
                indicator=indicator, breakdown=breakdown, method=m.ProgressMethod.CAGR_RATIO
            )
        }
        if breakdown
        else {}
    )
    fmt = CellFormat(indicator.decimals)
    groups, best = _groups(indicator, group_keys, by_key, latest, labels, statuses, fmt)
    gov_rows, _best = _groups(
        indicator, sorted(governorate, key=labels.sort_key), governorate, latest, labels, {}, fmt
    )
    table = [
        TableRow(
            key,
            label,
            mark_safe(  # numbers and fixed markup only, no user text
                "".join(f'<td class="num">{fmt.with_interval(cells.get(p))}</td>' for p in periods)
            ),
        )
        for key, label, cells in series
    ]
    name = indicator.name_ar if lang == "ar" else indicator.name_en
    unit = indicator.unit_ar if lang == "ar" else indicator.unit_en
    chart_series = [
        ChartSeries(
            label=label,
            points=[Point(p, c.value, c.ci_low, c.ci_high) for p, c in cells.items()],
        )
        for key, label, cells in series[: MAX_CHART_SERIES + 1]
        if key == "" or len(series) <= MAX_CHART_SERIES + 1
    ]
    summary = _summary(indicator, name, unit, total, progress.get(m.ProgressMethod.CAGR_RATIO))
    target = (
        (indicator.target_year, indicator.target_value)
        if indicator.target_year is not None and indicator.target_value is not None
        else None
    )
    chart = trend_svg(
        chart_series,
        title=f"{name} ({unit})",
        description=summary,
        target=target,
        target_label=_("Target"),
        decimals=indicator.decimals,
    )
    frameworks = list(m.Framework.objects.filter(nodes__indicators=indicator).distinct())
    return IndicatorPage(
        indicator=indicator,
        breakdowns=[("", _("Total only"))] + [(b, labels.breakdown(b)) for b in available],
        breakdown=breakdown,
        periods=periods,
        series=series,
        latest=latest,
        groups=groups,
        best=best,
        governorates=gov_rows,
        progress=progress,
        chart=chart,
        summary=summary,
        frameworks=frameworks,
        total=total.get(latest) if latest is not None else None,
        table=table,
    )


def _groups(
    indicator: m.Indicator,
    keys: Sequence[str],
    cells: dict[str, dict[int, Cell]],
    period: int | None,
    labels: Labels,
    statuses: dict[str, str],
    fmt: CellFormat,
) -> tuple[list[GroupRow], GroupRow | None]:
    """Groups at ``period`` with their gap to the best-off group and its significance."""
    if period is None:
        return [], None
    present = [(k, cells[k][period]) for k in keys if period in cells[k]]
    published = [(k, c) for k, c in present if c.value is not None]
    best_key: str | None = None
    if published:
        pick = max if indicator.direction == m.DirectionChoice.INCREASE else min
        best_key = pick(published, key=lambda kc: kc[1].value or 0.0)[0]
    best_cell = cells[best_key][period] if best_key is not None else None
    rows: list[GroupRow] = []
    best_row: GroupRow | None = None
    for key, cell in present:
        gap = None
        if (
            cell.value is not None
            and best_cell is not None
            and best_cell.value is not None
            and key != best_key
        ):
            gap = group_gap(cell.value, cell.se, best_cell.value, best_cell.se)
        row = GroupRow(
            key=key,
            label=labels.key(key),
            cell=cell,
            gap=gap,
            status=statuses.get(key),
            value_html=fmt.value(cell),
            interval=fmt.interval(cell),
        )
        rows.append(row)
        if key == best_key:
            best_row = row
    return rows, best_row


@dataclass(frozen=True, slots=True)
class Headline:
    indicator: m.Indicator
    cell: Cell | None
    status: str | None


def home() -> dict[str, Any]:
    """Headline indicators with their latest value and status, and what is off track."""
    totals = m.Assessment.objects.filter(key="", method=m.ProgressMethod.CAGR_RATIO).select_related(
        "indicator"
    )
    status_of = {a.indicator_id: a.status for a in totals}
    headlines: list[Headline] = []
    for ind in m.Indicator.objects.filter(headline=True):
        row = (
            m.Observation.objects.filter(indicator=ind, key="", suppressed=False)
            .order_by("-period")
            .first()
        )
        headlines.append(Headline(ind, Cell.of(row) if row else None, status_of.get(ind.id)))
    counts: dict[str, int] = defaultdict(int)
    for a in totals:
        counts[a.status] += 1
    off_track = [
        a for a in totals if a.status in {m.ProgressStatus.LIMITED, m.ProgressStatus.DETERIORATION}
    ]
    return {
        "headlines": headlines,
        "counts": [(s, str(s.label), counts.get(s.value, 0)) for s in m.ProgressStatus],
        "off_track": sorted(off_track, key=lambda a: -a.rank),
        "indicator_count": m.Indicator.objects.count(),
        "framework_count": m.Framework.objects.count(),
        "release": m.Release.objects.first(),
    }


@dataclass(frozen=True, slots=True)
class Behind:
    indicator: m.Indicator
    key: str
    label: str
    dimension: str
    value: float | None
    total: float | None
    gap: float | None
    status: str
    anticipated: str | None
    period: int | None


def furthest_behind(*, per_indicator: int = 3) -> list[Behind]:
    """For each indicator with a target, the groups furthest behind (worst progress, then gap)."""
    labels = Labels()
    out: list[Behind] = []
    assessments = m.Assessment.objects.exclude(key="").select_related("indicator")
    grouped: dict[int, dict[str, dict[str, m.Assessment]]] = defaultdict(lambda: defaultdict(dict))
    totals: dict[int, m.Assessment] = {}
    for a in assessments:
        grouped[a.indicator_id][a.key][a.method] = a
    for a in m.Assessment.objects.filter(key="", method=m.ProgressMethod.CAGR_RATIO):
        totals[a.indicator_id] = a
    for ind in m.Indicator.objects.exclude(target_value=None):
        total = totals.get(ind.id)
        rows: list[Behind] = []
        for key, methods in grouped.get(ind.id, {}).items():
            cagr = methods.get(m.ProgressMethod.CAGR_RATIO)
            if cagr is None or cagr.status == m.ProgressStatus.NOT_AVAILABLE:
                continue
            value, base = cagr.current_value, total.current_value if total else None
            gap = None
            if value is not None and base is not None:
                gap = (value - base) * (1 if ind.direction == m.DirectionChoice.INCREASE else -1)
            ant = methods.get(m.ProgressMethod.ANTICIPATED)
            rows.append(
                Behind(
                    indicator=ind,
                    key=key,
                    label=labels.key(key),
                    dimension=labels.breakdown(cagr.breakdown),
                    value=value,
                    total=base,
                    gap=gap,
                    status=cagr.status,
                    anticipated=ant.status if ant else None,
                    period=cagr.current_year,
                )
            )
        rows.sort(
            key=lambda r: (
                -m.ProgressStatus.values.index(r.status),
                r.gap if r.gap is not None else 0.0,
            )
        )
        out.extend(rows[:per_indicator])
    return out


def search(query: str) -> QuerySet[m.Indicator]:
    """Indicators whose names, definitions, agency or SDG codes hold every word of ``query``."""
    words = tokens(query)
    found = m.Indicator.objects.all()
    if not words:
        return found.none()
    for word in words:
        found = found.filter(search_text__contains=word)
    return found
