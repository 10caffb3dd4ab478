"""What the council's public pages, API and CSV list: filters and Arabic-aware search.

Nothing here writes. Search folds Arabic spelling variants and diacritics on
both sides (``insaf.observatory.search``): ``الدعم`` finds ``الدَّعم``.
Held and removed comments are never listed publicly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from insaf.observatory.search import tokens
from insaf.web.council import models as m
from insaf.web.council.accountability import overdue_filter

__all__ = [
    "comments",
    "commitments",
    "consultations",
    "latest_response",
    "opinions",
    "petitions",
    "recommendations",
    "referrals",
]


def _search(rows: QuerySet[Any], query: str, field: str = "search_text") -> QuerySet[Any]:
    for word in tokens(query or "")[:10]:
        rows = rows.filter(**{f"{field}__contains": word})
    return rows


def referrals(*, status: str = "", kind: str = "", q: str = "") -> QuerySet[m.Referral]:
    rows = m.Referral.objects.select_related("ministry")
    if status in m.ReferralStatus.values:
        rows = rows.filter(status=status)
    if kind in m.ReferralKind.values:
        rows = rows.filter(kind=kind)
    return _search(rows, q)


def consultations(*, state: str = "", q: str = "", now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    rows = m.Consultation.objects.select_related("referral")
    if state == "open":
        rows = rows.filter(opens_at__lte=now, closes_at__gt=now)
    elif state == "closed":
        rows = rows.filter(closes_at__lte=now)
    elif state == "upcoming":
        rows = rows.filter(opens_at__gt=now)
    if q:
        found = _search(m.Referral.objects.all(), q).values("pk")
        hits = _search(m.Comment.objects.filter(status=m.CommentStatus.VISIBLE), q)
        rows = rows.filter(
            Q(referral__in=found) | Q(pk__in=hits.values("consultation_id"))
        ).distinct()
    return rows


def comments(consultation: m.Consultation, *, q: str = "", order: str = "") -> Any:
    rows = consultation.comments.filter(status=m.CommentStatus.VISIBLE).select_related("author")
    rows = _search(rows, q)
    if order == "supports":
        return rows.order_by("-supports", "created_at", "id")
    return rows.order_by("created_at", "id")


def opinions(*, q: str = "") -> QuerySet[m.Opinion]:
    rows = m.Opinion.objects.filter(status=m.OpinionStatus.ADOPTED).select_related("referral")
    if q:
        referrals_found = _search(m.Referral.objects.all(), q).values("pk")
        recs = _search(m.Recommendation.objects.all(), q).values("opinion_id")
        rows = rows.filter(Q(referral__in=referrals_found) | Q(pk__in=recs))
    return rows.order_by("-adopted_at")


def recommendations(
    *, verdict: str = "", ministry: str = "", q: str = "", indicator: str = ""
) -> QuerySet[m.Recommendation]:
    """Recommendations of adopted opinions with their responses (latest version first)."""
    rows = (
        m.Recommendation.objects.filter(opinion__status=m.OpinionStatus.ADOPTED)
        .select_related("opinion__referral", "ministry")
        .prefetch_related(
            Prefetch("responses", queryset=m.Response.objects.order_by("-version")),
            "indicators",
            "groups__dimension",
        )
        .order_by("-opinion__adopted_at", "number")
    )
    if ministry:
        rows = rows.filter(ministry__code=ministry)
    if indicator:
        rows = rows.filter(indicators__code=indicator)
    if verdict == "none":
        rows = rows.filter(responses__isnull=True)
    elif verdict in m.Verdict.values:
        # the latest version's verdict: no later version with another verdict
        ids = [r.pk for r in rows if (latest_response(r) or _NONE).verdict == verdict]
        rows = rows.filter(pk__in=ids)
    return _search(rows, q)


class _None:
    verdict = ""


_NONE = _None()


def latest_response(rec: m.Recommendation) -> m.Response | None:
    responses = list(rec.responses.all())
    return max(responses, key=lambda r: r.version) if responses else None


def commitments(
    *, status: str = "", ministry: str = "", q: str = "", overdue: bool = False
) -> QuerySet[m.Commitment]:
    rows = m.Commitment.objects.select_related("ministry", "recommendation__opinion__referral")
    if status in m.CommitmentStatus.values:
        rows = rows.filter(status=status)
    if ministry:
        rows = rows.filter(ministry__code=ministry)
    if overdue:
        rows = rows.filter(overdue_filter(timezone.localdate()))
    return _search(rows, q).order_by("deadline", "id")


def petitions(*, status: str = "", q: str = "") -> QuerySet[m.Petition]:
    rows = m.Petition.objects.select_related("ministry", "referral")
    now = timezone.now()
    if status == m.PetitionStatus.OPEN:
        rows = rows.filter(status=m.PetitionStatus.OPEN, closes_at__gt=now)
    elif status == m.PetitionStatus.EXPIRED:
        rows = rows.filter(
            Q(status=m.PetitionStatus.EXPIRED) | Q(status=m.PetitionStatus.OPEN, closes_at__lte=now)
        )
    elif status == m.PetitionStatus.SUCCEEDED:
        rows = rows.filter(status=status)
    return _search(rows, q)


def petition_status(petition: m.Petition, now: dt.datetime | None = None) -> str:
    """The status as of now (an open petition past its end is shown as closed)."""
    now = now or timezone.now()
    if petition.status == m.PetitionStatus.OPEN and petition.closes_at <= now:
        return str(m.PetitionStatus.EXPIRED)
    return str(petition.status)
