from __future__ import annotations

from django.contrib import admin

from insaf.web.accounts.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "username", "address")
    search_fields = ("username", "address")
