"""A rule and its amount in words, in English and Arabic, from the library.

Only the command line said a rule in Arabic (its own copy of the words); the
library's ``Rule.describe`` was English only, and an eligibility expression kept
its ``AND``/``OR`` in English inside Arabic."""

from __future__ import annotations

import pytest

from insaf.errors import InsafError, in_language
from insaf.survey import Survey
from insaf.targeting import Cutoff, Rule, evaluate
from insaf.targeting.text import amount_words, readable_expression, source_words

CUTOFFS = [
    (Cutoff(coverage=0.2), "poorest 20% by PMT score", "الأفقر 20% حسب درجة PMT"),
    (Cutoff(line=True), "PMT score below the poverty line", "درجة PMT دون خط الفقر"),
    (Cutoff(score=5.25), "PMT score ≤ 5.25", "درجة PMT ≤ 5.25"),
]


@pytest.mark.parametrize(("cutoff", "english", "arabic"), CUTOFFS)
def test_each_cutoff_in_both_languages(cutoff: Cutoff, english: str, arabic: str) -> None:
    assert cutoff.describe() == cutoff.describe("en") == english
    assert cutoff.describe("ar") == arabic


def test_a_rule_by_unit_and_combine_in_both_languages() -> None:
    assert Rule().describe() == "everyone; paid per person"
    assert Rule().describe("ar") == "الجميع؛ يُدفع للفرد"
    pmt = Rule(pmt=Cutoff(coverage=0.4), unit="household")
    assert pmt.describe() == "poorest 40% by PMT score; paid per household"
    assert pmt.describe("ar") == "الأفقر 40% حسب درجة PMT؛ يُدفع للأسرة"
    both = Rule(eligible="age < 18", pmt=Cutoff(coverage=0.4))
    assert both.describe() == "(age < 18) AND poorest 40% by PMT score; paid per person"
    assert both.describe("ar") == "(age < 18) و الأفقر 40% حسب درجة PMT؛ يُدفع للفرد"
    either = Rule(eligible="hhsize >= 5", pmt=Cutoff(line=True), combine="or")
    assert either.describe() == "(hhsize ≥ 5) OR PMT score below the poverty line; paid per person"
    assert either.describe("ar") == "(hhsize ≥ 5) أو درجة PMT دون خط الفقر؛ يُدفع للفرد"


def test_the_amount_by_unit_period_and_source_in_both_languages() -> None:
    default = "default (25% of the mean poverty line)"  # an evaluation's amount_source
    assert (
        amount_words(31.14, "person", "month", default)
        == "amount 31.14 per person a month, default (25% of the mean poverty line)"
    )
    assert (
        amount_words(31.14, "person", "month", default, "ar")
        == "المبلغ 31.14 للفرد شهرياً، افتراضي (25% من متوسط خط الفقر)"
    )
    assert (
        amount_words(1200.5, "household", "year", "budget")
        == "amount 1,200.50 per household a year, from the budget"
    )
    assert (
        amount_words(1200.5, "household", "year", "budget", "ar")
        == "المبلغ 1,200.50 للأسرة سنوياً، محسوب من الموازنة"
    )
    assert amount_words(10, "person", "week", "given", number=str) == (
        "amount 10 per person a week, as given"
    )
    assert amount_words(10, "person", "quarter", "given", "ar", number=str) == (
        "المبلغ 10 للفرد كل ربع سنة، كما أُعطي"
    )
    assert amount_words(10, "person", "month", lang="ar", number=str) == "المبلغ 10 للفرد شهرياً"
    assert source_words("default", "ar") == source_words(default, "ar")


def test_an_expression_reads_in_both_languages() -> None:
    expression = "(age < 18 and NOT disabled = 1) OR pmt_hat <= 5.224075462148364"
    assert readable_expression(expression) == (
        "(age < 18 AND NOT disabled = 1) OR PMT score ≤ 5.22"
    )
    assert readable_expression(expression, "ar") == (
        "(age < 18 و ليس disabled = 1) أو درجة PMT ≤ 5.22"
    )
    # names, numbers, quoted text and SQL's IS NOT NULL stay as they are
    quoted = "region = 'north or south' AND \"and\" != 2 AND land IS NOT NULL"
    assert readable_expression(quoted, "ar") == (
        "region = 'north or south' و \"and\" ≠ 2 و land IS NOT NULL"
    )
    assert readable_expression("ORDER_SIZE >= 1", "ar") == "ORDER_SIZE ≥ 1"
    # BETWEEN's AND joins two bounds, not two conditions: it stays
    assert readable_expression("age BETWEEN 6 AND 14 AND school = 0", "ar") == (
        "age BETWEEN 6 AND 14 و school = 0"
    )
    assert readable_expression(None) == "everyone"
    assert readable_expression(None, "ar") == "الجميع"


def test_an_evaluation_carries_the_library_words(demo: Survey) -> None:
    result = evaluate(demo, Rule(unit="household"), amount=5.0)
    assert result.rule == "everyone; paid per household"
    assert result.details["amount_source"] == "given"
    default = evaluate(demo, Rule()).details["amount_source"]
    assert default == "default (25% of the mean poverty line)" == source_words("default")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match=r"lang must be one of \('en', 'ar'\), not 'fr'"):
        Rule().describe("fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        Cutoff(score=1.0).describe("fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        amount_words(1.0, "person", "month", "given", "fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        readable_expression("hhsize >= 5", "fr")  # no word to translate: refused all the same


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: amount_words(1.0, "family", "month"), "a unit is person or household"),
        (lambda: amount_words(1.0, "person", "day"), "a period is year, quarter, month or week"),
        (lambda: source_words("guessed"), "an amount's source is default, budget or given"),
    ],
)
def test_an_unknown_unit_period_or_source_is_refused(call: object, message: str) -> None:
    with pytest.raises(InsafError, match=message) as caught:
        call()  # type: ignore[operator]
    assert "،" in in_language(caught.value, "ar")  # said in Arabic too
