"""The platform's form for a statement whose subject is a budget change: a budget stored by the
budget app, money moved between two of its programmes or one programme's new envelope, queued for
the job worker and published with the change, exactly as the library's budget scenario gives it;
mistakes shown on the form in the page's language."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.latin import latin_words

from insaf.budget import Budget, moved, new_envelope
from insaf.budget.change import scenario_text
from insaf.budget.demo import demo_budget, demo_policies
from insaf.policy import parse_scenario
from insaf.web.budget import services as budget_services
from insaf.web.council import models as m
from insaf.web.council import services

from .conftest import Council, referral_in_drafting

SMALL_KEY = "synthetic:2024:1200:7"


@cache
def _budget() -> Budget:
    from insaf.web.council.impact import SurveyRef

    return demo_budget(SurveyRef.from_key(SMALL_KEY).open(), demo_policies())


def _setup(c: Council) -> tuple[m.Referral, Client]:
    from insaf.web.observatory.models import Release

    Release.objects.create(
        source="tests", survey=SMALL_KEY, cells=0, published=0, caution=0,
        suppressed_primary=0, suppressed_secondary=0,
    )  # fmt: skip
    budget_services.store_budget(actor=None, code="demo", budget=_budget())
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(c.bureau)
    return referral_in_drafting(c, consultation=False), client


def _form(lang: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "survey": SMALL_KEY, "budget": "demo", "kind": "move", "year": "2024",
        "phase": "executed", "programme": "BREAD", "target": "CASH", "amount": "100",
        "note": "",
    }  # fmt: skip
    return {**base, **fields}


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, flags=re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_referral_page_links_to_the_form_which_lists_the_programmes(
    council: Council, lang: str
) -> None:
    referral, client = _setup(council)
    page = client.get(f"/{lang}/council/referrals/{referral.code}/").content.decode()
    assert f'href="/{lang}/council/referrals/{referral.code}/impact/budget/"' in page
    response = client.get(f"/{lang}/council/referrals/{referral.code}/impact/budget/")
    assert response.status_code == 200
    html = _main(response.content.decode())
    bread = {"en": "Bread subsidy", "ar": "دعم الخبز"}[lang]
    assert f'<option value="BREAD">{bread}</option>' in html
    if lang == "ar":
        assert "نقل مبلغ من برنامج إلى آخر" in html
        assert latin_words(html) == []


def test_a_move_is_queued_and_published_with_the_library_scenario(council: Council) -> None:
    referral, client = _setup(council)
    response = client.post(
        f"/en/council/referrals/{referral.code}/impact/budget/", _form("en", amount="100")
    )
    job = m.StatementJob.objects.get(referral=referral)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    # the scenario queued is the library's: the demo policies in force, the move of 100 M
    change = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=100e6)
    text, name = services.budget_scenario_text(
        policies=demo_policies(), budget=_budget(), change=change
    )
    assert (job.scenario_text, job.scenario_name, job.reform) == (text, name, "budget")
    assert job.budget_change == services.stored_change(change, budget_code="demo")
    services.run_statement_job(job.pk)
    job.refresh_from_db()
    assert job.status == m.JobStatus.DONE, job.error_en
    statement = m.ImpactStatement.objects.get(referral=referral)
    assert statement.budget_change == job.budget_change
    assert statement.scenario_text == text and statement.reform == "budget"
    # the referral's page now states the change
    page = client.get(f"/en/council/referrals/{referral.code}/").content.decode()
    assert "Move 100.0 million DMD from Bread subsidy to National Cash Assistance" in page


def test_a_new_envelope_is_solved_for(council: Council) -> None:
    referral, client = _setup(council)
    envelope = 2_000.0  # million DMD
    client.post(
        f"/en/council/referrals/{referral.code}/impact/budget/",
        _form("en", kind="envelope", programme="CASH", target="", amount=str(envelope)),
    )
    job = m.StatementJob.objects.get(referral=referral)
    change = new_envelope(_budget(), year=2024, programme="CASH", envelope=envelope * 1e6)
    assert job.budget_change == services.stored_change(change, budget_code="demo")
    assert "solve" in yaml.safe_load(job.scenario_text)["reforms"]["budget"]


def test_the_policies_in_force_come_from_the_file_or_the_latest_statement(
    council: Council,
) -> None:
    referral, client = _setup(council)
    url = f"/en/council/referrals/{referral.code}/impact/budget/"
    # policies in force other than the demo's: cash assistance of 55 a household, not 40
    raw = demo_policies().definition()
    for instrument in raw["baseline"]:
        if instrument["id"] == "cash_assistance":
            instrument["amount"] = 55
    policies = parse_scenario(raw, file="in-force.yaml")
    fields = _form("en", amount="50")
    fields["policies"] = SimpleUploadedFile("in-force.yaml", scenario_text(policies).encode())
    client.post(url, fields)
    job = m.StatementJob.objects.get(referral=referral)
    change = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=50e6)
    text, _name = services.budget_scenario_text(policies=policies, budget=_budget(), change=change)
    assert job.scenario_text == text
    cash = next(i for i in yaml.safe_load(text)["baseline"] if i["id"] == "cash_assistance")
    assert cash["amount"] == 55
    services.run_statement_job(job.pk)
    # without a file, the latest statement's baseline: the 55 again, not the demo's 40
    fields = _form("en", amount="20", note="a smaller move")
    client.post(url, fields)
    second = m.StatementJob.objects.filter(referral=referral).order_by("-pk").first()
    assert second is not None and second.pk != job.pk
    smaller = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=20e6)
    again, _name = services.budget_scenario_text(
        policies=policies, budget=_budget(), change=smaller
    )
    assert second.scenario_text == again
    # a file whose baseline lacks a programme's instrument is refused, the instrument named
    raw["baseline"] = [i for i in raw["baseline"] if i["id"] != "bread_subsidy"]
    fields = _form("en", note="third")
    fields["policies"] = SimpleUploadedFile(
        "in-force.yaml", yaml.safe_dump(raw, allow_unicode=True).encode("utf-8")
    )
    response = client.post(url, fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The budget change cannot be made" in html and "bread_subsidy" in html
    assert m.StatementJob.objects.filter(referral=referral).count() == 2


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_mistakes_are_shown_on_the_form(council: Council, lang: str) -> None:
    referral, client = _setup(council)
    url = f"/{lang}/council/referrals/{referral.code}/impact/budget/"
    said = {
        "en": ("A move names the programme the money goes to.",
               "A move takes money from one programme to another.",
               "The budget change cannot be made: cannot move"),
        "ar": ("يحدد النقل البرنامج الذي يذهب إليه المبلغ.",
               "ينقل النقل مبلغًا من برنامج إلى برنامج آخر.",
               "لا يمكن إجراء تغيير الموازنة: لا يمكن نقل"),  # the library's words too
    }[lang]  # fmt: skip
    cases = [
        _form(lang, target=""),
        _form(lang, target="BREAD"),
        _form(lang, amount="1e9"),  # a thousand billion: more than the bread subsidy has
    ]
    for fields, words in zip(cases, said, strict=True):
        response = client.post(url, fields)
        assert response.status_code == 200
        assert words in response.content.decode(), words
    assert not m.StatementJob.objects.filter(referral=referral).exists()


def test_only_the_bureau_or_the_rapporteur_asks(council: Council) -> None:
    referral, _client = _setup(council)
    citizen = Client(HTTP_HOST="127.0.0.1")
    citizen.force_login(council.citizens[0])
    url = f"/en/council/referrals/{referral.code}/impact/budget/"
    assert citizen.get(url).status_code == 403
    assert citizen.post(url, _form("en")).status_code == 403
    assert not m.StatementJob.objects.filter(referral=referral).exists()


def test_without_a_stored_budget_the_form_says_so(council: Council) -> None:
    from insaf.web.council.impact import SurveyRef

    referral = referral_in_drafting(council, consultation=False)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(council.bureau)
    html = client.get(f"/en/council/referrals/{referral.code}/impact/budget/").content.decode()
    assert 'id="no-budget"' in html
    ask = services.BudgetAsk(budget="demo", kind="move", year=2024, programme="BREAD",
                             target="CASH", amount=1e8)  # fmt: skip
    with pytest.raises(services.RuleError, match="No budget demo is stored"):
        services.request_budget_statement(
            actor=council.bureau, referral=referral, ask=ask,
            survey=SurveyRef.from_key(SMALL_KEY),
        )  # fmt: skip
