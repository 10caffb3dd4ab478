"""The whole lifecycle through the services: referral -> consultation -> opinion -> response ->
commitment -> accountability, with the roles each step needs and the audit trail it leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from insaf.web.core.models import AuditEvent
from insaf.web.council import accountability, services
from insaf.web.council import models as m
from insaf.web.council.models import ImmutableError
from insaf.web.council.services import RateLimited, RuleError
from insaf.web.council.services.common import searchable
from insaf.web.observatory.models import Indicator

from .conftest import T0, Council, adopted_opinion, day, referral_in_drafting


def test_referral_to_measured_result(council: Council) -> None:
    c = council
    referral = services.register_referral(
        actor=c.bureau,
        kind=m.ReferralKind.GOVERNMENT,
        ministry=c.ministry,
        title_en="Replace the bread subsidy with a child grant",
        title_ar="استبدال دعم الخبز بمنحة للأطفال",
        opinion_deadline=dt.date(2022, 6, 30),
        now=T0,
    )
    assert referral.code == "2022-001" and referral.status == m.ReferralStatus.RECEIVED
    services.assign_rapporteur(actor=c.bureau, referral=referral, rapporteur=c.rapporteur)

    # consultation: a comment in Arabic, supports (one per account), a group position
    consultation = services.open_consultation(
        actor=c.bureau,
        referral=referral,
        opens_at=day(1),
        closes_at=day(30),
        question_ar="ما رأيكم في الإصلاح؟",
    )
    referral.refresh_from_db()
    assert referral.status == m.ReferralStatus.CONSULTATION
    comment = services.post_comment(
        actor=c.citizens[0],
        consultation=consultation,
        text="أؤيد المنحة، لكن يجب حماية الأسر الفقيرة من ارتفاع سعر الخبز.",
        now=day(2),
    )
    assert services.support_comment(actor=c.citizens[1], comment=comment, now=day(3))
    assert not services.support_comment(actor=c.citizens[1], comment=comment, now=day(3))
    assert services.support_comment(actor=c.citizens[2], comment=comment, now=day(3))
    comment.refresh_from_db()
    assert comment.supports == 2 == m.Support.objects.filter(comment=comment).count()
    first = services.submit_position(
        actor=c.members["workers"][1],
        consultation=consultation,
        text="Workers: yes, if indexed.",
        now=day(5),
    )
    with pytest.raises(RuleError, match="says what changed"):
        services.submit_position(
            actor=c.members["workers"][1], consultation=consultation, text="Yes.", now=day(6)
        )
    second = services.submit_position(
        actor=c.members["workers"][1],
        consultation=consultation,
        text="Workers: yes, if indexed every year.",
        note="Every year.",
        now=day(6),
    )
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(RuleError, match="still open"):
        services.start_drafting(actor=c.rapporteur, referral=referral, now=day(20))

    # opinion: draft, recommendations tagged to indicators and groups, an amendment, the vote
    opinion = services.start_drafting(actor=c.rapporteur, referral=referral, now=day(31))
    pov = Indicator.objects.get(code="POV_NAT")
    rec = services.add_recommendation(
        actor=c.rapporteur,
        opinion=opinion,
        text_en="Pay the child grant to every child.",
        text_ar="صرف منحة الطفل لكل طفل.",
        ministry=c.ministry,
        indicators=[pov],
    )
    amendment = services.table_amendment(
        actor=c.members["employers"][1],
        opinion=opinion,
        recommendation=rec,
        text_en="Pay the child grant to every child under 18, indexed to prices.",
        justification="Inflation erodes a fixed grant.",
    )
    with pytest.raises(RuleError, match="tabled amendment"):
        services.open_vote(actor=c.bureau, opinion=opinion)
    services.decide_amendment(actor=c.rapporteur, amendment=amendment, accept=True)
    rec.refresh_from_db()
    assert rec.text_en.endswith("indexed to prices.") and rec.text_ar == ""
    vote = services.open_vote(actor=c.bureau, opinion=opinion, now=day(40))
    for i, user in enumerate(c.all_members):
        services.cast_ballot(
            actor=user, vote=vote, choice="against" if i == 0 else "for", now=day(40)
        )
    vote = services.close_vote(actor=c.bureau, vote=vote, now=day(41))
    assert vote.result == "adopted"
    assert vote.tally["total"] == {"members": 9, "for": 8, "against": 1, "abstain": 0, "cast": 9}
    assert vote.tally["groups"]["employers"]["against"] == 1
    opinion.refresh_from_db()
    referral.refresh_from_db()
    assert opinion.status == m.OpinionStatus.ADOPTED
    assert referral.status == m.ReferralStatus.ADOPTED
    assert opinion.response_due == (day(41) + dt.timedelta(days=90)).date()
    published = opinion.versions.get()
    assert published.version == 1 and published.recommendations[0]["indicators"] == ["POV_NAT"]

    # government response by the ministry's focal point, then a commitment
    services.respond(
        actor=c.focal,
        recommendation=rec,
        verdict=m.Verdict.ACCEPTED,
        justification="The grant starts in 2023.",
        now=day(60),
    )
    referral.refresh_from_db()
    assert referral.status == m.ReferralStatus.RESPONDED
    commitment = services.make_commitment(
        actor=c.focal,
        recommendation=rec,
        title="Child grant for every child",
        owner="Directorate of Social Assistance",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2021,
        tracked=[(pov, "", m.Expected.DECREASE), (pov, "sex=female", m.Expected.DECREASE)],
        milestones=[("Payment system ready", dt.date(2023, 3, 31))],
        now=day(70),
    )
    services.change_commitment_status(
        actor=c.focal,
        commitment=commitment,
        status=m.CommitmentStatus.IN_PROGRESS,
        note="First payments made.",
        now=day(400),
    )
    assert [h.status for h in commitment.history.all()] == ["planned", "in_progress"]

    board = accountability.dashboard(today=dt.date(2024, 6, 1))
    assert board.recommendations == 1 and board.answered == 1 and board.response_rate == 1.0
    assert board.answered_on_time == 1 and board.verdicts["accepted"] == 1
    assert board.commitments == 1 and board.overdue == 1 and board.implementation_rate == 0.0
    total, female = board.rows[0].movements
    # total: 2021 = 24 - 1.5*2 = 21.0 (se .6); 2024 = 16.5 (se .6)
    # change -4.5, se sqrt(.36 + .36) = .848528, CI -4.5 +- 1.959964 * .848528 = [-6.163, -2.837]
    assert total.base.period == 2021 and total.latest.period == 2024
    assert total.change == pytest.approx(-4.5)
    assert total.se == pytest.approx(0.848528, abs=1e-6)
    assert total.ci_low == pytest.approx(-6.16308, abs=1e-4)
    assert total.verdict == "improved"
    assert female.change == pytest.approx(-4.5) and female.verdict == "improved"

    # every step is in the audit log, attributed
    actions = list(
        AuditEvent.objects.filter(action__startswith="council.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    for step in (
        "council.referral.register",
        "council.consultation.open",
        "council.comment.post",
        "council.comment.support",
        "council.position.publish",
        "council.opinion.start",
        "council.recommendation.add",
        "council.amendment.table",
        "council.recommendation.amend",
        "council.vote.open",
        "council.vote.ballot",
        "council.vote.close",
        "council.response.publish",
        "council.commitment.make",
        "council.commitment.status",
    ):
        assert step in actions, step
    ballot_events = AuditEvent.objects.filter(action="council.vote.ballot")
    assert ballot_events.count() == 9
    assert {e.actor_name for e in ballot_events} == {u.username for u in c.all_members}


def test_movement_within_noise_is_shown_as_such(council: Council) -> None:
    pov = Indicator.objects.get(code="POV_NAT")
    # 2023 = 24 - 1.5*4 = 18.0, 2024 = 16.5 (se .6 each): change -1.5, se .848528,
    # CI [-3.163, 0.163] contains 0: within noise
    found = accountability.movement(
        indicator=pov, key="", expected="decrease", baseline_period=2023
    )
    assert found.change == pytest.approx(-1.5)
    assert found.ci_high == pytest.approx(-1.5 + 1.959964 * 0.848528, abs=1e-5)
    assert found.verdict == "within_noise"
    # the wrong direction: school attendance rises 90 -> 92.5 but was expected to fall
    att = Indicator.objects.get(code="SCHOOL_ATT")
    wrong = accountability.movement(
        indicator=att, key="", expected="decrease", baseline_period=2019
    )
    assert wrong.verdict == "worsened"
    assert (
        accountability.movement(
            indicator=pov, key="", expected="decrease", baseline_period=2024
        ).verdict
        == "not_yet"
    )
    assert (
        accountability.movement(
            indicator=pov, key="", expected="decrease", baseline_period=2010
        ).verdict
        == "no_data"
    )


def test_roles_are_enforced(council: Council) -> None:
    c = council
    citizen = c.citizens[0]
    with pytest.raises(PermissionDenied):
        services.register_referral(
            actor=citizen,
            kind=m.ReferralKind.SELF,
            ministry=c.ministry,
            title_en="x",
        )
    with pytest.raises(PermissionDenied):  # an ordinary member is not the bureau
        services.register_referral(
            actor=c.members["employers"][0], kind="self", ministry=c.ministry, title_en="x"
        )
    referral = referral_in_drafting(c)
    opinion = referral.opinion
    with pytest.raises(PermissionDenied):  # not the rapporteur
        services.save_draft(
            actor=c.members["employers"][0],
            opinion=opinion,
            title_en="t",
            title_ar="",
            text_en="",
            text_ar="",
        )
    with pytest.raises(PermissionDenied):
        services.table_amendment(
            actor=citizen, opinion=opinion, text_en="x", justification="because"
        )
    rec = services.add_recommendation(
        actor=c.rapporteur, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    with pytest.raises(PermissionDenied, match="council members vote"):
        services.cast_ballot(actor=citizen, vote=vote, choice="for")
    with pytest.raises(PermissionDenied):
        services.cast_ballot(actor=c.focal, vote=vote, choice="for")
    with pytest.raises(PermissionDenied):  # an administrator holds no seat
        services.cast_ballot(actor=c.admin, vote=vote, choice="for")
    services.cast_ballot(actor=c.members["civil"][1], vote=vote, choice="for")
    with pytest.raises(RuleError, match="already voted"):
        services.cast_ballot(actor=c.members["civil"][1], vote=vote, choice="against")
    for user in c.all_members[:6]:
        services.cast_ballot(actor=user, vote=vote, choice="for")
    with pytest.raises(PermissionDenied):
        services.close_vote(actor=c.rapporteur, vote=vote)
    services.close_vote(actor=c.bureau, vote=vote)
    with pytest.raises(RuleError, match="closed"):
        services.cast_ballot(actor=c.all_members[-1], vote=vote, choice="for")
    # a focal point answers only for their own ministry
    with pytest.raises(PermissionDenied, match="ministry concerned"):
        services.respond(
            actor=c.other_focal, recommendation=rec, verdict="accepted", justification="ok"
        )
    with pytest.raises(PermissionDenied):
        services.respond(actor=citizen, recommendation=rec, verdict="accepted", justification="x")
    services.respond(actor=c.focal, recommendation=rec, verdict="rejected", justification="no")
    with pytest.raises(RuleError, match="accepted or partly accepted"):
        services.make_commitment(
            actor=c.focal,
            recommendation=rec,
            title="t",
            owner="o",
            deadline=dt.date(2030, 1, 1),
            baseline_period=2022,
            tracked=[(Indicator.objects.get(code="POV_NAT"), "", "decrease")],
        )


def test_vote_rules_quorum_and_group_majority(council: Council) -> None:
    c = council
    m.Rules.objects.create(quorum=0.5, majority=m.Majority.SIMPLE, group_majority=True)
    referral = referral_in_drafting(c, consultation=False)
    opinion = referral.opinion
    services.add_recommendation(
        actor=c.rapporteur, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    # 4 of 9 vote: below the quorum of ceil(4.5) = 5
    for user in c.all_members[:4]:
        services.cast_ballot(actor=user, vote=vote, choice="for")
    vote = services.close_vote(actor=c.bureau, vote=vote)
    assert vote.result == "no_quorum" and vote.tally["quorum_needed"] == 5
    opinion.refresh_from_db()
    assert opinion.status == m.OpinionStatus.DRAFTING and not opinion.versions.exists()
    # second round: 7 for overall (employers 1 for, 2 against): majority overall, not in employers
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    choices = {"employers": ["for", "against", "against"], "workers": ["for"] * 3}
    choices["civil"] = ["for", "for", "for"]
    for code, users in c.members.items():
        for user, choice in zip(users, choices[code], strict=True):
            services.cast_ballot(actor=user, vote=vote, choice=choice)
    vote = services.close_vote(actor=c.bureau, vote=vote)
    assert vote.result == "rejected" and vote.tally["groups_failing"] == ["employers"]
    assert m.Vote.objects.filter(opinion=opinion).count() == 2


def test_published_versions_are_immutable(council: Council) -> None:
    c = council
    opinion = adopted_opinion(c)
    first = opinion.versions.get()
    first.text_en = "tampered"
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        first.delete()
    services.correct_opinion(
        actor=c.bureau,
        opinion=opinion,
        note="Typo in recommendation 1.",
        recommendations={1: ("Pay the child grant to every child, every month.", "")},
    )
    versions = list(opinion.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].recommendations[0]["text_en"] == "Pay the child grant to every child."
    assert versions[1].recommendations[0]["text_en"].endswith("every month.")
    assert versions[1].note == "Typo in recommendation 1."
    assert (versions[0].note, versions[0].note_ar, versions[1].note_ar) == ("", "", "")
    assert versions[1].vote == versions[0].vote and versions[0].vote["id"] == opinion.votes.get().pk
    assert versions[1].published_by == c.bureau and versions[1].title_en == opinion.title_en
    rec = opinion.recommendations.get(number=1)
    assert rec.search_text == searchable(rec.text_en, "")  # found by its corrected wording
    services.respond(actor=c.focal, recommendation=rec, verdict="partly", justification="Partly.")
    with pytest.raises(RuleError, match="correction note"):
        services.respond(actor=c.focal, recommendation=rec, verdict="accepted", justification="x")
    services.respond(
        actor=c.focal,
        recommendation=rec,
        verdict="accepted",
        justification="Fully, after the budget law.",
        note="The budget law passed.",
    )
    assert [(r.version, r.verdict) for r in rec.responses.order_by("version")] == [
        (1, "partly"),
        (2, "accepted"),
    ]


def test_moderation_and_abuse_reports(council: Council) -> None:
    c = council
    referral = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_ar="الحماية الاجتماعية", now=T0
    )
    consultation = services.open_consultation(
        actor=c.bureau, referral=referral, opens_at=T0, closes_at=day(30)
    )
    comment = services.post_comment(
        actor=c.citizens[3], consultation=consultation, text="spam spam", now=day(1)
    )
    m.Rules.objects.create(reports_to_hide=2)
    assert services.report_comment(actor=c.citizens[0], comment=comment, reason="spam", now=day(1))
    assert not services.report_comment(
        actor=c.citizens[0], comment=comment, reason="spam", now=day(1)
    )
    comment.refresh_from_db()
    assert comment.status == m.CommentStatus.VISIBLE and comment.reports == 1
    services.report_comment(actor=c.citizens[1], comment=comment, reason="abuse", now=day(1))
    comment.refresh_from_db()
    assert comment.status == m.CommentStatus.HELD
    with pytest.raises(RuleError, match="not published"):
        services.support_comment(actor=c.citizens[2], comment=comment, now=day(1))
    with pytest.raises(PermissionDenied):
        services.moderate_comment(actor=c.citizens[2], comment=comment, publish=False, reason="x")
    services.moderate_comment(
        actor=c.bureau, comment=comment, publish=False, reason="Advertising", now=day(2)
    )
    comment.refresh_from_db()
    assert comment.status == m.CommentStatus.HIDDEN and comment.moderation_reason == "Advertising"
    assert not comment.abuse_reports.filter(resolved=False).exists()


def test_comment_rate_limit_and_closed_consultation(council: Council) -> None:
    c = council
    referral = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="Pensions", now=T0
    )
    consultation = services.open_consultation(
        actor=c.bureau, referral=referral, opens_at=T0, closes_at=day(30)
    )
    m.Rules.objects.create(comments_per_hour=3)
    for i in range(3):
        services.post_comment(
            actor=c.citizens[0], consultation=consultation, text=f"point {i}", now=day(1)
        )
    with pytest.raises(RateLimited):
        services.post_comment(
            actor=c.citizens[0], consultation=consultation, text="one more", now=day(1)
        )
    services.post_comment(  # an hour later it is allowed again
        actor=c.citizens[0],
        consultation=consultation,
        text="later",
        now=day(1) + dt.timedelta(minutes=61),
    )
    with pytest.raises(RuleError, match="not open"):
        services.post_comment(actor=c.citizens[1], consultation=consultation, text="x", now=day(31))
    with pytest.raises(PermissionDenied):
        services.post_comment(actor=None, consultation=consultation, text="x", now=day(2))


def test_petition_reaches_threshold_and_becomes_a_referral(council: Council) -> None:
    c = council
    m.Rules.objects.create(petition_threshold=3, petition_days=30)
    unverified = c.citizens[3]
    with pytest.raises(PermissionDenied, match="verified"):
        services.start_petition(actor=unverified, title="t", text="x", ministry=c.ministry)
    petition = services.start_petition(
        actor=c.citizens[0],
        title="إعادة النظر في أسعار الخبز",
        text="نطلب من المجلس دراسة أثر رفع سعر الخبز على الأسر الفقيرة.",
        ministry=c.ministry,
        now=T0,
    )
    assert petition.threshold == 3 and petition.closes_at == day(30)
    with pytest.raises(PermissionDenied):
        services.sign_petition(actor=unverified, petition=petition, now=day(1))
    assert services.sign_petition(actor=c.citizens[0], petition=petition, now=day(1))
    assert not services.sign_petition(actor=c.citizens[0], petition=petition, now=day(1))
    services.sign_petition(actor=c.citizens[1], petition=petition, now=day(2))
    services.verify_citizen(actor=c.bureau, user=unverified, method="passport")
    services.sign_petition(actor=unverified, petition=petition, now=day(3))
    petition.refresh_from_db()
    assert petition.status == m.PetitionStatus.SUCCEEDED and petition.signatures == 3
    referral = petition.referral
    assert referral is not None and referral.kind == m.ReferralKind.PETITION
    assert referral.title_ar == "إعادة النظر في أسعار الخبز" and referral.title_en == ""
    with pytest.raises(RuleError, match="not collecting"):
        services.sign_petition(actor=c.citizens[2], petition=petition, now=day(4))
    late = services.start_petition(
        actor=c.citizens[1], title="Late", text="x", ministry=c.ministry, now=T0
    )
    with pytest.raises(RuleError, match="not collecting"):
        services.sign_petition(actor=c.citizens[2], petition=late, now=day(31))
    late.refresh_from_db()
    assert late.status == m.PetitionStatus.EXPIRED


def test_uploads_are_limited_to_small_pdfs(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    pdf = b"%PDF-1.4\n" + b"0" * 100
    row = services.attach_document(actor=c.bureau, referral=referral, name="draft.pdf", data=pdf)
    assert row.size == len(pdf) and len(row.sha256) == 64
    with pytest.raises(RuleError, match="PDF documents"):
        services.attach_document(
            actor=c.bureau, referral=referral, name="draft.pdf", data=b"<script>"
        )
    with pytest.raises(RuleError, match="PDF documents"):
        services.attach_document(actor=c.bureau, referral=referral, name="x.exe", data=pdf)
    with pytest.raises(RuleError, match="larger than 5 MB"):
        services.attach_document(
            actor=c.bureau, referral=referral, name="big.pdf", data=pdf + b"0" * 5 * 1024 * 1024
        )
    with pytest.raises(PermissionDenied):
        services.attach_document(actor=c.citizens[0], referral=referral, name="a.pdf", data=pdf)


def test_recommendations_are_numbered_and_found_by_their_latest_wording(council: Council) -> None:
    c = council
    opinion = referral_in_drafting(c, consultation=False).opinion
    first = services.add_recommendation(
        actor=c.rapporteur,
        opinion=opinion,
        text_en="Index the grant.",
        text_ar="",
        ministry=c.ministry,
    )
    amendment = services.table_amendment(
        actor=c.members["employers"][1], opinion=opinion, justification="Publish the data.",
        text_ar="نشر البيانات كل عام.",
    )  # fmt: skip
    services.decide_amendment(actor=c.rapporteur, amendment=amendment, accept=True)
    added = opinion.recommendations.get(number=2)
    assert (first.number, added.text_en, added.text_ar) == (1, "", "نشر البيانات كل عام.")
    assert added.ministry == c.ministry
    assert added.search_text == searchable("", "نشر البيانات كل عام.")
    services.edit_recommendation(
        actor=c.rapporteur, recommendation=first, text_en="Index the grant to prices.",
        text_ar="ربط المنحة بالأسعار.", ministry=c.other_ministry,
    )  # fmt: skip
    first.refresh_from_db()
    assert (first.text_en, first.ministry) == ("Index the grant to prices.", c.other_ministry)
    assert first.search_text == searchable("Index the grant to prices.", "ربط المنحة بالأسعار.")
    third = services.add_recommendation(
        actor=c.rapporteur, opinion=opinion, text_en="", text_ar="ثالثة", ministry=c.ministry
    )
    assert third.number == 3 and third.search_text == searchable("", "ثالثة")


def test_who_drafts_the_opinion_and_attaches_statements(council: Council) -> None:
    from django.contrib.auth.models import AnonymousUser

    c = council
    referral = referral_in_drafting(c, consultation=False)
    opinion = referral.opinion
    other = c.members["employers"][1]

    def drafts(actor: Any) -> bool:
        try:
            services.save_draft(
                actor=actor, opinion=opinion, title_en="t", title_ar="", text_en="", text_ar=""
            )
        except PermissionDenied:
            return False
        return True

    def attaches(actor: Any) -> bool:
        try:
            services.may_attach_statement(actor, referral)
        except PermissionDenied:
            return False
        return True

    people = [c.bureau, c.rapporteur, other, c.citizens[0], c.admin, AnonymousUser(), None]
    assert [drafts(p) for p in people] == [True, True, False, False, True, False, False]
    assert [attaches(p) for p in people] == [True, True, False, False, True, False, True]
    m.Member.objects.filter(user=c.rapporteur).update(active=False)  # the rapporteur leaves
    assert not drafts(c.rapporteur) and attaches(c.rapporteur)


def test_an_adopted_opinion_is_no_longer_a_draft(council: Council) -> None:
    c = council
    opinion = adopted_opinion(c)
    rec = opinion.recommendations.get(number=1)
    steps = [
        lambda: services.save_draft(
            actor=c.rapporteur, opinion=opinion, title_en="t", title_ar="", text_en="", text_ar=""
        ),
        lambda: services.add_recommendation(
            actor=c.rapporteur, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
        ),
        lambda: services.edit_recommendation(
            actor=c.rapporteur, recommendation=rec, text_en="r", text_ar="", ministry=c.ministry
        ),
        lambda: services.table_amendment(
            actor=c.members["employers"][1], opinion=opinion, justification="j", text_en="r"
        ),
        lambda: services.open_vote(actor=c.bureau, opinion=opinion),
    ]
    for step in steps:
        with pytest.raises(RuleError, match="not a draft any more"):
            step()
