"""``insaf target evaluate``: groups below the minimum count are withheld, unless asked."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insaf.cli import target as _target  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.disclosure import DisclosureRules
from insaf.survey import Survey, write_survey
from insaf.survey.synth import synthesize
from insaf.targeting import (
    Rule,
    compare,
    default_designs,
    evaluate,
    public_comparison,
    public_evaluation,
)

MIN = DisclosureRules().min_count


@pytest.fixture(scope="module")
def survey() -> Survey:
    return synthesize(150, seed=9, year=2024)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, survey: Survey) -> Path:
    path = tmp_path_factory.mktemp("target") / "survey"
    write_survey(survey, path)
    return path


def _small(survey: Survey) -> set[tuple[str, str]]:
    """Categories computed from fewer households than the minimum count (raw evaluation)."""
    raw = evaluate(survey, Rule(id="r", eligible="n_children > 0"), amount=10.0)
    return {
        (group, str(category))
        for group, rows in raw.groups.items()
        for category, row in rows
        if row["coverage"].n < MIN
    }


def test_small_groups_are_withheld(survey: Survey) -> None:
    raw = evaluate(survey, Rule(id="r", eligible="n_children > 0"), amount=10.0)
    small = _small(survey)
    assert small  # 150 households: some governorates hold fewer than 30
    public = public_evaluation(raw, DisclosureRules())
    assert small <= public.suppressed
    for group, rows in public.groups.items():
        for category, row in rows:
            if (group, str(category)) in public.suppressed:
                assert row == {}
            else:
                assert row["coverage"].n >= MIN


def test_the_cli_withholds_them_in_json_and_csv(folder: Path, survey: Survey) -> None:
    small = _small(survey)
    args = ["target", "evaluate", str(folder), "--eligible", "n_children > 0", "--amount", "10"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    shown = {
        (group, str(row["category"])): row
        for group, rows in document["groups"].items()
        for row in rows
    }
    for key in small:
        assert shown[key]["suppressed"] is True and "coverage" not in shown[key]
    result = CliRunner().invoke(app, [*args, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    for row in rows:
        if (row["group"], row["category"]) in small:
            assert row["value"] == "" and row["suppressed"] == "true"
    result = CliRunner().invoke(app, [*args, "--format", "json", "--no-disclosure"])
    everything = json.loads(result.output)
    assert not any(r["suppressed"] for rows in everything["groups"].values() for r in rows)


def test_target_compare_withholds_them_in_every_design(
    folder: Path, survey: Survey, tmp_path: Path
) -> None:
    raw = compare(survey, default_designs(), budget=1e6)
    small = {
        (design.spec.id, group, str(category))
        for design in raw.results
        for group, rows in design.evaluation.groups.items()
        for category, row in rows
        if row["coverage"].n < MIN
    }
    assert small  # 150 households: some governorates hold fewer than 30
    public = public_comparison(raw, DisclosureRules())
    for design in public.results:
        for group, rows in design.evaluation.groups.items():
            for category, row in rows:
                if (design.spec.id, group, str(category)) in small:
                    assert row == {}
                elif row:
                    assert row["coverage"].n >= MIN

    def suppressed(out: Path, *flag: str) -> set[tuple[str, str, str]]:
        args = ["target", "compare", str(folder), "--budget", "1e6", "--out", str(out), *flag]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        document = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
        return {
            (design["id"], group, str(row["category"]))
            for design in document["designs"]
            for group, rows in design["evaluation"]["groups"].items()
            for row in rows
            if row["suppressed"]
        }

    assert small <= suppressed(tmp_path / "public")
    assert suppressed(tmp_path / "all", "--no-disclosure") == set()
