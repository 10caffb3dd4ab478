"""The Social Observatory's tables: catalogue, published observations, progress, settings.

Observations are stored only after disclosure control (``services.publish``):
a suppressed cell has no value, standard error, interval or count, and a
database constraint makes sure of it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insaf.observatory.observations import MAX_AREA_LENGTH
from insaf.web.core.models import actor_field


class Rights(models.TextChoices):
    STRUCTURAL = "structural", _("Structural")
    PROCESS = "process", _("Process")
    OUTCOME = "outcome", _("Outcome")


class DirectionChoice(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class ProgressStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Target achieved")
    ON_TRACK = "on_track", _("On track")
    ACCELERATE = "accelerate", _("Progress, but acceleration needed")
    LIMITED = "limited", _("Limited progress")
    DETERIORATION = "deterioration", _("Deterioration")
    NOT_AVAILABLE = "not_available", _("Not enough data")


class ProgressMethod(models.TextChoices):
    CAGR_RATIO = "cagr_ratio", _("Growth-rate ratio (Open SDG / Statistics Canada)")
    ANTICIPATED = "anticipated", _("Anticipated progress (UN ESCAP)")


class Dimension(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    sdmx = models.CharField(max_length=40)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code


class Category(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=40)
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dimension__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="category_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}={self.code}"


class Indicator(models.Model):
    code = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300)
    definition_en = models.TextField(_("definition (English)"))
    definition_ar = models.TextField(_("definition (Arabic)"))
    unit_of_measure_en = models.CharField(max_length=120)
    unit_of_measure_ar = models.CharField(max_length=120)
    source_en = models.CharField(max_length=300)
    source_ar = models.CharField(max_length=300)
    method_en = models.TextField()
    method_ar = models.TextField()
    agency_en = models.CharField(max_length=300)
    agency_ar = models.CharField(max_length=300)
    sdg = models.CharField(max_length=200, blank=True)
    rights = models.CharField(max_length=20, choices=Rights.choices, default=Rights.OUTCOME)
    direction = models.CharField(max_length=10, choices=DirectionChoice.choices)
    decimals = models.PositiveSmallIntegerField(default=1)
    headline = models.BooleanField(default=False)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    breakdowns = models.JSONField(default=list)
    computation = models.JSONField(null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        permissions = [("publish_observations", "Can import, compute and publish observations")]

    def __str__(self) -> str:
        return self.code


class Framework(models.Model):
    code = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(max_length=300)
    name_ar = models.CharField(max_length=300)
    description_en = models.TextField(blank=True)
    description_ar = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class Node(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    name_en = models.CharField(max_length=400)
    name_ar = models.CharField(max_length=400)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    indicators = models.ManyToManyField(Indicator, related_name="nodes", blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code}/{self.code}"


class HumanRight(models.Model):
    """A right the observatory's indicators monitor, with its structural facts (as data)."""

    code = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300)
    treaty = models.CharField(max_length=40)
    article = models.CharField(max_length=20, blank=True)
    facts = models.JSONField(default=list)
    """Structural facts: ``[{"name": {"en", "ar"}, "status": {"en", "ar"}, "year",
    "source"}]`` as the catalogue states them."""
    indicators = models.ManyToManyField(Indicator, related_name="human_rights", blank=True)
    spending = models.JSONField(null=True, blank=True)
    """The budget spending that serves the right, ``{"functions": [...], "programmes":
    [...]}`` as the catalogue states it (``insaf.observatory.Spending``); null when none."""
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("human right")
        verbose_name_plural = _("human rights")

    def __str__(self) -> str:
        return self.code


class ContextSeries(models.Model):
    """A figure by year the catalogue gives beside its indicators: the population, a price
    index (``insaf.observatory.ContextSeries``), stored as the catalogue states it."""

    class Code(models.TextChoices):
        POPULATION = "population", _("Population")
        PRICES = "prices", _("Prices")

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    series = models.JSONField()
    """``{"name": {"en", "ar"}, "source": {"en", "ar"} | null, "base_year": int | null,
    "values": {"2019": 27470000, ...}}``."""

    class Meta:
        verbose_name = _("context series")
        verbose_name_plural = _("context series")

    def __str__(self) -> str:
        return self.code


class Observation(models.Model):
    """One published or suppressed cell; ``key`` is the canonical disaggregation."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=MAX_AREA_LENGTH)
    breakdown = models.CharField(max_length=120, blank=True)
    key = models.CharField(max_length=300, blank=True)
    value = models.FloatField(null=True, blank=True)
    se = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField(null=True, blank=True)
    flags = models.CharField(max_length=120, blank=True)
    suppressed = models.BooleanField(default=False)

    class Meta:
        ordering = ["indicator", "breakdown", "key", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "key"], name="observation_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(suppressed=False)
                | Q(
                    value__isnull=True,
                    se__isnull=True,
                    ci_low__isnull=True,
                    ci_high__isnull=True,
                    n__isnull=True,
                ),
                name="observation_suppressed_has_no_numbers",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "breakdown", "period"], name="obs_breakdown")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.key or 'total'}"

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(";") if f]


class Assessment(models.Model):
    """The progress of one series (total or a group) by one method."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assessments")
    area = models.CharField(max_length=MAX_AREA_LENGTH)
    breakdown = models.CharField(max_length=120, blank=True)
    key = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=20, choices=ProgressMethod.choices)
    status = models.CharField(max_length=20, choices=ProgressStatus.choices)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(null=True, blank=True)
    base_value = models.FloatField(null=True, blank=True)
    current_year = models.PositiveSmallIntegerField(null=True, blank=True)
    current_value = models.FloatField(null=True, blank=True)
    projection = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "method", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "key", "method"], name="assessment_unique_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.key or 'total'} {self.method}: {self.status}"


class DisclosurePolicy(models.Model):
    """The observatory's disclosure rules (one row)."""

    min_count = models.PositiveIntegerField(_("minimum unweighted count"), default=30)
    cv_caution = models.FloatField(_("CV above which a value is flagged"), default=0.165)
    cv_suppress = models.FloatField(_("CV above which a value is suppressed"), default=0.333)
    secondary = models.BooleanField(_("secondary suppression"), default=True)

    class Meta:
        verbose_name = _("disclosure policy")
        verbose_name_plural = _("disclosure policy")

    def __str__(self) -> str:
        return f"n >= {self.min_count}, CV {self.cv_caution:.1%} / {self.cv_suppress:.1%}"


class Release(models.Model):
    """One batch of observations published (computed or imported)."""

    at = models.DateTimeField(auto_now_add=True)
    by = actor_field()
    source = models.CharField(max_length=300)
    survey = models.CharField(
        max_length=140,
        blank=True,
        help_text="The survey computed, when it can be opened again "
        "(insaf.web.council.impact.SurveyRef key); empty for imports.",
    )
    cells = models.PositiveIntegerField()
    published = models.PositiveIntegerField()
    caution = models.PositiveIntegerField()
    suppressed_primary = models.PositiveIntegerField()
    suppressed_secondary = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.source}"
