"""Role scoping, the audit of reads and masking, by page and by API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from tests.web.registry.conftest import Small

from insaf.web.registry import models as m
from insaf.web.registry import services


def _client(user: object) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_mask_keeps_only_the_last_three_characters() -> None:
    assert services.mask("29001011234567") == "•••••••••••567"
    assert services.mask("12") == "••"
    assert services.mask("") == ""


def test_a_caseworker_reads_their_governorate_and_is_refused_another_by_page(small: Small) -> None:
    client = _client(small.caseworker)
    own = client.get("/en/registry/households/HH-N1/")
    assert own.status_code == 200
    other = client.get("/en/registry/households/HH-S1/")
    assert other.status_code == 403
    assert "مصطفى" not in other.content.decode()
    # the refused read is not recorded as a read; the allowed one is
    reads = list(m.ReadAudit.objects.filter(household__isnull=False).values_list(
        "user_name", "channel", "household__code"))  # fmt: skip
    assert reads == [("caseworker-north", "page", "HH-N1")]


def test_a_visitor_and_a_citizen_are_refused(small: Small) -> None:
    from tests.web.conftest import make_user

    anonymous = Client(raise_request_exception=False).get("/en/registry/households/HH-N1/")
    assert anonymous.status_code == 302  # to the login page
    citizen = _client(make_user("citizen", "public")).get("/en/registry/households/HH-N1/")
    assert citizen.status_code == 403
    assert not m.ReadAudit.objects.exists()


def test_the_household_page_masks_national_identifiers(small: Small) -> None:
    page = _client(small.officer).get("/en/registry/households/HH-N1/").content.decode()
    assert "29001011234567" not in page and "31005051234560" not in page
    assert "•••••••••••567" in page and "•••••••••••560" in page
    assert "أحمد عبد الله" in page


def test_every_read_of_a_record_is_audited_with_who_and_how(small: Small) -> None:
    client = _client(small.auditor)
    for _ in range(2):
        assert client.get("/en/registry/households/HH-S1/").status_code == 200
    rows = m.ReadAudit.objects.filter(household=small.south)
    assert rows.count() == 2
    assert {(r.user_name, r.channel) for r in rows} == {("auditor", "page")}
    # the auditor sees the reads; a caseworker may not
    assert client.get("/en/registry/reads/").status_code == 200
    assert _client(small.caseworker).get("/en/registry/reads/").status_code == 403


def _token(small: Small, user: object) -> dict[str, str]:
    raw = services.issue_token(actor=small.officer, user=user, name="test")  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_caseworker_is_refused_another_governorate_by_api(small: Small) -> None:
    client = Client()
    auth = _token(small, small.caseworker)
    assert client.get("/api/registry/households/HH-N1", **auth).status_code == 200
    refused = client.get("/api/registry/households/HH-S1?fields=member_list", **auth)
    assert refused.status_code == 403
    assert "مصطفى" not in refused.content.decode()
    assert client.get("/api/registry/households/HH-N1").status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert client.get("/api/registry/households/HH-N1", **bad).status_code == 401


def test_the_api_answers_only_the_fields_asked_for(small: Small) -> None:
    client = Client()
    auth = _token(small, small.officer)
    bare = client.get("/api/registry/households/HH-N1", **auth).json()["record"]
    assert set(bare) == {"@type", "group_identifier"}
    asked = client.get(
        "/api/registry/households/HH-N1?fields=group_size,member_list", **auth
    ).json()["record"]
    assert set(asked) == {"@type", "group_identifier", "group_size", "member_list"}
    assert asked["group_size"] == 2
    ids = [
        member["household_member"]["demographic_info"]["person"]["identifier"][0][
            "identifier_value"
        ]
        for member in asked["member_list"]
    ]
    assert ids == ["•••••••••••567", "•••••••••••560"]
    unknown = client.get("/api/registry/households/HH-N1?fields=salary", **auth)
    assert unknown.status_code == 422
    reads = m.ReadAudit.objects.filter(channel="api", household=small.north)
    assert reads.count() == 2


def test_the_payment_list_masks_identifiers_and_failed_payments_are_queued_again(
    small: Small,
) -> None:
    from insaf.errors import DataError

    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    enrolment = m.Enrolment.objects.create(
        household=small.north, programme=programme, status="active", since=dt.date(2024, 1, 1)
    )
    due = m.Entitlement.objects.create(enrolment=enrolment, due_on=dt.date(2024, 2, 1), amount=54)
    m.Payment.objects.create(entitlement=due, reference="PAY-1")
    text = services.export_payments(actor=small.officer, due_until=dt.date(2024, 2, 28), batch="B1")
    assert text.splitlines() == [
        "reference,household,head_national_id,programme,due_on,amount",
        "PAY-1,HH-N1,•••••••••••567,cash,2024-02-01,54.00",
    ]
    with pytest.raises(DataError, match="line 2, column status: 'lost'"):
        services.import_reconciliation(
            actor=small.officer, text="reference,status\nPAY-1,lost\n", name="r.csv",
            settled_on=dt.date(2024, 2, 3),
        )  # fmt: skip
    assert m.Payment.objects.get(reference="PAY-1").status == "exported"
    done = services.import_reconciliation(
        actor=small.officer, text="reference,status,reason\nPAY-1,failed,closed account\n",
        name="r.csv", settled_on=dt.date(2024, 2, 3),
    )  # fmt: skip
    assert (done.paid, done.failed, done.queued_again) == (0, 1, 1)
    attempts = list(due.payments.order_by("attempt").values_list("attempt", "status"))
    assert attempts == [(1, "failed"), (2, "queued")]
    again = services.export_payments(
        actor=small.officer, due_until=dt.date(2024, 2, 28), batch="B2"
    )
    assert len(again.splitlines()) == 2
    with pytest.raises(services.access.NotAllowed):
        services.export_payments(actor=small.caseworker, due_until=dt.date(2024, 2, 28), batch="B3")


def test_an_auditor_changes_nothing_and_each_change_is_audited(small: Small) -> None:
    from insaf.web.core.models import AuditEvent
    from insaf.web.registry.access import NotAllowed

    with pytest.raises(NotAllowed, match="an auditor changes nothing"):
        services.lodge_grievance(
            actor=small.auditor, household=small.north, kind="exclusion", description="-"
        )
    with pytest.raises(NotAllowed, match="an auditor changes nothing"):
        services.refer(
            actor=small.auditor,
            household=small.north,
            to_service="health",
            from_service="registry",
            reason="-",
        )
    with pytest.raises(NotAllowed, match="grievances are taken by registry staff"):
        services.lodge_grievance(
            actor=None, household=small.north, kind="exclusion", description="-"
        )
    grievance = services.lodge_grievance(
        actor=small.caseworker, household=small.north, kind="exclusion", description="-"
    )
    event = AuditEvent.objects.get(action="registry.grievance_lodged")
    assert (event.actor_name, event.object_type) == ("caseworker-north", "grievance")
    assert (event.object_id, event.summary) == (grievance.code, "HH-N1 exclusion")
