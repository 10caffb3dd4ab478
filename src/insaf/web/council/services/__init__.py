"""Council services: every change to the council goes through here.

Each function is keyword-only, takes the acting user (``actor``; ``None`` for
the system, such as the demo loader or a petition reaching its threshold),
checks that the actor may take the step (``insaf.web.council.access``), runs
in one transaction and writes an audit event. ``now`` may be given (the demo
and the tests date their steps); it defaults to the current time.
"""

from __future__ import annotations

from insaf.web.council.services.budget import (
    BudgetAsk,
    attach_budget_statement,
    budget_scenario_text,
    request_budget_statement,
    stored_change,
)
from insaf.web.council.services.citations import cite_rights_finding, withdraw_citation
from insaf.web.council.services.common import RateLimited, RuleError
from insaf.web.council.services.followup import (
    Track,
    add_milestone,
    change_commitment_status,
    complete_milestone,
    make_commitment,
    respond,
)
from insaf.web.council.services.opinions import (
    add_recommendation,
    cast_ballot,
    close_vote,
    correct_opinion,
    decide_amendment,
    edit_recommendation,
    open_vote,
    save_draft,
    start_drafting,
    table_amendment,
)
from insaf.web.council.services.participation import (
    close_consultation,
    expire_petition,
    moderate_comment,
    open_consultation,
    post_comment,
    report_comment,
    sign_petition,
    start_petition,
    submit_position,
    support_comment,
)
from insaf.web.council.services.referrals import (
    add_focal_point,
    add_member,
    assign_rapporteur,
    attach_document,
    attach_impact_statement,
    create_referral,
    may_attach_statement,
    register_referral,
    verify_citizen,
)
from insaf.web.council.services.statement_jobs import (
    expire_overdue,
    request_impact_statement,
    run_statement_job,
)

__all__ = [
    "BudgetAsk",
    "RateLimited",
    "RuleError",
    "Track",
    "add_focal_point",
    "add_member",
    "add_milestone",
    "add_recommendation",
    "assign_rapporteur",
    "attach_budget_statement",
    "attach_document",
    "attach_impact_statement",
    "budget_scenario_text",
    "cast_ballot",
    "change_commitment_status",
    "cite_rights_finding",
    "close_consultation",
    "close_vote",
    "complete_milestone",
    "correct_opinion",
    "create_referral",
    "decide_amendment",
    "edit_recommendation",
    "expire_overdue",
    "expire_petition",
    "make_commitment",
    "may_attach_statement",
    "moderate_comment",
    "open_consultation",
    "open_vote",
    "post_comment",
    "register_referral",
    "report_comment",
    "request_budget_statement",
    "request_impact_statement",
    "respond",
    "run_statement_job",
    "save_draft",
    "sign_petition",
    "start_drafting",
    "start_petition",
    "stored_change",
    "submit_position",
    "support_comment",
    "table_amendment",
    "verify_citizen",
    "withdraw_citation",
]
