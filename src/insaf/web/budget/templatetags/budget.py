"""Template helpers of the budget pages: classification names and shares."""

from __future__ import annotations

from django import template

from insaf.web.budget.presentation import cofog_name, evidence_name, phase_name, stage_name
from insaf.web.core.numbers import formatted

register = template.Library()


@register.filter
def cofog(code: str) -> str:
    """``10 · Social protection`` for a COFOG code, in the active language."""
    return f"{code} · {cofog_name(code)}"


@register.filter
def phase(value: str) -> str:
    return phase_name(value)


@register.filter
def pct(share: float | None, decimals: int = 1) -> str:
    """A share as a percentage (``0.052`` → ``5.2``); an en dash when missing."""
    return formatted(None if share is None else 100 * share, f",.{int(decimals)}f")


@register.filter
def evidence(level: str) -> str:
    return evidence_name(level)


@register.filter
def stage(name: str) -> str:
    return stage_name(name)


@register.filter
def pair(first: object, second: object) -> tuple[object, object]:
    """``(first, second)``, to loop over two cells alike."""
    return (first, second)
