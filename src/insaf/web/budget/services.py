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
from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import Actor, record

if TYPE_CHECKING:
    from insaf.policy.scenario import Scenario
    from insaf.survey import Survey

__all__ = [
    "NotAllowed",
    "RuleError",
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
    return [str(p) for p in check(budget_of(stored))]


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
    with transaction.atomic():
        stored = m.StoredBudget.objects.select_for_update().get(pk=stored.pk)
        stored.results = {"programmes": [r.to_dict() for r in public]}
        stored.results_survey = survey_ref
        stored.save(update_fields=["results", "results_survey"])
        record(
            actor=actor,
            action="budget.results",
            object_type="budget.storedbudget",
            object_id=stored.code,
            summary=f"{len(public)} programme-years on {survey_ref}",
            scopes=[scope(stored.code)],
        )
    return stored
