"""Login rate limiting and the audit trail of logins.

A login is refused, before the password is even checked, once an account or
an address has ``LOGIN_ATTEMPTS`` failures within the last ``LOGIN_WINDOW``
seconds. Failures are kept in the database so every server worker sees them.
A citizen's sign-up (``insaf.web.accounts.registration``) counts as an attempt
too, so the same limits slow the making of accounts and the sending of mail.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from insaf.web.accounts.models import LoginFailure
from insaf.web.core.services import record

__all__ = ["is_locked", "logged_out", "login_failed", "login_succeeded", "signup_attempted"]


def _recent() -> Q:
    return Q(at__gte=timezone.now() - timedelta(seconds=settings.LOGIN_WINDOW))


def is_locked(*, username: str, address: str) -> bool:
    """Whether the account or the address has used up its failed attempts."""
    limit: int = settings.LOGIN_ATTEMPTS
    recent = LoginFailure.objects.filter(_recent())
    by_user = recent.filter(username=username.strip().lower()).count()
    by_address = recent.filter(address=address).count()
    return by_user >= limit or by_address >= limit * 4


def login_failed(*, username: str, address: str) -> None:
    with transaction.atomic():
        LoginFailure.objects.create(username=username.strip().lower()[:150], address=address[:64])
        LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        record(
            actor=None,
            action="account.login_failed",
            object_type="user",
            object_id=username[:150],
            summary=f"from {address}",
        )


def signup_attempted(*, email: str, address: str) -> None:
    """Count a sign-up against the login throttle: it is refused by the same limits."""
    LoginFailure.objects.create(username=email.strip().lower()[:150], address=address[:64])


def login_succeeded(*, user: AbstractBaseUser, address: str) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(username=user.get_username().lower()).delete()
        record(
            actor=user,
            action="account.login",
            object_type="user",
            object_id=user.get_username(),
            summary=f"from {address}",
        )


def logged_out(*, user: AbstractBaseUser) -> None:
    record(actor=user, action="account.logout", object_type="user", object_id=user.get_username())
