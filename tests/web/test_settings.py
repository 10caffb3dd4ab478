"""Settings from the environment, the data folder, security headers, migrations."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from insaf.errors import InsafError
from insaf.web.env import SETTINGS, database_from_url, env_bool, secret_key


def test_safe_defaults() -> None:
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert "https:" not in settings.CONTENT_SECURITY_POLICY  # nothing from outside


def test_secret_key_is_generated_once_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSAF_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 50
    assert secret_key(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    monkeypatch.setenv("INSAF_SECRET_KEY", "given")
    assert secret_key(tmp_path) == "given"


def test_database_url(tmp_path: Path) -> None:
    pg = database_from_url("postgres://me:p%40ss@db.example:6543/insaf", tmp_path)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "me",
        "p@ss",
        "db.example",
        "6543",
        "insaf",
    )
    lite = database_from_url(None, tmp_path)
    assert lite["NAME"] == str(tmp_path / "insaf.sqlite3")
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]
    with pytest.raises(InsafError, match="unsupported scheme"):
        database_from_url("mysql://x/y", tmp_path)


def test_env_bool_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSAF_DEBUG", "maybe")
    with pytest.raises(InsafError, match="INSAF_DEBUG"):
        env_bool("INSAF_DEBUG", False)


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "platform.md").read_text(encoding="utf-8")
    for name in SETTINGS:
        assert f"`{name}`" in doc, f"{name} is not documented in docs/platform.md"


@pytest.mark.django_db
def test_security_headers(client: Client) -> None:
    response = client.get("/en/", HTTP_HOST="127.0.0.1")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_no_model_change_without_migration() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
