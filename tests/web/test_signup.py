"""A citizen signs up: inactive account, a mailed link, verification, then login; throttled."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from tests.web.conftest import PASSWORD, make_user

from insaf.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}


def sign_up(client: Client, email: str, lang: str = "en", **fields: str) -> int:
    data = {"email": email, "name": "Hala", "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post(f"/{lang}/accounts/signup/", data, **HOST).status_code


def login(client: Client, username: str) -> int:
    return client.post(
        "/en/accounts/login/", {"username": username, "password": PASSWORD}, **HOST
    ).status_code


def mailed_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/]+(/\w\w/accounts/verify/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_citizen_signs_up_verifies_and_logs_in(client: Client) -> None:
    assert sign_up(client, "Hala@Example.org") == 302
    user = User.objects.get(username="hala@example.org")
    assert not user.is_active and user.first_name == "Hala"
    assert list(user.groups.values_list("name", flat=True)) == ["public"]
    assert login(Client(), "hala@example.org") == 200  # inactive: refused
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hala@example.org"]
    link = mailed_link(mail.outbox[0])
    # the link's GET only shows a button: a mail scanner activates nothing
    page = client.get(link, **HOST)
    assert page.status_code == 200 and "hala@example.org" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert client.post(link, **HOST).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(action="account.verified", object_id=user.username).exists()
    assert AuditEvent.objects.filter(action="account.signup", object_id=user.username).exists()
    assert login(Client(), "hala@example.org") == 302
    # the link is spent once the account is active
    assert client.get(link, **HOST).status_code == 400


def test_the_arabic_page_and_mail_are_in_arabic(client: Client) -> None:
    page = client.get("/ar/accounts/signup/", **HOST).content.decode()
    assert "إنشاء حساب" in page and 'name="csrfmiddlewaretoken"' in page
    assert sign_up(client, "samir@example.org", lang="ar") == 302
    message = mail.outbox[0]
    assert "/ar/accounts/verify/" in message.body
    assert not re.search(r"[A-Za-z]{4,}", message.subject.replace("INSAF", ""))


def test_a_bad_or_tampered_link_is_refused(client: Client) -> None:
    sign_up(client, "omar@example.org")
    link = mailed_link(mail.outbox[0])
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
    assert client.get(tampered, **HOST).status_code == 400
    assert client.post(tampered, **HOST).status_code == 400
    assert client.get("/en/accounts/verify/!!/abc/", **HOST).status_code == 400
    assert not User.objects.get(username="omar@example.org").is_active


def test_bad_input_is_shown_and_makes_nothing(client: Client) -> None:
    assert sign_up(client, "not an address") == 200
    assert sign_up(client, "a@example.org", password2="something else entirely") == 200
    response = client.post(
        "/en/accounts/signup/",
        {"email": "b@example.org", "password1": "short", "password2": "short"},
        **HOST,
    )
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(username__in=["a@example.org", "b@example.org"]).exists()
    assert mail.outbox == []


def test_an_existing_address_gets_the_same_answer_and_a_note(client: Client) -> None:
    make_user("taken")
    User.objects.filter(username="taken").update(email="taken@example.org")
    assert sign_up(client, "TAKEN@example.org") == 302  # the same answer as a new address
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert "already has an account" in mail.outbox[0].body
    assert "/accounts/verify/" not in mail.outbox[0].body


def test_signup_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert sign_up(client, "csrf@example.org") == 403
    assert not User.objects.filter(username="csrf@example.org").exists()


@override_settings(LOGIN_ATTEMPTS=3)
def test_signups_are_throttled_like_logins(client: Client) -> None:
    for _ in range(3):
        assert sign_up(client, "spam@example.org") == 302
    assert sign_up(client, "spam@example.org") == 429
    assert len(mail.outbox) == 3
    # the address's budget (4 x 3 attempts) is shared with logins: 3 used, 9 more
    for i in range(9):
        assert sign_up(client, f"other{i}@example.org") == 302
    assert sign_up(client, "one-more@example.org") == 429
    # but logins of other accounts from that address are not locked (docs/security.md):
    # the address may be a proxy's, shared by everyone behind it
    assert login(client, "someone") == 200
