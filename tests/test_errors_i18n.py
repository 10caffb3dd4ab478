"""Errors in Arabic: every template ``said`` has its Arabic, and an error reads in Arabic.

The catalogue's own checks (every entry translated, placeholders the same, the
``.mo`` saying what the ``.po`` says) are in ``tests/web/test_i18n.py``; this
file checks the code's side: each ``said("...")`` of the library names a
template the catalogue translates, with the values its placeholders ask for.
"""

from __future__ import annotations

import ast
import pickle
import re
import string
from pathlib import Path
from typing import Literal

import polib
import pytest
from pydantic import BaseModel, ConfigDict, Field

from insaf.errors import (
    DataError,
    InsafError,
    Location,
    SpecError,
    in_language,
    said,
    said_together,
    said_unit,
    words,
)
from insaf.i18n import LOCALE
from insaf.specs import PYDANTIC_WORDS, load_yaml, parse_spec

SRC = Path(__file__).parents[1] / "src" / "insaf"
CATALOGUE = LOCALE / "ar" / "LC_MESSAGES" / "insaf.po"
ARABIC = re.compile(r"[\u0600-\u06FF]")
TEMPLATES_FROM_TABLES = {"specs.py", "usage.py"}
"""Modules that call ``said`` with a template from a table this file checks."""


def _calls() -> list[tuple[str, int, str | None, set[str] | None]]:
    """Each ``said(...)`` call in the library: file, line, its literal template (``None`` if
    not a literal) and the names of its keyword values (``None`` with ``**values``)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "said"
            ):
                continue
            first = node.args[0] if node.args else None
            template = (
                first.value
                if isinstance(first, ast.Constant) and isinstance(first.value, str)
                else None
            )
            names = {k.arg for k in node.keywords if k.arg is not None}
            spread = any(k.arg is None for k in node.keywords)
            file = str(path.relative_to(SRC))
            found.append((file, node.lineno, template, None if spread else names))
    return found


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _arabic() -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)) if e.msgctxt == "error"}


def test_every_template_said_has_its_arabic() -> None:
    calls = _calls()
    assert len(calls) > 20  # the scan finds the library's calls
    arabic = _arabic()
    templates = {t for _, _, t, _ in calls if t is not None} | set(PYDANTIC_WORDS.values())
    missing = sorted(t for t in templates if not ARABIC.search(arabic.get(t, "")))
    assert missing == [], f"no Arabic in the catalogue (context 'error') for {missing}"


def test_every_call_gives_the_values_its_template_names() -> None:
    problems = []
    for file, line, template, names in _calls():
        if template is None:
            if Path(file).name not in TEMPLATES_FROM_TABLES:
                problems.append(f"{file}:{line}: said() without a literal template")
            continue
        if names is not None and names != _fields(template):
            problems.append(f"{file}:{line}: {template!r} given {sorted(names)}")
    assert problems == []


def test_a_data_error_reads_in_arabic() -> None:
    error = DataError(
        said_together(
            [
                said("column {position} has no name", position=3),
                said(
                    "column '{name}' appears twice (positions {first} and {second})",
                    name="a",
                    first=1,
                    second=2,
                ),
            ]
        ),
        Location(file="bad.csv", line=1),
    )
    assert str(error) == (
        "bad.csv, line 1: column 3 has no name; column 'a' appears twice (positions 1 and 2)"
    )
    assert in_language(error, "ar") == (
        "bad.csv، السطر 1: العمود رقم 3 بلا اسم؛ العمود 'a' مكرر (في الموضعين 1 و2)"
    )
    assert in_language(error, "en") == str(error)
    # a Spark task sends its error to the driver pickled: the words survive
    again = pickle.loads(pickle.dumps(error))
    assert in_language(again, "ar") == in_language(error, "ar")


def test_nested_words_and_units_are_said_too() -> None:
    words_ = said(
        "unknown variable(s) {missing} at {unit} level; known: {known}",
        missing="'x'",
        unit=said_unit("person"),
        known="age, sex",
    )
    assert words_ == "unknown variable(s) 'x' at person level; known: age, sex"
    assert words_.in_language("ar") == (
        "متغيرات غير معروفة على مستوى الفرد: 'x'؛ المتغيرات المعروفة: age, sex"
    )
    assert said_unit("item") == "item"  # a unit without a word keeps its code


def test_an_error_not_said_stays_as_it_is() -> None:
    assert in_language(InsafError("plain words"), "ar") == "plain words"
    assert in_language(ValueError("x"), "ar") == "x"
    wrapped = words(DataError(said("file not found"), Location(file="f.csv")))
    assert wrapped == "f.csv: file not found"
    assert wrapped.in_language("ar") == "f.csv: الملف غير موجود"  # type: ignore[attr-defined]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: Literal["household", "person", "item"]
    share: float = Field(ge=0, le=1)
    count: int


def test_a_specification_error_reads_in_arabic_with_pydantic_s_english_unchanged() -> None:
    data, lines = load_yaml("unit: houshold\nshare: 2.0\ncount: many\nextra: 1\n")
    with pytest.raises(SpecError) as caught:
        parse_spec(_Spec, data, lines, file="s.yaml")
    english = str(caught.value).splitlines()
    assert english[0] == "s.yaml: 4 problem(s)"
    assert "key 'unit': Input should be 'household', 'person' or 'item'" in english[1]
    assert "key 'share': Input should be less than or equal to 1" in english[2]
    arabic = in_language(caught.value, "ar").splitlines()
    assert arabic[0] == "s.yaml: عدد المشكلات: 4"
    assert arabic[1].endswith("المفتاح 'unit': القيمة يجب أن تكون 'household'، 'person' أو 'item'")
    assert arabic[2].endswith("المفتاح 'share': القيمة يجب أن تكون أصغر من 1 أو مساوية له")
    assert arabic[3].endswith("القيمة يجب أن تكون عدداً صحيحاً، والنص المكتوب لا يُقرأ عدداً صحيحاً")
    assert arabic[4].endswith("مفتاح غير معروف (غير مسموح به هنا)")
    latin = {w for line in arabic for w in re.findall(r"[A-Za-z]{2,}", line)}
    # the file, the keys and the values allowed: no English word
    assert latin <= {"yaml", "unit", "share", "count", "extra", "household", "person", "item"}


@pytest.mark.parametrize("kind", ["missing", "greater_than", "literal_error"])
def test_pydantic_s_words_are_its_own(kind: str) -> None:
    """Each template is pydantic's message to the letter (else the English would change, and
    ``pydantic_words`` falls back to pydantic's text, untranslated)."""

    class Spec(BaseModel):
        a: Literal["x", "y"]
        b: int = Field(gt=0)

    text = {"missing": "b: 1", "greater_than": "a: x\nb: 0", "literal_error": "a: z\nb: 1"}
    data, lines = load_yaml(text[kind])
    with pytest.raises(SpecError) as caught:
        parse_spec(Spec, data, lines, file=None)
    (problem,) = caught.value.problems
    assert type(problem[1]).__name__ == "Said", problem


def test_a_bad_budget_file_reads_in_arabic(tmp_path: Path) -> None:
    from insaf.budget.boost import read_boost_csv
    from insaf.budget.problems import BudgetImportError

    csv = tmp_path / "lines.csv"
    csv.write_text(
        "year,admin,function,economic,source,gender_marker,approved\n20x4,01,11,27,GOV,0,abc\n",
        encoding="utf-8",
    )
    with pytest.raises(BudgetImportError) as caught:
        read_boost_csv(csv, currency="EGP")
    assert str(caught.value).splitlines() == [
        "3 problem(s)",
        f"  {csv}, row 1, column 'year': not a year (a whole number from 1900 to 2200): '20x4'",
        f"  {csv}, row 1, column 'function': "
        "not a COFOG code (01 to 10, or a group such as 10.9): '11'",
        f"  {csv}, row 1, column 'approved': "
        "not a number (digits, a point for decimals, no thousands separator): 'abc'",
    ]
    assert in_language(caught.value, "ar").splitlines() == [
        "عدد المشكلات: 3",
        f"  {csv}، الصف 1، العمود 'year': ليست سنة (عدد صحيح من 1900 إلى 2200): '20x4'",
        f"  {csv}، الصف 1، العمود 'function': "
        "ليس رمزاً من تصنيف COFOG (من 01 إلى 10، أو مجموعة مثل 10.9): '11'",
        f"  {csv}، الصف 1، العمود 'approved': "
        "ليس عدداً (أرقام، ونقطة للكسور العشرية، بلا فاصل للآلاف): 'abc'",
    ]


def test_a_refused_budget_change_reads_in_arabic() -> None:
    from insaf.budget.change import moved
    from insaf.budget.model import Budget, budget_lines

    with pytest.raises(DataError) as caught:
        moved(
            Budget(lines=budget_lines([]), currency="EGP"),
            year=2024,
            source="P1",
            target="P1",
            amount=1.0,
        )

    assert str(caught.value) == "a move needs two programmes, not 'P1' twice"
    assert in_language(caught.value, "ar") == "النقل يحتاج إلى برنامجين مختلفين، لا 'P1' مرتين"


def test_a_bad_registry_table_reads_in_arabic(tmp_path: Path) -> None:
    from insaf.registry.model import import_table

    csv = tmp_path / "persons.csv"
    csv.write_text(
        "person_id,name,birth_date\n1,Amal,1990-01-02\n2,Omar,02/03/1985\n3,Sara,1999-13-01\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        import_table(csv, "persons")
    assert str(caught.value) == (
        f"{csv}, column 'birth_date': 2 value(s) ('02/03/1985', '1999-13-01') are not dates "
        "(YYYY-MM-DD): line 3, line 4"
    )
    assert in_language(caught.value, "ar") == (
        f"{csv}، العمود 'birth_date': عدد القيم التي ليست تواريخ (YYYY-MM-DD): 2 "
        "('02/03/1985', '1999-13-01') — السطر 3، السطر 4"
    )


def test_a_bad_manifest_reads_in_arabic(tmp_path: Path) -> None:
    from insaf.survey import open_survey

    manifest = tmp_path / "survey.yaml"
    manifest.write_text(
        "households: {path: hh.csv}\npersons: {path: pp.csv, household: hhid}\n"
        "design: {weight: w}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        open_survey(manifest)
    english = str(caught.value).splitlines()
    assert english[1] == (
        f"  {manifest}, line 1: Value error, households.key is required when there is a "
        "person table"
    )
    arabic = in_language(caught.value, "ar").splitlines()
    assert arabic[0] == f"{manifest}: عدد المشكلات: 1"
    assert arabic[1] == (
        f"  {manifest}، السطر 1: قيمة غير صالحة: households.key مطلوب حين يوجد جدول أفراد"
    )


def test_a_design_and_a_measure_refused_read_in_arabic(tmp_path: Path) -> None:
    import polars as pl

    from insaf.errors import DesignError
    from insaf.measures import gini, mean
    from insaf.survey import open_survey
    from insaf.survey.load import DesignOptions

    data = tmp_path / "hh.csv"
    pl.DataFrame(
        {"id": [1, 2, 3], "w": [1.0, -2.0, 1.0], "s": ["a", "b", "b"], "y": [10.0, 20.0, 30.0]}
    ).write_csv(data)
    negative = open_survey(data, design=DesignOptions(weight="w"))
    with pytest.raises(DataError) as bad_weight:
        mean(negative, "y")
    assert str(bad_weight.value) == f"{data}, column 'w': weight column 'w' has 1 negative value(s)"
    assert in_language(bad_weight.value, "ar") == (
        f"{data}، العمود 'w': عمود الترجيح 'w' فيه قيم سالبة (عددها: 1)"
    )
    with pytest.raises(InsafError) as bad_option:
        gini(negative, "y", estimator="x")  # type: ignore[arg-type]
    assert str(bad_option.value) == "unknown Gini estimator 'x'; choose osier or eurostat"
    assert in_language(bad_option.value, "ar") == "مقدِّر جيني غير معروف 'x'؛ اختر osier أو eurostat"
    lonely = open_survey(data, design=DesignOptions(weight="id", strata="s", psu="id"))
    with pytest.raises(DesignError) as single_psu:
        mean(lonely, "y")
    assert str(single_psu.value) == (
        "stratum 'a' has only one PSU; choose a rule for single-PSU strata "
        "(lonely_psu: remove, adjust, average or certainty)"
    )
    assert in_language(single_psu.value, "ar") == (
        "الطبقة 'a' فيها وحدة معاينة أولية واحدة فقط؛ اختر قاعدة للطبقات ذات الوحدة الواحدة "
        "(lonely_psu: remove أو adjust أو average أو certainty)"
    )


def test_a_survey_failing_validation_reads_in_arabic(tmp_path: Path) -> None:
    import polars as pl

    from insaf.errors import ValidationFailed
    from insaf.survey import open_survey
    from insaf.survey.load import DesignOptions
    from insaf.survey.validate import validate

    data = tmp_path / "hh.csv"
    pl.DataFrame({"id": [1, 2, 3, 4], "w": [1.0, -2.0, 0.0, None]}).write_csv(data)
    report = validate(open_survey(data, design=DesignOptions(weight="w")))
    with pytest.raises(ValidationFailed) as caught:
        report.raise_for_errors()
    assert str(caught.value) == (
        "2 validation error(s):\n"
        f"  error: {data}, line 5, column 'w': 1 weight(s) are missing\n"
        f"  error: {data}, lines 3, 4, column 'w': 2 weight(s) are zero or negative"
    )
    assert in_language(caught.value, "ar") == (
        "أخطاء التحقق (عددها: 2):\n"
        f"  خطأ: {data}، السطر 5، العمود 'w': قيم الترجيح مفقودة (عددها: 1)\n"
        f"  خطأ: {data}، السطور 3، 4، العمود 'w': قيم الترجيح صفرية أو سالبة (عددها: 2)"
    )
