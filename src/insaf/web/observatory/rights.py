"""The rights view of the observatory: a page per right, its indicators by group.

A right (``HumanRight``, from the catalogue) lists its structural facts
(ratifications and laws, entered as data) and the indicators that monitor it,
by OHCHR type (structural, process, outcome). Each indicator shows its latest
published total and, for each one-dimension breakdown, every group's latest
published value, the furthest behind first: the highest where lower is better
(poverty), the lowest where higher is better (access). Only published cells are
read: the observatory stored them after disclosure control, and a suppressed
cell has no value to show.

Progressive realisation: where the catalogue maps the right to budget spending
(``HumanRight.spending``) and a budget is stored, the page shows the executed
spending that serves the right, per person and in real terms
(``insaf.observatory.right_spending``, through ``insaf.disclosure``) among the
process indicators, and beside each outcome indicator's trend with its 95 %
confidence band (``insaf.observatory.realisation``), as a chart and a table.
The budget read is the one stored last (``StoredBudget.updated_at``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from insaf.budget import BudgetError
from insaf.observatory import (
    ContextSeries,
    SeriesPoint,
    Spending,
    public_right_spending,
    realisation,
    right_spending,
)
from insaf.web.core.language import page_language
from insaf.web.observatory import models as m
from insaf.web.observatory.queries import Labels
from insaf.web.observatory.realisation_chart import RealisationYear, realisation_svg

__all__ = [
    "GroupValue",
    "IndicatorView",
    "RealisationView",
    "RightPage",
    "SpendingView",
    "right_page",
    "rights_list",
]

TYPES = (m.Rights.STRUCTURAL, m.Rights.PROCESS, m.Rights.OUTCOME)


@dataclass(frozen=True, slots=True)
class GroupValue:
    """One group's latest published value of an indicator."""

    dimension: str
    group: str
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int | None


@dataclass
class IndicatorView:
    indicator: m.Indicator
    name: str
    unit: str
    period: int | None = None
    total: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    groups: list[GroupValue] = field(default_factory=list)
    suppressed: int = 0
    realisation: RealisationView | None = None


def _millions(value: float | None) -> float | None:
    return value / 1e6 if value is not None else None


@dataclass(frozen=True, slots=True)
class SpendingView:
    """The executed spending that serves a right, year by year (published amounts)."""

    budget: str
    currency: str
    base_year: int | None
    """The prices real amounts are in; ``None``: no price index, amounts are nominal."""
    table: pl.DataFrame
    """``insaf.observatory.right_spending``'s columns, as published."""
    population_source: str
    prices_source: str

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The table's rows, with the executed amount and the population in millions."""
        return [
            {
                **row,
                "executed_millions": _millions(row["executed"]),
                "population_millions": _millions(row["population"]),
            }
            for row in self.table.iter_rows(named=True)
        ]

    @property
    def per_person(self) -> str:
        """The column the page and the chart show: real where there is a price index."""
        return "per_person" if self.base_year is None else "per_person_real"

    @property
    def label(self) -> str:
        if self.base_year is None:
            return _("Spending per person (%(currency)s, nominal)") % {"currency": self.currency}
        return _("Spending per person (%(currency)s, in %(year)s prices)") % {
            "currency": self.currency,
            "year": self.base_year,
        }


@dataclass(frozen=True, slots=True)
class RealisationView:
    """An outcome's trend beside the spending per person: the chart and its table."""

    chart: SafeString
    rows: list[RealisationYear]


@dataclass
class RightPage:
    right: m.HumanRight
    name: str
    facts: list[dict[str, Any]]
    sections: list[tuple[str, str, list[IndicatorView]]]
    spending: SpendingView | None = None
    spending_state: str = "not_mapped"
    """``shown``, ``not_mapped`` (the catalogue maps no spending to the right),
    ``no_budget`` (no budget is stored) or ``mismatch`` (the budget lacks a
    programme the mapping names)."""


def _pick(text: Any, lang: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("en") or "")
    return ""


def rights_list() -> list[dict[str, Any]]:
    """Every right with the number of indicators of each OHCHR type that monitor it."""
    lang = page_language()
    out = []
    for right in m.HumanRight.objects.prefetch_related("indicators"):
        kinds = [i.rights for i in right.indicators.all()]
        out.append(
            {
                "right": right,
                "name": right.name_ar if lang == "ar" else right.name_en,
                "counts": {t.value: kinds.count(t.value) for t in TYPES},
                "facts": len(right.facts),
            }
        )
    return out


def _indicator_view(ind: m.Indicator, lang: str, labels: Labels) -> IndicatorView:
    view = IndicatorView(
        indicator=ind,
        name=ind.name_ar if lang == "ar" else ind.name_en,
        unit=ind.unit_of_measure_ar if lang == "ar" else ind.unit_of_measure_en,
    )
    latest = (
        m.Observation.objects.filter(indicator=ind, key="", suppressed=False)
        .order_by("-period")
        .values_list("period", "value", "ci_low", "ci_high")
        .first()
    )
    if latest is None:
        return view
    view.period, view.total, view.ci_low, view.ci_high = latest
    single = [b for b in ind.breakdowns if b and "+" not in b]
    rows = m.Observation.objects.filter(
        indicator=ind, period=view.period, breakdown__in=single
    ).values_list("breakdown", "key", "value", "ci_low", "ci_high", "n", "suppressed")
    worse_first = -1.0 if ind.direction == m.DirectionChoice.DECREASE else 1.0
    for breakdown, key, value, low, high, n, suppressed in rows:
        if suppressed or value is None:
            view.suppressed += 1
            continue
        view.groups.append(
            GroupValue(
                dimension=labels.breakdown(breakdown),
                group=labels.key(key),
                value=value,
                ci_low=low,
                ci_high=high,
                n=n,
            )
        )
    view.groups.sort(key=lambda g: worse_first * g.value)
    return view


def _context(code: str) -> ContextSeries | None:
    stored = m.ContextSeries.objects.filter(code=code).first()
    return ContextSeries.model_validate(stored.series) if stored else None


def _spending(right: m.HumanRight, lang: str) -> tuple[SpendingView | None, str]:
    """The right's spending as published, and what the page says of it."""
    if not right.spending:
        return None, "not_mapped"
    from insaf.web.budget.queries import latest_budget
    from insaf.web.observatory.services import current_rules

    stored = latest_budget()
    if stored is None:
        return None, "no_budget"
    population, prices = _context("population"), _context("prices")
    try:
        table = right_spending(
            stored.budget,
            Spending.model_validate(right.spending),
            population=population,
            prices=prices,
            right=right.code,
        )
    except BudgetError:
        return None, "mismatch"
    table = public_right_spending(table, current_rules())
    view = SpendingView(
        budget=stored.title(lang),
        currency=stored.currency,
        base_year=prices.base_year if prices is not None else None,
        table=table,
        population_source=_pick(_dumped(population, "source"), lang),
        prices_source=_pick(_dumped(prices, "source"), lang),
    )
    return view, "shown"


def _dumped(series: ContextSeries | None, name: str) -> Any:
    return series.model_dump(mode="json").get(name) if series is not None else None


def _realisation(view: IndicatorView, spending: SpendingView, right_name: str) -> RealisationView:
    ind = view.indicator
    points = [
        SeriesPoint(period=period, value=value, se=se, ci_low=low, ci_high=high)
        for period, value, se, low, high in m.Observation.objects.filter(
            indicator=ind, key="", suppressed=False
        )
        .order_by("period")
        .values_list("period", "value", "se", "ci_low", "ci_high")
        if value is not None
    ]
    table = realisation(points, spending.table)
    rows = [
        RealisationYear(
            year=r["year"],
            value=r["value"],
            low=r["ci_low"],
            high=r["ci_high"],
            spending=r[spending.per_person],
        )
        for r in table.iter_rows(named=True)
    ]
    chart = realisation_svg(
        rows,
        key=f"realisation-{ind.code}",
        title=_("%(right)s: %(indicator)s against spending per person")
        % {
            "indicator": view.name,
            "right": right_name,
        },
        description=_describe(view, spending, rows),
        outcome_label=_("%(indicator)s (%(unit)s), with its 95%% confidence band")
        % {"indicator": view.name, "unit": view.unit},
        spending_label=spending.label,
        decimals=ind.decimals,
    )
    return RealisationView(chart=mark_safe(chart), rows=rows)


def _describe(view: IndicatorView, spending: SpendingView, rows: list[RealisationYear]) -> str:
    """The chart's sentence: where the outcome and the spending went, first year to last."""
    decimals = view.indicator.decimals
    parts = []
    shown = [r for r in rows if r.value is not None]
    if len(shown) >= 2:
        parts.append(
            _("%(indicator)s went from %(first)s in %(y1)s to %(last)s in %(y2)s.")
            % {
                "indicator": view.name,
                "first": f"{shown[0].value:,.{decimals}f}",
                "y1": shown[0].year,
                "last": f"{shown[-1].value:,.{decimals}f}",
                "y2": shown[-1].year,
            }
        )
    spent = [r for r in rows if r.spending is not None]
    if len(spent) >= 2:
        parts.append(
            _("%(label)s went from %(first)s in %(y1)s to %(last)s in %(y2)s.")
            % {
                "label": spending.label,
                "first": f"{spent[0].spending:,.0f}",
                "y1": spent[0].year,
                "last": f"{spent[-1].spending:,.0f}",
                "y2": spent[-1].year,
            }
        )
    return " ".join(parts)


def right_page(code: str) -> RightPage | None:
    """The page of right ``code``, or ``None`` when there is no such right."""
    right = m.HumanRight.objects.filter(code=code).first()
    if right is None:
        return None
    lang = page_language()
    labels = Labels()
    facts = [
        {
            "name": _pick(fact.get("name"), lang),
            "status": _pick(fact.get("status"), lang),
            "year": fact.get("year"),
            "source": _pick(fact.get("source"), lang),
        }
        for fact in right.facts
    ]
    name = right.name_ar if lang == "ar" else right.name_en
    spending, state = _spending(right, lang)
    indicators = list(right.indicators.all())
    sections = []
    for kind in TYPES:
        views = [_indicator_view(i, lang, labels) for i in indicators if i.rights == kind.value]
        if spending is not None and spending.table.height and kind == m.Rights.OUTCOME:
            for view in views:
                view.realisation = _realisation(view, spending, name)
        # the spending is a process indicator: its section is shown even without another one
        if views or (kind == m.Rights.PROCESS and right.spending):
            sections.append((kind.value, str(kind.label), views))
    return RightPage(
        right=right,
        name=name,
        facts=facts,
        sections=sections,
        spending=spending,
        spending_state=state,
    )
