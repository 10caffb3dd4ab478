"""Duplicates: exact national identifiers, then Arabic names folded for spelling, by birth date."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from insaf.errors import DataError
from insaf.registry import Registry
from insaf.registry.dedupe import CandidatePair, find_duplicates, merge

BORN = dt.date(1985, 4, 12)


def _registry(names: list[tuple[int, str | None, str, dt.date]]) -> Registry:
    persons = pl.DataFrame(
        {
            "person_id": [n[0] for n in names],
            "national_id": [n[1] for n in names],
            "name": [n[2] for n in names],
            "birth_date": [n[3] for n in names],
        }
    )
    return Registry(
        persons=persons,
        groups=pl.DataFrame({"household_id": [1, 2]}),
        memberships=pl.DataFrame(
            {
                "person_id": [n[0] for n in names],
                "household_id": [1 + (i % 2) for i in range(len(names))],
                "start": [dt.date(2020, 1, 1)] * len(names),
            }
        ),
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("أحمد إبراهيم السيد", "احمد ابراهيم السيد"),  # hamza and alef variants
        ("فاطمة الزهراء علي", "فاطمه الزهراء علي"),  # ta marbuta
        ("مصطفى كمال", "مصطفي كمال"),  # alef maqsura and ya
        ("مُحَمَّد عَلِي", "محمد علي"),  # diacritics
        ("محـــمد علي", "محمد علي"),  # tatweel
        ("علي حسن محمود", "محمود علي حسن"),  # order of names
    ],
)
def test_spelling_variants_are_found(first: str, second: str) -> None:
    queue = find_duplicates(_registry([(1, None, first, BORN), (2, None, second, BORN)]))
    assert [(p.left, p.right, p.score, p.method) for p in queue.pairs] == [
        (1, 2, 1.0, "name_birth_date")
    ]


def test_other_birth_dates_and_names_are_not_candidates() -> None:
    registry = _registry(
        [
            (1, None, "أحمد علي", BORN),
            (2, None, "احمد علي", BORN + dt.timedelta(days=1)),  # another day
            (3, None, "سعاد يوسف", BORN),  # another name
        ]
    )
    assert len(find_duplicates(registry)) == 0


def test_national_ids() -> None:
    registry = _registry(
        [
            (1, "1985-0412-77", "أحمد علي", BORN),
            (2, "1985041277", "Ahmad Ali", dt.date(1985, 1, 1)),  # same id, other spelling
            (3, "1985041299", "احمد علي", BORN),  # same name and day, other id
        ]
    )
    queue = find_duplicates(registry)
    pairs = {(p.left, p.right): p for p in queue.pairs}
    assert pairs[(1, 2)].method == "national_id" and pairs[(1, 2)].score == 1.0
    assert pairs[(1, 3)].reasons == ("same_birth_date", "national_id_differs")
    assert (2, 3) not in pairs


def test_merge_needs_a_reviewer_and_records_who() -> None:
    registry = _registry([(1, None, "أحمد علي", BORN), (2, None, "احمد علي", BORN)])
    (pair,) = find_duplicates(registry).pairs
    with pytest.raises(DataError, match="reviewer"):
        merge(registry, pair, " ")
    merged = merge(registry, pair, "caseworker-4", on=dt.date(2024, 9, 1))
    assert merged.persons["person_id"].to_list() == [1]
    # person 2's membership (household 2) now belongs to person 1
    assert sorted(merged.memberships.select("person_id", "household_id").rows()) == [(1, 1), (1, 2)]
    assert merged.merges.row(0, named=True) == {
        "kept": 1,
        "merged": 2,
        "reviewer": "caseworker-4",
        "decided": dt.date(2024, 9, 1),
        "score": 1.0,
        "method": "name_birth_date",
    }
    with pytest.raises(DataError, match="merged already"):
        merge(merged, CandidatePair(1, 2, 1.0, "name_birth_date"), "caseworker-4")
