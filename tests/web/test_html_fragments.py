"""The two speed devices kept on purpose (docs/platform.md, "Speed"), and what keeps them safe.

- ``insaf.web.core.template_loader`` renders fixed translations and URLs once per
  language: every page must be byte for byte what Django's own rendering gives;
- ``insaf.web.observatory.queries`` writes the large tables' rows as escaped
  f-strings instead of template loops: every text there must be escaped.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from insaf.web.core import template_loader, versions
from insaf.web.observatory import models as m

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}
PAGES = [
    "",
    "indicators/",
    "indicators/POV_NAT/",
    "indicators/POV_NAT/?breakdown=sex",
    "indicators/POV_NAT/?breakdown=governorate",
    "frameworks/",
    "frameworks/SDG/",
    "furthest-behind/",
    "search/?q=poverty",
    "downloads/",
    "accounts/login/",
    "accounts/signup/",
    "council/",
]
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _reset_loaders() -> None:
    from django.template import engines

    for engine in engines.all():
        for loader in engine.engine.template_loaders:  # type: ignore[attr-defined]
            loader.reset()


def _pages(client: Client) -> dict[str, str]:
    from django.conf import settings
    from django.core.cache import caches

    _reset_loaders()
    out = {}
    for lang in ("ar", "en"):
        for path in PAGES:
            if "pages" in settings.CACHES:
                caches["pages"].clear()  # each page built now, not served from the page cache
            response = client.get(f"/{lang}/{path}", **HOST)
            assert response.status_code == 200, path
            out[f"/{lang}/{path}"] = _TOKEN.sub("", response.content.decode())
    return out


def test_every_page_renders_as_django_would(
    observatory: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    baked = _pages(client)
    monkeypatch.setattr(template_loader, "_bake", lambda nodelist: None)
    plain = _pages(client)
    assert baked.keys() == plain.keys()
    for path in baked:
        assert baked[path] == plain[path], path
    _reset_loaders()


def test_the_tables_written_in_python_escape_every_text(observatory: None, client: Client) -> None:
    hostile = '<b id="x">F & M</b>'
    m.Category.objects.filter(dimension__code="sex", code="female").update(
        name_en=hostile, name_ar=hostile
    )
    m.Category.objects.filter(dimension__code="governorate").update(name_en=hostile)
    m.Dimension.objects.filter(code__in=["sex", "governorate"]).update(name_en='D <i>"&"</i>')
    versions.bump()
    versions.forget()
    escaped = "&lt;b id=&quot;x&quot;&gt;F &amp; M&lt;/b&gt;"
    for path in (
        "/en/indicators/POV_NAT/?breakdown=sex",
        "/en/indicators/POV_NAT/?breakdown=governorate",
        "/ar/indicators/POV_NAT/?breakdown=sex",
        "/en/furthest-behind/",
    ):
        html = client.get(path, **HOST).content.decode()
        assert '<b id="x">' not in html and "<i>" not in html, path
        assert escaped in html, path
