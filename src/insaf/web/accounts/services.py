"""Login throttling and the audit trail of logins.

Failed attempts are kept in the database (every server worker sees them) and
counted over the last ``LOGIN_WINDOW`` seconds. A login is refused, before the
password is even checked, when

- this account has ``LOGIN_ATTEMPTS`` failures *from this address*: guessing
  one account's password from one place stops there; or
- this account has ``4 * LOGIN_ATTEMPTS`` failures from all addresses
  together: guessing from many places stops too (it takes at least four
  addresses to reach, so one address cannot lock an account for others).

An address's failures on other accounts never count: one address trying
unknown usernames locks out nobody, and when many people reach the platform
through one proxy address an attacker among them cannot lock out the rest.
Which address a request came from is ``insaf.web.core.network.client_address``
(no proxy header is believed unless the operator names one).

A citizen's sign-up (``insaf.web.accounts.registration``) counts as an attempt
too, and is also refused once its address has ``4 * LOGIN_ATTEMPTS`` attempts
of any kind (``per_address=True``): making accounts and sending mail are
limited per address.

``retry_after`` is the one check (the login page, the administration login
that leads to it, the sign-up): the seconds until an attempt is allowed again,
sent as ``Retry-After`` with the ``429``.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from insaf.web.accounts.models import LoginFailure
from insaf.web.core.services import record, record_account

__all__ = [
    "is_locked",
    "logged_out",
    "login_failed",
    "login_succeeded",
    "retry_after",
    "signup_attempted",
]

ACCOUNT_FACTOR = 4
"""An account is locked from everywhere after this many times ``LOGIN_ATTEMPTS`` failures."""


def _name(username: str) -> str:
    return username.strip().lower()[:150]


def _recent() -> QuerySet[LoginFailure]:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_WINDOW)
    return LoginFailure.objects.filter(at__gte=since)


def _wait(failures: QuerySet[LoginFailure], limit: int) -> int | None:
    """Seconds until fewer than ``limit`` of ``failures`` are in the window (None: not locked)."""
    if failures.count() < limit:
        return None
    # the limit-th newest failure leaves the window first among those that keep it locked
    at = failures.order_by("-at").values_list("at", flat=True)[limit - 1]
    left = at + timedelta(seconds=settings.LOGIN_WINDOW) - timezone.now()
    return max(1, math.ceil(left.total_seconds()))


def retry_after(*, username: str, address: str, per_address: bool = False) -> int | None:
    """Seconds before ``username`` may try again from ``address``; ``None`` if it may now.

    ``per_address``: also refuse once the address has ``4 * LOGIN_ATTEMPTS``
    attempts on any account (the sign-up, which creates accounts and sends mail).
    """
    limit: int = settings.LOGIN_ATTEMPTS
    recent = _recent()
    by_account = recent.filter(username=_name(username))
    waits = [
        _wait(by_account.filter(address=address[:64]), limit),
        _wait(by_account, limit * ACCOUNT_FACTOR),
    ]
    if per_address:
        waits.append(_wait(recent.filter(address=address[:64]), limit * ACCOUNT_FACTOR))
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def is_locked(*, username: str, address: str, per_address: bool = False) -> bool:
    """Whether ``retry_after`` refuses the attempt now."""
    return retry_after(username=username, address=address, per_address=per_address) is not None


def login_failed(*, username: str, address: str, reason: str = "") -> None:
    """Count a failed login (wrong password, or ``reason``: a wrong second-factor code)."""
    with transaction.atomic():
        LoginFailure.objects.create(username=_name(username), address=address[:64])
        LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        record(
            actor=None,
            action="account.login_failed",
            object_type="user",
            object_id=username[:150],
            summary=f"from {address}" + (f" ({reason})" if reason else ""),
        )


def signup_attempted(*, email: str, address: str) -> None:
    """Count a sign-up against the login throttle: it is refused by the same limits."""
    LoginFailure.objects.create(username=_name(email), address=address[:64])


def login_succeeded(*, user: AbstractBaseUser, address: str) -> None:
    with transaction.atomic():
        # only this address's failures: a success elsewhere gives guessers no fresh attempts
        LoginFailure.objects.filter(
            username=_name(user.get_username()), address=address[:64]
        ).delete()
        record_account(actor=user, user=user, action="account.login", summary=f"from {address}")


def logged_out(*, user: AbstractBaseUser) -> None:
    record_account(actor=user, user=user, action="account.logout")
