"""The registry's pages: caseworker search, household view, determinations, grievances, the
public eligibility check and the public grievance statistics.

Thin: each view reads the request, calls ``services`` (which check the role and
the governorate and audit the read) or ``engine``, and renders.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insaf.web.core.language import page_language
from insaf.web.registry import (
    access,
    consent,
    engine,
    explain,
    public_check,
    services,
    statistics,
)
from insaf.web.registry import forms as f
from insaf.web.registry import models as m


def _staff(request: HttpRequest) -> None:
    access.require(access.can_read_registry(request.user), "the registry is for its staff")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = request.GET.get("q", "").strip()[:200]
    found = services.search_persons(actor=request.user, query=query) if query else []
    rows = [
        {
            "name": hit.person.name,
            "national_id": services.mask(hit.person.national_id),
            "household": hit.household,
            "score": hit.score,
        }
        for hit in found
    ]
    return render(request, "registry/search.html", {"query": query, "rows": rows})


def _household(request: HttpRequest, code: str) -> m.Household:
    _staff(request)
    try:
        return services.read_household(actor=request.user, code=code, channel="page")
    except m.Household.DoesNotExist:
        raise Http404(code) from None


@login_required
def household(request: HttpRequest, code: str) -> HttpResponse:
    h = _household(request, code)
    context = engine.single_view(h, today=timezone.localdate(), language=page_language())
    context["household"] = h
    context["can_change"] = access.can_change(request.user)
    return render(request, "registry/household.html", context)


@login_required
def determination(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    h = _household(request, code)
    d = get_object_or_404(
        m.Determination.objects.select_related("ruleset__programme"), pk=pk, household=h
    )
    context = {
        "household": h,
        "determination": d,
        "programme": d.ruleset.programme.name(page_language()),
        "lines": explain.lines(d, language=page_language()),
        "reasons": explain.reasons(d.reasons, explain.instrument_labels(d, page_language())),
        "grievances": d.grievances.all(),
    }
    return render(request, "registry/determination.html", context)


@login_required
def grievances(request: HttpRequest) -> HttpResponse:
    _staff(request)
    rows = m.Grievance.objects.filter(
        household__in=access.visible_households(request.user)
    ).select_related("household")[:200]
    return render(request, "registry/grievances.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def grievance_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = f.GrievanceForm(
        request.POST or None, initial={"household": request.GET.get("household")}
    )
    if request.method == "POST" and form.is_valid():
        h = _household(request, form.cleaned_data["household"])
        latest = m.Determination.objects.filter(household=h).order_by("-created_at", "-id").first()
        g = services.lodge_grievance(
            actor=request.user,
            household=h,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            determination=latest,
        )
        return redirect("registry:grievance", code=g.code)
    return render(request, "registry/grievance_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def grievance(request: HttpRequest, code: str) -> HttpResponse:
    g = get_object_or_404(m.Grievance.objects.select_related("household"), code=code)
    _household(request, g.household.code)
    form = f.DecisionForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_change(request.user), "a registry officer decides grievances")
        if form.is_valid():
            data = form.cleaned_data
            engine.decide_grievance(
                actor=request.user,
                grievance=g,
                upheld=data["upheld"] == "yes",
                resolution=data["resolution"],
                corrections={data["variable"]: data["value"]} if data["variable"] else {},
                today=timezone.localdate(),
            )
            return redirect("registry:grievance", code=g.code)
    context = {
        "grievance": g,
        "form": form,
        "can_change": access.can_change(request.user),
        "now": timezone.now(),
    }
    return render(request, "registry/grievance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, code: str) -> HttpResponse:
    """A caseworker refers a member (or the household) to another service; with the box
    ticked, the consent given there and then is recorded first."""
    h = _household(request, code)
    current = h.members.filter(end__isnull=True).select_related("person")
    people = {ms.person.code: ms.person for ms in current}
    form = f.NewReferralForm(request.POST or None, members=[(c, p.name) for c, p in people.items()])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = people.get(data["person"]) if data["person"] else None
        try:
            engine.refer_with_consent(
                actor=request.user, household=h, person=person, consent=data["consent"],
                from_service=data["from_service"], to_service=data["to_service"],
                reason=data["reason"], today=timezone.localdate(),
            )  # fmt: skip
        except consent.NoConsentError:
            form.add_error("consent", _("Without consent to this referral, it cannot be sent."))
        else:
            return redirect("registry:household", code=h.code)
    return render(request, "registry/referral_new.html", {"household": h, "form": form})


@login_required
@require_http_methods(["POST"])
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(m.Referral.objects.select_related("household"), pk=pk)
    _household(request, r.household.code)
    form = f.ReferralForm(request.POST)
    if form.is_valid():
        services.close_referral(
            actor=request.user,
            referral=r,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
        )
    return redirect("registry:household", code=r.household.code)


@login_required
def reads(request: HttpRequest) -> HttpResponse:
    access.require(
        access.governorates(request.user) is None and access.can_read_registry(request.user),
        "the audit of reads is for auditors and registry officers",
    )
    rows = m.ReadAudit.objects.select_related("household", "person")[:300]
    return render(request, "registry/reads.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """The public "am I eligible?" check: the rules in force, run on the answers; nothing stored."""
    today, language = timezone.localdate(), page_language()
    form = public_check.CheckForm(request.POST or None, today=today, language=language)
    answers = None
    if request.method == "POST" and form.is_valid():
        answers = public_check.run(form, today=today, language=language)
    return render(request, "registry/check.html", {"form": form, "answers": answers})


def grievance_statistics(request: HttpRequest) -> HttpResponse:
    """Grievances by governorate, kind and time to resolve, after disclosure control."""
    published = statistics.published(page_language())
    published["tables"] = [
        (_("Grievances by governorate"), published["by_governorate"]),
        (_("Grievances by kind"), published["by_kind"]),
    ]
    return render(request, "registry/statistics.html", published)
