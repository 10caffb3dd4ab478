"""``insaf <command> --help`` in Arabic: every text from the CLI's catalogue, no English word.

The help screens are scanned as tests/latin.py scans the platform's pages, once
what a person types is set apart: option names (``--unit``), type names
(``<path>``), choices (``[table|json|csv]``), default values, command names,
and what the Arabic quotes as typed (between backquotes or single quotes).
"""

from __future__ import annotations

import html
import re
from typing import Any

import polib
import pytest
import typer.main
from tests.latin import latin_words
from typer.testing import CliRunner

import insaf.cli.i18n
from insaf.cli import app
from insaf.cli.reference import _commands, help_texts

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
WIDE = {"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
CATALOGUE = insaf.cli.i18n.LOCALE / "ar" / "LC_MESSAGES" / "insaf.po"
PATHS = [[], *_commands(typer.main.get_command(app), [])]
NAMES = {name for path in PATHS for name in path} | {"insaf"}
TYPED = re.compile(
    r"`[^`]*`"  # quoted as typed
    r"|'[^'\n]*'"  # an example to type
    r"|(?<![A-Za-z0-9_-])--?[A-Za-z][\w-]*"  # an option
    r"|<[^<>\n]*>"  # a type name
    r"|\[[^\[\]\n]*\|[^\[\]\n]*\]"  # choices
    r"|\[الافتراضي: [^\]\n]*\]"  # a default value
)
runner = CliRunner()


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={**ENGLISH, **WIDE}, color=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _english_left(screen: str) -> list[tuple[str, str]]:
    text = TYPED.sub(" ", screen)
    text = " ".join(w for w in text.split(" ") if w.strip("│╭╮╰╯─*.,:;()") not in NAMES)
    return latin_words(f"<p>{html.escape(text)}</p>")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "insaf")
def test_help_in_arabic_has_no_english_word(path: list[str]) -> None:
    screen = _help("--lang", "ar", *path)
    assert "الاستعمال:" in screen and "اعرض هذه الرسالة واخرج." in screen
    assert "[الخيارات]" in screen and "OPTIONS" not in screen and "COMMAND" not in screen
    assert _english_left(screen) == [], screen


def test_the_commands_own_lang_and_the_locale_give_arabic_help() -> None:
    english = _help("estimate")
    assert "Absolute poverty line" in english and "خط الفقر المطلق" not in english
    assert "خط الفقر المطلق" in _help("estimate", "--lang", "ar")
    arabic_locale = runner.invoke(
        app, ["target", "evaluate", "--help"], env={**ENGLISH, **WIDE, "LANG": "ar_JO.UTF-8"}
    )
    assert "الحد الفاصل لـ PMT: هذه الدرجة." in arabic_locale.stdout
    assert "Options" not in arabic_locale.stdout


def test_every_help_text_has_its_arabic() -> None:
    """A new option or command without Arabic fails here (docs/cli.md: how to add it)."""
    catalogue = {e.msgid: e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    missing = [t for t in help_texts() if t not in catalogue or not catalogue[t].msgstr]
    fuzzy = [t for t in help_texts() if t in catalogue and catalogue[t].fuzzy]
    assert missing == [] and fuzzy == []


def test_scanning_finds_english_left_in_help() -> None:
    """The scan is not blind: an untranslated sentence, or a word beside a typed one, is found."""
    found: Any = _english_left("│ --unit  <str>  Paid per person or household. [default: person] │")
    assert [word for word, _where in found][:2] == ["Paid", "per"]
    assert [w for w, _ in _english_left("لكل `person` فرد or household")] == ["or", "household"]
