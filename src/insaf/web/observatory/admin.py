"""Administration of the observatory (administrators only); changes are audited."""

from __future__ import annotations

from django.contrib import admin

from insaf.web.core.admin import AuditedAdmin
from insaf.web.observatory import models as m


@admin.register(m.Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar", "direction", "target_value", "target_year")
    search_fields = ("code", "name_en", "name_ar")


@admin.register(m.Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar")


@admin.register(m.Dimension)
class DimensionAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar", "sdmx")


@admin.register(m.DisclosurePolicy)
class DisclosurePolicyAdmin(AuditedAdmin):
    list_display = ("min_count", "cv_caution", "cv_suppress", "secondary")


@admin.register(m.Release)
class ReleaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "at",
        "source",
        "cells",
        "published",
        "suppressed_primary",
        "suppressed_secondary",
    )
