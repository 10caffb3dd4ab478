"""Seats, focal points and verified citizens; referrals, their documents and impact statements."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, Required, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import assign_role, snapshot
from insaf.web.council import access
from insaf.web.council import models as m
from insaf.web.council.impact import Computed, SurveyRef, compute, version
from insaf.web.council.services.common import (
    Actor,
    RuleError,
    audit,
    clean_text,
    now_or,
    publication,
    searchable,
    user_or_none,
)

__all__ = [
    "add_focal_point",
    "add_member",
    "assign_rapporteur",
    "attach_document",
    "attach_impact_statement",
    "create_referral",
    "known_reform",
    "may_attach_statement",
    "register_referral",
    "verify_citizen",
]

MAX_ATTACHMENT = 5 * 1024 * 1024
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    m.ReferralStatus.RECEIVED: {m.ReferralStatus.CONSULTATION, m.ReferralStatus.DRAFTING},
    m.ReferralStatus.CONSULTATION: {m.ReferralStatus.DRAFTING},
    m.ReferralStatus.DRAFTING: {m.ReferralStatus.VOTING},
    m.ReferralStatus.VOTING: {m.ReferralStatus.ADOPTED, m.ReferralStatus.DRAFTING},
    m.ReferralStatus.ADOPTED: {m.ReferralStatus.RESPONDED},
    m.ReferralStatus.RESPONDED: set(),
}


def _administrator(actor: Actor) -> None:
    access.require(
        actor is None or has_role(actor, Role.ADMINISTRATOR),
        _("Only an administrator may do this."),
    )


def _give_role(actor: Actor, user: User, role: Role) -> None:
    """Give ``user`` the ``role`` their seat or post needs, unless they have it already."""
    if not has_role(user, role):
        assign_role(actor=actor, user=user, role=role)


def add_member(
    *, actor: Actor, user: User, group: m.CouncilGroup, bureau: bool = False
) -> m.Member:
    """Seat ``user`` in ``group`` (and give them the council member role)."""
    _administrator(actor)
    with transaction.atomic():
        seat, _created = m.Member.objects.update_or_create(
            user=user, defaults={"group": group, "bureau": bureau, "active": True}
        )
        _give_role(actor, user, Role.COUNCIL_MEMBER)
        audit(
            actor=actor,
            action="member.seat",
            obj=seat,
            object_id=user.get_username(),
            after=snapshot(seat),
        )
    return seat


def add_focal_point(*, actor: Actor, user: User, ministry: m.Ministry) -> m.FocalPoint:
    """Make ``user`` the focal point of ``ministry`` (and give them the focal point role)."""
    _administrator(actor)
    with transaction.atomic():
        row, _created = m.FocalPoint.objects.update_or_create(
            user=user, defaults={"ministry": ministry}
        )
        _give_role(actor, user, Role.FOCAL_POINT)
        audit(
            actor=actor,
            action="focal_point.assign",
            obj=row,
            object_id=user.get_username(),
            summary=f"ministry {ministry.code}",
        )
    return row


def verify_citizen(
    *, actor: Actor, user: User, method: str, now: dt.datetime | None = None
) -> m.Verification:
    """Record that ``user``'s identity was checked (they may then sign petitions)."""
    access.require(
        actor is None or access.is_bureau(actor), _("Only the bureau verifies accounts.")
    )
    method = clean_text(method, field=_("method"), limit=200)
    with transaction.atomic():
        row, _created = m.Verification.objects.update_or_create(
            user=user,
            defaults={
                "method": method,
                "verified_at": now_or(now),
                "verified_by": user_or_none(actor),
            },
        )
        audit(
            actor=actor,
            action="citizen.verify",
            obj=row,
            object_id=user.get_username(),
            summary=method,
        )
    return row


def _next_code(year: int) -> str:
    codes = m.Referral.objects.filter(code__startswith=f"{year}-").values_list("code", flat=True)
    numbers = [int(c.split("-", 1)[1]) for c in codes if c.split("-", 1)[1].isdigit()]
    return f"{year}-{max(numbers, default=0) + 1:03d}"


class ReferralDetails(TypedDict, total=False):
    """What a referral says: its ministry, title and draft in either language, deadline."""

    ministry: Required[m.Ministry]
    title_en: str
    title_ar: str
    summary_en: str
    summary_ar: str
    opinion_deadline: dt.date | None
    now: dt.datetime | None


def create_referral(
    *,
    actor: Actor,
    kind: str,
    ministry: m.Ministry,
    title_en: str = "",
    title_ar: str = "",
    summary_en: str = "",
    summary_ar: str = "",
    opinion_deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> m.Referral:
    """Store a referral (no permission check: callers decide who may refer)."""
    title_en = clean_text(title_en, field=_("title (English)"), required=False, limit=300)
    title_ar = clean_text(title_ar, field=_("title (Arabic)"), required=False, limit=300)
    if not (title_en or title_ar):
        raise RuleError(_("Title: give it in Arabic, in English or both."))
    summary_en = clean_text(summary_en, field=_("draft policy (English)"), required=False)
    summary_ar = clean_text(summary_ar, field=_("draft policy (Arabic)"), required=False)
    if kind == m.ReferralKind.GOVERNMENT and opinion_deadline is None:
        raise RuleError(_("A referral from the government has a legal deadline for the opinion."))
    at = now_or(now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = m.Referral.objects.create(
                    code=_next_code(at.year),
                    kind=kind,
                    ministry=ministry,
                    title_en=title_en,
                    title_ar=title_ar,
                    summary_en=summary_en,
                    summary_ar=summary_ar,
                    opinion_deadline=opinion_deadline,
                    received_at=at,
                    created_by=user_or_none(actor),
                    search_text=searchable(title_en, title_ar, summary_en, summary_ar),
                )
                audit(
                    actor=actor,
                    action="referral.register",
                    obj=referral,
                    object_id=referral.code,
                    summary=f"{kind}: {title_en or title_ar}",
                    after=snapshot(referral),
                )
                return referral
        except IntegrityError:  # another referral took the number: take the next one
            continue
    raise RuleError(_("Could not number the referral; try again."))


def register_referral(*, actor: Actor, kind: str, **details: Unpack[ReferralDetails]) -> m.Referral:
    """The bureau registers a referral from the government or a self-referral."""
    access.require(access.is_bureau(actor), _("Only the bureau registers referrals."))
    if kind not in (m.ReferralKind.GOVERNMENT, m.ReferralKind.SELF):
        raise RuleError(_("Petition referrals come from petitions that reach their threshold."))
    return create_referral(actor=actor, kind=kind, **details)


def move(referral: m.Referral, to: str, *, actor: Actor) -> None:
    """Change a referral's status along the lifecycle (inside the caller's transaction)."""
    if to == referral.status:
        return
    if to not in ALLOWED_TRANSITIONS.get(referral.status, set()):
        raise RuleError(
            _("Referral %(code)s is at the step “%(now)s”: it cannot go to “%(to)s”.")
            % {
                "code": referral.code,
                "now": m.ReferralStatus(referral.status).label,
                "to": m.ReferralStatus(to).label,
            }
        )
    before = referral.status
    referral.status = to
    referral.save(update_fields=["status"])
    audit(
        actor=actor,
        action="referral.status",
        obj=referral,
        object_id=referral.code,
        summary=f"{before} -> {to}",
        before={"status": before},
        after={"status": to},
    )


def assign_rapporteur(*, actor: Actor, referral: m.Referral, rapporteur: User) -> m.Referral:
    access.require(access.is_bureau(actor), _("Only the bureau appoints rapporteurs."))
    if access.member_seat(rapporteur) is None:
        raise RuleError(_("The rapporteur must be a sitting council member."))
    with transaction.atomic():
        referral = m.Referral.objects.select_for_update().get(pk=referral.pk)
        before = referral.rapporteur.get_username() if referral.rapporteur else None
        referral.rapporteur_id = rapporteur.pk
        referral.save(update_fields=["rapporteur"])
        audit(
            actor=actor,
            action="referral.rapporteur",
            obj=referral,
            object_id=referral.code,
            before={"rapporteur": before},
            after={"rapporteur": rapporteur.get_username()},
        )
    return referral


def attach_document(
    *, actor: Actor, referral: m.Referral, name: str, data: bytes, now: dt.datetime | None = None
) -> m.Attachment:
    """Keep a PDF of the draft policy with the referral (5 MB at most, PDF only)."""
    access.require(access.is_bureau(actor), _("Only the bureau attaches documents."))
    name = clean_text(name, field=_("file name"), limit=200).replace("/", "_").replace("\\", "_")
    if len(data) > MAX_ATTACHMENT:
        raise RuleError(_("The file is larger than 5 MB."))
    if not name.lower().endswith(".pdf") or not data.startswith(b"%PDF-"):
        raise RuleError(_("Only PDF documents are accepted."))
    with transaction.atomic():
        row = m.Attachment.objects.create(
            referral=referral,
            name=name,
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_at=now_or(now),
            uploaded_by=user_or_none(actor),
        )
        audit(
            actor=actor,
            action="referral.attach",
            obj=row,
            summary=f"{referral.code}: {name} ({len(data)} bytes, sha256 {row.sha256[:12]})",
        )
    return row


def may_attach_statement(actor: Actor, referral: m.Referral) -> None:
    """The bureau or the referral's rapporteur (or the system) attaches impact statements."""
    access.require(
        actor is None or access.is_bureau(actor) or access.is_rapporteur(actor, referral),
        _("Only the bureau or the rapporteur attaches impact statements."),
    )


def known_reform(reform: str, reforms: Sequence[str]) -> None:
    """Refuse ``reform`` unless the scenario has it (the message names those it has)."""
    if reform not in reforms:
        raise RuleError(
            _("The scenario has no reform %(name)r (it has %(names)s).")
            % {"name": reform, "names": ", ".join(reforms)}
        )


def attach_impact_statement(
    *,
    actor: Actor,
    referral: m.Referral,
    scenario_text: str,
    scenario_name: str,
    survey: SurveyRef,
    reform: str | None = None,
    note: str = "",
    note_ar: str = "",
    now: dt.datetime | None = None,
    computed: Computed | None = None,
    budget_change: dict[str, Any] | None = None,
) -> m.ImpactStatement:
    """Simulate the scenario on the survey and publish it as the referral's next statement.

    ``budget_change`` is the statement's subject when it is a budget change
    (``services.budget.attach_budget_statement`` gives it with the scenario it made).

    The simulation runs before the transaction (it takes a few seconds); the
    statement is then stored with the scenario text, the survey reference and
    fingerprint, the INSAF version and both briefs. On the platform it runs in
    the job worker (``statement_jobs``).
    """
    may_attach_statement(actor, referral)
    name = clean_text(scenario_name, field=_("scenario file"), limit=200)
    done = computed or compute(scenario_text=scenario_text, scenario_name=name, survey=survey)
    chosen = reform or done.reforms[0]
    known_reform(chosen, done.reforms)
    with transaction.atomic():
        referral = m.Referral.objects.select_for_update().get(pk=referral.pk)
        statement = m.ImpactStatement.objects.create(
            referral=referral,
            **publication(
                referral.statements,
                why=_("A new version of a statement says why (the correction note)."),
                actor=actor,
                at=now_or(now),
                note=note,
                note_ar=note_ar,
            ),
            scenario_name=name,
            scenario_text=scenario_text,
            scenario_sha256=done.scenario_sha256,
            reform=chosen,
            survey=survey.to_dict(),
            survey_fingerprint=done.fingerprint,
            insaf_version=version(),
            impact=done.impact,
            brief_en=done.brief_en,
            brief_ar=done.brief_ar,
            budget_change=budget_change,
        )
        audit(
            actor=actor,
            action="impact_statement.publish",
            obj=statement,
            object_id=f"{referral.code}/v{statement.version}",
            summary=f"{name} on {survey.label()}",
            after={
                "scenario_sha256": done.scenario_sha256,
                "survey": survey.to_dict(),
                "survey_fingerprint": done.fingerprint,
                "insaf_version": statement.insaf_version,
                **({"budget_change": budget_change} if budget_change else {}),
            },
        )
    return statement
