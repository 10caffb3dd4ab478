"""``insaf registry``: import, dedupe, determine, parity, export from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from insaf.cli import app

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
DEMO = Path(__file__).parents[2] / "src" / "insaf" / "registry" / "demo"
EXAMPLES = Path(__file__).parents[2] / "examples"
runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env=ENGLISH)
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "registry"
    out = json.loads(_run("registry", "import", str(folder), "--demo", "200", "--format", "json"))
    assert out["households"] == 200 and out["persons"] > 200
    return folder


def test_dedupe(registry: Path) -> None:
    pairs = json.loads(_run("registry", "dedupe", str(registry), "--format", "json"))
    assert pairs and {"national_id", "name_birth_date"} >= {p["method"] for p in pairs}
    assert all(p["score"] >= 0.85 for p in pairs)


def test_determine_json_and_arabic(registry: Path) -> None:
    out = json.loads(
        _run(
            "registry", "determine", str(registry), "--ruleset", str(DEMO / "child_grant.yaml"),
            "--as-of", "2024-12-31", "--format", "json",
        )
    )  # fmt: skip
    assert len(out) == 200
    paid = [d for d in out if d["eligible"]]
    assert paid and all(d["entitlement"] % 15 == 0 for d in paid)
    trace = paid[0]["trace"][0]
    assert trace["text"] == "age < 6" and trace["holds"]
    assert {i["source"] for i in trace["inputs"]} == {"registry"}  # ages from birth dates
    arabic = runner.invoke(
        app,
        [
            "--lang", "ar", "registry", "determine", str(registry),
            "--ruleset", str(DEMO / "child_grant.yaml"), "--as-of", "2024-12-31", "--limit", "2",
        ],
        env=ENGLISH,
    ).stdout  # fmt: skip
    assert "قرارات الأهلية" in arabic and "منحة الطفل" in arabic and "Determinations" not in arabic


def test_unapproved_and_bad_date(registry: Path, tmp_path: Path) -> None:
    text = (DEMO / "child_grant.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    draft.write_text(text.replace("approved_by: director-1\n", ""), encoding="utf-8")
    (tmp_path / "programmes.yaml").write_text(
        (DEMO / "programmes.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["registry", "determine", str(registry), "--ruleset", str(draft), "--as-of", "2024-12-31"],
        env=ENGLISH,
    )
    assert result.exit_code == 2 and "not approved" in result.stderr
    result = runner.invoke(
        app,
        ["registry", "determine", str(registry), "--ruleset", str(draft), "--as-of", "31/12/2024"],
        env=ENGLISH,
    )
    assert result.exit_code == 2 and "'31/12/2024' is not a date" in result.stderr


def test_import_names_the_bad_line(tmp_path: Path) -> None:
    persons = tmp_path / "persons.csv"
    persons.write_text("person_id,name,birth_date\n1,علي,1980-01-01\nx,حسن,\n", encoding="utf-8")
    result = runner.invoke(
        app, ["registry", "import", str(tmp_path / "r"), "--persons", str(persons)], env=ENGLISH
    )
    assert result.exit_code == 2
    assert "persons.csv" in result.stderr and "person_id" in result.stderr
    assert "line 3" in result.stderr


def test_export_masks_national_ids(registry: Path, tmp_path: Path) -> None:
    _run("registry", "export", str(registry), "--as-of", "2024-12-31", "--out", str(tmp_path))
    persons = pl.read_csv(tmp_path / "persons.csv", infer_schema=False)
    ids = persons["national_id"].drop_nulls()
    assert ids.len() > 0 and ids.str.starts_with("********").all()
    assert (ids.str.len_chars() == 12).all()


def test_parity_command(tmp_path: Path) -> None:
    _run("synth", "--households", "300", "--seed", "3", "--out", str(tmp_path / "demo"))
    out = json.loads(
        _run(
            "registry", "parity", str(EXAMPLES / "bread_to_child_grant.yaml"),
            "--survey", str(tmp_path / "demo"), "--format", "json",
        )
    )  # fmt: skip
    assert out["holds"] and out["worst"] == 0.0
    assert {r["state"] for r in out["rows"]} == {"baseline", "child_grant", "targeted_top_up"}
