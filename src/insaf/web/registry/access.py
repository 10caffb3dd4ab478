"""Who may read and change the registry. Pages, the API and services all ask here.

- a registry officer (role ``registry_officer``) or an administrator: every
  household, and every change (rulesets, determinations, payments, grievances);
- a caseworker (role ``caseworker``): the households of the governorates given
  to them (``CaseworkerScope``), and the grievances and referrals of those
  households; refused every other household, by page and by API alike;
- an auditor (role ``auditor``): reads every household and the audit of reads,
  changes nothing;
- anyone else: the public eligibility check only.

A ruleset is approved by a registry officer other than the one who drafted it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from insaf.web.core.roles import Role, has_role
from insaf.web.registry import models as m

__all__ = [
    "NotAllowed",
    "can_change",
    "can_read_registry",
    "governorates",
    "require",
    "require_household",
    "visible_households",
]

AnyUser = AbstractBaseUser | AnonymousUser | None


class NotAllowed(PermissionDenied):
    """The acting account may not do this (HTTP 403)."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def _has(user: AnyUser, *roles: Role) -> bool:
    return user is not None and has_role(user, *roles)


def can_change(user: AnyUser) -> bool:
    """Registry officers and administrators change the registry."""
    return _has(user, Role.REGISTRY_OFFICER, Role.ADMINISTRATOR)


def can_read_registry(user: AnyUser) -> bool:
    return _has(user, Role.REGISTRY_OFFICER, Role.CASEWORKER, Role.AUDITOR, Role.ADMINISTRATOR)


def governorates(user: AnyUser) -> frozenset[str] | None:
    """The governorates ``user`` may read: ``None`` for all, an empty set for none."""
    if _has(user, Role.REGISTRY_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR):
        return None
    if user is None or not _has(user, Role.CASEWORKER):
        return frozenset()
    scopes = m.CaseworkerScope.objects.filter(user_id=user.pk or 0)
    return frozenset(scopes.values_list("governorate", flat=True))


def visible_households(user: AnyUser) -> QuerySet[m.Household]:
    """The households ``user`` may read (none for a visitor)."""
    allowed = governorates(user)
    rows = m.Household.objects.all()
    if allowed is None:
        return rows
    return rows.filter(governorate__in=sorted(allowed))


def require_household(user: AnyUser, household: m.Household) -> None:
    """Refuse (403) a household outside the governorates ``user`` may read."""
    allowed = governorates(user)
    require(
        allowed is None or household.governorate in allowed,
        "this household is outside the governorates you may read",
    )
