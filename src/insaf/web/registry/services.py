"""The registry's services: every read of a record is audited, every change too.

Keyword-only functions taking the acting user (``actor``). Reads of a
household or a person check the actor's governorates (``access``) and write a
``ReadAudit`` row; changes check the role, run in a transaction and write an
``AuditEvent`` (``insaf.web.core.services.record``) in a private scope, so no
public page is invalidated by a registry change.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from insaf.errors import DataError
from insaf.web.core.services import record
from insaf.web.registry import access, consent
from insaf.web.registry import models as m

__all__ = [
    "GRIEVANCE_SLA_DAYS",
    "approve_ruleset",
    "audit_read",
    "close_referral",
    "draft_ruleset",
    "export_payments",
    "import_reconciliation",
    "issue_token",
    "lodge_grievance",
    "mask",
    "read_household",
    "record_change",
    "record_consent",
    "refer",
    "resolve_grievance",
    "revoke_token",
    "search_persons",
    "token_digest",
    "token_user",
    "tokens",
    "withdraw_consent",
]

Actor = AbstractBaseUser | AnonymousUser | None

GRIEVANCE_SLA_DAYS = 30
"""Days within which a grievance must be answered (its service-level clock)."""

SCOPE = "registry:private"
"""The version scope of registry changes: no public page shows registry records."""


def record_change(
    actor: Actor, action: str, object_type: str, object_id: str, summary: str = ""
) -> None:
    """The ``AuditEvent`` of a registry change, in the registry's private ``SCOPE``."""
    record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        scopes=(SCOPE,),
    )


def mask(national_id: str) -> str:
    """A national identifier with all but its last three characters hidden."""
    if not national_id:
        return ""
    shown = national_id[-3:] if len(national_id) > 3 else ""
    return "•" * (len(national_id) - len(shown)) + shown


def _user_name(actor: Actor) -> str:
    return actor.get_username() if isinstance(actor, User) else ""


def audit_read(
    *,
    actor: Actor,
    channel: str,
    what: str,
    household: m.Household | None = None,
    person: m.Person | None = None,
) -> None:
    """Write one ``ReadAudit`` row (a read changes nothing, so no public version moves)."""
    m.ReadAudit.objects.create(
        user=actor if isinstance(actor, User) else None,
        user_name=_user_name(actor),
        household=household,
        person=person,
        channel=channel,
        what=what[:200],
    )


def read_household(*, actor: Actor, code: str, channel: str) -> m.Household:
    """The household ``code`` for ``actor``: refused outside their governorates, audited."""
    access.require(access.can_read_registry(actor), "the registry is for its staff")
    household = m.Household.objects.filter(code=code).first()
    if household is None:
        raise m.Household.DoesNotExist(f"no household {code!r}")
    access.require_household(actor, household)
    audit_read(actor=actor, channel=channel, what=f"household {code}", household=household)
    return household


@dataclass(frozen=True, slots=True)
class Found:
    """A person found by a search, with how close the name is (1 for an exact match)."""

    person: m.Person
    household: m.Household | None
    score: float


def search_persons(
    *, actor: Actor, query: str, channel: str = "page", limit: int = 50
) -> list[Found]:
    """Persons of the households ``actor`` may read, by national identifier or name.

    A name is folded (``normalise_arabic``) and looked up in the indexed
    ``name_key``: first every folded word must occur (a name holding each word
    of the query is a full match, so a given name alone finds), then, to catch spellings
    that folding does not join (a letter more or less), each word's first
    three letters, ranked by ``name_similarity`` (also compared without spaces,
    for compound names) and kept from 0.8. The search
    itself is audited (what was asked, not who was found).
    """
    from insaf.registry.names import normalise_arabic

    access.require(access.can_read_registry(actor), "the registry is for its staff")
    query = query.strip()[:200]
    if not query:
        return []
    audit_read(actor=actor, channel=channel, what=f"search {query}")
    households = access.visible_households(actor)
    members = m.Membership.objects.filter(household__in=households, end__isnull=True)
    people = m.Person.objects.filter(memberships__in=members).distinct()
    by_id = people.filter(national_id=query)
    key = normalise_arabic(query)
    words = [w for w in key.split() if w]
    exact = Q()
    loose = Q()
    for word in words:
        exact &= Q(name_key__contains=word)
        loose |= Q(name_key__contains=word[:3])
    candidates = list(by_id) + list(people.filter(exact)[:limit])
    if len(candidates) < limit and words:
        candidates += list(people.filter(loose).exclude(pk__in=[p.pk for p in candidates])[:500])
    found: dict[int, Found] = {}
    for person in candidates:
        if person.national_id == query or set(words) <= set(person.name_key.split()):
            score = 1.0  # the identifier, or every word of the query is one of the name's
        else:
            score = _similarity(query, person.name)
        if score >= 0.8 and person.pk not in found:
            found[person.pk] = Found(person=person, household=None, score=score)
    ranked = sorted(found.values(), key=lambda f: (-f.score, f.person.name))[:limit]
    homes = {
        ms.person_id: ms.household
        for ms in members.filter(person__in=[f.person for f in ranked]).select_related("household")
    }
    return [Found(person=f.person, household=homes.get(f.person.pk), score=f.score) for f in ranked]


def _similarity(query: str, name: str) -> float:
    """``name_similarity``, also with the spaces removed: compound names (عبد الله, أبو بكر)
    are written in one word or two."""
    from insaf.registry.names import name_similarity

    joined = name_similarity(query.replace(" ", ""), name.replace(" ", ""))
    return max(name_similarity(query, name), joined)


# --- rulesets: maker and checker ----------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def token_digest(raw: str) -> str:
    """What is stored of a token: its SHA-256."""
    return _sha256(raw)


@transaction.atomic
def draft_ruleset(
    *,
    actor: Actor,
    programme: m.Programme,
    version: int,
    text: str,
    instruments: list[str],
    effective_from: dt.date,
    legal_reference: str,
    policy: str = "baseline",
    effective_to: dt.date | None = None,
    pmt_model: str = "",
    pmt_variable: str = "pmt_score",
) -> m.Ruleset:
    """Store a programme's rules as drafted by ``actor``, checked and hashed by the library."""
    from insaf.web.registry.engine import parse_row

    officer = _officer(actor, "only a registry officer drafts rules")
    ruleset = m.Ruleset(
        programme=programme,
        version=version,
        text=text,
        policy=policy,
        instruments=list(instruments),
        pmt_model=pmt_model,
        pmt_variable=pmt_variable,
        effective_from=effective_from,
        effective_to=effective_to,
        legal_reference=legal_reference,
        drafted_by=officer,
    )
    ruleset.content_hash = parse_row(ruleset).content_hash  # a SpecError names the key or line
    ruleset.save(force_insert=True)
    record_change(
        actor,
        "registry.ruleset_drafted",
        "ruleset",
        str(ruleset),
        f"{ruleset} {ruleset.content_hash[:12]}",
    )
    return ruleset


@transaction.atomic
def approve_ruleset(*, actor: Actor, ruleset: m.Ruleset) -> m.Ruleset:
    """Approve ``ruleset``: by a registry officer who did not draft it."""
    officer = _officer(actor, "only a registry officer approves rules")
    access.require(
        ruleset.drafted_by_id != officer.pk, "the drafter of a ruleset cannot approve it"
    )
    access.require(ruleset.approved_by_id is None, "this ruleset is already approved")
    m.Ruleset.objects.filter(pk=ruleset.pk).update(approved_by=officer, approved_at=timezone.now())
    ruleset.refresh_from_db()
    record_change(actor, "registry.ruleset_approved", "ruleset", str(ruleset))
    return ruleset


# --- grievances and referrals -------------------------------------------------------------


@transaction.atomic
def lodge_grievance(
    *,
    actor: Actor,
    household: m.Household,
    kind: str,
    description: str,
    determination: m.Determination | None = None,
    received_at: dt.datetime | None = None,
) -> m.Grievance:
    """Record a grievance; its answer is due ``GRIEVANCE_SLA_DAYS`` after it was received."""
    _require_staff(actor, "grievances are taken by registry staff")
    access.require_household(actor, household)
    if determination is not None and determination.household_id != household.pk:
        raise ValueError("the determination is not this household's")
    at = received_at or timezone.now()
    kind = m.GrievanceKind(kind)
    for attempt in range(1, NUMBERING_ATTEMPTS + 1):
        number = _next_grievance_number(at.year)
        try:
            with transaction.atomic():  # a savepoint: a number taken meanwhile is tried again
                grievance = m.Grievance.objects.create(
                    code=f"G-{at.year}-{number:05d}",
                    year=at.year,
                    number=number,
                    household=household,
                    determination=determination,
                    kind=kind,
                    description=description,
                    received_at=at,
                    due_at=at + dt.timedelta(days=GRIEVANCE_SLA_DAYS),
                )
            break
        except IntegrityError:
            if attempt == NUMBERING_ATTEMPTS:
                raise
    record_change(
        actor, "registry.grievance_lodged", "grievance", grievance.code, f"{household.code} {kind}"
    )
    return grievance


NUMBERING_ATTEMPTS = 20
"""Tries to number a grievance when others take the same number at the same moment."""


def _next_grievance_number(year: int) -> int:
    """One more than the highest number of ``year``: two intakes at once may both read the
    same, and the unique constraint (year, number) lets only one have it; the other tries
    again (``lodge_grievance``)."""
    highest = m.Grievance.objects.filter(year=year).aggregate(n=Max("number"))["n"]
    return int(highest or 0) + 1


def _officer(actor: Actor, refusal: str) -> User:
    """``actor``, a registry officer (or an administrator) with an account; else refused."""
    access.require(access.can_change(actor), refusal)
    if not isinstance(actor, User):
        raise access.NotAllowed(refusal)
    return actor


def _require_staff(actor: Actor, refusal: str) -> None:
    """Refuse anyone but the registry's staff, and an auditor, who changes nothing."""
    access.require(access.can_read_registry(actor), refusal)
    access.require(not _is_auditor_only(actor), "an auditor changes nothing")


def _is_auditor_only(actor: Actor) -> bool:
    from insaf.web.core.roles import Role, has_role

    return (
        actor is not None
        and has_role(actor, Role.AUDITOR)
        and not has_role(actor, Role.REGISTRY_OFFICER, Role.CASEWORKER, Role.ADMINISTRATOR)
    )


@transaction.atomic
def resolve_grievance(
    *,
    actor: Actor,
    grievance: m.Grievance,
    upheld: bool,
    resolution: str,
    redetermination: m.Determination | None = None,
    at: dt.datetime | None = None,
) -> m.Grievance:
    """Close a grievance: upheld (resolved) or rejected, with the re-determination if any."""
    access.require(access.can_change(actor), "a registry officer decides grievances")
    access.require(grievance.status == m.GrievanceStatus.OPEN, "this grievance is closed")
    grievance.status = m.GrievanceStatus.RESOLVED if upheld else m.GrievanceStatus.REJECTED
    grievance.resolution = resolution
    grievance.resolved_at = at or timezone.now()
    grievance.redetermination = redetermination
    grievance.save()
    record_change(actor, "registry.grievance_closed", "grievance", grievance.code, grievance.status)
    return grievance


@transaction.atomic
def refer(
    *,
    actor: Actor,
    household: m.Household,
    to_service: str,
    from_service: str,
    reason: str,
    person: m.Person | None = None,
    sent_on: dt.date | None = None,
) -> m.Referral:
    _require_staff(actor, "referrals are made by registry staff")
    access.require_household(actor, household)
    on = sent_on or timezone.localdate()
    if person is not None and not household.members.filter(person=person).exists():
        raise DataError(f"{person.code} is not a member of household {household.code}")
    consent.require_referral_consent(household, person, on)
    referral = m.Referral.objects.create(
        household=household,
        person=person,
        from_service=from_service,
        to_service=to_service,
        reason=reason,
        sent_on=on,
    )
    record_change(
        actor,
        "registry.referral_sent",
        "referral",
        str(referral.pk),
        f"{household.code} → {to_service}",
    )
    return referral


@transaction.atomic
def close_referral(
    *,
    actor: Actor,
    referral: m.Referral,
    status: str,
    outcome: str,
    closed_on: dt.date | None = None,
) -> m.Referral:
    """Record what became of a referral (accepted, completed or declined)."""
    _require_staff(actor, "referrals are followed by registry staff")
    access.require_household(actor, referral.household)
    referral.status = m.ReferralStatus(status)
    referral.outcome = outcome
    if status in (m.ReferralStatus.COMPLETED, m.ReferralStatus.DECLINED):
        referral.closed_on = closed_on or timezone.localdate()
    referral.save()
    record_change(actor, "registry.referral_followed", "referral", str(referral.pk), status)
    return referral


@transaction.atomic
def record_consent(
    *, actor: Actor, person: m.Person, purpose: str, given_on: dt.date | None = None
) -> m.Consent:
    """Record that ``person`` consents to ``purpose`` (``ConsentPurpose``) from ``given_on``."""
    _require_staff(actor, "consent is recorded by registry staff")
    home = person.memberships.filter(end__isnull=True).select_related("household").first()
    if home is not None:
        access.require_household(actor, home.household)
    given = m.Consent.objects.create(
        person=person,
        purpose=m.ConsentPurpose(purpose),
        given_on=given_on or timezone.localdate(),
        recorded_by=actor if isinstance(actor, User) else None,
    )
    record_change(
        actor, "registry.consent_given", "person", person.code, f"{purpose} from {given.given_on}"
    )
    return given


@transaction.atomic
def withdraw_consent(*, actor: Actor, given: m.Consent, on: dt.date | None = None) -> m.Consent:
    """Withdraw a consent from ``on`` (today by default): nothing is shared for it after."""
    _require_staff(actor, "consent is recorded by registry staff")
    access.require(given.withdrawn_on is None, "this consent is already withdrawn")
    given.withdrawn_on = on or timezone.localdate()
    if given.withdrawn_on < given.given_on:
        raise DataError(f"a consent given on {given.given_on} cannot be withdrawn before it")
    given.save(update_fields=["withdrawn_on"])
    record_change(
        actor,
        "registry.consent_withdrawn",
        "person",
        given.person.code,
        f"{given.purpose} from {given.withdrawn_on}",
    )
    return given


# --- payments -----------------------------------------------------------------------------

PAYMENT_COLUMNS = ("reference", "household", "head_national_id", "programme", "due_on", "amount")
RECONCILIATION_COLUMNS = ("reference", "status", "reason")


@transaction.atomic
def export_payments(*, actor: Actor, due_until: dt.date, batch: str) -> str:
    """The queued payments due by ``due_until`` as a CSV payment list (identifiers masked).

    The payments listed become ``exported`` under ``batch``.
    """
    from insaf.observatory.export import csv_safe

    access.require(access.can_change(actor), "a registry officer exports payment lists")
    rows = (
        m.Payment.objects.filter(status=m.PaymentStatus.QUEUED, entitlement__due_on__lte=due_until)
        .select_related("entitlement__enrolment__household", "entitlement__enrolment__programme")
        .order_by("entitlement__due_on", "reference")
    )
    payments = list(rows)
    heads = _heads({p.entitlement.enrolment.household_id for p in payments})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PAYMENT_COLUMNS)
    for p in payments:
        enrolment = p.entitlement.enrolment
        head = heads.get(enrolment.household_id)
        writer.writerow(
            [
                csv_safe(p.reference),
                csv_safe(enrolment.household.code),
                mask(head.national_id) if head is not None else "",
                csv_safe(enrolment.programme.code),
                p.entitlement.due_on.isoformat(),
                f"{p.entitlement.amount:.2f}",
            ]
        )
    m.Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
        status=m.PaymentStatus.EXPORTED, batch=batch
    )
    record_change(
        actor,
        "registry.payments_exported",
        "payment_list",
        batch,
        f"{len(payments)} payments due by {due_until}",
    )
    return out.getvalue()


def _heads(household_ids: Iterable[int]) -> dict[int, m.Person]:
    rows = m.Membership.objects.filter(
        household_id__in=list(household_ids), relation="head", end__isnull=True
    ).select_related("person")
    return {ms.household_id: ms.person for ms in rows}


@dataclass(frozen=True, slots=True)
class Reconciled:
    paid: int
    failed: int
    queued_again: int


@transaction.atomic
def import_reconciliation(*, actor: Actor, text: str, name: str, settled_on: dt.date) -> Reconciled:
    """Read a reconciliation file (``reference,status,reason``; status ``paid`` or ``failed``).

    Every problem is reported with its line and column, and nothing is stored
    unless the whole file is right. Each failed payment is followed by a new
    attempt, queued for the next payment list.
    """
    access.require(access.can_change(actor), "a registry officer imports reconciliations")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:2]] != ["reference", "status"]:
        raise DataError(
            f"{name}: line 1: the header must start with 'reference,status' (then 'reason')"
        )
    problems: list[str] = []
    wanted: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        reference = row[0].strip()
        status = row[1].strip() if len(row) > 1 else ""
        reason = row[2].strip() if len(row) > 2 else ""
        if status not in ("paid", "failed"):
            problems.append(f"{name}: line {line}, column status: {status!r} is not paid or failed")
        if reference in wanted:
            problems.append(f"{name}: line {line}, column reference: {reference!r} given twice")
        wanted[reference] = (status, reason)
    payments = {
        p.reference: p
        for p in m.Payment.objects.filter(reference__in=list(wanted)).select_for_update()
    }
    for reference in wanted:
        payment = payments.get(reference)
        if payment is None:
            problems.append(f"{name}: reference {reference!r}: no such payment")
        elif payment.status != m.PaymentStatus.EXPORTED:
            problems.append(
                f"{name}: reference {reference!r}: the payment is {payment.status}, not exported"
            )
    if problems:
        raise DataError("\n".join(problems))
    paid = failed = 0
    for reference, (status, reason) in wanted.items():
        payment = payments[reference]
        payment.status = m.PaymentStatus(status)
        payment.settled_on = settled_on
        payment.failure = reason if status == "failed" else ""
        payment.save()
        if status == "paid":
            paid += 1
            continue
        failed += 1
        m.Payment.objects.create(
            entitlement=payment.entitlement,
            reference=f"{payment.entitlement_id}-{payment.attempt + 1}-{secrets.token_hex(3)}",
            attempt=payment.attempt + 1,
        )
    record_change(
        actor,
        "registry.payments_reconciled",
        "reconciliation",
        name,
        f"{paid} paid, {failed} failed and queued again",
    )
    return Reconciled(paid=paid, failed=failed, queued_again=failed)


# --- API tokens ---------------------------------------------------------------------------


PREFIX = 6
"""Characters of a token kept in clear, to tell tokens apart in lists."""


@transaction.atomic
def issue_token(*, actor: Actor, user: User, name: str) -> str:
    """A new API token for ``user``, returned once: only its SHA-256 and first characters are
    kept. Issued by a registry officer or an administrator, or by a user to themselves."""
    access.require(
        access.can_change(actor) or (isinstance(actor, User) and actor.pk == user.pk),
        "tokens are issued by a registry officer or to oneself",
    )
    name = name.strip()
    if not name:
        raise DataError("a token needs a name saying what it is for")
    raw = secrets.token_urlsafe(32)
    token = m.ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:PREFIX],
        digest=_sha256(raw),
        issued_by=actor if isinstance(actor, User) else None,
    )
    record_change(
        actor,
        "registry.token_issued",
        "api_token",
        str(token.pk),
        f"{user.get_username()}: {token}",
    )
    return raw


def tokens(*, actor: Actor, user: User | None = None) -> QuerySet[m.ApiToken]:
    """The tokens ``actor`` may see (a registry officer every one, anyone else their own),
    of ``user`` when given; newest first."""
    rows = m.ApiToken.objects.select_related("user", "issued_by")
    if not access.can_change(actor):
        access.require(isinstance(actor, User), "tokens are listed for their owners")
        rows = rows.filter(user_id=getattr(actor, "pk", 0))
    if user is not None:
        rows = rows.filter(user=user)
    return rows


@transaction.atomic
def revoke_token(*, actor: Actor, token: m.ApiToken) -> m.ApiToken:
    """Revoke ``token`` from now: it no longer authenticates (kept, for the audit)."""
    access.require(
        access.can_change(actor) or (isinstance(actor, User) and actor.pk == token.user_id),
        "a token is revoked by a registry officer or its owner",
    )
    access.require(token.revoked_at is None, "this token is already revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(
        actor,
        "registry.token_revoked",
        "api_token",
        str(token.pk),
        f"{token.user.get_username()}: {token}",
    )
    return token


def token_user(raw: str) -> User | None:
    """The active user an unrevoked token belongs to, or ``None``."""
    found = (
        m.ApiToken.objects.filter(digest=_sha256(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found.user


def latest_determinations(
    household: m.Household,
) -> Mapping[int, m.Determination]:
    """The newest determination of each programme for ``household`` (by programme id)."""
    out: dict[int, m.Determination] = {}
    rows: QuerySet[m.Determination] = household.determinations.select_related(
        "ruleset__programme"
    ).order_by("-created_at", "-id")
    for d in rows:
        out.setdefault(d.ruleset.programme_id, d)
    return out
