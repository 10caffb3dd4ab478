"""The opinion: drafting, recommendations, amendments, the plenary vote, publication, corrections.

A vote fixes its roll (the sitting members, by group) and its rules (quorum,
majority, majority within every group) when it opens. A ballot is one row per
member and vote (a unique constraint), cast while holding a lock on the vote,
and the vote is counted while holding the same lock: a ballot is either
counted or refused, never lost, never counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from insaf.web.core.services import snapshot
from insaf.web.council import access
from insaf.web.council import models as m
from insaf.web.council.services.common import (
    Actor,
    RuleError,
    account,
    audit,
    clean_text,
    insert_once,
    now_or,
    rules,
    searchable,
    user_or_none,
)
from insaf.web.council.services.referrals import move
from insaf.web.council.voting import tally
from insaf.web.observatory.models import Category, Indicator

__all__ = [
    "add_recommendation",
    "cast_ballot",
    "close_vote",
    "correct_opinion",
    "decide_amendment",
    "edit_recommendation",
    "open_vote",
    "save_draft",
    "start_drafting",
    "table_amendment",
]


def drafter(actor: Actor, referral: m.Referral) -> None:
    access.require(
        access.can_draft(actor, referral),
        _("Only the rapporteur or the bureau edits the draft opinion."),
    )


def _texts(text_en: str, text_ar: str, what: str) -> tuple[str, str]:
    en = clean_text(text_en, field=f"{what} (English)", required=False)
    ar = clean_text(text_ar, field=f"{what} (Arabic)", required=False)
    if not (en or ar):
        raise RuleError(_("%(what)s: give it in Arabic, in English or both.") % {"what": what})
    return en, ar


def start_drafting(
    *, actor: Actor, referral: m.Referral, now: dt.datetime | None = None
) -> m.Opinion:
    """Begin the opinion (after the consultation has closed, if there was one)."""
    at = now_or(now)
    with transaction.atomic():
        referral = m.Referral.objects.select_for_update().get(pk=referral.pk)
        drafter(actor, referral)
        consultation = getattr(referral, "consultation", None)
        if consultation is not None and consultation.closes_at > at:
            raise RuleError(_("The consultation is still open."))
        if hasattr(referral, "opinion"):
            raise RuleError(
                _("Referral %(code)s already has an opinion.") % {"code": referral.code}
            )
        opinion = m.Opinion.objects.create(
            referral=referral,
            title_en=referral.title_en,
            title_ar=referral.title_ar,
            updated_at=at,
        )
        move(referral, m.ReferralStatus.DRAFTING, actor=actor)
        audit(actor=actor, action="opinion.start", obj=opinion, object_id=referral.code)
    return opinion


def editable(opinion: m.Opinion) -> None:
    if opinion.status != m.OpinionStatus.DRAFTING:
        raise RuleError(_("The opinion is not a draft any more."))


def lock_draft(opinion: m.Opinion) -> m.Opinion:
    """``opinion`` read again and locked until the transaction ends; refused once it is
    no longer a draft."""
    opinion = m.Opinion.objects.select_for_update().get(pk=opinion.pk)
    editable(opinion)
    return opinion


def save_draft(
    *,
    actor: Actor,
    opinion: m.Opinion,
    title_en: str,
    title_ar: str,
    text_en: str,
    text_ar: str,
    now: dt.datetime | None = None,
) -> m.Opinion:
    drafter(actor, opinion.referral)
    title_en, title_ar = (
        clean_text(title_en, field=_("title (English)"), required=False, limit=300),
        clean_text(title_ar, field=_("title (Arabic)"), required=False, limit=300),
    )
    if not (title_en or title_ar):
        raise RuleError(_("Title: give it in Arabic, in English or both."))
    text_en = clean_text(text_en, field=_("opinion (English)"), required=False, limit=100_000)
    text_ar = clean_text(text_ar, field=_("opinion (Arabic)"), required=False, limit=100_000)
    with transaction.atomic():
        opinion = lock_draft(opinion)
        before = snapshot(opinion)
        opinion.title_en, opinion.title_ar = title_en, title_ar
        opinion.text_en, opinion.text_ar = text_en, text_ar
        opinion.updated_at = now_or(now)
        opinion.save()
        audit(
            actor=actor,
            action="opinion.draft",
            obj=opinion,
            object_id=opinion.referral.code,
            before=before,
            after=snapshot(opinion),
        )
    return opinion


def _tags(
    recommendation: m.Recommendation,
    indicators: Iterable[Indicator],
    groups: Iterable[Category],
) -> None:
    recommendation.indicators.set(list(indicators))
    recommendation.groups.set(list(groups))


def _next_number(opinion: m.Opinion) -> int:
    """The number of the opinion's next recommendation (1 for the first)."""
    return (opinion.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1


def _reword(rec: m.Recommendation, text_en: str, text_ar: str) -> None:
    """Save ``rec`` with new wording (and the search text made of it)."""
    rec.text_en, rec.text_ar = text_en, text_ar
    rec.search_text = searchable(text_en, text_ar)
    rec.save()


def _rec_state(rec: m.Recommendation) -> dict[str, object]:
    return {
        "number": rec.number,
        "text_en": rec.text_en,
        "text_ar": rec.text_ar,
        "ministry": rec.ministry.code,
        "indicators": sorted(i.code for i in rec.indicators.all()),
        "groups": sorted(str(c) for c in rec.groups.select_related("dimension")),
    }


def _write_recommendation(
    actor: Actor,
    rec: m.Recommendation,
    wording: tuple[str, str, m.Ministry],
    indicators: Iterable[Indicator],
    groups: Iterable[Category],
    *,
    action: str,
    before: dict[str, object] | None = None,
) -> None:
    """Save ``rec`` with its wording (English, Arabic, ministry) and tags, audited as ``action``."""
    text_en, text_ar, rec.ministry = wording
    _reword(rec, text_en, text_ar)
    _tags(rec, indicators, groups)
    audit(
        actor=actor,
        action=action,
        obj=rec,
        object_id=str(rec),
        before=before,
        after=_rec_state(rec),
    )


def add_recommendation(
    *,
    actor: Actor,
    opinion: m.Opinion,
    text_en: str,
    text_ar: str,
    ministry: m.Ministry,
    indicators: Iterable[Indicator] = (),
    groups: Iterable[Category] = (),
) -> m.Recommendation:
    drafter(actor, opinion.referral)
    en, ar = _texts(text_en, text_ar, _("recommendation"))
    with transaction.atomic():
        opinion = lock_draft(opinion)
        rec = m.Recommendation(opinion=opinion, number=_next_number(opinion))
        _write_recommendation(
            actor, rec, (en, ar, ministry), indicators, groups, action="recommendation.add"
        )
    return rec


def edit_recommendation(
    *,
    actor: Actor,
    recommendation: m.Recommendation,
    text_en: str,
    text_ar: str,
    ministry: m.Ministry,
    indicators: Iterable[Indicator] = (),
    groups: Iterable[Category] = (),
) -> m.Recommendation:
    opinion = recommendation.opinion
    drafter(actor, opinion.referral)
    en, ar = _texts(text_en, text_ar, _("recommendation"))
    with transaction.atomic():
        m.Opinion.objects.select_for_update().get(pk=opinion.pk)
        opinion.refresh_from_db()
        editable(opinion)
        _write_recommendation(
            actor,
            recommendation,
            (en, ar, ministry),
            indicators,
            groups,
            action="recommendation.edit",
            before=_rec_state(recommendation),
        )
    return recommendation


def table_amendment(
    *,
    actor: Actor,
    opinion: m.Opinion,
    justification: str,
    text_en: str = "",
    text_ar: str = "",
    recommendation: m.Recommendation | None = None,
    now: dt.datetime | None = None,
) -> m.Amendment:
    """A member proposes new wording for a recommendation, or a new recommendation."""
    seat = access.member_seat(actor)
    if seat is None:
        raise access.NotAllowed(_("Only council members table amendments."))
    en, ar = _texts(text_en, text_ar, _("amendment"))
    why = clean_text(justification, field=_("justification"), limit=5000)
    if recommendation is not None and recommendation.opinion_id != opinion.pk:
        raise RuleError(_("The recommendation belongs to another opinion."))
    with transaction.atomic():
        opinion = lock_draft(opinion)
        amendment = m.Amendment.objects.create(
            opinion=opinion,
            recommendation=recommendation,
            proposed_by_id=account(actor).pk,
            group=seat.group,
            text_en=en,
            text_ar=ar,
            justification=why,
            tabled_at=now_or(now),
        )
        audit(
            actor=actor,
            action="amendment.table",
            obj=amendment,
            summary=f"{opinion.referral.code}: "
            + (f"recommendation {recommendation.number}" if recommendation else "new"),
        )
    return amendment


def decide_amendment(
    *, actor: Actor, amendment: m.Amendment, accept: bool, now: dt.datetime | None = None
) -> m.Amendment:
    """The rapporteur accepts an amendment into the draft (its wording replaces the old) or not."""
    opinion = amendment.opinion
    drafter(actor, opinion.referral)
    with transaction.atomic():
        opinion = lock_draft(opinion)
        amendment = m.Amendment.objects.select_for_update().get(pk=amendment.pk)
        if amendment.status != m.AmendmentStatus.TABLED:
            raise RuleError(_("This amendment was already decided."))
        if accept:
            target = amendment.recommendation
            if target is None:
                target = m.Recommendation.objects.create(
                    opinion=opinion,
                    number=_next_number(opinion),
                    ministry=opinion.referral.ministry,
                )
            before = _rec_state(target)
            _reword(target, amendment.text_en, amendment.text_ar)
            audit(
                actor=actor,
                action="recommendation.amend",
                obj=target,
                object_id=str(target),
                summary=f"amendment {amendment.pk} accepted",
                before=before,
                after=_rec_state(target),
            )
        amendment.status = m.AmendmentStatus.ACCEPTED if accept else m.AmendmentStatus.REJECTED
        amendment.decided_by = user_or_none(actor)
        amendment.decided_at = now_or(now)
        amendment.save(update_fields=["status", "decided_by", "decided_at"])
        audit(actor=actor, action="amendment.decide", obj=amendment, summary=amendment.status)
    return amendment


def open_vote(*, actor: Actor, opinion: m.Opinion, now: dt.datetime | None = None) -> m.Vote:
    """Put the draft to the plenary: the roll is every sitting member, by group."""
    access.require(access.is_bureau(actor), _("Only the bureau opens plenary votes."))
    current = rules()
    with transaction.atomic():
        opinion = lock_draft(opinion)
        if not opinion.recommendations.exists():
            raise RuleError(_("The draft has no recommendation."))
        if opinion.amendments.filter(status=m.AmendmentStatus.TABLED).exists():
            raise RuleError(_("Decide every tabled amendment before the vote."))
        roll: dict[str, list[int]] = defaultdict(list)
        seats = m.Member.objects.filter(active=True).select_related("group", "user")
        for seat in seats:
            if access.member_seat(seat.user) is not None:
                roll[seat.group.code].append(seat.user_id)
        if not roll:
            raise RuleError(_("No member sits in the council."))
        vote = m.Vote.objects.create(
            opinion=opinion,
            quorum=current.quorum,
            majority=current.majority,
            group_majority=current.group_majority,
            roll={g: sorted(ids) for g, ids in sorted(roll.items())},
            opened_at=now_or(now),
            opened_by=user_or_none(actor),
        )
        opinion.status = m.OpinionStatus.VOTING
        opinion.save(update_fields=["status"])
        move(opinion.referral, m.ReferralStatus.VOTING, actor=actor)
        audit(
            actor=actor,
            action="vote.open",
            obj=vote,
            summary=f"{opinion.referral.code}: quorum {vote.quorum:.0%}, {vote.majority}"
            + (", majority in every group" if vote.group_majority else ""),
            after={"roll": vote.roll},
        )
    return vote


def cast_ballot(
    *, actor: Actor, vote: m.Vote, choice: str, now: dt.datetime | None = None
) -> m.Ballot:
    """One member, one ballot, while the vote is open. A citizen cannot vote."""
    seat = access.member_seat(actor)
    if seat is None:
        raise access.NotAllowed(_("Only council members vote in plenary."))
    if choice not in m.Choice.values:
        raise RuleError(_("Unknown choice %(value)r.") % {"value": choice})
    with transaction.atomic():
        vote = m.Vote.objects.select_for_update().get(pk=vote.pk)
        if vote.status != m.VoteStatus.OPEN:
            raise RuleError(_("The vote is closed."))
        group = next((g for g, ids in vote.roll.items() if seat.user_id in ids), None)
        if group is None:
            raise access.NotAllowed("you were not on the roll when this vote opened")
        ballot = insert_once(
            lambda: m.Ballot.objects.create(
                vote=vote,
                member_id=seat.user_id,
                group=m.CouncilGroup.objects.get(code=group),
                choice=choice,
                cast_at=now_or(now),
            )
        )
        if ballot is None:
            raise RuleError(_("You have already voted."))
        audit(
            actor=actor,
            action="vote.ballot",
            obj=vote,
            summary=f"{group}: {choice}",
        )
    return ballot


def _snapshot_recommendations(opinion: m.Opinion) -> list[dict[str, object]]:
    recs = opinion.recommendations.select_related("ministry").prefetch_related(
        "indicators", "groups__dimension"
    )
    return [_rec_state(r) for r in recs]


def _snapshot_citations(opinion: m.Opinion) -> list[dict[str, object]]:
    return [c.to_dict() for c in opinion.citations.all()]


def _publish(
    opinion: m.Opinion,
    *,
    version: int,
    vote: dict[str, Any],
    actor: Actor,
    at: dt.datetime,
    note: str = "",
    note_ar: str = "",
) -> m.OpinionVersion:
    """Publish the opinion as it now is (texts, recommendations, citations) as ``version``."""
    return m.OpinionVersion.objects.create(
        opinion=opinion,
        version=version,
        published_at=at,
        published_by=user_or_none(actor),
        note=note,
        note_ar=note_ar,
        title_en=opinion.title_en,
        title_ar=opinion.title_ar,
        text_en=opinion.text_en,
        text_ar=opinion.text_ar,
        recommendations=_snapshot_recommendations(opinion),
        citations=_snapshot_citations(opinion),
        vote=vote,
    )


def close_vote(*, actor: Actor, vote: m.Vote, now: dt.datetime | None = None) -> m.Vote:
    """Count the ballots; an adopted opinion is published as version 1."""
    access.require(access.is_bureau(actor), _("Only the bureau closes plenary votes."))
    with transaction.atomic():
        vote = m.Vote.objects.select_for_update().get(pk=vote.pk)
        at = now_or(now)  # once the vote is ours: every ballot counted was cast before
        if vote.status != m.VoteStatus.OPEN:
            raise RuleError(_("The vote is already closed."))
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for group, choice in vote.ballots.values_list("group__code", "choice"):
            counts[group][choice] += 1
        result = tally(
            roll={g: len(ids) for g, ids in vote.roll.items()},
            ballots=counts,
            quorum=vote.quorum,
            majority=vote.majority,
            group_majority=vote.group_majority,
        )
        vote.status = m.VoteStatus.CLOSED
        vote.result = result.result
        vote.tally = result.to_dict()
        vote.closed_at = at
        vote.closed_by = user_or_none(actor)
        vote.save()
        opinion = m.Opinion.objects.select_for_update().get(pk=vote.opinion_id)
        referral = opinion.referral
        if result.result == m.VoteResult.ADOPTED:
            opinion.status = m.OpinionStatus.ADOPTED
            opinion.adopted_at = at
            opinion.response_due = (at + timedelta(days=rules().response_days)).date()
            opinion.save(update_fields=["status", "adopted_at", "response_due"])
            _publish(
                opinion,
                version=1,
                vote={"id": vote.pk, "closed_at": at.isoformat(), **vote.tally},
                actor=actor,
                at=at,
            )
            move(referral, m.ReferralStatus.ADOPTED, actor=actor)
        else:
            opinion.status = m.OpinionStatus.DRAFTING
            opinion.save(update_fields=["status"])
            move(referral, m.ReferralStatus.DRAFTING, actor=actor)
        audit(
            actor=actor,
            action="vote.close",
            obj=vote,
            summary=f"{referral.code}: {result.result} ({result.total.for_} for, "
            f"{result.total.against} against, {result.total.abstain} abstentions, "
            f"{result.total.cast} of {result.total.members} members)",
            after=vote.tally,
        )
    return vote


def correct_opinion(
    *,
    actor: Actor,
    opinion: m.Opinion,
    note: str,
    note_ar: str = "",
    title_en: str | None = None,
    title_ar: str | None = None,
    text_en: str | None = None,
    text_ar: str | None = None,
    recommendations: dict[int, tuple[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> m.OpinionVersion:
    """Publish a corrected version of an adopted opinion; earlier versions stay visible.

    ``recommendations`` maps a recommendation's number to its corrected
    (English, Arabic) wording: a correction fixes the text, it does not add or
    remove recommendations (that takes a new opinion).
    """
    access.require(access.is_bureau(actor), _("Only the bureau publishes corrections."))
    note = clean_text(note, field=_("correction note"), limit=2000)
    note_ar = clean_text(note_ar, field=_("correction note"), required=False, limit=2000)
    at = now_or(now)
    with transaction.atomic():
        opinion = m.Opinion.objects.select_for_update().get(pk=opinion.pk)
        if opinion.status != m.OpinionStatus.ADOPTED:
            raise RuleError(_("Only an adopted opinion is corrected."))
        last = opinion.versions.order_by("-version").first()
        if last is None:
            raise RuleError(_("The opinion has no published version."))
        before = snapshot(opinion)
        if title_en is not None:
            opinion.title_en = clean_text(title_en, field=_("title"), required=False, limit=300)
        if title_ar is not None:
            opinion.title_ar = clean_text(title_ar, field=_("title"), required=False, limit=300)
        if text_en is not None:
            opinion.text_en = clean_text(text_en, field=_("text"), required=False, limit=100_000)
        if text_ar is not None:
            opinion.text_ar = clean_text(text_ar, field=_("text"), required=False, limit=100_000)
        opinion.save()
        for number, (en, ar) in (recommendations or {}).items():
            rec = opinion.recommendations.filter(number=number).first()
            if rec is None:
                raise RuleError(_("The opinion has no recommendation %(n)s.") % {"n": number})
            _reword(rec, *_texts(en, ar, _("recommendation")))
        version = _publish(
            opinion,
            version=last.version + 1,
            vote=last.vote,
            actor=actor,
            at=at,
            note=note,
            note_ar=note_ar,
        )
        audit(
            actor=actor,
            action="opinion.correct",
            obj=version,
            object_id=f"{opinion.referral.code}/v{version.version}",
            summary=note,
            before=before,
            after=snapshot(opinion),
        )
    return version
