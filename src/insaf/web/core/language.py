"""The language of the page being answered, as the library names its languages."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

__all__ = ["page_language"]


def page_language() -> str:
    """``ar`` or ``en``: the active language (the platform's default, Arabic, outside a
    request)."""
    return "ar" if (get_language() or settings.LANGUAGE_CODE).startswith("ar") else "en"
