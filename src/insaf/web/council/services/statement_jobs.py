"""Impact statements computed by the job worker: asked for in a request, published by a job.

``request_impact_statement`` checks everything that can be checked at once
(who asks, the scenario's syntax and reform, the correction note, the survey)
and queues a ``StatementJob``; the form shows those mistakes in the asker's
language. ``run_statement_job`` (run by the job worker, ``insaf.web.core.jobs``)
simulates, writes the briefs and publishes through ``attach_impact_statement``,
recording each step on the job. What stops it (a survey that cannot be opened,
a simulation error, the time limit) is kept on the job in Arabic and English
and shown on the job's page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insaf.errors import InsafError, in_language
from insaf.policy import parse_scenario
from insaf.specs import load_yaml
from insaf.web.core import jobs
from insaf.web.council import access
from insaf.web.council import models as m
from insaf.web.council.impact import MAX_SCENARIO_BYTES, Step, SurveyRef, compute
from insaf.web.council.services.common import Actor, RuleError, audit, clean_text, user_or_none
from insaf.web.council.services.referrals import (
    attach_impact_statement,
    known_reform,
    may_attach_statement,
)

__all__ = ["expire_overdue", "request_impact_statement", "run_statement_job"]

log = logging.getLogger(__name__)
GRACE = 60
"""Seconds past its time limit after which a job still marked running is taken as stopped."""


def _reforms(scenario_text: str, scenario_name: str) -> list[str]:
    if len(scenario_text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise RuleError(
            _("The scenario is larger than %(kb)s KB.") % {"kb": MAX_SCENARIO_BYTES // 1024}
        )
    data, lines = load_yaml(scenario_text, file=scenario_name)
    return list(parse_scenario(data, lines, file=scenario_name).reforms)


def request_impact_statement(
    *,
    actor: Actor,
    referral: m.Referral,
    scenario_text: str,
    scenario_name: str,
    survey: SurveyRef,
    reform: str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    budget_change: dict[str, Any] | None = None,
) -> m.StatementJob:
    """Queue the computation of the referral's next impact statement (checked first);
    ``budget_change``: its subject, when it is a budget change (``services.budget``)."""
    may_attach_statement(actor, referral)
    name = clean_text(scenario_name, field=_("scenario file"), limit=200)
    note = clean_text(note, field=_("note"), required=False, limit=2000)
    reforms = _reforms(scenario_text, name)
    if reform is not None:
        known_reform(reform, reforms)
    if referral.statements.exists() and not note.strip():
        raise RuleError(_("A new version of a statement says why (the correction note)."))
    if survey.kind == "folder":
        survey.folder()  # it exists, inside the data folder
    with transaction.atomic():
        job = m.StatementJob.objects.create(
            referral=referral,
            scenario_name=name,
            scenario_text=scenario_text,
            survey=survey.to_dict(),
            reform=reform or "",
            note=note,
            budget_change=budget_change,
            requested_by=user_or_none(actor),
            requested_at=now or timezone.now(),
            time_limit=jobs.time_limit(),
        )
        jobs.enqueue(
            "insaf.web.council.services.statement_jobs.run_statement_job",
            job.pk,
            name=f"impact statement {referral.code} job {job.pk}",
        )
        audit(
            actor=actor,
            action="impact_statement.request",
            obj=job,
            object_id=f"{referral.code}/job{job.pk}",
            summary=f"{name} on {survey.key}",
        )
    return job


def _update(job: m.StatementJob, **fields: Any) -> None:
    for field, value in fields.items():
        setattr(job, field, value)
    m.StatementJob.objects.filter(pk=job.pk).update(**fields)


def _fail(job: m.StatementJob, english: str, arabic: str) -> None:
    _update(
        job,
        status=m.JobStatus.FAILED,
        finished_at=timezone.now(),
        error_en=english[:5000],
        error_ar=arabic[:5000],
    )


def _both(message: Callable[[], str]) -> tuple[str, str]:
    """A translated message in English and in Arabic."""
    with translation.override("en"):
        english = message()
    with translation.override("ar"):
        arabic = message()
    return english, arabic


def _failed(job: m.StatementJob, error: BaseException) -> None:
    """The computation stopped on ``error`` (the library's own words, which name the key,
    row or file at fault): a sentence in each language, then the error's words in it."""
    english, arabic = _both(lambda: _("The statement could not be computed: %(detail)s"))
    if isinstance(error, InsafError):
        detail_en, detail_ar = in_language(error, "en"), in_language(error, "ar")
    elif isinstance(error, access.NotAllowed):  # said in English by the job: said again
        detail_en, detail_ar = _both(lambda: _(str(error)))
    else:  # a fault of ours, not of the scenario: its type and words as Python gave them
        detail_en = detail_ar = f"{type(error).__name__}: {error}"
    _fail(job, english % {"detail": detail_en}, arabic % {"detail": detail_ar})


def run_statement_job(job_id: int) -> None:
    """The job: compute, then publish the statement (the job worker runs it)."""
    job = m.StatementJob.objects.select_related("referral", "requested_by").get(pk=job_id)
    if job.finished:
        return  # handed out again after it was done
    _update(job, status=m.JobStatus.RUNNING, started_at=timezone.now(), step=m.JobStep.SURVEY)
    try:
        with translation.override("en"):
            survey = SurveyRef.from_dict(job.survey)
            done = compute(
                scenario_text=job.scenario_text,
                scenario_name=job.scenario_name,
                survey=survey,
                step=lambda step: _update(job, step=m.JobStep(Step(step).value)),
            )
            _update(job, step=m.JobStep.PUBLISH)
            statement = attach_impact_statement(
                actor=job.requested_by,
                referral=job.referral,
                scenario_text=job.scenario_text,
                scenario_name=job.scenario_name,
                survey=survey,
                reform=job.reform or None,
                note=job.note,
                computed=done,
                budget_change=job.budget_change,
            )
    except jobs.TimeLimitExceeded:
        minutes = max(1, round(job.time_limit / 60))
        _fail(job, *_both(lambda: _time_limit(minutes)))
        raise  # the worker's process is replaced
    except (InsafError, access.NotAllowed) as exc:
        _failed(job, exc)
    except Exception as exc:
        log.exception("impact statement job %s", job.pk)
        _failed(job, exc)
    else:
        _update(
            job,
            status=m.JobStatus.DONE,
            finished_at=timezone.now(),
            statement=statement,
        )


def _time_limit(minutes: int) -> str:
    return _(
        "The computation took longer than the time limit (%(minutes)s minutes) and was stopped."
    ) % {"minutes": minutes}


def expire_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark as failed the jobs still running well past their time limit (their process was
    killed, or the server stopped under them). Returns how many."""
    now = now or timezone.now()
    count = 0
    for job in m.StatementJob.objects.filter(status=m.JobStatus.RUNNING):
        started = job.started_at or job.requested_at
        if started + dt.timedelta(seconds=job.time_limit + GRACE) < now:
            _fail(job, *_both(partial(_time_limit, max(1, round(job.time_limit / 60)))))
            count += 1
    return count
