"""``insaf._json.differences``: where two JSON documents differ, by hand."""

from __future__ import annotations

import math

from insaf._json import differences


def test_equal_documents_and_floats_within_the_tolerance() -> None:
    a = {"x": [1, 2.0, {"y": "text", "z": math.nan}], "n": None}
    b = {"x": [1, 2.0 + 1e-12, {"y": "text", "z": math.nan}], "n": None}
    assert differences(a, b) == []


def test_each_difference_is_named_by_its_place() -> None:
    a = {"rows": [1.0, 2.0], "name": "a", "keys": {"p": 1}, "list": [1, 2]}
    b = {"rows": [1.0, 2.1], "name": "b", "keys": {"q": 1}, "list": [1]}
    assert differences(a, b) == [
        "/rows[1]: 2.0 against 2.1",
        "/name: 'a' against 'b'",
        "/keys: keys ['p', 'q']",
        "/list: 2 against 1 rows",
    ]


def test_the_tolerance_is_relative_or_absolute() -> None:
    assert differences(1000.0, 1000.0005) == [": 1000.0 against 1000.0005"]
    assert differences(1000.0, 1000.0005, tolerance=1e-6) == []
    assert differences(0.0, 5e-10) == []  # absolute, near zero
