"""A small registry in two governorates, and the people who read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from tests.web.conftest import make_user

from insaf.web.registry import models as m


@dataclass
class Small:
    north: m.Household
    south: m.Household
    officer: User
    caseworker: User
    auditor: User
    ahmad: m.Person
    fatima: m.Person
    mustafa: m.Person


def household(code: str, governorate: str, people: list[tuple[str, str, str, str]]) -> m.Household:
    """A household and its members: ``(code, national id, name, sex)``, the first is the head."""
    h = m.Household.objects.create(
        code=code, governorate=governorate, registered_on=dt.date(2023, 1, 5)
    )
    for i, (pcode, nid, name, sex) in enumerate(people):
        person = m.Person.objects.create(
            code=pcode, national_id=nid, name=name, sex=sex, birth_date=dt.date(1980 + 10 * i, 3, 1)
        )
        m.Membership.objects.create(
            person=person, household=h, relation="head" if i == 0 else "child",
            start=dt.date(2023, 1, 5),
        )  # fmt: skip
    return h


def consent_everyone(purpose: str = "sharing", on: dt.date = dt.date(2023, 1, 5)) -> None:
    """Every person without a consent for ``purpose`` consents to it from ``on``."""
    for person in m.Person.objects.exclude(consents__purpose=purpose):
        m.Consent.objects.create(person=person, purpose=purpose, given_on=on)


@pytest.fixture
def small(db: Any) -> Small:
    north = household(
        "HH-N1",
        "1",
        [
            ("P-1", "29001011234567", "أحمد عبد الله", "M"),
            ("P-2", "31005051234560", "فاطمة أحمد", "F"),
        ],
    )
    south = household("HH-S1", "7", [("P-3", "28507071234561", "مصطفى علي", "M")])
    officer = make_user("officer", "registry_officer")
    caseworker = make_user("caseworker-north", "caseworker")
    m.CaseworkerScope.objects.create(user=caseworker, governorate="1")
    auditor = make_user("auditor", "auditor")
    consent_everyone()  # to sharing through the API (tests/web/registry/test_consent.py: without)
    people = {p.code: p for p in m.Person.objects.all()}
    return Small(
        north=north,
        south=south,
        officer=officer,
        caseworker=caseworker,
        auditor=auditor,
        ahmad=people["P-1"],
        fatima=people["P-2"],
        mustafa=people["P-3"],
    )
