"""A Django cache in one SQLite file, shared by every server process on the machine.

Gunicorn's workers are separate processes: a per-process cache (``LocMemCache``)
is filled once per worker and holds as many copies of a page as there are
workers. This backend keeps one copy in ``<data>/cache.sqlite3`` (WAL mode:
readers never wait for the writer; ``synchronous=OFF``: a cache needs no
durability, a crash loses at most the latest entries). Values are pickled and,
above 1 KB, compressed (zlib level 1: a 60 KB page becomes about 8 KB in a
fraction of a millisecond). When more than ``MAX_ENTRIES`` are stored, the
ones nearest expiry (the oldest written, for equal timeouts) are removed, a
``1/CULL_FREQUENCY`` share at a time; the count is checked every 64 writes of a
process, not on each write.

Each thread opens its own connection, again after a fork.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

__all__ = ["SQLiteCache"]

_RAW, _ZLIB = b"r", b"z"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB NOT NULL, "
    "expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cache_expires ON cache (expires)",
)


class SQLiteCache(BaseCache):
    """``BACKEND: insaf.web.core.sqlite_cache.SQLiteCache``, ``LOCATION``: the file."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()
        self._writes = 0

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            for statement in _SCHEMA:
                db.execute(statement)
            self._local.db, self._local.pid = db, os.getpid()
        return db

    @staticmethod
    def _dump(value: Any) -> bytes:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(data) > 1024:
            return _ZLIB + zlib.compress(data, 1)
        return _RAW + data

    @staticmethod
    def _load(blob: bytes) -> Any:
        data = zlib.decompress(blob[1:]) if blob[:1] == _ZLIB else blob[1:]
        return pickle.loads(data)

    def _expiry(self, timeout: float | object | None) -> float:
        seconds = self.get_backend_timeout(timeout)  # type: ignore[arg-type]
        return float("inf") if seconds is None else float(seconds)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db().execute("SELECT value, expires FROM cache WHERE key = ?", (key,)).fetchone()
        )
        if row is None or row[1] <= time.time():
            return default
        return self._load(row[0])

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | object | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._db().execute(
            "INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)",
            (key, self._dump(value), self._expiry(timeout)),
        )
        self._writes += 1
        if self._writes % 64 == 0:
            self._cull()

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | object | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        done = self._db().execute(  # one statement: two processes cannot both add
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires <= ?",
            (key, self._dump(value), self._expiry(timeout), time.time()),
        )
        return done.rowcount > 0

    def touch(
        self, key: Any, timeout: float | object | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        done = self._db().execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), key, time.time()),
        )
        return done.rowcount > 0

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount > 0

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute("SELECT 1 FROM cache WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return row is not None

    def clear(self) -> None:
        self._db().execute("DELETE FROM cache")

    def _cull(self) -> None:
        db = self._db()
        db.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))
        (count,) = db.execute("SELECT count(*) FROM cache").fetchone()
        if count > self._max_entries:
            drop = max(count - self._max_entries, count // max(1, self._cull_frequency))
            db.execute(
                "DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY expires LIMIT ?)",
                (drop,),
            )

    def close(self, **kwargs: Any) -> None:
        """Connections stay open between requests (one per thread)."""
