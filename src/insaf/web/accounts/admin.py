from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from insaf.web.accounts.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "username", "address")
    search_fields = ("username", "address")


# Second-factor devices are set up by their owner (accounts.totp, audited), not here.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
