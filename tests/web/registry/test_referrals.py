"""Referrals between services: sent by a caseworker (page or API) with consent, followed to
their outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone
from tests.web.conftest import PASSWORD
from tests.web.registry.conftest import Small

from insaf.web.core.models import AuditEvent
from insaf.web.registry import models as m
from insaf.web.registry import services


def _child(small: Small) -> m.Person:
    """A ten-year-old in HH-N1 (Ahmad is the head)."""
    today = timezone.localdate()
    child = m.Person.objects.create(
        code="P-10", national_id="", name="يوسف أحمد", sex="M",
        birth_date=today.replace(year=today.year - 10) - dt.timedelta(days=1),
    )  # fmt: skip
    m.Membership.objects.create(
        person=child, household=small.north, relation="child", start=dt.date(2023, 1, 5)
    )
    return child


def test_a_caseworker_refers_a_child_from_the_household_page(small: Small) -> None:
    child = _child(small)
    web = Client()
    assert web.login(username="caseworker-north", password=PASSWORD)
    url = "/en/registry/households/HH-N1/referrals/new/"
    form = web.get(url)
    assert form.status_code == 200 and "يوسف أحمد" in form.content.decode()
    asked = {"person": "P-10", "from_service": "Cash assistance", "to_service": "Education",
             "reason": "Out of school for a year"}  # fmt: skip
    refused = web.post(url, asked)
    assert refused.status_code == 200
    assert "Without consent to this referral" in refused.content.decode()
    assert not m.Referral.objects.exists()
    sent = web.post(url, {**asked, "consent": "on"})
    assert sent.status_code == 302 and sent["Location"].endswith("/registry/households/HH-N1/")
    (referral,) = m.Referral.objects.all()
    assert (referral.person, referral.status, referral.to_service) == (child, "sent", "Education")
    # the head consented for the minor, recorded as an audited change
    given = m.Consent.objects.get(purpose="referral")
    assert given.person == small.ahmad and given.recorded_by == small.caseworker
    assert AuditEvent.objects.filter(action="registry.consent_given").exists()
    page = web.get("/en/registry/households/HH-N1/").content.decode()
    assert "Education" in page and "Out of school for a year" in page
    web.post(f"/en/registry/referrals/{referral.pk}/",
             {"status": "completed", "outcome": "Enrolled in grade 5"})  # fmt: skip
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "Enrolled in grade 5")
    assert referral.closed_on == timezone.localdate()
    # another governorate's household: refused
    assert web.get("/en/registry/households/HH-S1/referrals/new/").status_code == 403


def test_a_referral_by_api_is_followed_to_its_outcome(small: Small) -> None:
    _child(small)
    token = services.issue_token(actor=small.officer, user=small.caseworker, name="cash")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    web = Client()

    def post(path: str, body: dict[str, Any]) -> Any:
        return web.post(f"/api/registry/{path}", body, content_type="application/json", **auth)

    body = {"household": "HH-N1", "person": "P-10", "from_service": "cash",
            "to_service": "education", "reason": "out of school"}  # fmt: skip
    refused = post("referrals", body)
    assert refused.status_code == 403 and "not consented" in refused.json()["detail"]
    services.record_consent(actor=small.caseworker, person=small.ahmad, purpose="referral")
    made = post("referrals", body)
    assert made.status_code == 201
    sent = made.json()
    assert (sent["person"], sent["status"], sent["closed_on"]) == ("P-10", "sent", None)
    pk = sent["id"]
    assert web.get(f"/api/registry/referrals/{pk}", **auth).json()["status"] == "sent"
    accepted = post(f"referrals/{pk}/outcome", {"status": "accepted", "outcome": "place found"})
    assert accepted.json()["status"] == "accepted" and accepted.json()["closed_on"] is None
    done = post(f"referrals/{pk}/outcome", {"status": "completed", "outcome": "in grade 5"})
    assert done.json()["status"] == "completed"
    assert done.json()["closed_on"] == timezone.localdate().isoformat()
    again = post(f"referrals/{pk}/outcome", {"status": "declined", "outcome": "-"})
    assert again.status_code == 400 and "closed" in again.json()["detail"]
    assert post("referrals", {**body, "person": "P-3"}).status_code == 404  # not a member
    assert post("referrals", {**body, "household": "HH-S1", "person": None}).status_code == 403
    assert post("referrals", {**body, "household": "HH-XX"}).status_code == 404
    assert post(f"referrals/{pk}/outcome", {"status": "lost", "outcome": "-"}).status_code == 422
    reads = m.ReadAudit.objects.filter(channel="api", household=small.north)
    assert reads.count() >= 4  # each answer about the household is a read
