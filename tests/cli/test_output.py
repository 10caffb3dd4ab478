"""What the CLI shows a person: labels, plain numbers, 80 columns, what was written."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from insaf import measures as m
from insaf.cli import app
from insaf.cli.tables import number, percent, readable_rule, short
from insaf.measures.change import growth_redistribution
from insaf.measures.dominance import dominance
from insaf.survey import Level, open_survey, write_survey
from insaf.survey.synth import synthesize

EXAMPLES = Path(__file__).parents[2] / "examples"
NARROW = {"COLUMNS": "80", "TERM": "dumb", "NO_COLOR": "1"}
runner = CliRunner()
SCALE = r"(?: (?:m|bn|مليون|مليار))?"  # short(): millions and billions, in English or Arabic
INTERVAL = re.compile(rf"\[-?[\d.,]+{SCALE}, -?[\d.,]+{SCALE}\]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("output") / "demo"
    write_survey(synthesize(900, seed=5, year=2024), folder)
    return folder


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), env=NARROW)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fits(text: str) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= 80, line  # columns: Arabic marks (ً, ّ) take none
        assert "…" not in line, line  # nothing cut
        opened = len(re.findall(r"\[-?\d", line))
        assert opened == len(INTERVAL.findall(line)), line  # no interval broken over lines
        assert "e+0" not in line and "e-0" not in line, line  # no scientific notation


def test_numbers_are_plain() -> None:
    assert number(7_034_200.0) == "7,034,200"
    assert number(0.0658192) == "0.0658192"
    assert number(0.0658192, 4) == "0.06582"
    assert number(-0.0) == "0" and number(-1e-13, 4) == "0"
    assert number(float("nan")) == "–"
    assert short(2_387_227_050.0) == "2.387 bn" and short(6_384_326.0) == "6.384 m"
    assert percent(0.2771) == "27.7%" and percent(-0.0001) == "0.0%"


def test_rules_read_as_words() -> None:
    assert readable_rule("pmt_hat <= 5.224075462148364") == "PMT score ≤ 5.22"
    assert readable_rule("(age < 18) AND pmt_hat <= 5.2") == "(age < 18) AND PMT score ≤ 5.20"
    assert readable_rule("hhsize >= 5") == "hhsize ≥ 5"
    assert readable_rule(None) == "everyone"


def test_estimate_by_shows_labels_within_80_columns(demo: Path) -> None:
    out = _run(
        "estimate", str(demo), "--measure", "fgt0", "--var", "consumption_pc",
        "--line", "poverty_line", "--by", "governorate",
    )  # fmt: skip
    _fits(out)
    assert "Al-Asima" in out  # governorate 1's value label, not the code
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["governorate", "value"]
    assert len(lines) == 1 + 12


def test_estimate_of_a_total_has_no_scientific_notation(demo: Path) -> None:
    out = runner.invoke(
        app,
        ["estimate", str(demo), "--measure", "total", "--var", "hhsize", "--by", "urban"],
        env={**NARROW, "COLUMNS": "120"},
    ).stdout
    assert "population" in out and "Rural" in out and "Urban" in out
    assert "e+" not in out
    # the population column: whole people with separators
    assert any(cell.count(",") >= 2 for cell in out.split())


def test_several_statistics_fit_80_columns(demo: Path) -> None:
    out = _run("estimate", str(demo), "--measure", "mpi", "--spec", "arab", "--by", "urban")
    _fits(out)
    assert "mpi.H, Rural" in out


def test_arabic_tables_keep_every_name_and_number_within_80_columns(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Arabic headers are longer than the numbers under them: on one line they squeezed
    the estimates' names to nothing (and the value labels were English)."""
    out = _run(
        "estimate", str(demo), "--measure", "mpi", "--spec", "arab", "--by", "urban",
        "--lang", "ar",
    )  # fmt: skip
    _fits(out)
    rows = [line for line in out.splitlines() if line.startswith("mpi.")]
    assert rows[0].startswith("mpi.H, ريف ") and "Rural" not in out
    assert all(re.search(r"\d[\d,]* *$", row) for row in rows)  # each row's n, last
    assert "التقدير" in out and "المشاهدات" in out
    out = _run(
        "estimate", str(demo), "--measure", "fgt0", "--var", "consumption_pc",
        "--line", "poverty_line", "--by", "governorate", "--lang", "ar",
    )  # fmt: skip
    _fits(out)
    assert "العاصمة" in out and "Al-Asima" not in out
    monkeypatch.chdir(tmp_path)
    _run(
        "target", "fit", str(demo), "--proxies", "hhsize:log,rooms:log1p,car",
        "--replicates", "5", "--folds", "2", "--out", "pmt.json",
    )  # fmt: skip
    evaluate = ["target", "evaluate", str(demo), "--model", "pmt.json", "--coverage", "0.2"]
    result = runner.invoke(app, evaluate, env={**NARROW, "LANGUAGE": "ar"})  # no --lang here
    assert result.exit_code == 0, result.output
    out = result.stdout
    _fits(out)
    assert "المؤشر" in out and "fgt2_change" in out


def test_unit_chooses_what_the_estimates_count_in_a_survey_with_persons(demo: Path) -> None:
    """``--unit household`` said only what a single file's rows are: on a survey with person
    and household tables it was ignored, and the estimate counted persons all the same."""
    survey = open_survey(demo)
    households = survey.table(Level.HOUSEHOLD).frame.height
    poverty = ["--var", "consumption_pc", "--line", "poverty_line"]
    estimate = ["estimate", str(demo), "--measure", "fgt0", *poverty, "--format", "json"]
    (by_household,) = json.loads(_run(*estimate, "--unit", "household"))
    (expected,) = m.fgt(survey, "consumption_pc", line="poverty_line", unit="household")
    assert by_household["n"] == households
    assert by_household["value"] == pytest.approx(expected.value, abs=1e-12)
    assert by_household["se"] == pytest.approx(expected.se, abs=1e-12)
    (by_person,) = json.loads(_run(*estimate))
    assert by_person["n"] == survey.table(Level.PERSON).frame.height
    decompose = ["decompose", str(demo), "--var", "consumption_pc", "--versus", "consumption"]
    decomposed = json.loads(
        _run(*decompose, "--line", "150", "--unit", "household", "--format", "json")
    )
    change = growth_redistribution(
        survey, "consumption_pc", versus="consumption", line=150, unit="household"
    )
    assert [d["value"] for d in decomposed] == pytest.approx([e.value for e in change], abs=1e-12)
    assert {d["n"] for d in decomposed} == {households}
    curves = ["dominance", str(demo), "--var", "consumption_pc", "--versus", "consumption"]
    grid = ["--from", "100", "--to", "300", "--points", "3", "--format", "json"]
    points = json.loads(_run(*curves, *grid, "--unit", "household"))["points"]
    compared = dominance(
        survey, "consumption_pc", versus="consumption", lines=[100, 200, 300], unit="household"
    )
    assert [p["se"] for p in points] == pytest.approx(
        [p.difference.se for p in compared.points], abs=1e-12
    )


def test_target_evaluate_within_80_columns(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short path: "Wrote <path>" fits 80 columns however deep
    model = Path("pmt.json")
    fitted = _run(
        "target", "fit", str(demo), "--proxies", "hhsize:log,rooms:log1p,car",
        "--replicates", "5", "--folds", "2", "--out", str(model),
    )  # fmt: skip
    assert fitted.splitlines()[-1] == f"Wrote {model}"
    out = _run("target", "evaluate", str(demo), "--model", str(model), "--coverage", "0.2")
    _fits(out)
    assert "eligible: PMT score ≤ " in out
    assert "beneficiary_households" in out and "inclusion_error_nonpoor (poorest)" in out


def test_budget_neutral_reform_says_so(demo: Path, tmp_path: Path) -> None:
    out = _run(
        "simulate", str(EXAMPLES / "bread_to_child_grant.yaml"), "--survey", str(demo),
        "--out", str(tmp_path / "bread"),
    )  # fmt: skip
    text = " ".join(out.split())
    assert "child_grant: budget-neutral (child_grant.amount solved for a net cost of 0" in text
    assert "is the sampling error of that zero" in text
    assert "+0 a year" not in text and "-0 a year" not in text
    wrote = text[text.index("Wrote ") :]
    for name in ("impact.json", "impact.xlsx", "report.html", "poverty.csv", "fiscal.csv"):
        assert name in wrote
        assert (tmp_path / "bread" / name).exists()


def test_synth_lists_what_it_wrote(tmp_path: Path) -> None:
    out = _run("synth", "--households", "300", "--out", str(tmp_path / "s"))
    wrote = " ".join(out.split())
    wrote = wrote[wrote.index("Wrote ") :]
    written = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert "survey.yaml" in written
    for name in written:
        assert name in wrote


def test_serve_on_a_busy_port_says_so_and_exits_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app, ["serve", "--data", str(tmp_path / "data"), "--port", str(port)], env=NARROW
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in result.stderr
    assert not (tmp_path / "data").exists()  # said first: nothing set up


ARABIC_NARROW = {**NARROW, "LANGUAGE": "ar"}  # the locale: not every command has --lang


def _arabic(*args: str) -> str:
    result = runner.invoke(app, list(args), env=ARABIC_NARROW)
    assert result.exit_code == 0, result.output
    _fits(result.stdout)
    return result.stdout


def _english_words(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w in text]


def test_short_says_millions_and_billions_in_arabic() -> None:
    from insaf.cli.i18n import set_language

    set_language("ar")
    try:
        assert short(2_387_227_050.0) == "2.387 مليار" and short(6_384_326.0) == "6.384 مليون"
        assert readable_rule("pmt_hat <= 5.2") == "درجة PMT ≤ 5.20"
        # the expression's AND was left in English inside the Arabic
        assert readable_rule("(age < 18) AND pmt_hat <= 5.2") == "(age < 18) و درجة PMT ≤ 5.20"
        assert readable_rule(None) == "الجميع"
    finally:
        set_language(None)


def test_target_fit_and_evaluate_in_arabic(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule, the amount, who is eligible, the model's validation and the units of the
    numbers were English (``poorest 20% by PMT score``, ``per person a month``, ``6.359 m``)."""
    monkeypatch.chdir(tmp_path)
    fitted = _arabic(
        "target", "fit", str(demo), "--proxies", "hhsize:log,rooms:log1p,car",
        "--replicates", "5", "--folds", "2", "--out", "pmt.json",
    )  # fmt: skip
    assert "نموذج PMT (ols، عدد المؤشرات غير المباشرة: 3)" in fitted
    assert "R² داخل العينة" in fitted and "التغطية 20%: خطأ الاستبعاد (الأفقر)" in fitted
    english = ("proxies", "in-sample", "CV ", "fold", "coverage", "exclusion", "Wrote")
    assert not _english_words(fitted, english), fitted
    out = _arabic("target", "evaluate", str(demo), "--model", "pmt.json", "--coverage", "0.2")
    lines = out.splitlines()
    assert lines[0] == "الأفقر 20% حسب درجة PMT؛ يُدفع للفرد"
    assert lines[1].startswith("المبلغ ") and lines[1].endswith(
        " للفرد شهرياً، افتراضي (25% من متوسط خط الفقر)"
    )
    assert lines[2].startswith("المؤهلون: درجة PMT ≤ ")
    assert "مليون" in out  # the beneficiaries, in millions
    english = ("poorest 20%", "per person", "a month", "default", "eligible:", "PMT score")
    assert not _english_words(out, english), out
    assert not re.search(r"\d (m|bn)\b", out), out


def test_target_compare_in_arabic(demo: Path, tmp_path: Path) -> None:
    out = _arabic("target", "compare", str(demo), "--budget", "2e9", "--out", str(tmp_path / "c"))
    header = " ".join(out.split("universal")[0].split())
    for word in ("التصميم", "المبلغ", "التغطية", "خطأ", "الاستبعاد", "الشمول"):
        assert word in header.split(), header
    assert not _english_words(header, ("design", "amount", "coverage", "error", "gap")), header
    assert "pmt_20" in out  # the designs' ids as the designs file names them


def test_demo_in_arabic_within_80_columns(tmp_path: Path) -> None:
    """The demo's counts, its title and its headline figures were English whatever the
    language; the intervals broke over two lines once the headers were Arabic."""
    out = _arabic("demo", "--households", "300", "--out", str(tmp_path / "demo"))
    assert "مسح الأسر في البلد التجريبي 2024 (بيانات مصطنعة)" in out.splitlines()
    for words in ("الأسر المعيشية في العينة", "الأرقام الرئيسية", "نسبة الفقر، حضر", "معامل جيني"):
        assert words in out
    assert re.search(r"\d+\.\d+% إلى \d+\.\d+%", out)  # an interval on one line
    english = ("Demo country", "in the sample", "represented", "PSUs", "Headline", "Poverty")
    assert not _english_words(out, english), out
    english_out = _run("demo", "--households", "300", "--out", str(tmp_path / "demo"))
    assert "Headline figures" in english_out and "Poverty headcount ratio" in english_out


def test_synth_in_arabic(tmp_path: Path) -> None:
    out = _arabic("synth", "--households", "300", "--out", str(tmp_path / "s"))
    assert "مسح الأسر في البلد التجريبي 2024 (بيانات مصطنعة)" in out.splitlines()
    assert "الصفوف في consumption" in out and "المجتمع (الأفراد)" in out
    assert not _english_words(out, ("Demo country", "population", "rows", "seconds")), out


def test_inspect_names_the_survey_in_arabic(demo: Path) -> None:
    """The survey's own Arabic name, not its English one beside Arabic words."""
    out = _arabic("inspect", str(demo))
    title = next(line for line in out.splitlines() if line.strip())
    assert title.startswith("مسح الأسر في البلد التجريبي 2024"), title
    assert "Demo country" not in out


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A survey with the demo budget beside it (in ``budget``)."""
    from insaf.budget.demo import write_demo_budget

    folder = tmp_path_factory.mktemp("output") / "budgeted"
    survey = synthesize(1500, seed=7, year=2024)
    write_survey(survey, folder)
    write_demo_budget(folder / "budget", survey)
    return folder


def _whole(text: str) -> list[str]:
    """The numbers with thousands separators in ``text``: each must be whole on its line."""
    found = re.findall(r"[-(]?[\d][\d,.]*[%)]?", text)
    return [n for n in found if "," in n]


def test_pefa_sheets_in_arabic_keep_every_amount_and_column(budgeted: Path) -> None:
    out = _arabic("budget", "pefa", str(budgeted / "budget"))
    sheet = out[out.index("PI-2.1") :]
    assert "المئوية" in sheet and "المعدّلة" in sheet and "المطلق" in sheet
    amounts = _whole(sheet)  # 22,484.3: never cut to 22,48…
    assert amounts and all(re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d", a) for a in amounts), amounts


def test_budget_results_in_arabic_keep_numbers_whole_and_punctuation_arabic(
    budgeted: Path,
) -> None:
    out = _arabic("budget", "results", str(budgeted / "budget"), "--survey", str(budgeted),
                  "--scenario", str(EXAMPLES / "bread_to_child_grant.yaml"))  # fmt: skip
    table, prose = out.split("\n(", 1)[0], out[out.index("CASH 2024") :]
    assert "البرنامج" in table.split() and "بالملايين" in table.split()  # headers at spaces
    numbers = _whole(out)  # 6,748,101 and (52,904): never broken over two lines
    assert numbers and all(re.fullmatch(r"\(?\d{1,3}(,\d{3})*(\.\d)?%?\)?", n) for n in numbers)
    assert ";" not in prose and "؛" in prose and "، " in prose
    assert _english_words(out, ("linked indicators", "evidence")) == []


def test_budget_incidence_in_arabic_keeps_service_names_whole(budgeted: Path) -> None:
    out = _arabic("budget", "incidence", str(budgeted), "--budget", str(budgeted / "budget"))
    shares = out[out.index("حصة المنفعة") :].split()  # the unit costs above name them too
    assert {"الابتدائي", "المستشفيات", "الخارجية"} <= set(shares)  # never الابتدائ / ي
    assert "التركز" in shares


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("output") / "registry"
    _run("registry", "import", str(folder), "--demo", "200")
    return folder


def test_registry_tables_in_arabic_never_cut_an_identifier_or_a_code(registry: Path) -> None:
    from insaf.registry import read_registry

    out = _arabic("registry", "dedupe", str(registry))
    people = read_registry(registry).persons.get_column("person_id").cast(str).to_list()
    shown = [w for w in out.split() if w.isdigit() and len(w) > 6]
    assert shown and set(shown) <= set(people), shown  # 110829203… was cut
    rulesets = [f"--ruleset={registry / 'rulesets' / f'{n}.yaml'}" for n in
                ("cash_assistance", "child_grant", "disability_allowance")]  # fmt: skip
    out = _arabic("registry", "determine", str(registry), *rulesets,
                  "--as-of", "2024-12-31", "--limit", "3")  # fmt: skip
    codes = [w for w in out.split() if "." in w and "_" in w]
    assert codes and all(re.fullmatch(r"[a-z_]+\.[a-z_.]+[a-z]", c) for c in codes), codes
    assert "cash_assistance.eligible.not_met" in codes


def test_simulate_in_arabic_uses_arabic_punctuation_glossary_and_principles(
    demo: Path, tmp_path: Path
) -> None:
    from insaf.rights.text import TESTS

    out = _arabic("simulate", str(EXAMPLES / "bread_to_child_grant.yaml"), "--survey",
                  str(demo), "--out", str(tmp_path / "bread"), "--lang", "ar")  # fmt: skip
    text = " ".join(out.split())
    summary = text[: text.index("كُتب")]
    assert "محايد من حيث الموازنة" in summary  # the glossary's term
    assert ";" not in summary and ")؛ " in summary
    assert "minimum_core" not in summary and "participation" not in summary
    assert TESTS["non_discrimination"]["ar"] in summary


def test_inspect_in_arabic_says_the_title_once_and_keeps_variable_names_whole(
    demo: Path,
) -> None:
    out = _arabic("inspect", str(demo))
    title = next(line for line in out.splitlines() if line.strip()).strip()
    assert title == "مسح الأسر في البلد التجريبي 2024 (بيانات مصطنعة)", title  # said once
    words = set(out.split())
    names = next(t for t in open_survey(demo).tables if t.name == "households").frame.columns
    assert {"head_marital", "self_employment_income"} <= set(names)
    assert set(names) <= words  # never head_marita / l


def test_survey_title_adds_only_what_the_name_lacks() -> None:
    from insaf.cli.survey import survey_title

    assert survey_title("LFS", 2023, synthetic=False) == "LFS (2023)"
    assert survey_title("Demo 2024 (synthetic data)", 2024, True) == "Demo 2024 (synthetic data)"
    assert survey_title("Demo", 2024, True) == "Demo (2024) [synthetic data]"


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second survey, to compare with ``demo``."""
    folder = tmp_path_factory.mktemp("output") / "other"
    write_survey(synthesize(600, seed=9, year=2024), folder)
    return folder


def test_folded_breaks_a_label_at_spaces_and_slashes_only() -> None:
    from insaf.cli.tables import folded

    assert folded("consumption_pc (cli-demo/survey.yaml)") == (
        "consumption_pc\n(cli-demo/\nsurvey.yaml)"
    )
    assert folded("x (a/b)") == "x (a/b)"
    assert folded("a_very_long_variable_name_indeed") == "a_very_long_variable_name_indeed"
    assert folded("redistribution.shapley", 17, ".") == "redistribution.\nshapley"


def test_dominance_of_two_surveys_in_arabic_keeps_headers_and_intervals_whole(
    demo: Path, other: Path
) -> None:
    out = _arabic("dominance", str(demo / "survey.yaml"), "--var", "consumption_pc",
                  "--other", str(other / "survey.yaml"), "--from", "100", "--to", "400",
                  "--points", "5", "--order", "2", "--lang", "ar")  # fmt: skip
    assert len(INTERVAL.findall(out)) == 5  # one whole interval a line
    words = out.split()
    assert words.count("consumption_pc") == 2 and words.count("survey.yaml)") == 2


def test_decompose_in_arabic_breaks_a_long_key_only_after_its_dot(demo: Path, other: Path) -> None:
    out = _arabic("decompose", str(demo), "--var", "consumption_pc", "--other", str(other),
                  "--line", "250", "--lang", "ar")  # fmt: skip
    words = out.split()
    assert {"growth.shapley", "residual"} <= set(words)
    parts = [w for w in words if w.startswith("redistribution") or w.endswith("shapley")]
    # whole, or broken after the dot: never redistribution.s / hapley
    assert set(parts) <= {"redistribution", "redistribution.shapley", "redistribution.",
                          "shapley", "growth.shapley"}, parts  # fmt: skip
