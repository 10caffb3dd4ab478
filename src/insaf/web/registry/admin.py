"""Administration of the registry: programmes and caseworkers' governorates (audited).

Personal records (persons, households, observations, determinations) are not
in the administration site: they are read only through the registry's pages
and API, where every read is audited and caseworkers are held to their
governorates. The audit of reads is shown read-only.

API tokens are issued here (the new token is shown once, in the message after
saving: only its SHA-256 is kept), listed, and revoked with the list's action;
each through ``services``, so each is audited. They are never edited or deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.web.core.admin import AuditedAdmin, ReadOnly
from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import assign_role
from insaf.web.registry import access, services
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


class IssueTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.ApiToken
        fields = ("user", "name")


@admin.register(m.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Issue (add), list and revoke; the token itself is shown once, when issued."""

    form = IssueTokenForm
    list_display = ("pk", "user", "name", "prefix", "created_at", "issued_by", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    actions = ("revoke",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_change(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.can_change(request.user) and super().has_add_permission(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raw = services.issue_token(actor=request.user, user=obj.user, name=obj.name)
        issued = m.ApiToken.objects.get(digest=services.token_digest(raw))
        obj.pk = issued.pk
        messages.warning(
            request,
            _("Token for %(user)s: %(token)s — copy it now: it is not stored and will not be "
              "shown again.") % {"user": obj.user.get_username(), "token": raw},
        )  # fmt: skip

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: Any = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:registry_apitoken_changelist"))

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[m.ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(actor=request.user, token=token)
            done += 1
        messages.success(request, _("%(n)s token(s) revoked.") % {"n": done})
