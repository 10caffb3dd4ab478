"""The registry app's bridge to the library: the database's rows as an ``insaf.registry.Registry``,
determinations run by ``insaf.registry.determine`` and stored, and what pages need from them.

The rules run only in the library: this module reads the rows a
determination needs (the households asked for, their members and every
observation), hands them over as the library's four tables (household and
person ids are the rows' primary keys), and stores what comes back, as it
came back (eligibility, amount, score, reasons, trace, hashes).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from insaf.policy.instruments.base import TextSpec
from insaf.policy.scenario import parse_scenario
from insaf.registry.model import SCHEMAS, Columns, Registry, columns_from
from insaf.registry.rules import PmtRule, Ruleset
from insaf.specs import load_yaml
from insaf.targeting.model import PmtModel
from insaf.web.registry import access, services
from insaf.web.registry import models as m

__all__ = [
    "as_registry",
    "decide_grievance",
    "determine",
    "hold_references",
    "known_columns",
    "library_ruleset",
    "member_rows",
    "observation_rows",
    "parse_row",
    "parse_ruleset",
    "rebuild_variables",
    "refer_with_consent",
    "registry_for",
    "single_view",
]

Actor = AbstractBaseUser | AnonymousUser | None


MEMBERS: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "household_id": pl.Int64(),
    "relationship": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "sex": pl.String(),
    "birth_date": pl.Date(),
    "registered": pl.Date(),
}
"""The columns of ``member_rows``, in order: each membership on the day, with its person's
sex and birth date and its household's registration date."""

OBSERVATIONS: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "person_id": pl.Int64(),
    "household_id": pl.Int64(),
    "variable": pl.String(),
    "value": pl.Float64(),
    "text": pl.String(),
    "source": pl.String(),
    "observed": pl.Date(),
    "verification": pl.String(),
}
"""The columns of ``observation_rows``, in order (``row``: the observation's id)."""


REFERENCES_LOCK = "'registry_determination'::regclass::oid::bigint"
"""The advisory lock's key: the determinations table's own (migration ``0008``)."""


def hold_references() -> None:
    """Hold, until the transaction ends, the lock that a household's or a ruleset's deletion
    waits for (PostgreSQL's advisory lock, shared; nothing elsewhere, where one writer runs at
    a time). A transaction storing determinations takes it before it reads the households it
    determines: their references are kept by triggers, not foreign keys (migration ``0008``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock_shared({REFERENCES_LOCK})")


def member_rows(
    households: Q, on: dt.date, *, registered: bool = True
) -> QuerySet[m.Membership, tuple[Any, ...]]:
    """One query: the memberships of ``households`` (a filter on ``household``) that hold on
    ``on``, joined to their persons and households (columns ``MEMBERS``); without the
    household's registration date, and its join, when not ``registered`` (a bulk run reads
    the households of a range apart: one lookup a household, not one a member)."""
    columns = ["person_id", "household_id", "relation", "start", "end", "person__sex",
               "person__birth_date"]  # fmt: skip
    if registered:
        columns.append("household__registered_on")
    return (
        m.Membership.objects.filter(households, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .order_by()
        .values_list(*columns)
    )


def observation_rows(
    households: Q, variables: Sequence[str] | None = None
) -> QuerySet[m.Observation, tuple[Any, ...]]:
    """One query: the observations of ``households`` (a filter on ``household``), of
    ``variables`` only when given (columns ``OBSERVATIONS``)."""
    rows = m.Observation.objects.filter(households)
    if variables is not None:
        rows = rows.filter(variable__in=list(variables))
    return rows.order_by().values_list(
        "id", "person_id", "household_id", "variable", "value", "text", "source", "observed_on",
        "verification",
    )  # fmt: skip


def as_registry(members: pl.DataFrame, observations: pl.DataFrame) -> Registry:
    """The library's registry from ``member_rows`` and ``observation_rows`` as frames.

    Names and identifiers are not read: no rule reads them. Two observations
    of one variable on one date from one source (a correction entered the same
    day): the one recorded last is the one used, as the library's ``latest``
    would pick it.
    """
    persons = (
        members.select(
            "person_id",
            national_id=pl.lit(None, pl.String),
            name=pl.lit(""),
            name_latin=pl.lit(None, pl.String),
            sex="sex",
            birth_date="birth_date",
        )
        .unique("person_id", keep="first")
        .sort("person_id")
    )
    groups = (
        members.select("household_id", "registered")
        .unique("household_id", keep="first")
        .sort("household_id")
    )
    memberships = members.select(SCHEMAS["memberships"].keys())
    kept = (
        observations.with_columns(
            unit=pl.when(pl.col("person_id").is_null())
            .then(pl.lit("household"))
            .otherwise(pl.lit("person")),
            id=pl.coalesce("person_id", "household_id"),
            text=pl.when(pl.col("text") == "").then(None).otherwise(pl.col("text")),
        )
        .sort("row")
        .unique(["unit", "id", "variable", "observed", "source"], keep="last")
        .sort("row")
        .select(SCHEMAS["observations"].keys())
        .cast(SCHEMAS["observations"])  # type: ignore[arg-type]
    )
    return Registry(
        persons=persons.cast(SCHEMAS["persons"]),  # type: ignore[arg-type]
        groups=groups,
        memberships=memberships.cast(SCHEMAS["memberships"]),  # type: ignore[arg-type]
        observations=kept,
    )


def _frame(rows: QuerySet[Any, tuple[Any, ...]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


def registry_for(
    households: Sequence[m.Household] | Sequence[int] | Q,
    on: dt.date,
    variables: Sequence[str] | None = None,
) -> Registry:
    """The library's registry of ``households`` (rows, ids or a filter on ``household``) on
    ``on``: their members that day and their observations (of ``variables`` only, when
    given), read in two queries (``member_rows``, ``observation_rows``)."""
    if isinstance(households, Q):
        chosen = households
    else:
        chosen = Q(household_id__in=[h if isinstance(h, int) else h.pk for h in households])
    return as_registry(
        _frame(member_rows(chosen, on), MEMBERS),
        _frame(observation_rows(chosen, variables), OBSERVATIONS),
    )


def known_columns(on: dt.date, variables: Sequence[str] | None = None) -> Columns:
    """The variables the registry has on ``on`` (of ``variables`` only, when given), as
    the library lays out part of a registry with them (``insaf.registry.model.Columns``):
    one query of ``Variable``, which the database keeps (migration ``0009``)."""
    rows = m.Variable.objects.all()
    if variables is not None:
        rows = rows.filter(variable__in=list(variables))
    kept = list(rows.order_by().values_list("unit", "variable", "text", "first_observed"))
    return columns_from(
        ((unit, variable) for unit, variable, _, first in kept if first <= on),
        {variable for _, variable, text, _ in kept if text},
    )


def rebuild_variables() -> None:
    """``Variable`` written again from every observation: after a load that turned the
    database's triggers off (``session_replication_role = replica``, as the benchmark's
    build does), which leaves it behind the observations."""
    any_text = "bool_or(text <> '')" if connection.vendor == "postgresql" else "max(\"text\" <> '')"
    table = m.Variable._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f'INSERT INTO {table} (unit, variable, "text", first_observed) '
            "SELECT CASE WHEN person_id IS NULL THEN 'household' ELSE 'person' END, variable, "
            f"{any_text}, min(observed_on) FROM {m.Observation._meta.db_table} GROUP BY 1, 2"
        )


def parse_ruleset(
    *,
    programme: m.Programme,
    version: int,
    text: str,
    policy: str,
    instruments: Sequence[str],
    pmt_model: str,
    pmt_variable: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    legal_reference: str,
    drafted_by: str,
    approved_by: str | None,
) -> Ruleset:
    """The library's ruleset from stored parts; a ``SpecError`` names the key and line at fault."""
    data, lines = load_yaml(text, file=f"{programme.code}-v{version}.yaml")
    scenario = parse_scenario(data, lines, file=f"{programme.code}-v{version}.yaml")
    pmt = None
    if pmt_model:
        pmt = PmtRule(model=PmtModel.from_dict(json.loads(pmt_model)), variable=pmt_variable)
    return Ruleset.from_scenario(
        scenario,
        policy,
        list(instruments),
        id=programme.code,
        version=version,
        name=TextSpec(en=programme.name_en, ar=programme.name_ar),
        effective_from=effective_from,
        effective_to=effective_to,
        legal_reference=legal_reference,
        drafted_by=drafted_by,
        approved_by=approved_by,
        pmt=pmt,
    )


def library_ruleset(row: m.Ruleset) -> Ruleset:
    """The stored ruleset as the library reads it (its hash must still be the stored one).

    Kept per process, keyed by the row, its content hash, its approval and its
    dates (what decides an outcome): one household's determination on request
    neither parses the scenario again nor reads the programme or the users.
    """
    key = (row.pk, row.content_hash, row.approved_by_id, row.effective_from, row.effective_to)
    found = _LIBRARY.get(key)
    if found is None:
        found = parse_row(row)
        if found.content_hash != row.content_hash:
            raise m.Immutable(
                f"ruleset {row.programme.code}:{row.version}: its rules no longer have the hash "
                "they were approved with"
            )
        if len(_LIBRARY) >= 64:
            _LIBRARY.clear()
        _LIBRARY[key] = found
    return found


_LIBRARY: dict[tuple[Any, ...], Ruleset] = {}


def parse_row(row: m.Ruleset) -> Ruleset:
    """The library's ruleset from a row, stored or about to be (``parse_ruleset``)."""
    return parse_ruleset(
        programme=row.programme,
        version=row.version,
        text=row.text,
        policy=row.policy,
        instruments=row.instruments,
        pmt_model=row.pmt_model,
        pmt_variable=row.pmt_variable,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        legal_reference=row.legal_reference,
        drafted_by=row.drafted_by.get_username(),
        approved_by=row.approved_by.get_username() if row.approved_by else None,
    )


@transaction.atomic
def determine(
    *,
    actor: Actor,
    ruleset: m.Ruleset,
    as_of: dt.date,
    households: Iterable[m.Household],
    supersedes: Mapping[int, m.Determination] | None = None,
) -> list[m.Determination]:
    """Run an approved ruleset in force on ``as_of`` for ``households``; store each result.

    Enrolments follow: an eligible household not enrolled becomes a potential
    beneficiary, an active one no longer eligible is suspended, a suspended one
    eligible again is active.
    """
    from insaf.registry.determine import determine as run

    access.require(access.can_change(actor), "a registry officer runs determinations")
    access.require(
        ruleset.in_force(as_of), f"ruleset {ruleset} is not approved and in force on {as_of}"
    )
    hold_references()
    chosen = list(households)
    registry = registry_for(chosen, as_of)
    results = run(
        library_ruleset(ruleset),
        registry,
        as_of,
        households=[h.pk for h in chosen],
        columns=known_columns(as_of),
    )
    by_pk = {h.pk: h for h in chosen}
    stored = []
    for result in results:
        household = by_pk[int(result.household_id)]
        stored.append(
            m.Determination.objects.create(
                household=household,
                ruleset=ruleset,
                as_of=as_of,
                eligible=bool(result.eligible),
                amount=float(result.entitlement),
                pmt_score=None if result.pmt_score is None else float(result.pmt_score),
                reasons=list(result.reasons),
                trace=dict(result.stored_trace),
                input_hash=bytes.fromhex(result.input_hash),
                hash=bytes.fromhex(result.hash),
                supersedes=(supersedes or {}).get(household.pk),
            )
        )
    for d in stored:
        _follow_enrolment(d, as_of)
    services.record_change(
        actor,
        "registry.determined",
        "ruleset",
        str(ruleset),
        f"{len(stored)} households as of {as_of}",
    )
    return stored


def _follow_enrolment(d: m.Determination, on: dt.date) -> None:
    enrolment = (  # one at most (``one_enrolment``): no order, no join
        m.Enrolment.objects.filter(household_id=d.household_id, programme_id=d.ruleset.programme_id)
        .order_by()
        .first()
    )
    if enrolment is None:
        if d.eligible:
            m.Enrolment.objects.create(
                household_id=d.household_id,
                programme_id=d.ruleset.programme_id,
                status=m.EnrolmentStatus.POTENTIAL,
                determination=d,
                since=on,
            )
        return
    status = enrolment.status
    if not d.eligible and status in (m.EnrolmentStatus.ACTIVE, m.EnrolmentStatus.POTENTIAL):
        status = m.EnrolmentStatus.SUSPENDED
    elif d.eligible and status == m.EnrolmentStatus.SUSPENDED:
        status = m.EnrolmentStatus.ACTIVE
    changed = status != enrolment.status
    enrolment.determination = d
    if changed:
        enrolment.status = status
        enrolment.since = on
    enrolment.save()


@transaction.atomic
def decide_grievance(
    *,
    actor: Actor,
    grievance: m.Grievance,
    upheld: bool,
    resolution: str,
    corrections: Mapping[str, float],
    today: dt.date,
) -> m.Grievance:
    """Decide a grievance; an upheld one with corrected values is determined again on them.

    Each correction is a new verified administrative observation of the
    household dated ``today``; the household is then determined again, as of
    ``today``, under the ruleset of the determination appealed, and the new
    determination names the one it replaces.
    """
    access.require(access.can_change(actor), "a registry officer decides grievances")
    redetermination = None
    if upheld and corrections:
        household = grievance.household
        for variable, value in corrections.items():
            m.Observation.objects.create(
                household=household,
                variable=variable,
                value=value,
                source=m.Source.ADMINISTRATIVE,
                observed_on=today,
                verification=m.Verification.VERIFIED,
                recorded_by=actor if isinstance(actor, User) else None,
            )
        appealed = grievance.determination
        if appealed is not None:
            (redetermination,) = determine(
                actor=actor,
                ruleset=appealed.ruleset,
                as_of=today,
                households=[household],
                supersedes={household.pk: appealed},
            )
    return services.resolve_grievance(
        actor=actor,
        grievance=grievance,
        upheld=upheld,
        resolution=resolution,
        redetermination=redetermination,
    )


@transaction.atomic
def refer_with_consent(
    *,
    actor: Actor,
    household: m.Household,
    person: m.Person | None,
    consent: bool,
    from_service: str,
    to_service: str,
    reason: str,
    today: dt.date,
) -> m.Referral:
    """Refer ``person`` (or the household); with ``consent``, first record the consent to the
    referral given today, by the person or, for a minor or the household, by its head."""
    from insaf.web.registry.consent import is_minor

    if consent:
        giver = person
        if person is None or is_minor(person, today):
            head = household.members.filter(relation="head", end__isnull=True).first()
            giver = head.person if head is not None else None
        if giver is not None:
            services.record_consent(
                actor=actor, person=giver, purpose=m.ConsentPurpose.REFERRAL, given_on=today
            )
    return services.refer(
        actor=actor, household=household, person=person, from_service=from_service,
        to_service=to_service, reason=reason, sent_on=today,
    )  # fmt: skip


RELATIONS = {
    "head": pgettext_lazy("relation", "Head of household"),
    "spouse": pgettext_lazy("relation", "Spouse"),
    "child": pgettext_lazy("relation", "Child"),
    "parent": pgettext_lazy("relation", "Parent"),
    "sibling": pgettext_lazy("relation", "Brother or sister"),
    "grandchild": pgettext_lazy("relation", "Grandchild"),
    "other_relative": pgettext_lazy("relation", "Other relative"),
    "other": pgettext_lazy("relation", "Not related"),
}
"""Labels of the relations to the head the registry records."""


def single_view(household: m.Household, *, today: dt.date, language: str) -> dict[str, Any]:
    """Members (identifiers masked) and every programme: status, decision, next payment."""
    members = [
        {
            "name": ms.person.name,
            "national_id": services.mask(ms.person.national_id),
            "relation": ms.relation,
            "relation_label": RELATIONS.get(ms.relation, ""),
            "birth_date": ms.person.birth_date,
        }
        for ms in household.members.filter(end__isnull=True).select_related("person")
    ]
    latest = services.latest_determinations(household)
    enrolments = {e.programme_id: e for e in household.enrolments.all()}
    programmes = []
    for programme in m.Programme.objects.all():
        enrolment = enrolments.get(programme.pk)
        next_payment = (
            m.Payment.objects.filter(
                entitlement__enrolment=enrolment,
                status__in=[m.PaymentStatus.QUEUED, m.PaymentStatus.EXPORTED],
            )
            .select_related("entitlement")
            .order_by("entitlement__due_on", "attempt")
            .first()
            if enrolment is not None
            else None
        )
        programmes.append(
            {
                "name": programme.name(language),
                "status": enrolment.get_status_display() if enrolment else "",
                "determination": latest.get(programme.pk),
                "next_payment": next_payment,
            }
        )
    return {
        "members": members,
        "programmes": programmes,
        "referrals": household.referrals.all(),
        "referral_statuses": m.ReferralStatus.choices,
        "grievances": household.grievances.all(),
    }
