"""Consent enforced: the API shares a household on its head's consent and a member on their own
(a minor on the head's), the enrolment check answers only with consent, referrals need it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.web.registry.conftest import Small, household

from insaf.web.registry import consent, services
from insaf.web.registry import models as m

TODAY = timezone.localdate


def _post(path: str, body: dict[str, Any], token: str) -> Any:
    return Client().post(
        f"/api/registry/dci/registry/{path}", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def _search(token: str, criteria: dict[str, Any]) -> dict[str, Any]:
    body = {
        "header": {"message_id": "M-1", "message_ts": "2024-06-01T10:00:00Z"},
        "message": {
            "transaction_id": "T-1",
            "search_request": [
                {"reference_id": "R-1", "timestamp": "2024-06-01T10:00:00Z",
                 "search_criteria": criteria}
            ],
        },
    }  # fmt: skip
    answer: dict[str, Any] = _post("sync/search", body, token).json()
    return answer["message"]["search_response"][0]  # type: ignore[no-any-return]


def _codes(item: dict[str, Any]) -> list[str]:
    records = item["data"]["reg_records"]
    return [r["group_identifier"][0]["identifier_value"] for r in records]


ALL = {
    "query_type": "expression",
    "query": [{"expression1": {"attribute_name": "group_size", "operator": "ge",
                               "attribute_value": 1}}],
}  # fmt: skip


@pytest.fixture
def token(small: Small) -> str:
    return services.issue_token(actor=small.officer, user=small.officer, name="consent")


def test_a_household_is_shared_only_on_its_heads_consent(small: Small, token: str) -> None:
    # HH-N5's head has not consented: left out of searches, named ones flagged as withheld
    late = household("HH-N5", "1", [("P-9", "26001014444444", "سعاد علي", "F")])
    assert _codes(_search(token, ALL)) == ["HH-N1", "HH-S1"]
    by_id = _search(
        token, {"query_type": "idtype-value", "query": {"type": "HHID", "value": "HH-N5"}}
    )
    assert _codes(by_id) == [] and by_id["consent_withheld"] is True
    assert by_id["pagination"]["total_count"] == 0
    refused = Client().get("/api/registry/households/HH-N5", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403 and "consented" in refused.json()["detail"]
    assert not m.ReadAudit.objects.filter(household=late).exists()  # nothing was read

    head = m.Person.objects.get(code="P-9")
    given = services.record_consent(
        actor=small.caseworker, person=head, purpose="sharing", given_on=TODAY()
    )
    assert _codes(_search(token, ALL)) == ["HH-N1", "HH-N5", "HH-S1"]
    assert "consent_withheld" not in _search(
        token, {"query_type": "idtype-value", "query": {"type": "HHID", "value": "HH-N5"}}
    )
    # withdrawn today: no longer shared from today
    services.withdraw_consent(actor=small.caseworker, given=given, on=TODAY())
    assert _codes(_search(token, ALL)) == ["HH-N1", "HH-S1"]


def test_a_member_is_listed_on_their_own_consent_a_minor_on_the_heads(
    small: Small, token: str
) -> None:
    # Fatima (born 1990, an adult) withdraws; a child of 10 is added, with no consent of its own
    fatima = m.Consent.objects.get(person=small.fatima, purpose="sharing")
    services.withdraw_consent(actor=small.officer, given=fatima, on=TODAY())
    child = m.Person.objects.create(
        code="P-10", national_id="31401019999999", name="يوسف أحمد", sex="M",
        birth_date=TODAY().replace(year=TODAY().year - 10) - dt.timedelta(days=1),
    )  # fmt: skip
    m.Membership.objects.create(
        person=child, household=small.north, relation="child", start=dt.date(2023, 1, 5)
    )
    criteria = {
        "query_type": "idtype-value",
        "query": {"type": "HHID", "value": "HH-N1"},
        "response_fields": ["member_list", "group_head_info"],
    }
    (record,) = _search(token, criteria)["data"]["reg_records"]
    names = [
        x["household_member"]["demographic_info"]["person"]["name"]["surname"]
        for x in record["member_list"]
    ]
    assert names == ["أحمد عبد الله", "يوسف أحمد"]  # Fatima withheld, the minor on the head's
    assert record["members_withheld"] == 1
    assert record["group_head_info"]["person"]["name"]["surname"] == "أحمد عبد الله"
    # only the fields asked for: no place, score or programmes
    assert set(record) == {"@type", "group_identifier", "member_list", "group_head_info",
                           "members_withheld"}  # fmt: skip
    assert consent.is_minor(child, TODAY()) and not consent.is_minor(small.fatima, TODAY())


def test_the_enrolment_check_answers_only_on_the_persons_consent(small: Small, token: str) -> None:
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    m.Enrolment.objects.create(
        household=small.north, programme=programme, status="active", since=dt.date(2024, 6, 1)
    )
    services.withdraw_consent(
        actor=small.officer, given=m.Consent.objects.get(person=small.fatima), on=TODAY()
    )

    def enrolled(nid: str) -> dict[str, Any]:
        body = {
            "header": {"message_id": "M-2", "message_ts": "2024-06-01T10:00:00Z"},
            "message": {"transaction_id": "T-2", "enrolled_request": [{
                "reference_id": "R-2", "timestamp": "2024-06-01T10:00:00Z",
                "enrolled_criteria": {"query": {"person_identifier": {"eq": nid},
                                                "programme_identifier": {"eq": "cash"}}}}]},
        }  # fmt: skip
        answer: dict[str, Any] = _post("sync/enrolled", body, token).json()
        return answer["message"]["enrolled_response"][0]  # type: ignore[no-any-return]

    assert enrolled("29001011234567")["enrolled_status"] == "yes"  # Ahmad consents
    refused = enrolled("31005051234560")  # Fatima withdrew
    assert refused["status"] == "rjct" and refused["status_reason_code"] == "rjct.consent.absent"
    assert "enrolled_status" not in refused


def test_a_referral_needs_consent_to_be_referred(small: Small) -> None:
    def refer(person: m.Person | None) -> m.Referral:
        return services.refer(
            actor=small.caseworker, household=small.north, person=person,
            from_service="cash", to_service="education", reason="out of school",
        )  # fmt: skip

    with pytest.raises(consent.NoConsentError, match="P-2 has not consented to being referred"):
        refer(small.fatima)
    with pytest.raises(consent.NoConsentError, match="head of household HH-N1"):
        refer(None)
    assert not m.Referral.objects.exists()
    # consent to sharing is not consent to referral: each purpose on its own
    services.record_consent(actor=small.caseworker, person=small.fatima, purpose="referral")
    assert refer(small.fatima).person == small.fatima
    given = services.record_consent(actor=small.caseworker, person=small.ahmad, purpose="referral")
    assert refer(None).person is None
    services.withdraw_consent(actor=small.caseworker, given=given, on=TODAY())
    with pytest.raises(consent.NoConsentError):
        refer(None)
    with pytest.raises(services.access.NotAllowed):  # another governorate's person
        services.record_consent(actor=small.caseworker, person=small.mustafa, purpose="referral")
    with pytest.raises(ValueError):  # no such purpose
        services.record_consent(actor=small.officer, person=small.mustafa, purpose="marketing")
