"""Arabic names are found across the ways people spell them, within the caseworker's scope."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.web.registry.conftest import Small, household

from insaf.web.registry import models as m
from insaf.web.registry import services


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("أحمد عبد الله", "أحمد عبد الله"),  # as stored
        ("احمد عبد الله", "أحمد عبد الله"),  # alef without hamza
        ("أَحْمَد عبد الله", "أحمد عبد الله"),  # with short vowels
        ("أحمـــد عبد الله", "أحمد عبد الله"),  # with tatweel
        ("احمد عبدالله", "أحمد عبد الله"),  # the compound name written as one word
        ("عبد الله أحمد", "أحمد عبد الله"),  # names in another order
        ("فاطمه أحمد", "فاطمة أحمد"),  # ha for ta marbuta
        ("29001011234567", "أحمد عبد الله"),  # the national identifier
    ],
)
def test_an_officer_finds_a_name_in_any_spelling(small: Small, query: str, expected: str) -> None:
    found = services.search_persons(actor=small.officer, query=query)
    assert expected in [f.person.name for f in found]


def test_alef_maqsura_and_ya_are_one_letter(small: Small) -> None:
    found = services.search_persons(actor=small.officer, query="مصطفي علي")
    assert [f.person.name for f in found] == ["مصطفى علي"]


def test_the_name_key_is_stored_folded(small: Small) -> None:
    assert m.Person.objects.get(code="P-2").name_key == "فاطمه احمد"


def test_a_caseworker_finds_no_one_outside_their_governorates(small: Small) -> None:
    assert services.search_persons(actor=small.caseworker, query="مصطفى علي") == []
    assert services.search_persons(actor=small.caseworker, query="28507071234561") == []
    assert [f.person.code for f in services.search_persons(
        actor=small.caseworker, query="فاطمه")] == ["P-2"]  # fmt: skip


def test_a_different_name_is_not_found(small: Small) -> None:
    household("HH-N2", "1", [("P-9", "", "محمود حسن", "M")])
    names = [f.person.name for f in services.search_persons(actor=small.officer, query="أحمد حسين")]
    assert "محمود حسن" not in names


def test_the_search_page_masks_identifiers_and_is_audited(small: Small) -> None:
    client = Client()
    client.force_login(small.caseworker)
    page = client.get("/ar/registry/", {"q": "احمد عبدالله"}).content.decode()
    assert "أحمد عبد الله" in page
    assert "29001011234567" not in page and "•••••••••••567" in page
    assert m.ReadAudit.objects.filter(what="search احمد عبدالله", channel="page").count() == 1
