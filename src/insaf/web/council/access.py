"""Who may do what in the council. Services call these before changing anything.

- anyone (no account): read every public page, the API and the downloads;
- a registered account: comment, support one comment once, report abuse;
- a *verified* account (identity checked by the bureau): start and sign petitions;
- a council member (role ``council_member`` and an active seat in a group):
  table amendments, submit the group's position, vote in plenary;
- the rapporteur of a referral: draft its opinion and decide amendments;
- the bureau (a member with bureau rights, or an administrator): register
  referrals, attach impact statements, open consultations and votes,
  moderate, verify citizens;
- a focal point (role ``focal_point`` and a ministry): respond to the
  recommendations addressed to that ministry and report on its commitments.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from insaf.web.core.roles import Role, has_role
from insaf.web.council import models as m

__all__ = [
    "NotAllowed",
    "answers_for",
    "can_draft",
    "focal_ministry",
    "is_bureau",
    "is_rapporteur",
    "is_verified",
    "member_seat",
    "require",
]

AnyUser = AbstractBaseUser | AnonymousUser | None


class NotAllowed(PermissionDenied):
    """The acting account does not hold the role this step needs (HTTP 403)."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def member_seat(user: AnyUser) -> m.Member | None:
    """The active council seat of ``user`` (members hold the ``council_member`` role)."""
    if user is None or not user.is_authenticated:
        return None
    seat = m.Member.objects.filter(user_id=user.pk, active=True).select_related("group").first()
    if seat is None or not has_role(user, Role.COUNCIL_MEMBER):
        return None
    return seat


def is_bureau(user: AnyUser) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, Role.ADMINISTRATOR):
        return True
    seat = member_seat(user)
    return seat is not None and seat.bureau


def is_rapporteur(user: AnyUser, referral: m.Referral) -> bool:
    """Whether ``user`` is the rapporteur of ``referral``."""
    return referral.rapporteur_id is not None and referral.rapporteur_id == getattr(
        user, "pk", None
    )


def can_draft(user: AnyUser, referral: m.Referral) -> bool:
    """The bureau drafts a referral's opinion, and so does its rapporteur while seated."""
    return is_bureau(user) or (is_rapporteur(user, referral) and member_seat(user) is not None)


def focal_ministry(user: AnyUser) -> m.Ministry | None:
    """The ministry ``user`` answers for, if they are a focal point."""
    if user is None or not user.is_authenticated or not has_role(user, Role.FOCAL_POINT):
        return None
    row = m.FocalPoint.objects.filter(user_id=user.pk).select_related("ministry").first()
    return row.ministry if row is not None else None


def answers_for(user: AnyUser, ministry_id: int) -> bool:
    """Whether ``user`` is the focal point of the ministry ``ministry_id``."""
    own = focal_ministry(user)
    return own is not None and own.pk == ministry_id


def is_verified(user: AnyUser) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return m.Verification.objects.filter(user_id=user.pk).exists()
