"""Grievance codes: numbered in their year under a unique constraint, safe when two intakes
happen at the same moment (PostgreSQL, two connections)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from tests.web.registry.conftest import Small

from insaf.web.registry import models as m
from insaf.web.registry import services

AT = dt.datetime(2024, 6, 10, 9, tzinfo=dt.UTC)


def test_codes_count_within_their_year(small: Small) -> None:
    def lodge(at: dt.datetime) -> str:
        return services.lodge_grievance(
            actor=small.officer, household=small.north, kind="exclusion", description="-",
            received_at=at,
        ).code  # fmt: skip

    assert [lodge(AT), lodge(AT), lodge(AT.replace(year=2025)), lodge(AT)] == [
        "G-2024-00001", "G-2024-00002", "G-2025-00001", "G-2024-00003"]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_intakes_at_the_same_moment_get_two_numbers(
    small: Small, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite takes one writer at a time)")
    # both intakes read the highest number before either writes: the race a count of rows lost
    both_read = threading.Barrier(2, timeout=20)
    reads: list[int] = []
    numbered = services._next_grievance_number

    def racing(year: int) -> int:
        number = numbered(year)
        reads.append(number)
        if len(reads) <= 2:
            both_read.wait()
        return number

    monkeypatch.setattr(services, "_next_grievance_number", racing)
    codes: list[str] = []
    errors: list[BaseException] = []

    def intake(household: m.Household) -> None:
        try:
            grievance = services.lodge_grievance(
                actor=small.officer, household=household, kind="payment", description="-",
                received_at=AT,
            )  # fmt: skip
            codes.append(grievance.code)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(h,)) for h in (small.north, small.south)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(codes) == ["G-2024-00001", "G-2024-00002"]
    assert reads[:2] == [1, 1] and len(reads) == 3  # both read 1; one of them tried again
    assert m.Grievance.objects.count() == 2
