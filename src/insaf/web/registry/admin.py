"""Administration of the registry: programmes and caseworkers' governorates (audited).

Personal records (persons, households, observations, determinations) are not
in the administration site: they are read only through the registry's pages
and API, where every read is audited and caseworkers are held to their
governorates. The audit of reads is shown read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insaf.web.core.admin import AuditedAdmin, ReadOnly
from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import assign_role
from insaf.web.registry import models as m


@admin.register(m.Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar")


@admin.register(m.CaseworkerScope)
class CaseworkerScopeAdmin(AuditedAdmin):
    """A governorate given to a caseworker also gives them the caseworker role."""

    list_display = ("user", "governorate")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not has_role(obj.user, Role.CASEWORKER):
            assign_role(actor=request.user, user=obj.user, role=Role.CASEWORKER)


@admin.register(m.ReadAudit)
class ReadAuditAdmin(ReadOnly):
    list_display = ("at", "user_name", "channel", "household", "what")
    list_filter = ("channel",)
