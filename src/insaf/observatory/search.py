"""Search text normalised so that Arabic is found with or without diacritics.

``normalize`` folds what Arabic writers vary freely: it removes the short-vowel
and other diacritic marks (U+064B-U+065F, U+0670 superscript alef) and the
tatweel (U+0640), writes every alef variant (أ إ آ ٱ) as a bare alef (ا), alef
maqsura (ى) as ya (ي) and ta marbuta (ة) as ha (ه), turns Arabic-Indic digits
into ASCII digits, and case-folds Latin text. Both the stored search text and
the query go through it, so ``فقر``, ``فَقْر`` and ``الفقر`` match the same
indicators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["matches", "normalize", "search_text", "tokens"]

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_SPACE = re.compile(r"[\s\u200c\u200f\u200e]+")


def normalize(text: str) -> str:
    """Fold diacritics, alef variants, digits and case; collapse white space."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).translate(_FOLD).casefold()
    return _SPACE.sub(" ", text).strip()


def tokens(query: str) -> list[str]:
    """The normalised words of a query (punctuation dropped)."""
    return [t for t in re.split(r"[^\w]+", normalize(query)) if t]


def search_text(parts: Iterable[str | None]) -> str:
    """One normalised string to store and search in."""
    return " ".join(normalize(p) for p in parts if p)


def matches(query: str, text: str) -> bool:
    """Every word of ``query`` occurs in ``text`` after normalisation."""
    haystack = normalize(text)
    return all(t in haystack for t in tokens(query))
