"""The rights view of the observatory: a page per right, its indicators by group.

A right (``HumanRight``, from the catalogue) lists its structural facts
(ratifications and laws, entered as data) and the indicators that monitor it,
by OHCHR type (structural, process, outcome). Each indicator shows its latest
published total and, for each one-dimension breakdown, every group's latest
published value, the furthest behind first: the highest where lower is better
(poverty), the lowest where higher is better (access). Only published cells are
read: the observatory stored them after disclosure control, and a suppressed
cell has no value to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from insaf.web.observatory import models as m
from insaf.web.observatory.queries import Labels

__all__ = ["GroupValue", "IndicatorView", "RightPage", "right_page", "rights_list"]

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


@dataclass
class RightPage:
    right: m.HumanRight
    name: str
    facts: list[dict[str, Any]]
    sections: list[tuple[str, str, list[IndicatorView]]]


def _lang() -> str:
    return "ar" if (get_language() or "ar").startswith("ar") else "en"


def _pick(text: Any, lang: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("en") or "")
    return ""


def rights_list() -> list[dict[str, Any]]:
    """Every right with the number of indicators of each OHCHR type that monitor it."""
    lang = _lang()
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
        unit=ind.unit_ar if lang == "ar" else ind.unit_en,
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


def right_page(code: str) -> RightPage | None:
    """The page of right ``code``, or ``None`` when there is no such right."""
    right = m.HumanRight.objects.filter(code=code).first()
    if right is None:
        return None
    lang = _lang()
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
    indicators = list(right.indicators.all())
    sections = []
    for kind in TYPES:
        views = [_indicator_view(i, lang, labels) for i in indicators if i.rights == kind.value]
        if views:
            sections.append((kind.value, str(kind.label), views))
    return RightPage(
        right=right,
        name=right.name_ar if lang == "ar" else right.name_en,
        facts=facts,
        sections=sections,
    )
