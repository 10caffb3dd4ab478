"""What every JSON API operation shares: bounded parameter types, paging, error answers.

- ``Limit``, ``Offset``, ``Year`` and ``Whole`` bound integers from the query or
  the path, so a number beyond 64 bits, or one no column can hold, is a ``422``
  answer from validation, never a database error.
- ``Pagination``: ninja's limit/offset paging with those bounds.
- ``answers(schema)``: the ``response=`` declaration of a read operation: its
  ``200`` answer and every other status it can give (``304`` to a conditional
  GET, ``400`` and ``413`` from ``insaf.web.core.limits``, ``404`` and ``422``),
  so the OpenAPI schema names every status an operation can return.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "Invalid",
    "Limit",
    "Offset",
    "Pagination",
    "Problem",
    "TextOut",
    "Whole",
    "Year",
    "answers",
]

MAX_LIMIT = 1000
"""The most items one page of an answer holds."""
MAX_OFFSET = 10_000_000
"""The largest offset (far above any table the platform publishes)."""

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"items per page (1 to {MAX_LIMIT})")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="items skipped before the page")]
Year = Annotated[int, Field(ge=1900, le=2200, description="a year, 1900 to 2200")]
Whole = Annotated[int, Field(ge=1, le=2**31 - 1, description="a positive whole number")]


class Problem(Schema):
    """An error answer: what was wrong, in words."""

    detail: str


class TextOut(Schema):
    """A text in both languages."""

    en: str
    ar: str


class Invalid(Schema):
    """A ``422`` answer: each parameter that failed validation, and why."""

    detail: list[dict[str, Any]]


class Pagination(LimitOffsetPagination):
    """Limit/offset paging with bounded ``limit`` and ``offset``."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0


def answers(
    ok: Any, *, lookup: bool = False, params: bool = True, cached: bool = False
) -> dict[int, Any]:
    """The ``response=`` of a GET operation whose ``200`` answer is ``ok``.

    ``lookup``: it looks something up by a code in its path (``404`` when there
    is none); ``params``: it takes parameters (``422`` when one is invalid);
    ``cached``: a public answer (``insaf.web.core.public_cache``), which a
    conditional GET may answer with ``304 Not Modified``.
    """
    out: dict[int, Any] = {200: ok, 400: Problem, 413: Problem}
    if cached:
        out[304] = None
    if lookup:
        out[404] = Problem
    if params:
        out[422] = Invalid
    return dict(sorted(out.items()))
