"""Model fields the platform's apps share.

``JSONText`` keeps a JSON object or list as its text, in a ``text`` column on
every database, where Django's ``JSONField`` uses ``jsonb`` on PostgreSQL.
It is for values written many rows at a time and read back whole, never
queried by key inside the database: a determination's trace and reason codes.
PostgreSQL then parses nothing as it stores a row (``jsonb`` input took about
a third of the time ``COPY`` spent storing a bulk run's determinations: 19.2
to 24.7 s against 11.6 to 14.9 s for 1,500,000 rows on this project's
machine), and the text stored is the one written, keys in the order they
were written.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

__all__ = ["JSONText"]


class JSONText(models.TextField):  # type: ignore[type-arg]
    """A JSON object or list stored as its text (module notes).

    Python values are written as compact JSON (no ``NaN``: a value that is
    not a number is refused, as JSON has none); a text given instead is taken
    as JSON already written, checked, and stored as it is, so that a bulk
    writer and the ORM store the same text. Reading gives the parsed value.
    """

    description = "JSON kept as text"
    # the types django-stubs gives a model's attribute: any JSON value, set and read
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            json.loads(value)  # a text must already be JSON: refused here, not stored broken
            return value
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
