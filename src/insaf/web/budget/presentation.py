"""What the budget pages and the API show, built from the library and disclosure-controlled.

Every table a page shows passes through ``insaf.disclosure`` with the
observatory's rules (``insaf.web.observatory.services.current_rules``), by the
library's ``public_execution`` and ``public_results``: budget amounts are
administrative totals (no sample behind them), which the rules publish as they
are; survey-based cells (programme results) carry their sample count and CV
and are withheld below the rules.
Outcome indicators are read from the observatory, whose cells were controlled
when published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from insaf.budget import Budget, Pefa, Programme, execution, pefa, public_execution
from insaf.disclosure import DisclosureRules
from insaf.reports.charts import Bar, paired_bars
from insaf.web.core.language import page_language
from insaf.web.observatory.charts import ChartSeries, Point, trend_svg
from insaf.web.observatory.models import Indicator, Observation

__all__ = [
    "BY",
    "ExecutionRow",
    "cofog_name",
    "execution_chart",
    "execution_rows",
    "outcome",
    "pefa_view",
    "phase_name",
    "programme_inputs",
]

BY = ("function", "programme", "governorate", "admin", "economic")
"""The classifications the execution page groups by."""


def cofog_name(code: str) -> str:
    """The name of a COFOG division (``10`` for ``10.9``), in the active language."""
    names = {
        "01": _("General public services"),
        "02": _("Defence"),
        "03": _("Public order and safety"),
        "04": _("Economic affairs"),
        "05": _("Environmental protection"),
        "06": _("Housing and community amenities"),
        "07": _("Health"),
        "08": _("Recreation, culture and religion"),
        "09": _("Education"),
        "10": _("Social protection"),
    }
    return names.get(code[:2], code)


def phase_name(phase: str) -> str:
    names = {
        "proposed": pgettext("budget phase", "Proposed"),
        "approved": pgettext("budget phase", "Approved"),
        "revised": pgettext("budget phase", "Revised"),
        "executed": pgettext("budget phase", "Executed"),
    }
    return names.get(phase, phase)


def by_name(by: str) -> str:
    names = {
        "function": _("Function (COFOG)"),
        "programme": _("Programme"),
        "governorate": _("Governorate"),
        "admin": _("Administrative unit"),
        "economic": _("Economic class (GFS)"),
    }
    return names[by]


@dataclass(frozen=True, slots=True)
class ExecutionRow:
    key: str
    label: str
    approved: float | None
    revised: float | None
    executed: float | None
    rate: float | None
    """Executed as a percentage of approved."""


def _label(by: str, key: str | None, budget: Budget, code: str) -> str:
    if key is None:
        return _("Not assigned")
    if by == "function":
        return f"{key} · {cofog_name(key)}"
    if by == "programme" and budget.plan is not None:
        try:
            return budget.plan.programme(key).name.get(code)
        except KeyError:
            return key
    return key


def execution_rows(
    budget: Budget, *, by: str, year: int, rules: DisclosureRules
) -> list[ExecutionRow]:
    """Approved, revised and executed amounts of ``year`` by ``by`` (leaf lines)."""
    table = execution(budget, by=["year", by]).filter(pl.col("year") == year)
    rows = public_execution(table, rules).to_dicts()
    code = page_language()
    return [
        ExecutionRow(
            key=str(r[by]) if r[by] is not None else "",
            label=_label(by, r[by], budget, code),
            approved=r["approved"],
            revised=r["revised"],
            executed=r["executed"],
            rate=None if r["execution_rate"] is None else 100 * r["execution_rate"],
        )
        for r in rows
    ]


def execution_chart(rows: Sequence[ExecutionRow], *, title: str) -> str:
    """Approved beside executed for each group (an SVG with a title; the page's table
    holds the same numbers)."""
    shown = [r for r in rows if r.approved is not None and r.executed is not None]
    if not shown:
        return ""
    return paired_bars(
        [r.key or "–" for r in shown],
        [Bar(r.label, r.approved or 0.0) for r in shown],
        [Bar(r.label, r.executed or 0.0) for r in shown],
        legends=(phase_name("approved"), phase_name("executed")),
        title=title,
        percent=False,
        rtl=page_language() == "ar",
    )


def programme_inputs(
    budget: Budget, programme: str, *, rules: DisclosureRules
) -> list[dict[str, Any]]:
    """The programme's money by year: approved, revised, executed, execution rate."""
    table = execution(budget, by=["programme", "year"]).filter(pl.col("programme") == programme)
    rows = public_execution(table, rules).to_dicts()
    for row in rows:
        rate = row["execution_rate"]
        row["rate"] = None if rate is None else 100 * rate
    return rows


@dataclass(slots=True)
class Outcome:
    """A plan result and its indicator's published totals in the observatory."""

    code: str
    indicator: Indicator | None
    indicator_code: str
    name: str
    baseline: float
    baseline_year: int
    target: float
    target_year: int
    points: list[Observation] = field(default_factory=list)
    chart: str = ""


def outcome(result: Any, code: str) -> Outcome:
    """What a page shows of one plan result: the indicator's total series, with its
    confidence interval, beside the baseline and the target."""
    indicator = Indicator.objects.filter(code=result.indicator).first()
    points: list[Observation] = []
    name = result.name.get(code) if result.name else result.indicator
    if indicator is not None:
        name = (indicator.name_ar if code == "ar" else indicator.name_en) or name
        points = list(
            Observation.objects.filter(indicator=indicator, key="", suppressed=False)
            .exclude(value=None)
            .order_by("period")
        )
    found = Outcome(
        code=result.code,
        indicator=indicator,
        indicator_code=result.indicator,
        name=name,
        baseline=result.baseline,
        baseline_year=result.baseline_year,
        target=result.target,
        target_year=result.target_year,
        points=points,
    )
    if len(points) >= 2:
        series = ChartSeries(
            label=name,
            points=[Point(p.period, p.value, p.ci_low, p.ci_high) for p in points],
        )
        found.chart = trend_svg(
            [series],
            title=name,
            description=_(
                "The indicator each year with its 95% confidence interval, and the target."
            ),
            target=(result.target_year, result.target),
            target_label=_("Target"),
        )
    return found


def programme_of(budget: Budget, code: str) -> Programme | None:
    if budget.plan is None:
        return None
    try:
        return budget.plan.programme(code)
    except KeyError:
        return None


@dataclass(frozen=True, slots=True)
class PefaView:
    pefa: Pefa | None
    problem: str
    dimensions: list[dict[str, Any]]
    pi1: str | None
    pi2: str | None


def pefa_view(budget: Budget) -> PefaView:
    """PI-1 and PI-2 with their calculation sheets, or why they cannot be computed."""
    try:
        found = pefa(budget)
    except ValueError:
        problem = _("The budget has no completed year (approved and executed amounts).")
        return PefaView(None, problem, [], None, None)
    names = {
        "1.1": _("PI-1 Aggregate expenditure outturn"),
        "2.1": _("PI-2.1 Expenditure composition outturn by function"),
        "2.2": _("PI-2.2 Expenditure composition outturn by economic type"),
        "2.3": _("PI-2.3 Expenditure from contingency reserves"),
    }
    dimensions = [
        {
            "code": d.code,
            "name": names.get(d.code, d.code),
            "values": [(y, 100 * v) for y, v in sorted(d.values.items())],
            "average": None if d.average is None else 100 * d.average,
            "score": d.score,
        }
        for d in found.dimensions
    ]
    problem = ""
    if len(found.years) < 3:
        problem = _("PEFA scores three completed years; this budget has fewer.")
    return PefaView(found, problem, dimensions, found.pi1, found.pi2)


OUTPUTS = (
    ("beneficiaries", 1.0),
    ("coverage", 100.0),
    ("leakage", 100.0),
    ("cost_per_beneficiary", 1.0),
    ("cost_per_poor_beneficiary", 1.0),
)
"""The survey cells of a programme's outputs, and the factor a page shows them with."""


def _cell(row: dict[str, Any], name: str, factor: float) -> dict[str, Any]:
    found = row.get(name) or {}
    value = found.get("value")
    return {
        "value": None if value is None else factor * value,
        "ci_low": None if found.get("ci_low") is None else factor * found["ci_low"],
        "ci_high": None if found.get("ci_high") is None else factor * found["ci_high"],
        "withheld": name in (row.get("suppressed") or ()),
    }


def programme_outputs(stored: Any, programme: str) -> list[dict[str, Any]]:
    """The programme's outputs in each year the survey measured them, as
    ``services.compute_results`` kept them (already through disclosure control: a
    withheld cell has no number and says so), and the evidence of each link of its
    results chain (``strong``, ``weak``, ``none``)."""
    rows = (stored.results or {}).get("programmes", [])
    out = []
    for row in rows:
        if row.get("programme") != programme or row.get("survey_year") != row.get("year"):
            continue
        out.append(
            {
                "year": row["year"],
                "cells": [_cell(row, name, factor) for name, factor in OUTPUTS],
                "chain": [(c["stage"], c["evidence"]) for c in row.get("chain", [])],
            }
        )
    return out


def evidence_name(level: str) -> str:
    names = {
        "strong": pgettext("evidence", "Strong"),
        "weak": pgettext("evidence", "Weak"),
        "none": pgettext("evidence", "None"),
    }
    return names.get(level, level)


def stage_name(stage: str) -> str:
    names = {"inputs": _("Inputs"), "outputs": _("Outputs"), "outcomes": _("Outcomes")}
    return names.get(stage, stage)
