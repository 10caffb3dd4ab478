"""The budget's JSON API: budgets with their plan, execution by any classification, PEFA,
the benefit incidence of public spending and gender budgeting.

Every table goes through ``insaf.disclosure`` as on the pages
(``insaf.web.budget.presentation``); amounts are in the budget's currency times
its scale. ``lang`` (``en`` or ``ar``) is the language of the words the library
writes (the results chain's reasons, PEFA's notes), from its catalogue; names
that the budget carries in both languages are given in both.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from insaf.budget import execution, pefa, public_execution, public_markers, spending_by_marker
from insaf.budget.results import chain_in
from insaf.web.budget import models as m
from insaf.web.budget.convert import budget_of
from insaf.web.core.api import Year, answers
from insaf.web.observatory.services import current_rules

router = Router(tags=["budget"])
Lang = Literal["en", "ar"]


class BudgetOut(Schema):
    code: str
    title: dict[str, str]
    currency: str
    scale: float
    years: list[int]
    plan: dict[str, Any] | None = Field(
        description="goals, results (indicator, baseline, target) and programmes"
    )
    results: dict[str, Any] | None = Field(
        description="programme results as last computed (disclosure-controlled), if any"
    )


class PefaOut(Schema):
    years: list[int]
    pi1: str | None
    pi2: str | None
    dimensions: list[dict[str, Any]]
    by_function: list[dict[str, Any]]
    by_economic: list[dict[str, Any]]


def _results(results: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """Stored programme results with the results chain's words in ``lang``."""
    if not results:
        return results
    programmes = [
        {**row, "chain": chain_in(row.get("chain", []), lang)}
        for row in results.get("programmes", [])
    ]
    return {**results, "programmes": programmes}


def _out(stored: m.StoredBudget, lang: str) -> dict[str, Any]:
    years = sorted(set(stored.lines.values_list("year", flat=True)))
    return {
        "code": stored.code,
        "title": {"en": stored.title_en, "ar": stored.title_ar},
        "currency": stored.currency,
        "scale": stored.scale,
        "years": years,
        "plan": stored.plan,
        "results": _results(stored.results, lang),
    }


@router.get("/budgets", response=answers(list[BudgetOut]))
def list_budgets(request: HttpRequest, lang: Lang = "en") -> list[dict[str, Any]]:
    return [_out(b, lang) for b in m.StoredBudget.objects.all()]


@router.get("/budgets/{code}", response=answers(BudgetOut, lookup=True))
def get_budget(request: HttpRequest, code: str, lang: Lang = "en") -> dict[str, Any]:
    return _out(get_object_or_404(m.StoredBudget, code=code), lang)


@router.get("/budgets/{code}/execution", response=answers(list[dict[str, Any]], lookup=True))
def budget_execution(
    request: HttpRequest,
    code: str,
    by: Literal["year", "function", "programme", "governorate", "admin", "economic"] = "function",
    year: Year | None = None,
) -> list[dict[str, Any]]:
    """Approved, revised and executed amounts and execution rates, by year and ``by``."""
    budget = budget_of(get_object_or_404(m.StoredBudget, code=code))
    groups = ["year"] if by == "year" else ["year", by]
    table = execution(budget, by=groups)
    if year is not None:
        table = table.filter(table["year"] == year)
    return list(public_execution(table, current_rules()).to_dicts())


@router.get("/budgets/{code}/pefa", response=answers(PefaOut, lookup=True))
def budget_pefa(request: HttpRequest, code: str, lang: Lang = "en") -> dict[str, Any]:
    """PEFA PI-1 and PI-2 with their calculation sheets (404 without a completed year)."""
    budget = budget_of(get_object_or_404(m.StoredBudget, code=code))
    try:
        found = pefa(budget)
    except ValueError:
        raise Http404 from None
    return found.to_dict(lang)


@router.get(
    "/budgets/{code}/incidence", response=answers(dict[str, Any], lookup=True, params=False)
)
def budget_incidence(request: HttpRequest, code: str) -> dict[str, Any]:
    """Benefit incidence of public education and health (unit costs, shares by quantile
    group with standard errors, concentration coefficients, by group), as last computed
    and disclosure-controlled (404 when not computed)."""
    stored = get_object_or_404(m.StoredBudget, code=code)
    if not stored.incidence:
        raise Http404
    found: dict[str, Any] = stored.incidence
    return found


@router.get("/budgets/{code}/gender", response=answers(dict[str, Any], lookup=True))
def budget_gender(request: HttpRequest, code: str, year: Year | None = None) -> dict[str, Any]:
    """Spending by gender marker in ``year`` (the year the transfers were measured, else the
    budget's last), and the incidence of the cash transfers on women and men and on
    female-headed households, as last computed (``transfers`` is null when not computed)."""
    stored = get_object_or_404(m.StoredBudget, code=code)
    budget = budget_of(stored)
    if not budget.years:
        raise Http404
    measured = (stored.gender or {}).get("year")
    chosen = year if year is not None else measured if measured in budget.years else None
    chosen = chosen if chosen is not None else max(budget.years)
    if chosen not in budget.years:
        raise Http404
    markers = public_markers(spending_by_marker(budget, year=chosen), current_rules())
    return {"year": chosen, "markers": markers, "transfers": stored.gender}
