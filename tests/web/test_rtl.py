"""Right-to-left details, in Debian's Chromium: numbers, intervals and headers read right.

Positions are measured in the browser (each character's box), so a garbled header
(``%فترة الثقة 95``) or a sign on the wrong side of a number (``1.09-``) fails.
The charts' conventions are checked on the SVG: time runs left to right in both
languages; categories (deciles, lines) follow the reading direction.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.web.test_browser import CHROMIUM, browser, site  # noqa: F401

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="run scripts/test-prereqs.sh: no /usr/bin/chromium"
)

VISUAL = """(el) => { const out = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let n; while ((n = walker.nextNode())) { for (let i = 0; i < n.data.length; i++) {
    const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
    const b = r.getBoundingClientRect();
    if (b.width > 0 && n.data[i].trim()) out.push([n.data[i], b.left]); } }
  out.sort((a, b) => a[1] - b[1]); return out.map(x => x[0]).join(''); }"""
"""The characters of an element from left to right on the screen."""


def _visual(page: Any, selector: str) -> str:
    return str(page.locator(selector).first.evaluate(VISUAL))


@pytest.mark.django_db(transaction=True)
def test_arabic_headers_and_intervals_read_right(site: str, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(locale="ar")
    page = context.new_page()
    page.goto(f"{site}/ar/indicators/POV_NAT/?breakdown=sex")
    header = _visual(page, "th:has-text('فترة الثقة 95%')")
    assert re.match(r"^%?95%?[\u0600-\u06ff]", header), header  # the number before the words
    for selector in ("td.num .ci", "#gap-table td.num:has-text('–')"):
        logical = page.locator(selector).first.inner_text().replace(" ", "")
        assert re.fullmatch(r"[\d.,]+–[\d.,]+", logical), logical
        assert _visual(page, selector) == logical  # low–high, left to right
    context.close()


def test_signs_and_intervals_in_the_arabic_brief(browser: Any) -> None:  # noqa: F811
    from insaf.policy import simulate
    from insaf.policy.scenario import load_scenario
    from insaf.reports import render_brief
    from insaf.survey.synth import synthesize

    scenario = load_scenario(
        __import__("pathlib").Path(__file__).parents[2] / "examples" / "bread_to_child_grant.yaml"
    )
    html = render_brief(simulate(scenario, synthesize(400, seed=3, year=2024)), lang="ar")
    context = browser.new_context(locale="ar")
    page = context.new_page()
    page.set_content(html)
    messages = page.locator(".messages li")
    for i in range(messages.count()):
        text = _visual(page, f".messages li >> nth={i}")
        for number in re.findall(r"-\d[\d.,]*", messages.nth(i).inner_text()):
            assert number in text, (number, text)  # the minus stays on the left
        for interval in re.findall(r"\[[^\]]+\]", messages.nth(i).inner_text()):
            assert interval.replace(" ", "") in text  # [low, high] left to right
    context.close()


def _xs(svg: str, texts: list[str]) -> list[float]:
    found = []
    for text in texts:
        match = re.search(rf'<text x="([0-9.]+)"[^>]*>{re.escape(text)}</text>', svg)
        assert match, text
        found.append(float(match.group(1)))
    return found


def test_chart_conventions() -> None:
    """Time runs left to right in both languages; deciles follow the reading direction."""
    from insaf.reports.charts import Bar, bar_chart
    from insaf.web.observatory.charts import ChartSeries, Point, trend_svg

    series = [ChartSeries("x", [Point(y, 10.0 + y - 2019) for y in range(2019, 2025)])]
    svg = trend_svg(series, title="t", description="d")
    first, last = _xs(svg, ["2019", "2024"])
    assert first < last
    bars = [Bar(str(d), 0.01 * d) for d in range(1, 11)]
    one, ten = _xs(bar_chart(bars, title="t", percent=True, rtl=True), ["1", "10"])
    assert one > ten  # Arabic: the first decile on the right, as in the table
    one, ten = _xs(bar_chart(bars, title="t", percent=True, rtl=False), ["1", "10"])
    assert one < ten
