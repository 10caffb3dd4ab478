"""A budget change as a referral's subject: its words in both languages, its scenario, and every
bad request named."""

from __future__ import annotations

from functools import cache

import pytest

from insaf.budget import Budget, BudgetChange, change_scenario, moved, new_envelope
from insaf.budget.demo import demo_budget, demo_policies
from insaf.errors import DataError
from insaf.survey.synth import synthesize


@cache
def _budget() -> Budget:
    return demo_budget(synthesize(600, 7, 2024), demo_policies())


def test_a_move_in_both_languages_and_back() -> None:
    change = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=2.5e7)
    bread, cash = change.programmes
    assert bread.after == pytest.approx(bread.before - 2.5e7)
    assert cash.after == pytest.approx(cash.before + 2.5e7)
    assert change.describe("en") == (
        "Move 25.0 million DMD from Bread subsidy to National Cash Assistance Programme in 2024"
    )
    assert change.describe("ar") == (
        "نقل 25.0 مليون DMD من دعم الخبز إلى البرنامج الوطني للمساعدات النقدية في 2024"
    )
    assert BudgetChange.from_dict(change.to_dict()) == change
    scenario = change_scenario(demo_policies(), _budget(), change)
    assert list(scenario.reforms) == ["budget"]
    assert scenario.definition()["name"]["ar"] == change.describe("ar")
    assert "solve" not in scenario.definition()["reforms"]["budget"]


def test_a_new_envelope_is_solved() -> None:
    change = new_envelope(_budget(), year=2024, programme="CASH", envelope=9e8)
    (cash,) = change.programmes
    reform = change_scenario(demo_policies(), _budget(), change).definition()["reforms"]["budget"]
    assert reform["solve"] == {
        "parameter": "cash_assistance.amount",
        "target": "budget_neutral",
        "net_cost": pytest.approx(9e8 - cash.before),
    }
    assert change.describe("en").startswith(
        "The envelope of National Cash Assistance Programme in 2024 becomes 900.0 million DMD"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: moved(b, year=2024, source="NOPE", target="CASH", amount=1.0),
         "no programme 'NOPE' in the plan"),
        (lambda b: moved(b, year=2024, source="CASH", target="CASH", amount=1.0),
         "two programmes, not 'CASH' twice"),
        (lambda b: moved(b, year=2024, source="BREAD", target="CASH", amount=0.0),
         "must be positive"),
        (lambda b: moved(b, year=2024, source="BREAD", target="CASH", amount=1e15),
         "cannot move 1,000,000,000,000,000 from 'BREAD'"),
        (lambda b: moved(b, year=2031, source="BREAD", target="CASH", amount=1.0),
         "the budget has no year 2031"),
        (lambda b: new_envelope(b, year=2024, programme="CASH", envelope=-1.0),
         "cannot be negative"),
        (lambda b: change_scenario(
            demo_policies(), b, new_envelope(b, year=2024, programme="EDU", envelope=1.0)),
         "programme 'EDU' names no instrument"),
    ],
)  # fmt: skip
def test_bad_changes_are_named(call: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        call(_budget())  # type: ignore[operator]


def test_a_stored_change_without_a_key_is_named() -> None:
    data = moved(_budget(), year=2024, source="BREAD", target="CASH", amount=1.0).to_dict()
    del data["year"]
    with pytest.raises(DataError, match="budget change: no key 'year'"):
        BudgetChange.from_dict(data)
    with pytest.raises(DataError, match="kind must be move or envelope"):
        BudgetChange.from_dict({**data, "kind": "cut"})
