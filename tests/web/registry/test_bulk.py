"""A bulk run stores, for every household, the row that one household's determination stores."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import translation

from insaf.web.registry import bulk, engine, explain
from insaf.web.registry import models as m
from insaf.web.registry.access import NotAllowed
from insaf.web.registry.demo import AS_OF, load_demo

FIELDS = ("eligible", "amount", "pmt_score", "reasons", "trace", "input_hash", "hash")


@pytest.fixture
def demo(db: Any) -> User:
    load_demo(households=100, seed=5)
    return User.objects.get(username="registry-officer")


def _rows(ids: list[int]) -> dict[tuple[int, int], tuple[Any, ...]]:
    rows = m.Determination.objects.filter(pk__in=ids).values_list(
        "household_id", "ruleset_id", *FIELDS
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_bulk_and_single_give_the_same_rows_and_hashes(demo: User) -> None:
    rulesets = list(m.Ruleset.objects.order_by("programme"))
    single = list(
        m.Determination.objects.filter(as_of=AS_OF, supersedes__isnull=True).values_list(
            "pk", flat=True
        )
    )
    before = m.Determination.objects.count()
    report = bulk.determine_all(actor=demo, rulesets=rulesets, as_of=AS_OF, chunk=7)
    households = m.Household.objects.count()
    assert report.stored == 3 * households == m.Determination.objects.count() - before
    assert report.by_programme == {"cash": households, "child": households, "disability": households}
    made = list(m.Determination.objects.order_by("-pk").values_list("pk", flat=True)[: report.stored])
    one, many = _rows(single), _rows(made)
    assert len(one) == len(many) == 3 * households
    assert one == many
    # the run is not empty of decisions: some households are paid by each programme
    for ruleset in rulesets:
        assert any(row[0] for (_, r), row in many.items() if r == ruleset.pk)


def test_a_bulk_row_is_explained_and_immutable(demo: User) -> None:
    cash = m.Ruleset.objects.get(programme__code="cash")
    bulk.determine_all(actor=demo, rulesets=[cash], as_of=AS_OF)
    d = m.Determination.objects.filter(ruleset=cash).order_by("-pk").first()
    assert d is not None
    with translation.override("en"):
        (line,) = explain.lines(d, language="en")
    (used,) = line.inputs
    assert line.expression == "pmt_score < 4.9" and line.holds is (used.value < 4.9) is d.eligible
    assert used.variable == "pmt_score" and used.source == "survey"  # as labelled
    assert used.observed == "2024-01-15" and used.verification == "verified"
    table = m.Determination._meta.db_table
    with (
        pytest.raises(Exception, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET eligible = NOT eligible WHERE id = %s", [d.pk])


def test_a_later_date_reads_the_observation_of_that_date(demo: User) -> None:
    cash = m.Ruleset.objects.get(programme__code="cash")
    household = m.Household.objects.order_by("pk").first()
    assert household is not None
    m.Observation.objects.create(
        household=household, variable="pmt_score", value=1.0, source="administrative",
        observed_on=dt.date(2024, 7, 1), verification="verified",
    )  # fmt: skip
    later = dt.date(2024, 7, 2)
    bulk.determine_all(actor=demo, rulesets=[cash], as_of=later)
    stored = m.Determination.objects.get(ruleset=cash, household=household, as_of=later)
    assert stored.eligible and stored.trace["inputs"][0]["value"] == [1.0]
    (single,) = engine.determine(actor=demo, ruleset=cash, as_of=later, households=[household])
    assert (single.hash, single.input_hash, single.trace) == (
        stored.hash,
        stored.input_hash,
        stored.trace,
    )


def test_refusals(demo: User) -> None:
    cash = m.Ruleset.objects.get(programme__code="cash")
    caseworker = User.objects.get(username="caseworker-1")
    with pytest.raises(NotAllowed):
        bulk.determine_all(actor=caseworker, rulesets=[cash], as_of=AS_OF)
    with pytest.raises(NotAllowed, match="in force"):
        bulk.determine_all(actor=demo, rulesets=[cash], as_of=dt.date(2023, 6, 1))
