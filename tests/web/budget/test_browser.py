"""Budget pages in Arabic in a real browser (Debian's Chromium), checked by axe-core: a
programme page, and the demo's benefit incidence and gender budgeting pages.

Skipped, with the reason, without ``scripts/test-prereqs.sh`` (as ``tests/web/test_browser.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.test_browser import AXE, CHROMIUM, browser, page  # noqa: F401 - fixtures

from insaf.web.budget import models as m

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="run scripts/test-prereqs.sh: no /usr/bin/chromium"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/test-prereqs.sh: axe-core not installed")
def test_programme_page_in_arabic(live_server: Any, stored: m.StoredBudget, page: Any) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/ar/budget/demo/programmes/CASH/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    assert page.locator("h1").inner_text() == "المساعدات النقدية"
    assert page.locator("#inputs tbody tr").count() == 3
    assert page.locator("figure.chart svg").count() == 1  # the linked indicator's trend
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


def _axe(page: Any) -> list[str]:  # noqa: F811
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/test-prereqs.sh: axe-core not installed")
def test_incidence_and_gender_pages_in_arabic(
    live_server: Any,
    observatory: None,
    page: Any,  # noqa: F811
) -> None:
    from insaf.web.budget.demo import load_demo

    load_demo(households=800)
    page.goto(f"{live_server.url}/ar/budget/demo/incidence/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("#shares tbody tr").count() == 8  # five services, two sectors, all
    assert page.locator("figure.chart svg").count() == 1
    serious = _axe(page)
    assert serious == [], "\n".join(serious)
    page.goto(f"{live_server.url}/ar/budget/demo/gender/")
    assert page.locator("#markers tbody tr").count() == 3
    assert page.locator("figure.chart svg").count() >= 1  # groups withheld at 800 have none
    serious = _axe(page)
    assert serious == [], "\n".join(serious)
    assert page.errors == []
