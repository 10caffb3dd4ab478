"""A determination run over the whole registry: read in bulk, computed by columns, stored by COPY.

``determine_all(actor=..., rulesets=..., as_of=...)`` determines every
household with members on ``as_of`` under each ruleset and stores every
determination, in one transaction (all or nothing). It works through the
households in ranges of their ids (``chunk`` at a time):

1. **read**: the range's households, their members on the date (with sex
   and birth date) and their observations of the variables the rulesets read
   (``variables_read``). On PostgreSQL each is one ``COPY (SELECT ...) TO
   STDOUT`` read by Polars; elsewhere (SQLite, for tests) the rows come
   through the ORM (``engine.registry_for``);
2. **compute**: the registry on the date (``Registry.as_of``, once for all
   rulesets), then each ruleset by the policy engine (``run_ruleset``) and
   every household's eligibility, entitlement, score, reasons, trace and
   hashes at once (``insaf.registry.trace.explain_frame``): the library's
   code, the same as one household's determination on request, so both
   store the same row and the same hashes;
3. **store**: on PostgreSQL one ``COPY ... FROM STDIN`` a range and
   ruleset; elsewhere ``bulk_create``. Rows are only inserted: the
   database's trigger still refuses any change afterwards.

Enrolments do not follow a bulk run (``engine.determine`` moves them for the
households it determines): a bulk run records decisions; enrolling follows
from them separately.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from insaf.policy.instruments.base import compiled
from insaf.registry.model import SCHEMAS, Registry
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, check_date, run_ruleset
from insaf.registry.trace import entries, explain_frame
from insaf.web.core.services import record
from insaf.web.registry import access, services
from insaf.web.registry import models as m
from insaf.web.registry.engine import Actor, library_ruleset, registry_for

__all__ = ["BulkReport", "determine_all", "read_range", "variables_read"]


@dataclass
class BulkReport:
    """What a run stored, and where its time went (seconds by phase)."""

    stored: int = 0
    by_programme: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("read", "compute", "store"), 0.0))  # fmt: skip


def variables_read(rulesets: Sequence[Ruleset]) -> list[str]:
    """Every observed variable the rulesets can read: the expressions of every instrument of
    their policies (the engine checks them all), the derived variables, the PMT's."""
    names: set[str] = set()
    for ruleset in rulesets:
        for entry in entries(ruleset):
            names.update(entry.names)
        for policy in (ruleset.base, ruleset.policy):
            for instrument in policy.instruments:
                for need in instrument.needs():
                    if need.what == "expression":
                        names.update(compiled(need.text).names)
        for spec in ruleset.scenario.variables.values():
            names.update(compiled(spec.text).names)
        if ruleset.pmt is not None:
            names.update(ruleset.pmt.model.variables)
    return sorted(names)


# -- reading ---------------------------------------------------------------------------------


def _copy_out(sql: Any, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    from psycopg import sql as psql

    raw = connection.connection
    assert raw is not None
    buffer = io.BytesIO()
    statement = psql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(sql)
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for data in copy:
            buffer.write(data)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(
        buffer, has_header=False, new_columns=list(schema), schema=schema, try_parse_dates=False
    )


def _read_postgres(low: int, high: int, as_of: dt.date, variables: Sequence[str]) -> Registry:
    from psycopg import sql as psql

    lo, hi, on = psql.Literal(low), psql.Literal(high), psql.Literal(as_of)
    groups = _copy_out(
        psql.SQL(
            "SELECT id, registered_on FROM registry_household WHERE id >= {} AND id < {}"
        ).format(lo, hi),
        {"household_id": pl.Int64(), "registered": pl.Date()},
    )
    members = _copy_out(
        psql.SQL(
            'SELECT ms.person_id, ms.household_id, ms.relation, ms.start, ms."end", p.sex, '
            "p.birth_date FROM registry_membership ms JOIN registry_person p ON p.id = "
            "ms.person_id WHERE ms.household_id >= {} AND ms.household_id < {} AND ms.start <= {} "
            'AND (ms."end" IS NULL OR ms."end" > {})'
        ).format(lo, hi, on, on),
        {
            "person_id": pl.Int64(),
            "household_id": pl.Int64(),
            "relationship": pl.String(),
            "start": pl.Date(),
            "end": pl.Date(),
            "sex": pl.String(),
            "birth_date": pl.Date(),
        },
    )
    observations = _copy_out(
        psql.SQL(
            "SELECT id, person_id, household_id, variable, value, text, source, observed_on, "
            "verification FROM registry_observation WHERE household_id >= {} AND household_id < {} "
            "AND variable = ANY({})"
        ).format(lo, hi, psql.Literal(list(variables))),
        {
            "row": pl.Int64(),
            "person_id": pl.Int64(),
            "household_id": pl.Int64(),
            "variable": pl.String(),
            "value": pl.Float64(),
            "text": pl.String(),
            "source": pl.String(),
            "observed": pl.Date(),
            "verification": pl.String(),
        },
    )
    return _registry(groups, members, observations)


def _registry(groups: pl.DataFrame, members: pl.DataFrame, obs: pl.DataFrame) -> Registry:
    """The library's registry of one range, as ``engine.registry_for`` would give it."""
    persons = (
        members.select(
            "person_id",
            national_id=pl.lit(None, pl.String),
            name=pl.lit(""),  # the rules never read names: not read from the database
            name_latin=pl.lit(None, pl.String),
            sex="sex",
            birth_date="birth_date",
        )
        .unique("person_id", keep="first")
        .sort("person_id")
    )
    memberships = members.select(SCHEMAS["memberships"].keys())
    # two observations with one key (a correction entered the same day): the one recorded last
    observations = (
        obs.with_columns(
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
        memberships=memberships,
        observations=observations,
    )


def read_range(low: int, high: int, as_of: dt.date, variables: Sequence[str]) -> Registry:
    """The households with ids in ``[low, high)``, their members and observations (notes)."""
    if connection.vendor == "postgresql":
        return _read_postgres(low, high, as_of, variables)
    return registry_for(m.Household.objects.filter(pk__gte=low, pk__lt=high))


# -- storing ---------------------------------------------------------------------------------

COLUMNS = (
    "household_id", "ruleset_id", "as_of", "eligible", "amount", "pmt_score", "reasons", "trace",
    "input_hash", "hash", "created_at",
)  # fmt: skip


def _rows(frame: pl.DataFrame, ruleset: m.Ruleset, as_of: dt.date, now: dt.datetime) -> pl.DataFrame:
    codes = pl.col("reasons")
    return frame.select(
        pl.col(HOUSEHOLD),
        ruleset_id=pl.lit(ruleset.pk, pl.Int64),
        as_of=pl.lit(as_of),
        eligible=pl.col("eligible"),
        amount=pl.col("entitlement"),
        pmt_score=pl.col("pmt_score"),
        reasons=pl.when(codes.list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.lit('["') + codes.list.join('","') + pl.lit('"]')),
        trace=pl.col("trace"),
        input_hash=pl.col("input_hash"),
        hash=pl.col("hash"),
        created_at=pl.lit(now),
    )


def _store(frame: pl.DataFrame, ruleset: m.Ruleset, as_of: dt.date, now: dt.datetime) -> None:
    rows = _rows(frame, ruleset, as_of, now)
    if connection.vendor == "postgresql":
        raw = connection.connection
        assert raw is not None
        buffer = io.BytesIO()
        rows.write_csv(buffer, include_header=False, null_value="")
        statement = (
            f"COPY registry_determination ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
        return
    m.Determination.objects.bulk_create(
        [
            m.Determination(
                household_id=row["household_id"],
                ruleset=ruleset,
                as_of=as_of,
                eligible=row["eligible"],
                amount=row["amount"],
                pmt_score=row["pmt_score"],
                reasons=json.loads(row["reasons"]),
                trace=json.loads(row["trace"]),
                input_hash=row["input_hash"],
                hash=row["hash"],
            )
            for row in rows.iter_rows(named=True)
        ],
        batch_size=2000,
    )


# -- the run ---------------------------------------------------------------------------------


def determine_all(
    *,
    actor: Actor,
    rulesets: Sequence[m.Ruleset],
    as_of: dt.date,
    chunk: int = 250_000,
    say: Callable[[str], None] = lambda _: None,
) -> BulkReport:
    """Determine every household under each ruleset and store every determination (notes)."""
    access.require(access.can_change(actor), "a registry officer runs determinations")
    for row in rulesets:
        access.require(row.in_force(as_of), f"ruleset {row} is not approved and in force on {as_of}")
    if chunk < 1:
        raise ValueError("chunk must be at least 1 household")
    library = [library_ruleset(row) for row in rulesets]
    for ruleset in library:
        check_date(ruleset, as_of)
    variables = variables_read(library)
    report = BulkReport(by_programme={str(row.programme): 0 for row in rulesets})
    bounds = m.Household.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    now = timezone.now()
    with transaction.atomic():
        low = first or 0
        while first is not None and last is not None and low <= last:
            high = low + chunk
            started = time.perf_counter()
            registry = read_range(low, high, as_of, variables)
            view = registry.as_of(as_of)
            report.seconds["read"] += time.perf_counter() - started
            for row, ruleset in zip(rulesets, library, strict=True):
                started = time.perf_counter()
                frame = explain_frame(run_ruleset(ruleset, view))
                report.seconds["compute"] += time.perf_counter() - started
                started = time.perf_counter()
                _store(frame, row, as_of, now)
                report.seconds["store"] += time.perf_counter() - started
                report.stored += frame.height
                report.by_programme[str(row.programme)] += frame.height
            say(f"households {low:,} to {min(high, last + 1) - 1:,}: {report.stored:,} stored")
            low = high
        for row in rulesets:
            record(
                actor=actor,
                action="registry.determined",
                object_type="ruleset",
                object_id=str(row),
                summary=f"{report.by_programme[str(row.programme)]} households as of {as_of} "
                "(bulk run)",
                scopes=(services.SCOPE,),
            )
    return report
