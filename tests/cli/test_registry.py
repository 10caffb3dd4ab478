"""``insaf registry``: import, dedupe, determine, parity, export from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from typer.testing import CliRunner

from insaf.cli import app

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

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


def _rulesets(registry: Path) -> list[str]:
    out: list[str] = []
    for name in ("cash_assistance", "child_grant", "disability_allowance"):
        out += ["--ruleset", str(registry / "rulesets" / f"{name}.yaml")]
    return out


def test_import_demo_writes_the_rulesets_and_the_survey_beside_the_registry(
    registry: Path,
) -> None:
    names = sorted(p.name for p in (registry / "rulesets").iterdir())
    assert names == ["cash_assistance.yaml", "child_grant.yaml", "disability_allowance.yaml",
                     "programmes.yaml"]  # fmt: skip
    assert "survey: ../survey\n" in (registry / "rulesets" / "programmes.yaml").read_text("utf-8")
    assert (registry / "survey" / "survey.yaml").is_file()


def test_determine_reads_once_and_gives_what_each_programme_gives_alone(registry: Path) -> None:
    together = json.loads(_run("registry", "determine", str(registry), *_rulesets(registry),
                               "--as-of", "2024-12-31", "--format", "json"))  # fmt: skip
    assert len(together) == 3 * 200
    for i, name in enumerate(("cash_assistance", "child_grant", "disability_allowance")):
        alone = json.loads(_run("registry", "determine", str(registry), "--ruleset",
                                str(registry / "rulesets" / f"{name}.yaml"),
                                "--as-of", "2024-12-31", "--format", "json"))  # fmt: skip
        assert [d["hash"] for d in together[200 * i : 200 * (i + 1)]] == [d["hash"] for d in alone]


def test_overlap_is_symmetric_its_diagonal_the_eligible_and_small_counts_withheld(
    registry: Path,
) -> None:
    args = ["registry", "overlap", str(registry), *_rulesets(registry), "--as-of", "2024-12-31"]
    whole = json.loads(_run(*args, "--no-disclosure", "--format", "json"))
    rows = {r["programme"]: r for r in whole["overlap"]}
    assert set(rows) == {"cash_assistance", "child_grant", "disability_allowance"}
    determined = json.loads(_run("registry", "determine", str(registry), *_rulesets(registry),
                                 "--as-of", "2024-12-31", "--format", "json"))  # fmt: skip
    eligible: dict[str, set[int]] = {name: set() for name in rows}
    for d in determined:
        if d["eligible"]:
            eligible[d["ruleset"]].add(d["household_id"])
    for a in rows:
        for b in rows:
            assert rows[a][b] == rows[b][a] == len(eligible[a] & eligible[b])
    public = json.loads(_run(*args, "--format", "json"))
    for a in rows:
        for b in rows:
            shown = {r["programme"]: r for r in public["overlap"]}[a][b]
            assert shown == (rows[a][b] if rows[a][b] >= 30 else None)
    assert public["disclosure"]["primary"] >= 1
    arabic = runner.invoke(app, ["--lang", "ar", *args], env=ENGLISH).stdout
    assert "منحة الطفل" in arabic and "محجوب" in arabic and "withheld" not in arabic


def test_delivery_beside_the_design(registry: Path) -> None:
    args = ["registry", "delivery", str(registry), "--ruleset",
            str(registry / "rulesets" / "cash_assistance.yaml")]  # fmt: skip
    # on the survey's date the registry holds what the survey holds: delivery adds nothing
    same = json.loads(_run(*args, "--as-of", "2024-07-01", "--format", "json"))
    assert same["summary"]["design"] == same["summary"]["registry"]
    assert all(row["coverage_gap"] == 0.0 for row in same["deciles"])
    assert len(same["deciles"]) == 10
    # later, duplicates have joined households (2024-09-01) and some households were
    # reassessed (2025-03-01): the registry's outcome drifts from the design's
    later = json.loads(_run(*args, "--as-of", "2025-06-01", "--format", "json"))
    assert later["summary"]["design"] == same["summary"]["design"]
    assert later["summary"]["registry"] != later["summary"]["design"]
    arabic = runner.invoke(app, ["--lang", "ar", *args, "--as-of", "2025-06-01"], env=ENGLISH)
    assert arabic.exit_code == 0 and "العشير" in arabic.stdout and "Decile" not in arabic.stdout


def test_export_format_names_the_file_format(registry: Path, tmp_path: Path) -> None:
    _run("registry", "export", str(registry), "--as-of", "2024-12-31", "--out", str(tmp_path),
         "--format", "parquet")  # fmt: skip
    persons = pl.read_parquet(tmp_path / "persons.parquet")
    assert persons["national_id"].drop_nulls().str.starts_with("********").all()
    old = runner.invoke(app, ["registry", "export", str(registry), "--as-of", "2024-12-31",
                              "--out", str(tmp_path / "old"), "--file-format", "csv"],
                        env=ENGLISH)  # fmt: skip
    assert old.exit_code == 0 and "--file-format is deprecated; use --format" in old.stderr
    assert (tmp_path / "old" / "persons.csv").is_file()
    bad = runner.invoke(app, ["registry", "export", str(registry), "--as-of", "2024-12-31",
                              "--out", str(tmp_path), "--format", "xlsx"], env=ENGLISH)  # fmt: skip
    assert bad.exit_code == 2


def test_determine_on_spark_gives_the_local_json(registry: Path, spark: SparkSession) -> None:
    ids = pl.read_parquet(registry / "groups.parquet").get_column("household_id").to_list()
    args = ["registry", "determine", str(registry), *_rulesets(registry), "--as-of", "2024-12-31",
            "--format", "json"]  # fmt: skip
    for run in (args, [*args, "--household", str(ids[9])]):
        local = json.loads(_run(*run))
        assert json.loads(_run(*run, "--engine", "spark")) == local
    assert [d["household_id"] for d in local] == [ids[9]] * 3
