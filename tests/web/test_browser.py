"""The platform in a real browser: Debian's Chromium driven by Playwright, axe-core checks.

Needs ``scripts/test-prereqs.sh`` (Chromium at /usr/bin/chromium, axe-core under
tests/web/axe). The tests are skipped, with the reason, when either is missing.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import PASSWORD, SECRET, make_user

# Playwright's sync API keeps an event loop in the test thread; the database calls made
# by fixtures from that thread are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="run scripts/test-prereqs.sh: no /usr/bin/chromium"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, observatory: None) -> str:
    return str(live_server.url)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    context.close()


def test_switch_to_arabic_is_right_to_left(site: str, page: Any) -> None:
    page.goto(f"{site}/en/")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#language-switch")
    page.wait_for_url("**/ar/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # the brand, at the start of the header, sits on the right in Arabic
    box = page.locator(".brand").bounding_box()
    assert box["x"] > page.viewport_size["width"] / 2
    assert "المرصد الاجتماعي" in page.title()
    assert page.errors == []  # no CSP violation or script error


def test_open_indicator_change_disaggregation_and_download(site: str, page: Any) -> None:
    page.goto(f"{site}/en/")
    page.click("text=Poverty headcount ratio at the national poverty line")
    page.wait_for_url("**/indicators/POV_NAT/")
    assert page.locator("svg.chart").count() == 1
    assert "was 16.5" in page.locator("#chart-summary").inner_text()
    page.select_option("#breakdown", "sex")
    page.click("#breakdown-submit")
    page.wait_for_url("**/indicators/POV_NAT/?breakdown=sex")
    rows = page.locator("#data-table tbody tr")
    assert rows.count() == 3  # total, women and girls, men and boys
    assert "Women and girls" in page.locator("#gap-table").inner_text()
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    data = list(csv.DictReader(io.StringIO(text)))
    assert data and {r["indicator"] for r in data} == {"POV_NAT"}
    assert str(SECRET) not in text
    assert page.errors == []


def test_log_in_and_out(site: str, page: Any) -> None:
    make_user("laila", "analyst")
    page.goto(f"{site}/en/")
    page.click("#login-link")
    page.fill("#id_username", "laila")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#logout")
    assert "laila" in page.locator(".who").inner_text()
    page.goto(f"{site}/en/manage/")
    assert page.locator("h1").inner_text() == "Manage the observatory"
    page.click("#logout")
    page.wait_for_selector("#login-link")


def test_refused_an_administrator_page_without_the_role(site: str, page: Any) -> None:
    make_user("omar", "public")
    page.goto(f"{site}/en/accounts/login/?next=/en/manage/")
    page.fill("#id_username", "omar")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    response = page.goto(f"{site}/en/manage/")
    assert response.status == 403
    assert "Access refused" in page.locator("h1").inner_text()
    page.goto(f"{site}/admin/")
    # the administration site wants an administrator; its login is the platform's own
    assert "/accounts/login/" in page.url and "next=%2Fadmin%2F" in page.url


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/test-prereqs.sh: axe-core not installed")
@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/ar/",
        "/en/indicators/POV_NAT/?breakdown=sex",
        "/ar/indicators/POV_NAT/?breakdown=governorate",
        "/ar/rights/icescr_11/",
        "/ar/frameworks/SDG/",
        "/en/furthest-behind/",
        "/ar/search/?q=فقر",
        "/en/downloads/",
        "/ar/accounts/login/",
        "/en/indicators/",
        "/ar/indicators/",
        "/ar/accounts/signup/",
        "/en/accounts/signup/",
    ],
)
def test_no_serious_accessibility_violations(site: str, page: Any, path: str) -> None:
    page.goto(f"{site}{path}")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], "\n".join(serious)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_charts_fit_their_data_and_keep_the_target_label_inside(
    site: str, page: Any, lang: str
) -> None:
    for path in ("indicators/SCHOOL_ATT/", "indicators/POV_NAT/?breakdown=sex"):
        page.goto(f"{site}/{lang}/{path}")
        box = page.evaluate(
            """() => {
                const svg = document.querySelector('svg.chart');
                const label = svg.querySelector('text.chart-target').getBBox();
                const view = svg.viewBox.baseVal;
                const ticks = [...svg.querySelectorAll('text[text-anchor="end"][fill="#333333"]')]
                    .map(t => parseFloat(t.textContent.replace(/,/g, '')));
                return {x: label.x, right: label.x + label.width, y: label.y,
                        bottom: label.y + label.height, width: view.width, ticks: ticks};
            }"""
        )
        # inside the plot (64 px left margin, 24 px right), below its top edge
        assert box["x"] >= 64 and box["right"] <= box["width"] - 24, (lang, path, box)
        assert box["y"] >= 0, (lang, path, box)
        if path.startswith("indicators/SCHOOL_ATT"):
            # 90 % to 98 % (the target): the axis starts near the data, not at 0
            assert box["ticks"][0] >= 80, box["ticks"]


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/test-prereqs.sh: axe-core not installed")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_right_page_with_its_realisation_charts_is_accessible(
    site: str, page: Any, lang: str
) -> None:
    """A right's page with a stored budget: the spending table, and each outcome's trend
    drawn against the spending per person; no serious axe violation, every chart's text
    inside its frame."""
    from tests.web.test_rights_pages import _education_budget

    from insaf.web.budget import services as budget_services

    budget_services.store_budget(actor=None, code="test", budget=_education_budget())
    page.goto(f"{site}/{lang}/rights/icescr_13/")
    assert page.locator("#spending-table tbody tr").count() == 3
    assert page.locator("svg.chart.realisation").count() == 1
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart.realisation')].map(svg => {
            const view = svg.viewBox.baseVal;
            const texts = [...svg.querySelectorAll('text')].map(t => t.getBBox());
            const bars = [...svg.querySelectorAll('rect.chart-bar')].map(r => r.getBBox());
            return {width: view.width, height: view.height, bars: bars.length,
                    left: Math.min(...texts.map(b => b.x)),
                    right: Math.max(...texts.map(b => b.x + b.width)),
                    bottom: Math.max(...texts.map(b => b.y + b.height)),
                    barsBottom: Math.max(...bars.map(b => b.y + b.height))};
        })"""
    )
    for box in boxes:
        assert box["bars"] == 3
        assert box["left"] >= 0 and box["right"] <= box["width"], box
        assert box["bottom"] <= box["height"], box
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], "\n".join(serious)
    assert page.errors == []
