"""Every change to a stored budget: importing one, and a focal point's edit of an amount.

Keyword-only functions that take the acting user, check the role, run in one
transaction and write an audit event (``insaf.web.core.services.record``)
whose scope is the budget's (``budget:<code>``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.budget import Budget, Severity, check
from insaf.errors import InsafError
from insaf.web.budget import models as m
from insaf.web.budget.convert import budget_of, rows_of, settings_of
from insaf.web.core.language import page_language
from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import Actor, record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from insaf.policy.in_kind import InKind
    from insaf.policy.scenario import Scenario
    from insaf.survey import Survey

__all__ = [
    "NotAllowed",
    "RuleError",
    "compute_incidence",
    "compute_results",
    "may_edit",
    "scope",
    "set_amount",
    "store_budget",
]


class NotAllowed(PermissionDenied):
    """The actor may not make this change (a page answers 403)."""


class RuleError(InsafError):
    """The change breaks a rule (the message says which, in the user's language)."""


def scope(code: str) -> str:
    """The public-version scope of one budget."""
    return f"budget:{code}"


def may_edit(actor: Actor) -> bool:
    """Planning or finance focal points and administrators edit budgets."""
    return actor is not None and has_role(actor, Role.BUDGET_FOCAL_POINT, Role.ADMINISTRATOR)


def store_budget(
    *, actor: Actor, code: str, budget: Budget, replace: bool = False
) -> m.StoredBudget:
    """Store ``budget`` under ``code`` (``replace``: in place of the one stored there).

    A budget with errors (``insaf.budget.check``) is refused with its first
    problems; ``actor`` ``None`` is the system (the demo loader).
    """
    if actor is not None and not may_edit(actor):
        raise NotAllowed(_("Only a planning or finance focal point imports budgets."))
    errors = [p for p in check(budget) if p.severity is Severity.ERROR]
    if errors:
        raise RuleError("; ".join(str(p) for p in errors[:5]))
    with transaction.atomic():
        old = m.StoredBudget.objects.filter(code=code).first()
        if old is not None and not replace:
            raise RuleError(_("A budget %(code)s is already stored.") % {"code": code})
        if old is not None:
            old.delete()
        stored = m.StoredBudget.objects.create(code=code, **settings_of(budget))
        m.BudgetLine.objects.bulk_create(
            [m.BudgetLine(budget=stored, **row) for row in rows_of(budget)], batch_size=2000
        )
        record(
            actor=actor,
            action="budget.import",
            object_type="budget.storedbudget",
            object_id=code,
            summary=f"{budget.lines.height} rows, years {', '.join(map(str, budget.years))}"
            + (" (replaced)" if old is not None else ""),
            scopes=[scope(code)],
        )
    return stored


def set_amount(*, actor: Actor, line: m.BudgetLine, amount: float, note: str = "") -> list[str]:
    """Change the amount of one line in one phase; the problems ``check`` then finds
    (a parent that no longer adds up, ...) are returned, as words, for the editor."""
    if not may_edit(actor):
        raise NotAllowed(_("Only a planning or finance focal point edits budget lines."))
    if not isinstance(amount, int | float) or not math.isfinite(amount):
        raise RuleError(_("The amount must be a finite number."))
    note = note.strip()[:2000]
    with transaction.atomic():
        row = m.BudgetLine.objects.select_for_update().select_related("budget").get(pk=line.pk)
        before = row.amount
        row.amount = float(amount)
        row.save(update_fields=["amount"])
        stored = row.budget
        stored.updated_at = timezone.now()
        stored.save(update_fields=["updated_at"])
        record(
            actor=actor,
            action="budget.amount",
            object_type="budget.budgetline",
            object_id=f"{stored.code}/{row.line}/{row.phase}",
            summary=note,
            before={"amount": before},
            after={"amount": row.amount},
            scopes=[scope(stored.code)],
        )
    return [p.in_language(page_language()) for p in check(budget_of(stored))]


def compute_results(
    *,
    actor: Actor,
    stored: m.StoredBudget,
    survey: Survey,
    survey_ref: dict[str, Any],
    scenario: Scenario | None = None,
) -> m.StoredBudget:
    """Compute the programme results of ``stored`` on ``survey`` (with the policies in
    force, ``scenario``) and the observatory's published indicators, and keep the public
    tables: every survey cell through ``insaf.disclosure`` with the observatory's rules
    (``public_results``), so what is stored is what may be shown."""
    if actor is not None and not may_edit(actor):
        raise NotAllowed(_("Only a planning or finance focal point computes programme results."))
    from insaf.budget import programme_results, public_results
    from insaf.web.observatory.services import current_rules, published_observations

    budget = budget_of(stored)
    found = programme_results(
        budget, survey, scenario=scenario, observations=list(published_observations())
    )
    public = public_results(found, current_rules())
    return _kept(
        actor,
        stored,
        "budget.results",
        f"{len(public)} programme-years on {survey_ref}",
        results={"programmes": [r.to_dict() for r in public]},
        results_survey=survey_ref,
    )


def _kept(
    actor: Actor, stored: m.StoredBudget, action: str, summary: str, **tables: Any
) -> m.StoredBudget:
    """Keep the computed ``tables`` on ``stored`` (its row locked) and audit it in the
    budget's own scope."""
    with transaction.atomic():
        stored = m.StoredBudget.objects.select_for_update().get(pk=stored.pk)
        for field, value in tables.items():
            setattr(stored, field, value)
        stored.save(update_fields=list(tables))
        record(
            actor=actor,
            action=action,
            object_type="budget.storedbudget",
            object_id=stored.code,
            summary=summary,
            scopes=[scope(stored.code)],
        )
    return stored


INCIDENCE_BY = ("urban", "governorate")
"""The household variables the incidence pages break the benefit down by."""


def _both(label: Any, fallback: str) -> dict[str, str]:
    """``{"en": ..., "ar": ...}`` of a bilingual label (``fallback`` where one is missing)."""
    return {
        "en": getattr(label, "en", None) or fallback,
        "ar": getattr(label, "ar", None) or fallback,
    }


def _categories(survey: Survey, names: Sequence[str]) -> dict[str, Any]:
    """The names of the ``by`` variables and of their values, in both languages."""
    out: dict[str, Any] = {}
    for name in names:
        variable = survey.metadata.get(name) if name in survey.metadata else None
        values = variable.values if variable is not None else {}
        out[name] = {
            "label": _both(variable.label if variable is not None else None, name),
            "values": {str(code): _both(label, str(code)) for code, label in values.items()},
        }
    return out


def compute_incidence(
    *,
    actor: Actor,
    stored: m.StoredBudget,
    survey: Survey,
    survey_ref: dict[str, Any],
    scenario: Scenario,
    services: Sequence[InKind] | None = None,
    by: Sequence[str] = INCIDENCE_BY,
) -> m.StoredBudget:
    """Who receives public spending, computed on ``survey`` (of a year of the budget) and
    kept as the public tables: the benefit incidence of the in-kind ``services``
    (``insaf.budget.DEMO_SERVICES`` by default) with unit costs from the budget's executed
    spending of the survey's year, by quintile and by ``by``; and the incidence of the
    cash transfers of the policies in force (``scenario``'s baseline) on women and men and
    on female-headed households. Every cell by group goes through ``insaf.disclosure``
    with the observatory's rules (``public_incidence``, ``public_gender``)."""
    if actor is not None and not may_edit(actor):
        raise NotAllowed(_("Only a planning or finance focal point computes the incidence."))
    from insaf.budget import (
        DEMO_SERVICES,
        benefit_incidence,
        budget_spending,
        public_gender,
        public_incidence,
        transfers_by_sex,
    )
    from insaf.budget.incidence import paid_from
    from insaf.policy import simulate_states
    from insaf.web.observatory.services import current_rules

    budget = budget_of(stored)
    year = survey.year
    if year is None or year not in budget.years:
        raise RuleError(
            _("The survey's year (%(year)s) is not a year of the budget.") % {"year": year}
        )
    chosen = list(services if services is not None else DEMO_SERVICES)
    spending = budget_spending(budget, chosen, year=year)
    paid = [s for s in chosen if s.unit_cost is not None or paid_from(s, spending)]
    if not paid:
        raise RuleError(_("The budget pays for none of the services in %(year)s.") % {"year": year})
    rules = current_rules()
    found = benefit_incidence(survey, paid, spending=spending, by=by)
    incidence = public_incidence(found, rules).to_dict()
    incidence |= {
        "year": year,
        "spending": spending,
        "services": {s.id: _both(s.label, s.id) for s in paid},
        "by": _categories(survey, by),
    }
    gender = public_gender(transfers_by_sex(simulate_states(scenario, survey)), rules).to_dict()
    gender |= {
        "year": year,
        "instruments": {i.id: _both(getattr(i, "label", None), i.id) for i in scenario.baseline},
    }
    return _kept(
        actor,
        stored,
        "budget.incidence",
        f"benefit incidence of {len(paid)} services and transfers by sex on {survey_ref}",
        incidence={**incidence, "survey": survey_ref},
        gender={**gender, "survey": survey_ref},
    )
