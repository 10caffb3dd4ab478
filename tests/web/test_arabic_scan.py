"""Every Arabic page of the platform, with the demo loaded, is free of English.

The crawl starts from every URL pattern without parameters and follows the links
of each Arabic page, first as a visitor, then signed in as each kind of user the
demo has (a council member of the bureau, a government focal point, an analyst,
a registry officer, a caseworker), so the workspaces are scanned too. Every
page-producing URL pattern of the observatory, the council, the accounts, the
registry and the budget must have been visited. Each page's
text goes through the Latin-word scan of ``tests/latin.py``.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tests.latin import latin_words
from tests.web.conftest import make_user

pytestmark = pytest.mark.slow

NOT_PAGES = {
    # downloads and files (not HTML a person reads in the browser)
    "council:referrals_csv", "council:attachment", "council:impact_json",
    "council:impact_scenario", "council:commitments_csv", "observatory:indicator_csv",
    "observatory:indicator_sdmx", "observatory:all_csv", "observatory:all_sdmx",
    "budget:fdp",
    # a POST that answers with a redirect
    "accounts:logout", "registry:referral",
}  # fmt: skip
"""URL names that are not pages; every other named pattern must be crawled."""


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else prefix
            if namespace in ("accounts:", "council:", "observatory:", "registry:", "budget:"):
                names |= _names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name and prefix:
            names.add(prefix + entry.name)
    return names


def _crawl(client: Client, starts: list[str], seen: dict[str, str]) -> dict[str, list[Any]]:
    """Visit every Arabic page reachable from ``starts``; the Latin words found on each."""
    found: dict[str, list[Any]] = {}
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, HTTP_HOST="127.0.0.1")
        match = response.resolver_match
        seen[url] = f"{match.namespace}:{match.url_name}" if match else ""
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        words = latin_words(html)
        words += [(m, "a Latin comma in a date") for m in _LATIN_COMMA_DATE.findall(html)]
        if words:
            found[url] = words
        for href in _links(html):
            if href.startswith("/ar/") and href not in seen:
                queue.append(href)
    return found


_LATIN_COMMA_DATE = re.compile(r"\d{4}, \d{1,2}:\d{2}")
"""``2026, 15:44``: an Arabic date takes the Arabic comma (``2026، 15:44``)."""


def _links(html: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"]+)"', html):
        path, _fragment = urldefrag(href.replace("&amp;", "&"))
        parts = urlsplit(path)
        if parts.netloc or not parts.path.startswith("/ar/"):
            continue
        if "page=" in parts.query and "page=2" not in parts.query:
            continue  # one further page of each list is enough
        out.append(path)
    return out


@pytest.fixture
def demo(db: Any) -> None:
    from insaf.web.budget.demo import load_demo as load_budget
    from insaf.web.council.demo import load_demo as load_council
    from insaf.web.observatory.demo import load_demo as load_observatory
    from insaf.web.registry.demo import load_demo as load_registry

    load_observatory(households=800, years=(2021, 2022, 2023, 2024))
    load_council()
    load_registry(households=100)
    load_budget(households=800)


def test_every_arabic_page_is_in_arabic(demo: None) -> None:
    from django.contrib.auth.models import User

    from insaf.web.council import models as m

    client = Client(raise_request_exception=False)  # a refusal is a page too (403)

    starts = [
        f"/ar/{prefix}" for prefix in ("", "indicators/", "council/", "accounts/login/",
                                       "accounts/signup/", "council/petitions/new/",
                                       "registry/", "registry/eligibility/",
                                       "registry/grievance-statistics/")
    ]  # fmt: skip
    seen: dict[str, str] = {}
    found = _crawl(client, starts, seen)
    bureau = m.Member.objects.filter(bureau=True).select_related("user").first()
    focal = m.FocalPoint.objects.select_related("user").first()
    assert bureau is not None and focal is not None
    analyst = make_user("scan-analyst", "analyst")
    officer = User.objects.get(username="registry-officer")
    caseworker = User.objects.get(username="caseworker-1")
    users: list[User] = [bureau.user, focal.user, analyst, officer, caseworker]
    for user in users:
        client.force_login(user)
        visited: dict[str, str] = {}
        found |= _crawl(client, [*starts, *seen], visited)
        seen |= visited
        client.logout()
    report = [f"{url}: {word} ({where})" for url, words in found.items() for word, where in words]
    assert not report, f"{len(report)} Latin words on Arabic pages:\n" + "\n".join(report[:2000])
    missed = _names(get_resolver()) - set(seen.values()) - NOT_PAGES
    assert not missed, f"pages the crawl never reached: {sorted(missed)}"
