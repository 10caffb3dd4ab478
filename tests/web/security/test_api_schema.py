"""schemathesis against the platform's OpenAPI schema: no 500, no undocumented status.

Every operation of ``/api/openapi.json`` is called with generated parameters,
valid and invalid (huge and negative integers, NUL and other odd characters,
missing and extra parameters), on a platform holding the sample observatory
and a council with an adopted opinion. Every answer must be a status the
schema documents for that operation, with a body and headers that match it,
and never a server error. The run is bounded and derandomized (the same
examples every time) so it stays quick on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from tests.web.council.conftest import adopted_opinion, build_council

from insaf.web.wsgi import application

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25


@pytest.fixture
def platform(observatory: None, settings: Any) -> Iterator[None]:
    """The sample observatory, a council and an adopted opinion with recommendations.

    The WSGI application is called directly, so (as Django's test client does)
    the end of a request must not close the test's database connection.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    adopted_opinion(build_council())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_and_none_is_a_server_error(case: Any, platform: None) -> None:
    case.headers = {**(case.headers or {}), "Host": "127.0.0.1"}
    case.call_and_validate()


def test_every_answer_schema_has_its_own_name() -> None:
    """The OpenAPI document names each schema by its class: two apps' classes of one name
    would share one component, and one of them would be documented as the other
    (the registry's ServiceReferralOut once described the council's referrals)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import insaf.web

    homes: dict[str, set[str]] = {}
    for found in pkgutil.walk_packages(insaf.web.__path__, "insaf.web."):
        if not found.name.endswith(".api"):
            continue
        module = importlib.import_module(found.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value is not Schema:
                homes.setdefault(name, set()).add(value.__module__)
    shared = {name: sorted(where) for name, where in homes.items() if len(where) > 1}
    assert shared == {}
