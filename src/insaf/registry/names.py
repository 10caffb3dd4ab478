"""Names as people write them: Arabic spelling variants folded, then compared.

Arabic names are written many ways for one person: hamza on or under the alef
(أحمد, احمد), the final ta marbuta or ha (فاطمة, فاطمه), the alef maqsura or ya
(مصطفى, مصطفي), with or without short vowels (مُحَمَّد) and the tatweel that
stretches a word (محـــمد). ``normalise_arabic`` folds these variants to one
form; Latin transliterations are lower-cased and their accents removed.
``name_similarity`` compares two normalised names with RapidFuzz's token-sort
ratio (the order of the given name, father's name and family name varies
between records), scaled to [0, 1].
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

__all__ = ["name_similarity", "normalise_arabic"]

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
        "ى": "ي",
        "ـ": None,  # tatweel
    }
)
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACE = re.compile(r"\s+")


def normalise_arabic(name: str) -> str:
    """``name`` with Arabic spelling variants folded and Latin letters unaccented.

    Hamza and alef variants (أ إ آ ٱ) become ا, ؤ becomes و, ئ becomes ي, ة
    becomes ه, ى becomes ي; short vowels and other marks and the tatweel are
    removed; Latin letters are lower-cased without accents; runs of white
    space become one space.
    """
    text = _DIACRITICS.sub("", name).translate(_FOLD)
    # Latin: split accented letters into letter + mark (NFKD), drop the marks.
    # Arabic letters the fold left are unchanged by this (no decomposition applies).
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACE.sub(" ", text).strip().casefold()


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 (nothing shared) to 1 (the same once normalised)."""
    left, right = normalise_arabic(a), normalise_arabic(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_sort_ratio(left, right)) / 100.0
