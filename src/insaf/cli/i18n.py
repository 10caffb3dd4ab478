"""The language the CLI speaks: English, or Arabic with ``--lang ar`` or an Arabic locale.

Messages and table headers go through ``_()``; their Arabic is in a gettext
catalogue beside this module (``locale/ar/LC_MESSAGES/insaf.po``, compiled to
``insaf.mo``; docs/cli.md says how to add a message). Only the standard
library's ``gettext`` is used, so the language costs nothing at start-up.
Machine formats (JSON, CSV) keep their English keys. An error of the library
is said in the CLI's language after a translated ``error:``
(``insaf.errors.in_language``): its words where they were made by
``insaf.errors.said``, with the files, keys and columns it names as they are.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

__all__ = ["LOCALE", "N_", "_", "language", "locale_language", "set_language"]

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ar")
_chosen: list[str] = []


def locale_language() -> str:
    """``ar`` when the locale asks for Arabic (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``
    or ``LANG`` starting with ``ar``, in gettext's order), else ``en``."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "ar" if value.split(":")[0].lower().startswith("ar") else "en"
    return "en"


def set_language(lang: str | None) -> None:
    """Speak ``lang`` from now on (``None``: go back to the locale's language)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    _chosen[:] = [lang] if lang else []


def language() -> str:
    return _chosen[0] if _chosen else locale_language()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation("insaf", LOCALE, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the CLI's language."""
    return _catalogue(language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802  (gettext's name for it)
    """``message`` itself: marks a text that ``_()`` translates where it is shown (a value
    of a table, a word the library gives), so that xgettext (``--keyword=N_``) puts it in
    the catalogue."""
    return message
