"""``insaf simulate --engine``: a survey in parts run one part at a time, or as Spark
tasks, writes the in-memory impact, and what cannot run on parts is refused with its
reason (in the language of the messages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from insaf.cli import app
from insaf.survey.partitioned import write_partitioned_survey
from insaf.survey.synth import synthesize

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
EXAMPLE = Path(__file__).parents[2] / "examples" / "vat_increase_compensation.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parts") / "demo"
    write_partitioned_survey(
        synthesize(400, seed=3, year=2024), folder, by="governorate", households=50
    )
    return folder


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with its solved parameters left where they start."""
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for reform in raw["reforms"].values():
        if isinstance(reform, dict):
            reform.pop("solve", None)
        for change in reform.get("changes", []) if isinstance(reform, dict) else reform:
            change.pop("budget_neutral", None)
    path = tmp_path_factory.mktemp("scenario") / "fixed.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _simulate(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["simulate", *args], env=ENGLISH)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("engine", ["stream", "spark"])
def test_parts_write_the_in_memory_impact(
    engine: str, parts: Path, scenario: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Spark on the tests' session (the command takes the active one)."""
    if engine == "spark":
        request.getfixturevalue("spark")
    impacts, said = {}, {}
    for run in (engine, "memory"):
        code, out, err = _simulate(
            str(scenario), "--survey", str(parts), "--engine", run, "--out", str(tmp_path / run)
        )
        assert code == 0, out + err
        impacts[run] = json.loads((tmp_path / run / "impact.json").read_text())
        said[run] = out.strip().split("Wrote")[0]  # the reforms' lines
    assert impacts[engine]["reforms"] == impacts["memory"]["reforms"]
    assert impacts[engine]["scenario"]["survey"] == impacts["memory"]["scenario"]["survey"]
    assert said[engine] == said["memory"] and "vat_only: net cost" in said[engine]


def test_auto_says_which_engine_it_took(parts: Path, scenario: Path, tmp_path: Path) -> None:
    code, out, err = _simulate(str(scenario), "--survey", str(parts), "--out", str(tmp_path))
    assert code == 0, out + err
    assert "engine: in memory (it would hold" in err


@pytest.mark.parametrize(
    ("engine", "survey", "said"),
    [
        ("spark", "file", "Spark runs a scenario on a survey in parts"),
        ("stream", "file", "the streamed engine runs a scenario on a survey in parts"),
    ],
)
def test_engines_that_cannot_run_it_are_refused(
    engine: str, survey: str, said: str, parts: Path, scenario: Path, tmp_path: Path
) -> None:
    data = parts if survey == "parts" else parts / "dataset.yaml"
    code, out, err = _simulate(
        str(scenario), "--survey", str(data), "--engine", engine, "--out", str(tmp_path)
    )
    assert code != 0
    assert said in out + err


@pytest.mark.parametrize("engine", ["stream", "spark"])
def test_a_solved_reform_is_refused_on_parts(engine: str, parts: Path, tmp_path: Path) -> None:
    code, out, err = _simulate(
        str(EXAMPLE), "--survey", str(parts), "--engine", engine, "--out", str(tmp_path)
    )
    assert code != 0
    assert "solve" in out + err and "--engine memory" in out + err
    assert "reforms.vat_and_compensation.solve" in out + err
    assert not (tmp_path / "impact.json").exists()


def test_the_refusal_is_in_arabic(parts: Path, tmp_path: Path) -> None:
    code, out, err = _simulate(
        str(EXAMPLE),
        "--survey",
        str(parts),
        "--engine",
        "spark",
        "--lang",
        "ar",
        "--out",
        str(tmp_path),
    )
    assert code != 0
    assert "تُحلّ فيه المعلمة" in out + err and "--engine memory" in out + err
    assert "reforms.vat_and_compensation.solve" in out + err
