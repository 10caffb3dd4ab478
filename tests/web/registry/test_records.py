"""Determinations are immutable; rulesets need a checker other than their maker."""

from __future__ import annotations

import datetime as dt

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
