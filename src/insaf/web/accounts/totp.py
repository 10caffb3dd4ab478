"""The optional second factor of staff accounts: a time-based one-time code (TOTP, RFC 6238).

The devices are django-otp's ``TOTPDevice`` (a secret per account, codes of
six digits every 30 seconds, one step of clock drift allowed, a code never
accepted twice, and django-otp's own growing delay after wrong codes). A
member of a staff role (analyst, council member, government focal point,
administrator) turns it on from the *Second factor* page: the page shows a
new secret, the person adds it to an authenticator application, and the
factor is on once they type a code it gives. From then on their login, the
administration site's included (it goes through the same login page), needs a
code as well as the password. Turning it on and off is audited.
"""

from __future__ import annotations

import base64

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import record_account

__all__ = [
    "STAFF_ROLES",
    "confirmed_device",
    "disable",
    "enable",
    "may_enrol",
    "pending_device",
    "secret",
    "verify",
]

STAFF_ROLES = (Role.ANALYST, Role.COUNCIL_MEMBER, Role.FOCAL_POINT, Role.ADMINISTRATOR)
"""The roles that may turn a second factor on."""

_NAME = "authenticator"


def may_enrol(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, *STAFF_ROLES)


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The account's second factor, if it is on."""
    if not isinstance(user, User):
        return None
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device


def pending_device(user: User) -> TOTPDevice:
    """The secret being set up (made once, kept until confirmed or replaced)."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator applications take it."""
    return base64.b32encode(device.bin_key).decode("ascii")


def verify(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is the device's current code (and was not used before)."""
    code = code.strip().replace(" ", "")
    return code.isdigit() and len(code) == device.digits and bool(device.verify_token(code))


def enable(*, user: User, code: str) -> bool:
    """Turn the factor on if ``code`` matches the pending secret; audited."""
    with transaction.atomic():
        device = pending_device(user)
        if not verify(device, code):
            return False
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_account(actor=user, user=user, action="account.second_factor_on")
    return True


def disable(*, user: User, code: str) -> bool:
    """Turn the factor off if ``code`` is a current code of it; audited."""
    with transaction.atomic():
        device = confirmed_device(user)
        if device is None or not verify(device, code):
            return False
        TOTPDevice.objects.filter(user=user).delete()
        record_account(actor=user, user=user, action="account.second_factor_off")
    return True
