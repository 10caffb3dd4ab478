"""The council's forms and workspaces: every POST goes through a service.

Thin: validate the form, call the service with ``request.user`` as the actor,
show what happened. A refused step (``RuleError``) is shown as a message; a
missing role is HTTP 403 (``NotAllowed``); a rate limit is HTTP 429.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insaf.errors import InsafError
from insaf.web.core.errors import error_text
from insaf.web.council import access, presentation, queries, services
from insaf.web.council import forms as f
from insaf.web.council import models as m
from insaf.web.council.citations import cited
from insaf.web.council.demo import example_scenario
from insaf.web.council.services import RateLimited, RuleError

RETRY_AFTER = "3600"
"""Seconds a rate-limited account waits (the limits count the last hour's actions)."""


def _login(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return redirect(f"{reverse('accounts:login')}?next={request.path}")


def _run(request: HttpRequest, step: Callable[[], Any], done: str) -> Any:
    """Run a service; show ``done`` or the reason it was refused. ``None`` when refused."""
    try:
        result = step()
    except RateLimited as exc:
        messages.error(request, str(exc))
        request.rate_limited = True  # type: ignore[attr-defined]
        return None
    except RuleError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done)
    return result if result is not None else True


def _run_form(
    request: HttpRequest,
    form_class: type[forms.Form],
    step: Callable[[dict[str, Any]], Any],
    done: str,
    invalid: str,
) -> None:
    """``step`` on the posted form's cleaned data, or ``invalid`` said when it does not validate."""
    form = form_class(request.POST)
    if form.is_valid():
        _run(request, lambda: step(form.cleaned_data), done)
    else:
        messages.error(request, invalid)


def _saved(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[..., Any],
    done: str,
    **known: Any,
) -> bool:
    """``service(actor=…, **known, **form's data)`` when the posted ``form`` validates; ``True``
    when it ran (``done`` said), ``False`` when the form or the service refused."""
    return form.is_valid() and bool(
        _run(request, lambda: service(actor=request.user, **known, **form.cleaned_data), done)
    )


def _referral(code: str) -> m.Referral:
    return get_object_or_404(m.Referral, code=code)


# -- referrals ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    access.require(access.is_bureau(request.user), _("Only the bureau registers referrals."))
    form = f.ReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def step() -> m.Referral:
            referral = services.register_referral(
                actor=request.user,
                kind=data["kind"],
                ministry=data["ministry"],
                title_en=data["title_en"],
                title_ar=data["title_ar"],
                summary_en=data["summary_en"],
                summary_ar=data["summary_ar"],
                opinion_deadline=data["opinion_deadline"],
            )
            if data.get("document") is not None:
                services.attach_document(
                    actor=request.user,
                    referral=referral,
                    name=data["document"].name,
                    data=data["document"].read(),
                )
            return referral

        referral = _run(request, step, _("Referral registered."))
        if referral is not None:
            return redirect("council:referral", code=referral.code)
    return render(request, "council/referral_form.html", {"form": form})


@require_POST
def referral_rapporteur(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    _run_form(
        request,
        f.RapporteurForm,
        lambda data: services.assign_rapporteur(
            actor=request.user, referral=referral, rapporteur=data["rapporteur"]
        ),
        _("Rapporteur appointed."),
        _("Choose a council member."),
    )
    return redirect("council:referral", code=code)


@require_POST
def consultation_open(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    form = f.ConsultationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: services.open_consultation(
                actor=request.user,
                referral=referral,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                question_en=data["question_en"],
                question_ar=data["question_ar"],
            ),
            _("Consultation scheduled."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("council:referral", code=code)


@require_POST
def consultation_close(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    consultation = get_object_or_404(m.Consultation, referral=referral)
    _run(
        request,
        lambda: services.close_consultation(actor=request.user, consultation=consultation),
        _("Consultation closed."),
    )
    return redirect("council:consultation", code=code)


@require_POST
def drafting_start(request: HttpRequest, code: str) -> HttpResponse:
    referral = _referral(code)
    if _run(
        request,
        lambda: services.start_drafting(actor=request.user, referral=referral),
        _("Drafting started."),
    ):
        return redirect("council:draft", code=code)
    return redirect("council:referral", code=code)


def _statement_of(request: HttpRequest, code: str) -> tuple[m.Referral, m.ImpactStatement | None]:
    """The referral whose next statement ``request``'s user may ask for, and its latest."""
    referral = _referral(code)
    services.may_attach_statement(request.user, referral)
    return referral, referral.statements.order_by("-version").first()


@require_http_methods(["GET", "POST"])
def impact_new(request: HttpRequest, code: str) -> HttpResponse:
    """The form: checked at once, then computed by the job worker (``impact_job`` shows it)."""
    if (login := _login(request)) is not None:
        return login
    referral, previous = _statement_of(request, code)
    form = f.ImpactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["scenario"] is not None:
            text, name = data["scenario"], form.scenario_name
        elif previous is not None:
            text, name = previous.scenario_text, previous.scenario_name
        else:
            text, name = example_scenario()
        try:
            job = services.request_impact_statement(
                actor=request.user,
                referral=referral,
                scenario_text=text,
                scenario_name=name,
                survey=data["survey"],
                note=data["note"],
            )
        except InsafError as exc:  # a scenario error names its key and line: show it
            form.add_error(None, error_text(exc))
        else:
            return redirect("council:impact_job", code=code, job=job.pk)
    return render(
        request,
        "council/impact_form.html",
        {"form": form, "referral": referral, "previous": previous},
    )


@require_http_methods(["GET", "POST"])
def impact_budget_new(request: HttpRequest, code: str) -> HttpResponse:
    """The form of a statement whose subject is a budget change: checked at once (the
    budget, the change, the policies in force), then computed by the job worker."""
    if (login := _login(request)) is not None:
        return login
    referral, previous = _statement_of(request, code)
    form = f.BudgetImpactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ask = services.BudgetAsk(
            budget=data["budget"],
            kind=data["kind"],
            year=data["year"],
            phase=data["phase"],
            programme=data["programme"],
            target=data["target"] or None,
            amount=data["amount"] * 1e6,
        )
        try:
            job = services.request_budget_statement(
                actor=request.user,
                referral=referral,
                ask=ask,
                survey=data["survey"],
                policies=data["policies"],
                note=data["note"],
            )
        except RuleError as exc:  # in the page's language already
            form.add_error(None, str(exc))
        except InsafError as exc:  # the library's words name the programme or the key
            form.add_error(
                None,
                _("The budget change cannot be made: %(detail)s") % {"detail": error_text(exc)},
            )
        else:
            return redirect("council:impact_job", code=code, job=job.pk)
    return render(
        request,
        "council/impact_budget_form.html",
        {"form": form, "referral": referral, "previous": previous},
    )


REFRESH = 2
"""Seconds between two looks at a running job (the page reloads itself)."""


def impact_job(request: HttpRequest, code: str, job: int) -> HttpResponse:
    """Where the statement's computation is; its failure and why; the statement once done."""
    if (login := _login(request)) is not None:
        return login
    row = get_object_or_404(
        m.StatementJob.objects.select_related("referral", "statement"), referral__code=code, pk=job
    )
    services.may_attach_statement(request.user, row.referral)
    if row.status == m.JobStatus.RUNNING:
        services.expire_overdue()
        row.refresh_from_db()
    if row.status == m.JobStatus.DONE and row.statement is not None:
        messages.success(request, _("Impact statement published."))
        return redirect("council:impact", code=code, version=row.statement.version)
    steps = [s for s in m.JobStep if s != m.JobStep.QUEUED]
    at = [s.value for s in steps].index(row.step) if row.step in steps else -1
    context = {
        "job": row,
        "referral": row.referral,
        "steps": [(s.label, i < at, i == at) for i, s in enumerate(steps)],
        "done_steps": max(at, 0),
        "step_count": len(steps),
        "refresh": None if row.finished else REFRESH,
        "error": row.error_ar if (request.LANGUAGE_CODE or "") == "ar" else row.error_en,
    }
    response = render(request, "council/impact_job.html", context)
    response["Cache-Control"] = "no-store"
    return response


# -- consultation ---------------------------------------------------------------------------


def _consultation(code: str) -> m.Consultation:
    return get_object_or_404(m.Consultation.objects.select_related("referral"), referral__code=code)


@require_POST
def comment_post(request: HttpRequest, code: str) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    consultation = _consultation(code)
    form = f.CommentForm(request.POST)
    if form.is_valid():
        done = _run(
            request,
            lambda: services.post_comment(
                actor=request.user,
                consultation=consultation,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
            ),
            _("Thank you: your comment is published."),
        )
        if done:
            return redirect(f"{reverse('council:consultation', args=[code])}#comment-{done.pk}")
    limited = getattr(request, "rate_limited", False)
    context = presentation.consultation_context(request, consultation, form=form)
    response = render(request, "council/consultation.html", context, status=429 if limited else 400)
    if limited:
        response["Retry-After"] = RETRY_AFTER
    return response


def _comment(pk: int) -> m.Comment:
    return get_object_or_404(m.Comment.objects.select_related("consultation__referral"), pk=pk)


def _to_comment(comment: m.Comment) -> str:
    code = comment.consultation.referral.code
    return f"{reverse('council:consultation', args=[code])}#comment-{comment.pk}"


@require_POST
def comment_support(request: HttpRequest, pk: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    comment = _comment(pk)

    def step() -> str:
        added = services.support_comment(actor=request.user, comment=comment)
        return _("Support recorded.") if added else _("You already support this comment.")

    return _back_to(request, _to_comment(comment), step)


def _too_many(request: HttpRequest, to: str) -> HttpResponse:
    response = render(request, "council/too_many.html", {"back": to}, status=429)
    response["Retry-After"] = RETRY_AFTER
    return response


def _back_to(request: HttpRequest, to: str, step: Callable[[], str]) -> HttpResponse:
    """Run ``step`` (a service; it returns what to say) and go back to ``to``: a refused
    step says why instead; a rate-limited one answers HTTP 429."""
    try:
        said = step()
    except RateLimited as exc:
        messages.error(request, str(exc))
        return _too_many(request, to)
    except RuleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, said)
    return redirect(to)


@require_POST
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    comment = _comment(pk)
    form = f.ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return redirect(_to_comment(comment))

    def step() -> str:
        services.report_comment(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
        return _("Thank you: the moderators will look at it.")

    return _back_to(request, _to_comment(comment), step)


@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(pk)
    _run_form(
        request,
        f.ModerateForm,
        lambda data: services.moderate_comment(
            actor=request.user,
            comment=comment,
            publish=data["decision"] == "publish",
            reason=data["reason"],
        ),
        _("Moderation recorded."),
        _("Say why the comment is removed."),
    )
    return redirect("council:moderation")


@require_POST
def position_submit(request: HttpRequest, code: str) -> HttpResponse:
    consultation = _consultation(code)
    _run_form(
        request,
        f.PositionForm,
        lambda data: services.submit_position(
            actor=request.user, consultation=consultation, text=data["text"], note=data["note"]
        ),
        _("Position published."),
        _("Write the position."),
    )
    return redirect(f"{reverse('council:consultation', args=[code])}#positions")


# -- drafting and voting --------------------------------------------------------------------


def _opinion(code: str) -> m.Opinion:
    return get_object_or_404(m.Opinion.objects.select_related("referral"), referral__code=code)


@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, code: str) -> HttpResponse:
    """The rapporteur's draft; members table amendments here."""
    if (login := _login(request)) is not None:
        return login
    opinion = _opinion(code)
    referral = opinion.referral
    drafter = access.can_draft(request.user, referral)
    seat = access.member_seat(request.user)
    access.require(drafter or seat is not None, _("Only council members see the draft."))
    draft_form = f.DraftForm(
        initial={
            "title_en": opinion.title_en,
            "title_ar": opinion.title_ar,
            "text_en": opinion.text_en,
            "text_ar": opinion.text_ar,
        }
    )
    rec_form = f.RecommendationForm(initial={"ministry": referral.ministry_id})
    amend_form = f.AmendmentForm(opinion=opinion)
    language = request.LANGUAGE_CODE or ""
    cite_form = f.CitationForm(referral=referral, language=language)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "draft":
            draft_form = f.DraftForm(request.POST)
            if _saved(request, draft_form, services.save_draft, _("Draft saved."), opinion=opinion):
                return redirect("council:draft", code=code)
        elif action == "recommendation":
            rec_form = f.RecommendationForm(request.POST)
            added = _("Recommendation added.")
            if _saved(request, rec_form, services.add_recommendation, added, opinion=opinion):
                return redirect("council:draft", code=code)
        elif action == "amendment":
            amend_form = f.AmendmentForm(request.POST, opinion=opinion)
            if amend_form.is_valid():
                data = amend_form.cleaned_data
                target = opinion.recommendations.filter(number=data["recommendation"]).first()
                if _run(
                    request,
                    lambda: services.table_amendment(
                        actor=request.user,
                        opinion=opinion,
                        recommendation=target,
                        text_en=data["text_en"],
                        text_ar=data["text_ar"],
                        justification=data["justification"],
                    ),
                    _("Amendment tabled."),
                ):
                    return redirect("council:draft", code=code)
        elif action == "cite":
            cite_form = f.CitationForm(request.POST, referral=referral, language=language)
            if cite_form.is_valid() and _run(
                request,
                lambda: services.cite_rights_finding(
                    actor=request.user, opinion=opinion, **cite_form.cited()
                ),
                _("Rights finding cited."),
            ):
                return redirect("council:draft", code=code)
        elif action == "uncite":
            citation = get_object_or_404(
                m.RightsCitation, pk=request.POST.get("citation", 0), opinion=opinion
            )
            _run(
                request,
                lambda: services.withdraw_citation(actor=request.user, citation=citation),
                _("Citation withdrawn."),
            )
            return redirect("council:draft", code=code)
        elif action in ("accept", "reject"):
            amendment = get_object_or_404(
                m.Amendment, pk=request.POST.get("amendment", 0), opinion=opinion
            )
            _run(
                request,
                lambda: services.decide_amendment(
                    actor=request.user, amendment=amendment, accept=action == "accept"
                ),
                _("Amendment decided."),
            )
            return redirect("council:draft", code=code)
        elif action == "open_vote":
            if _run(
                request,
                lambda: services.open_vote(actor=request.user, opinion=opinion),
                _("The plenary vote is open."),
            ):
                return redirect("council:vote", code=code)
            return redirect("council:draft", code=code)
    context = {
        "opinion": opinion,
        "referral": referral,
        "drafter": drafter,
        "bureau": access.is_bureau(request.user),
        "seat": seat,
        "recommendations": opinion.recommendations.select_related("ministry").prefetch_related(
            "indicators", "groups__dimension"
        ),
        "amendments": opinion.amendments.select_related("recommendation", "group", "proposed_by"),
        "draft_form": draft_form,
        "rec_form": rec_form,
        "amend_form": amend_form,
        "cite_form": cite_form,
        "citations": [(c.pk, cited(c.to_dict(), language)) for c in opinion.citations.all()],
        "editable": opinion.status == m.OpinionStatus.DRAFTING,
    }
    return render(request, "council/draft.html", context)


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, code: str) -> HttpResponse:
    opinion = _opinion(code)
    votes = list(opinion.votes.order_by("-opened_at"))
    current = next((v for v in votes if v.status == m.VoteStatus.OPEN), None)
    seat = access.member_seat(request.user)
    form = f.BallotForm(request.POST or None)
    if request.method == "POST":
        if (login := _login(request)) is not None:
            return login
        action = request.POST.get("action")
        if action == "ballot" and current is not None:
            if form.is_valid() and _run(
                request,
                lambda: services.cast_ballot(
                    actor=request.user, vote=current, choice=form.cleaned_data["choice"]
                ),
                _("Your vote is recorded."),
            ):
                return redirect("council:vote", code=code)
            if not form.is_valid():
                messages.error(request, _("Choose for, against or abstain."))
                access.require(seat is not None, _("Only council members vote in plenary."))
        elif action == "close" and current is not None:
            _run(
                request,
                lambda: services.close_vote(actor=request.user, vote=current),
                _("The vote is closed and counted."),
            )
            return redirect("council:vote", code=code)
        else:
            messages.error(request, _("There is no open vote."))
        return redirect("council:vote", code=code)
    mine = None
    if current is not None and seat is not None:
        mine = current.ballots.filter(member_id=request.user.pk).first()
    on_roll = (
        current is not None
        and seat is not None
        and any(request.user.pk in ids for ids in current.roll.values())
    )
    context = {
        "opinion": opinion,
        "referral": opinion.referral,
        "current": current,
        "votes": votes,
        "cast": current.ballots.count() if current is not None else 0,
        "roll_size": sum(len(ids) for ids in current.roll.values()) if current else 0,
        "form": form,
        "mine": mine,
        "on_roll": on_roll,
        "bureau": access.is_bureau(request.user),
        "groups": {g.code: g for g in m.CouncilGroup.objects.all()},
    }
    return render(request, "council/vote.html", context)


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, code: str) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    opinion = _opinion(code)
    access.require(access.is_bureau(request.user), _("Only the bureau publishes corrections."))
    form = f.CorrectionForm(request.POST or None, opinion=opinion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = _run(
            request,
            lambda: services.correct_opinion(
                actor=request.user,
                opinion=opinion,
                note=data["note"],
                note_ar=data["note_ar"],
                text_en=data["text_en"],
                text_ar=data["text_ar"],
                recommendations=form.recommendations(),
            ),
            _("The corrected version is published; the earlier one stays visible."),
        )
        if version:
            return redirect("council:opinion", code=code)
    return render(request, "council/correct.html", {"form": form, "opinion": opinion})


# -- government response and commitments ----------------------------------------------------


def _recommendation(code: str, number: int) -> m.Recommendation:
    return get_object_or_404(
        m.Recommendation.objects.select_related("opinion__referral", "ministry"),
        opinion__referral__code=code,
        number=number,
    )


@require_POST
def respond(request: HttpRequest, code: str, number: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    rec = _recommendation(code, number)
    form = f.ResponseForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.respond(actor=request.user, recommendation=rec, **form.cleaned_data),
            _("Response published."),
        )
    else:
        access.require(
            access.focal_ministry(request.user) is not None, _("Only focal points respond.")
        )
        messages.error(request, _("Choose a response and give its justification."))
    return redirect("council:recommendation", code=code, number=number)


@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest, code: str, number: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    rec = _recommendation(code, number)
    access.require(
        access.answers_for(request.user, rec.ministry_id),
        _("Only the focal point of the ministry concerned may do this."),
    )
    form = f.CommitmentForm(
        request.POST or None,
        initial={"baseline_period": timezone.localdate().year - 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _run(
            request,
            lambda: services.make_commitment(
                actor=request.user,
                recommendation=rec,
                title=data["title"],
                title_ar=data["title_ar"],
                description=data["description"],
                description_ar=data["description_ar"],
                owner=data["owner"],
                owner_ar=data["owner_ar"],
                deadline=data["deadline"],
                baseline_period=data["baseline_period"],
                tracked=form.tracked(),
                milestones=data["milestones"],
            ),
            _("Commitment recorded."),
        )
        if made:
            return redirect("council:commitment", pk=made.pk)
    return render(request, "council/commitment_form.html", {"form": form, "rec": rec})


@require_POST
def commitment_update(request: HttpRequest, pk: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    commitment = get_object_or_404(m.Commitment, pk=pk)
    actor = request.user
    steps: dict[str, tuple[type[forms.Form], Callable[[dict[str, Any]], Any], str, str]] = {
        "status": (
            f.StatusForm,
            lambda data: services.change_commitment_status(
                actor=actor, commitment=commitment, **data
            ),
            _("Status updated."),
            _("Choose a status and say what happened."),
        ),
        "milestone": (
            f.MilestoneForm,
            lambda data: services.add_milestone(actor=actor, commitment=commitment, **data),
            _("Milestone added."),
            _("Name the milestone and give its date."),
        ),
        "done": (
            f.MilestoneDoneForm,
            lambda data: services.complete_milestone(
                actor=actor,
                milestone=get_object_or_404(
                    m.Milestone, pk=data["milestone"], commitment=commitment
                ),
                done_on=data["done_on"],
            ),
            _("Milestone marked as done."),
            _("Give the date it was done."),
        ),
    }
    step = steps.get(request.POST.get("action", ""))
    if step is not None:
        _run_form(request, *step)
    return redirect("council:commitment", pk=pk)


# -- petitions ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def petition_new(request: HttpRequest) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    access.require(access.is_verified(request.user), _("Only verified accounts start petitions."))
    form = f.PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = _run(
            request,
            lambda: services.start_petition(actor=request.user, **form.cleaned_data),
            _("Petition published: share it to collect signatures."),
        )
        if made:
            return redirect("council:petition", pk=made.pk)
    return render(request, "council/petition_form.html", {"form": form})


@require_POST
def petition_sign(request: HttpRequest, pk: int) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    petition = get_object_or_404(m.Petition, pk=pk)

    def step() -> str:
        added = services.sign_petition(actor=request.user, petition=petition)
        return _("Your signature is recorded.") if added else _("You have already signed.")

    return _back_to(request, reverse("council:petition", args=[pk]), step)


# -- workspaces -----------------------------------------------------------------------------


def member_workspace(request: HttpRequest) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    seat = access.member_seat(request.user)
    bureau = access.is_bureau(request.user)
    access.require(seat is not None or bureau, _("Only council members have a workspace."))
    open_votes = m.Vote.objects.filter(status=m.VoteStatus.OPEN).select_related("opinion__referral")
    voted = set(
        m.Ballot.objects.filter(member_id=request.user.pk, vote__in=open_votes).values_list(
            "vote_id", flat=True
        )
    )
    context = {
        "seat": seat,
        "bureau": bureau,
        "open_votes": [(v, v.pk in voted) for v in open_votes],
        "rapporteur_of": m.Referral.objects.filter(rapporteur_id=request.user.pk),
        "drafts": m.Opinion.objects.filter(status=m.OpinionStatus.DRAFTING).select_related(
            "referral"
        ),
        "held": m.Comment.objects.filter(status=m.CommentStatus.HELD).count() if bureau else 0,
        "received": m.Referral.objects.filter(status=m.ReferralStatus.RECEIVED),
    }
    return render(request, "council/workspace.html", context)


def focal_workspace(request: HttpRequest) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    ministry = access.focal_ministry(request.user)
    access.require(ministry is not None, _("Only government focal points have this workspace."))
    recs = queries.recommendations(ministry=ministry.code if ministry else "")
    waiting = [r for r in recs if queries.latest_response(r) is None]
    answered = [r for r in recs if queries.latest_response(r) is not None]
    commitments = m.Commitment.objects.filter(ministry=ministry).select_related(
        "recommendation__opinion__referral"
    )
    return render(
        request,
        "council/focal.html",
        {
            "ministry": ministry,
            "waiting": waiting,
            "answered": answered,
            "commitments": commitments,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    if (login := _login(request)) is not None:
        return login
    access.require(access.is_bureau(request.user), _("Only the bureau moderates."))
    verify = f.VerifyForm(request.POST or None)
    if request.method == "POST" and verify.is_valid():
        user = User.objects.filter(username=verify.cleaned_data["username"]).first()
        if user is None:
            verify.add_error("username", _("No account has this username."))
        elif _run(
            request,
            lambda: services.verify_citizen(
                actor=request.user, user=user, method=verify.cleaned_data["method"]
            ),
            _("Account verified."),
        ):
            return redirect("council:moderation")
    reported = (
        m.Comment.objects.filter(status__in=[m.CommentStatus.HELD, m.CommentStatus.VISIBLE])
        .filter(reports__gt=0, abuse_reports__resolved=False)
        .select_related("author", "consultation__referral")
        .distinct()
        .order_by("-reports", "created_at")
    )
    return render(
        request,
        "council/moderation.html",
        {"reported": reported, "form": f.ModerateForm(), "verify": verify},
    )
