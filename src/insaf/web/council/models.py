"""The council's tables: who sits where, referrals, consultations, opinions, responses, follow-up.

Published documents (impact statements, group positions, adopted opinions,
government responses) are immutable versions: a correction is a new row with
the next version number, and the old one stays visible. ``Published.save``
refuses to change a stored row. Every other change goes through
``services`` and is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insaf.errors import InsafError
from insaf.web.core.models import actor_field
from insaf.web.council.surveys import validate_survey
from insaf.web.observatory.models import Category, Indicator

USER = settings.AUTH_USER_MODEL


class ImmutableError(InsafError):
    """A published version was about to be changed or deleted."""


class Published(models.Model):
    """A published document version: written once, never changed."""

    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        USER,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("correction note"), blank=True)
    note_ar = models.TextField(_("correction note (Arabic)"), blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{self._meta.label} {self.pk} is published: make a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError(f"{self._meta.label} {self.pk} is published and cannot be deleted")


# -- who is who -----------------------------------------------------------------------------


class CouncilGroup(models.Model):
    """A constituency group of the council (employers, workers, civil society...)."""

    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("council group")
        verbose_name_plural = _("council groups")

    def __str__(self) -> str:
        return self.code


class Ministry(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")

    def __str__(self) -> str:
        return self.code


class Member(models.Model):
    """A council member: sits in one group; the bureau also runs the council's business."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="council_member")
    group = models.ForeignKey(CouncilGroup, on_delete=models.PROTECT, related_name="members")
    bureau = models.BooleanField(_("bureau (secretariat rights)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self) -> str:
        return f"{self.user} ({self.group_id})"


class FocalPoint(models.Model):
    """A government focal point: answers for one ministry only."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="focal_point")
    ministry = models.ForeignKey(Ministry, on_delete=models.PROTECT, related_name="focal_points")

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")

    def __str__(self) -> str:
        return f"{self.user} ({self.ministry_id})"


class Verification(models.Model):
    """A citizen whose identity was checked: may sign and start petitions."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="verification")
    verified_at = models.DateTimeField(default=timezone.now)
    verified_by = actor_field()
    method = models.CharField(_("how"), max_length=200)

    def __str__(self) -> str:
        return f"{self.user} ({self.method})"


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority (more for than against)")
    ABSOLUTE = "absolute", _("Absolute majority (more than half of the votes cast)")
    TWO_THIRDS = "two_thirds", _("Two-thirds of the votes for or against")


class Rules(models.Model):
    """The council's rules of procedure (one row; administrators change them)."""

    quorum = models.FloatField(_("quorum (share of members who must vote)"), default=0.5)
    majority = models.CharField(
        _("majority"), max_length=20, choices=Majority.choices, default=Majority.SIMPLE
    )
    group_majority = models.BooleanField(_("also a majority within every group"), default=False)
    petition_threshold = models.PositiveIntegerField(_("signatures a petition needs"), default=1000)
    petition_days = models.PositiveIntegerField(_("days a petition is open"), default=90)
    response_days = models.PositiveIntegerField(_("days the government has to respond"), default=90)
    comments_per_hour = models.PositiveIntegerField(_("comments per account per hour"), default=5)
    actions_per_hour = models.PositiveIntegerField(
        _("supports, signatures and reports per account per hour"), default=120
    )
    reports_to_hide = models.PositiveIntegerField(
        _("abuse reports that hide a comment until moderated"), default=3
    )

    class Meta:
        verbose_name = _("rules of procedure")
        verbose_name_plural = _("rules of procedure")
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=0, quorum__lte=1), name="rules_quorum")
        ]

    def __str__(self) -> str:
        return f"quorum {self.quorum:.0%}, {self.majority}"


# -- referrals ------------------------------------------------------------------------------


class ReferralKind(models.TextChoices):
    GOVERNMENT = "government", _("Referral from the government")
    SELF = "self", _("Self-referral")
    PETITION = "petition", _("Citizens' petition")


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSULTATION = "consultation", _("Public consultation")
    DRAFTING = "drafting", _("Opinion in preparation")
    VOTING = "voting", _("Plenary vote")
    ADOPTED = "adopted", _("Opinion adopted, awaiting the government's response")
    RESPONDED = "responded", _("Government responded")


class Referral(models.Model):
    code = models.SlugField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReferralKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.RECEIVED,
        db_index=True,
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    summary_en = models.TextField(_("draft policy (English)"), blank=True)
    summary_ar = models.TextField(_("draft policy (Arabic)"), blank=True)
    ministry = models.ForeignKey(
        Ministry, verbose_name=_("ministry concerned"), on_delete=models.PROTECT
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    opinion_deadline = models.DateField(_("legal deadline for the opinion"), null=True, blank=True)
    rapporteur = models.ForeignKey(
        USER,
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_rapporteur_of",
    )
    created_by = actor_field()
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.code


class Attachment(models.Model):
    """A document that came with a referral (PDF, size-limited), kept in the database."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = actor_field()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ImpactStatement(Published):
    """A social impact statement: a policy simulation with everything needed to reproduce it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="statements")
    scenario_name = models.CharField(_("scenario file"), max_length=200)
    scenario_text = models.TextField(_("scenario (YAML, as written)"))
    scenario_sha256 = models.CharField(max_length=64)
    reform = models.CharField(_("reform presented first"), max_length=80)
    survey = models.JSONField(_("survey (how to open it again)"), validators=[validate_survey])
    survey_fingerprint = models.CharField(max_length=64)
    insaf_version = models.CharField(max_length=40)
    impact = models.JSONField(_("impact (impact.json)"))
    brief_en = models.TextField()
    brief_ar = models.TextField()
    budget_change = models.JSONField(
        _("budget change (the statement's subject, when it is a budget)"),
        null=True,
        blank=True,
        help_text="insaf.budget.BudgetChange.to_dict() and the budget's code",
    )

    class Meta:
        ordering = ["referral", "-version"]
        verbose_name = _("impact statement")
        verbose_name_plural = _("impact statements")
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="statement_version")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} v{self.version}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the job worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobStep(models.TextChoices):
    """Where a running statement job is (``insaf.web.council.impact.Step``, then publishing)."""

    QUEUED = "queued", _("In the queue")
    SURVEY = "survey", _("Opening the survey")
    SIMULATE = "simulate", _("Simulating the baseline and the reform")
    BRIEFS = "briefs", _("Writing the briefs in Arabic and English")
    PUBLISH = "publish", _("Publishing the statement")


class StatementJob(models.Model):
    """An impact statement being computed by the job worker (``services.statement_jobs``).

    It holds the request (scenario, survey, note), where the computation is,
    and how it ended: the published statement, or the reason it failed in both
    languages.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="statement_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    step = models.CharField(max_length=10, choices=JobStep.choices, default=JobStep.QUEUED)
    scenario_name = models.CharField(_("scenario file"), max_length=200)
    scenario_text = models.TextField(_("scenario (YAML, as written)"))
    survey = models.JSONField(_("survey (how to open it again)"), validators=[validate_survey])
    reform = models.CharField(max_length=80, blank=True)
    note = models.TextField(_("correction note"), blank=True)
    budget_change = models.JSONField(
        _("budget change (the statement's subject, when it is a budget)"),
        null=True,
        blank=True,
        help_text="given to the statement as it is published",
    )
    requested_by = actor_field()
    requested_at = models.DateTimeField(default=timezone.now)
    time_limit = models.PositiveIntegerField(help_text="seconds")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    statement = models.OneToOneField(
        ImpactStatement, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    error_en = models.TextField(blank=True)
    error_ar = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("impact statement job")
        verbose_name_plural = _("impact statement jobs")

    def __str__(self) -> str:
        return f"{self.referral_id} job {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# -- consultation ---------------------------------------------------------------------------


class Consultation(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consultation")
    question_en = models.TextField(_("question (English)"), blank=True)
    question_ar = models.TextField(_("question (Arabic)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    opened_by = actor_field()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_period"
            )
        ]

    def __str__(self) -> str:
        return f"consultation on {self.referral_id}"

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return bool(self.opens_at <= now < self.closes_at)


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    PROPOSAL = "proposal", _("Proposal")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", pgettext_lazy("comment", "Published")
    HELD = "held", _("Held for moderation after reports")
    HIDDEN = "hidden", _("Removed by the moderators")


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="council_comments")
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=20, choices=CommentStatus.choices, default=CommentStatus.VISIBLE, db_index=True
    )
    supports = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    moderated_by = actor_field()
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=300, blank=True)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.consultation_id}"


class Support(models.Model):
    """One account, one support of a comment or proposal."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="support_rows")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="support_once_per_account")
        ]


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("Abusive or hateful")
    SPAM = "spam", _("Spam or advertising")
    PERSONAL = "personal", _("Discloses personal information")
    OFF_TOPIC = "off_topic", _("Off topic")


class AbuseReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="abuse_reports")
    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_account")
        ]


class Position(Published):
    """A constituency group's formal position in a consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="positions"
    )
    group = models.ForeignKey(CouncilGroup, on_delete=models.PROTECT, related_name="positions")
    text = models.TextField(_("position"))

    class Meta:
        ordering = ["group__position", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "group", "version"], name="position_version"
            )
        ]


# -- opinion --------------------------------------------------------------------------------


class OpinionStatus(models.TextChoices):
    DRAFTING = "drafting", pgettext_lazy("opinion", "Draft")
    VOTING = "voting", _("Plenary vote open")
    ADOPTED = "adopted", pgettext_lazy("opinion", "Adopted")


class Opinion(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="opinion")
    status = models.CharField(
        max_length=20, choices=OpinionStatus.choices, default=OpinionStatus.DRAFTING
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    text_en = models.TextField(_("opinion (English)"), blank=True)
    text_ar = models.TextField(_("opinion (Arabic)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    adopted_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateField(_("government response due"), null=True, blank=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"opinion on {self.referral_id}"


class RightsCitation(models.Model):
    """A rights finding of one of the referral's impact statements that the opinion cites.

    ``finding`` is the finding as the statement gave it (``insaf.web.council.citations``:
    statement version, reform, test, verdict, the group or indicator and its estimate);
    the council adds why it cites it, in one or both languages.
    """

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="citations")
    statement = models.ForeignKey(
        ImpactStatement, on_delete=models.PROTECT, related_name="citations"
    )
    reform = models.CharField(max_length=80)
    test = models.CharField(max_length=30)
    key = models.CharField(max_length=300, blank=True, default="")
    finding = models.JSONField()
    note_en = models.TextField(_("why the opinion cites it (English)"), blank=True)
    note_ar = models.TextField(_("why the opinion cites it (Arabic)"), blank=True)
    cited_at = models.DateTimeField(default=timezone.now)
    cited_by = actor_field()

    class Meta:
        ordering = ["opinion", "cited_at", "id"]
        verbose_name = _("rights finding cited")
        verbose_name_plural = _("rights findings cited")
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "statement", "reform", "test", "key"], name="cite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opinion_id}: v{self.statement_id} {self.reform} {self.test} {self.key}"

    def to_dict(self) -> dict[str, Any]:
        """The citation as the published opinion keeps it."""
        return {**self.finding, "note_en": self.note_en, "note_ar": self.note_ar}


class Recommendation(models.Model):
    """One recommendation of an opinion: addressable as ``<referral>/<number>``."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField()
    text_en = models.TextField(_("recommendation (English)"), blank=True)
    text_ar = models.TextField(_("recommendation (Arabic)"), blank=True)
    ministry = models.ForeignKey(
        Ministry, verbose_name=_("ministry that answers"), on_delete=models.PROTECT
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="council_recommendations"
    )
    groups = models.ManyToManyField(Category, blank=True, related_name="council_recommendations")
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["opinion", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["opinion", "number"], name="recommendation_number")
        ]

    def __str__(self) -> str:
        return f"{self.opinion.referral.code}/{self.number}"


class AmendmentStatus(models.TextChoices):
    TABLED = "tabled", _("Tabled")
    ACCEPTED = "accepted", _("Accepted into the draft")
    REJECTED = "rejected", _("Not accepted")


class Amendment(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="amendments")
    recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="amendments",
        help_text=_("empty: proposes a new recommendation"),
    )
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(CouncilGroup, on_delete=models.PROTECT, related_name="+")
    text_en = models.TextField(_("proposed text (English)"), blank=True)
    text_ar = models.TextField(_("proposed text (Arabic)"), blank=True)
    justification = models.TextField(_("justification"))
    status = models.CharField(
        max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.TABLED
    )
    tabled_at = models.DateTimeField(default=timezone.now)
    decided_by = actor_field()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tabled_at", "id"]


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class VoteStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("vote", "Open")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")


class VoteResult(models.TextChoices):
    ADOPTED = "adopted", pgettext_lazy("vote result", "Adopted")
    REJECTED = "rejected", pgettext_lazy("vote result", "Rejected")
    NO_QUORUM = "no_quorum", _("No quorum")


class Vote(models.Model):
    """A plenary vote on a draft opinion; the roll of members is fixed when it opens."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="votes")
    status = models.CharField(max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    result = models.CharField(max_length=20, choices=VoteResult.choices, blank=True)
    quorum = models.FloatField()
    majority = models.CharField(max_length=20, choices=Majority.choices)
    group_majority = models.BooleanField()
    roll = models.JSONField(help_text="ids of the members entitled to vote, by group")
    tally = models.JSONField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = actor_field()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = actor_field()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion"], condition=Q(status="open"), name="one_open_vote_per_opinion"
            )
        ]

    def __str__(self) -> str:
        return f"vote {self.pk} on {self.opinion_id}"


class Ballot(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(CouncilGroup, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member")
        ]


class OpinionVersion(Published):
    """The adopted opinion as published (a correction is the next version)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="versions")
    title_en = models.CharField(max_length=300, blank=True)
    title_ar = models.CharField(max_length=300, blank=True)
    text_en = models.TextField(blank=True)
    text_ar = models.TextField(blank=True)
    recommendations = models.JSONField()
    vote = models.JSONField()
    citations = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["opinion", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "version"], name="opinion_version")
        ]


# -- government response and follow-up -----------------------------------------------------


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("recommendation", "Accepted")
    PARTLY = "partly", pgettext_lazy("recommendation", "Partly accepted")
    REJECTED = "rejected", pgettext_lazy("recommendation", "Rejected")


class Response(Published):
    """The government's response to one recommendation (a correction is the next version)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses"
    )
    ministry = models.ForeignKey(Ministry, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("response"), max_length=20, choices=Verdict.choices)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["recommendation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "version"], name="response_version")
        ]


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("commitment", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", pgettext_lazy("commitment", "Completed")
    DELAYED = "delayed", pgettext_lazy("commitment", "Delayed")
    DROPPED = "dropped", pgettext_lazy("commitment", "Dropped")


class Expected(models.TextChoices):
    INCREASE = "increase", _("should rise")
    DECREASE = "decrease", _("should fall")


class Commitment(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="commitments"
    )
    ministry = models.ForeignKey(Ministry, on_delete=models.PROTECT, related_name="commitments")
    # Texts a ministry writes for the public: ``X`` (English) and ``X_ar`` (Arabic);
    # a page shows its language's text, else the other one marked with its language.
    title = models.CharField(_("commitment"), max_length=300)
    title_ar = models.CharField(_("commitment (Arabic)"), max_length=300, blank=True)
    description = models.TextField(_("what will be done"), blank=True)
    description_ar = models.TextField(_("what will be done (Arabic)"), blank=True)
    owner = models.CharField(_("owner (unit or official responsible)"), max_length=200)
    owner_ar = models.CharField(_("owner (Arabic)"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    baseline_period = models.PositiveSmallIntegerField(
        _("baseline year (indicator movement is measured from it)")
    )
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = actor_field()
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"commitment {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in {CommitmentStatus.COMPLETED, CommitmentStatus.DROPPED}

    def is_overdue(self, today: Any = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())


class Milestone(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    title_ar = models.CharField(_("milestone (Arabic)"), max_length=300, blank=True)
    due = models.DateField(_("due"))
    done_at = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]


class StatusChange(models.Model):
    """The status history of a commitment (the first row is its creation)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=CommitmentStatus.choices)
    note = models.TextField(blank=True)
    note_ar = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = actor_field()

    class Meta:
        ordering = ["at", "id"]


class TrackedIndicator(models.Model):
    """An observatory series a commitment should move, and in which direction."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="tracked")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("group (empty for the total)"), max_length=300, blank=True, default="")
    expected = models.CharField(max_length=10, choices=Expected.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "indicator", "key"], name="tracked_once")
        ]


# -- petitions ------------------------------------------------------------------------------


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("Collecting signatures")
    SUCCEEDED = "succeeded", _("Threshold reached: referred to the council")
    EXPIRED = "expired", _("Closed without enough signatures")


class Petition(models.Model):
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("what the council should examine"))
    ministry = models.ForeignKey(
        Ministry, verbose_name=_("ministry concerned"), on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    threshold = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.OPEN, db_index=True
    )
    signatures = models.PositiveIntegerField(default=0)
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="petition"
    )
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return f"petition {self.pk}"


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signature_rows")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "user"], name="sign_once_per_account")
        ]
