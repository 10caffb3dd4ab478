"""The library's words for people (briefs, rights findings, measure names) in English and Arabic.

English is written in the code, once, as a gettext message; the Arabic is in the
catalogue ``insaf/locale/ar/LC_MESSAGES/insaf.po`` (the source of truth: a
translator edits it there), compiled to ``insaf.mo`` beside it. Each text has a
message context, ``<table>.<key>`` (``brief.decile``, ``measure.gini``), so that
the same English may take different Arabic in different places. Only the
standard library's ``gettext`` is used. ``docs/i18n.md`` says how to add a text.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "LOCALE", "bilingual", "checked_language", "translated"]

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ar")


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation("insaf", LOCALE, languages=[lang], fallback=True)


def translated(context: str, english: str, lang: str) -> str:
    """``english`` (the text of ``context``) in ``lang``; English where the catalogue has
    no translation."""
    return (
        english if checked_language(lang) == "en" else _catalogue(lang).pgettext(context, english)
    )


def checked_language(lang: str) -> str:
    """``lang`` if INSAF speaks it (``en``, ``ar``); else a ``ValueError`` that says so."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return lang


def bilingual(table: str, english: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``{key: {"en": text, "ar": its Arabic}}`` for each text of ``table``
    (contexts ``<table>.<key>``)."""
    return {
        key: {lang: translated(f"{table}.{key}", text, lang) for lang in LANGUAGES}
        for key, text in english.items()
    }
