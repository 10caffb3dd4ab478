"""The council's pages, forms, API and CSV through HTTP: roles, CSRF, escaping, uploads, limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from insaf.web.council import models as m
from insaf.web.council import services

from .conftest import Council, adopted_opinion

HOST = {"HTTP_HOST": "127.0.0.1"}
ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return str(response.content.decode("utf-8"))


def client_for(user: Any = None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf, **HOST)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cycle(council: Council) -> Council:
    """An adopted opinion with responses and a commitment, and an open consultation."""
    from insaf.web.observatory.models import Indicator

    c = council
    opinion = adopted_opinion(c)
    rec1, rec2 = opinion.recommendations.order_by("number")
    services.respond(actor=c.focal, recommendation=rec1, verdict="accepted", justification="Yes.")
    services.respond(
        actor=c.other_focal, recommendation=rec2, verdict="partly", justification="In part."
    )
    services.make_commitment(
        actor=c.focal,
        recommendation=rec1,
        title="Child grant for every child",
        owner="Directorate of Social Assistance",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2021,
        tracked=[(Indicator.objects.get(code="POV_NAT"), "", "decrease")],
    )
    now = timezone.now()
    other = services.register_referral(
        actor=c.bureau,
        kind="self",
        ministry=c.ministry,
        title_ar="المعاش الاجتماعي لكبار السن",
        title_en="A social pension",
    )
    services.open_consultation(
        actor=c.bureau,
        referral=other,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    return c


PAGES = [
    "",
    "referrals/",
    "referrals/?status=responded&q=bread",
    "referrals/2022-001/",
    "referrals/2022-001/consultation/",
    "consultations/",
    "consultations/?state=open",
    "opinions/",
    "referrals/2022-001/opinion/",
    "referrals/2022-001/opinion/v1/",
    "referrals/2022-001/opinion/?print=1",
    "referrals/2022-001/opinion/vote/",
    "referrals/2022-001/recommendations/1/",
    "responses/",
    "responses/?verdict=partly",
    "commitments/",
    "commitments/?overdue=1",
    "accountability/",
    "petitions/",
]


def test_public_pages_render_in_both_languages(cycle: Council) -> None:
    anonymous = client_for()
    commitment = m.Commitment.objects.get()
    for lang, direction in (("ar", "rtl"), ("en", "ltr")):
        for path in [*PAGES, f"commitments/{commitment.pk}/"]:
            response = anonymous.get(f"/{lang}/council/{path}")
            assert response.status_code == 200, path
            html = body(response)
            assert f'<html lang="{lang}" dir="{direction}">' in html, path
            assert html.count("<h1") == 1, path
    arabic = body(anonymous.get("/ar/council/referrals/2022-001/"))
    for text in ("استبدال دعم الخبز بمنحة للأطفال", "رد الحكومة", "كل المراحل", "مقبولة"):
        assert text in arabic
    assert "Every step" not in arabic
    assert anonymous.get("/en/council/referrals/1999-999/").status_code == 404
    assert anonymous.get("/en/council/referrals/2022-001/opinion/v9/").status_code == 404


def test_printable_opinion_has_no_navigation_and_keeps_versions(cycle: Council) -> None:
    html = body(client_for().get("/en/council/referrals/2022-001/opinion/?print=1"))
    assert 'class="council-nav"' not in html and 'class="main-nav"' not in html
    assert "Opinion on the subsidy reform" in html and "Recommendation 1" in html
    assert "9 for, 0 against, 0 abstentions" in html


def test_a_citizen_cannot_vote_and_a_focal_point_answers_only_for_their_ministry(
    cycle: Council,
) -> None:
    c = cycle
    referral = m.Referral.objects.get(title_en="A social pension")
    with pytest.raises(services.RuleError, match="still open"):
        services.start_drafting(actor=c.bureau, referral=referral)
    # close the consultation, then draft and vote
    consultation = referral.consultation
    services.close_consultation(actor=c.bureau, consultation=consultation)
    services.start_drafting(actor=c.bureau, referral=referral)
    opinion = m.Opinion.objects.get(referral=referral)
    services.add_recommendation(
        actor=c.bureau, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    url = f"/en/council/referrals/{referral.code}/opinion/vote/"
    citizen = client_for(c.citizens[0])
    refused = citizen.post(url, {"action": "ballot", "choice": "for"})
    assert refused.status_code == 403
    assert not vote.ballots.exists()
    assert client_for().post(url, {"action": "ballot", "choice": "for"}).status_code == 302
    assert not vote.ballots.exists()
    member = client_for(c.members["workers"][1])
    assert member.post(url, {"action": "ballot", "choice": "for"}).status_code == 302
    assert vote.ballots.get().member == c.members["workers"][1]
    assert "Your vote: For" in body(member.get(url))
    # a member cannot close the vote; the bureau can
    assert member.post(url, {"action": "close"}).status_code == 403
    # the government response: only the finance focal point answers recommendation 2
    rec2 = m.Recommendation.objects.get(opinion__referral__code="2022-001", number=2)
    respond = "/en/council/referrals/2022-001/recommendations/2/respond/"
    data = {"verdict": "accepted", "justification": "Fully.", "note": "Budget passed."}
    assert client_for(c.focal).post(respond, data).status_code == 403
    assert client_for(c.citizens[0]).post(respond, data).status_code == 403
    assert rec2.responses.count() == 1
    assert client_for(c.other_focal).post(respond, data).status_code == 302
    assert [r.verdict for r in rec2.responses.order_by("version")] == ["partly", "accepted"]
    page = body(client_for(c.other_focal).get("/en/council/referrals/2022-001/recommendations/2/"))
    assert 'id="response-form"' in page
    assert 'id="response-form"' not in body(
        client_for(c.focal).get("/en/council/referrals/2022-001/recommendations/2/")
    )


def test_every_form_needs_its_csrf_token(cycle: Council) -> None:
    c = cycle
    referral = m.Referral.objects.get(title_en="A social pension")
    strict = client_for(c.citizens[0], csrf=True)
    url = f"/en/council/referrals/{referral.code}/consultation/comment/"
    assert strict.post(url, {"kind": "comment", "text": "hello"}).status_code == 403
    assert not m.Comment.objects.filter(consultation__referral=referral).exists()
    page = strict.get(f"/en/council/referrals/{referral.code}/consultation/")
    token = page.cookies["csrftoken"].value
    html = body(page)
    assert 'name="csrfmiddlewaretoken"' in html
    ok = strict.post(
        url, {"kind": "comment", "text": "hello", "csrfmiddlewaretoken": token}, follow=False
    )
    assert ok.status_code == 302
    assert m.Comment.objects.filter(consultation__referral=referral).count() == 1
    # every POST form the council renders carries the token
    for path in (
        f"/en/council/referrals/{referral.code}/consultation/",
        "/en/council/referrals/2022-001/",
    ):
        for client in (client_for(c.bureau), client_for(c.citizens[1])):
            html = body(client.get(path))
            assert html.count('method="post"') == html.count('name="csrfmiddlewaretoken"'), path


def test_user_text_is_escaped_everywhere(cycle: Council) -> None:
    c = cycle
    referral = m.Referral.objects.get(title_en="A social pension")
    comment = services.post_comment(
        actor=c.citizens[0], consultation=referral.consultation, text=ATTACK
    )
    attacker = c.citizens[1]
    attacker.first_name = '<script>alert("name")</script>'
    attacker.save()
    services.post_comment(actor=attacker, consultation=referral.consultation, text="hi")
    m.Rules.objects.create(petition_threshold=50)
    services.start_petition(actor=c.citizens[2], title=ATTACK, text=ATTACK, ministry=c.ministry)
    services.report_comment(actor=c.citizens[2], comment=comment, reason="abuse")
    bad = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en=ATTACK, summary_en=ATTACK
    )
    anonymous = client_for()
    pages = [
        f"/en/council/referrals/{referral.code}/consultation/",
        f"/en/council/referrals/{bad.code}/",
        "/en/council/referrals/",
        "/en/council/petitions/",
        f"/en/council/petitions/{m.Petition.objects.get().pk}/",
        "/ar/council/",
    ]
    for path in pages:
        html = body(anonymous.get(path))
        assert "<script>alert" not in html and "<img src=x" not in html, path
    html = body(anonymous.get(f"/en/council/referrals/{referral.code}/consultation/"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    moderation = body(client_for(c.bureau).get("/en/council/moderation/"))
    assert "<script>alert" not in moderation and "&lt;script&gt;" in moderation
    api = json.loads(body(anonymous.get(f"/api/council/referrals/{referral.code}/comments")))
    assert ATTACK in [item["text"] for item in api["items"]]  # JSON carries the text as data
    rows = list(csv.reader(io.StringIO(body(anonymous.get("/en/council/referrals.csv")))))
    assert any(ATTACK in cell for row in rows for cell in row)


def test_csv_cells_that_look_like_formulas_are_neutralised(cycle: Council) -> None:
    c = cycle
    services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en='=HYPERLINK("http://x")'
    )
    response = client_for().get("/en/council/referrals.csv")
    assert response["Content-Disposition"] == 'attachment; filename="insaf-council-referrals.csv"'
    text = body(response)
    assert text.startswith("\ufeffcode,kind,status,") and "'=HYPERLINK" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["code"] for r in rows} >= {"2022-001"}


def test_uploads_are_size_and_type_limited(cycle: Council) -> None:
    c = cycle
    bureau = client_for(c.bureau)
    data: dict[str, Any] = {
        "kind": "self",
        "ministry": c.ministry.pk,
        "title_en": "With a document",
        "title_ar": "",
        "summary_en": "",
        "summary_ar": "",
    }
    fake = SimpleUploadedFile("draft.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = bureau.post("/en/council/referrals/new/", {**data, "document": fake})
    assert response.status_code == 200 and "Upload a PDF document." in body(response)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * (5 * 1024 * 1024), "application/pdf")
    response = bureau.post("/en/council/referrals/new/", {**data, "document": big})
    assert response.status_code in (200, 400, 413)
    assert not m.Referral.objects.filter(title_en="With a document").exists()
    good = SimpleUploadedFile("draft.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = bureau.post("/en/council/referrals/new/", {**data, "document": good})
    assert response.status_code == 302
    referral = m.Referral.objects.get(title_en="With a document")
    attachment = referral.attachments.get()
    download = client_for().get(
        f"/en/council/referrals/{referral.code}/documents/{attachment.pk}.pdf"
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert client_for(c.citizens[0]).get("/en/council/referrals/new/").status_code == 403


def test_comments_are_rate_limited_with_429_and_retry_after(cycle: Council) -> None:
    m.Rules.objects.create(comments_per_hour=1)
    referral = m.Referral.objects.get(title_en="A social pension")
    citizen = client_for(cycle.citizens[3])
    url = f"/en/council/referrals/{referral.code}/consultation/comment/"
    assert citizen.post(url, {"text": "First", "kind": "comment"}).status_code == 302
    limited = citizen.post(url, {"text": "Second", "kind": "comment"})
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"


def test_supports_are_rate_limited_with_429(cycle: Council) -> None:
    c = cycle
    m.Rules.objects.create(actions_per_hour=2)
    referral = m.Referral.objects.get(title_en="A social pension")
    comments = [
        services.post_comment(actor=c.citizens[i], consultation=referral.consultation, text=f"c{i}")
        for i in range(3)
    ]
    supporter = client_for(c.citizens[3])
    for comment in comments[:2]:
        assert supporter.post(f"/en/council/comments/{comment.pk}/support/").status_code == 302
    limited = supporter.post(f"/en/council/comments/{comments[2].pk}/support/")
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    assert m.Support.objects.filter(user=c.citizens[3]).count() == 2


def test_comment_in_arabic_is_found_by_arabic_search(cycle: Council) -> None:
    c = cycle
    referral = m.Referral.objects.get(title_en="A social pension")
    services.post_comment(
        actor=c.citizens[0],
        consultation=referral.consultation,
        text="يجب أن يشمل المعاشُ الأراملَ في الرِّيف",
    )
    url = f"/ar/council/referrals/{referral.code}/consultation/"
    for query in ("الريف", "الرِّيف", "ريف", "الأرامل", "الارامل"):
        html = body(client_for().get(url, {"q": query}))
        assert "يجب أن يشمل" in html, query
    assert "يجب أن يشمل" not in body(client_for().get(url, {"q": "مدينة"}))
    found = body(client_for().get("/ar/council/referrals/", {"q": "المعاش الاجتماعي"}))
    assert "المعاش الاجتماعي لكبار السن" in found
    found = body(client_for().get("/ar/council/referrals/", {"q": "الإجتماعى"}))
    assert "المعاش الاجتماعي لكبار السن" in found


def test_api_and_csv_carry_the_lifecycle(cycle: Council) -> None:
    anonymous = client_for()
    referrals = json.loads(body(anonymous.get("/api/council/referrals?status=responded")))
    assert [r["code"] for r in referrals["items"]] == ["2022-001"]
    opinion = json.loads(body(anonymous.get("/api/council/referrals/2022-001/opinion")))
    assert opinion["versions"][0]["vote"]["result"] == "adopted"
    recs = json.loads(body(anonymous.get("/api/council/recommendations?verdict=partly")))
    assert [r["id"] for r in recs["items"]] == ["2022-001/2"]
    board = json.loads(body(anonymous.get("/api/council/accountability")))
    assert board["recommendations"] == 2 and board["response_rate"] == 1.0
    assert board["commitments"] == 1 and board["overdue"] == 1
    commitments = json.loads(body(anonymous.get("/api/council/commitments")))
    movement = commitments["items"][0]["indicators"][0]
    assert movement["verdict"] == "improved" and movement["change"] == pytest.approx(-4.5)
    text = body(anonymous.get("/en/council/commitments.csv"))
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["indicator"] == "POV_NAT" and row["verdict"] == "improved"
    assert float(row["change"]) == pytest.approx(-4.5)
    text = body(anonymous.get("/en/council/responses.csv"))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {(r["number"], r["response"]) for r in rows} == {("1", "accepted"), ("2", "partly")}
    # no account detail in the API
    assert "username" not in body(anonymous.get("/api/council/referrals/2022-001"))


def test_workspaces_need_their_role(cycle: Council) -> None:
    c = cycle
    assert client_for().get("/en/council/workspace/").status_code == 302  # to the login page
    assert client_for(c.citizens[0]).get("/en/council/workspace/").status_code == 403
    assert client_for(c.members["employers"][0]).get("/en/council/workspace/").status_code == 200
    assert client_for(c.citizens[0]).get("/en/council/focal-point/").status_code == 403
    html = body(client_for(c.focal).get("/en/council/focal-point/"))
    assert "Ministry of Social Development" in html
    assert client_for(c.members["employers"][0]).get("/en/council/moderation/").status_code == 403
    assert client_for(c.bureau).get("/en/council/moderation/").status_code == 200


def _post(user: Any, url: str, data: dict[str, Any] | None = None) -> tuple[Any, list[str]]:
    """``user`` posts ``data`` to ``url`` (a fresh client, so no message is left from before):
    the response and the messages it leaves for the page it goes back to."""
    from django.contrib.messages import get_messages

    response = client_for(user).post(url, data or {})
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def test_each_posted_step_says_what_happened(cycle: Council) -> None:
    c = cycle
    referral = m.Referral.objects.get(title_en="A social pension")
    base = f"/en/council/referrals/{referral.code}/"
    member = c.members["employers"][1]
    chosen = {"rapporteur": c.members["workers"][1].pk}
    assert _post(c.bureau, f"{base}rapporteur/")[1] == ["Choose a council member."]
    done, said = _post(c.bureau, f"{base}rapporteur/", chosen)
    assert done["Location"].endswith(base) and said == ["Rapporteur appointed."]
    assert _post(c.citizens[0], f"{base}rapporteur/", chosen)[0].status_code == 403
    position = f"{base}consultation/position/"
    assert _post(member, position, {"text": ""})[1] == ["Write the position."]
    done, said = _post(member, position, {"text": "Employers: yes."})
    assert done["Location"].endswith("/consultation/#positions")
    assert said == ["Position published."]
    _again, said = _post(member, position, {"text": "Employers: yes, but later."})
    assert said == ["A new version of a position says what changed (the note)."]
    assert _post(c.citizens[0], position, {"text": "Yes."})[0].status_code == 403

    comment = services.post_comment(
        actor=c.citizens[0], consultation=referral.consultation, text="A comment"
    )
    to_comment = f"{base}consultation/#comment-{comment.pk}"
    support = f"/en/council/comments/{comment.pk}/support/"
    done, said = _post(c.citizens[1], support)
    assert done["Location"] == to_comment and said == ["Support recorded."]
    assert _post(c.citizens[1], support)[1] == ["You already support this comment."]
    own, said = _post(c.citizens[0], support)
    assert own["Location"] == to_comment and said == ["You cannot support your own comment."]
    report = f"/en/council/comments/{comment.pk}/report/"
    refused, said = _post(c.citizens[1], report, {"reason": "nope"})
    assert refused["Location"] == to_comment and said == ["Choose a reason."]
    done, said = _post(c.citizens[1], report, {"reason": "spam"})
    assert done["Location"] == to_comment
    assert said == ["Thank you: the moderators will look at it."]
    moderate = f"/en/council/comments/{comment.pk}/moderate/"
    refused, said = _post(c.bureau, moderate, {"decision": "hide"})
    assert refused["Location"] == "/en/council/moderation/"
    assert said == ["Say why the comment is removed."]
    assert _post(c.bureau, moderate, {"decision": "publish"})[1] == ["Moderation recorded."]
    assert _post(member, moderate, {"decision": "publish"})[0].status_code == 403

    petition = services.start_petition(
        actor=c.citizens[0], title="Free school meals", text="For every pupil.", ministry=c.ministry
    )
    sign = f"/en/council/petitions/{petition.pk}/sign/"
    done, said = _post(c.citizens[1], sign)
    assert done["Location"] == f"/en/council/petitions/{petition.pk}/"
    assert said == ["Your signature is recorded."]
    assert _post(c.citizens[1], sign)[1] == ["You have already signed."]
    refused, said = _post(c.citizens[3], sign)  # not verified
    assert refused.status_code == 403
    m.Rules.objects.create(actions_per_hour=1)
    limited, said = _post(c.citizens[1], sign)  # a support, a report, a signature
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    assert said == ["This account has reached its limit of 1 an hour; try again later."]
    limited, said = _post(c.citizens[1], report, {"reason": "abuse"})
    assert limited.status_code == 429 and said == [
        "This account has reached its limit of 1 an hour; try again later."
    ]


def test_only_the_ministrys_focal_point_reports_on_its_commitments(cycle: Council) -> None:
    c = cycle
    commitment = m.Commitment.objects.get(title="Child grant for every child")
    page = f"/en/council/commitments/{commitment.pk}/"
    assert "status-submit" in body(client_for(c.focal).get(page))
    for other in (c.other_focal, c.citizens[0], None):
        assert "status-submit" not in body(client_for(other).get(page))
    new = "/en/council/referrals/2022-001/recommendations/1/commit/"
    assert client_for(c.focal).get(new).status_code == 200
    assert client_for(c.other_focal).get(new).status_code == 403
    assert client_for(c.citizens[0]).get(new).status_code == 403


def test_the_forms_hand_their_fields_to_the_services(cycle: Council) -> None:
    """Commitment, correction and consultation forms: each field reaches the service."""
    from insaf.web.observatory.models import Indicator

    c = cycle
    pov = Indicator.objects.get(code="POV_NAT")
    made = {
        "title": "Compensate the poorest fifth",
        "title_ar": "تعويض الخُميس الأفقر",
        "description": "Through cash assistance.",
        "owner": "Subsidy Reform Unit",
        "deadline": "2024-06-30",
        "baseline_period": "2021",
        "indicator": pov.pk,
        "expected": "decrease",
        "milestones": "2023-06-30 Subsidy halved | خفض الدعم",
    }
    url = "/en/council/referrals/2022-001/recommendations/2/commit/"
    assert client_for(c.other_focal).post(url, made).status_code == 302
    commitment = m.Commitment.objects.get(title="Compensate the poorest fifth")
    assert (commitment.title_ar, commitment.owner) == ("تعويض الخُميس الأفقر", "Subsidy Reform Unit")
    assert commitment.description == "Through cash assistance."
    assert (commitment.deadline, commitment.baseline_period) == (dt.date(2024, 6, 30), 2021)
    assert [s.title for s in commitment.milestones.all()] == ["Subsidy halved"]

    fixed = {"note": "A typo.", "text_en": "The corrected opinion.", "text_ar": ""}
    fixed |= {"rec_1_en": "First, corrected.", "rec_2_en": "Second."}
    url = "/en/council/referrals/2022-001/opinion/correct/"
    assert client_for(c.bureau).post(url, fixed).status_code == 302
    opinion = m.Opinion.objects.get(referral__code="2022-001")
    assert opinion.text_en == "The corrected opinion."
    assert opinion.recommendations.get(number=1).text_en == "First, corrected."

    fresh = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="School meals"
    )
    asked = {
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-02-01T09:00",
        "question_en": "Who should eat?",
        "question_ar": "من يأكل؟",
    }
    url = f"/en/council/referrals/{fresh.code}/consultation/open/"
    assert _post(c.bureau, url, asked)[1] == ["Consultation scheduled."]
    consultation = m.Consultation.objects.get(referral=fresh)
    assert (consultation.question_en, consultation.question_ar) == ("Who should eat?", "من يأكل؟")
    assert consultation.closes_at - consultation.opens_at == dt.timedelta(days=31)
