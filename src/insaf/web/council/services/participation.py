"""Public participation: consultations, comments, supports, abuse reports, positions, petitions.

One account, one support (and one signature, one report): a unique
constraint in the database refuses a second row even when two requests
arrive at the same instant, and counters are updated in the same
transaction as the row they count. Each account's actions are serialised
(its user row is locked) so the hourly rate limits are counted exactly.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from insaf.web.core.services import snapshot
from insaf.web.council import access
from insaf.web.council import models as m
from insaf.web.council.services.common import (
    Actor,
    RuleError,
    account,
    audit,
    check_rate,
    clean_text,
    insert_once,
    lock_account,
    now_or,
    publication,
    rules,
    searchable,
    user_or_none,
)
from insaf.web.council.services.referrals import create_referral, move

__all__ = [
    "close_consultation",
    "expire_petition",
    "moderate_comment",
    "open_consultation",
    "post_comment",
    "report_comment",
    "sign_petition",
    "start_petition",
    "submit_position",
    "support_comment",
]

HOUR = timedelta(hours=1)


def _signed_in(actor: Actor) -> None:
    access.require(actor is not None and actor.is_authenticated, _("Log in first."))


def open_consultation(
    *,
    actor: Actor,
    referral: m.Referral,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    question_en: str = "",
    question_ar: str = "",
) -> m.Consultation:
    access.require(access.is_bureau(actor), _("Only the bureau opens consultations."))
    if closes_at <= opens_at:
        raise RuleError(_("The consultation must close after it opens."))
    with transaction.atomic():
        referral = m.Referral.objects.select_for_update().get(pk=referral.pk)
        if hasattr(referral, "consultation"):
            raise RuleError(
                _("Referral %(code)s already has a consultation.") % {"code": referral.code}
            )
        consultation = m.Consultation.objects.create(
            referral=referral,
            opens_at=opens_at,
            closes_at=closes_at,
            question_en=clean_text(question_en, field=_("question (English)"), required=False),
            question_ar=clean_text(question_ar, field=_("question (Arabic)"), required=False),
            opened_by=user_or_none(actor),
        )
        move(referral, m.ReferralStatus.CONSULTATION, actor=actor)
        audit(
            actor=actor,
            action="consultation.open",
            obj=consultation,
            object_id=referral.code,
            after=snapshot(consultation),
        )
    return consultation


def close_consultation(
    *, actor: Actor, consultation: m.Consultation, now: dt.datetime | None = None
) -> m.Consultation:
    """Close a consultation before its planned end."""
    access.require(access.is_bureau(actor), _("Only the bureau closes consultations."))
    at = now_or(now)
    with transaction.atomic():
        consultation = m.Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.closes_at <= at:
            return consultation
        before = consultation.closes_at
        consultation.closes_at = max(at, consultation.opens_at + timedelta(seconds=1))
        consultation.save(update_fields=["closes_at"])
        audit(
            actor=actor,
            action="consultation.close",
            obj=consultation,
            object_id=consultation.referral.code,
            before={"closes_at": before},
            after={"closes_at": consultation.closes_at},
        )
    return consultation


def post_comment(
    *,
    actor: Actor,
    consultation: m.Consultation,
    text: str,
    kind: str = m.CommentKind.COMMENT,
    now: dt.datetime | None = None,
) -> m.Comment:
    """A citizen's or organisation's comment or proposal (published at once, moderated after)."""
    _signed_in(actor)
    author = account(actor).pk
    text = clean_text(text, field=_("comment"), limit=5000)
    if kind not in m.CommentKind.values:
        raise RuleError(_("Unknown kind of comment %(value)r.") % {"value": kind})
    at = now_or(now)
    with transaction.atomic():
        lock_account(actor)
        consultation = m.Consultation.objects.get(pk=consultation.pk)
        if not consultation.is_open(at):
            raise RuleError(_("The consultation is not open."))
        recent = m.Comment.objects.filter(author_id=author, created_at__gte=at - HOUR).count()
        check_rate(recent, rules().comments_per_hour)
        comment = m.Comment.objects.create(
            consultation=consultation,
            author_id=author,
            kind=kind,
            text=text,
            created_at=at,
            search_text=searchable(text),
        )
        audit(
            actor=actor,
            action="comment.post",
            obj=comment,
            summary=f"{kind} on {consultation.referral.code}: {text[:200]}",
        )
    return comment


def _recent_actions(actor: Actor, at: dt.datetime) -> int:
    since = at - HOUR
    pk = account(actor).pk
    return (
        m.Support.objects.filter(user_id=pk, at__gte=since).count()
        + m.Signature.objects.filter(user_id=pk, at__gte=since).count()
        + m.AbuseReport.objects.filter(reporter_id=pk, at__gte=since).count()
    )


def support_comment(*, actor: Actor, comment: m.Comment, now: dt.datetime | None = None) -> bool:
    """Support a comment or proposal; ``False`` if this account already supports it."""
    _signed_in(actor)
    at = now_or(now)
    with transaction.atomic():
        lock_account(actor)
        comment = m.Comment.objects.select_related("consultation").get(pk=comment.pk)
        if comment.status != m.CommentStatus.VISIBLE:
            raise RuleError(_("This comment is not published."))
        if comment.author_id == account(actor).pk:
            raise RuleError(_("You cannot support your own comment."))
        if not comment.consultation.is_open(at):
            raise RuleError(_("The consultation is closed."))
        check_rate(_recent_actions(actor, at), rules().actions_per_hour)
        support = insert_once(
            lambda: m.Support.objects.create(comment=comment, user_id=account(actor).pk, at=at)
        )
        if support is None:
            return False
        m.Comment.objects.filter(pk=comment.pk).update(supports=F("supports") + 1)
        audit(actor=actor, action="comment.support", obj=comment)
    return True


def report_comment(
    *, actor: Actor, comment: m.Comment, reason: str, now: dt.datetime | None = None
) -> bool:
    """Report abuse; enough reports hold the comment until a moderator decides."""
    _signed_in(actor)
    if reason not in m.ReportReason.values:
        raise RuleError(_("Unknown reason %(value)r.") % {"value": reason})
    at = now_or(now)
    with transaction.atomic():
        lock_account(actor)
        check_rate(_recent_actions(actor, at), rules().actions_per_hour)
        comment = m.Comment.objects.select_for_update().get(pk=comment.pk)
        report = insert_once(
            lambda: m.AbuseReport.objects.create(
                comment=comment, reporter_id=account(actor).pk, reason=reason, at=at
            )
        )
        if report is None:
            return False
        comment.reports += 1
        held = (
            comment.status == m.CommentStatus.VISIBLE and comment.reports >= rules().reports_to_hide
        )
        if held:
            comment.status = m.CommentStatus.HELD
        comment.save(update_fields=["reports", "status"])
        audit(
            actor=actor,
            action="comment.report",
            obj=comment,
            summary=reason + (" (held for moderation)" if held else ""),
        )
    return True


def moderate_comment(
    *,
    actor: Actor,
    comment: m.Comment,
    publish: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> m.Comment:
    """Publish a held comment again, or remove a comment (the reason is kept and shown)."""
    access.require(access.is_bureau(actor), _("Only the bureau moderates."))
    if not publish:
        reason = clean_text(reason, field=_("reason"), limit=300)
    with transaction.atomic():
        comment = m.Comment.objects.select_for_update().get(pk=comment.pk)
        before = comment.status
        comment.status = m.CommentStatus.VISIBLE if publish else m.CommentStatus.HIDDEN
        comment.moderated_by = user_or_none(actor)
        comment.moderated_at = now_or(now)
        comment.moderation_reason = "" if publish else reason
        comment.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
        comment.abuse_reports.update(resolved=True)
        audit(
            actor=actor,
            action="comment.moderate",
            obj=comment,
            summary=reason,
            before={"status": before},
            after={"status": comment.status},
        )
    return comment


def submit_position(
    *,
    actor: Actor,
    consultation: m.Consultation,
    text: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> m.Position:
    """A member submits their group's formal position (a new version replaces, not erases)."""
    seat = access.member_seat(actor)
    if seat is None:
        raise access.NotAllowed(_("Only council members submit their group's position."))
    text = clean_text(text, field=_("position"))
    at = now_or(now)
    with transaction.atomic():
        consultation = m.Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.is_open(at):
            raise RuleError(_("The consultation is not open."))
        position = m.Position.objects.create(
            consultation=consultation,
            group=seat.group,
            text=text,
            **publication(
                consultation.positions.filter(group=seat.group),
                why=_("A new version of a position says what changed (the note)."),
                actor=actor,
                at=at,
                note=note,
            ),
        )
        audit(
            actor=actor,
            action="position.publish",
            obj=position,
            summary=f"{seat.group.code} v{position.version} on {consultation.referral.code}",
        )
    return position


def start_petition(
    *,
    actor: Actor,
    title: str,
    text: str,
    ministry: m.Ministry,
    now: dt.datetime | None = None,
) -> m.Petition:
    """A verified citizen starts a petition (threshold and period from the rules)."""
    access.require(access.is_verified(actor), _("Only verified accounts start petitions."))
    title = clean_text(title, field=_("title"), limit=300)
    text = clean_text(text, field=_("text"), limit=5000)
    at = now_or(now)
    current = rules()
    with transaction.atomic():
        lock_account(actor)
        recent = m.Petition.objects.filter(
            created_by_id=account(actor).pk, opens_at__gte=at - timedelta(days=1)
        ).count()
        if recent >= 3:
            raise RuleError(_("At most three petitions a day from one account."))
        petition = m.Petition.objects.create(
            title=title,
            text=text,
            ministry=ministry,
            created_by_id=account(actor).pk,
            opens_at=at,
            closes_at=at + timedelta(days=current.petition_days),
            threshold=current.petition_threshold,
            search_text=searchable(title, text),
        )
        audit(
            actor=actor,
            action="petition.start",
            obj=petition,
            summary=f"{title} (threshold {petition.threshold}, "
            f"closes {petition.closes_at:%Y-%m-%d})",
        )
    return petition


def expire_petition(*, petition: m.Petition, now: dt.datetime | None = None) -> bool:
    """Close a petition whose period has ended without enough signatures (the system acts)."""
    at = now_or(now)
    with transaction.atomic():
        petition = m.Petition.objects.select_for_update().get(pk=petition.pk)
        if petition.status != m.PetitionStatus.OPEN or at < petition.closes_at:
            return False
        petition.status = m.PetitionStatus.EXPIRED
        petition.save(update_fields=["status"])
        audit(
            actor=None,
            action="petition.expire",
            obj=petition,
            summary=f"{petition.signatures} of {petition.threshold} signatures",
        )
    return True


def sign_petition(*, actor: Actor, petition: m.Petition, now: dt.datetime | None = None) -> bool:
    """Sign once; the signature that reaches the threshold refers the petition to the council.

    ``False`` if this account had already signed. The petition row is locked,
    so exactly one signature crosses the threshold and exactly one referral is made.
    """
    access.require(access.is_verified(actor), _("Only verified accounts sign petitions."))
    at = now_or(now)
    expire_petition(petition=petition, now=at)
    with transaction.atomic():
        lock_account(actor)
        check_rate(_recent_actions(actor, at), rules().actions_per_hour)
        petition = m.Petition.objects.select_for_update().get(pk=petition.pk)
        if petition.status != m.PetitionStatus.OPEN or at < petition.opens_at:
            raise RuleError(_("This petition is not collecting signatures."))
        signature = insert_once(
            lambda: m.Signature.objects.create(petition=petition, user_id=account(actor).pk, at=at)
        )
        if signature is None:
            return False
        petition.signatures += 1
        petition.save(update_fields=["signatures"])
        audit(actor=actor, action="petition.sign", obj=petition)
        if petition.signatures >= petition.threshold:
            referral = _petition_referral(petition, at)
            petition.status = m.PetitionStatus.SUCCEEDED
            petition.referral = referral
            petition.save(update_fields=["status", "referral"])
            audit(
                actor=None,
                action="petition.threshold",
                obj=petition,
                summary=f"{petition.signatures} signatures: referral {referral.code}",
            )
    return True


def _petition_referral(petition: m.Petition, at: dt.datetime) -> m.Referral:
    """The referral a successful petition becomes; its text stays in the language it was written."""
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in petition.title)
    return create_referral(
        actor=None,
        kind=m.ReferralKind.PETITION,
        ministry=petition.ministry,
        title_ar=petition.title if arabic else "",
        title_en="" if arabic else petition.title,
        summary_ar=petition.text if arabic else "",
        summary_en="" if arabic else petition.text,
        now=at,
    )
