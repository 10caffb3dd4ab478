"""Public versions: stamps, per scope, that every change to what the public sees replaces.

A change names the scopes it touches (``record(..., scopes=...)``, which every
change made through the platform writes, calls ``bump`` inside the change's own
transaction, so the new stamp and the new data become visible together):

- ``global``, the default: a change that may touch any page (the catalogue,
  disclosure rules, targets, an edit in the administration site);
- ``indicator:<code>``: an indicator's published data (a publish or an import
  names the indicators it wrote);
- ``referral:<code>``: a council referral and everything under it (a council
  service names the referral its record belongs to), ``council:<model>:<pk>``
  for the council's other records.

Anything derived from stored data and kept between requests (cached pages and
API answers, their ``ETag``, the per-process memos) is keyed on the stamps of
the scopes it shows (``current(*scopes)``): an indicator's page on ``global``
and its own indicator, a page that lists every indicator on ``global`` and the
family ``indicator:*`` (stamped by how many indicators have a row and how many
changes they had in all, so any change to any of them changes it). A council
write therefore leaves the observatory's cached pages alone, and two writes on
different referrals update different rows: neither waits for the other.

Readers take the stamps *before* the data they key (``current`` first, then the
queries): a copy stored under a stamp can then only be as new as or newer than
that stamp's data, never older.

``migrate`` (run by ``insaf serve`` at every start) replaces the ``global``
stamp, so a new release never serves pages cached by the previous one, and a
data migration never leaves a stale copy behind.

A database without the ``global`` row (emptied by a test's flush, or before the
migration) has no version: nothing is cached or memoised until a change creates
the row again with a fresh random stamp.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

__all__ = [
    "GLOBAL",
    "OBSERVATORY",
    "Version",
    "bump",
    "bump_after_migrate",
    "current",
    "forget",
    "indicator_scope",
    "memo",
    "request_scope",
]

T = TypeVar("T")

GLOBAL = "global"
OBSERVATORY: tuple[str, ...] = (GLOBAL, "indicator:*")
"""What a page listing every indicator shows: the global scope and every indicator's."""


def indicator_scope(code: str) -> str:
    return f"indicator:{code}"


@dataclass(frozen=True, slots=True)
class Version:
    stamp: str
    changed: int
    """Time of the last change, microseconds since the epoch."""


_request: ContextVar[dict[tuple[str, ...], Version | None] | None] = ContextVar(
    "insaf_public_versions", default=None
)


def _read(scopes: tuple[str, ...]) -> Version | None:
    """One query: the rows of the named scopes, and the count and sum of each ``x:*`` family."""
    from insaf.web.core.models import PublicVersion

    table = connection.ops.quote_name(PublicVersion._meta.db_table)
    single = [s for s in scopes if not s.endswith("*")]
    if GLOBAL not in single:
        single.append(GLOBAL)
    parts = [
        f"SELECT scope, stamp, changed FROM {table} "
        f"WHERE scope IN ({', '.join(['%s'] * len(single))})"
    ]
    params: list[Any] = list(single)
    for family in (s for s in scopes if s.endswith("*")):
        prefix = family[:-1]
        parts.append(
            "SELECT CAST(%s AS VARCHAR(200)), "
            "CAST(COUNT(*) AS VARCHAR(40)) || '.' || CAST(COALESCE(SUM(bumps), 0) AS VARCHAR(40)), "
            f"COALESCE(MAX(changed), 0) FROM {table} WHERE scope > %s AND scope < %s"
        )
        params += [family, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {str(scope): (str(stamp), int(changed)) for scope, stamp, changed in cursor}
    if GLOBAL not in found:
        return None
    text = "|".join(f"{s}={found.get(s, ('-', 0))[0]}" for s in sorted({*single, *scopes}))
    stamp = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return Version(stamp, max(changed for _stamp, changed in found.values()))


def current(*scopes: str) -> Version | None:
    """The version of what ``scopes`` show (default: the observatory's lists, ``OBSERVATORY``);
    read once per request inside ``request_scope``."""
    key = tuple(scopes) or OBSERVATORY
    seen = _request.get()
    if seen is not None and key in seen:
        return seen[key]
    value = _read(key)
    if seen is not None:
        seen[key] = value
    return value


class request_scope:  # noqa: N801 - used as a context manager, like a function
    """Within a request: each version is read at most once, on first use."""

    def __enter__(self) -> None:
        self._token = _request.set({})

    def __exit__(self, *exc: object) -> None:
        _request.reset(self._token)


def bump(*scopes: str) -> None:
    """Replace the stamps of ``scopes`` (default ``global``); call it inside the transaction
    that changes the data they show. Each scope is its own row: writes to different scopes
    do not wait for each other."""
    from insaf.web.core.models import PublicVersion

    for scope in dict.fromkeys(scopes or (GLOBAL,)):
        stamp, now = secrets.token_hex(8), time.time_ns() // 1000
        rows = PublicVersion.objects.filter(scope=scope)
        update = {
            "stamp": stamp,
            "changed": Greatest(F("changed") + 1, now),
            "bumps": F("bumps") + 1,
        }
        if rows.update(**update):
            continue
        try:
            with transaction.atomic():
                PublicVersion.objects.create(scope=scope, stamp=stamp, changed=now, bumps=1)
        except IntegrityError:  # created meanwhile by another change
            rows.update(**update)
    seen = _request.get()
    if seen is not None:
        seen.clear()  # read again: this request changed them


_memos: dict[Hashable, tuple[str, Any]] = {}
_memo_lock = threading.Lock()


def memo(key: Hashable, load: Callable[[], T], scopes: tuple[str, ...] = OBSERVATORY) -> T:
    """``load()`` once per process and version of ``scopes`` (no memo without a version)."""
    version = current(*scopes)
    if version is None:
        return load()
    found = _memos.get(key)
    if found is not None and found[0] == version.stamp:
        return found[1]  # type: ignore[no-any-return]
    value = load()
    with _memo_lock:
        _memos[key] = (version.stamp, value)
    return value


def forget() -> None:
    """Drop this process's memos (tests)."""
    with _memo_lock:
        _memos.clear()


def bump_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver (connected once, for the core app)."""
    from django.db import connections

    from insaf.web.core.models import PublicVersion

    if PublicVersion._meta.db_table in connections[using].introspection.table_names():
        bump(GLOBAL)
