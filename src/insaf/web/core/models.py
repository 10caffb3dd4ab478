"""The audit log: who changed what, when, with the state before and after; the field that
names who did something."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise


def actor_field(
    verbose_name: StrOrPromise | None = None,
) -> models.ForeignKey[User | None, User | None]:
    """The account that did something (``created_by``, ``decided_by``...): optional, without
    a reverse accessor, and set to null when the account is deleted, so the row stays."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class AuditEvent(models.Model):
    """One change made through the platform (written by services, never by views)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = actor_field(_("who"))
    actor_name = models.CharField(_("who (name at the time)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_id}"


class PublicVersion(models.Model):
    """A stamp per scope that every change to what the public sees in that scope replaces.

    ``global`` (changes that may touch any page), ``indicator:<code>`` (an
    indicator's published data), ``referral:<code>`` (a council referral and
    everything under it) and ``council:<model>:<pk>`` (other council records).
    Cached pages and API answers, their ``ETag`` and the per-process memos are
    keyed on the stamps of the scopes they show (``insaf.web.core.versions``),
    so no cached copy outlives a change, and a change leaves the copies of
    other scopes alone. ``changed`` is the time of the scope's last change in
    microseconds since the epoch (``Last-Modified``), ``bumps`` how many
    changes it has had (a family of scopes is stamped by their count and sum).
    """

    scope = models.CharField(max_length=200, unique=True, default="global")
    stamp = models.CharField(max_length=32)
    changed = models.BigIntegerField()
    bumps = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("public version")
        verbose_name_plural = _("public version")

    def __str__(self) -> str:
        return f"{self.scope} {self.stamp}"
