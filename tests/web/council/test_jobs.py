"""Impact statements computed by the job worker: queued in the request, progress and failure on
the job's page (Arabic and English), a time limit; survey references that name no server path."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ
from django_q.timeout import TimeoutHandler

from insaf.errors import InsafError
from insaf.web.core import jobs
from insaf.web.council import impact, services
from insaf.web.council import models as m
from insaf.web.council.access import NotAllowed
from insaf.web.council.demo import example_scenario
from insaf.web.council.surveys import SurveyRef, available_surveys, validate_survey

from .conftest import Council, referral_in_drafting

SMALL = SurveyRef("synthetic", year=2024, households=1200, seed=7)


def _publish_from(key: str) -> None:
    from insaf.web.observatory.models import Release

    Release.objects.create(
        source="tests", survey=key, cells=0, published=0, caution=0,
        suppressed_primary=0, suppressed_secondary=0,
    )  # fmt: skip


def _bureau_client(c: Council) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(c.bureau)
    return client


def test_a_statement_is_queued_then_published_by_the_job(
    council: Council, monkeypatch: Any
) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    _publish_from(SMALL.key)
    client = _bureau_client(c)
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/new/", {"survey": SMALL.key, "note": ""}
    )
    job = m.StatementJob.objects.get(referral=referral)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    # the request computed nothing: the job and its queue entry are stored together
    assert not m.ImpactStatement.objects.filter(referral=referral).exists()
    assert job.status == m.JobStatus.QUEUED and job.time_limit == settings.JOB_TIME_LIMIT
    queued = OrmQ.objects.get()
    assert queued.func() == "insaf.web.council.services.statement_jobs.run_statement_job"
    assert queued.task["args"] == (job.pk,)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'id="job-progress" max="4" value="0"' in html and "Waiting for the job worker" in html
    ar = client.get(response["Location"].replace("/en/", "/ar/")).content.decode()
    assert "بانتظار" in ar

    seen: list[str] = []
    real = impact.compute

    def watching(*, step: Any, **kwargs: Any) -> impact.Computed:
        def stored(s: impact.Step) -> None:
            step(s)
            seen.append(m.StatementJob.objects.get(pk=job.pk).step)

        return real(**kwargs, step=stored)

    monkeypatch.setattr("insaf.web.council.services.statement_jobs.compute", watching)
    services.run_statement_job(job.pk)
    # each step was stored as it started (a page looking meanwhile shows it)
    assert seen == ["survey", "simulate", "briefs"]
    job.refresh_from_db()
    statement = m.ImpactStatement.objects.get(referral=referral)
    assert job.status == m.JobStatus.DONE and job.step == m.JobStep.PUBLISH
    assert job.statement == statement and job.started_at and job.finished_at
    assert statement.published_by == c.bureau and statement.survey == SMALL.to_dict()
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"].endswith(f"/impact/{statement.version}/")
    # handed out a second time (a lost acknowledgement): nothing happens again
    services.run_statement_job(job.pk)
    assert m.ImpactStatement.objects.filter(referral=referral).count() == 1


def test_mistakes_found_at_once_are_shown_on_the_form(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    with pytest.raises(InsafError, match="line"):
        services.request_impact_statement(
            actor=c.bureau, referral=referral, scenario_text="reforms: [", scenario_name=name,
            survey=SMALL,
        )  # fmt: skip
    with pytest.raises(services.RuleError, match="no reform 'nope'"):
        services.request_impact_statement(
            actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name,
            survey=SMALL, reform="nope",
        )  # fmt: skip
    with pytest.raises(InsafError, match="no survey folder lfs"):
        services.request_impact_statement(
            actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name,
            survey=SurveyRef("folder", name="lfs"),
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        services.request_impact_statement(
            actor=c.citizens[0], referral=referral, scenario_text=text, scenario_name=name,
            survey=SMALL,
        )  # fmt: skip
    assert not m.StatementJob.objects.exists() and not OrmQ.objects.exists()


def _failed_job(c: Council, *, scenario: str) -> m.StatementJob:
    referral = referral_in_drafting(c, consultation=False)
    job = services.request_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=scenario, scenario_name="mine.yaml",
        survey=SMALL,
    )  # fmt: skip
    services.run_statement_job(job.pk)
    job.refresh_from_db()
    return job


def test_a_failure_is_shown_with_its_reason_in_both_languages(council: Council) -> None:
    c = council
    text, _name = example_scenario()
    job = _failed_job(c, scenario=text.replace('eligible: "age < 18"', 'eligible: "agee < 18"'))
    assert job.status == m.JobStatus.FAILED and job.statement is None
    assert job.error_en.startswith("The statement could not be computed: mine.yaml")
    assert "agee" in job.error_en and "agee" in job.error_ar
    assert job.error_ar.startswith("تعذّر حساب البيان")
    # the library's words are said in Arabic too, naming the same line and key
    assert "السطر 120، المفتاح 'reforms.child_grant.changes[1].eligible'" in job.error_ar
    assert "متغيرات غير معروفة" in job.error_ar and "unknown variable" not in job.error_ar
    client = _bureau_client(c)
    url = f"/en/council/referrals/{job.referral.code}/impact/jobs/{job.pk}/"
    html = client.get(url).content.decode()
    assert 'role="alert"' in html and "agee" in html and 'http-equiv="refresh"' not in html
    ar = client.get(url.replace("/en/", "/ar/")).content.decode()
    assert "تعذّر حساب البيان" in ar and "could not be computed" not in ar
    assert not m.ImpactStatement.objects.exists()


def test_the_time_limit_stops_a_job_and_says_so(council: Council, monkeypatch: Any) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    job = services.request_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )
    m.StatementJob.objects.filter(pk=job.pk).update(time_limit=120)

    def slow(**kwargs: Any) -> None:
        kwargs["step"](impact.Step.SIMULATE)
        time.sleep(30)

    monkeypatch.setattr("insaf.web.council.services.statement_jobs.compute", slow)
    # the job worker's own alarm (django-q2 runs each job under it), one second here
    with pytest.raises(jobs.TimeLimitExceeded), TimeoutHandler(1):
        services.run_statement_job(job.pk)
    job.refresh_from_db()
    assert job.status == m.JobStatus.FAILED and job.step == m.JobStep.SIMULATE
    assert job.error_en == (
        "The computation took longer than the time limit (2 minutes) and was stopped."
    )
    assert "الحد الزمني" in job.error_ar and "2" in job.error_ar


def test_a_job_whose_process_died_is_failed_after_its_time_limit(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    job = services.request_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )
    started = timezone.now() - dt.timedelta(seconds=job.time_limit + 30)
    m.StatementJob.objects.filter(pk=job.pk).update(status="running", started_at=started)
    assert services.expire_overdue() == 0  # still within the grace period
    later = timezone.now() + dt.timedelta(seconds=60)
    assert services.expire_overdue(now=later) == 1
    job.refresh_from_db()
    assert job.status == m.JobStatus.FAILED and "time limit" in job.error_en


# -- survey references -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "path:/etc",
        "folder:../secret",
        "folder:.hidden",
        "folder:a/b",
        "folder:",
        "synthetic:2024:1200",
        "synthetic:2024:0:7",
        "synthetic:99999:10:7",
        "synthetic:x:1:2",
        "nothing",
    ],
)
def test_bad_survey_references_are_refused(key: str) -> None:
    with pytest.raises(InsafError, match="survey reference"):
        SurveyRef.from_key(key)


@pytest.mark.parametrize(
    "value",
    [
        {"kind": "path", "path": "/srv/surveys/lfs"},
        {"kind": "folder", "name": "lfs", "path": "/srv"},
        {"kind": "synthetic", "year": "2024", "households": 10, "seed": 1},
        {"kind": "synthetic", "year": 2024, "households": True, "seed": 1},
        ["synthetic"],
    ],
)
def test_the_model_field_refuses_what_is_not_a_survey_reference(value: Any) -> None:
    with pytest.raises(ValidationError):
        validate_survey(value)


def test_survey_references_round_trip_and_name_no_server_path() -> None:
    for ref in (SMALL, SurveyRef("folder", name="lfs-2023_v2")):
        assert SurveyRef.from_key(ref.key) == ref == SurveyRef.from_dict(ref.to_dict())
        validate_survey(ref.to_dict())
    assert SurveyRef("folder", name="lfs").to_dict() == {"kind": "folder", "name": "lfs"}


@pytest.mark.django_db
def test_surveys_offered_come_from_releases_and_the_data_folder(tmp_path: Path) -> None:
    folder = Path(settings.DATA_DIR) / "surveys" / "jobs-test-lfs"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / "survey.yaml").write_text("name: lfs\n", encoding="utf-8")
        _publish_from("synthetic:2023:1000:7")
        _publish_from("synthetic:2024:1000:7")
        _publish_from("")  # an import: no survey to open again
        keys = [ref.key for ref in available_surveys()]
        assert keys[:2] == ["synthetic:2024:1000:7", "synthetic:2023:1000:7"]
        assert "folder:jobs-test-lfs" in keys
        assert SurveyRef("folder", name="jobs-test-lfs").folder() == folder.resolve()
    finally:
        (folder / "survey.yaml").unlink()
        folder.rmdir()
