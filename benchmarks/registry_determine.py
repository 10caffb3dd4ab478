"""Benchmark: a determination run of three programmes over a registry of 5,000,000 households.

    python benchmarks/registry_determine.py build [--households 5000000]
    python benchmarks/registry_determine.py run [--singles 200] [--peer] [--chunk N] [--threads N]

Targets (issue 13), on PostgreSQL: the run of the three demo programmes stores
every determination in under 2 minutes; one household's determination on
request takes under 50 ms; peak memory stays under 8 GB.

``build`` (not timed with the run) fills the database ``bench_registry``
(``BENCH_DATABASE_URL`` overrides it) with the synthetic country's households,
100,000 at a time (``insaf.survey.synth``, one seed per batch), written by
``COPY``: each household with its governorate, each member with a made-up
Arabic name, a national identifier, a birth date giving the survey's age,
a membership with the relation to the head; observations of the PMT score
(survey, verified; about a tenth reassessed on 1 March 2024 by an
administrative record), of the household's self-declared income (which the
programmes do not read) and of each member's disability (administrative,
where the survey asked it). It then drafts and approves the three demo
programmes (``insaf/registry/demo``) as the platform does.

``run`` empties the determinations (``TRUNCATE``: the database is the
benchmark's own), then times ``insaf.web.registry.bulk.determine_all`` as of
1 June 2024 (read, computed, every determination stored by ``COPY`` in one
transaction), and reports rows a second, peak memory (``ru_maxrss``), and
the load average; then 200 households drawn at random each determined on
request under the three programmes (``engine.determine``: read, computed,
stored, enrolment followed), the median and 95th percentile. ``--peer``
times the same eligibility and amounts written as one ``INSERT ... SELECT``
inside PostgreSQL (no trace, no hashes), into a scratch table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_registry")
AS_OF = dt.date(2024, 6, 1)
OBSERVED = dt.date(2024, 1, 15)
REASSESSED = dt.date(2024, 3, 1)
BATCH = 100_000
TABLES = ("registry_household", "registry_person", "registry_membership", "registry_observation")


def setup() -> None:
    """Django on the benchmark's database (created if missing), migrated."""
    import psycopg

    name = URL.rsplit("/", 1)[1]
    base = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.web.settings")
    os.environ.setdefault("INSAF_DATA", str(Path("/tmp") / f"insaf-bench-{name}"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def _csv(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="")
    return buffer.getvalue()


def _copy(cursor: object, table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
        copy.write(_csv(frame))


def _batch(k: int, hh_offset: int, person_offset: int, now: dt.datetime) -> dict[str, pl.DataFrame]:
    """One batch of households of the synthetic country as the platform's rows."""
    from insaf.registry.names import normalise_arabic
    from insaf.survey.synth import synthesize
    from insaf.web.registry.demo import FAMILIES, MEN, RELATIONS, WOMEN

    survey = synthesize(BATCH, seed=1000 + k, year=AS_OF.year)
    assert survey.households is not None and survey.persons is not None
    hh = (
        survey.households.frame.select("hhid", "governorate", "pmt_score", "income")
        .sort("hhid")
        .with_row_index("row")
        .with_columns(id=pl.col("row").cast(pl.Int64) + hh_offset + 1)
    )
    households = hh.select(
        "id",
        code=pl.format("HH-{}", pl.col("id").cast(pl.String).str.zfill(8)),
        governorate=pl.col("governorate").cast(pl.String),
        locality=pl.lit(""),
        registered_on=pl.lit(OBSERVED),
    )
    people = (
        survey.persons.frame.select("pid", "hhid", "relationship", "sex", "age", "disability")
        .sort("pid")
        .with_row_index("row")
        .with_columns(id=pl.col("row").cast(pl.Int64) + person_offset + 1)
        .join(hh.select("hhid", household_id="id"), on="hhid")
        .sort("id")
    )
    rng = np.random.default_rng(k)
    n = people.height
    given = np.where(
        people.get_column("sex").to_numpy() == 2,
        np.array(WOMEN, dtype=object)[rng.integers(0, len(WOMEN), n)],
        np.array(MEN, dtype=object)[rng.integers(0, len(MEN), n)],
    )
    father = np.array(MEN, dtype=object)[rng.integers(0, len(MEN), n)]
    family = np.array(FAMILIES, dtype=object)[people.get_column("household_id").to_numpy() % 8]
    names = pl.Series([f"{a} {b} {c}" for a, b, c in zip(given, father, family, strict=True)])
    keys = {s: normalise_arabic(s) for s in names.unique().to_list()}
    persons = people.select(
        "id",
        code=pl.format("P-{}", pl.col("id").cast(pl.String).str.zfill(9)),
        national_id=pl.format(
            "{}{}9",
            pl.when(pl.col("sex") == 1).then(pl.lit("2")).otherwise(pl.lit("3")),
            (pl.col("id") * 7919 % 10**12).cast(pl.String).str.zfill(12),
        ),
        name=names,
        name_key=names.replace_strict(keys, return_dtype=pl.String),
        birth_date=pl.date(AS_OF.year - pl.col("age").cast(pl.Int32), 1, 1),
        sex=pl.when(pl.col("sex") == 2).then(pl.lit("F")).otherwise(pl.lit("M")),
    )
    memberships = people.select(
        id="id",
        person_id="id",
        household_id="household_id",
        relation=pl.col("relationship").replace_strict(
            RELATIONS, default="other", return_dtype=pl.String
        ),
        start=pl.lit(OBSERVED),
        end=pl.lit(None, pl.Date),
    )
    reassessed = hh.filter(pl.Series(rng.random(hh.height) < 0.1))
    observations = pl.concat(
        [
            hh.select(
                household_id="id", person_id=pl.lit(None, pl.Int64),
                variable=pl.lit("pmt_score"), value=pl.col("pmt_score").cast(pl.Float64),
                source=pl.lit("survey"), observed_on=pl.lit(OBSERVED),
                verification=pl.lit("verified"),
            ),
            reassessed.select(
                household_id="id", person_id=pl.lit(None, pl.Int64),
                variable=pl.lit("pmt_score"),
                value=(pl.col("pmt_score") + pl.Series(rng.normal(0, 0.25, reassessed.height)))
                .round(4),
                source=pl.lit("administrative"), observed_on=pl.lit(REASSESSED),
                verification=pl.lit("verified"),
            ),
            hh.select(
                household_id="id", person_id=pl.lit(None, pl.Int64),
                variable=pl.lit("income"), value=pl.col("income").cast(pl.Float64),
                source=pl.lit("self_declared"), observed_on=pl.lit(OBSERVED),
                verification=pl.lit("unverified"),
            ),
            people.filter(pl.col("disability").is_not_null()).select(
                household_id="household_id", person_id="id",
                variable=pl.lit("disability"), value=pl.col("disability").cast(pl.Float64),
                source=pl.lit("administrative"), observed_on=pl.lit(OBSERVED),
                verification=pl.lit("verified"),
            ),
        ]
    ).filter(pl.col("value").is_not_null()).with_columns(
        text=pl.lit(""), recorded_at=pl.lit(now)
    )  # fmt: skip
    return {
        "registry_household": households,
        "registry_person": persons,
        "registry_membership": memberships,
        "registry_observation": observations,
    }


def _programmes() -> None:
    """The three demo programmes, drafted by one registry officer and approved by another."""
    from django.contrib.auth.models import User

    from insaf.web.core.roles import Role
    from insaf.web.core.services import assign_role
    from insaf.web.registry import models as m
    from insaf.web.registry import services
    from insaf.web.registry.demo import PROGRAMMES, RULES

    users = []
    for name in ("bench-officer", "bench-director"):
        user, created = User.objects.get_or_create(username=name)
        if created:
            assign_role(actor=None, user=user, role=Role.REGISTRY_OFFICER)
        users.append(user)
    text = RULES.read_text(encoding="utf-8")
    for code, instrument, name_ar, name_en, legal in PROGRAMMES:
        if m.Programme.objects.filter(code=code).exists():
            continue
        programme = m.Programme.objects.create(code=code, name_ar=name_ar, name_en=name_en)
        drafted = services.draft_ruleset(
            actor=users[0], programme=programme, version=1, text=text, instruments=[instrument],
            effective_from=dt.date(2024, 1, 1), legal_reference=legal,
        )  # fmt: skip
        services.approve_ruleset(actor=users[1], ruleset=drafted)


def build(households: int) -> None:
    from django.db import connection

    setup()
    batches = -(-households // BATCH)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_household")
        have = c.fetchone()[0]
    if have == batches * BATCH:
        print(f"bench_registry already holds {have:,} households")
    else:
        with connection.cursor() as c:
            c.execute(
                "TRUNCATE registry_household, registry_person, registry_membership, "
                "registry_observation, registry_determination, registry_enrolment CASCADE"
            )
        raw = connection.connection
        assert raw is not None
        with connection.cursor() as c:  # indexes are built once at the end, not row by row
            c.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                (list(TABLES),),
            )
            indexes = c.fetchall()
            for name, _ in indexes:
                c.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        person_offset = 0
        for k in range(batches):
            tables = _batch(k, k * BATCH, person_offset, now)
            person_offset += tables["registry_person"].height
            with raw.transaction(), raw.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
                for table, frame in tables.items():
                    _copy(cursor, table, frame)
            print(
                f"batch {k + 1}/{batches}: {(k + 1) * BATCH:,} households, "
                f"{person_offset:,} persons, {time.perf_counter() - started:.0f} s, {load()}",
                flush=True,
            )
        with connection.cursor() as c:
            c.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                c.execute(definition)
            print(f"indexes built: {time.perf_counter() - started:.0f} s", flush=True)
            for table in ("household", "person", "membership", "observation"):
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('registry_{table}', 'id'), "
                    f"(SELECT max(id) FROM registry_{table}))"
                )
            c.execute("ANALYZE")
        # the loads ran with the triggers off (session_replication_role): the registry's
        # variables, which a trigger keeps as observations are written, are written here
        from insaf.web.registry.engine import rebuild_variables

        rebuild_variables()
        print(f"registry variables: {time.perf_counter() - started:.0f} s", flush=True)
    _programmes()
    with connection.cursor() as c:
        for table in ("household", "person", "observation"):
            c.execute(f"SELECT count(*) FROM registry_{table}")
            print(f"registry_{table}: {c.fetchone()[0]:,} rows")


def _say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}; peak RSS {peak_rss_mb():,.0f} MB", flush=True)


def run(singles: int, peer: bool, chunk: int, threads: int) -> None:
    setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from insaf.web.registry import bulk, engine
    from insaf.web.registry import models as m

    officer = User.objects.get(username="bench-officer")
    rulesets = list(m.Ruleset.objects.filter(approved_by__isnull=False).order_by("programme"))
    with connection.cursor() as c:
        c.execute("TRUNCATE registry_determination CASCADE")
        c.execute("SELECT count(*) FROM registry_household")
        n = c.fetchone()[0]
    print(
        f"{n:,} households, {len(rulesets)} programmes, as of {AS_OF}; ranges of {chunk:,} "
        f"households, {threads} thread(s) reading and computing; {load()}"
    )
    if peer:
        run_peer()
    started = time.perf_counter()
    report = bulk.determine_all(
        actor=officer, rulesets=rulesets, as_of=AS_OF, chunk=chunk, threads=threads, say=_say
    )
    took = time.perf_counter() - started
    print(
        f"INSAF bulk run: {report.stored:,} determinations stored in {took:.1f} s "
        f"({report.stored / took:,.0f} a second); peak RSS {peak_rss_mb():,.0f} MB; {load()}"
    )
    for phase, seconds in report.seconds.items():
        print(f"  {phase}: {seconds:.1f} s")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM registry_determination")
        print(f"  rows in registry_determination: {c.fetchone()[0]:,}")

    ids = random.Random(5).sample(range(1, n + 1), singles)
    one: list[float] = []
    three: list[float] = []
    for k, hid in enumerate(ids):
        household = m.Household.objects.get(pk=hid)
        started = time.perf_counter()
        ruleset = rulesets[k % 3]
        engine.determine(actor=officer, ruleset=ruleset, as_of=AS_OF, households=[household])
        one.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for ruleset in rulesets:
            engine.determine(actor=officer, ruleset=ruleset, as_of=AS_OF, households=[household])
        three.append((time.perf_counter() - started) * 1000)
    for label, times in (("one programme", one), ("three programmes", three)):
        times.sort()
        print(
            f"one household on request, {label}: median {statistics.median(times):.1f} ms, "
            f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms over {len(times)} households; {load()}"
        )


PEER = """
CREATE UNLOGGED TABLE IF NOT EXISTS bench_peer_determination (
  household_id bigint, programme text, as_of date, eligible boolean, amount double precision,
  pmt_score double precision);
TRUNCATE bench_peer_determination;
WITH score AS (
  SELECT DISTINCT ON (household_id) household_id, value FROM registry_observation
  WHERE person_id IS NULL AND variable = 'pmt_score' AND observed_on <= %(d)s
  ORDER BY household_id, observed_on DESC, id DESC),
dis AS (
  SELECT DISTINCT ON (person_id) person_id, value FROM registry_observation
  WHERE person_id IS NOT NULL AND variable = 'disability' AND observed_on <= %(d)s
  ORDER BY person_id, observed_on DESC, id DESC),
members AS (
  SELECT ms.household_id, count(*) AS n,
         count(*) FILTER (WHERE p.birth_date > (%(d)s::date - interval '6 years')) AS under6,
         count(*) FILTER (WHERE COALESCE(dis.value, 0) = 1) AS disabled
  FROM registry_membership ms JOIN registry_person p ON p.id = ms.person_id
  LEFT JOIN dis ON dis.person_id = ms.person_id
  WHERE ms.start <= %(d)s AND (ms."end" IS NULL OR ms."end" > %(d)s)
  GROUP BY ms.household_id)
INSERT INTO bench_peer_determination
SELECT m.household_id, p.programme, %(d)s, p.amount > 0, p.amount, s.value
FROM members m LEFT JOIN score s USING (household_id)
CROSS JOIN LATERAL (VALUES
  ('cash', CASE WHEN s.value < 4.9 THEN least(40 + 14 * greatest(m.n - 1, 0), 124) ELSE 0 END),
  ('child', 15 * least(m.under6, 3)),
  ('disability', 60 * m.disabled)) AS p(programme, amount);
"""


def run_peer() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(PEER, {"d": AS_OF})
        c.execute("SELECT count(*) FROM bench_peer_determination")
        rows = c.fetchone()[0]
    took = time.perf_counter() - started
    print(
        f"peer, one INSERT ... SELECT in PostgreSQL (eligibility and amounts only): {rows:,} rows "
        f"in {took:.1f} s ({rows / took:,.0f} a second); {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--households", type=int, default=5_000_000)
    r = sub.add_parser("run")
    r.add_argument("--singles", type=int, default=200)
    r.add_argument("--chunk", type=int, default=250_000)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--peer", action="store_true")
    p = sub.add_parser("peer")
    args = parser.parse_args()
    if args.command == "build":
        build(args.households)
    elif args.command == "run":
        run(args.singles, args.peer, args.chunk, args.threads)
    elif p is not None:
        setup()
        run_peer()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
