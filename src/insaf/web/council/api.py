"""The council's JSON API (read-only; OpenAPI at ``/api/openapi.json``).

Referrals, impact statements, comments (published ones), opinions with every
published version, recommendations with every version of the government's
response, commitments with their history and indicator movement, the
accountability dashboard and petitions. People appear by the name they show
publicly; no account identifier, e-mail or address is exposed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from insaf.web.core.api import Pagination, TextOut, Whole, answers
from insaf.web.council import accountability, presentation, queries
from insaf.web.council import models as m

router = Router(tags=["council"])


class ReferralOut(Schema):
    code: str
    kind: str
    status: str
    title: TextOut
    summary: TextOut
    ministry: str
    received_at: str
    opinion_deadline: str | None
    rapporteur: str | None
    statements: list[int] = Field(description="versions of the impact statement")
    consultation: dict[str, Any] | None
    opinion: dict[str, Any] | None


class StatementOut(Schema):
    referral: str
    version: int
    published_at: str
    note: str
    note_ar: str = Field(description="the correction note in Arabic")
    reform: str
    scenario_name: str
    scenario_sha256: str
    survey: dict[str, Any]
    survey_fingerprint: str
    insaf_version: str
    impact: dict[str, Any] = Field(description="impact.json as the policy engine wrote it")


class CommentOut(Schema):
    id: int
    kind: str
    author: str
    text: str
    created_at: str
    supports: int


class OpinionVersionOut(Schema):
    version: int
    published_at: str
    note: str
    note_ar: str = Field(description="the correction note in Arabic")
    title: TextOut
    text: TextOut
    recommendations: list[dict[str, Any]]
    citations: list[dict[str, Any]] = Field(
        description="the rights findings of the referral's impact statements the opinion cites"
    )
    vote: dict[str, Any]


class OpinionOut(Schema):
    referral: str
    status: str
    adopted_at: str | None
    response_due: str | None
    versions: list[OpinionVersionOut]


class ResponseOut(Schema):
    version: int
    verdict: str
    justification: str
    ministry: str
    published_at: str
    note: str
    note_ar: str = Field(description="the correction note in Arabic")


class RecommendationOut(Schema):
    id: str = Field(description="<referral>/<number>")
    referral: str
    number: int
    text: TextOut
    ministry: str
    indicators: list[str]
    groups: list[str]
    response: str | None = Field(description="the latest version's verdict")
    responses: list[ResponseOut]


class CommitmentOut(Schema):
    id: int
    recommendation: str
    title: str
    title_ar: str
    description: str
    description_ar: str
    ministry: str
    owner: str
    owner_ar: str
    deadline: str
    status: str
    overdue: bool
    baseline_period: int
    created_at: str
    milestones: list[dict[str, Any]]
    history: list[dict[str, Any]]
    indicators: list[dict[str, Any]] = Field(
        description="movement since the baseline year with its 95% interval and verdict"
    )


class RightOut(Schema):
    right: str
    commitments: int
    completed: int
    overdue: int
    movements: dict[str, int]


class DashboardOut(Schema):
    recommendations: int
    answered: int
    answered_on_time: int
    response_rate: float | None
    verdicts: dict[str, int]
    commitments: int
    completed: int
    implementation_rate: float | None
    overdue: int
    statuses: dict[str, int]
    movements: dict[str, int]
    rights: list[RightOut]


class PetitionOut(Schema):
    id: int
    title: str
    text: str
    ministry: str
    opens_at: str
    closes_at: str
    threshold: int
    signatures: int
    status: str
    referral: str | None


def _text(obj: Any, name: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{name}_en"), "ar": getattr(obj, f"{name}_ar")}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _referral(r: m.Referral) -> dict[str, Any]:
    consultation = getattr(r, "consultation", None)
    opinion = getattr(r, "opinion", None)
    return {
        "code": r.code,
        "kind": r.kind,
        "status": r.status,
        "title": _text(r, "title"),
        "summary": _text(r, "summary"),
        "ministry": r.ministry.code,
        "received_at": r.received_at.isoformat(),
        "opinion_deadline": _iso(r.opinion_deadline),
        "rapporteur": presentation.display_name(r.rapporteur) if r.rapporteur else None,
        "statements": sorted(s.version for s in r.statements.all()),
        "consultation": {
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "open": consultation.is_open(),
            "question": _text(consultation, "question"),
        }
        if consultation is not None
        else None,
        "opinion": {"status": opinion.status, "adopted_at": _iso(opinion.adopted_at)}
        if opinion is not None
        else None,
    }


@router.get("/referrals", response=answers(list[ReferralOut]))
@paginate(Pagination)
def list_referrals(
    request: HttpRequest, status: str = "", kind: str = "", q: str = ""
) -> list[dict[str, Any]]:
    rows = (
        queries.referrals(status=status, kind=kind, q=q)
        .select_related("rapporteur", "consultation", "opinion")
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=m.ImpactStatement.objects.only("id", "referral_id", "version"),
            )
        )
    )
    return [_referral(r) for r in rows]


@router.get("/referrals/{code}", response=answers(ReferralOut, lookup=True))
def get_referral(request: HttpRequest, code: str) -> dict[str, Any]:
    return _referral(get_object_or_404(m.Referral, code=code))


@router.get("/referrals/{code}/impact/{version}", response=answers(StatementOut, lookup=True))
def get_statement(request: HttpRequest, code: str, version: Whole) -> dict[str, Any]:
    statement = get_object_or_404(m.ImpactStatement, referral__code=code, version=version)
    return {**presentation.statement_record(statement), "impact": statement.impact}


@router.get("/referrals/{code}/comments", response=answers(list[CommentOut], lookup=True))
@paginate(Pagination)
def list_comments(request: HttpRequest, code: str, q: str = "") -> list[dict[str, Any]]:
    consultation = get_object_or_404(m.Consultation, referral__code=code)
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "author": presentation.display_name(c.author),
            "text": c.text,
            "created_at": c.created_at.isoformat(),
            "supports": c.supports,
        }
        for c in queries.comments(consultation, q=q)
    ]


def _opinion(o: m.Opinion) -> dict[str, Any]:
    return {
        "referral": o.referral.code,
        "status": o.status,
        "adopted_at": _iso(o.adopted_at),
        "response_due": _iso(o.response_due),
        "versions": [
            {
                "version": v.version,
                "published_at": v.published_at.isoformat(),
                "note": v.note,
                "note_ar": v.note_ar,
                "title": _text(v, "title"),
                "text": _text(v, "text"),
                "recommendations": v.recommendations,
                "citations": v.citations,
                "vote": v.vote,
            }
            for v in o.versions.order_by("-version")
        ],
    }


@router.get("/opinions", response=answers(list[OpinionOut]))
@paginate(Pagination)
def list_opinions(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [_opinion(o) for o in queries.opinions(q=q).prefetch_related("versions")]


@router.get("/referrals/{code}/opinion", response=answers(OpinionOut, lookup=True))
def get_opinion(request: HttpRequest, code: str) -> dict[str, Any]:
    opinion = get_object_or_404(m.Opinion, referral__code=code, status=m.OpinionStatus.ADOPTED)
    return _opinion(opinion)


def _recommendation(r: m.Recommendation) -> dict[str, Any]:
    responses = sorted(r.responses.all(), key=lambda x: -x.version)
    return {
        "id": f"{r.opinion.referral.code}/{r.number}",
        "referral": r.opinion.referral.code,
        "number": r.number,
        "text": _text(r, "text"),
        "ministry": r.ministry.code,
        "indicators": [i.code for i in r.indicators.all()],
        "groups": [str(c) for c in r.groups.all()],
        "response": responses[0].verdict if responses else None,
        "responses": [
            {
                "version": x.version,
                "verdict": x.verdict,
                "justification": x.justification,
                "ministry": r.ministry.code,
                "published_at": x.published_at.isoformat(),
                "note": x.note,
                "note_ar": x.note_ar,
            }
            for x in responses
        ],
    }


@router.get("/recommendations", response=answers(list[RecommendationOut]))
@paginate(Pagination)
def list_recommendations(
    request: HttpRequest,
    verdict: str = "",
    ministry: str = "",
    indicator: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    rows = queries.recommendations(verdict=verdict, ministry=ministry, indicator=indicator, q=q)
    return [_recommendation(r) for r in rows]


@router.get(
    "/referrals/{code}/recommendations/{number}", response=answers(RecommendationOut, lookup=True)
)
def get_recommendation(request: HttpRequest, code: str, number: Whole) -> dict[str, Any]:
    rec = get_object_or_404(queries.recommendations(), opinion__referral__code=code, number=number)
    return _recommendation(rec)


def _commitment(c: m.Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "recommendation": f"{c.recommendation.opinion.referral.code}/{c.recommendation.number}",
        "title": c.title,
        "title_ar": c.title_ar,
        "description": c.description,
        "description_ar": c.description_ar,
        "ministry": c.ministry.code,
        "owner": c.owner,
        "owner_ar": c.owner_ar,
        "deadline": c.deadline.isoformat(),
        "status": c.status,
        "overdue": c.is_overdue(),
        "baseline_period": c.baseline_period,
        "created_at": c.created_at.isoformat(),
        "milestones": [
            {
                "title": s.title,
                "title_ar": s.title_ar,
                "due": s.due.isoformat(),
                "done": _iso(s.done_at),
            }
            for s in c.milestones.all()
        ],
        "history": [
            {"status": h.status, "note": h.note, "note_ar": h.note_ar, "at": h.at.isoformat()}
            for h in c.history.all()
        ],
        "indicators": [mv.to_dict() for mv in accountability.commitment_movements(c)],
    }


@router.get("/commitments", response=answers(list[CommitmentOut]))
@paginate(Pagination)
def list_commitments(
    request: HttpRequest, status: str = "", ministry: str = "", overdue: bool = False, q: str = ""
) -> list[dict[str, Any]]:
    rows = queries.commitments(status=status, ministry=ministry, overdue=overdue, q=q)
    return [_commitment(c) for c in rows.prefetch_related("milestones", "history")]


@router.get("/commitments/{pk}", response=answers(CommitmentOut, lookup=True))
def get_commitment(request: HttpRequest, pk: Whole) -> dict[str, Any]:
    return _commitment(get_object_or_404(queries.commitments(), pk=pk))


@router.get("/accountability", response=answers(DashboardOut, lookup=True))
def get_dashboard(request: HttpRequest, ministry: str = "") -> dict[str, Any]:
    found = get_object_or_404(m.Ministry, code=ministry) if ministry else None
    board = accountability.dashboard(ministry=found)
    return {
        "recommendations": board.recommendations,
        "answered": board.answered,
        "answered_on_time": board.answered_on_time,
        "response_rate": board.response_rate,
        "verdicts": board.verdicts,
        "commitments": board.commitments,
        "completed": board.completed,
        "implementation_rate": board.implementation_rate,
        "overdue": board.overdue,
        "statuses": board.statuses,
        "movements": board.movements,
        "rights": [r.to_dict() for r in board.rights],
    }


@router.get("/petitions", response=answers(list[PetitionOut]))
@paginate(Pagination)
def list_petitions(request: HttpRequest, status: str = "", q: str = "") -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "title": p.title,
            "text": p.text,
            "ministry": p.ministry.code,
            "opens_at": p.opens_at.isoformat(),
            "closes_at": p.closes_at.isoformat(),
            "threshold": p.threshold,
            "signatures": p.signatures,
            "status": queries.petition_status(p),
            "referral": p.referral.code if p.referral else None,
        }
        for p in queries.petitions(status=status, q=q)
    ]
