"""The broken-file corpus: every validation and reading message, proved on files.

Each folder under ``corpus/`` is a small survey (a manifest and CSV files) with
one deliberate problem, described in its README. The expectations below are
written by hand from those files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from insaf.errors import DataError, SpecError
from insaf.survey import open_survey
from insaf.survey.validate import Severity, validate

CORPUS = Path(__file__).parent / "corpus"

# case -> [(severity, code, file, places, column, words in the message)]
EXPECTED = {
    "valid": [],
    "duplicate_key": [
        ("error", "duplicate-key", "households.csv", ["line 3", "line 4"], "hhid", "hhid=2"),
        # household 3 was overwritten by the duplicate, so its persons are orphans
        ("error", "orphan-row", "persons.csv", ["line 5", "line 6"], "hhid", "hhid=3"),
        ("warning", "size-mismatch", "households.csv", ["line 4"], "hhsize", "different"),
    ],
    "missing_key": [
        ("error", "missing-key", "households.csv", ["line 5"], "hhid", "no value for the key"),
        ("error", "orphan-row", "persons.csv", ["line 7"], "hhid", "hhid=4"),
    ],
    "orphan_person": [
        ("error", "orphan-row", "persons.csv", ["line 11"], "hhid", "hhid=99"),
    ],
    "household_without_persons": [
        ("error", "household-without-persons", "households.csv", ["line 8"], "hhid", "hhid=7"),
    ],
    "non_numeric_weight": [
        ("error", "non-numeric", "households.csv", ["line 3"], "weight", "'abc'"),
    ],
    "missing_weight": [
        ("error", "missing-value", "households.csv", ["line 6"], "weight", "missing"),
    ],
    "non_positive_weight": [
        (
            "error",
            "non-positive",
            "households.csv",
            ["line 2", "line 7"],
            "weight",
            "zero or negative",
        ),
    ],
    "single_psu_stratum": [
        (
            "warning",
            "single-psu-stratum",
            "households.csv",
            ["line 5"],
            "stratum",
            "lonely_psu=adjust",
        ),
    ],
    "psu_in_several_strata": [
        ("error", "psu-in-several-strata", "households.csv", ["line 4", "line 5"], "psu", "PSU 12"),
    ],
    "age_out_of_range": [
        (
            "error",
            "impossible-value",
            "persons.csv",
            ["line 4", "line 6"],
            "age",
            "outside 0 to 120",
        ),
    ],
    "negative_household_size": [
        ("error", "impossible-value", "households.csv", ["line 3"], "hhsize", "below 1"),
        ("warning", "size-mismatch", "households.csv", ["line 3"], "hhsize", "different"),
    ],
    "many_problems": [
        ("error", "duplicate-key", "households.csv", ["line 3", "line 4"], "hhid", "hhid=2"),
        ("error", "orphan-row", "persons.csv", ["line 5", "line 6", "line 11"], "hhid", "hhid=3"),
        ("error", "non-positive", "households.csv", ["line 3"], "weight", "zero or negative"),
        ("error", "impossible-value", "persons.csv", ["line 11"], "age", "150"),
        ("warning", "size-mismatch", "households.csv", ["line 4"], "hhsize", "different"),
    ],
}

# Cases refused while reading: the error type and every fragment its message must hold.
REFUSED = {
    "ragged_line": (DataError, ["persons.csv", "line 4: 3 fields", "header's 5 fields"]),
    "duplicate_header": (DataError, ["persons.csv", "line 1", "'sex' appears twice"]),
    "declared_type": (
        DataError,
        ["persons.csv", "column 'age'", "declared int", "'38.5' on line 3"],
    ),
    "not_utf8": (DataError, ["households.csv", "line 5", "not UTF-8"]),
    "manifest_typo": (
        SpecError,
        [
            "survey.yaml",
            "line 6",
            "key 'design.wieght'",
            "Extra inputs",
            "key 'design.weight'",
            "Field required",
        ],
    ),
    "manifest_bad_rule": (
        SpecError,
        ["survey.yaml", "line 6", "key 'design.lonely_psu'", "'adjust'"],
    ),
    "missing_file": (DataError, ["people.csv", "file not found"]),
}


def test_every_case_has_an_expectation() -> None:
    cases = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert cases == set(EXPECTED) | set(REFUSED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_validation_reports_every_problem(case: str) -> None:
    report = validate(open_survey(CORPUS / case))
    found = [
        (p.severity.value, p.code, Path(p.file or "").name, list(p.places), p.column, p.message)
        for p in report.problems
    ]
    assert len(found) == len(EXPECTED[case]), found
    for got, (severity, code, file, places, column, words) in zip(
        found, EXPECTED[case], strict=True
    ):
        assert got[:5] == (severity, code, file, places, column)
        assert words in got[5]
    assert report.ok == all(e[0] != Severity.ERROR.value for e in EXPECTED[case])


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_reading_refuses_with_a_message_that_says_where(case: str) -> None:
    error, fragments = REFUSED[case]
    with pytest.raises(error) as caught:
        open_survey(CORPUS / case)
    for fragment in fragments:
        assert fragment in str(caught.value)
