"""The number filters of the templates write through one helper (``insaf.web.core.numbers``)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from insaf.web.core.numbers import MISSING, formatted


def test_formatted_writes_by_the_spec_or_a_dash() -> None:
    assert formatted(1234.567, ",.1f") == "1,234.6"
    assert formatted(None, ",.1f") == MISSING == "–"


@pytest.mark.parametrize(
    ("source", "value", "shown"),
    [
        ("{% load insaf %}{{ v|num }}", 12345.67, "12,345.7"),
        ("{% load insaf %}{{ v|num:0 }}", 12345.67, "12,346"),
        ("{% load insaf %}{{ v|num }}", None, "–"),
        ("{% load council %}{{ v|signed }}", 1234.5, "+1,234.5"),
        ("{% load council %}{{ v|signed:2 }}", -0.5, "-0.50"),
        ("{% load council %}{{ v|signed }}", None, "–"),
        ("{% load council %}{{ v|percent }}", 0.125, "12%"),
        ("{% load council %}{{ v|percent:1 }}", 12.3456, "1234.6%"),
        ("{% load council %}{{ v|percent }}", None, "–"),
        ("{% load budget %}{{ v|pct }}", 0.052, "5.2"),
        ("{% load budget %}{{ v|pct:0 }}", 123.456, "12,346"),
        ("{% load budget %}{{ v|pct }}", None, "–"),
    ],
)
def test_number_filters(source: str, value: float | None, shown: str) -> None:
    assert Template(source).render(Context({"v": value})) == shown
