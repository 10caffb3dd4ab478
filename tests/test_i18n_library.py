"""The library's words: every text of the code has its Arabic in the catalogue."""

from __future__ import annotations

import importlib
import re

import pytest

from insaf.i18n import bilingual, translated
from insaf.measures.registry import SPECS, measure_labels
from insaf.reports.text import TEXT, words
from insaf.rights import text as rights_text
from insaf.targeting import text as targeting_text

ARABIC = re.compile(r"[\u0600-\u06FF]")
assess = importlib.import_module("insaf.policy.assessment")

TABLES = {
    "brief": TEXT,
    "rights.test": rights_text.TESTS,
    "rights.verdict": rights_text.VERDICTS,
    "rights.rule": rights_text.RULES,
    "rights.justification": rights_text.JUSTIFICATION_NAMES,
    "rights.word": rights_text.WORDS,
    "line (rights)": rights_text.LINE_NAMES,
    "line": assess.LINE_NAMES,
    "group": assess.BUILT_IN_LABELS,
    "yes_no": assess.YES_NO,
    "targeting": targeting_text.WORDS,
}


@pytest.mark.parametrize("table", TABLES)
def test_every_text_has_its_arabic(table: str) -> None:
    # An English text changed in the code without its catalogue entry falls back to
    # English: its "Arabic" would then have no Arabic letter.
    missing = [key for key, forms in TABLES[table].items() if not ARABIC.search(forms["ar"])]
    assert missing == [], f"{table}: no Arabic in the catalogue for {missing}"


def test_every_measure_is_named_in_both_languages() -> None:
    english, arabic = measure_labels("en"), measure_labels("ar")
    assert set(english) == set(arabic) >= {s.name for s in SPECS}
    assert english == {n: s.label for s in SPECS for n in (s.name, *s.aliases)}
    assert [n for n, text in arabic.items() if not ARABIC.search(text)] == []


def test_the_brief_names_measures_from_the_registry() -> None:
    # The brief's measure names are the registry's (the impact calls qsr s80s20).
    for lang in ("en", "ar"):
        w = words(lang)
        labels = measure_labels(lang)
        assert w["fgt0"] == labels["fgt0"]
        assert w["s80s20"] == labels["qsr"]
    assert words("ar")["gini"] == "معامل جيني"
    assert words("en")["palma"] == "Palma ratio"
    # the brief's own text wins over a measure of the same key
    assert words("en")["mean"] == "Mean per person"


def test_a_text_without_an_entry_stays_english_and_the_check_sees_it() -> None:
    made_up = bilingual("brief", {"not_in_the_catalogue": "A text nobody translated"})
    assert made_up["not_in_the_catalogue"]["ar"] == "A text nobody translated"
    assert not ARABIC.search(made_up["not_in_the_catalogue"]["ar"])
    # the same English under another context is another entry
    assert translated("brief.decile", "Decile", "ar") == "العُشير"
    assert translated("brief.nothing", "Decile", "ar") == "Decile"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang must be one of"):
        translated("brief.decile", "Decile", "fr")
    assert words("fr") == words("en")
