"""The demo registry: names and identifiers, deliberate duplicates found, three programmes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from insaf.registry import Registry, determine_frame
from insaf.registry.dedupe import find_duplicates
from insaf.registry.demo import demo_registry, demo_rulesets, name_variant
from insaf.registry.names import normalise_arabic


@pytest.fixture(scope="module")
def demo() -> Registry:
    return demo_registry(300, seed=5)


def test_records(demo: Registry) -> None:
    persons = demo.persons
    assert persons["name"].null_count() == 0 and persons["name_latin"].null_count() == 0
    assert persons["national_id"].drop_nulls().str.len_chars().unique().to_list() == [12]
    assert set(persons["sex"].unique().to_list()) == {"male", "female"}
    sources = set(demo.observations["source"].cast(pl.String).unique().to_list())
    assert sources == {"survey", "administrative", "self_declared"}


def test_every_planted_duplicate_is_in_the_review_queue(demo: Registry) -> None:
    copies = demo.memberships.filter(pl.col("start") == dt.date(2024, 9, 1))
    assert copies.height > 0
    queue = find_duplicates(demo)
    pairs = {(p.left, p.right) for p in queue.pairs}
    by_name = demo.persons.select("person_id", "name", "birth_date")
    for copy in copies["person_id"].to_list():
        row = by_name.filter(pl.col("person_id") == copy).row(0, named=True)
        originals = by_name.filter(
            (pl.col("person_id") < copy)
            & (pl.col("birth_date") == row["birth_date"])
            & (
                pl.col("name").map_elements(normalise_arabic, return_dtype=pl.String)
                == normalise_arabic(row["name"])
            )
        )["person_id"].to_list()
        assert originals, copy
        assert any((o, copy) in pairs for o in originals)


def test_variants_differ_in_writing_but_not_once_normalised() -> None:
    for k, name in enumerate(["أحمد علي", "فاطمة حسن", "مصطفى السيد", "زينب العلي"]):
        variant = name_variant(name, k)
        assert variant != name
        assert normalise_arabic(variant) == normalise_arabic(name)


def test_three_programmes_and_reassessment(demo: Registry) -> None:
    rulesets = demo_rulesets()
    assert [r.id for r in rulesets] == ["cash_assistance", "child_grant", "disability_allowance"]
    paid = {
        r.id: determine_frame(r, demo, dt.date(2024, 12, 31))["eligible"].sum() for r in rulesets
    }
    assert all(n > 0 for n in paid.values()), paid
    cash = rulesets[0]
    before = determine_frame(cash, demo, dt.date(2025, 2, 28))
    after = determine_frame(cash, demo, dt.date(2025, 3, 1))
    assert not before["entitlement"].equals(after["entitlement"])  # the reassessment
