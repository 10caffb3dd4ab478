"""How the pages write a number: by a format spec, or an en dash when it is missing."""

from __future__ import annotations

__all__ = ["MISSING", "formatted"]

MISSING = "–"
"""What a page shows for a missing number."""


def formatted(value: float | None, spec: str) -> str:
    """``value`` written by the format ``spec`` (``",.1f"``, ``"+,.1f"``, ``".0%"``);
    :data:`MISSING` when it is ``None``."""
    return MISSING if value is None else format(value, spec)
