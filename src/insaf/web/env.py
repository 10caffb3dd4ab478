"""Typed settings from the environment, with safe defaults.

Every setting the platform reads is named here, once: ``INSAF_DATA`` (the data
folder), ``INSAF_DEBUG``, ``INSAF_SECRET_KEY``, ``INSAF_ALLOWED_HOSTS``,
``INSAF_HTTPS``, ``INSAF_SECURE_COOKIES``, ``INSAF_LOGIN_ATTEMPTS``,
``INSAF_LOGIN_WINDOW``, ``INSAF_PROXY_HOPS``, ``INSAF_CLIENT_IP_HEADER``,
``INSAF_PAGE_CACHE``, ``INSAF_MAX_REQUEST_MB``, the ``INSAF_EMAIL_*`` settings
of the mail that verifies a citizen's address, ``INSAF_JOB_TIME_LIMIT``,
``INSAF_JOB_WORKERS`` and ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from insaf.errors import InsafError

__all__ = [
    "SETTINGS",
    "data_dir",
    "database_from_url",
    "email_backend",
    "env_bool",
    "env_int",
    "env_list",
    "env_str",
    "page_cache",
    "proxy_settings",
    "secret_key",
]

SETTINGS: dict[str, str] = {
    "INSAF_DATA": "folder holding the SQLite database, the secret key and uploads (default ./data)",
    "INSAF_DEBUG": "1 to turn Django's debug mode on (off by default)",
    "INSAF_SECRET_KEY": "secret key; by default one is generated once into the data folder",
    "INSAF_ALLOWED_HOSTS": "comma-separated host names served (default 127.0.0.1,localhost)",
    "INSAF_HTTPS": "1 behind TLS: redirect to HTTPS and send HSTS",
    "INSAF_SECURE_COOKIES": "0 to send session and CSRF cookies over plain HTTP (on by default)",
    "INSAF_LOGIN_ATTEMPTS": "failed logins allowed per account and per address in the window (5)",
    "INSAF_LOGIN_WINDOW": "seconds over which failed logins are counted (900)",
    "INSAF_PROXY_HOPS": (
        "proxies in front of the platform that append to X-Forwarded-For; the client is that "
        "many values from the right (0: trust no header, use the connection's address)"
    ),
    "INSAF_CLIENT_IP_HEADER": (
        "a header one trusted proxy sets to the client's address, e.g. X-Real-IP (none)"
    ),
    "INSAF_PAGE_CACHE": "public pages and API answers cached in sqlite (default), memory or off",
    "INSAF_EMAIL": "how mail is sent: console (default: printed on the server's output) or smtp",
    "INSAF_EMAIL_HOST": "SMTP server (localhost)",
    "INSAF_EMAIL_PORT": "SMTP port (587)",
    "INSAF_EMAIL_USER": "SMTP user name (none)",
    "INSAF_EMAIL_PASSWORD": "SMTP password (none)",
    "INSAF_EMAIL_FROM": "sender of the platform's mail (INSAF <no-reply@localhost>)",
    "INSAF_JOB_TIME_LIMIT": "seconds a background job (an impact statement) may run (600)",
    "INSAF_JOB_WORKERS": "background jobs run at the same time by the job worker (1)",
    "INSAF_MAX_REQUEST_MB": "largest request body accepted, uploads included, in MB (10)",
    "DATABASE_URL": "postgres://user:password@host:port/name or sqlite:///path (default SQLite)",
}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise InsafError(f"{name}={raw!r}: expected 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InsafError(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}


def email_backend() -> str:
    """Django's ``EMAIL_BACKEND`` from ``INSAF_EMAIL`` (``console`` or ``smtp``)."""
    name = env_str("INSAF_EMAIL", "console").strip().lower() or "console"
    if name not in _EMAIL_BACKENDS:
        raise InsafError(f"INSAF_EMAIL={name!r}: expected console or smtp")
    return _EMAIL_BACKENDS[name]


def proxy_settings() -> tuple[int, str]:
    """``(INSAF_PROXY_HOPS, INSAF_CLIENT_IP_HEADER)``: which proxy header names the client.

    Both unset (the default) trusts no header; setting both is refused.
    """
    hops = env_int("INSAF_PROXY_HOPS", 0)
    header = env_str("INSAF_CLIENT_IP_HEADER", "").strip()
    if hops < 0:
        raise InsafError(f"INSAF_PROXY_HOPS={hops}: expected 0 or more proxies")
    if hops and header:
        raise InsafError("set INSAF_PROXY_HOPS or INSAF_CLIENT_IP_HEADER, not both")
    return hops, header


def data_dir() -> Path:
    """The data folder (created if missing)."""
    path = Path(env_str("INSAF_DATA", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """``INSAF_SECRET_KEY``, else a key generated once and kept (mode 0600) in the data folder."""
    given = os.environ.get("INSAF_SECRET_KEY")
    if given:
        return given
    path = folder / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    return key


def database_from_url(url: str | None, folder: Path) -> dict[str, Any]:
    """``DATABASES["default"]`` from ``DATABASE_URL`` (SQLite in the data folder if unset)."""
    if not url:
        url = f"sqlite:///{folder / 'insaf.sqlite3'}"
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:] if parts.path.startswith("//") else parts.path)
        name = name or str(folder / "insaf.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"
                ),
            },
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "insaf",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise InsafError(
        f"DATABASE_URL: unsupported scheme '{parts.scheme}' (use postgres:// or sqlite://)"
    )


def page_cache(folder: Path) -> dict[str, Any] | None:
    """``CACHES["pages"]`` from ``INSAF_PAGE_CACHE``: ``sqlite`` (default), ``memory`` or ``off``.

    ``sqlite``: one file in the data folder shared by every server process;
    ``memory``: one cache per process (each worker fills its own).
    """
    kind = env_str("INSAF_PAGE_CACHE", "sqlite").strip().lower() or "sqlite"
    if kind == "off":
        return None
    if kind == "sqlite":
        return {
            "BACKEND": "insaf.web.core.sqlite_cache.SQLiteCache",
            "LOCATION": str(folder / "cache.sqlite3"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    if kind == "memory":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "insaf-pages",
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
        }
    raise InsafError(f"INSAF_PAGE_CACHE={kind!r}: expected sqlite, memory or off")
