"""API tokens: issued (shown once, only a hash kept), listed and revoked, by service, by the
management command and in the administration site; every change audited."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from tests.web.conftest import make_user
from tests.web.registry.conftest import Small

from insaf.web.core.models import AuditEvent
from insaf.web.registry import models as m
from insaf.web.registry import services

HOUSEHOLD = "/api/registry/households/HH-N1"


def _status(raw: str) -> int:
    return Client().get(HOUSEHOLD, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_is_shown_once_kept_as_a_hash_and_revoked(small: Small) -> None:
    raw = services.issue_token(actor=small.officer, user=small.caseworker, name="education")
    (token,) = m.ApiToken.objects.all()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:6] and token.issued_by == small.officer
    stored = [str(v) for v in m.ApiToken.objects.values_list(*[
        f.attname for f in m.ApiToken._meta.concrete_fields]).get()]  # fmt: skip
    assert raw not in stored  # the token itself is nowhere in its row
    assert _status(raw) == 200
    services.revoke_token(actor=small.officer, token=token)
    assert _status(raw) == 401
    with pytest.raises(services.access.NotAllowed, match="already revoked"):
        services.revoke_token(actor=small.officer, token=token)
    actions = list(
        AuditEvent.objects.filter(object_type="api_token").values_list("action", "actor_name")
    )
    assert sorted(actions) == [
        ("registry.token_issued", "officer"), ("registry.token_revoked", "officer")]  # fmt: skip


def test_who_may_issue_list_and_revoke(small: Small) -> None:
    mine = services.issue_token(actor=small.caseworker, user=small.caseworker, name="mine")
    with pytest.raises(services.access.NotAllowed):
        services.issue_token(actor=small.caseworker, user=small.auditor, name="theirs")
    services.issue_token(actor=small.officer, user=small.auditor, name="audit")
    assert [t.name for t in services.tokens(actor=small.caseworker)] == ["mine"]
    assert [t.name for t in services.tokens(actor=small.officer)] == ["audit", "mine"]
    theirs = m.ApiToken.objects.get(name="audit")
    with pytest.raises(services.access.NotAllowed):
        services.revoke_token(actor=small.caseworker, token=theirs)
    services.revoke_token(actor=small.caseworker, token=m.ApiToken.objects.get(name="mine"))
    assert _status(mine) == 401
    with pytest.raises(services.DataError, match="needs a name"):
        services.issue_token(actor=small.officer, user=small.auditor, name="  ")


def test_the_management_command(small: Small) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "registry_token", "issue", "caseworker-north", "--name", "school census", "--by",
        "officer", stdout=out, stderr=err,
    )  # fmt: skip
    raw = out.getvalue().strip()
    assert _status(raw) == 200 and "cannot be shown again" in err.getvalue()
    listed = io.StringIO()
    call_command("registry_token", "list", "--by", "officer", stdout=listed)
    (line,) = listed.getvalue().splitlines()
    number, user, name, prefix, _, state = line.split("\t")
    assert (user, name, prefix, state) == ("caseworker-north", "school census", raw[:6] + "…",
                                           "active")  # fmt: skip
    assert raw not in listed.getvalue()
    with pytest.raises(CommandError, match="registry officer"):
        call_command("registry_token", "revoke", number, "--by", "auditor")
    with pytest.raises(CommandError, match="no account 'nobody'"):
        call_command("registry_token", "issue", "nobody", "--name", "x", "--by", "officer")
    call_command("registry_token", "revoke", number, "--by", "officer", stdout=io.StringIO())
    assert _status(raw) == 401
    assert AuditEvent.objects.filter(action="registry.token_revoked", actor_name="officer").exists()


def test_the_administration_site_issues_and_revokes(small: Small) -> None:
    from tests.web.conftest import PASSWORD

    make_user("boss", "administrator")
    client = Client()
    assert client.login(username="boss", password=PASSWORD)
    added = client.post(
        "/admin/registry/apitoken/add/",
        {"user": small.caseworker.pk, "name": "from the site"},
        follow=True,
    )
    assert added.status_code == 200
    shown = [str(message) for message in added.context["messages"]]
    token = m.ApiToken.objects.get(name="from the site")
    (raw,) = [w for text in shown for w in text.split() if w.startswith(token.prefix)]
    assert _status(raw) == 200
    page = client.get(f"/admin/registry/apitoken/{token.pk}/change/")  # read only
    assert page.status_code == 200 and raw not in page.content.decode()
    assert 'name="name"' not in page.content.decode()
    client.post(
        "/admin/registry/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert _status(raw) == 401
    events = AuditEvent.objects.filter(object_type="api_token", actor_name="boss")
    assert sorted(events.values_list("action", flat=True)) == [
        "registry.token_issued", "registry.token_revoked"]  # fmt: skip
