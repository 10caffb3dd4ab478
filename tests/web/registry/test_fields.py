"""``JSONText``: JSON kept as the text written (a determination's trace and reasons)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from tests.web.registry.conftest import Small

from insaf.web.registry import models as m


@pytest.fixture
def ruleset(small: Small) -> m.Ruleset:
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    return m.Ruleset.objects.create(
        programme=programme, version=1, text="-", content_hash="c" * 64,
        effective_from=dt.date(2024, 1, 1), legal_reference="-", drafted_by=small.officer,
    )  # fmt: skip


def _stored(small: Small, ruleset: m.Ruleset, **values: object) -> m.Determination:
    return m.Determination.objects.create(
        household=small.north, ruleset=ruleset, as_of=dt.date(2024, 6, 1), eligible=False,
        amount=0.0, input_hash=bytes(32), hash=bytes(32), **values,
    )  # fmt: skip


def _raw(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT trace, reasons FROM registry_determination WHERE id = %s", [pk])
        return cursor.fetchone()


def test_a_text_is_stored_as_written_and_read_back_parsed(small: Small, ruleset: m.Ruleset) -> None:
    text = '{"format":2,"values":[1.5,null],"inputs":[]}'
    d = _stored(small, ruleset, trace=text, reasons=["a.met", "b.not_met"])
    assert _raw(d.pk) == (text, '["a.met","b.not_met"]')
    again = m.Determination.objects.get(pk=d.pk)
    assert again.trace == {"format": 2, "values": [1.5, None], "inputs": []}
    assert again.reasons == ["a.met", "b.not_met"]
    # keys keep the order they were written in (jsonb would sort them)
    assert list(json.loads(_raw(d.pk)[0])) == ["format", "values", "inputs"]


def test_broken_json_and_nan_are_refused(small: Small, ruleset: m.Ruleset) -> None:
    with pytest.raises(json.JSONDecodeError), transaction.atomic():
        _stored(small, ruleset, trace='{"format": 2,')
    with pytest.raises(ValueError, match="not JSON compliant"), transaction.atomic():
        _stored(small, ruleset, trace={"values": [float("nan")]})
    assert not m.Determination.objects.exists()
