"""Validation rules on in-memory surveys (the file corpus covers the messages)."""

from __future__ import annotations

import polars as pl
import pytest

from insaf.survey import (
    Design,
    Label,
    Metadata,
    ReplicateMethod,
    Replicates,
    Survey,
    Table,
    Variable,
)
from insaf.survey.validate import validate


def codes(survey: Survey) -> list[tuple[str, str, tuple[str, ...], int]]:
    return [(p.code, p.table, p.places, p.count) for p in validate(survey).problems]


def households(**columns: list[object]) -> Survey:
    base: dict[str, list[object]] = {
        "hhid": [1, 2, 3, 4],
        "w": [1.0, 2.0, 3.0, 4.0],
        "h": [1, 1, 2, 2],
        "p": [1, 2, 3, 4],
    }
    base.update(columns)
    frame = pl.DataFrame(base)
    return Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="w", strata="h", psu="p", fpc="f" if "f" in base else None),
    )


@pytest.mark.parametrize(
    ("ids", "rows"),
    [
        ([3, 1, 3, 2], ("row 1", "row 3")),  # unsorted: counted by hashing
        ([1, 2, 2, 2], ("row 2", "row 3", "row 4")),  # sorted: found in one pass
    ],
)
def test_duplicate_keys_sorted_or_not(ids: list[object], rows: tuple[str, ...]) -> None:
    [problem] = validate(households(hhid=ids)).problems
    assert (problem.code, problem.places) == ("duplicate-key", rows)


def test_duplicate_composite_key_in_an_item_table() -> None:
    survey = households()
    items = pl.DataFrame(
        {"hhid": [1, 1, 2, 1], "item": [1, 2, 1, 1], "value": [1.0, 2.0, 3.0, 4.0]}
    )
    survey = Survey(
        households=survey.households,
        items={
            "consumption": Table(
                name="consumption", frame=items, key=("hhid", "item"), household="hhid"
            )
        },
        design=survey.design,
    )
    problems = validate(survey).problems
    assert [(p.code, p.places) for p in problems] == [("duplicate-key", ("row 1", "row 4"))]
    assert "hhid=1, item=1" in problems[0].message


def test_fpc_as_counts_and_fractions() -> None:
    assert codes(households(f=[10, 10, 5, 5])) == []
    assert codes(households(f=[0.1, 0.1, 0.5, 0.5])) == []
    assert [c[0] for c in codes(households(f=[10.0, 0.5, 5.0, 5.0]))] == ["fpc-mixed"]
    assert [c[0] for c in codes(households(f=[10, 12, 5, 5]))] == ["fpc-varies"]
    # stratum 2 has 2 sampled PSUs but a population of 1
    assert [c[0] for c in codes(households(f=[10, 10, 1, 1]))] == ["fpc-too-small"]


def test_replicate_weights_may_be_zero_not_negative() -> None:
    survey = households(r1=[0.0, 2.0, 3.0, 4.0], r2=[1.0, -1.0, 3.0, None])
    design = Design(
        weight="w",
        strata="h",
        psu="p",
        replicates=Replicates(columns=("r1", "r2", "r3"), method=ReplicateMethod.JKN),
    )
    problems = validate(survey.with_design(design)).problems
    assert [(p.code, p.column, p.places) for p in problems] == [
        ("missing-column", "r3", ()),
        ("missing-value", "r2", ("row 4",)),
        ("non-positive", "r2", ("row 2",)),
    ]


def test_codes_without_value_labels_are_a_warning() -> None:
    survey = households(sex=[1, 2, 3, None])
    meta = Metadata.of([Variable(name="sex", values={1: Label(en="Male"), 2: Label(en="Female")})])
    survey = Survey(households=survey.households, design=survey.design, metadata=meta)
    [problem] = validate(survey).problems
    assert (problem.code, problem.severity.value, problem.places) == (
        "unlabelled-code",
        "warning",
        ("row 3",),
    )


def test_many_bad_rows_are_counted_and_a_few_listed() -> None:
    n = 1000
    frame = {"hhid": list(range(n)), "w": [-1.0] * n, "h": [1] * n, "p": list(range(n))}
    survey = Survey(
        households=Table(name="households", frame=pl.DataFrame(frame), key=("hhid",)),
        design=Design(weight="w", strata="h", psu="p"),
    )
    [problem] = validate(survey).problems
    assert problem.count == n and len(problem.places) == 10
    assert "and 990 more" in str(problem)


def test_a_numeric_column_is_checked_for_missing_infinite_and_non_positive_values() -> None:
    survey = households(w=[float("nan"), float("inf"), 0.0, 4.0], r1=[1.0, None, -2.0, 1.0])
    design = Design(
        weight="w",
        strata="h",
        psu="p",
        replicates=Replicates(columns=("r1",), method=ReplicateMethod.JKN),
    )
    problems = validate(survey.with_design(design)).problems
    assert [(p.code, p.column, p.places, p.message) for p in problems] == [
        ("missing-value", "w", ("row 1",), "1 weight(s) are missing"),
        ("infinite", "w", ("row 2",), "1 weight(s) are infinite"),
        ("non-positive", "w", ("row 3",), "1 weight(s) are zero or negative"),
        ("missing-value", "r1", ("row 2",), "1 replicate weight(s) are missing"),
        ("non-positive", "r1", ("row 3",), "1 replicate weight(s) are negative"),
    ]
