"""The registry's records: who lives where, what is known of them, what was decided, what was paid.

- ``Person``, ``Household`` and ``Membership``: the people and their groups;
  a person's name is stored beside its folded form (``name_key``, indexed) so
  that a search finds every spelling of an Arabic name.
- ``Observation``: one value of one variable for a household or a person, with
  its source, the date it describes and whether it was verified. Nothing is
  overwritten: a newer observation is a new row, and a determination "as of" a
  date reads the latest value observed on or before it.
- ``Ruleset``: a programme's rules (the policy engine's YAML), hashed, dated,
  with the legal text it applies and two people: who drafted it and who
  approved it, never the same (a check in the database too).
- ``Determination``: what a ruleset decided for a household as of a date, with
  its trace and the hash of its inputs. It is never changed or deleted: a
  correction is a new determination that names the one it replaces.
- ``Enrolment``, ``Entitlement`` and ``Payment``: delivery; ``Grievance`` and
  ``Referral``: what people ask and where they are sent; ``ReadAudit``: who
  read whose record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insaf.errors import InsafError
from insaf.web.core.fields import JSONText
from insaf.web.core.models import actor_field

__all__ = [
    "ApiToken",
    "CaseworkerScope",
    "Consent",
    "ConsentPurpose",
    "DciTransaction",
    "Determination",
    "Enrolment",
    "EnrolmentStatus",
    "Entitlement",
    "Grievance",
    "GrievanceKind",
    "GrievanceStatus",
    "Household",
    "Immutable",
    "Membership",
    "Observation",
    "Payment",
    "PaymentStatus",
    "Person",
    "Programme",
    "ReadAudit",
    "Referral",
    "ReferralStatus",
    "Ruleset",
    "Source",
    "Verification",
]


class Immutable(InsafError):  # noqa: N818 - reads better at the call site
    """A determination was to be changed or deleted: they are kept as decided."""


class Source(models.TextChoices):
    SURVEY = "survey", _("Survey")
    ADMINISTRATIVE = "administrative", _("Administrative record")
    SELF_DECLARED = "self_declared", _("Self-declared")
    REGISTRY = "registry", _("Another registry")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", pgettext_lazy("observation", "Not verified")
    VERIFIED = "verified", pgettext_lazy("observation", "Verified")
    DISPUTED = "disputed", pgettext_lazy("observation", "Disputed")


class Household(models.Model):
    """A group of persons who share a home and a budget."""

    code = models.CharField(_("household code"), max_length=40, unique=True)
    governorate = models.CharField(_("governorate"), max_length=40, db_index=True)
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """One person; ``name_key`` is ``name`` folded by ``insaf.registry.names.normalise_arabic``."""

    code = models.CharField(_("person code"), max_length=40, unique=True)
    national_id = models.CharField(_("national identifier"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(
        _("sex"),
        max_length=1,
        choices=[("F", pgettext_lazy("sex", "Female")), ("M", pgettext_lazy("sex", "Male"))],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["national_id"])]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        from insaf.registry.names import normalise_arabic

        self.name_key = normalise_arabic(self.name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relation = models.CharField(_("relation to the head"), max_length=40)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["household", "start", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")


class Observation(models.Model):
    """One value of one variable, for a household (``person`` empty) or a person."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="observations")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="observations"
    )
    variable = models.CharField(_("variable"), max_length=80)
    value = models.FloatField(_("value"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    observed_on = models.DateField(_("observed on"))
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = actor_field()

    class Meta:
        ordering = ["household", "variable", "observed_on", "id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [models.Index(fields=["household", "variable", "observed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False, text="") | Q(value__isnull=True) & ~Q(text=""),
                name="observation_value_or_text",
            )
        ]


class Variable(models.Model):
    """A variable the registry has observed, at one unit: written by the database itself as
    observations are (migration ``0009``'s triggers), never by the app, so that a few
    households' determination is laid out as the whole registry's (``engine.known_columns``)
    without reading every observation. ``text``: some observation of it is a text;
    ``first_observed``: the earliest date it was observed on. An observation deleted, or
    changed to another variable, leaves its row here."""

    unit = models.CharField(max_length=10)
    variable = models.CharField(_("variable"), max_length=80)
    text = models.BooleanField(_("text"), default=False)
    first_observed = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "variable"], name="registry_variable_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.variable}"


class ConsentPurpose(models.TextChoices):
    """What a person's data may be shared for. Each purpose is consented to on its own."""

    SHARING = "sharing", _("Sharing with other registries and services through the API")
    REFERRAL = "referral", _("Referral to another service")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: dt.date) -> ConsentQuerySet:
        """Consents given on or before ``on`` and not withdrawn by then."""
        return self.filter(given_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )


class Consent(models.Model):
    """A person's consent to share their data for one purpose, from ``given_on`` until withdrawn.

    A minor's consent is given by the head of their household (``insaf.web.registry.consent``).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = actor_field()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "purpose"])]


class Programme(models.Model):
    code = models.SlugField(_("programme code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en


class Ruleset(models.Model):
    """A programme's rules: instruments of a policy-engine scenario, and an optional PMT model.

    ``content_hash`` is the library's (``insaf.registry.rules.Ruleset``): what
    decides an outcome, not who drafted or approved it. It is approved by
    someone other than its drafter.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rulesets")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("scenario (YAML)"))
    policy = models.CharField(_("policy"), max_length=80, default="baseline")
    instruments = models.JSONField(_("instruments"), default=list)
    pmt_model = models.TextField(_("PMT model (JSON)"), blank=True)
    pmt_variable = models.CharField(max_length=80, default="pmt_score")
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("the first day it no longer applies"),
    )
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "effective_from"]
        verbose_name = _("ruleset")
        verbose_name_plural = _("rulesets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="ruleset_version"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
                name="ruleset_maker_checker",
                violation_error_message=_("The person who drafted a ruleset cannot approve it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.version}"

    def in_force(self, on: dt.date) -> bool:
        return (
            self.approved_by_id is not None
            and self.effective_from <= on
            and (self.effective_to is None or on < self.effective_to)
        )


class DeterminationQuerySet(models.QuerySet["Determination"]):
    def update(self, **kwargs: Any) -> int:
        raise Immutable("determinations are never changed: determine again")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Immutable("determinations are never deleted")


class Determination(models.Model):
    """What a ruleset decided for a household as of a date: stored once, never changed."""

    # indexed by ``(household, ruleset, as_of)`` below, not by household alone: one index
    # fewer for each row a run stores. The three references are kept by triggers on the rows
    # they point to, not by foreign-key constraints checked row by row as a run stores
    # (migration ``0008``: ``DETERMINATION_REFERENCES``)
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="determinations",
        db_index=False,
        db_constraint=False,
    )
    ruleset = models.ForeignKey(
        Ruleset, on_delete=models.PROTECT, related_name="determinations", db_constraint=False
    )
    as_of = models.DateField(_("as of"))
    eligible = models.BooleanField(_("eligible"))
    amount = models.FloatField(_("entitlement"))
    pmt_score = models.FloatField(_("proxy means test score"), null=True, blank=True)
    reasons = JSONText(_("reason codes"), default=list)
    trace = JSONText(_("trace"), default=list)
    # the two SHA-256 digests as their 32 bytes (half the bytes of hex for each row a run
    # stores); shown as hex (``input_hash_hex``)
    input_hash = models.BinaryField(_("input hash"), max_length=32)
    hash = models.BinaryField(_("hash"), max_length=32)
    # few determinations supersede another: only theirs are indexed
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeterminationQuerySet.as_manager()

    class Meta:
        ordering = ["household", "-created_at", "-id"]
        verbose_name = _("determination")
        verbose_name_plural = _("determinations")
        indexes = [
            models.Index(fields=["household", "ruleset", "as_of"]),
            models.Index(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="registry_det_supersedes",
            ),
        ]

    @property
    def input_hash_hex(self) -> str:
        """The input hash as the library writes it (64 hexadecimal digits)."""
        return bytes(self.input_hash).hex()

    @property
    def hash_hex(self) -> str:
        """The hash as the library writes it (64 hexadecimal digits)."""
        return bytes(self.hash).hex()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise Immutable(f"determination {self.pk} is never changed: determine again")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable(f"determination {self.pk} is never deleted")


class EnrolmentStatus(models.TextChoices):
    POTENTIAL = "potential", pgettext_lazy("enrolment", "Potential")
    ACTIVE = "active", pgettext_lazy("enrolment", "Active")
    SUSPENDED = "suspended", pgettext_lazy("enrolment", "Suspended")
    GRADUATED = "graduated", pgettext_lazy("enrolment", "Graduated")


class Enrolment(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="enrolments")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default="potential"
    )
    determination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("since"))

    class Meta:
        ordering = ["household", "programme"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["household", "programme"], name="one_enrolment")
        ]


class Entitlement(models.Model):
    """One due amount of an enrolment's schedule."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="schedule")
    due_on = models.DateField(_("due on"))
    amount = models.FloatField(_("amount"))

    class Meta:
        ordering = ["enrolment", "due_on"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "due_on"], name="one_entitlement_a_date")
        ]


class PaymentStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("payment", "Queued")
    EXPORTED = "exported", pgettext_lazy("payment", "Sent for payment")
    PAID = "paid", pgettext_lazy("payment", "Paid")
    FAILED = "failed", pgettext_lazy("payment", "Failed")


class Payment(models.Model):
    """One attempt to pay an entitlement; a failed attempt is followed by a new one, queued."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="payments")
    reference = models.CharField(_("payment reference"), max_length=60, unique=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default="queued"
    )
    batch = models.CharField(_("payment list"), max_length=60, blank=True)
    settled_on = models.DateField(null=True, blank=True)
    failure = models.CharField(_("reason of failure"), max_length=200, blank=True)

    class Meta:
        ordering = ["entitlement", "attempt"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")


class GrievanceKind(models.TextChoices):
    EXCLUSION = "exclusion", _("Wrongly refused")
    AMOUNT = "amount", _("Wrong amount")
    DATA = "data", _("Wrong information on record")
    PAYMENT = "payment", _("Payment not received")
    CONDUCT = "conduct", _("Conduct of staff")


class GrievanceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("grievance", "Open")
    RESOLVED = "resolved", pgettext_lazy("grievance", "Resolved")
    REJECTED = "rejected", pgettext_lazy("grievance", "Rejected")


class Grievance(models.Model):
    """A complaint or appeal about a determination, with its service-level clock."""

    code = models.CharField(_("grievance code"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    """The grievance's number in its year: ``code`` is ``G-<year>-<number>``."""
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="grievances")
    determination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="grievances"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GrievanceKind.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=GrievanceStatus.choices, default="open"
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("answer due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    redetermination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_grievance_number")
        ]


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral", "Accepted")
    COMPLETED = "completed", pgettext_lazy("referral", "Completed")
    DECLINED = "declined", pgettext_lazy("referral", "Declined")


class Referral(models.Model):
    """A household or person sent from one service to another, followed to its outcome."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    from_service = models.CharField(_("from"), max_length=80)
    to_service = models.CharField(_("to"), max_length=80)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default="sent"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    sent_on = models.DateField(_("sent on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("referral between services")
        verbose_name_plural = _("referrals between services")


class CaseworkerScope(models.Model):
    """A governorate whose households a caseworker may read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registry_scopes"
    )
    governorate = models.CharField(_("governorate"), max_length=40)

    class Meta:
        verbose_name = _("caseworker's governorate")
        verbose_name_plural = _("caseworkers' governorates")
        constraints = [models.UniqueConstraint(fields=["user", "governorate"], name="one_scope")]


class ReadAudit(models.Model):
    """One read of a household's or person's record: who, when, through what."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20)  # page, api, export
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("read of a record")
        verbose_name_plural = _("reads of records")


class ApiToken(models.Model):
    """A token for the registry's API; only its SHA-256 is stored, and its first characters
    (``prefix``) to tell tokens apart. A revoked token no longer authenticates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registry_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("begins with"), max_length=8, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = actor_field()
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DciTransaction(models.Model):
    """The answer of a DCI search asked for later (``/registry/search``), kept for its caller."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    transaction_id = models.CharField(max_length=100)
    answer = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "transaction_id"], name="one_dci_transaction")
        ]
