"""What other apps read of the stored budgets: the budget app's tables stay its own.

Nothing here writes. The council states a budget referral's programmes with a
link to each programme's page (``programme_pages``), lists the stored budgets'
programmes on its budget-change form (``stored_plans``) and reads the budget
a change is made to (``stored_budget``); the observatory's right pages show the
spending of the latest stored budget (``latest_budget``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse

from insaf.budget import Budget
from insaf.budget.model import Plan
from insaf.web.budget import models as m
from insaf.web.budget.convert import budget_of

__all__ = [
    "StoredBudgetView",
    "StoredPlan",
    "latest_budget",
    "programme_pages",
    "stored_budget",
    "stored_plans",
]


@dataclass(frozen=True, slots=True)
class StoredBudgetView:
    """A stored budget as another app shows it."""

    code: str
    title_en: str
    title_ar: str
    currency: str
    budget: Budget

    def title(self, lang: str) -> str:
        """The title in ``lang`` (``ar`` or English), else the code."""
        return (self.title_ar if lang == "ar" else self.title_en) or self.code


def programme_pages(code: str, programmes: Sequence[str]) -> dict[str, str | None]:
    """The page of each programme of the stored budget ``code``; ``None`` for each when
    no budget of that code is stored (a statement may name a budget not on the platform)."""
    stored = bool(code) and m.StoredBudget.objects.filter(code=code).exists()
    return {p: reverse("budget:programme", args=[code, p]) if stored else None for p in programmes}


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A stored budget's code, title and plan, without its lines."""

    code: str
    title_en: str
    title_ar: str
    plan: Plan | None

    def title(self, lang: str) -> str:
        """The title in ``lang`` (``ar`` or English), else the code."""
        return (self.title_ar if lang == "ar" else self.title_en) or self.code


def stored_plans() -> list[StoredPlan]:
    """Every stored budget's plan, by code."""
    rows = m.StoredBudget.objects.order_by("code").values_list(
        "code", "title_en", "title_ar", "plan"
    )
    return [
        StoredPlan(code, en, ar, Plan.model_validate(plan) if plan else None)
        for code, en, ar, plan in rows
    ]


def stored_budget(code: str) -> StoredBudgetView | None:
    """The budget stored as ``code`` (``None`` when there is none)."""
    stored = m.StoredBudget.objects.filter(code=code).first()
    return None if stored is None else _view(stored)


def latest_budget() -> StoredBudgetView | None:
    """The budget stored or changed last (``None`` when none is stored)."""
    stored = m.StoredBudget.objects.order_by("-updated_at", "-pk").first()
    return None if stored is None else _view(stored)


def _view(stored: m.StoredBudget) -> StoredBudgetView:
    return StoredBudgetView(
        code=stored.code,
        title_en=stored.title_en,
        title_ar=stored.title_ar,
        currency=stored.currency,
        budget=budget_of(stored),
    )
