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

On the platform, ``request_budget_statement`` takes the change as the form
asks it (``BudgetAsk``: a budget stored by the budget app, programmes, an
amount) and queues the statement for the job worker, like any other
(``statement_jobs``). The policies in force that the change is made to are the
baseline of a scenario file given with it; without one, the baseline of the
referral's latest statement; without a statement, the demo country's policies
(``insaf.budget.demo.demo_policies``), as the other form falls back on the
demo's example scenario.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

from insaf.budget.change import (
    REFORM,
    BudgetChange,
    change_scenario,
    moved,
    new_envelope,
    scenario_text,
)
from insaf.errors import DataError
from insaf.policy import parse_scenario
from insaf.specs import load_yaml
from insaf.web.council import models as m
from insaf.web.council.impact import Computed, SurveyRef, text_sha256
from insaf.web.council.services.common import Actor, RuleError
from insaf.web.council.services.referrals import attach_impact_statement, may_attach_statement
from insaf.web.council.services.statement_jobs import request_impact_statement

if TYPE_CHECKING:
    from insaf.budget import Budget
    from insaf.policy.scenario import Scenario

__all__ = [
    "BudgetAsk",
    "attach_budget_statement",
    "budget_scenario_text",
    "request_budget_statement",
    "stored_change",
]


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


@dataclass(frozen=True, slots=True)
class BudgetAsk:
    """A budget change as a council member asks it: in the budget stored as ``budget``,
    ``amount`` (money) moved from ``programme`` to ``target`` (``kind="move"``), or
    ``programme``'s new envelope ``amount`` (``kind="envelope"``), in ``year`` and
    ``phase``."""

    budget: str
    kind: Literal["move", "envelope"]
    year: int
    programme: str
    amount: float
    target: str | None = None
    phase: str = "executed"

    def change(self, budget: Budget) -> BudgetChange:
        """The change to ``budget`` (the stored one, read): a ``DataError`` names what
        does not hold (a programme outside the plan, more than its envelope, ...)."""
        if self.kind == "envelope":
            return new_envelope(
                budget,
                year=self.year,
                programme=self.programme,
                envelope=self.amount,
                phase=self.phase,
            )
        if not self.target:
            raise DataError("a move names the programme the money goes to")
        return moved(
            budget,
            year=self.year,
            source=self.programme,
            target=self.target,
            amount=self.amount,
            phase=self.phase,
        )


def _stored_budget(code: str) -> Budget:
    from insaf.web.budget.queries import stored_budget

    stored = stored_budget(code)
    if stored is None:
        raise RuleError(_("No budget %(code)s is stored.") % {"code": code})
    return stored.budget


def policies_in_force(policies: tuple[str, str] | None, referral: m.Referral) -> Scenario:
    """The scenario whose baseline is taken as the policies in force: ``policies``
    (``(YAML text, file name)``), else the referral's latest statement's, else the demo
    country's."""
    if policies is None:
        latest = referral.statements.order_by("-version").first()
        if latest is None:
            from insaf.budget.demo import demo_policies

            return demo_policies()
        policies = (latest.scenario_text, latest.scenario_name)
    text, name = policies
    data, lines = load_yaml(text, file=name)
    return parse_scenario(data, lines, file=name)


def request_budget_statement(
    *,
    actor: Actor,
    referral: m.Referral,
    ask: BudgetAsk,
    survey: SurveyRef,
    policies: tuple[str, str] | None = None,
    note: str = "",
) -> m.StatementJob:
    """Queue the referral's next impact statement on the budget change ``ask``, made to
    the policies in force (``policies_in_force``), simulated on ``survey``: checked at
    once (who asks, the budget, the change, the scenario), computed by the job worker."""
    may_attach_statement(actor, referral)
    budget = _stored_budget(ask.budget)
    change = ask.change(budget)
    text, name = budget_scenario_text(
        policies=policies_in_force(policies, referral), budget=budget, change=change
    )
    return request_impact_statement(
        actor=actor,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=survey,
        reform=REFORM,
        note=note,
        budget_change=stored_change(change, budget_code=ask.budget),
    )
