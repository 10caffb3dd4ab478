"""What every council service shares: errors, the clock, the audit trail, rate limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.errors import InsafError
from insaf.observatory.search import search_text
from insaf.web.core.services import record
from insaf.web.council import models as m

__all__ = [
    "Actor",
    "RateLimited",
    "RuleError",
    "account",
    "audit",
    "clean_text",
    "council_scope",
    "insert_once",
    "lock_account",
    "next_version",
    "now_or",
    "publication",
    "rules",
    "searchable",
    "user_or_none",
]

Actor = AbstractBaseUser | AnonymousUser | None
MAX_TEXT = 10_000
T = TypeVar("T")


class RuleError(InsafError):
    """The step is not possible now (a closed consultation, a vote already cast...)."""


class RateLimited(RuleError):  # noqa: N818 - reads better at the call site
    """Too many actions from one account in the last hour (HTTP 429)."""


def user_or_none(actor: Actor) -> User | None:
    """The acting account, or ``None`` for the system and anonymous visitors."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def account(actor: Actor) -> User:
    """The acting account; a step that needs one refuses anonymous visitors (HTTP 403)."""
    from insaf.web.council.access import NotAllowed

    user = user_or_none(actor)
    if user is None:
        raise NotAllowed(_("Log in first."))
    return user


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def next_version(
    published: models.Manager[Any] | models.QuerySet[Any], *, says_why: bool, why: str
) -> int:
    """The number of the next of the versions in ``published`` (1 for the first). A
    later version must say why it was made: without ``says_why``, ``RuleError(why)``."""
    last: int = published.aggregate(v=Max("version"))["v"] or 0
    if last and not says_why:
        raise RuleError(why)
    return last + 1


def publication(
    versions: models.Manager[Any] | models.QuerySet[Any],
    *,
    why: str,
    actor: Actor,
    at: dt.datetime,
    note: str,
    note_ar: str | None = None,
) -> dict[str, Any]:
    """The fields the next of the published ``versions`` is created with: its number, its
    correction note (and ``note_ar``, where the record has one; a later version gives a
    note, else ``RuleError(why)``), when and by whom it is published."""
    notes = {"note": note} if note_ar is None else {"note": note, "note_ar": note_ar}
    says_why = any(text.strip() for text in notes.values())
    return {
        "version": next_version(versions, says_why=says_why, why=why),
        **{
            name: clean_text(text, field=_("note"), required=False, limit=2000)
            for name, text in notes.items()
        },
        "published_at": at,
        "published_by": user_or_none(actor),
    }


def rules() -> m.Rules:
    return m.Rules.objects.first() or m.Rules()


def clean_text(value: str, *, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Text typed by a person: stripped, length-checked (it is escaped when shown)."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise RuleError(_("%(field)s: this field is required.") % {"field": field})
    if len(text) > limit:
        raise RuleError(
            _("%(field)s: at most %(limit)s characters.") % {"field": field, "limit": limit}
        )
    return text


def searchable(*parts: str | None) -> str:
    return search_text(parts)


def audit(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    object_id: str | None = None,
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    record(
        actor=actor,
        action=f"council.{action}",
        object_type=obj._meta.label_lower,
        object_id=object_id or str(obj.pk),
        summary=summary[:2000],
        before=before,
        after=after,
        scopes=[council_scope(obj)],
    )


_SHARED = ("ministry", "councilgroup", "rules")
"""Council tables many records point at: a walk towards the referral does not go through them."""


def council_scope(obj: models.Model) -> str:
    """The public-version scope of a council record: ``referral:<code>`` for anything under a
    referral (found through the record's own links, at most five steps), else
    ``council:<model>:<pk>``. No council page is cached today; the scope keeps a council
    write from replacing the observatory's versions, and two writes under different
    referrals from updating the same row."""
    frontier = [obj]
    for _step in range(5):
        following: list[models.Model] = []
        for row in frontier:
            if isinstance(row, m.Referral):
                return f"referral:{row.code}"
            for field in row._meta.concrete_fields:
                target = field.related_model
                if (
                    field.is_relation
                    and isinstance(target, type)
                    and target._meta.app_label == "council"
                    and target._meta.model_name not in _SHARED
                    and getattr(row, field.attname) is not None
                ):
                    following.append(getattr(row, field.name))
        frontier = following
    return f"council:{obj._meta.model_name}:{obj.pk}"


def insert_once(create: Callable[[], T]) -> T | None:
    """``create()`` in a savepoint: the row it made, or ``None`` when the database refuses it
    (a unique constraint: one support, one signature, one ballot... per account)."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        return None


def lock_account(actor: Actor) -> None:
    """Serialise one account's actions (rate limits are then counted exactly)."""
    if actor is not None and actor.is_authenticated:
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()


def check_rate(count: int, limit: int) -> None:
    if count >= limit:
        raise RateLimited(
            _("This account has reached its limit of %(limit)s an hour; try again later.")
            % {"limit": limit}
        )
