"""Login with rate limiting, logout, roles and the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from tests.web.conftest import PASSWORD, make_user

from insaf.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}


def login(client: Client, username: str, password: str = PASSWORD) -> int:
    response = client.post(
        "/en/accounts/login/", {"username": username, "password": password, "next": "/en/"}, **HOST
    )
    return response.status_code


def test_login_and_logout_are_audited(client: Client) -> None:
    make_user("amal", "analyst")
    assert login(client, "amal") == 302
    assert AuditEvent.objects.filter(action="account.login", actor_name="amal").exists()
    assert client.get("/en/logout/", **HOST).status_code == 404  # no GET logout anywhere
    assert client.get("/en/accounts/logout/", **HOST).status_code == 405  # POST only
    assert client.post("/en/accounts/logout/", **HOST).status_code == 302
    assert AuditEvent.objects.filter(action="account.logout", actor_name="amal").exists()


@override_settings(LOGIN_ATTEMPTS=3)
def test_failed_logins_are_rate_limited(client: Client) -> None:
    make_user("sami")
    for _ in range(3):
        assert login(client, "sami", "wrong password") == 200
    # the fourth attempt is refused before the password is checked, even the right one
    assert login(client, "sami") == 429
    assert AuditEvent.objects.filter(action="account.login_failed", object_id="sami").count() == 3
    # another account from the same address still works
    make_user("rana")
    assert login(Client(), "rana") == 302


def test_roles_guard_the_manage_page(client: Client) -> None:
    make_user("citizen", "public")
    make_user("analyst1", "analyst")
    assert client.get("/en/manage/", **HOST).status_code == 302  # anonymous: to the login page
    login(client, "citizen")
    assert client.get("/en/manage/", **HOST).status_code == 403
    client.post("/en/accounts/logout/", **HOST)
    login(client, "analyst1")
    assert client.get("/en/manage/", **HOST).status_code == 200


def test_admin_site_needs_the_administrator_role(client: Client) -> None:
    make_user("analyst2", "analyst")
    make_user("boss", "administrator")
    login(client, "analyst2")
    response = client.get("/admin/", **HOST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post("/en/accounts/logout/", **HOST)
    login(client, "boss")
    assert client.get("/admin/", **HOST).status_code == 200
    assert client.get("/admin/observatory/indicator/", **HOST).status_code == 200


def test_role_assignment_is_audited() -> None:
    make_user("nour", "council_member")
    event = AuditEvent.objects.get(action="role.assign", object_id="nour")
    assert event.before == {"roles": []} and event.after == {"roles": ["council_member"]}
