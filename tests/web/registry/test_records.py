"""Determinations are immutable; rulesets need a checker other than their maker."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import IntegrityError, connection, transaction
from tests.web.registry.conftest import Small

from insaf.web.registry import models as m


@pytest.fixture
def decided(small: Small) -> m.Determination:
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    ruleset = m.Ruleset.objects.create(
        programme=programme, version=1, text="-", content_hash="c" * 64,
        effective_from=dt.date(2024, 1, 1), legal_reference="-", drafted_by=small.officer,
    )  # fmt: skip
    return m.Determination.objects.create(
        household=small.north, ruleset=ruleset, as_of=dt.date(2024, 6, 1), eligible=False,
        amount=0.0, pmt_score=61.5, input_hash=bytes(range(32)), hash=bytes(range(32, 64)),
    )  # fmt: skip


def test_a_determination_is_never_changed_or_deleted_through_the_models(
    decided: m.Determination,
) -> None:
    decided.eligible = True
    with pytest.raises(m.Immutable):
        decided.save()
    with pytest.raises(m.Immutable):
        decided.delete()
    with pytest.raises(m.Immutable):
        m.Determination.objects.filter(pk=decided.pk).update(eligible=True)
    with pytest.raises(m.Immutable):
        m.Determination.objects.filter(pk=decided.pk).delete()
    assert m.Determination.objects.get(pk=decided.pk).eligible is False


def test_the_database_refuses_an_update_of_a_determination(decided: m.Determination) -> None:
    table = m.Determination._meta.db_table
    with (
        pytest.raises(Exception, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET eligible = %s WHERE id = %s", [True, decided.pk])
    assert m.Determination.objects.get(pk=decided.pk).eligible is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a DELETE trigger on PostgreSQL only")
def test_postgresql_refuses_a_delete_of_a_determination(decided: m.Determination) -> None:
    table = m.Determination._meta.db_table
    with (
        pytest.raises(Exception, match="never changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [decided.pk])
    assert m.Determination.objects.filter(pk=decided.pk).exists()


def test_the_database_refuses_a_ruleset_approved_by_its_drafter(decided: m.Determination) -> None:
    ruleset = decided.ruleset
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Ruleset.objects.filter(pk=ruleset.pk).update(approved_by=ruleset.drafted_by)


def _bare_household(code: str) -> m.Household:
    """A household nothing else names, which the database lets go."""
    return m.Household.objects.create(
        code=code, governorate="north", registered_on=dt.date(2024, 1, 1)
    )


def _delete_raw(table: str, pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_the_models_keep_what_a_determination_names(decided: m.Determination) -> None:
    from django.db.models import ProtectedError

    for row in (decided.household, decided.ruleset):
        with pytest.raises(ProtectedError) as refused, transaction.atomic():
            row.delete()
        assert decided in refused.value.protected_objects
    assert m.Household.objects.filter(pk=decided.household_id).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers on PostgreSQL only")
def test_the_database_keeps_what_a_determination_names(decided: m.Determination) -> None:
    # no foreign key is checked as determinations are stored (migration 0008): triggers on the
    # household and the ruleset refuse their deletion, or a change of their id, instead
    for table, pk in (
        (m.Household._meta.db_table, decided.household_id),
        (m.Ruleset._meta.db_table, decided.ruleset_id),
    ):
        with pytest.raises(Exception, match="named by determinations"):
            _delete_raw(table, pk)
        with (
            pytest.raises(Exception, match="named by determinations"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [pk + 1000, pk])
    assert m.Household.objects.filter(pk=decided.household_id).exists()
    assert m.Ruleset.objects.filter(pk=decided.ruleset_id).exists()
    # an update of the id column that keeps the id passes (the trigger fires and lets it),
    # and what no determination names goes
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {m.Household._meta.db_table} SET id = id, governorate = 'south' WHERE id = %s",
            [decided.household_id],
        )
    assert m.Household.objects.get(pk=decided.household_id).governorate == "south"
    bare = _bare_household("BARE-1")
    _delete_raw(m.Household._meta.db_table, bare.pk)
    assert not m.Household.objects.filter(pk=bare.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_deletion_waits_for_the_determinations_being_stored(small: Small) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite takes one writer at a time)")
    import threading

    from insaf.web.registry.engine import hold_references

    household = _bare_household("BARE-2")
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    ruleset = m.Ruleset.objects.create(
        programme=programme, version=1, text="-", content_hash="c" * 64,
        effective_from=dt.date(2024, 1, 1), legal_reference="-", drafted_by=small.officer,
    )  # fmt: skip
    stored, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def store() -> None:  # a writer: holds the lock, stores, and commits only when told
        try:
            with transaction.atomic():
                hold_references()
                m.Determination.objects.create(
                    household=household, ruleset=ruleset, as_of=dt.date(2024, 6, 1),
                    eligible=False, amount=0.0, input_hash=bytes(32), hash=bytes(32),
                )  # fmt: skip
                stored.set()
                assert go.wait(20)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def delete() -> None:  # the household is not yet named by any committed determination
        try:
            _delete_raw(m.Household._meta.db_table, household.pk)
        except BaseException as error:  # the refusal, expected
            errors.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=store)
    writer.start()
    assert stored.wait(20)
    deleter = threading.Thread(target=delete)
    deleter.start()
    with connection.cursor() as cursor:  # the deletion waits on the writer's lock
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if cursor.fetchone()[0] == 1:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the deletion did not wait for the writer")
    go.set()
    writer.join(30)
    deleter.join(30)
    assert len(errors) == 1 and "named by determinations" in str(errors[0]), errors
    assert m.Household.objects.filter(pk=household.pk).exists()
    assert m.Determination.objects.filter(household=household).count() == 1
