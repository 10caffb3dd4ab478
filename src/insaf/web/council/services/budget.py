"""A referral whose subject is a budget change: its impact statement.

The change (``insaf.budget.BudgetChange``: money moved between two programmes,
or one programme's new envelope, in one year and phase) becomes a policy
scenario by ``insaf.budget.change_scenario``: the policies in force, and one
reform, ``budget``, that scales the programmes' money per beneficiary (or
solves for the new envelope). The scenario is written out as YAML and the
statement is computed, stored and reproduced from that text like any other
(``insaf.web.council.impact``); the change itself is kept on the statement
(``ImpactStatement.budget_change``), with the code of the budget it was taken
from, so the page can state it: programmes, amounts, year.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from insaf.budget.change import REFORM, BudgetChange, change_scenario, scenario_text
from insaf.web.council import models as m
from insaf.web.council.impact import Computed, SurveyRef, text_sha256
from insaf.web.council.services.common import Actor, RuleError
from insaf.web.council.services.referrals import attach_impact_statement, may_attach_statement

if TYPE_CHECKING:
    from insaf.budget import Budget
    from insaf.policy.scenario import Scenario

__all__ = ["attach_budget_statement", "budget_scenario_text", "stored_change"]


def budget_scenario_text(
    *, policies: Scenario, budget: Budget, change: BudgetChange
) -> tuple[str, str]:
    """The scenario of ``change`` as the statement stores it: ``(YAML text, file name)``."""
    codes = "-".join(p.code.lower() for p in change.programmes)
    name = f"budget-{change.year}-{change.kind}-{codes}.yaml"
    return scenario_text(change_scenario(policies, budget, change)), name


def stored_change(change: BudgetChange, *, budget_code: str) -> dict[str, Any]:
    """What a statement keeps of its budget change."""
    return {"budget": budget_code, **change.to_dict()}


def attach_budget_statement(
    *,
    actor: Actor,
    referral: m.Referral,
    budget: Budget,
    budget_code: str,
    change: BudgetChange,
    policies: Scenario,
    survey: SurveyRef,
    note: str = "",
    note_ar: str = "",
    now: dt.datetime | None = None,
    computed: Computed | None = None,
) -> m.ImpactStatement:
    """Publish the referral's next impact statement on ``change`` to ``budget`` (stored on
    the platform as ``budget_code``) with the policies in force ``policies``, simulated on
    ``survey``. ``computed``: the statement already computed from the same scenario text
    (``budget_scenario_text``), as the demo does before its transaction."""
    may_attach_statement(actor, referral)
    text, name = budget_scenario_text(policies=policies, budget=budget, change=change)
    if computed is not None and computed.scenario_sha256 != text_sha256(text):
        raise RuleError(_("The statement given was computed from another scenario."))
    return attach_impact_statement(
        actor=actor,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=survey,
        reform=REFORM,
        note=note,
        note_ar=note_ar,
        now=now,
        computed=computed,
        budget_change=stored_change(change, budget_code=budget_code),
    )
