"""A determination run over the whole registry: read in bulk, computed by columns, stored by COPY.

``determine_all(actor=..., rulesets=..., as_of=...)`` determines every
household with members on ``as_of`` under each ruleset and stores every
determination, in one transaction (all or nothing). It works through the
households in ranges of their ids (``chunk`` at a time):

1. **read**: the households, their members on the date (with sex and birth
   date) and their observations of the variables the rulesets read
   (``variables_read``). On PostgreSQL each table is read once, whole, by
   ADBC (a binary ``COPY`` into Arrow, on a connection of its own: what is
   committed), and cut into ranges in memory; elsewhere (SQLite, for tests)
   each range's rows come through the ORM (``engine.registry_for``);
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

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.policy.instruments.base import compiled
from insaf.registry.model import SCHEMAS, Registry
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, check_date, run_ruleset
from insaf.registry.trace import entries, explain_frame
from insaf.web.core.services import record
from insaf.web.registry import access, services
from insaf.web.registry import models as m
from insaf.web.registry.engine import Actor, library_ruleset, registry_for

__all__ = ["BulkReport", "determine_all", "in_force", "variables_read"]


@dataclass
class BulkReport:
    """What a run stored, and where its time went (seconds by phase)."""

    stored: int = 0
    by_programme: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(
        default_factory=lambda: {"read": 0.0, "compute": 0.0, "store": 0.0}
    )


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


def _conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port", "sslmode")
    return make_conninfo("", **{k: str(params[k]) for k in keys if params.get(k)})


def _read_postgres(as_of: dt.date, variables: Sequence[str]) -> tuple[pl.DataFrame, ...]:
    """The four tables of the whole registry, by ADBC (binary ``COPY`` into Arrow)."""
    import adbc_driver_postgresql.dbapi as adbc

    day = as_of.isoformat()
    queries = {
        "groups": "SELECT id AS household_id, registered_on AS registered FROM registry_household",
        "members": (
            'SELECT person_id, household_id, relation AS relationship, start, "end" '
            f"FROM registry_membership WHERE start <= '{day}' "
            f'AND ("end" IS NULL OR "end" > \'{day}\')'
        ),
        "persons": "SELECT id AS person_id, sex, birth_date FROM registry_person",
        "observations": (
            "SELECT id AS row, person_id, household_id, variable, value, text, source, "
            "observed_on AS observed, verification FROM registry_observation "
            "WHERE variable = ANY('{" + ",".join(variables) + "}'::text[])"
        ),
    }
    out = []
    with adbc.connect(_conninfo()) as conn, conn.cursor() as cursor:
        for query in queries.values():
            cursor.execute(query)
            frame = pl.from_arrow(cursor.fetch_arrow_table())
            assert isinstance(frame, pl.DataFrame)
            out.append(frame)
    groups, members, persons, observations = out
    members = members.join(persons, on="person_id", how="inner")
    return (
        groups.cast({"household_id": pl.Int64}).sort("household_id"),
        members.cast({"person_id": pl.Int64, "household_id": pl.Int64}).sort("household_id"),
        observations.cast({"row": pl.Int64, "person_id": pl.Int64, "household_id": pl.Int64}).sort(
            "household_id"
        ),
    )


def _between(frame: pl.DataFrame, low: int, high: int) -> pl.DataFrame:
    """The rows of ``frame`` (sorted by household) with a household id in ``[low, high)``."""
    ids = frame.get_column("household_id")
    start = int(ids.search_sorted(low, side="left"))
    end = int(ids.search_sorted(high, side="left"))
    return frame.slice(start, end - start)


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


# -- storing ---------------------------------------------------------------------------------

COLUMNS = (
    "household_id", "ruleset_id", "as_of", "eligible", "amount", "pmt_score", "reasons", "trace",
    "input_hash", "hash", "created_at",
)  # fmt: skip


def _rows(
    frame: pl.DataFrame, ruleset: m.Ruleset, as_of: dt.date, now: dt.datetime
) -> pl.DataFrame:
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


def in_force(as_of: dt.date, programmes: Sequence[str] | None = None) -> list[m.Ruleset]:
    """Each programme's approved ruleset in force on ``as_of`` (the latest version), or only
    those of ``programmes``; a ``LookupError`` names a programme with none."""
    chosen = m.Programme.objects.all()
    if programmes:
        unknown = sorted(set(programmes) - set(chosen.values_list("code", flat=True)))
        if unknown:
            raise LookupError(_("No programme %(codes)s.") % {"codes": ", ".join(unknown)})
        chosen = chosen.filter(code__in=programmes)
    out = []
    for programme in chosen:
        found = [r for r in programme.rulesets.order_by("-version") if r.in_force(as_of)]
        if not found:
            if programmes:
                raise LookupError(
                    _("No approved ruleset of %(code)s is in force on %(date)s.")
                    % {"code": programme.code, "date": as_of.isoformat()}
                )
            continue
        out.append(found[0])
    return out


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
        access.require(
            row.in_force(as_of), f"ruleset {row} is not approved and in force on {as_of}"
        )
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
    whole: tuple[pl.DataFrame, ...] | None = None
    if connection.vendor == "postgresql" and first is not None:
        started = time.perf_counter()
        whole = _read_postgres(as_of, variables)
        report.seconds["read"] += time.perf_counter() - started
        say(f"registry read: {', '.join(f'{t.height:,}' for t in whole)} rows")
    with transaction.atomic():
        low = first or 0
        while first is not None and last is not None and low <= last:
            high = low + chunk
            started = time.perf_counter()
            if whole is not None:
                registry = _registry(*(_between(t, low, high) for t in whole))
            else:
                registry = registry_for(m.Household.objects.filter(pk__gte=low, pk__lt=high))
            view = registry.as_of(as_of)
            report.seconds["read"] += time.perf_counter() - started
            if not view.households.height:
                low = high
                continue
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
