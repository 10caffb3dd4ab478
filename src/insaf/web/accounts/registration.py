"""Citizens' sign-up: an inactive account, a verification mail with a signed link, activation.

An account made here holds the ``public`` role and stays inactive (it cannot
log in) until its owner opens the link mailed to the address given. The link
carries the account's id and a token signed with the secret key
(:class:`ActivationTokens`); it expires after ``PASSWORD_RESET_TIMEOUT``
(three days) and is spent once the account is active. Whether an address
already has an account is never shown on the page: the answer is the same
("look in your mailbox"), and the mail says what happened (a new link, or
"you already have an account"). Sign-up attempts count against the login
throttle (``insaf.web.accounts.services``): per address and per account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from insaf.web.core.roles import Role
from insaf.web.core.services import record, record_account

__all__ = ["ActivationTokens", "Link", "activate", "link_user", "sign_up"]


class ActivationTokens(PasswordResetTokenGenerator):
    """Tokens of the verification link: spent once the account is active."""

    key_salt = "insaf.web.accounts.registration.ActivationTokens"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        active = getattr(user, "is_active", False)
        email = getattr(user, "email", "")
        return f"{user.pk}{user.password}{active}{email}{timestamp}"


TOKENS = ActivationTokens()


@dataclass(frozen=True, slots=True)
class Link:
    """The two parts of a verification link's path."""

    uid: str
    token: str


def _link(user: User) -> Link:
    return Link(urlsafe_base64_encode(force_bytes(user.pk)), TOKENS.make_token(user))


def sign_up(*, email: str, name: str, password: str, build_url: Callable[[Link], str]) -> User:
    """Make the inactive citizen account of ``email`` and mail its verification link.

    ``build_url(link)`` gives the absolute URL of the link (the view knows the
    host and language). When ``email`` already has an account nothing is made:
    an inactive one gets a fresh link, an active one a note that it exists.
    Returns the account the mail was about.
    """
    address = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(
            Q(username__iexact=address) | Q(email__iexact=address)
        ).first()
        if existing is None:
            user = User.objects.create_user(
                username=address, email=address, password=password, first_name=name.strip()
            )
            user.is_active = False
            user.save(update_fields=["is_active"])
            user.groups.add(Group.objects.get(name=Role.PUBLIC.value))
            record(
                actor=None,
                action="account.signup",
                object_type="user",
                object_id=address,
                summary="citizen account made, inactive until the address is verified",
                after={"active": False, "roles": [Role.PUBLIC.value]},
            )
            template = "verify"
        else:
            user = existing
            template = "exists" if existing.is_active else "verify"
            record(
                actor=None,
                action="account.signup_again",
                object_type="user",
                object_id=address,
                summary="sign-up asked for an address that has an account",
            )
    context = {"user": user, "url": build_url(_link(user)) if template == "verify" else ""}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return user


def link_user(uid: str, token: str) -> User | None:
    """The inactive account the link ``uid``/``token`` verifies, or ``None`` (bad, old, spent)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not TOKENS.check_token(user, token):
        return None
    return user


def activate(user: User) -> None:
    """Make the verified account active (it can log in from now on)."""
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_account(
            actor=user,
            user=user,
            action="account.verified",
            summary="address verified; account active",
            before={"active": False},
            after={"active": True},
        )
