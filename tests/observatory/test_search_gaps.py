"""Arabic search normalisation and group gaps."""

from __future__ import annotations

import math

import pytest

from insaf.observatory import (
    Direction,
    SeriesPoint,
    Verdict,
    change_since,
    group_gap,
    z_value,
)
from insaf.observatory.search import matches, normalize, tokens


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("فقر", "نسبة الفَقْر عند خط الفقر"),  # diacritics in the text
        ("الفَقْر", "نسبة الفقر"),  # diacritics in the query
        ("اعاقة", "الأشخاص ذوو الإعاقة"),  # hamza on alef, ta marbuta
        ("إعاقه", "الاشخاص ذوو الاعاقة"),
        ("آمنة", "مياه شرب امنة"),  # madda
        ("مستوى", "مستوي المعيشة"),  # alef maqsura
        ("٢٠٣٠", "target 2030"),  # Arabic-Indic digits
        ("POVERTY", "Poverty headcount"),
        ("الفقر  نسبة", "نسبة الفقر"),  # word order and spaces
    ],
)
def test_arabic_variants_match(query: str, text: str) -> None:
    assert matches(query, text)


def test_normalize_and_tokens() -> None:
    assert normalize("مُعَدَّل  الـــفقر") == "معدل الفقر"
    assert tokens("خط-الفقر، ٢٠٢٤") == ["خط", "الفقر", "2024"]
    assert not matches("تعليم", "نسبة الفقر")


def test_group_gap_by_hand() -> None:
    # 30 (se 2) vs 24 (se 1.5): gap 6, se sqrt(4 + 2.25) = 2.5, z = 2.4,
    # p = 2 (1 - Phi(2.4)) = 2 (1 - 0.9918025) = 0.0163951 -> significant at 5 %
    gap = group_gap(30.0, 2.0, 24.0, 1.5)
    assert gap.value == 6.0 and gap.se == pytest.approx(2.5) and gap.z == pytest.approx(2.4)
    assert gap.p_value == pytest.approx(0.0163951, abs=1e-6)
    assert gap.significant is True
    small = group_gap(25.0, 2.0, 24.0, 1.5)  # z = 0.4
    assert small.significant is False
    unknown = group_gap(25.0, None, 24.0, 1.5)
    assert unknown.significant is None and unknown.se is None
    assert not math.isnan(unknown.value)


def test_z_value_from_the_confidence_level() -> None:
    # tabulated normal quantiles: z_0.95 = 1.959964, z_0.90 = 1.644854, z_0.99 = 2.575829
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    assert z_value(0.99) == pytest.approx(2.575829, abs=1e-6)
    with pytest.raises(ValueError, match="between 0 and 1"):
        z_value(95)


def test_gap_interval_and_confidence_by_hand() -> None:
    # gap 6, se 2.5: 95 % interval 6 -/+ 1.959964 * 2.5 = [1.10009, 10.89991]
    gap = group_gap(30.0, 2.0, 24.0, 1.5)
    assert gap.ci_low == pytest.approx(1.10009, abs=1e-5)
    assert gap.ci_high == pytest.approx(10.89991, abs=1e-5)
    # at 99 %: 6 -/+ 2.575829 * 2.5 = [-0.43957, 12.43957] holds zero; p = 0.0164 > 0.01
    strict = group_gap(30.0, 2.0, 24.0, 1.5, confidence=0.99)
    assert strict.significant is False and strict.ci_low == pytest.approx(-0.43957, abs=1e-5)


def _points(*rows: tuple[int, float, float | None]) -> list[SeriesPoint]:
    return [SeriesPoint(period, value, se) for period, value, se in rows]


def test_change_since_a_baseline_by_hand() -> None:
    series = _points((2019, 30.0, 1.0), (2020, 29.0, 1.0), (2023, 25.0, 1.2))
    # base 2020 (29, se 1), latest 2023 (25, se 1.2): change -4, se sqrt(1 + 1.44) = 1.56205,
    # 95 % interval -4 -/+ 3.06156 = [-7.06156, -0.93844]: all below zero
    fall = change_since(series, baseline_period=2021, direction=Direction.DECREASE)
    assert fall.verdict is Verdict.IMPROVED and fall.base == series[1]
    assert fall.latest == series[2] and fall.gap is not None
    assert fall.gap.value == -4.0 and fall.gap.se == pytest.approx(1.56205, abs=1e-5)
    assert fall.gap.ci_high == pytest.approx(-0.93844, abs=1e-5)
    rise = change_since(series, baseline_period=2021, direction=Direction.INCREASE)
    assert rise.verdict is Verdict.WORSENED
    noisy = _points((2020, 29.0, 2.0), (2023, 27.0, 2.0))  # -2, se 2.828: holds zero
    assert (
        change_since(noisy, baseline_period=2020, direction=Direction.DECREASE).verdict
        is Verdict.WITHIN_NOISE
    )
    assert change_since(series, baseline_period=2018, direction=Direction.DECREASE).verdict is (
        Verdict.NO_DATA
    )
    assert change_since(series, baseline_period=2023, direction=Direction.DECREASE).verdict is (
        Verdict.NOT_YET
    )
    no_se = _points((2020, 29.0, None), (2023, 25.0, 1.0))
    found = change_since(no_se, baseline_period=2020, direction=Direction.DECREASE)
    assert found.verdict is Verdict.NO_SE and found.gap is not None and found.gap.value == -4.0
