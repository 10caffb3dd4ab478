"""The DCI social registry API, asked through the DCI client against the platform's own server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from tests.web.registry.conftest import Small, consent_everyone, household

from insaf.registry.dci_client import DciClient, DciError, Predicate
from insaf.web.registry import models as m
from insaf.web.registry import services


def _determined(h: m.Household, score: float, programme: m.Programme, ruleset: m.Ruleset) -> None:
    m.Determination.objects.create(
        household=h, ruleset=ruleset, as_of=dt.date(2024, 6, 1), eligible=score < 50,
        amount=54.0 if score < 50 else 0.0, pmt_score=score, input_hash=bytes(range(32)),
        hash=bytes(range(32, 64)),
    )  # fmt: skip


@pytest.fixture
def scored(small: Small) -> Small:
    """Three more households in governorate 1 and PMT scores on every household."""
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    ruleset = m.Ruleset.objects.create(
        programme=programme, version=1, text="-", content_hash="c" * 64,
        effective_from=dt.date(2024, 1, 1), legal_reference="-", drafted_by=small.officer,
    )  # fmt: skip
    household("HH-N2", "1", [("P-4", "27001011111111", "سعاد", "F")])
    household("HH-N3", "1", [("P-5", "27001012222222", "منى", "F"), ("P-6", "", "علي", "M")])
    household("HH-N4", "2", [("P-7", "27001013333333", "كريم", "M")])
    consent_everyone()
    for code, score in (("HH-N1", 20.0), ("HH-N2", 45.0), ("HH-N3", 70.0), ("HH-N4", 30.0),
                        ("HH-S1", 10.0)):  # fmt: skip
        _determined(m.Household.objects.get(code=code), score, programme, ruleset)
    m.Enrolment.objects.create(
        household=small.north, programme=programme, status="active", since=dt.date(2024, 6, 1)
    )
    return small


def _client(url: str, small: Small, user: Any) -> DciClient:
    token = services.issue_token(actor=small.officer, user=user, name="dci")
    return DciClient(base=f"{url}/api/registry/dci", token=token)


def _codes(records: Any) -> list[str]:
    return [r["group_identifier"][0]["identifier_value"] for r in records]


@pytest.mark.django_db(transaction=True)
def test_search_by_identifier_and_expression_over_http(live_server: Any, scored: Small) -> None:
    client = _client(live_server.url, scored, scored.officer)
    (one,) = client.search_id("NID", "31005051234560", fields=["group_size", "poverty_score"])
    assert one["group_identifier"] == [{"identifier_type": "HHID", "identifier_value": "HH-N1"}]
    assert (one["group_size"], one["poverty_score"]) == (2, 20.0)
    assert "member_list" not in one
    assert client.search_id("HHID", "HH-NONE") == []

    low = client.search([Predicate("poverty_score", "lt", 45)])
    assert _codes(low) == ["HH-N1", "HH-N4", "HH-S1"]
    assert _codes(client.search([Predicate("poverty_score", "le", 45)])) == [
        "HH-N1", "HH-N2", "HH-N4", "HH-S1"]  # fmt: skip
    assert _codes(client.search([Predicate("poverty_score", "gt", 45)])) == ["HH-N3"]
    assert _codes(client.search([Predicate("poverty_score", "ge", 45)])) == ["HH-N2", "HH-N3"]
    assert _codes(client.search([Predicate("group_size", "eq", 2)])) == ["HH-N1", "HH-N3"]
    both = [Predicate("governorate", "in", ["1", "7"]), Predicate("poverty_score", "lt", 45)]
    assert _codes(client.search(both)) == ["HH-N1", "HH-S1"]
    # page after page: three pages of two records, then one of one
    assert _codes(client.search([Predicate("group_size", "ge", 1)], page_size=2)) == [
        "HH-N1", "HH-N2", "HH-N3", "HH-N4", "HH-S1"]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_caseworker_token_reaches_only_its_governorate(live_server: Any, scored: Small) -> None:
    client = _client(live_server.url, scored, scored.caseworker)
    assert _codes(client.search([Predicate("poverty_score", "lt", 100)])) == [
        "HH-N1", "HH-N2", "HH-N3"]  # fmt: skip
    with pytest.raises(DciError, match="HTTP 403"):
        client.search_id("NID", "28507071234561")
    reads = m.ReadAudit.objects.filter(channel="api", user_name="caseworker-north")
    assert sorted(reads.values_list("household__code", flat=True)) == ["HH-N1", "HH-N2", "HH-N3"]


@pytest.mark.django_db(transaction=True)
def test_categorical_eligibility_from_the_enrolled_check(live_server: Any, scored: Small) -> None:
    client = _client(live_server.url, scored, scored.officer)
    assert client.enrolled("29001011234567", "cash") is True  # head of HH-N1, active
    assert client.enrolled("28507071234561", "cash") is False  # HH-S1, not enrolled
    assert client.enrolled("29001011234567", "other") is False
    with pytest.raises(DciError, match="HTTP 401"):
        DciClient(base=f"{live_server.url}/api/registry/dci", token="wrong").enrolled("1", "cash")


def _envelope(criteria: dict[str, Any], transaction: str = "T-1") -> dict[str, Any]:
    return {
        "header": {"message_id": "M-1", "message_ts": "2024-06-01T10:00:00Z"},
        "message": {
            "transaction_id": transaction,
            "search_request": [
                {
                    "reference_id": "R-1",
                    "timestamp": "2024-06-01T10:00:00Z",
                    "search_criteria": criteria,
                }
            ],
        },
    }


def test_a_search_asked_for_later_is_collected_by_its_transaction(scored: Small) -> None:
    token = services.issue_token(actor=scored.officer, user=scored.officer, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    web = Client()
    body = _envelope({"query_type": "idtype-value", "query": {"type": "HHID", "value": "HH-N3"}})
    ack = web.post(
        "/api/registry/dci/registry/search", body, content_type="application/json", **auth
    )
    assert ack.status_code == 200
    assert ack.json()["message"]["ack_status"] == "ACK"
    status = {"header": body["header"], "message": {"transaction_id": "T-1"}}
    later = web.post(
        "/api/registry/dci/registry/sync/txn/status", status, content_type="application/json",
        **auth,
    )  # fmt: skip
    records = later.json()["message"]["search_response"][0]["data"]["reg_records"]
    assert _codes(records) == ["HH-N3"]
    other = {"header": body["header"], "message": {"transaction_id": "T-2"}}
    missing = web.post(
        "/api/registry/dci/registry/sync/txn/status", other, content_type="application/json",
        **auth,
    )  # fmt: skip
    assert missing.status_code == 404


def test_bad_expressions_are_rejected_with_the_reason(scored: Small) -> None:
    token = services.issue_token(actor=scored.officer, user=scored.officer, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    web = Client()
    wrong_kind = _envelope({"query_type": "expression", "query": [
        {"expression1": {"attribute_name": "poverty_score", "operator": "in",
                         "attribute_value": 3}}]})  # fmt: skip
    answer = web.post(
        "/api/registry/dci/registry/sync/search", wrong_kind, content_type="application/json",
        **auth,
    ).json()["message"]["search_response"][0]  # fmt: skip
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "poverty_score: operator 'in' takes a list of values" in answer["status_reason_message"]
    unknown = _envelope({"query_type": "expression", "query": [
        {"expression1": {"attribute_name": "salary", "operator": "eq",
                         "attribute_value": 3}}]})  # fmt: skip
    refused = web.post(
        "/api/registry/dci/registry/sync/search", unknown, content_type="application/json", **auth
    )
    assert refused.status_code == 422
    named = [e["loc"][-1] for e in refused.json()["detail"] if e["type"] == "literal_error"]
    assert "attribute_name" in named


def test_the_openapi_document_lists_the_dci_operations_with_bearer_authentication(db: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    for path in ("sync/search", "search", "sync/txn/status", "sync/enrolled"):
        operation = schema["paths"][f"/api/registry/dci/registry/{path}"]["post"]
        assert operation["security"] == [{"TokenAuth": []}]
        assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
