"""Core services: the audit log and role assignment.

Services take the acting user and run in ``transaction.atomic()``; every state
change writes an ``AuditEvent``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.db import models, transaction
from django.forms.models import model_to_dict

from insaf.web.core import versions
from insaf.web.core.models import AuditEvent
from insaf.web.core.roles import Role

__all__ = ["assign_role", "record", "record_account", "snapshot"]

Actor = AbstractBaseUser | AnonymousUser | None

PRIVATE_ACTIONS = ("account.",)
"""Audited actions that change nothing the public sees (no new public version)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(
    instance: models.Model, *, exclude: tuple[str, ...] = ("search_text",)
) -> dict[str, Any]:
    """The fields of a model instance as JSON-ready values (for before/after)."""
    data = model_to_dict(instance, exclude=list(exclude))
    return {k: _jsonable(v) for k, v in data.items()}


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    scopes: Sequence[str] = (versions.GLOBAL,),
) -> AuditEvent:
    """Write one audit event (call it inside the service's transaction).

    Every change but an account's own events (logins, logouts) also replaces
    the public versions of the ``scopes`` it touches (``global`` unless the
    service names narrower ones: an indicator, a referral), so no cached page or
    API answer that shows them outlives it.
    """
    user = actor if isinstance(actor, User) else None
    if not action.startswith(PRIVATE_ACTIONS):
        versions.bump(*scopes)
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def record_account(
    *,
    actor: Actor,
    user: AbstractBaseUser,
    action: str,
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """An audit event about ``user``'s account: the object is the user, by username."""
    return record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.get_username(),
        summary=summary,
        before=before,
        after=after,
    )


def assign_role(*, actor: Actor, user: AbstractBaseUser, role: Role) -> None:
    """Add ``user`` to ``role``; administrators also get access to the administration site."""
    with transaction.atomic():
        groups = getattr(user, "groups")  # noqa: B009 - AbstractBaseUser has no groups in its type
        before = sorted(groups.values_list("name", flat=True))
        groups.add(Group.objects.get(name=role.value))
        if role is Role.ADMINISTRATOR and isinstance(user, User) and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        record_account(
            actor=actor,
            user=user,
            action="role.assign",
            summary=f"role {role.value}",
            before={"roles": before},
            after={"roles": sorted(groups.values_list("name", flat=True))},
        )
