"""PostgreSQL goes away while the platform runs: requests fail cleanly (503, a message, no
traceback), then the platform recovers by itself once the database is back.

The database's connections are cut (``pg_terminate_backend``) and new ones refused
(``ALLOW_CONNECTIONS false``) on the test's own database only; the machine's
PostgreSQL keeps running for everyone else. PostgreSQL only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a PostgreSQL outage (set DATABASE_URL)"
    ),
]


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def outage() -> Iterator[dict[str, object]]:
    """``cut()`` ends the database's connections and refuses new ones; ``back()`` undoes it
    (always, at the end)."""
    name = connection.settings_dict["NAME"]
    admin = _admin()

    def cut() -> None:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        )

    def back() -> None:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')

    try:
        yield {"cut": cut, "back": back}
    finally:
        back()
        admin.close()


class ServerClient(Client):
    """The test client, plus what Django's WSGI handler does at each request and the test
    client leaves out: ``close_old_connections`` (a connection that errored and fails its
    health check is dropped, and the next query opens a new one)."""

    def request(self, **request: Any) -> Any:
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


def test_requests_fail_cleanly_then_recover(observatory: None, outage: dict[str, object]) -> None:
    client = ServerClient(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    pages = ["/en/", "/ar/indicators/POV_NAT/", "/en/council/"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    outage["cut"]()  # type: ignore[operator]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
        assert "The database cannot be reached" in html and "قاعدة البيانات" in html
        assert "Traceback" not in html and "psycopg" not in html
    api = client.get("/api/observatory/indicators")
    assert api.status_code == 503 and "cannot be reached" in json.loads(api.content)["detail"]
    outage["back"]()  # type: ignore[operator]
    for url in pages:  # a new connection at the next request: nothing to restart
        assert client.get(url).status_code == 200, url
    assert client.get("/api/observatory/indicators").status_code == 200
