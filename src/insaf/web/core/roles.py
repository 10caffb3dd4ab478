"""Roles as Django groups, with the permissions each one holds.

- ``public``: a registered citizen; reads what everyone reads (anonymous visitors
  need no account) and, later, comments and signs petitions;
- ``analyst``: imports and publishes observations, edits indicator metadata and
  targets, sets the disclosure rules;
- ``council_member`` and ``focal_point``: the council workspace (a later app);
- ``budget_focal_point``: a planning or finance focal point, who edits the
  stored budgets' lines (every change audited);
- ``registry_officer``: the social registry in every governorate (rulesets,
  determinations, payments, grievances); ``caseworker``: the registry's
  households of the governorates assigned to them; ``auditor``: reads the
  registry and its audit of reads, changes nothing;
- ``administrator``: everything, including the administration site and users.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

__all__ = ["Role", "ensure_roles", "has_role"]


class Role(TextChoices):
    PUBLIC = "public", _("Public")
    ANALYST = "analyst", _("Analyst")
    COUNCIL_MEMBER = "council_member", _("Council member")
    FOCAL_POINT = "focal_point", _("Government focal point")
    BUDGET_FOCAL_POINT = "budget_focal_point", _("Planning or finance focal point")
    REGISTRY_OFFICER = "registry_officer", _("Registry officer")
    CASEWORKER = "caseworker", _("Caseworker")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# app_label.codename of each role's permissions; the administrator gets every permission.
PERMISSIONS: dict[Role, list[str]] = {
    Role.PUBLIC: [],
    Role.ANALYST: [
        "observatory.publish_observations",
        "observatory.change_indicator",
        "observatory.change_disclosurepolicy",
        "core.view_auditevent",
    ],
    Role.COUNCIL_MEMBER: [],
    Role.FOCAL_POINT: [],
    Role.BUDGET_FOCAL_POINT: ["budget.change_budgetline"],
    Role.REGISTRY_OFFICER: [],
    Role.CASEWORKER: [],
    Role.AUDITOR: ["core.view_auditevent"],
}


def ensure_roles(**_: Any) -> None:
    """Create the role groups and give them their permissions (idempotent; after migrate)."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if role is Role.ADMINISTRATOR:
            perms = list(Permission.objects.all())
        else:
            perms = []
            for dotted in PERMISSIONS[role]:
                app_label, codename = dotted.split(".")
                found = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if found is not None:
                    perms.append(found)
        group.permissions.set(perms)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    """Whether ``user`` belongs to one of ``roles`` (superusers hold every role)."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    groups = getattr(user, "groups", None)
    if groups is None:
        return False
    return bool(groups.filter(name__in=[r.value for r in roles]).exists())
