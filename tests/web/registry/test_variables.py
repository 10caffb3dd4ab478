"""The registry's variables (``Variable``) are kept by the database as observations are written,
on SQLite and on PostgreSQL, and give the library's columns on a date."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection
from django.utils import timezone
from tests.web.registry.conftest import Small

from insaf.web.registry import engine
from insaf.web.registry import models as m


def _kept() -> set[tuple[str, str, bool, dt.date]]:
    return set(m.Variable.objects.values_list("unit", "variable", "text", "first_observed"))


def _from_observations() -> set[tuple[str, str, bool, dt.date]]:
    """The same, found among every observation (what the triggers spare a request)."""
    found: dict[tuple[str, str], tuple[bool, dt.date]] = {}
    for person, variable, text, observed in m.Observation.objects.values_list(
        "person_id", "variable", "text", "observed_on"
    ):
        key = ("household" if person is None else "person", variable)
        was_text, first = found.get(key, (False, observed))
        found[key] = (was_text or text != "", min(first, observed))
    return {(*key, text, first) for key, (text, first) in found.items()}


def test_the_database_keeps_the_variables_observed(small: Small) -> None:
    person = m.Person.objects.filter(memberships__household=small.north).order_by("pk")[0]
    add = m.Observation.objects.create
    add(household=small.north, variable="rooms", value=3.0, source="survey",
        observed_on=dt.date(2024, 3, 1))  # fmt: skip
    kept = _kept()
    assert kept == _from_observations()
    assert ("household", "rooms", False, dt.date(2024, 3, 1)) in kept
    # an earlier observation moves the first date back; a later one leaves it
    add(household=small.south, variable="rooms", value=2.0, source="survey",
        observed_on=dt.date(2023, 5, 1))  # fmt: skip
    add(household=small.south, variable="rooms", value=4.0, source="survey",
        observed_on=dt.date(2025, 1, 1))  # fmt: skip
    # a person's variable is another row than a household's of the same name; a text marks it
    own = add(household=small.north, person=person, variable="rooms", value=1.0,
                source="self_declared", observed_on=dt.date(2024, 1, 1))  # fmt: skip
    many = [
        m.Observation(household=small.north, variable="water", text="piped",
                      source="survey", observed_on=dt.date(2024, 2, 1)),
        m.Observation(household=small.south, variable="water", text="well",
                      source="survey", observed_on=dt.date(2022, 2, 1)),
    ]  # fmt: skip
    m.Observation.objects.bulk_create(many)  # one statement on PostgreSQL
    # an update counts as an observation written
    m.Observation.objects.filter(pk=own.pk).update(value=None, text="two")
    if connection.vendor == "postgresql":  # an import by COPY: one statement, its rows
        columns = "household_id, variable, value, text, source, observed_on, verification, "
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {m.Observation._meta.db_table} ({columns} recorded_at) FROM STDIN"
            ) as copy,
        ):
            for day in (9, 3):
                copy.write_row([small.north.pk, "fuel", None, "gas", "survey",
                                dt.date(2021, 1, day), "verified", timezone.now()])  # fmt: skip
    kept = _kept()
    assert kept == _from_observations()
    assert ("household", "rooms", False, dt.date(2023, 5, 1)) in kept
    assert ("person", "rooms", True, dt.date(2024, 1, 1)) in kept
    assert ("household", "water", True, dt.date(2022, 2, 1)) in kept


def test_the_columns_on_a_date_are_the_variables_observed_by_then(small: Small) -> None:
    add = m.Observation.objects.create
    add(household=small.north, variable="rooms", value=3.0, source="survey",
        observed_on=dt.date(2024, 3, 1))  # fmt: skip
    add(household=small.south, variable="water", text="well", source="survey",
        observed_on=dt.date(2022, 2, 1))  # fmt: skip
    before = engine.known_columns(dt.date(2024, 2, 29))
    after = engine.known_columns(dt.date(2024, 3, 1))
    assert before["household"].get("water") == pl.String()
    assert "rooms" not in before["household"] and after["household"]["rooms"] == pl.Float64()
    assert set(engine.known_columns(dt.date(2024, 3, 1), ["rooms"])["household"]) == {"rooms"}


def test_after_a_load_with_the_triggers_off_the_variables_are_rebuilt(small: Small) -> None:
    m.Observation.objects.create(household=small.south, variable="water", text="well",
                                 source="survey", observed_on=dt.date(2022, 2, 1))  # fmt: skip
    m.Variable.objects.all().delete()  # as a load with session_replication_role = replica
    assert not _kept()
    engine.rebuild_variables()
    assert _kept() == _from_observations()
    assert ("household", "water", True, dt.date(2022, 2, 1)) in _kept()
