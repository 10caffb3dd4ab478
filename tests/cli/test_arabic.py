"""The CLI speaks Arabic with ``--lang ar`` or an Arabic locale, from its own gettext catalogue."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from insaf.cli import app
from insaf.cli.i18n import locale_language

CORPUS = Path(__file__).parents[1] / "survey" / "corpus"
CLI_CATALOGUE = Path(__file__).parents[2] / "src/insaf/cli/locale/ar/LC_MESSAGES/insaf.po"
ARABIC = re.compile(r"[\u0600-\u06FF]")
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
runner = CliRunner()


def _estimate(*extra: str, env: dict[str, str] | None = None) -> str:
    args = ["estimate", str(CORPUS / "valid"), "--measure", "mean", "--var", "age", *extra]
    result = runner.invoke(app, args, env=env or ENGLISH)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_estimate_table_in_arabic_with_lang() -> None:
    arabic = _estimate("--lang", "ar")
    assert "الخطأ المعياري" in arabic and "فترة الثقة 95%" in arabic
    english = _estimate()
    assert "95% CI" in english and "الخطأ" not in english


def test_the_locale_chooses_arabic_and_lang_overrides_it() -> None:
    arabic_locale = {**ENGLISH, "LANG": "ar_JO.UTF-8"}
    assert "القيمة" in _estimate(env=arabic_locale)
    assert "القيمة" not in _estimate("--lang", "en", env=arabic_locale)
    assert "القيمة" in runner.invoke(app, ["--lang", "ar", "estimate", str(CORPUS / "valid"),
                                           "--measure", "mean", "--var", "age"],
                                     env=ENGLISH).stdout  # fmt: skip


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "ar_EG.UTF-8"}, "ar"),
        ({"LANGUAGE": "ar:en", "LANG": "en_US.UTF-8"}, "ar"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "ar_JO.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_locale_language(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert locale_language() == expected


def test_inspect_and_validate_in_arabic() -> None:
    result = runner.invoke(app, ["inspect", str(CORPUS / "valid"), "--lang", "ar"], env=ENGLISH)
    assert result.exit_code == 0, result.output
    for text in ("الأسر المعيشية (صفوف)", "تصميم المسح", "لم تُوجد مشكلات.", "المتغير"):
        assert text in result.stdout
    bad = runner.invoke(app, ["--lang", "ar", "validate", str(CORPUS / "many_problems")],
                        env=ENGLISH)  # fmt: skip
    assert "الأخطاء: 4، التحذيرات: 1" in bad.stdout


def test_the_design_line_in_arabic() -> None:
    """inspect's design line: Arabic words around the survey's own column names."""
    arabic = runner.invoke(app, ["inspect", str(CORPUS / "valid"), "--lang", "ar"], env=ENGLISH)
    words = " ".join(arabic.stdout.split())  # the line wraps at 80 columns
    assert (
        "تصميم المسح: الوزن weight؛ الطبقات stratum؛ وحدات المعاينة الأولية psu؛ "
        "الطبقات ذات وحدة معاينة أولية واحدة: متمركزة حول المتوسط العام"
    ) in words
    assert "single-PSU" not in words and "strata" not in words
    english = runner.invoke(app, ["inspect", str(CORPUS / "valid")], env=ENGLISH)
    assert "Design: weight weight; strata stratum; PSU psu; single-PSU strata: adjust" in (
        " ".join(english.stdout.split())
    )


def test_errors_in_arabic_keep_the_place() -> None:
    """The library's words are said in Arabic (``insaf.errors.said``), with the file and the
    line as they are."""
    result = runner.invoke(app, ["inspect", str(CORPUS / "ragged_line"), "--lang", "ar"],
                           env=ENGLISH)  # fmt: skip
    assert result.exit_code == 2
    file = CORPUS / "ragged_line" / "persons.csv"
    assert " ".join(result.stderr.split()) == (
        f"خطأ: {file}: عدد الأسطر التي لا تحمل حقول سطر العناوين الـ5: 1 — السطر 4: عدد الحقول 3"
    )
    english = runner.invoke(app, ["inspect", str(CORPUS / "ragged_line")], env=ENGLISH)
    assert " ".join(english.stderr.split()) == (
        f"error: {file}: 1 line(s) do not have the header's 5 fields: line 4: 3 fields"
    )
    wrong = runner.invoke(app, ["--lang", "fr", "inspect", str(CORPUS / "valid")], env=ENGLISH)
    assert wrong.exit_code == 2 and "en or ar" in wrong.output


def test_start_up_imports_no_django() -> None:
    """The language costs the CLI nothing: no Django on the way to a command."""
    code = (
        "import sys; from insaf.cli import main; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_part_of_the_design_line_in_arabic() -> None:
    from insaf.cli.i18n import set_language
    from insaf.cli.survey import design_line
    from insaf.survey.design import (
        Calibration,
        Design,
        LonelyPSU,
        ReplicateMethod,
        Replicates,
    )

    design = Design(
        weight="w",
        psu="cluster",
        fpc="n_psu",
        ssu="dwelling",
        lonely_psu=LonelyPSU.CERTAINTY,
        replicates=Replicates(columns=("r1", "r2"), method=ReplicateMethod.JK1),
        calibration=Calibration(
            base_weight="w0", margins=(("sex", (("1", 10.0), ("2", 12.0))),), variance="rake"
        ),
    )
    set_language("ar")
    try:
        line = design_line(design)
    finally:
        set_language(None)
    assert line == (
        "الوزن w؛ دون طبقات؛ وحدات المعاينة الأولية cluster؛ تصحيح المجتمع المحدود n_psu؛ "
        "وحدات المعاينة الثانوية dwelling (دون تصحيح المجتمع المحدود للمرحلة الثانية)؛ "
        "2 من أوزان التكرار (jk1)؛ الطبقات ذات وحدة معاينة أولية واحدة: مسحوبة باحتمال واحد؛ "
        "مُعايَرة بالتكييف التناسبي التكراري من w0 إلى مجاميع sex (الأفراد)"
    )
    assert design_line(design) == design.describe()  # English: the library's line


def test_a_mistake_on_the_command_line_is_said_in_arabic() -> None:
    """Typer's own words (a missing or unknown option, a bad value, an unknown command) come
    from the CLI's catalogue, the values they quote as typed (``insaf.cli.usage``)."""
    from insaf.cli.usage import TITLE, TRY, USAGE_WORDS

    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(CLI_CATALOGUE))}
    for template in (*(t for _form, t in USAGE_WORDS), TITLE, TRY):
        assert ARABIC.search(catalogue.get(template, "")), template
    cases = {
        ("simulate", "s.yaml"): "الخيار '--out' مطلوب ولم يُعطَ.",
        ("inspect", str(CORPUS / "valid"), "--bogus"): "لا خيار بهذا الاسم: --bogus",
        ("nocommand",): "لا أمر بهذا الاسم: 'nocommand'.",
        ("estimate", str(CORPUS / "valid"), "--measure", "gini", "--format", "xml"): (
            "قيمة غير صالحة لـ'--format': 'xml' ليست من القيم المقبولة: 'table', 'json', 'csv'."
        ),
        ("estimate", str(CORPUS / "valid"), "--replicates", "many"): (
            "قيمة غير صالحة لـ'--replicates': القيمة يجب أن تكون عدداً صحيحاً، والنص المكتوب "
            "لا يُقرأ عدداً صحيحاً"
        ),
    }
    for args, said in cases.items():
        result = runner.invoke(app, ["--lang", "ar", *args], env=ENGLISH)
        assert result.exit_code == 2, args
        shown = " ".join(result.stderr.replace("│", " ").split())
        assert " ".join(said.split()) in shown, (args, shown)
        assert "Error" not in shown and "Try" not in shown and "for help" not in shown
    english = runner.invoke(app, ["simulate", "s.yaml"], env=ENGLISH)
    assert "Missing option '--out'." in english.stderr and "Error" in english.stderr


def test_an_unknown_option_with_suggestions_is_said_in_arabic() -> None:
    """Typer's suggestions after an unknown option ("(Possible options: ...)")."""
    args = ["--lang", "ar", "dominance", str(CORPUS / "valid"), "--line-to", "3"]
    result = runner.invoke(app, args, env=ENGLISH)
    assert result.exit_code == 2
    shown = " ".join(result.stderr.replace("│", " ").split())
    assert "لا خيار بهذا الاسم: --line-to (الخيارات القريبة منه: --lines، --to)" in shown, shown
    assert "Possible" not in shown and "No such" not in shown
    english = runner.invoke(app, args[2:], env=ENGLISH)
    assert "No such option: --line-to (Possible options: --lines, --to)" in english.stderr


def test_validation_problems_are_said_in_arabic() -> None:
    """``insaf validate``: each problem, its place and its kind in Arabic; only the files,
    columns and values as they are."""
    folder = CORPUS / "many_problems"
    result = runner.invoke(app, ["--lang", "ar", "validate", str(folder)], env=ENGLISH)
    text = result.stdout.replace(str(folder), "")
    assert "السطور 5، 6، 11، العمود 'hhid'" in " ".join(text.split())
    assert "تحذير:" in text and "خطأ:" in text
    latin = set(re.findall(r"[A-Za-z]{3,}", text))
    assert latin <= {"hhid", "weight", "age", "hhsize", "csv", "households", "persons"}, latin
