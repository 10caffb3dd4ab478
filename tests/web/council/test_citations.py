"""The opinion cites rights findings of the referral's impact statement: through the draft
form, kept in the published version, shown on the opinion page in both languages and in
the API; every citation audited; a finding the statement does not give is refused."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from insaf.web.core.models import AuditEvent
from insaf.web.council import access, services
from insaf.web.council import models as m
from insaf.web.council.citations import findings
from insaf.web.council.demo import example_scenario
from insaf.web.council.impact import SurveyRef

from .conftest import Council, day, referral_in_drafting

SMALL = SurveyRef("synthetic", year=2024, households=1200, seed=7)
HOST = {"HTTP_HOST": "127.0.0.1"}


def _statement(c: Council, referral: m.Referral) -> m.ImpactStatement:
    text, name = example_scenario()
    return services.attach_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )


def _client(user: object) -> Client:
    client = Client(**HOST)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _adopt(c: Council, opinion: m.Opinion) -> None:
    services.add_recommendation(
        actor=c.rapporteur,
        opinion=opinion,
        text_en="Protect the poorest households first.",
        text_ar="حماية أفقر الأسر أولاً.",
        ministry=c.ministry,
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion, now=day(40))
    for user in c.all_members:
        services.cast_ballot(actor=user, vote=vote, choice="for", now=day(40))
    services.close_vote(actor=c.bureau, vote=vote, now=day(41))


def test_cite_a_finding_through_the_draft_and_publish_it(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    statement = _statement(c, referral)
    section = statement.impact["reforms"]["child_grant"]["rights"]
    # every test of every reform is citable, with the verdict the statement gave it
    found = [f for f in findings(statement.version, statement.impact) if f.reform == "child_grant"]
    tests = [(f.test, f.verdict) for f in found if f.key == ""]
    assert tests == [(t, section["verdicts"][t]["verdict"]) for t in section["verdicts"]]
    flagged = [r["group"] for r in section["non_discrimination"] if r["flagged"]]
    assert [f.key for f in found if f.test == "non_discrimination" and f.key] == flagged

    client = _client(c.rapporteur)
    page = client.get(f"/en/council/referrals/{referral.code}/opinion/draft/").content.decode()
    value = "1|child_grant|participation|"
    assert f'value="{value}"' in page and "Statement version 1" in page
    response = client.post(
        f"/en/council/referrals/{referral.code}/opinion/draft/",
        {
            "action": "cite",
            "finding": value,
            "note_en": "The reform went through the council's consultation.",
            "note_ar": "مرّ الإصلاح بمشاورة المجلس.",
        },
    )
    assert response.status_code == 302
    citation = m.RightsCitation.objects.get(opinion=referral.opinion)
    assert (citation.statement_id, citation.reform, citation.test, citation.key) == (
        statement.pk,
        "child_grant",
        "participation",
        "",
    )
    assert citation.finding["verdict"] == section["verdicts"]["participation"]["verdict"]
    event = AuditEvent.objects.get(action="council.opinion.cite")
    assert event.actor == c.rapporteur and event.object_id == referral.code
    assert event.after is not None and event.after["test"] == "participation"

    _adopt(c, referral.opinion)
    version = referral.opinion.versions.get()
    assert [(x["test"], x["note_en"]) for x in version.citations] == [
        ("participation", "The reform went through the council's consultation.")
    ]
    public = Client(**HOST)
    en = public.get(f"/en/council/referrals/{referral.code}/opinion/").content.decode()
    block = re.search(r'<section class="citations".*?</section>', en, flags=re.S)
    assert block is not None
    assert "Participation and transparency" in block.group(0)
    assert "No concern found" in block.group(0)  # the council consulted and published
    assert f'href="/en/council/referrals/{referral.code}/impact/1/"' in block.group(0)
    ar = public.get(f"/ar/council/referrals/{referral.code}/opinion/").content.decode()
    block = re.search(r'<section class="citations".*?</section>', ar, flags=re.S)
    assert block is not None
    assert "المشاركة والشفافية" in block.group(0) and "لم يُرصد ما يقلق" in block.group(0)
    assert "مرّ الإصلاح بمشاورة المجلس." in block.group(0)
    visible = re.sub(r"<[^>]*>", " ", block.group(0))
    assert re.findall(r"[A-Za-z]+", visible) == []
    api = json.loads(public.get(f"/api/council/referrals/{referral.code}/opinion").content)
    assert api["versions"][0]["citations"] == version.citations


def test_a_flagged_group_is_cited_with_its_estimate(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    statement = _statement(c, referral)
    rows = statement.impact["reforms"]["child_grant"]["rights"]["non_discrimination"]
    row = next((r for r in rows if r["flagged"]), None)
    if row is None:
        pytest.skip("the example reform flags no group on this sample")
    citation = services.cite_rights_finding(
        actor=c.rapporteur,
        opinion=referral.opinion,
        statement=statement,
        reform="child_grant",
        test="non_discrimination",
        key=row["group"],
        note_en="This group loses more than the rest.",
    )
    evidence = citation.finding["evidence"]
    assert evidence["value"] == row["difference"]["value"]
    assert (evidence["ci_low"], evidence["ci_high"]) == (
        row["difference"]["ci_low"],
        row["difference"]["ci_high"],
    )
    assert citation.finding["label"] == {"en": row["label_en"], "ar": row["label_ar"]}
    page = _client(c.rapporteur).get(f"/ar/council/referrals/{referral.code}/opinion/draft/")
    assert row["label_ar"] in page.content.decode()


def test_what_cannot_be_cited(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    statement = _statement(c, referral)
    opinion = referral.opinion
    cite = services.cite_rights_finding
    with pytest.raises(services.RuleError, match="no rights finding child_grant · resources · x"):
        cite(
            actor=c.rapporteur,
            opinion=opinion,
            statement=statement,
            reform="child_grant",
            test="resources",
            key="x",
        )
    with pytest.raises(services.RuleError, match="no rights finding other · minimum_core"):
        cite(
            actor=c.rapporteur,
            opinion=opinion,
            statement=statement,
            reform="other",
            test="minimum_core",
        )
    with pytest.raises(access.NotAllowed):
        cite(
            actor=c.citizens[0],
            opinion=opinion,
            statement=statement,
            reform="child_grant",
            test="minimum_core",
        )
    other = services.register_referral(
        actor=c.bureau,
        kind=m.ReferralKind.SELF,
        ministry=c.ministry,
        title_en="Another referral",
        summary_en="Another policy.",
    )
    services.assign_rapporteur(actor=c.bureau, referral=other, rapporteur=c.rapporteur)
    services.start_drafting(actor=c.rapporteur, referral=other)
    with pytest.raises(services.RuleError, match="another referral"):
        cite(
            actor=c.rapporteur,
            opinion=m.Opinion.objects.get(referral=other),
            statement=statement,
            reform="child_grant",
            test="minimum_core",
        )
    first = cite(
        actor=c.rapporteur,
        opinion=opinion,
        statement=statement,
        reform="child_grant",
        test="minimum_core",
    )
    with pytest.raises(services.RuleError, match="already cites"):
        cite(
            actor=c.bureau,
            opinion=opinion,
            statement=statement,
            reform="child_grant",
            test="minimum_core",
        )
    # a member who is not the rapporteur cannot withdraw it; the rapporteur can, audited
    with pytest.raises(access.NotAllowed):
        services.withdraw_citation(actor=c.members["employers"][0], citation=first)
    services.withdraw_citation(actor=c.rapporteur, citation=first)
    assert not m.RightsCitation.objects.exists()
    event = AuditEvent.objects.get(action="council.opinion.uncite")
    assert event.before is not None and event.before["test"] == "minimum_core"
    # once adopted, the opinion's citations are fixed
    _adopt(c, opinion)
    with pytest.raises(services.RuleError, match="not a draft"):
        cite(
            actor=c.rapporteur,
            opinion=opinion,
            statement=statement,
            reform="child_grant",
            test="minimum_core",
        )
