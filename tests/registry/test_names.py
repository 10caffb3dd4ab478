"""Arabic name normalisation and similarity, case by case."""

from __future__ import annotations

import pytest

from insaf.registry.names import name_similarity, normalise_arabic


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("أحمد", "احمد"),  # hamza above alef
        ("إبراهيم", "ابراهيم"),  # hamza below alef
        ("آمنة", "امنه"),  # madda, then ta marbuta
        ("ٱلله", "الله"),  # alef wasla
        ("فاطمة", "فاطمه"),  # ta marbuta
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("مُحَمَّد", "محمد"),  # short vowels and shadda
        ("محـــمد", "محمد"),  # tatweel
        ("مؤمن", "مومن"),  # hamza on waw
        ("هانئ", "هاني"),  # hamza on ya
        ("  علي   حسن ", "علي حسن"),  # spaces folded
        ("Hélène  MÜLLER", "helene muller"),  # Latin: case and accents
    ],
)
def test_normalise(written: str, folded: str) -> None:
    assert normalise_arabic(written) == folded


def test_spelling_variants_are_the_same_name() -> None:
    assert name_similarity("فاطمة الزهراء أحمد", "فاطمه الزهراء احمد") == 1.0
    assert name_similarity("مُصْطَفَى إبراهيم", "مصطفي ابراهيم") == 1.0
    assert name_similarity("Mohamed Ali", "mohamed  ALI") == 1.0


def test_order_of_names_does_not_matter() -> None:
    assert name_similarity("حسن علي", "علي حسن") == 1.0


def test_different_names_score_lower() -> None:
    close = name_similarity("محمد علي حسن", "محمد علي حسين")
    far = name_similarity("محمد علي حسن", "خديجة يوسف")
    assert 0.8 < close < 1.0
    assert far < 0.5
    assert name_similarity("", "علي") == 0.0
