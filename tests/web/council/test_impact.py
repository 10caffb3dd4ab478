"""Impact statements: computed by the policy engine, stored, and reproduced to the last digit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from insaf.web.council import models as m
from insaf.web.council import services
from insaf.web.council.demo import example_scenario
from insaf.web.council.impact import SurveyRef, compute, reproduce
from insaf.web.council.models import ImmutableError

from .conftest import Council, day, referral_in_drafting

SMALL = SurveyRef("synthetic", year=2024, households=1200, seed=7)
EXAMPLES = Path(__file__).parents[3] / "examples" / "bread_to_child_grant.yaml"


def test_the_bundled_scenario_is_the_example() -> None:
    text, name = example_scenario()
    assert name == "bread_to_child_grant.yaml"
    assert text == EXAMPLES.read_text(encoding="utf-8")


def test_a_stored_statement_reproduces_identically(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    statement = services.attach_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )
    stored = m.ImpactStatement.objects.get(pk=statement.pk)  # read back from the database
    assert stored.scenario_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert stored.survey == {"kind": "synthetic", "year": 2024, "households": 1200, "seed": 7}
    meta = stored.impact["scenario"]
    assert meta["survey"]["fingerprint"] == stored.survey_fingerprint
    assert meta["insaf_version"] == stored.insaf_version
    again = reproduce(
        scenario_text=stored.scenario_text, scenario_name=stored.scenario_name, survey=stored.survey
    )
    assert again == stored.impact  # every number, identical
    net = stored.impact["reforms"]["child_grant"]["fiscal"][-1]["change"]["value"]
    assert abs(net) < 1.0  # budget neutral: the solver spends what the subsidy cost
    assert stored.impact["reforms"]["child_grant"]["solved"]["parameter"] == "child_grant.amount"
    assert "<html" in stored.brief_ar and 'dir="rtl"' in stored.brief_ar
    # a statement is a published version: it cannot change, a new version needs a note
    stored.note = "tampered"
    with pytest.raises(ImmutableError):
        stored.save()
    with pytest.raises(services.RuleError, match="correction note"):
        services.attach_impact_statement(
            actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
        )


def test_a_later_statement_may_say_why_in_arabic_only(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    done = compute(scenario_text=text, scenario_name=name, survey=SMALL)
    given = {"scenario_text": text, "scenario_name": name, "survey": SMALL, "computed": done}
    first = services.attach_impact_statement(
        actor=c.bureau, referral=referral, now=day(40), **given
    )
    second = services.attach_impact_statement(
        actor=c.bureau, referral=referral, note_ar="  تصحيح المسح  ", now=day(41), **given
    )
    assert (first.version, first.note, first.note_ar) == (1, "", "")
    assert (second.version, second.note, second.note_ar) == (2, "", "تصحيح المسح")
    assert (second.published_by, second.published_at) == (c.bureau, day(41))
    with pytest.raises(services.RuleError, match="at most 2000"):
        services.attach_impact_statement(
            actor=c.bureau, referral=referral, note_ar="x" * 2001, **given
        )


def test_a_statement_names_a_reform_of_its_scenario(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    done = compute(scenario_text=text, scenario_name=name, survey=SMALL)
    named = r"no reform 'nope' \(it has child_grant, targeted_top_up\)"
    with pytest.raises(services.RuleError, match=named):
        services.attach_impact_statement(
            actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name,
            survey=SMALL, computed=done, reform="nope",
        )  # fmt: skip
    statement = services.attach_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL,
        computed=done,
    )  # fmt: skip
    assert statement.reform == "child_grant"


def test_statement_pages_json_and_brief(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    statement = services.attach_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )
    client = Client(HTTP_HOST="127.0.0.1")
    base = f"/en/council/referrals/{referral.code}/impact/{statement.version}/"
    html = client.get(base).content.decode()
    assert "Universal child grant, budget neutral" in html and statement.scenario_sha256 in html
    assert 'class="council-nav"' not in client.get(base + "?print=1").content.decode()
    ar = client.get(f"/ar/council/referrals/{referral.code}/impact/1/").content.decode()
    assert "تقييم الأثر الاجتماعي" in ar and "منحة شاملة للأطفال" in ar
    brief = client.get(base + "brief-ar.html")
    assert brief["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in brief["Content-Security-Policy"]
    document = json.loads(client.get(base + "impact.json").content)
    assert document["scenario_sha256"] == statement.scenario_sha256
    assert document["impact"] == statement.impact
    api = json.loads(client.get(f"/api/council/referrals/{referral.code}/impact/1").content)
    assert api["survey_fingerprint"] == statement.survey_fingerprint
    assert client.get(base + "scenario.yaml").content.decode() == text


def test_scenario_upload_errors_name_the_line(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(c.bureau)
    text, _ = example_scenario()
    broken = text.replace('eligible: "age < 18"', 'eligible: "agee < 18"')
    upload = SimpleUploadedFile("mine.yaml", broken.encode(), "application/x-yaml")
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/new/",
        {"survey": SMALL.key, "scenario": upload, "note": ""},
    )
    # the survey must be one the observatory published: the small test survey is not offered
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert m.ImpactStatement.objects.filter(referral=referral).count() == 0
    # once the observatory has published from that survey, it is offered, and the upload works
    from insaf.web.observatory.models import Release

    Release.objects.create(
        source="demo survey 2024 (synthetic, 1200 households, seed 7)",
        survey=SMALL.key,
        cells=0,
        published=0,
        caution=0,
        suppressed_primary=0,
        suppressed_secondary=0,
    )
    good = SimpleUploadedFile("mine.yaml", text.encode(), "application/x-yaml")
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/new/",
        {"survey": SMALL.key, "scenario": good, "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = m.StatementJob.objects.get(referral=referral)
    assert response["Location"] == f"/en/council/referrals/{referral.code}/impact/jobs/{job.pk}/"
    services.run_statement_job(job.pk)  # as the job worker does
    statement = m.ImpactStatement.objects.get(referral=referral)
    assert statement.scenario_name == "mine.yaml" and statement.survey["households"] == 1200
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/new/",
        {
            "survey": SMALL.key,
            "scenario": SimpleUploadedFile("b.yaml", broken.encode()),
            "note": "x",
        },
    )
    # the unknown variable is found by the simulation: the job fails, its page says where
    failed = m.StatementJob.objects.filter(referral=referral).latest("id")
    services.run_statement_job(failed.pk)
    page = client.get(response["Location"]).content.decode()
    assert "could not be computed" in page and "agee" in page
    assert m.ImpactStatement.objects.filter(referral=referral).count() == 1
    exe = SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/new/", {"survey": "", "scenario": exe}
    )
    assert "Upload a .yaml scenario file." in response.content.decode()
    assert client.get(f"/en/council/referrals/{referral.code}/impact/new/").status_code == 200
    citizen = Client(HTTP_HOST="127.0.0.1")
    citizen.force_login(c.citizens[0])
    assert citizen.get(f"/en/council/referrals/{referral.code}/impact/new/").status_code == 403
    # a scenario error is reported with its line, and nothing is published
    with pytest.raises(Exception, match=r"line \d+.*agee"):
        services.attach_impact_statement(
            actor=c.bureau,
            referral=referral,
            scenario_text=broken,
            scenario_name="mine.yaml",
            survey=SMALL,
        )
    assert m.ImpactStatement.objects.filter(referral=referral).count() == 1


def test_impacts_stored_before_the_glossary_still_read() -> None:
    """Until 0.1 an estimate's point value was stored as "estimate"; it is "value" now."""
    from insaf.web.council.presentation import _num

    old = _num({"estimate": 0.25, "se": 0.01, "ci_low": 0.23, "ci_high": 0.27}, 100)
    new = _num({"value": 0.25, "se": 0.01, "ci_low": 0.23, "ci_high": 0.27}, 100)
    assert (old.value, old.low, old.high) == (new.value, new.low, new.high) == (25.0, 23.0, 27.0)
