"""A determination run over the whole registry: read in bulk, computed by columns, stored by COPY.

``determine_all(actor=..., rulesets=..., as_of=...)`` determines every
household with members on ``as_of`` under each ruleset and stores every
determination, in one transaction (all or nothing). It works through the
households in ranges of their ids (``chunk`` at a time):

1. **read**: the households of the range, their members on the date (with
   sex and birth date) and their observations of the variables the rulesets
   read (``variables_read``), by the two queries of one household's
   determination (``engine.member_rows``, ``engine.observation_rows``). On
   PostgreSQL by ADBC (a binary ``COPY`` into Arrow, on a connection of its
   own: what is committed); elsewhere (SQLite, for tests) through the ORM.
   No table is ever read whole: memory is bounded by the range;
2. **compute**: the registry on the date (``Registry.as_of``, once for all
   rulesets), then each ruleset by the policy engine (``run_ruleset``) and
   every household's eligibility, entitlement, score, reasons, trace and
   hashes at once (``insaf.registry.trace.explain_frame``): the library's
   code, the same as one household's determination on request, so both
   store the same row and the same hashes;
3. **store**: on PostgreSQL one ``COPY ... FROM STDIN`` a range and
   ruleset, of rows the computing threads have already written in
   PostgreSQL's binary format (``insaf.web.core.pgcopy``; each hash as its 32
   bytes), while those threads (``threads``, two by default) read and compute
   the next ranges (at most ``2 * threads + 1`` ranges in memory); elsewhere
   ``bulk_create``. Rows are only inserted: the database's trigger still
   refuses any change afterwards. No foreign key is checked row by row: the
   run holds the lock a household's or a ruleset's deletion waits for
   (``engine.hold_references``) from before it reads, and names only the
   households it read (migration ``0008``). On PostgreSQL, on a fresh run (no
   determination stored yet) the table's secondary indexes are dropped and
   built again after the load, in the same transaction.

Enrolments do not follow a bulk run (``engine.determine`` moves them for the
households it determines): a bulk run records decisions; enrolling follows
from them separately.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from queue import Full, Queue
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.policy.instruments.base import compiled
from insaf.registry.model import Columns, Registry, complete
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, check_date, run_ruleset
from insaf.registry.trace import entries, explain_frame
from insaf.web.core.pgcopy import binary_copy
from insaf.web.registry import access, services
from insaf.web.registry import models as m
from insaf.web.registry.engine import (
    MEMBERS,
    OBSERVATIONS,
    Actor,
    as_registry,
    hold_references,
    known_columns,
    library_ruleset,
    member_rows,
    observation_rows,
    registry_for,
)

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


def _read(cursor: Any, low: int, high: int, as_of: dt.date, variables: Sequence[str]) -> Registry:
    """The registry of the households with an id in ``[low, high)``: by ``cursor`` (ADBC's,
    on PostgreSQL: a binary ``COPY`` into Arrow, on a connection of its own, so what is
    committed), or by the ORM when it is ``None`` (``engine.registry_for``). By ADBC, in
    three queries: the members (``engine.member_rows`` without the households' join), the
    range's households' registration dates, and the observations
    (``engine.observation_rows``)."""
    chosen = Q(household_id__gte=low, household_id__lt=high)
    if cursor is None:
        return registry_for(chosen, as_of, variables)
    members = {k: v for k, v in MEMBERS.items() if k != "registered"}
    households = {"household_id": pl.Int64(), "registered": pl.Date()}
    frames = []
    for rows, schema in (
        (member_rows(chosen, as_of, registered=False), members),
        (m.Household.objects.filter(pk__gte=low, pk__lt=high).values_list("pk", "registered_on"),
         households),
        (observation_rows(chosen, variables), OBSERVATIONS),
    ):  # fmt: skip
        sql, params = rows.query.sql_with_params()
        cursor.execute(connection.ops.compose_sql(sql, params))  # type: ignore[attr-defined]
        frame = pl.from_arrow(cursor.fetch_arrow_table())
        assert isinstance(frame, pl.DataFrame)
        named = frame.rename(dict(zip(frame.columns, schema, strict=True)))
        frames.append(named.cast(schema))  # type: ignore[arg-type]
    joined = (
        frames[0]
        .join(frames[1], on="household_id", how="left", maintain_order="left")
        .select(list(MEMBERS))
    )
    return as_registry(joined, frames[2])


def _adbc() -> Any:
    import adbc_driver_postgresql.dbapi as adbc
    from psycopg.conninfo import make_conninfo

    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port", "sslmode")
    return adbc.connect(make_conninfo("", **{k: str(params[k]) for k in keys if params.get(k)}))


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


def _copied(frame: pl.DataFrame, ruleset: m.Ruleset, as_of: dt.date, now: dt.datetime) -> bytes:
    """The rows of ``frame`` as ``COPY ... WITH (FORMAT binary)`` reads them (``COLUMNS``; each
    hash as its 32 bytes, ``bytea``). Written by the thread that computes, so that storing is
    only PostgreSQL's work, and in the binary format, which PostgreSQL reads in about half the
    time of CSV (``insaf.web.core.pgcopy``)."""
    rows = _rows(frame, ruleset, as_of, now).with_columns(
        pl.col(c).str.decode("hex") for c in ("input_hash", "hash")
    )
    table = rows.to_arrow()
    return binary_copy([table.column(name) for name in COLUMNS])


def _store(
    part: pl.DataFrame | bytes, ruleset: m.Ruleset, as_of: dt.date, now: dt.datetime
) -> None:
    """One range's rows under ``ruleset``: by ``COPY`` when they come as its bytes
    (``_copied``, on PostgreSQL), else by ``bulk_create``."""
    if isinstance(part, bytes):
        raw = connection.connection
        assert raw is not None
        statement = (
            f"COPY registry_determination ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT binary)"
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(part)
        return
    rows = _rows(part, ruleset, as_of, now)
    m.Determination.objects.bulk_create(
        [
            m.Determination(
                household_id=row["household_id"],
                ruleset=ruleset,
                as_of=as_of,
                eligible=row["eligible"],
                amount=row["amount"],
                pmt_score=row["pmt_score"],
                reasons=row["reasons"],  # stored as the texts COPY stores (``JSONText``)
                trace=row["trace"],
                input_hash=bytes.fromhex(row["input_hash"]),
                hash=bytes.fromhex(row["hash"]),
            )
            for row in rows.iter_rows(named=True)
        ],
        batch_size=2000,
    )


TABLE = m.Determination._meta.db_table


def _set_aside() -> list[str]:
    """On a fresh run (no determination stored yet), the table's secondary indexes dropped,
    to be built once after the load rather than row by row (inside the run's transaction:
    another session writing determinations waits for it); the statements that build them
    again (``_restore``). Nothing on a table that holds determinations."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")
        if cursor.fetchone()[0]:
            return []
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) "
            "ORDER BY indexname",
            [TABLE, TABLE],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes]


def _restore(statements: Sequence[str]) -> None:
    """The indexes ``_set_aside`` dropped, built again over the rows stored."""
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


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


@dataclass
class _Range:
    low: int
    high: int
    parts: list[pl.DataFrame | bytes]
    """Each ruleset's rows: its frame, or (on PostgreSQL) the bytes ``COPY`` reads."""
    counts: list[int]
    read: float
    compute: float


Encode = Callable[[int, pl.DataFrame], bytes]
"""The rows of the ``k``-th ruleset's frame as ``COPY`` reads them (``_copied``)."""


def _computed(
    ranges: Sequence[tuple[int, int]],
    library: Sequence[Ruleset],
    as_of: dt.date,
    variables: Sequence[str],
    columns: Columns,
    cursor: Any,
    encode: Encode | None,
) -> Generator[_Range]:
    """Each range read and determined under every ruleset (one part a ruleset: its frame, or
    its bytes for ``COPY`` when ``encode`` is given; no part for a range with no household),
    laid out with the registry's ``columns`` (those of ``variables``)."""
    for low, high in ranges:
        started = time.perf_counter()
        view = complete(_read(cursor, low, high, as_of, variables).as_of(as_of), columns)
        read = time.perf_counter() - started
        if not view.households.height:
            yield _Range(low, high, [], [], read, 0.0)
            continue
        started = time.perf_counter()
        frames = [explain_frame(run_ruleset(ruleset, view)) for ruleset in library]
        counts = [frame.height for frame in frames]
        parts: list[pl.DataFrame | bytes] = (
            [encode(k, frame) for k, frame in enumerate(frames)] if encode else list(frames)
        )
        del frames
        yield _Range(low, high, parts, counts, read, time.perf_counter() - started)


def _ahead(
    ranges: Sequence[tuple[int, int]],
    library: Sequence[Ruleset],
    as_of: dt.date,
    variables: Sequence[str],
    columns: Columns,
    encode: Encode,
    threads: int,
) -> Generator[_Range]:
    """``_computed`` on PostgreSQL in ``threads`` threads of their own, each reading by ADBC
    on a connection of its own, while the caller stores the ranges in order: the ``k``-th
    range is the ``k % threads``-th thread's, which holds at most one range computed and
    waiting, so at most ``2 * threads + 1`` ranges are in memory at once."""
    queues: list[Queue[Any]] = [Queue(maxsize=1) for _ in range(threads)]
    stop = threading.Event()

    def hand(queue: Queue[Any], item: Any) -> bool:
        """``item`` handed to the caller; ``False`` once the caller has stopped."""
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.5)
                return True
            except Full:
                continue
        return False

    def work(queue: Queue[Any], mine: Sequence[tuple[int, int]]) -> None:
        try:
            with _adbc() as conn, conn.cursor() as cursor:
                # a range's members by their index, person by person: never a scan of every
                # person of the registry for each range (the plan PostgreSQL picks otherwise);
                # and no JIT compilation of that plan (about 1 s a range, for nothing)
                cursor.execute("SET enable_hashjoin = off")
                cursor.execute("SET enable_mergejoin = off")
                cursor.execute("SET jit = off")
                for item in _computed(mine, library, as_of, variables, columns, cursor, encode):
                    if not hand(queue, item):
                        return
        except BaseException as exc:  # handed to the caller, raised there
            hand(queue, exc)

    pool = [
        threading.Thread(
            target=work, args=(queue, ranges[k::threads]), name=f"insaf-bulk-{k}", daemon=True
        )
        for k, queue in enumerate(queues)
    ]
    for thread in pool:
        thread.start()
    try:
        for k in range(len(ranges)):
            item = queues[k % threads].get()
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()  # a thread waiting to hand over a range sees it within half a second
        for thread in pool:
            thread.join()


def determine_all(
    *,
    actor: Actor,
    rulesets: Sequence[m.Ruleset],
    as_of: dt.date,
    chunk: int = 250_000,
    threads: int = 2,
    say: Callable[[str], None] = lambda _: None,
) -> BulkReport:
    """Determine every household under each ruleset and store every determination (notes);
    on PostgreSQL ``threads`` threads read and compute ranges while the caller stores."""
    access.require(access.can_change(actor), "a registry officer runs determinations")
    for row in rulesets:
        access.require(
            row.in_force(as_of), f"ruleset {row} is not approved and in force on {as_of}"
        )
    if chunk < 1:
        raise ValueError("chunk must be at least 1 household")
    if threads < 1:
        raise ValueError("threads must be at least 1")
    library = [library_ruleset(row) for row in rulesets]
    for ruleset in library:
        check_date(ruleset, as_of)
    variables = variables_read(library)
    report = BulkReport(by_programme={str(row.programme): 0 for row in rulesets})
    bounds = m.Household.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    ranges = (
        [(low, low + chunk) for low in range(first, last + 1, chunk)]
        if first is not None and last is not None
        else []
    )
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        hold_references()
        columns = known_columns(as_of, variables)
        deferred = _set_aside() if postgres else []
        computed = (
            _ahead(
                ranges, library, as_of, variables, columns,
                lambda k, frame: _copied(frame, rulesets[k], as_of, now), threads,
            )
            if postgres
            else _computed(ranges, library, as_of, variables, columns, None, None)
        )  # fmt: skip
        # closed when storing fails, not when the failure is collected: the reading thread
        # stops and its connection (a transaction open on the registry) closes at once
        with closing(computed):
            for part in computed:
                report.seconds["read"] += part.read
                if not part.parts:
                    continue
                report.seconds["compute"] += part.compute
                started = time.perf_counter()
                for row, rows, count in zip(rulesets, part.parts, part.counts, strict=True):
                    _store(rows, row, as_of, now)
                    report.stored += count
                    report.by_programme[str(row.programme)] += count
                report.seconds["store"] += time.perf_counter() - started
                say(f"households {part.low:,} to {part.high - 1:,}: {report.stored:,} stored")
        started = time.perf_counter()
        _restore(deferred)
        report.seconds["index"] = time.perf_counter() - started
        for row in rulesets:
            services.record_change(
                actor=actor,
                action="registry.determined",
                object_type="ruleset",
                object_id=str(row),
                summary=f"{report.by_programme[str(row.programme)]} households as of {as_of} "
                "(bulk run)",
            )
    return report
