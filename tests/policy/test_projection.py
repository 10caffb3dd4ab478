"""A scenario simulated in a later year: ``projection:`` uprates and reweights the survey,
and the impact says which projection it used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

from insaf.errors import SpecError
from insaf.policy import parse_scenario, simulate
from insaf.survey import Survey
from insaf.survey.projection import ProjectionError


def projection_file(survey: Survey, folder: Path) -> Path:
    """Every cell's weighted persons times 1.1 in 2027; consumption uprated by 1.05."""
    frame = survey.frame(["age", "sex", "governorate"], unit="person")
    group = np.where(frame["age"].to_numpy() >= 60, 60, 0)
    cells = (
        frame.with_columns(group=pl.Series(group))
        .group_by("group", "sex", "governorate")
        .agg(pl.col("weight").sum() * 1.1)
    )
    rows = [
        {"age": int(r["group"]), "sex": int(r["sex"]), "governorate": int(r["governorate"]),
         "total": float(r["weight"])}
        for r in cells.iter_rows(named=True)
    ]  # fmt: skip
    data = {
        "source": "demo statistics office, projections of 2025",
        "survey_year": 2024,
        "uprate": {"consumption_pc": {2027: 1.05}},
        "population": {"age_groups": [0, 60], "totals": {2027: rows}},
    }
    path = folder / "projection.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def scenario(projection: dict[str, Any] | None) -> Any:
    data: dict[str, Any] = {
        "name": "grant in 2027",
        "welfare": "consumption_pc",
        "lines": {"line": 150},
        "baseline": [],
        "reforms": {
            "grant": [{"id": "grant", "type": "cash_transfer", "unit": "person", "amount": 20}]
        },
    }
    if projection is not None:
        data["projection"] = projection
    return parse_scenario(data)


def test_simulated_in_the_projected_year(demo: Survey, tmp_path: Path) -> None:
    path = projection_file(demo, tmp_path)
    now = simulate(scenario(None), demo)
    later = simulate(scenario({"file": str(path), "year": 2027}), demo)
    stated = later.to_dict()["scenario"]["projection"]
    assert stated["year"] == 2027 and stated["source"].startswith("demo statistics office")
    assert stated["uprated"] == {"consumption_pc": 1.05}
    assert "projection" not in now.to_dict()["scenario"]
    # 10% more persons in every cell: a grant of 20 a person costs 10% more
    cost_now = now["grant"].table("fiscal")[-1]["change"].value
    cost_later = later["grant"].table("fiscal")[-1]["change"].value
    assert cost_later == pytest.approx(1.1 * cost_now, rel=1e-8)


def test_a_year_without_totals_and_a_missing_file(demo: Survey, tmp_path: Path) -> None:
    path = projection_file(demo, tmp_path)
    with pytest.raises(ProjectionError, match="no population totals for 2030; years with "
                       "totals: 2027"):  # fmt: skip
        simulate(scenario({"file": str(path), "year": 2030}), demo)
    with pytest.raises(SpecError, match=r"projection 'nowhere\.yaml' not found"):
        simulate(scenario({"file": "nowhere.yaml", "year": 2027}), demo)


def test_insaf_simulate_says_which_projection(demo: Survey, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import insaf.cli.simulate  # noqa: F401  (registers the command)
    from insaf.cli.app import app
    from insaf.survey import write_survey

    manifest = write_survey(demo, tmp_path / "demo")
    path = projection_file(demo, tmp_path)
    data = {
        "name": "grant in 2027",
        "survey": str(manifest),
        "welfare": "consumption_pc",
        "lines": {"line": 150},
        "baseline": [],
        "reforms": {"grant": [{"id": "grant", "type": "cash_transfer", "amount": 20}]},
        "projection": {"file": path.name, "year": 2027},  # beside the scenario
    }
    scenario_file = tmp_path / "scenario.yaml"
    scenario_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    env = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    out = tmp_path / "out"
    args = ["simulate", str(scenario_file), "--out", str(out)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "Simulated in 2027: the survey of 2024 uprated and reweighted" in result.stdout
    written = json.loads((out / "impact.json").read_text())
    assert written["scenario"]["projection"]["year"] == 2027
    from insaf.cli.i18n import _, set_language

    set_language("ar")  # the same line in Arabic, from the CLI's catalogue
    try:
        said = _(
            "Simulated in {year}: the survey of {survey_year} uprated and reweighted to "
            "the projection of {source}."
        )
    finally:
        set_language(None)
    assert said.startswith("محاكاة لسنة {year}")
