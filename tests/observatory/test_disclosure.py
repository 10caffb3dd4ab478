"""Disclosure control: frequency rule, CV tiers and secondary suppression."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insaf.observatory import DisclosureRules, Flag, Observation, apply_disclosure

RULES = DisclosureRules(min_count=30, cv_caution=0.165, cv_suppress=0.333)


def cell(n: int, value: float = 10.0, se: float = 0.5, **dims: str) -> Observation:
    return Observation(
        indicator="POV", period=2024, disaggregation=tuple(dims.items()), value=value, se=se, n=n
    )


def by_key(cells: list[Observation]) -> dict[str, Observation]:
    return {c.key: c for c in cells}


def test_frequency_rule() -> None:
    out, report = apply_disclosure(
        [cell(29), cell(30, sex="female")], RULES.model_copy(update={"secondary": False})
    )
    assert out[0].is_suppressed and out[0].value is None and out[0].n is None
    assert not out[1].is_suppressed and out[1].value == 10.0
    assert report.primary == 1


@pytest.mark.parametrize(
    ("se", "expected"),
    [
        (1.0, None),  # CV 10 %: publish
        (1.65, None),  # CV 16.5 %: still publish (StatCan: <= 16.5 %)
        (2.0, Flag.LOW_RELIABILITY),  # CV 20 %: publish with a caution flag
        (3.33, Flag.LOW_RELIABILITY),  # CV 33.3 %: caution
        (4.0, Flag.SUPPRESSED),  # CV 40 %: suppress
    ],
)
def test_cv_tiers(se: float, expected: Flag | None) -> None:
    out, _ = apply_disclosure([cell(500, value=10.0, se=se)], RULES)
    if expected is None:
        assert out[0].flags == frozenset()
    else:
        assert expected in out[0].flags
    if expected is Flag.SUPPRESSED:
        assert out[0].value is None and out[0].se is None and out[0].ci_low is None


def test_secondary_suppression_one_dimension() -> None:
    # Total plus three governorates; A is below the count: the published total minus B and C
    # would give A back, so the next smallest (B, n=100) is suppressed too.
    cells = [
        cell(310),
        cell(10, governorate="A"),
        cell(100, governorate="B"),
        cell(200, governorate="C"),
    ]
    out, report = apply_disclosure(cells, RULES)
    got = by_key(out)
    assert got["governorate=A"].is_suppressed
    assert got["governorate=B"].is_suppressed
    assert not got["governorate=C"].is_suppressed
    assert not got[""].is_suppressed
    assert (report.primary, report.secondary) == (1, 1)


def test_secondary_suppression_without_a_total_does_nothing() -> None:
    cells = [cell(10, sex="female"), cell(500, sex="male")]
    out, report = apply_disclosure(cells, RULES)
    assert report.secondary == 0
    assert not by_key(out)["sex=male"].is_suppressed


def test_suppressed_cells_keep_no_numbers() -> None:
    out, _ = apply_disclosure([cell(5, value=3.25, se=0.1)], RULES)
    obs = out[0]
    assert (obs.value, obs.se, obs.ci_low, obs.ci_high, obs.n, obs.population) == (None,) * 6
    with pytest.raises(ValueError, match="suppressed"):
        Observation(indicator="X", period=2020, value=1.0, flags=frozenset({Flag.SUPPRESSED}))


def _lines(cells: list[Observation]) -> dict[tuple[object, ...], list[Observation]]:
    lines: dict[tuple[object, ...], list[Observation]] = defaultdict(list)
    for c in cells:
        for dim, _ in c.disaggregation:
            parent = tuple(p for p in c.disaggregation if p[0] != dim)
            lines[(parent, dim)].append(c)
    return lines


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=120), min_size=6, max_size=6),
)
def test_no_line_keeps_a_single_suppressed_cell(counts: list[int]) -> None:
    # A sex x governorate table with both margins and the total.
    sexes, govs = ["f", "m"], ["a", "b", "c"]
    cells = [cell(sum(counts))]
    cells += [cell(sum(counts[i * 3 : i * 3 + 3]), sex=s) for i, s in enumerate(sexes)]
    cells += [cell(counts[j] + counts[3 + j], governorate=g) for j, g in enumerate(govs)]
    cells += [
        cell(counts[i * 3 + j], sex=s, governorate=g)
        for i, s in enumerate(sexes)
        for j, g in enumerate(govs)
    ]
    out, _ = apply_disclosure(cells, RULES)
    keyed = by_key(out)
    for original in cells:
        if original.n is not None and original.n < RULES.min_count:
            assert keyed[original.key].is_suppressed
    for (parent, _), children in _lines(out).items():
        members = [keyed[";".join(f"{k}={v}" for k, v in parent)], *children]
        hidden = sum(m.is_suppressed for m in members)
        assert hidden != 1, f"a line around {parent} leaves one suppressed cell recoverable"
