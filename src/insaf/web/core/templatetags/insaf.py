"""Template helpers: the active language's version of a bilingual field, number formatting."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from insaf.web.core.numbers import formatted

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """``obj.<field>_ar`` or ``obj.<field>_en`` for the active language (English as fallback)."""
    language = (get_language() or "ar")[:2]
    value = getattr(obj, f"{field}_{language}", None) if language in {"ar", "en"} else None
    return str(value or getattr(obj, f"{field}_en", "") or "")


@register.filter
def num(value: float | None, decimals: int = 1) -> str:
    """A number with ``decimals`` places and thousands separators; an en dash when missing."""
    return formatted(value, f",.{int(decimals)}f")


@register.filter
def flag_label(flag: str) -> str:
    """The translated name of an observation flag."""
    from django.utils.translation import gettext as _

    names = {
        "estimated": _("estimated"),
        "provisional": _("provisional"),
        "low_reliability": _("use with caution"),
        "suppressed": _("suppressed"),
        "break": _("break in series"),
    }
    return names.get(flag, flag)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping is not None else None


@register.filter
def text_lang(text: Any) -> str:
    """The language of a text a person typed in one language: ``ar`` when it has Arabic
    letters, else ``en`` (the platform's other language), for its element's ``lang``."""
    return "ar" if any("\u0600" <= ch <= "\u06ff" for ch in str(text or "")) else "en"
