"""What each observatory page shows, assembled from stored (already disclosure-controlled) data.

Views call these functions and render the result; nothing here writes.
Suppressed cells are read as "suppressed" with no number: their values are
not in the database at all.

The large tables (data table, gaps, governorates, furthest behind) are written
here as HTML with f-strings, not as template loops, on purpose: 480 cells took
2.9 ms this way against 44 ms as a Django template loop (docs/platform.md,
"Speed"). Every text that is not a number or fixed markup goes through
``escape`` (labels are kept escaped in ``Labels.html``) before ``mark_safe``;
``tests/web/test_html_fragments.py`` checks it with hostile names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from insaf.observatory.gaps import Gap, group_gap
from insaf.observatory.observations import parse_key
from insaf.observatory.search import tokens
from insaf.web.core import versions
from insaf.web.core.language import page_language
from insaf.web.core.numbers import formatted
from insaf.web.observatory import models as m
from insaf.web.observatory.charts import ChartSeries, Point, trend_svg

__all__ = [
    "Cell",
    "GroupRow",
    "IndicatorPage",
    "IndicatorRow",
    "Labels",
    "behind_rows_html",
    "furthest_behind",
    "home",
    "indicator_list",
    "indicator_page",
    "published_indicator",
    "search",
]

MAX_CHART_SERIES = 6
_DASH = SafeString("–")


class Labels:
    """Names of dimensions and categories in the active language (plain and HTML-escaped).

    Read once per process and public version (``insaf.web.core.versions``): a
    catalogue change replaces the version, so a renamed category shows at once.
    """

    __slots__ = ("categories", "dimensions", "html", "order")

    def __init__(self) -> None:
        lang = page_language()
        cached = versions.memo(("observatory:labels", lang), lambda: _load_labels(lang))
        self.dimensions: dict[str, str] = cached[0]
        self.categories: dict[tuple[str, str], str] = cached[1]
        self.order: dict[tuple[str, str], int] = cached[2]
        self.html: dict[tuple[str, str], str] = cached[3]

    def breakdown(self, breakdown: str) -> str:
        if not breakdown:
            return _("Total")
        return " × ".join(self.dimensions.get(d, d) for d in breakdown.split("+"))

    def key(self, key: str) -> str:
        if not key:
            return _("Total")
        return ", ".join(self.categories.get((d, c), c) for d, c in parse_key(key).items())

    def key_html(self, key: str) -> str:
        """``key`` as escaped HTML text."""
        if not key:
            return str(escape(_("Total")))
        return ", ".join(self.html.get((d, c)) or str(escape(c)) for d, c in parse_key(key).items())

    def sort_key(self, key: str) -> tuple[int, ...]:
        return tuple(self.order.get(item, 999) for item in parse_key(key).items())


_Pair = tuple[str, str]
_LabelMaps = tuple[dict[str, str], dict[_Pair, str], dict[_Pair, int], dict[_Pair, str]]


def _load_labels(lang: str) -> _LabelMaps:
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
    html = {k: str(escape(v)) for k, v in categories.items()}
    return dimensions, categories, order, html


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
        self.spec = f",.{decimals}f"
        self.suppressed = str(
            format_html(
                '<span class="suppressed" title="{}">{}</span>',
                _("Suppressed: too few observations or too unreliable to publish"),
                _("suppressed"),
            )
        )
        self.caution = str(
            format_html(' <abbr class="caution" title="{}">ᶜ</abbr>', _("use with caution"))
        )

    def value(self, cell: Cell | None) -> str:
        """The value (numbers and fixed markup only: safe HTML)."""
        if cell is None or (cell.value is None and not cell.suppressed):
            return "–"
        if cell.suppressed:
            return self.suppressed
        text = format(cell.value, self.spec)
        return text + self.caution if "low_reliability" in cell.flags else text

    def interval(self, cell: Cell | None) -> str:
        if cell is None or cell.ci_low is None or cell.ci_high is None:
            return "–"
        return f"{format(cell.ci_low, self.spec)}–{format(cell.ci_high, self.spec)}"  # in a td.num

    def with_interval(self, cell: Cell | None) -> str:
        """Value and interval for the data table (numbers and fixed markup only: safe)."""
        if cell is None or cell.ci_low is None or cell.ci_high is None or cell.value is None:
            return self.value(cell)
        spec = self.spec
        text = format(cell.value, spec)
        if "low_reliability" in cell.flags:
            text += self.caution
        low, high = format(cell.ci_low, spec), format(cell.ci_high, spec)
        return f'{text}<br><span class="ci" dir="ltr">{low}–{high}</span>'


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    label: str
    cell: Cell
    gap: Gap | None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """The national total's progress by one method, as the page shows it."""

    status: str
    projection: float | None


@dataclass(slots=True)
class IndicatorPage:
    """What the indicator page shows; the long tables come as HTML built here."""

    indicator: m.Indicator
    name: str
    unit: str
    breakdown: str
    breakdowns: list[tuple[str, str]]
    periods: list[int]
    series_count: int
    latest: int | None
    total: Cell | None
    progress: dict[str, Progress]
    chart: str
    summary: str
    frameworks: list[tuple[str, str]]
    groups: list[GroupRow] = field(default_factory=list)
    best: GroupRow | None = None
    governorates: list[GroupRow] = field(default_factory=list)
    options_html: SafeString = _DASH
    table_html: SafeString = _DASH
    """``<thead>`` and ``<tbody>`` of the data table."""
    groups_html: SafeString = _DASH
    """The rows of the table of gaps between groups."""
    governorates_html: SafeString = _DASH
    """The rows of the table of governorates."""
    badges: dict[str, SafeString] = field(default_factory=dict)
    """The total's progress status by method, as a badge."""


def _status_label(status: str) -> str:
    return str(m.ProgressStatus(status).label)


def _fmt(value: float | None, decimals: int) -> str:
    return formatted(value, f",.{decimals}f")


def _summary(
    ind: m.Indicator, name: str, unit: str, total: dict[int, Cell], progress: Progress | None
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


def published_indicator(code: str) -> m.Indicator | None:
    """The indicator ``code``, or ``None``.

    All indicators are read in one query once per process and public version
    (25 ms for a thousand), then found without a query.
    """
    return _all_indicators().get(code)


def _frameworks_of(indicator_id: int, lang: str) -> list[tuple[str, str]]:
    """``(code, name)`` of the frameworks that hold the indicator (one query per version)."""

    def load() -> dict[int, list[tuple[str, str]]]:
        holders: dict[int, set[int]] = defaultdict(set)
        for ind, fw in m.Node.indicators.through.objects.values_list(
            "indicator_id", "node__framework_id"
        ):
            holders[ind].add(fw)
        frameworks = m.Framework.objects.values_list("id", "code", "name_en", "name_ar")
        out: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for pk, code, en, ar in frameworks:  # in the frameworks' own order
            for ind, held in holders.items():
                if pk in held:
                    out[ind].append((code, ar if lang == "ar" else en))
        return dict(out)

    return versions.memo(("observatory:frameworks", lang), load).get(indicator_id, [])


_OBSERVATION_COLUMNS = ("breakdown", "key", "period", "value", "se", "ci_low", "ci_high", "n")


def _select(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _observations(
    indicator_id: int, breakdowns: Sequence[str], period: int | None = None
) -> list[tuple[Any, ...]]:
    """``(breakdown, key, period, value, se, ci_low, ci_high, n, flags, suppressed)`` rows.

    Read with a plain query (the page's hottest: up to a thousand rows, three
    times faster than through the ORM), along the ``obs_breakdown`` index.
    """
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in (*_OBSERVATION_COLUMNS, "flags", "suppressed"))
    marks = ", ".join(["%s"] * len(breakdowns))
    sql = (
        f"SELECT {columns} FROM {q(m.Observation._meta.db_table)} "  # names only, values bound
        f"WHERE {q('indicator_id')} = %s AND {q('breakdown')} IN ({marks})"
    )
    if period is not None:
        return _select(f"{sql} AND {q('period')} = %s", [indicator_id, *breakdowns, period])
    return _select(sql, [indicator_id, *breakdowns])


def _cells(rows: list[tuple[Any, ...]]) -> dict[str, dict[int, Cell]]:
    """Rows of ``_observations`` as cells by key and period."""
    by_key: dict[str, dict[int, Cell]] = defaultdict(dict)
    for _breakdown, key, period, value, se, low, high, n, flags, suppressed in rows:
        listed = [f for f in flags.split(";") if f] if flags else []
        by_key[key][period] = Cell(period, value, se, low, high, n, listed, bool(suppressed))
    return by_key


def _assessments(indicator_id: int, breakdown: str) -> list[tuple[Any, ...]]:
    """``(key, method, status, projection)`` of the total and of the breakdown's groups."""
    q = connection.ops.quote_name
    return _select(
        f"SELECT {q('key')}, {q('method')}, {q('status')}, {q('projection')} "
        f"FROM {q(m.Assessment._meta.db_table)} WHERE {q('indicator_id')} = %s "
        f"AND ({q('key')} = '' OR ({q('breakdown')} = %s AND {q('method')} = %s))",
        [indicator_id, breakdown or "-", m.ProgressMethod.CAGR_RATIO.value],
    )


def indicator_page(indicator: m.Indicator, *, breakdown: str = "") -> IndicatorPage:
    lang = page_language()
    labels = Labels()
    available = [b for b in indicator.breakdowns if b]
    if breakdown not in available:
        breakdown = ""
    by_key = _cells(_observations(indicator.pk, sorted({"", breakdown})))
    total = dict(sorted(by_key.get("", {}).items()))
    group_keys = sorted((k for k in by_key if k), key=labels.sort_key)
    periods = sorted({p for cells in by_key.values() for p in cells})
    latest = max((p for p, c in total.items() if c.value is not None), default=None)
    if latest is None:
        latest = max(periods, default=None)
    if breakdown == "governorate":
        governorate = by_key
    elif latest is not None:  # the governorate table shows the latest year only
        governorate = _cells(_observations(indicator.pk, ["governorate"], latest))
    else:
        governorate = {}
    series = [("", dict(total))] + [(k, dict(sorted(by_key[k].items()))) for k in group_keys]
    progress: dict[str, Progress] = {}
    statuses: dict[str, str] = {}
    for key, method, status, projection in _assessments(indicator.pk, breakdown):
        if key == "":
            progress[method] = Progress(status, projection)
        else:
            statuses[key] = status
    fmt = CellFormat(indicator.decimals)
    groups, best = _groups(indicator, group_keys, by_key, latest, labels, statuses)
    gov_rows, _best = _groups(
        indicator, sorted(governorate, key=labels.sort_key), governorate, latest, labels, {}
    )
    name = indicator.name_ar if lang == "ar" else indicator.name_en
    unit = indicator.unit_of_measure_ar if lang == "ar" else indicator.unit_of_measure_en
    chart_series = [
        ChartSeries(
            label=labels.key(key),
            points=[Point(p, c.value, c.ci_low, c.ci_high) for p, c in cells.items()],
        )
        for key, cells in series[: MAX_CHART_SERIES + 1]
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
    breakdowns = [("", _("Total only"))] + [(b, labels.breakdown(b)) for b in available]
    return IndicatorPage(
        indicator=indicator,
        name=name,
        unit=unit,
        breakdown=breakdown,
        breakdowns=breakdowns,
        periods=periods,
        series_count=len(series),
        latest=latest,
        total=total.get(latest) if latest is not None else None,
        progress=progress,
        chart=chart,
        summary=summary,
        frameworks=_frameworks_of(indicator.pk, lang),
        groups=groups,
        best=best,
        governorates=gov_rows,
        options_html=_options_html(breakdowns, breakdown),
        table_html=_table_html(series, periods, labels, fmt),
        groups_html=_gap_rows_html(groups, best, fmt, with_status=True),
        governorates_html=_gap_rows_html(gov_rows, None, fmt, with_status=False),
        badges=_progress_badges(progress),
    )


def _progress_badges(progress: dict[str, Progress]) -> dict[str, SafeString]:
    badges = _status_badges()
    missing = badges[m.ProgressStatus.NOT_AVAILABLE.value]
    return {
        method.value: mark_safe(  # fixed markup and translated labels, escaped
            badges.get(progress[method.value].status, missing)
            if method.value in progress
            else missing
        )
        for method in m.ProgressMethod
    }


def _options_html(breakdowns: list[tuple[str, str]], selected: str) -> SafeString:
    return mark_safe(  # every text escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in breakdowns
        )
    )


def _table_html(
    series: list[tuple[str, dict[int, Cell]]], periods: list[int], labels: Labels, fmt: CellFormat
) -> SafeString:
    """The data table's head and body: one row per series, one column per period."""
    head = "".join(f'<th scope="col" class="num">{p}</th>' for p in periods)
    rows = [f'<thead><tr><th scope="col">{escape(_("Group"))}</th>{head}</tr></thead>\n<tbody>\n']
    for key, cells in series:
        tds = "".join(f'<td class="num">{fmt.with_interval(cells.get(p))}</td>' for p in periods)
        rows.append(
            f'<tr data-key="{escape(key)}"><th scope="row">{labels.key_html(key)}</th>{tds}</tr>\n'
        )
    rows.append("</tbody>")
    return mark_safe("".join(rows))  # labels escaped; numbers, fixed markup


def _status_badges() -> dict[str, str]:
    """Each progress status as its badge, in the active language (one translation each)."""
    return {
        s.value: f'<span class="status status-{s.value}">{escape(str(s.label))}</span>'
        for s in m.ProgressStatus
    }


def _gap_rows_html(
    rows: list[GroupRow], best: GroupRow | None, fmt: CellFormat, *, with_status: bool
) -> SafeString:
    """Rows of a table of groups: value, interval, gap to the best-off group, significance."""
    best_note = f' <span class="muted">({escape(_("best-off"))})</span>'
    yes, no = escape(_("yes")), escape(_("no"))
    badges = _status_badges() if with_status else {}
    out = []
    for g in rows:
        label = escape(g.label) + (best_note if best is not None and g.key == best.key else "")
        gap, significant = "–", "–"
        if g.gap is not None:
            gap = _fmt(g.gap.value, fmt.decimals)
            if g.gap.significant is not None:
                significant = yes if g.gap.significant else no
                if with_status and g.gap.p_value is not None:
                    significant += f' <span class="muted">(p={g.gap.p_value:,.3f})</span>'
        cells = (
            f'<th scope="row">{label}</th><td class="num">{fmt.value(g.cell)}</td>'
            f'<td class="num">{fmt.interval(g.cell)}</td><td class="num">{gap}</td>'
            f"<td>{significant}</td>"
        )
        if with_status:
            cells += f"<td>{badges.get(g.status, '–') if g.status else '–'}</td>"
        out.append(f"<tr>{cells}</tr>\n")
    return mark_safe("".join(out))  # labels escaped; numbers, fixed markup


def _groups(
    indicator: m.Indicator,
    keys: Sequence[str],
    cells: dict[str, dict[int, Cell]],
    period: int | None,
    labels: Labels,
    statuses: dict[str, str],
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
        row = GroupRow(key=key, label=labels.key(key), cell=cell, gap=gap, status=statuses.get(key))
        rows.append(row)
        if key == best_key:
            best_row = row
    return rows, best_row


@dataclass(frozen=True, slots=True)
class Headline:
    indicator: m.Indicator
    cell: Cell | None
    status: str | None


def _latest_totals() -> dict[int, Cell]:
    """The latest published national total of every indicator (one query)."""
    rows = (
        m.Observation.objects.filter(key="", suppressed=False)
        .order_by("indicator_id", "period")
        .values_list("indicator_id", *_CELL_FIELDS)
    )
    return {row[0]: Cell.of_values(row[1:]) for row in rows}


_NO_TARGET = Q(target_value__isnull=True) | Q(target_year__isnull=True)
_CELL_FIELDS = ("period", "value", "se", "ci_low", "ci_high", "n", "flags", "suppressed")


def home() -> dict[str, Any]:
    """Headline indicators with their latest value and status, and what is off track.

    The status table counts every indicator once (those without a target in a
    row of their own), so it adds up to ``indicator_count``, the number the
    page's first line gives and the list of all indicators shows.
    """
    totals = m.Assessment.objects.filter(key="", method=m.ProgressMethod.CAGR_RATIO).select_related(
        "indicator"
    )
    status_of = {a.indicator_id: a.status for a in totals}
    latest = _latest_totals()
    headlines = [
        Headline(ind, latest.get(ind.id), status_of.get(ind.id))
        for ind in m.Indicator.objects.filter(headline=True)
    ]
    counts: dict[str, int] = defaultdict(int)
    for a in totals:
        counts[a.status] += 1
    off_track = [
        a for a in totals if a.status in {m.ProgressStatus.LIMITED, m.ProgressStatus.DETERIORATION}
    ]
    indicator_count = m.Indicator.objects.count()
    without_target = m.Indicator.objects.filter(_NO_TARGET).count()
    # a target set but nothing assessed yet (no data) counts as "not enough data"
    counts[m.ProgressStatus.NOT_AVAILABLE.value] += (
        indicator_count - without_target - len(status_of)
    )
    return {
        "headlines": headlines,
        "counts": [(s, str(s.label), counts.get(s.value, 0)) for s in m.ProgressStatus],
        "without_target": without_target,
        "off_track": sorted(off_track, key=lambda a: -a.rank),
        "indicator_count": indicator_count,
        "framework_count": m.Framework.objects.count(),
        "release": m.Release.objects.first(),
    }


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One line of the list of all indicators."""

    indicator: m.Indicator
    cell: Cell | None
    status: str | None

    @property
    def has_target(self) -> bool:
        return self.indicator.target_value is not None and self.indicator.target_year is not None


def indicator_list() -> list[IndicatorRow]:
    """Every indicator, in catalogue order, with its latest national value and progress."""
    status_of = dict(
        m.Assessment.objects.filter(key="", method=m.ProgressMethod.CAGR_RATIO).values_list(
            "indicator_id", "status"
        )
    )
    latest = _latest_totals()
    return [
        IndicatorRow(ind, latest.get(ind.id), status_of.get(ind.id))
        for ind in m.Indicator.objects.all()
    ]


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
    """For each indicator with a target, the groups furthest behind (worst progress, then gap).

    Assessments are read as plain rows (a thousand indicators have a hundred
    thousand of them); indicators come from the per-version memo.
    """
    labels = Labels()
    indicators = {i.pk: i for i in _all_indicators().values() if i.target_value is not None}
    cagr_method, anticipated = m.ProgressMethod.CAGR_RATIO.value, m.ProgressMethod.ANTICIPATED.value
    grouped: dict[int, dict[str, dict[str, tuple[Any, ...]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    totals: dict[int, float | None] = {}
    rows_read = m.Assessment.objects.values_list(
        "indicator_id", "key", "breakdown", "method", "status", "current_value", "current_year"
    )
    for ind_id, key, breakdown, method, status, value, year in rows_read.iterator(chunk_size=5000):
        if ind_id not in indicators:
            continue
        if key == "":
            if method == cagr_method:
                totals[ind_id] = value
            continue
        grouped[ind_id][key][method] = (breakdown, status, value, year)
    order = m.ProgressStatus.values
    out: list[Behind] = []
    for ind in sorted(indicators.values(), key=lambda i: (i.position, i.code)):
        base = totals.get(ind.pk)
        sign = 1 if ind.direction == m.DirectionChoice.INCREASE else -1
        rows: list[Behind] = []
        for key, methods in grouped.get(ind.pk, {}).items():
            cagr = methods.get(cagr_method)
            if cagr is None or cagr[1] == m.ProgressStatus.NOT_AVAILABLE:
                continue
            breakdown, status, value, year = cagr
            gap = None if value is None or base is None else (value - base) * sign
            ant = methods.get(anticipated)
            rows.append(
                Behind(
                    indicator=ind,
                    key=key,
                    label=labels.key(key),
                    dimension=labels.breakdown(breakdown),
                    value=value,
                    total=base,
                    gap=gap,
                    status=status,
                    anticipated=ant[1] if ant else None,
                    period=year,
                )
            )
        rows.sort(key=lambda r: (-order.index(r.status), r.gap if r.gap is not None else 0.0))
        out.extend(rows[:per_indicator])
    return out


def behind_rows_html(rows: list[Behind]) -> SafeString:
    """The rows of the furthest-behind table (thousands with many indicators), built here."""
    lang = page_language()
    badges = _status_badges()
    missing = badges[m.ProgressStatus.NOT_AVAILABLE.value]
    out = []
    for r in rows:
        ind = r.indicator
        name = escape(ind.name_ar if lang == "ar" else ind.name_en)
        href = reverse("observatory:indicator", args=[ind.code])
        out.append(
            f'<tr>\n<td><a href="{escape(href)}">{name}</a></td>\n'
            f'<th scope="row">{escape(r.label)} <span class="muted">({escape(r.dimension)})</span>'
            f"</th>\n<td>{r.period if r.period else '–'}</td>\n"
            f'<td class="num">{_fmt(r.value, ind.decimals)}</td>\n'
            f'<td class="num">{_fmt(r.total, ind.decimals)}</td>\n'
            f"<td>{badges.get(r.status, missing)}</td>\n"
            f"<td>{badges.get(r.anticipated or '', missing)}</td>\n</tr>\n"
        )
    return mark_safe("".join(out))  # names and labels escaped; numbers, fixed markup


def _all_indicators() -> dict[str, m.Indicator]:
    """Every indicator by code, read once per process and public version."""
    return versions.memo(
        "observatory:indicators", lambda: {i.code: i for i in m.Indicator.objects.all()}
    )


def search(query: str) -> QuerySet[m.Indicator]:
    """Indicators whose names, definitions, agency or SDG codes hold every word of ``query``."""
    words = tokens(query)
    found = m.Indicator.objects.all()
    if not words:
        return found.none()
    for word in words:
        found = found.filter(search_text__contains=word)
    return found
