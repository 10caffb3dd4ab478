"""Administration of the council: seats, ministries, focal points, rules (audited).

The lifecycle itself (referrals, statements, comments, opinions, votes,
responses, commitments, petitions) is read-only here: it changes only through
the services, which check roles and write the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insaf.web.core.admin import AuditedAdmin, ReadOnly
from insaf.web.core.roles import Role, has_role
from insaf.web.core.services import assign_role
from insaf.web.council import models as m


@admin.register(m.CouncilGroup)
class CouncilGroupAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar", "position")


@admin.register(m.Ministry)
class MinistryAdmin(AuditedAdmin):
    list_display = ("code", "name_en", "name_ar")


def _give_role(request: HttpRequest, user: Any, role: Role) -> None:
    if not has_role(user, role):
        assign_role(actor=request.user, user=user, role=role)


@admin.register(m.Member)
class MemberAdmin(AuditedAdmin):
    """A seat also gives its holder the council member role."""

    list_display = ("user", "group", "bureau", "active")
    list_filter = ("group", "bureau", "active")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _give_role(request, obj.user, Role.COUNCIL_MEMBER)


@admin.register(m.FocalPoint)
class FocalPointAdmin(AuditedAdmin):
    """A focal point also gets the focal point role."""

    list_display = ("user", "ministry")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _give_role(request, obj.user, Role.FOCAL_POINT)


@admin.register(m.Verification)
class VerificationAdmin(AuditedAdmin):
    list_display = ("user", "verified_at", "method")


@admin.register(m.Rules)
class RulesAdmin(AuditedAdmin):
    """One row: the rules in force (a vote or petition keeps those it started under)."""

    list_display = ("quorum", "majority", "group_majority", "petition_threshold", "petition_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not m.Rules.objects.exists() and super().has_add_permission(request)


@admin.register(m.Referral)
class ReferralAdmin(ReadOnly):
    list_display = ("code", "kind", "status", "title_en", "title_ar", "ministry", "received_at")
    list_filter = ("status", "kind")
    search_fields = ("code", "title_en", "title_ar")


@admin.register(m.ImpactStatement)
class ImpactStatementAdmin(ReadOnly):
    list_display = ("referral", "version", "scenario_name", "survey_fingerprint", "published_at")
    exclude = ("impact", "brief_en", "brief_ar")


@admin.register(m.Comment)
class CommentAdmin(ReadOnly):
    list_display = ("consultation", "author", "kind", "status", "supports", "reports", "created_at")
    list_filter = ("status", "kind")


@admin.register(m.Opinion)
class OpinionAdmin(ReadOnly):
    list_display = ("referral", "status", "adopted_at", "response_due")


@admin.register(m.Vote)
class VoteAdmin(ReadOnly):
    list_display = ("opinion", "status", "result", "opened_at", "closed_at")


@admin.register(m.Response)
class ResponseAdmin(ReadOnly):
    list_display = ("recommendation", "version", "verdict", "ministry", "published_at")


@admin.register(m.Commitment)
class CommitmentAdmin(ReadOnly):
    list_display = ("title", "ministry", "deadline", "status")
    list_filter = ("status", "ministry")


@admin.register(m.Petition)
class PetitionAdmin(ReadOnly):
    list_display = ("title", "status", "signatures", "threshold", "closes_at")
