"""The council's public pages, printable documents and CSV downloads.

Thin: read the request, call ``queries``, ``accountability`` or ``services``,
render. Every page is readable without an account; forms on these pages are
shown to those who may use them (the services check again).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insaf.web.core.downloads import csv_download
from insaf.web.council import access, accountability, presentation, queries
from insaf.web.council import forms as f
from insaf.web.council import models as m
from insaf.web.council.citations import cited

PAGE = 25


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:200]


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))


def _layout(request: HttpRequest) -> str:
    """The printable page (no navigation, no forms) with ``?print=1``."""
    if request.GET.get("print") == "1":
        return "council/print_base.html"
    return "council/base_council.html"


def _referral(code: str) -> m.Referral:
    return get_object_or_404(m.Referral.objects.select_related("ministry", "rapporteur"), code=code)


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "open_consultations": queries.consultations(state="open", now=now)[:5],
        "petitions": queries.petitions(status=m.PetitionStatus.OPEN)[:5],
        "opinions": queries.opinions()[:5],
        "referrals": m.Referral.objects.select_related("ministry")[:5],
        "board": accountability.dashboard(),
    }
    return render(request, "council/home.html", context)


def referral_list(request: HttpRequest) -> HttpResponse:
    status, kind, q = request.GET.get("status", ""), request.GET.get("kind", ""), _q(request)
    rows = queries.referrals(status=status, kind=kind, q=q)
    context = {
        "page": _page(request, rows),
        "status": status,
        "kind": kind,
        "query": q,
        "statuses": m.ReferralStatus.choices,
        "kinds": m.ReferralKind.choices,
    }
    return render(request, "council/referral_list.html", context)


def referral_detail(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    context = presentation.referral_context(referral, request.user)
    return render(request, "council/referral_detail.html", context)


def attachment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    row = get_object_or_404(m.Attachment, referral__code=code, pk=pk)
    response = HttpResponse(bytes(row.data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{code}-{row.pk}.pdf"'
    return response


def _statement(code: str, version: int) -> m.ImpactStatement:
    return get_object_or_404(
        m.ImpactStatement.objects.select_related("referral"), referral__code=code, version=version
    )


def impact_statement(request: HttpRequest, code: str, version: int) -> HttpResponse:
    statement = _statement(code, version)
    context = {
        "statement": statement,
        "referral": statement.referral,
        "versions": statement.referral.statements.order_by("-version"),
        "impact": presentation.impact_summary(statement),
        "budget_change": presentation.budget_change(statement),
        "layout": _layout(request),
    }
    return render(request, "council/impact.html", context)


# The stored brief is a self-contained page with its own inline styles: it gets a policy
# that allows those styles and nothing else (no script, no outside source, no framing).
BRIEF_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def impact_brief(request: HttpRequest, code: str, version: int, lang: str) -> HttpResponse:
    statement = _statement(code, version)
    if lang not in ("ar", "en"):
        raise Http404
    response = HttpResponse(
        statement.brief_ar if lang == "ar" else statement.brief_en,
        content_type="text/html; charset=utf-8",
    )
    response["Content-Security-Policy"] = BRIEF_POLICY
    return response


def impact_json(request: HttpRequest, code: str, version: int) -> HttpResponse:
    statement = _statement(code, version)
    from django.http import JsonResponse

    return JsonResponse(
        {
            **presentation.statement_record(statement),
            "impact": statement.impact,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def impact_scenario(request: HttpRequest, code: str, version: int) -> HttpResponse:
    statement = _statement(code, version)
    response = HttpResponse(statement.scenario_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-v{version}-scenario.yaml"'
    return response


def consultation_list(request: HttpRequest) -> HttpResponse:
    state, q = request.GET.get("state", ""), _q(request)
    rows = queries.consultations(state=state, q=q)
    return render(
        request,
        "council/consultation_list.html",
        {"page": _page(request, rows), "state": state, "query": q, "now": timezone.now()},
    )


def consultation(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    item = getattr(referral, "consultation", None)
    if item is None:
        raise Http404
    return render(
        request, "council/consultation.html", presentation.consultation_context(request, item)
    )


def opinion_list(request: HttpRequest) -> HttpResponse:
    q = _q(request)
    return render(
        request,
        "council/opinion_list.html",
        {"page": _page(request, queries.opinions(q=q)), "query": q},
    )


def opinion(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    referral = _referral(code)
    item = getattr(referral, "opinion", None)
    if item is None:
        raise Http404
    versions = list(item.versions.order_by("-version"))
    if version is not None:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            raise Http404
    else:
        shown = versions[0] if versions else None
    context = {
        "referral": referral,
        "opinion": item,
        "shown": shown,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "recommendations": presentation.version_recommendations(item, shown),
        "citations": [(None, cited(c, request.LANGUAGE_CODE or "")) for c in shown.citations]
        if shown is not None
        else [],
        "layout": _layout(request),
        "group_names": {g.code: g for g in m.CouncilGroup.objects.all()},
        "can_draft": access.can_draft(request.user, referral),
    }
    return render(request, "council/opinion.html", context)


def recommendation(request: HttpRequest, code: str, number: int) -> HttpResponse:
    rec = get_object_or_404(
        m.Recommendation.objects.select_related("opinion__referral", "ministry").prefetch_related(
            Prefetch("responses", queryset=m.Response.objects.order_by("-version")),
            "indicators",
            "groups__dimension",
        ),
        opinion__referral__code=code,
        number=number,
        opinion__status=m.OpinionStatus.ADOPTED,
    )
    context = {
        "rec": rec,
        "referral": rec.opinion.referral,
        "responses": list(rec.responses.all()),
        "latest": queries.latest_response(rec),
        "commitments": rec.commitments.all(),
        "can_respond": access.answers_for(request.user, rec.ministry_id),
        "form": f.ResponseForm(),
    }
    return render(request, "council/recommendation.html", context)


def response_list(request: HttpRequest) -> HttpResponse:
    verdict, ministry, q = (
        request.GET.get("verdict", ""),
        request.GET.get("ministry", ""),
        _q(request),
    )
    rows = queries.recommendations(verdict=verdict, ministry=ministry, q=q)
    context = {
        "page": _page(request, rows),
        "verdict": verdict,
        "ministry": ministry,
        "query": q,
        "verdicts": m.Verdict.choices,
        "ministries": m.Ministry.objects.all(),
    }
    return render(request, "council/response_list.html", context)


def commitment_list(request: HttpRequest) -> HttpResponse:
    status, ministry, q = (
        request.GET.get("status", ""),
        request.GET.get("ministry", ""),
        _q(request),
    )
    overdue = request.GET.get("overdue") == "1"
    rows = queries.commitments(status=status, ministry=ministry, q=q, overdue=overdue)
    context = {
        "page": _page(request, rows),
        "status": status,
        "ministry": ministry,
        "overdue": overdue,
        "query": q,
        "statuses": m.CommitmentStatus.choices,
        "ministries": m.Ministry.objects.all(),
        "today": timezone.localdate(),
    }
    return render(request, "council/commitment_list.html", context)


def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        m.Commitment.objects.select_related("ministry", "recommendation__opinion__referral"), pk=pk
    )
    return render(
        request, "council/commitment.html", presentation.commitment_context(request, item)
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    ministry = None
    code = request.GET.get("ministry", "")
    if code:
        ministry = get_object_or_404(m.Ministry, code=code)
    board = accountability.dashboard(ministry=ministry)
    return render(
        request,
        "council/dashboard.html",
        {
            "board": board,
            "ministry": ministry,
            "ministries": m.Ministry.objects.all(),
        },
    )


def petition_list(request: HttpRequest) -> HttpResponse:
    status, q = request.GET.get("status", ""), _q(request)
    rows = queries.petitions(status=status, q=q)
    return render(
        request,
        "council/petition_list.html",
        {
            "page": _page(request, rows),
            "status": status,
            "query": q,
            "statuses": m.PetitionStatus.choices,
            "can_start": access.is_verified(request.user),
        },
    )


def petition(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(m.Petition.objects.select_related("ministry", "referral"), pk=pk)
    signed = (
        request.user.is_authenticated
        and m.Signature.objects.filter(petition=item, user_id=request.user.pk).exists()
    )
    return render(
        request,
        "council/petition.html",
        {
            "petition": item,
            "status": queries.petition_status(item),
            "signed": signed,
            "verified": access.is_verified(request.user),
            "share": min(100, round(100 * item.signatures / item.threshold))
            if item.threshold
            else 0,
        },
    )


# -- CSV ------------------------------------------------------------------------------------


@require_GET
def referrals_csv(request: HttpRequest) -> Any:
    rows = queries.referrals(
        status=request.GET.get("status", ""), kind=request.GET.get("kind", ""), q=_q(request)
    )
    return csv_download(
        "insaf-council-referrals.csv",
        presentation.REFERRAL_COLUMNS,
        (presentation.referral_row(r) for r in rows),
    )


@require_GET
def recommendations_csv(request: HttpRequest) -> Any:
    rows = queries.recommendations(
        verdict=request.GET.get("verdict", ""),
        ministry=request.GET.get("ministry", ""),
        q=_q(request),
    )
    return csv_download(
        "insaf-council-recommendations.csv",
        presentation.RECOMMENDATION_COLUMNS,
        (presentation.recommendation_row(r) for r in rows),
    )


@require_GET
def commitments_csv(request: HttpRequest) -> Any:
    rows = queries.commitments(
        status=request.GET.get("status", ""),
        ministry=request.GET.get("ministry", ""),
        q=_q(request),
        overdue=request.GET.get("overdue") == "1",
    ).prefetch_related("tracked__indicator")
    return csv_download(
        "insaf-council-commitments.csv",
        presentation.COMMITMENT_COLUMNS,
        (line for c in rows for line in presentation.commitment_rows(c)),
    )
