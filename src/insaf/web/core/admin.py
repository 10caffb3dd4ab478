"""Administration site: changes made here are written to the audit log too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from insaf.web.core.models import AuditEvent
from insaf.web.core.services import record, snapshot

__all__ = ["AuditedAdmin", "ReadOnly"]


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ``ModelAdmin`` whose saves and deletions write audit events with before and after."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                old = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = snapshot(old) if old is not None else None
            super().save_model(request, obj, form, change)
            record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                before=before,
                after=snapshot(obj),
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        """The list's "delete selected" action: one audited deletion per object."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            label, pk = obj._meta.label_lower, str(obj.pk)
            super().delete_model(request, obj)
            record(
                actor=request.user,
                action="admin.delete",
                object_type=label,
                object_id=pk,
                before=before,
            )


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown in the administration site, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ("at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_id", "summary")
