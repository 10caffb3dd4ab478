"""The public cache: a change is seen by the next request, a suppressed cell never shows,
languages and signed-in users are kept apart, conditional GET, the shared SQLite cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.http import http_date
from tests.web.conftest import SECRET, make_user

from insaf.observatory import Observation
from insaf.web.core import template_loader, versions
from insaf.web.core.models import PublicVersion
from insaf.web.core.services import record
from insaf.web.core.sqlite_cache import SQLiteCache
from insaf.web.observatory import models as m
from insaf.web.observatory import queries, services

HOST = {"HTTP_HOST": "127.0.0.1"}
PAGE = "/en/indicators/POV_NAT/"
API = "/api/observatory/indicators/POV_NAT/observations?breakdown="


def total(year: int, value: float) -> Observation:
    return Observation(
        indicator="POV_NAT",
        period=year,
        area="DEMO",
        value=value,
        se=0.5,
        ci_low=value - 1,
        ci_high=value + 1,
        n=9000,
    )


def test_a_page_asked_for_twice_is_then_served_from_the_cache(
    observatory: None, client: Client, django_assert_max_num_queries: object
) -> None:
    first = client.get(PAGE, **HOST)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    assert _stored() == []  # asked for once: only a marker
    second = client.get(PAGE, **HOST)
    assert len(_stored()) == 1
    with django_assert_max_num_queries(1):  # type: ignore[operator]  # the version, nothing else
        third = client.get(PAGE, **HOST)
    assert first.content == second.content == third.content
    assert third.headers["ETag"] == first.headers["ETag"]
    assert "Cookie" in third.headers["Vary"]


def _stored() -> list[tuple[bytes, str]]:
    """The pages and answers in the shared cache (not the first-request markers)."""
    cache = caches["pages"]
    assert isinstance(cache, SQLiteCache)
    rows = cache._db().execute("SELECT key, value FROM cache").fetchall()
    return [cache._load(blob) for key, blob in rows if ":page:" in key]


def test_a_publish_changes_what_the_next_request_sees(observatory: None, client: Client) -> None:
    page, api = client.get(PAGE, **HOST), client.get(API, **HOST)
    assert b"2025" not in page.content and b"2025" not in api.content
    services.publish(actor=None, observations=[total(2025, 13.5)], source="tests 2025")
    page2, api2 = client.get(PAGE, **HOST), client.get(API, **HOST)
    assert "was 13.5 (% of persons) in 2025" in page2.content.decode()
    assert any(o["period"] == 2025 and o["value"] == 13.5 for o in api2.json()["items"])
    assert page2.headers["ETag"] != page.headers["ETag"]


def test_a_new_target_is_seen_at_once(observatory: None, client: Client) -> None:
    assert "The target is 10.0 by 2030" in client.get(PAGE, **HOST).content.decode()
    ind = m.Indicator.objects.get(code="POV_NAT")
    services.set_target(actor=None, indicator=ind, value=7.5, year=2032, baseline_year=2019)
    assert "The target is 7.5 by 2032" in client.get(PAGE, **HOST).content.decode()


def test_stricter_disclosure_rules_empty_every_cached_copy(
    observatory: None, client: Client
) -> None:
    """Governorate 7 (n = 700) is shown, cached, then suppressed by a stricter minimum count."""
    url = "/en/indicators/POV_NAT/?breakdown=governorate"
    api = "/api/observatory/indicators/POV_NAT/observations?key=governorate=7&period=2024"
    value = 16.5 + 7 - 6.0  # governorate 7 in 2024 (conftest)
    shown = f"{value:,.1f}"
    assert shown in client.get(url, **HOST).content.decode()
    assert client.get(api, **HOST).json()["items"][0]["value"] == value
    etag = client.get(url, **HOST).headers["ETag"]
    services.set_disclosure_policy(
        actor=None, min_count=800, cv_caution=0.165, cv_suppress=0.333, secondary=True
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **HOST)
    assert again.status_code == 200 and shown not in again.content.decode()
    item = client.get(api, **HOST).json()["items"][0]
    assert item["suppressed"] is True and item["value"] is None


def test_a_suppressed_cell_is_in_no_cached_copy(observatory: None, client: Client) -> None:
    urls = [
        f"/{lang}/indicators/POV_NAT/?breakdown={b}"
        for lang in ("ar", "en")
        for b in ("", "governorate", "sex")
    ]
    urls += [
        "/api/observatory/indicators/POV_NAT/observations?breakdown=governorate",
        "/api/observatory/indicators/POV_NAT/observations?key=governorate=11",
    ]
    for _ in range(3):  # rendered, rendered and stored, then from the cache
        for url in urls:
            text = client.get(url, **HOST).content.decode()
            for shown in (f"{SECRET}", f"{SECRET:.1f}", f"{SECRET:.2f}", f"{SECRET:.6g}"):
                assert shown not in text, (url, shown)
    blobs = _stored()
    assert len(blobs) == len(urls)
    assert not any(f"{SECRET:.1f}".encode() in content for content, _type in blobs)


def test_arabic_and_english_are_never_served_from_each_other(
    observatory: None, client: Client
) -> None:
    for _ in range(2):
        ar = client.get("/ar/indicators/POV_NAT/", **HOST)
        en = client.get("/en/indicators/POV_NAT/", HTTP_ACCEPT_LANGUAGE="ar", **HOST)
        assert '<html lang="ar" dir="rtl">' in ar.content.decode()
        assert '<html lang="en" dir="ltr">' in en.content.decode()
        assert "Women and girls" not in ar.content.decode()
        assert ar.headers["ETag"] != en.headers["ETag"]
    # the API answer is the same in both languages, keyed apart all the same
    assert (
        client.get(API, HTTP_ACCEPT_LANGUAGE="ar", **HOST).content
        == client.get(API, HTTP_ACCEPT_LANGUAGE="en", **HOST).content
    )


def test_signed_in_users_get_their_own_page_and_leave_none_behind(
    observatory: None, client: Client
) -> None:
    anonymous = client.get(PAGE, **HOST)
    assert b'id="login-link"' in anonymous.content
    client.force_login(make_user("mona.analyst", "analyst"))
    mine = client.get(PAGE, **HOST)
    text = mine.content.decode()
    assert "mona.analyst" in text and 'id="logout"' in text and "csrfmiddlewaretoken" in text
    assert "ETag" not in mine.headers and "Manage" in text
    client.logout()
    after = Client().get(PAGE, **HOST)
    assert b"mona.analyst" not in after.content and b"csrfmiddlewaretoken" not in after.content
    assert b'id="login-link"' in after.content


def test_a_visitor_with_a_message_waiting_is_not_served_a_cached_page(
    observatory: None, client: Client
) -> None:
    client.get(PAGE, **HOST)
    client.cookies["messages"] = "pending"
    response = client.get(PAGE, **HOST)
    assert response.status_code == 200 and "ETag" not in response.headers


def test_conditional_get_for_pages_api_and_downloads(observatory: None, client: Client) -> None:
    for url in (PAGE, API, "/en/indicators/POV_NAT/data.csv", "/en/downloads/observatory.csv"):
        first = client.get(url, **HOST)
        etag = first.headers["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, **HOST)
        assert again.status_code == 304 and again.content == b"", url
        assert again.headers["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"', **HOST).status_code == 200
    services.publish(actor=None, observations=[total(2025, 13.5)], source="tests 2025")
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=etag, **HOST).status_code == 200


def test_last_modified_and_if_modified_since(observatory: None, client: Client) -> None:
    # Last-Modified is sent once the second of the last change has passed
    PublicVersion.objects.update(changed=int((time.time() - 10) * 1e6))  # every scope
    first = client.get(PAGE, **HOST)
    since = first.headers["Last-Modified"]
    assert client.get(PAGE, HTTP_IF_MODIFIED_SINCE=since, **HOST).status_code == 304
    earlier = http_date(time.time() - 3600)
    assert client.get(PAGE, HTTP_IF_MODIFIED_SINCE=earlier, **HOST).status_code == 200
    services.publish(actor=None, observations=[total(2025, 13.5)], source="tests 2025")
    assert client.get(PAGE, HTTP_IF_MODIFIED_SINCE=since, **HOST).status_code == 200


@pytest.mark.django_db
def test_every_audited_change_but_account_events_replaces_the_version() -> None:
    before = versions.current()
    assert before is not None
    record(actor=None, action="account.login", object_type="user", object_id="x")
    assert versions.current() == before
    record(actor=None, action="indicator.change", object_type="indicator", object_id="X")
    after = versions.current()
    assert after is not None and after.stamp != before.stamp and after.changed >= before.changed


def test_deleting_from_the_admin_list_is_audited_and_seen(observatory: None) -> None:
    from django.contrib import admin

    from insaf.web.core.models import AuditEvent

    before = versions.current()
    request = RequestFactory().post("/admin/observatory/framework/")
    request.user = make_user("root", "administrator")
    model_admin = admin.site._registry[m.Framework]
    model_admin.delete_queryset(request, m.Framework.objects.filter(code="NDP"))
    assert AuditEvent.objects.filter(action="admin.delete", object_type="observatory.framework")
    assert versions.current() != before


@pytest.mark.django_db
def test_memos_follow_the_version() -> None:
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    assert versions.memo("test", load) == 1 and versions.memo("test", load) == 1
    versions.bump()
    assert versions.memo("test", load) == 2
    PublicVersion.objects.all().delete()  # no version: nothing is memoised
    assert versions.memo("test", load) == 3 and versions.memo("test", load) == 4


def test_fixed_text_rendered_once_changes_nothing(
    observatory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-language templates render byte for byte what plain templates render."""
    factory = RequestFactory()

    def render(lang: str) -> str:
        from django.contrib.auth.models import AnonymousUser
        from django.template import engines

        for engine in engines.all():
            for loader in engine.engine.template_loaders:  # type: ignore[attr-defined]
                loader.reset()
        with translation.override(lang):
            request = factory.get(f"/{lang}/indicators/POV_NAT/", **HOST)
            request.user = AnonymousUser()
            ind = queries.published_indicator("POV_NAT")
            assert ind is not None
            page = queries.indicator_page(ind, breakdown="sex")
            return render_to_string(
                "observatory/indicator.html", {"page": page, "ind": ind}, request=request
            )

    baked = {lang: render(lang) for lang in ("ar", "en")}
    monkeypatch.setattr(template_loader, "_bake", lambda nodelist: None)
    assert baked == {lang: render(lang) for lang in ("ar", "en")}
    assert 'href="/ar/frameworks/"' in baked["ar"] and 'href="/en/frameworks/"' in baked["en"]


def test_each_test_process_has_its_own_data_folder_and_page_cache() -> None:
    """pytest-xdist's workers inherit the environment of the process that started them: had
    they read that process's folder, each would empty the other's page cache mid-test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = Path(settings.DATA_DIR)
    assert folder.name.startswith(f"insaf-web-tests-{worker}-")
    assert Path(settings.CACHES["pages"]["LOCATION"]).parent == folder
    assert os.environ.get("INSAF_DATA") != str(folder)  # not handed down to child processes


def test_sqlite_cache_is_shared_expires_and_culls(tmp_path: Path) -> None:
    params = {"TIMEOUT": 60, "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}
    one = SQLiteCache(str(tmp_path / "c.sqlite3"), params)
    two = SQLiteCache(str(tmp_path / "c.sqlite3"), params)  # another process's view
    one.set("page", (b"x" * 5000, "text/html"))
    assert two.get("page") == (b"x" * 5000, "text/html")
    assert not two.add("page", 1) and two.add("other", 1) and one.get("other") == 1
    one.set("short", 1, timeout=0.01)
    time.sleep(0.05)
    assert two.get("short", "gone") == "gone" and not two.has_key("short")
    assert two.add("short", 2) and one.get("short") == 2  # an expired entry can be added again
    assert one.touch("page", 120) and one.delete("page") and two.get("page") is None
    for k in range(100):
        one.set(f"k{k}", k)
    count = one._db().execute("SELECT count(*) FROM cache").fetchone()[0]
    assert count <= 10 + 64  # checked every 64 writes
    assert one.get("k99") == 99  # the newest survive
    two.clear()
    assert one.get("k99") is None
