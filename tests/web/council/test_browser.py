"""The council in a real browser (Debian's Chromium driven by Playwright), with axe-core checks.

A citizen comments in Arabic and supports a proposal, a member votes and the
bureau counts, a focal point responds and the accountability dashboard moves.
Skipped, with the reason, without Chromium or axe-core (``scripts/test-prereqs.sh``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.web.conftest import PASSWORD

from insaf.web.council import models as m
from insaf.web.council import services
from insaf.web.council.demo import example_scenario
from insaf.web.council.impact import SurveyRef

from .conftest import Council, adopted_opinion, build_council

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

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


def new_page(browser: Any, locale: str = "en-GB") -> Any:
    context = browser.new_context(locale=locale)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    pg = new_page(browser)
    yield pg
    pg.context.close()


@dataclass
class World:
    url: str
    c: Council
    consultation: m.Referral
    voting: m.Referral


@pytest.fixture
def world(live_server: Any, observatory: None) -> World:
    c = build_council()
    opinion = adopted_opinion(c)
    text, name = example_scenario()
    services.attach_impact_statement(
        actor=c.bureau,
        referral=opinion.referral,
        scenario_text=text,
        scenario_name=name,
        survey=SurveyRef("synthetic", year=2024, households=1200, seed=7),
    )
    now = timezone.now()
    pension = services.register_referral(
        actor=c.bureau,
        kind="self",
        ministry=c.ministry,
        title_ar="معاش اجتماعي لكبار السن",
        title_en="A social pension for older people",
    )
    consultation = services.open_consultation(
        actor=c.bureau,
        referral=pension,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        question_ar="من ينبغي أن يحصل على المعاش؟",
    )
    services.post_comment(
        actor=c.citizens[1],
        consultation=consultation,
        kind="proposal",
        text="Pay it from 65, to everyone without a pension.",
    )
    wage = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="A minimum wage for all"
    )
    services.assign_rapporteur(actor=c.bureau, referral=wage, rapporteur=c.rapporteur)
    draft = services.start_drafting(actor=c.rapporteur, referral=wage)
    services.add_recommendation(
        actor=c.rapporteur,
        opinion=draft,
        text_en="Set a national minimum wage.",
        text_ar="تحديد حد أدنى وطني للأجور.",
        ministry=c.ministry,
    )
    services.open_vote(actor=c.bureau, opinion=draft)
    return World(str(live_server.url), c, pension, wage)


def log_in(page: Any, site: str, username: str, then: str) -> None:
    page.goto(f"{site}/en/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"**{then}")


def test_a_citizen_comments_in_arabic_and_supports_a_proposal(world: World, browser: Any) -> None:
    page = new_page(browser, "ar")
    code = world.consultation.code
    log_in(page, world.url, "citizen0", f"/ar/council/referrals/{code}/consultation/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "معاش اجتماعي لكبار السن" in page.locator("h1").inner_text()
    text = "أقترح أن يبدأ المعاش من سن الخامسة والستين وأن يُربط بالأسعار."
    page.select_option("#id_kind", "proposal")
    page.fill("#id_text", text)
    page.click("#comment-submit")
    page.wait_for_load_state()
    mine = page.locator(".comment", has_text=text)
    assert mine.count() == 1
    assert mine.locator(".comment-text").get_attribute("dir") == "auto"
    assert page.locator(".messages").inner_text().startswith("شكراً")
    # support the other proposal: once, and the count moves
    other = page.locator(".comment", has_text="Pay it from 65")
    other.locator(".support-button").click()
    page.wait_for_load_state()
    other = page.locator(".comment", has_text="Pay it from 65")
    assert "تأييد واحد" in other.locator(".supports").inner_text()
    assert other.locator(".support-button").count() == 0  # one account, one support
    stored = m.Comment.objects.get(text=text)
    assert stored.kind == "proposal" and stored.author.username == "citizen0"
    assert page.errors == []
    page.context.close()


def test_a_member_votes_and_the_bureau_counts(world: World, browser: Any) -> None:
    code = world.voting.code
    page = new_page(browser)
    log_in(page, world.url, "employers1", f"/en/council/referrals/{code}/opinion/vote/")
    assert page.locator("#ballot-form").count() == 1
    page.check("input[name=choice][value=for]")
    page.click("#ballot-submit")
    page.wait_for_load_state()
    assert "Your vote: For" in page.locator("#my-ballot").inner_text()
    assert page.locator("#ballot-form").count() == 0
    page.context.close()
    citizen = new_page(browser)
    log_in(citizen, world.url, "citizen0", f"/en/council/referrals/{code}/opinion/vote/")
    assert citizen.locator("#ballot-form").count() == 0  # a citizen is not on the roll
    citizen.context.close()
    for member in world.c.all_members:
        if member.username != "employers1":
            vote = m.Vote.objects.get(opinion__referral=world.voting, status="open")
            services.cast_ballot(actor=member, vote=vote, choice="for")
    bureau = new_page(browser)
    log_in(bureau, world.url, "civil0", f"/en/council/referrals/{code}/opinion/vote/")
    bureau.click("#close-vote")
    bureau.wait_for_load_state()
    result = bureau.locator("section.panel", has_text="Vote of").first
    assert "Adopted" in result.inner_text()
    assert "9 for, 0 against, 0 abstentions" in result.inner_text()
    bureau.goto(f"{world.url}/en/council/referrals/{code}/opinion/")
    assert "Set a national minimum wage." in bureau.locator("main").inner_text()
    assert bureau.errors == []
    bureau.context.close()


def test_a_focal_point_responds_and_the_dashboard_moves(world: World, browser: Any) -> None:
    dashboard = new_page(browser)
    dashboard.goto(f"{world.url}/en/council/accountability/")
    assert dashboard.locator("#response-rate").inner_text() == "0%"
    page = new_page(browser)
    log_in(page, world.url, "focal", "/en/council/focal-point/")
    page.click("#awaiting a >> nth=0")
    page.wait_for_url("**/recommendations/1/")
    page.check("input[name=verdict][value=accepted]")
    page.fill("#id_justification", "The grant will be paid from January.")
    page.click("#response-submit")
    page.wait_for_load_state()
    assert page.locator("#verdict").inner_text() == "Accepted"
    # the other ministry's recommendation has no form for this focal point
    page.goto(f"{world.url}/en/council/referrals/2022-001/recommendations/2/")
    assert page.locator("#response-form").count() == 0
    dashboard.reload()
    assert dashboard.locator("#response-rate").inner_text() == "50%"
    page.goto(f"{world.url}/en/council/referrals/2022-001/recommendations/1/")
    page.click("#new-commitment")
    page.fill("#id_title", "Child grant for every child")
    page.fill("#id_owner", "Directorate of Social Assistance")
    page.fill("#id_deadline", "2023-12-31")
    page.fill("#id_baseline_period", "2021")
    page.select_option(
        "#id_indicator", label="POV_NAT · Poverty headcount ratio at the national poverty line"
    )
    page.select_option("#id_expected", "decrease")
    page.fill("#id_milestones", "2023-01-31 First payment")
    page.click("#commitment-submit")
    page.wait_for_url("**/commitments/*/")
    assert (
        "moved as expected, beyond sampling error" in page.locator("#movement-table").inner_text()
    )
    dashboard.reload()
    assert dashboard.locator("#overdue-count").inner_text() == "1"
    assert "Child grant for every child" in dashboard.locator("#dashboard-table").inner_text()
    assert page.errors == [] and dashboard.errors == []
    page.context.close()
    dashboard.context.close()


def axe_violations(page: Any) -> list[str]:
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


PAGES = [
    "/{lang}/council/",
    "/{lang}/council/referrals/",
    "/{lang}/council/referrals/2022-001/",
    "/{lang}/council/referrals/2022-001/impact/1/",
    "/{lang}/council/referrals/2022-001/opinion/",
    "/{lang}/council/referrals/2022-001/recommendations/1/",
    "/{lang}/council/consultations/",
    "/{lang}/council/responses/",
    "/{lang}/council/commitments/",
    "/{lang}/council/accountability/",
    "/{lang}/council/petitions/",
]


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/test-prereqs.sh: axe-core not installed")
def test_no_serious_accessibility_violations(world: World, browser: Any) -> None:
    page = new_page(browser)
    found: list[str] = []
    for lang in ("ar", "en"):
        for path in [
            *PAGES,
            f"/{{lang}}/council/referrals/{world.consultation.code}/consultation/",
        ]:
            url = path.format(lang=lang)
            page.goto(f"{world.url}{url}")
            found += [f"{url}: {v}" for v in axe_violations(page)]
    # the forms members, focal points and citizens fill in; the budget-change form lists a
    # stored budget's programmes
    from insaf.budget.demo import demo_budget, demo_policies
    from insaf.web.budget import services as budget_services

    survey = SurveyRef("synthetic", year=2024, households=1200, seed=7).open()
    budget_services.store_budget(
        actor=None, code="demo", budget=demo_budget(survey, demo_policies())
    )
    log_in(page, world.url, "civil0", f"/en/council/referrals/{world.voting.code}/opinion/vote/")
    for url in (
        f"/ar/council/referrals/{world.voting.code}/impact/budget/",
        f"/en/council/referrals/{world.voting.code}/impact/budget/",
        f"/en/council/referrals/{world.voting.code}/opinion/vote/",
        f"/ar/council/referrals/{world.voting.code}/opinion/draft/",
        f"/ar/council/referrals/{world.consultation.code}/consultation/",
        "/en/council/referrals/new/",
        "/ar/council/moderation/",
        "/en/council/workspace/",
    ):
        page.goto(f"{world.url}{url}")
        found += [f"{url}: {v}" for v in axe_violations(page)]
    assert found == [], "\n".join(found)
    assert page.errors == []
    page.context.close()
