"""Consent enforced: a person's data leave the registry only for a purpose they consented to.

The registry shares data in two ways, each a purpose of ``ConsentPurpose``:

- ``sharing``: answers of the API (DCI searches, the enrolment check, one
  household's record) to another registry or service;
- ``referral``: a referral sends a person (or their household) to another
  service.

Who consents: a household's data (its place, size, score, programmes) are
shared on its head's consent; a member's personal data (name, sex, birth date,
identifier) on that member's own consent, or, for a minor (under
``ADULT_AGE`` on the day), on the head's. A consent is in force from the day it
was given until the day it is withdrawn. Without it, nothing is shared: a
household is left out of a search's answer (the answer counts how many were
withheld), a member is left out of the member list, a referral is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from insaf.errors import InsafError
from insaf.web.registry import models as m

__all__ = [
    "ADULT_AGE",
    "NoConsentError",
    "is_minor",
    "person_consents",
    "person_shared",
    "require_referral_consent",
    "shared_households",
    "shared_members",
]

ADULT_AGE = 18


class NoConsentError(InsafError):
    """The person (or, for a minor or a household, its head) has not consented to this purpose."""


def is_minor(person: m.Person, on: dt.date) -> bool:
    """Under ``ADULT_AGE`` on ``on`` (a person without a birth date counts as an adult)."""
    born = person.birth_date
    if born is None:
        return False
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years < ADULT_AGE


def _consenting(purpose: m.ConsentPurpose, on: dt.date) -> QuerySet[m.Consent]:
    return m.Consent.objects.filter(purpose=purpose).in_force(on)


def person_consents(person: m.Person, purpose: m.ConsentPurpose, on: dt.date) -> bool:
    """Whether ``person`` has a consent for ``purpose`` in force on ``on``."""
    return _consenting(purpose, on).filter(person=person).exists()


def _heads_consenting(purpose: m.ConsentPurpose, on: dt.date) -> QuerySet[m.Membership]:
    return m.Membership.objects.filter(
        relation="head",
        end__isnull=True,
        person__in=_consenting(purpose, on).values("person_id"),
    )


def shared_households(
    households: QuerySet[m.Household], purpose: m.ConsentPurpose, on: dt.date
) -> QuerySet[m.Household]:
    """The households of ``households`` whose head consents to ``purpose`` on ``on``."""
    return households.filter(pk__in=_heads_consenting(purpose, on).values("household_id"))


def shared_members(
    household: m.Household, members: list[m.Membership], purpose: m.ConsentPurpose, on: dt.date
) -> list[m.Membership]:
    """The ``members`` whose personal data may be shared: their own consent, or a minor's
    head's."""
    consenting = set(
        _consenting(purpose, on)
        .filter(person_id__in=[ms.person_id for ms in members])
        .values_list("person_id", flat=True)
    )
    head_consents = _heads_consenting(purpose, on).filter(household=household).exists()
    return [
        ms
        for ms in members
        if ms.person_id in consenting or (head_consents and is_minor(ms.person, on))
    ]


def person_shared(
    person: m.Person, household: m.Household, purpose: m.ConsentPurpose, on: dt.date
) -> bool:
    """Whether ``person``'s data may be shared: their consent, or for a minor the head's."""
    if person_consents(person, purpose, on):
        return True
    return (
        is_minor(person, on) and _heads_consenting(purpose, on).filter(household=household).exists()
    )


def require_referral_consent(household: m.Household, person: m.Person | None, on: dt.date) -> None:
    """Refuse a referral without consent: the person's own (the head's for a minor, or for
    a referral of the whole household)."""
    purpose = m.ConsentPurpose.REFERRAL
    if person is not None and not is_minor(person, on):
        if not person_consents(person, purpose, on):
            raise NoConsentError(
                f"{person.code} has not consented to being referred to another service"
            )
        return
    if not _heads_consenting(purpose, on).filter(household=household).exists():
        whom = "a minor's referral" if person is not None else "a household's referral"
        raise NoConsentError(
            f"the head of household {household.code} has not consented to {whom} to another service"
        )
