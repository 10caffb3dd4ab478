"""A referral whose subject is a budget change: its impact statement is the policy engine's on
the budget scenario, stored with the change, reproduced identically, and stated on the pages in
both languages (programmes, amounts, year)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import polars as pl
import pytest
import yaml
from django.test import Client
from tests.latin import latin_words

from insaf.budget import Budget, BudgetChange, moved, new_envelope
from insaf.budget.demo import demo_budget, demo_policies
from insaf.web.council import models as m
from insaf.web.council import services
from insaf.web.council.access import NotAllowed
from insaf.web.council.impact import SurveyRef, reproduce

from .conftest import Council, referral_in_drafting

SMALL = SurveyRef("synthetic", year=2024, households=1200, seed=7)


@cache
def _budget() -> Budget:
    return demo_budget(SMALL.open(), demo_policies())


def _executed(budget: Budget, programme: str, year: int) -> float:
    """The programme's executed leaf lines in ``year``, in money (amount x scale)."""
    lines = budget.leaves().filter(
        (pl.col("programme") == programme)
        & (pl.col("year") == year)
        & (pl.col("phase") == "executed")
    )
    return float(lines["amount"].sum()) * budget.scale


def _attach(c: Council, change: BudgetChange) -> m.ImpactStatement:
    referral = referral_in_drafting(c, consultation=False)
    return services.attach_budget_statement(
        actor=c.bureau,
        referral=referral,
        budget=_budget(),
        budget_code="demo",
        change=change,
        policies=demo_policies(),
        survey=SMALL,
    )


def test_a_move_between_programmes(council: Council) -> None:
    budget = _budget()
    bread, cash = _executed(budget, "BREAD", 2024), _executed(budget, "CASH", 2024)
    change = moved(budget, year=2024, source="BREAD", target="CASH", amount=1e8)
    statement = _attach(council, change)
    stored = m.ImpactStatement.objects.get(pk=statement.pk)
    assert stored.reform == "budget"
    kept = stored.budget_change
    assert kept["budget"] == "demo" and kept["kind"] == "move" and kept["year"] == 2024
    assert [(p["code"], p["before"], p["after"]) for p in kept["programmes"]] == [
        ("BREAD", pytest.approx(bread), pytest.approx(bread - 1e8)),
        ("CASH", pytest.approx(cash), pytest.approx(cash + 1e8)),
    ]
    # the scenario scales each programme's money per beneficiary by its envelope's ratio:
    # the bread subsidy 1.20 a kg, cash assistance 40 + 14 a member, at most 124 (a month)
    scenario = yaml.safe_load(stored.scenario_text)
    changes = {c["change"]: c for c in scenario["reforms"]["budget"]["changes"]}
    down, up = (bread - 1e8) / bread, (cash + 1e8) / cash
    assert changes["bread_subsidy"]["subsidy_per_unit"] == pytest.approx(1.20 * down)
    assert changes["cash_assistance"]["amount"] == pytest.approx(40 * up)
    assert changes["cash_assistance"]["per_member"] == pytest.approx(14 * up)
    assert changes["cash_assistance"]["cap"] == pytest.approx(124 * up)
    assert scenario["name"]["en"] == (
        "Move 100.0 million DMD from Bread subsidy to National Cash Assistance Programme in 2024"
    )
    # reproducible: the stored scenario on the stored survey gives every number again, and the
    # stored change on the same budget gives the same scenario
    again = reproduce(
        scenario_text=stored.scenario_text, scenario_name=stored.scenario_name, survey=stored.survey
    )
    assert again == stored.impact
    text, name = services.budget_scenario_text(
        policies=demo_policies(), budget=budget, change=BudgetChange.from_dict(kept)
    )
    assert (text, name) == (stored.scenario_text, stored.scenario_name)


def test_a_new_envelope_is_met_by_the_solver(council: Council) -> None:
    budget = _budget()
    cash = _executed(budget, "CASH", 2024)
    change = new_envelope(budget, year=2024, programme="CASH", envelope=cash + 5e7)
    statement = _attach(council, change)
    reform = statement.impact["reforms"]["budget"]
    assert reform["solved"]["parameter"] == "cash_assistance.amount"
    # the government's net cost a year rises by exactly the envelope's 50 million
    assert reform["fiscal"][-1]["change"]["value"] == pytest.approx(5e7, abs=1.0)
    assert statement.budget_change["text"]["ar"].startswith("يصبح مخصص البرنامج الوطني")


def test_only_the_bureau_or_the_rapporteur_attaches(council: Council) -> None:
    change = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=1e8)
    referral = referral_in_drafting(council, consultation=False)
    with pytest.raises(NotAllowed):
        services.attach_budget_statement(
            actor=council.citizens[0],
            referral=referral,
            budget=_budget(),
            budget_code="demo",
            change=change,
            policies=demo_policies(),
            survey=SMALL,
        )


def test_a_statement_computed_from_another_scenario_is_refused(council: Council) -> None:
    from insaf.web.council.impact import compute

    budget = _budget()
    one = moved(budget, year=2024, source="BREAD", target="CASH", amount=1e8)
    other = moved(budget, year=2024, source="BREAD", target="CASH", amount=2e8)
    text, name = services.budget_scenario_text(
        policies=demo_policies(), budget=budget, change=other
    )
    computed = compute(scenario_text=text, scenario_name=name, survey=SMALL)
    referral = referral_in_drafting(council, consultation=False)
    with pytest.raises(services.RuleError, match="another scenario"):
        services.attach_budget_statement(
            actor=council.bureau,
            referral=referral,
            budget=budget,
            budget_code="demo",
            change=one,
            policies=demo_policies(),
            survey=SMALL,
            computed=computed,
        )


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, flags=re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_pages_state_the_budget_change(council: Council, lang: str) -> None:
    budget = _budget()
    bread = _executed(budget, "BREAD", 2024)
    statement = _attach(
        council, moved(budget, year=2024, source="BREAD", target="CASH", amount=1e8)
    )
    code = statement.referral.code
    client = Client(HTTP_HOST="127.0.0.1")
    words: dict[str, Any] = {
        "en": ["Move 100.0 million DMD from Bread subsidy to National Cash Assistance Programme "
               "in 2024", "Bread subsidy", "Programme envelopes in 2024 (Executed)"],
        "ar": ["نقل 100.0 مليون DMD من دعم الخبز إلى البرنامج الوطني للمساعدات النقدية في 2024",
               "دعم الخبز"],
    }  # fmt: skip
    for url in (
        f"/{lang}/council/referrals/{code}/",
        f"/{lang}/council/referrals/{code}/impact/1/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = _main(response.content.decode())
        panel = re.search(r'id="budget-change".*?</section>', html, flags=re.S)
        assert panel is not None, url
        for text in words[lang]:
            assert text in panel.group(0), (url, text)
        # the envelopes before and after, in millions, and the change
        assert f">{bread / 1e6:,.1f}</td>" in panel.group(0)
        assert f">{(bread - 1e8) / 1e6:,.1f}</td>" in panel.group(0)
        assert ">-100.0</td>" in panel.group(0) and ">+100.0</td>" in panel.group(0)
        if lang == "ar":
            assert latin_words(html) == [], url
