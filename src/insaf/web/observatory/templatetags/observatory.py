"""Observatory template helpers (kept here, not in ``core``, so ``core`` never imports an app)."""

from __future__ import annotations

from django import template

from insaf.web.observatory.models import ProgressStatus

register = template.Library()


@register.filter
def status_label(status: str | None) -> str:
    """The translated name of a progress status."""
    if not status:
        return str(ProgressStatus.NOT_AVAILABLE.label)
    return str(ProgressStatus(status).label)
