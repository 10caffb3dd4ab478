"""A bulk run stores, for every household, the row that one household's determination stores."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from insaf.web.registry import bulk, engine, explain
from insaf.web.registry import models as m
from insaf.web.registry.access import NotAllowed
from insaf.web.registry.demo import AS_OF, load_demo

FIELDS = ("eligible", "amount", "pmt_score", "reasons", "trace", "input_hash", "hash")


@pytest.fixture
def demo(transactional_db: Any) -> User:  # the bulk run reads what is committed
    load_demo(households=100, seed=5)
    return User.objects.get(username="registry-officer")


def _rows(ids: list[int]) -> dict[tuple[int, int], tuple[Any, ...]]:
    rows = m.Determination.objects.filter(pk__in=ids).values_list(
        "household_id", "ruleset_id", *FIELDS
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_bulk_and_single_give_the_same_rows_and_hashes(demo: User) -> None:
    rulesets = list(m.Ruleset.objects.order_by("programme"))
    # the demo determined every household one request at a time (engine.determine)
    single = list(
        m.Determination.objects.filter(as_of=AS_OF, supersedes__isnull=True).values_list(
            "pk", flat=True
        )
    )
    before = m.Determination.objects.count()
    out = io.StringIO()
    call_command(
        "determine_registry", "--as-of", AS_OF.isoformat(), "--by", demo.username,
        "--chunk", "7", stdout=out,
    )  # fmt: skip
    households = m.Household.objects.count()
    stored = m.Determination.objects.count() - before
    assert stored == 3 * households
    made = list(m.Determination.objects.order_by("-pk").values_list("pk", flat=True)[:stored])
    one, many = _rows(single), _rows(made)
    assert len(one) == len(many) == 3 * households
    assert one == many
    # the date and the time stored by COPY's binary format on PostgreSQL, as the ORM reads them
    dates = m.Determination.objects.filter(pk__in=made).values_list("as_of", "created_at")
    assert {d for d, _ in dates} == {AS_OF}
    assert all(abs(timezone.now() - at) < dt.timedelta(minutes=10) for _, at in dates)
    for ruleset in rulesets:  # each programme pays some households and refuses others
        assert {row[0] for (_, r), row in many.items() if r == ruleset.pk} == {True, False}

    # a stored row of the run is explained in plain language, and never changed
    d = m.Determination.objects.get(pk=max(made), ruleset__programme__code="disability")
    with translation.override("en"):
        (line,) = explain.lines(d, language="en")
    assert line.expression == "COALESCE(disability, 0) = 1"
    assert line.holds is d.eligible is (line.value > 0)
    members = m.Membership.objects.filter(household=d.household).count()
    assert len(line.inputs) == members and {i.variable for i in line.inputs} == {"disability"}
    assert d.amount == 60.0 * sum(1 for i in line.inputs if i.value == 1.0)
    table = m.Determination._meta.db_table
    with (
        pytest.raises(Exception, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET eligible = NOT eligible WHERE id = %s", [d.pk])


def test_a_later_date_and_refusals(demo: User) -> None:
    cash = m.Ruleset.objects.get(programme__code="cash")
    household = m.Household.objects.order_by("pk").first()
    assert household is not None
    m.Observation.objects.create(
        household=household, variable="pmt_score", value=1.0, source="administrative",
        observed_on=dt.date(2024, 7, 1), verification="verified",
    )  # fmt: skip
    later = dt.date(2024, 7, 2)
    report = bulk.determine_all(actor=demo, rulesets=[cash], as_of=later)
    assert report.by_programme == {"cash": m.Household.objects.count()}
    stored = m.Determination.objects.get(ruleset=cash, household=household, as_of=later)
    assert stored.eligible and stored.trace["inputs"][0]["value"] == [1.0]
    assert stored.trace["inputs"][0]["observed"] == "2024-07-01"
    (single,) = engine.determine(actor=demo, ruleset=cash, as_of=later, households=[household])
    assert (single.hash, single.input_hash, single.trace) == (
        stored.hash,
        stored.input_hash,
        stored.trace,
    )
    caseworker = User.objects.get(username="caseworker-1")
    with pytest.raises(NotAllowed):
        bulk.determine_all(actor=caseworker, rulesets=[cash], as_of=AS_OF)
    with pytest.raises(NotAllowed, match="in force"):
        bulk.determine_all(actor=demo, rulesets=[cash], as_of=dt.date(2023, 6, 1))
    with pytest.raises(CommandError, match="nobody"):
        call_command("determine_registry", "--as-of", "2024-06-01", "--by", "nobody")
    with pytest.raises(CommandError, match="housing"):
        call_command(
            "determine_registry", "--as-of", "2024-06-01", "--by", demo.username,
            "--programme", "housing",
        )  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes set aside on PostgreSQL")
def test_a_fresh_run_builds_the_indexes_again_and_stores_the_same_rows(demo: User) -> None:
    table = m.Determination._meta.db_table
    ids = m.Determination.objects.filter(as_of=AS_OF, supersedes__isnull=True)
    single = _rows(list(ids.values_list("pk", flat=True)))

    def indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "ORDER BY indexname",
                [table],
            )
            return cursor.fetchall()

    before = indexes()
    assert len(before) >= 3
    with connection.cursor() as cursor:  # the table emptied: the next run is a fresh one
        cursor.execute(f"TRUNCATE {table} CASCADE")
    rulesets = list(m.Ruleset.objects.order_by("programme"))
    report = bulk.determine_all(actor=demo, rulesets=rulesets, as_of=AS_OF, chunk=30)
    assert report.stored == len(single) == 3 * m.Household.objects.count()
    assert indexes() == before
    made = _rows(list(m.Determination.objects.values_list("pk", flat=True)))
    assert made == single


def test_a_run_that_fails_to_store_stops_reading_and_stores_nothing(
    demo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = m.Determination.objects.count()
    stored: list[int] = []

    def failing(part: Any, *args: Any) -> None:
        stored.append(len(part))
        if len(stored) == 2:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk, "_store", failing)
    rulesets = list(m.Ruleset.objects.order_by("programme"))
    with pytest.raises(RuntimeError, match="disk is full") as failed:
        bulk.determine_all(actor=demo, rulesets=rulesets, as_of=AS_OF, chunk=7)
    # while the failure (and its traceback) is still held, the thread reading ahead has
    # stopped: its connection no longer holds the registry open
    assert failed.value is not None
    assert "insaf-bulk-compute" not in {t.name for t in threading.enumerate()}
    assert len(stored) == 2 and m.Determination.objects.count() == before


def test_a_household_nobody_in_was_observed_on_a_variable_is_determined_as_in_the_whole_run(
    demo: User,
) -> None:
    # nobody in one household was assessed for a disability: alone (one household on
    # request, or a range of one household) it is laid out as in the whole registry, with
    # the variable there and empty, and not refused for lacking it
    ruleset = m.Ruleset.objects.get(programme__code="disability")
    household = m.Household.objects.order_by("pk")[3]
    removed, _ = m.Observation.objects.filter(household=household, variable="disability").delete()
    assert removed
    (one,) = engine.determine(actor=demo, ruleset=ruleset, as_of=AS_OF, households=[household])
    assert not one.eligible and one.amount == 0.0
    before = m.Determination.objects.order_by("-pk").values_list("pk", flat=True).first()
    bulk.determine_all(actor=demo, rulesets=[ruleset], as_of=AS_OF, chunk=1)
    (again,) = m.Determination.objects.filter(pk__gt=before, household=household)
    assert _rows([again.pk]) == _rows([one.pk])
    inputs = one.trace["inputs"]
    assert {i["variable"] for i in inputs} == {"disability"}
    assert all(v is None for i in inputs for v in i["value"])
