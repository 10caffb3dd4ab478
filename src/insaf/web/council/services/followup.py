"""The government's response to each recommendation, and the commitments that follow.

Only the focal point of the ministry a recommendation is addressed to may
answer it or report on its commitments. A response is a published version: a
correction is the next version, with a note; the first stays visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from insaf.web.core.services import snapshot
from insaf.web.council import access
from insaf.web.council import models as m
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
from insaf.web.council.services.referrals import move
from insaf.web.observatory.models import Indicator, Observation

__all__ = [
    "Milestone",
    "Track",
    "add_milestone",
    "change_commitment_status",
    "complete_milestone",
    "make_commitment",
    "respond",
]

Track = tuple[Indicator, str, str]
"""(indicator, disaggregation key or '' for the total, expected direction)."""
Milestone = tuple[str, dt.date] | tuple[str, str, dt.date]
"""(title, due) or (title, title in Arabic, due)."""


def _answers_for(actor: Actor, ministry: m.Ministry) -> None:
    access.require(
        access.answers_for(actor, ministry.pk),
        _("Only the focal point of the ministry concerned may do this."),
    )


def respond(
    *,
    actor: Actor,
    recommendation: m.Recommendation,
    verdict: str,
    justification: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> m.Response:
    """Accept, partly accept or reject one recommendation, with a justification."""
    _answers_for(actor, recommendation.ministry)
    if verdict not in m.Verdict.values:
        raise RuleError(_("Unknown response %(value)r.") % {"value": verdict})
    why = clean_text(justification, field=_("justification"), limit=5000)
    at = now_or(now)
    with transaction.atomic():
        recommendation = m.Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        opinion = recommendation.opinion
        if opinion.status != m.OpinionStatus.ADOPTED:
            raise RuleError(_("The government responds to adopted opinions only."))
        response = m.Response.objects.create(
            recommendation=recommendation,
            ministry=recommendation.ministry,
            verdict=verdict,
            justification=why,
            **publication(
                recommendation.responses,
                why=_("A corrected response says why (the correction note)."),
                actor=actor,
                at=at,
                note=note,
            ),
        )
        audit(
            actor=actor,
            action="response.publish",
            obj=response,
            object_id=f"{recommendation}/v{response.version}",
            summary=f"{verdict}: {why[:200]}",
        )
        referral = m.Referral.objects.select_for_update().get(pk=opinion.referral_id)
        unanswered = opinion.recommendations.filter(responses__isnull=True).exists()
        if not unanswered and referral.status == m.ReferralStatus.ADOPTED:
            move(referral, m.ReferralStatus.RESPONDED, actor=actor)
    return response


def _periods(indicator: Indicator, key: str) -> list[int]:
    return list(
        Observation.objects.filter(indicator=indicator, key=key)
        .values_list("period", flat=True)
        .distinct()
    )


def make_commitment(
    *,
    actor: Actor,
    recommendation: m.Recommendation,
    title: str,
    owner: str,
    deadline: dt.date,
    baseline_period: int,
    tracked: Sequence[Track],
    description: str = "",
    title_ar: str = "",
    owner_ar: str = "",
    description_ar: str = "",
    milestones: Iterable[Milestone] = (),
    now: dt.datetime | None = None,
) -> m.Commitment:
    """Turn an accepted (or partly accepted) recommendation into a commitment.

    Texts are English and, in ``*_ar``, Arabic; a milestone is ``(title, due)``
    or ``(title, title in Arabic, due)``.
    """
    _answers_for(actor, recommendation.ministry)
    title = clean_text(title, field=_("commitment"), limit=300)
    owner = clean_text(owner, field=_("owner"), limit=200)
    description = clean_text(description, field=_("description"), required=False, limit=5000)
    title_ar = clean_text(title_ar, field=_("commitment"), required=False, limit=300)
    owner_ar = clean_text(owner_ar, field=_("owner"), required=False, limit=200)
    description_ar = clean_text(description_ar, field=_("description"), required=False, limit=5000)
    if not tracked:
        raise RuleError(_("Link the commitment to at least one observatory indicator."))
    for indicator, key, expected in tracked:
        if expected not in m.Expected.values:
            raise RuleError(
                _("%(code)s: unknown expected direction %(value)r.")
                % {"code": indicator.code, "value": expected}
            )
        if not _periods(indicator, key):
            raise RuleError(
                _("%(code)s: the observatory publishes no series %(key)r.")
                % {"code": indicator.code, "key": key or "total"}
            )
    at = now_or(now)
    with transaction.atomic():
        recommendation = m.Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        response = recommendation.responses.order_by("-version").first()
        if response is None or response.verdict == m.Verdict.REJECTED:
            raise RuleError(
                _("Only an accepted or partly accepted recommendation becomes a commitment.")
            )
        commitment = m.Commitment.objects.create(
            recommendation=recommendation,
            ministry=recommendation.ministry,
            title=title,
            title_ar=title_ar,
            description=description,
            description_ar=description_ar,
            owner=owner,
            owner_ar=owner_ar,
            deadline=deadline,
            baseline_period=baseline_period,
            created_at=at,
            created_by=user_or_none(actor),
            search_text=searchable(title, title_ar, description, description_ar, owner, owner_ar),
        )
        for indicator, key, expected in tracked:
            m.TrackedIndicator.objects.create(
                commitment=commitment, indicator=indicator, key=key, expected=expected
            )
        for milestone in milestones:
            name, due = milestone[0], milestone[-1]
            name_ar = str(milestone[1]) if len(milestone) == 3 else ""
            _create_milestone(commitment, title=name, title_ar=name_ar, due=due)
        _log_status(commitment, actor=actor, at=at)
        audit(
            actor=actor,
            action="commitment.make",
            obj=commitment,
            summary=f"{recommendation}: {title}",
            after={
                **snapshot(commitment),
                "tracked": [(i.code, k, e) for i, k, e in tracked],
            },
        )
    return commitment


def _create_milestone(
    commitment: m.Commitment, *, title: str, title_ar: str, due: dt.date
) -> m.Milestone:
    """A milestone of ``commitment``, its titles cleaned as typed by a person."""
    return m.Milestone.objects.create(
        commitment=commitment,
        title=clean_text(title, field=_("milestone"), limit=300),
        title_ar=clean_text(title_ar, field=_("milestone"), required=False, limit=300),
        due=due,
    )


def _log_status(
    commitment: m.Commitment, *, actor: Actor, at: dt.datetime, note: str = "", note_ar: str = ""
) -> m.StatusChange:
    """The commitment's status as it now is, added to its history."""
    return m.StatusChange.objects.create(
        commitment=commitment,
        status=commitment.status,
        note=note,
        note_ar=note_ar,
        at=at,
        by=user_or_none(actor),
    )


def change_commitment_status(
    *,
    actor: Actor,
    commitment: m.Commitment,
    status: str,
    note: str,
    note_ar: str = "",
    now: dt.datetime | None = None,
) -> m.Commitment:
    """Report progress: a new status with a note (English, and Arabic in ``note_ar``),
    kept in the commitment's history."""
    _answers_for(actor, commitment.ministry)
    if status not in m.CommitmentStatus.values:
        raise RuleError(_("Unknown status %(value)r.") % {"value": status})
    note = clean_text(note, field=_("note"), limit=2000)
    note_ar = clean_text(note_ar, field=_("note"), required=False, limit=2000)
    at = now_or(now)
    with transaction.atomic():
        commitment = m.Commitment.objects.select_for_update().get(pk=commitment.pk)
        before = commitment.status
        commitment.status = status
        commitment.save(update_fields=["status"])
        _log_status(commitment, actor=actor, at=at, note=note, note_ar=note_ar)
        audit(
            actor=actor,
            action="commitment.status",
            obj=commitment,
            summary=note,
            before={"status": before},
            after={"status": status},
        )
    return commitment


def add_milestone(
    *, actor: Actor, commitment: m.Commitment, title: str, due: dt.date, title_ar: str = ""
) -> m.Milestone:
    _answers_for(actor, commitment.ministry)
    with transaction.atomic():
        milestone = _create_milestone(commitment, title=title, title_ar=title_ar, due=due)
        audit(actor=actor, action="milestone.add", obj=milestone, summary=milestone.title)
    return milestone


def complete_milestone(*, actor: Actor, milestone: m.Milestone, done_on: dt.date) -> m.Milestone:
    _answers_for(actor, milestone.commitment.ministry)
    with transaction.atomic():
        milestone = m.Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_at is not None:
            raise RuleError(_("This milestone is already done."))
        milestone.done_at = done_on
        milestone.save(update_fields=["done_at"])
        audit(actor=actor, action="milestone.done", obj=milestone, summary=str(done_on))
    return milestone
