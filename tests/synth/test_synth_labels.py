"""Every variable has English and Arabic labels, every observed code has both
value labels, and everything fits Stata and SPSS."""

from __future__ import annotations

import re

import pytest

from insaf.survey import Role, Survey

ARABIC = re.compile(r"[\u0600-\u06FF]")
STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def test_every_column_has_both_labels(small: Survey) -> None:
    for table in small.tables:
        for name in table.frame.columns:
            assert name in small.metadata, f"{table.name}.{name} has no metadata"
            label = small.metadata[name].label
            assert label.en and label.ar, f"{name} lacks a label"
            assert ARABIC.search(label.ar), f"{name}: Arabic label has no Arabic letters"
            assert STATA_NAME.match(name), name
            assert len(label.en) <= 80 and len(label.ar) <= 80, name
            assert len(label.ar.encode()) <= 256, name


def test_every_code_has_both_value_labels(small: Survey) -> None:
    labelled = 0
    for table in small.tables:
        for name in table.frame.columns:
            values = small.metadata[name].values
            if not values:
                continue
            labelled += 1
            assert all(isinstance(code, int) for code in values), name
            for code, text in values.items():
                assert text.en and text.ar and ARABIC.search(text.ar), (name, code)
                assert len(text.ar.encode()) <= 120 and len(text.en.encode()) <= 120, (name, code)
            observed = set(table.frame[name].drop_nulls().unique().to_list())
            assert observed <= set(values), f"{name}: codes without labels {observed - set(values)}"
    assert labelled >= 40


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (Role.AGE, "age"),
        (Role.SEX, "sex"),
        (Role.HOUSEHOLD_SIZE, "hhsize"),
        (Role.RELATIONSHIP, "relationship"),
    ],
)
def test_roles(small: Survey, role: Role, name: str) -> None:
    assert small.metadata.with_role(role) == [name]


def test_policy_names_are_bilingual(small: Survey) -> None:
    programme = small.policy["instruments"]["cash_assistance"]["name"]
    assert programme["en"] and ARABIC.search(programme["ar"])
    assert small.policy["currency"]["code"] == "DMD"
