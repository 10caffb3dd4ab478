"""Authentication under attack: the administration login, lockout by address, proxies, TOTP.

Findings this covers: the administration login answered 200 to any number of
wrong passwords and audited nothing; 21 failures with unknown usernames from
one address (a proxy's, say) locked out every account behind it; there was no
second factor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from tests.web.conftest import PASSWORD, make_user

from insaf.errors import InsafError
from insaf.web.core.models import AuditEvent
from insaf.web.core.network import client_address

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Many logins here; a fast hasher keeps the tests quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(
    client: Client, username: str, password: str = PASSWORD, *, code: str = "", **extra: Any
) -> Any:
    return client.post(
        "/en/accounts/login/",
        {"username": username, "password": password, "code": code, "next": "/en/"},
        **HOST,
        **extra,
    )


# The administration login ------------------------------------------------------------------


def test_the_admin_login_is_the_throttled_and_audited_login(client: Client) -> None:
    make_user("boss", "administrator")
    # a POST of a password to the administration login checks nothing and logs no one in
    for _ in range(12):
        response = client.post("/admin/login/", {"username": "boss", "password": "wrong"}, **HOST)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/?next=")
    assert client.get("/admin/", **HOST).status_code == 302  # still not signed in
    # the page it leads to throttles and audits
    target = client.get("/admin/login/?next=/admin/observatory/", **HOST)["Location"]
    assert target == "/en/accounts/login/?next=%2Fadmin%2Fobservatory%2F"
    statuses = [login(client, "boss", "wrong").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert AuditEvent.objects.filter(action="account.login_failed", object_id="boss").count() == 5
    # and a right password from elsewhere then leads into the administration site
    other = Client(REMOTE_ADDR="192.0.2.7")
    response = other.post(
        "/en/accounts/login/",
        {"username": "boss", "password": PASSWORD, "next": "/admin/"},
        **HOST,
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert other.get("/admin/", **HOST).status_code == 200
    assert AuditEvent.objects.filter(action="account.login", actor_name="boss").exists()


# Throttling per account and per address ----------------------------------------------------


@override_settings(LOGIN_ATTEMPTS=5)
def test_unknown_usernames_from_one_address_lock_out_no_one(client: Client) -> None:
    make_user("rana")
    for i in range(40):  # twice what used to lock the whole address
        assert login(client, f"nobody{i}", "guess").status_code == 200
    assert login(client, "rana").status_code == 302  # same address, another account


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_WINDOW=900)
def test_one_account_from_one_address_is_locked_with_retry_after() -> None:
    make_user("sami")
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        assert login(attacker, "sami", "wrong").status_code == 200
    locked = login(attacker, "sami")  # even the right password is not checked now
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 900
    # the owner, from their own address, is not locked out by that
    assert login(Client(REMOTE_ADDR="203.0.113.5"), "sami").status_code == 302


@override_settings(LOGIN_ATTEMPTS=2)
def test_guessing_one_account_from_many_addresses_is_locked_everywhere() -> None:
    make_user("huda")
    for n in range(4):  # 4 addresses x 2 attempts = 4 x LOGIN_ATTEMPTS
        guesser = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert [login(guesser, "huda", "x").status_code for _ in range(2)] == [200, 200]
    assert login(Client(REMOTE_ADDR="203.0.113.77"), "huda").status_code == 429


@override_settings(LOGIN_ATTEMPTS=3)
def test_a_success_clears_only_its_own_addresses_failures() -> None:
    make_user("lina")
    a, b = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    for _ in range(2):
        login(a, "lina", "x")
        login(b, "lina", "x")
    assert login(a, "lina").status_code == 302
    assert login(b, "lina", "x").status_code == 200
    assert login(b, "lina").status_code == 429  # b's three failures still count


# The client's address behind a proxy -------------------------------------------------------


def _request(**meta: str) -> Any:
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)


def test_by_default_no_proxy_header_is_believed() -> None:
    request = _request(HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="1.2.3.4")
    assert client_address(request) == "10.0.0.1"


@override_settings(PROXY_HOPS=1)
def test_one_trusted_proxy_hop() -> None:
    assert client_address(_request(HTTP_X_FORWARDED_FOR="192.0.2.1")) == "192.0.2.1"
    # what the client wrote before the proxy's value is not believed
    assert client_address(_request(HTTP_X_FORWARDED_FOR="9.9.9.9, 192.0.2.1")) == "192.0.2.1"
    assert client_address(_request()) == "10.0.0.1"  # not through the proxy
    assert client_address(_request(HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"


@override_settings(PROXY_HOPS=2)
def test_two_trusted_proxy_hops() -> None:
    forwarded = "9.9.9.9, 192.0.2.1, 10.0.0.2"
    assert client_address(_request(HTTP_X_FORWARDED_FOR=forwarded)) == "192.0.2.1"
    assert client_address(_request(HTTP_X_FORWARDED_FOR="10.0.0.2")) == "10.0.0.1"


@override_settings(CLIENT_IP_HEADER="X-Real-IP")
def test_a_named_client_address_header() -> None:
    assert client_address(_request(HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"
    assert client_address(_request(HTTP_X_FORWARDED_FOR="192.0.2.1")) == "10.0.0.1"


@override_settings(PROXY_HOPS=1, LOGIN_ATTEMPTS=3)
def test_behind_a_proxy_each_visitor_has_their_own_attempts() -> None:
    make_user("omar")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(3):
        login(attacker, "omar", "wrong")
    assert login(attacker, "omar").status_code == 429
    # the attacker's forged header does not make them someone else
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.66")
    assert login(forged, "omar").status_code == 429
    owner = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert login(owner, "omar").status_code == 302
    failure = AuditEvent.objects.filter(action="account.login_failed").first()
    assert failure is not None and failure.summary == "from 198.51.100.66"


def test_proxy_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from insaf.web.env import proxy_settings

    assert proxy_settings() == (0, "")
    monkeypatch.setenv("INSAF_PROXY_HOPS", "1")
    monkeypatch.setenv("INSAF_CLIENT_IP_HEADER", "X-Real-IP")
    with pytest.raises(InsafError, match="not both"):
        proxy_settings()
    monkeypatch.delenv("INSAF_CLIENT_IP_HEADER")
    monkeypatch.setenv("INSAF_PROXY_HOPS", "-1")
    with pytest.raises(InsafError, match="INSAF_PROXY_HOPS"):
        proxy_settings()


# The second factor (TOTP) ------------------------------------------------------------------


def rfc6238(secret: str, *, at: float, step: int = 30, digits: int = 6) -> str:
    """The TOTP code of a base32 secret at a time, written out from RFC 6238 / RFC 4226."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int(at // step))
    mac = hmac.new(key, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def test_rfc6238_reference_value() -> None:
    """RFC 6238, appendix B: the SHA-1 key "12345678901234567890" at 59 s gives 94287082."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert rfc6238(secret, at=59, digits=8) == "94287082"


@pytest.fixture
def no_code_delay(settings: Any) -> None:
    """django-otp waits longer after each wrong code; the tests type wrong codes on purpose."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_staff_turn_the_second_factor_on_and_then_need_a_code(
    client: Client, no_code_delay: None
) -> None:
    make_user("aya", "analyst")
    assert login(client, "aya").status_code == 302
    page = client.get("/en/accounts/second-factor/", **HOST)
    assert page.status_code == 200 and "The second factor is off" in page.content.decode()
    found = re.search(r'id="second-factor-secret" dir="ltr">([A-Z2-7=]+)<', page.content.decode())
    assert found is not None
    secret = found.group(1)
    now = time.time()
    wrong = client.post("/en/accounts/second-factor/", {"code": "000000"}, **HOST)
    assert "not correct" in wrong.content.decode()
    response = client.post("/en/accounts/second-factor/", {"code": rfc6238(secret, at=now)}, **HOST)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.second_factor_on", actor_name="aya").exists()
    client.post("/en/accounts/logout/", **HOST)

    # the password alone, or with a wrong code, no longer logs in, and each counts as a failure
    no_code = login(client, "aya")
    assert no_code.status_code == 200 and "authenticator application is not correct" in (
        no_code.content.decode()
    )
    assert login(client, "aya", code="123456").status_code == 200
    failures = AuditEvent.objects.filter(action="account.login_failed", object_id="aya")
    assert [e.summary for e in failures] == ["from 127.0.0.1 (second factor)"] * 2
    # the next step's code (the one just used is never accepted twice) logs in
    assert login(client, "aya", code=rfc6238(secret, at=now + 30)).status_code == 302

    # and turning it off needs a current code too
    off = client.post("/en/accounts/second-factor/", {"code": "000000"}, **HOST)
    assert "not correct" in off.content.decode()
    off = client.post("/en/accounts/second-factor/", {"code": rfc6238(secret, at=now + 60)}, **HOST)
    assert off.status_code == 302
    assert AuditEvent.objects.filter(action="account.second_factor_off", actor_name="aya").exists()
    client.post("/en/accounts/logout/", **HOST)
    assert login(client, "aya").status_code == 302


def test_devices_are_not_managed_in_the_administration_site(client: Client) -> None:
    make_user("root", "administrator")
    login(client, "root")
    assert client.get("/admin/", **HOST).status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/", **HOST).status_code == 404


def test_second_factor_page_is_for_staff_only(client: Client) -> None:
    assert client.get("/en/accounts/second-factor/", **HOST).status_code == 302
    make_user("citizen", "public")
    login(client, "citizen")
    assert client.get("/en/accounts/second-factor/", **HOST).status_code == 403
