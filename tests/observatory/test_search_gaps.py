"""Arabic search normalisation and group gaps."""

from __future__ import annotations

import math

import pytest

from insaf.observatory import group_gap
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
