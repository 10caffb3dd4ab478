"""Django for the web tests: settings from ``insaf.web.settings`` with a temporary data folder.

The database is SQLite unless ``DATABASE_URL`` names PostgreSQL (the suite runs
on both: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest tests/web``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import django
from django.conf import settings

# Each test process has its own data folder (so its own page cache, secret key and uploads):
# two processes sharing one empty each other's page cache between a test's requests. The
# variables are set only while this process reads its settings, then put back: pytest-xdist's
# workers start with the environment of the process that started them (which imports this
# file when given ``tests/web``), and pytest-django would set a worker's Django up from that
# environment before the worker imports this file. (It is imported twice in a process: as
# pytest's conftest and as ``tests.web.conftest``, and a test's child process imports it
# for its helpers after reading its own settings: the settings are read once, where they
# are not read yet. ``test_public_cache`` checks that each worker has its own folder.)
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if not settings.configured:
    _SETTING = {name: os.environ.get(name) for name in ("INSAF_DATA", "DJANGO_SETTINGS_MODULE")}
    os.environ["INSAF_DATA"] = tempfile.mkdtemp(prefix=f"insaf-web-tests-{_WORKER}-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.web.settings")
    django.setup()
    for _name, _value in _SETTING.items():
        if _value is None:
            del os.environ[_name]
        else:
            os.environ[_name] = _value

import pytest  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402

from insaf.observatory import Observation  # noqa: E402

PASSWORD = "a long test password 42"


def make_user(username: str, *roles: str) -> User:
    from insaf.web.core.roles import Role
    from insaf.web.core.services import assign_role

    user = User.objects.create_user(username=username, password=PASSWORD)
    for role in roles:
        assign_role(actor=None, user=user, role=Role(role))
    return user


SECRET = 12.3456789
"""The value of the cell below the disclosure threshold: it must appear nowhere."""


def sample_observations() -> list[Observation]:
    """POV_NAT and SCHOOL_ATT for 2019-2024: totals, sex, governorate; one tiny cell."""
    out: list[Observation] = []
    for i, year in enumerate(range(2019, 2025)):
        total = 24.0 - 1.5 * i
        out.append(
            Observation(
                indicator="POV_NAT",
                period=year,
                area="DEMO",
                value=total,
                se=0.6,
                ci_low=total - 1.2,
                ci_high=total + 1.2,
                n=9000,
            )
        )
        for sex, shift in (("female", 1.0), ("male", -1.0)):
            v = total + shift
            out.append(
                Observation(
                    indicator="POV_NAT",
                    period=year,
                    area="DEMO",
                    disaggregation=(("sex", sex),),
                    value=v,
                    se=0.8,
                    ci_low=v - 1.6,
                    ci_high=v + 1.6,
                    n=4500,
                )
            )
        for gov in range(1, 13):
            v = total + gov - 6.0
            n = 700
            if gov == 11 and year == 2024:
                v, n = SECRET, 3  # below the minimum count: primary suppression
            out.append(
                Observation(
                    indicator="POV_NAT",
                    period=year,
                    area="DEMO",
                    disaggregation=(("governorate", str(gov)),),
                    value=v,
                    se=0.9,
                    ci_low=v - 1.8,
                    ci_high=v + 1.8,
                    n=n,
                )
            )
        att = 90.0 + 0.5 * i
        out.append(
            Observation(
                indicator="SCHOOL_ATT",
                period=year,
                area="DEMO",
                value=att,
                se=0.4,
                ci_low=att - 0.8,
                ci_high=att + 0.8,
                n=3000,
            )
        )
    return out


@pytest.fixture
def observatory(db: Any) -> Iterator[None]:
    """The demo catalogue with the sample observations published."""
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.web.observatory import services

    services.sync_catalogue(actor=None, catalogue=load_catalogue(DEMO_CATALOGUE))
    services.publish(actor=None, observations=sample_observations(), source="tests")
    yield


@pytest.fixture(autouse=True)
def _fresh_public_cache() -> Iterator[None]:
    """Each test starts with an empty page cache and no memo: the tests share one data folder,
    and a rolled-back test leaves the public version as it found it."""
    from django.conf import settings
    from django.core.cache import caches

    from insaf.web.core import versions

    if "pages" in settings.CACHES:
        caches["pages"].clear()
    versions.forget()
    yield
