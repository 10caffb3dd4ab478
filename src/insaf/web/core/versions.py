"""The public version: one stamp that every change to what the public sees replaces.

``record`` (the audit log, which every change made through the platform
writes) calls ``bump`` inside the change's own transaction, so the new stamp
and the new data become visible together. Anything derived from stored data
and kept between requests (cached pages and API answers, their ``ETag``, the
per-process memos of labels and catalogue rows) is keyed on the stamp: a
publish, an import, a computation, a new target or disclosure rule, an edit in
the administration site all make every earlier copy unreachable at once.

Readers take the stamp *before* the data it keys (``current`` first, then the
queries): a copy stored under a stamp can then only be as new as or newer than
that stamp's data, never older.

``migrate`` (run by ``insaf serve`` at every start) replaces the stamp too, so
a new release never serves pages cached by the previous one, and a data
migration never leaves a stale copy behind.

A database without the row (emptied by a test's flush, or before the
migration) has no stamp: nothing is cached or memoised until a change creates
the row again with a fresh random stamp.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection

__all__ = ["Version", "bump", "bump_after_migrate", "current", "forget", "memo", "request_scope"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Version:
    stamp: str
    changed: int
    """Time of the last change, microseconds since the epoch."""


_UNSET = Version("", 0)
_request: ContextVar[Version | None] = ContextVar("insaf_public_version", default=_UNSET)
_in_request: ContextVar[bool] = ContextVar("insaf_public_version_scope", default=False)


def _read() -> Version | None:
    from insaf.web.core.models import PublicVersion

    table = connection.ops.quote_name(PublicVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp, changed FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return Version(str(row[0]), int(row[1])) if row else None


def current() -> Version | None:
    """The stamp in force (read once per request inside ``request_scope``)."""
    value = _request.get()
    if value is _UNSET:
        value = _read()
        if _in_request.get():
            _request.set(value)
    return value


class request_scope:  # noqa: N801 - used as a context manager, like a function
    """Within a request: the stamp is read at most once, on first use."""

    def __enter__(self) -> None:
        self._tokens = (_in_request.set(True), _request.set(_UNSET))

    def __exit__(self, *exc: object) -> None:
        _request.reset(self._tokens[1])
        _in_request.reset(self._tokens[0])


def bump() -> Version:
    """Replace the stamp (call it inside the transaction that changes public data)."""
    from insaf.web.core.models import PublicVersion

    new = Version(secrets.token_hex(8), time.time_ns() // 1000)
    updated = PublicVersion.objects.filter(pk=1).update(stamp=new.stamp, changed=new.changed)
    if not updated:
        PublicVersion.objects.update_or_create(
            pk=1, defaults={"stamp": new.stamp, "changed": new.changed}
        )
    if _in_request.get():
        _request.set(_UNSET)  # read again: this request changed it
    return new


_memos: dict[Hashable, tuple[str, Any]] = {}
_memo_lock = threading.Lock()


def memo(key: Hashable, load: Callable[[], T]) -> T:
    """``load()`` once per process and public version (no memo without a version)."""
    version = current()
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
        bump()
