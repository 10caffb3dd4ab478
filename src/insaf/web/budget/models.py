"""The stored budgets: a budget's plan and settings, and its lines as rows.

``BudgetLine`` is one row of ``insaf.budget.LINE_SCHEMA``: one budget line in
one phase, so a focal point edits one amount at a time and the audit log keeps
each change. ``position`` keeps the order the file had, so a budget stored and
read back is the same ``insaf.budget.Budget`` (``convert``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insaf.budget import PHASES


class StoredBudget(models.Model):
    """A budget: its title, currency and scale, the plan it pays for and how the
    contingency reserve is recognised. Programme results, computed on a survey by
    ``services.compute_results``, and the benefit incidence of public spending and the
    incidence of transfers by sex (``services.compute_incidence``) are kept as the public
    tables were then."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=10)
    scale = models.FloatField(_("scale (amounts are in currency times scale)"), default=1.0)
    plan = models.JSONField(_("plan"), null=True, blank=True)
    contingency = models.JSONField(null=True, blank=True)
    results = models.JSONField(null=True, blank=True, editable=False)
    results_survey = models.JSONField(null=True, blank=True, editable=False)
    incidence = models.JSONField(null=True, blank=True, editable=False)
    gender = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def __str__(self) -> str:
        return self.code


class BudgetLine(models.Model):
    """One budget line in one phase (a row of ``insaf.budget.LINE_SCHEMA``)."""

    budget = models.ForeignKey(StoredBudget, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    line = models.CharField(_("line"), max_length=100)
    parent = models.CharField(_("parent line"), max_length=100, null=True, blank=True)
    year = models.IntegerField(_("year"))
    phase = models.CharField(_("phase"), max_length=10, choices=[(p, p) for p in PHASES])
    admin = models.CharField(_("administrative unit"), max_length=100)
    function = models.CharField(_("function (COFOG)"), max_length=20)
    economic = models.CharField(_("economic class (GFS)"), max_length=20)
    programme = models.CharField(_("programme"), max_length=100, null=True, blank=True)
    governorate = models.CharField(_("governorate"), max_length=100, null=True, blank=True)
    source = models.CharField(_("funding source"), max_length=100)
    gender_marker = models.SmallIntegerField(_("gender marker"))
    amount = models.FloatField(_("amount"))

    class Meta:
        ordering = ["budget", "position"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["budget", "line", "phase"], name="line_once_a_phase"),
            models.CheckConstraint(
                condition=Q(gender_marker__gte=0, gender_marker__lte=2), name="gender_marker_0_2"
            ),
        ]
        indexes = [models.Index(fields=["budget", "programme"])]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.line} {self.phase} {self.year}"
