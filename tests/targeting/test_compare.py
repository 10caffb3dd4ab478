"""Equal-budget comparison: amounts, outputs, the scenario, the briefs, the command line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer import Typer
from typer.testing import CliRunner

from insaf.policy import parse_scenario, simulate_states
from insaf.survey import Survey, write_survey
from insaf.targeting import Comparison, PmtModel, compare, default_designs, write_comparison


@pytest.fixture(scope="module")
def comparison(demo: Survey, model: PmtModel) -> Comparison:
    return compare(demo, default_designs(), budget=6e8, model=model)


def test_every_design_spends_the_budget(comparison: Comparison) -> None:
    assert len(comparison.results) == 10
    for r in comparison.results:
        assert r.evaluation.summary["cost"].value == pytest.approx(6e8, rel=1e-12)
    kinds = {r.spec.id: r.kind for r in comparison.results}
    assert kinds["universal"] == "universal" and kinds["child_grant"] == "categorical"
    assert kinds["pmt_20"] == "pmt" and kinds["child_pmt_40"] == "hybrid"


def test_narrower_designs_pay_more_per_person(comparison: Comparison) -> None:
    amounts = {r.spec.id: r.amount for r in comparison.results}
    assert amounts["pmt_10"] > amounts["pmt_20"] > amounts["pmt_40"] > amounts["universal"]
    # a budget spread over everyone: amount = budget / (12 * people)
    people = float(comparison.data.people.sum())
    assert amounts["universal"] == pytest.approx(6e8 / 12 / people)


def test_the_scenario_runs_in_the_policy_engine(demo: Survey, comparison: Comparison) -> None:
    scenario = parse_scenario(yaml.safe_load(yaml.safe_dump(comparison.scenario())))
    sim = simulate_states(scenario, demo)
    for r in comparison.results:
        state = sim.reforms[r.spec.id]
        assert sim.net_cost(state) == pytest.approx(6e8, rel=1e-9)
        solved = sim.solved[r.spec.id]
        assert solved.value == pytest.approx(r.amount, rel=1e-8)  # type: ignore[attr-defined]


def test_outputs(comparison: Comparison, tmp_path: Path) -> None:
    written = {p.name for p in write_comparison(comparison, tmp_path)}
    assert {"comparison.json", "comparison.csv", "incidence.csv", "tradeoff.csv"} <= written
    assert {"tradeoff.svg", "incidence.svg", "scenario.yaml", "brief.en.html", "brief.ar.html"} <= (
        written
    )
    data = json.loads((tmp_path / "comparison.json").read_text())
    assert [d["id"] for d in data["designs"]][:2] == ["universal", "child_grant"]
    assert set(data["designs"][0]["headline"]["exclusion_error_line"]) == {
        "value",
        "se",
        "ci_low",
        "ci_high",
    }
    table = pl.read_csv(tmp_path / "comparison.csv")
    assert table.height == 10 and "benefit_cost_ratio_se" in table.columns
    incidence = pl.read_csv(tmp_path / "incidence.csv")
    sums = incidence.group_by("id").agg(pl.col("benefit_share").sum())
    assert sums.get_column("benefit_share").to_list() == pytest.approx([1.0] * 10)
    svg = (tmp_path / "tradeoff.svg").read_text()
    assert svg.startswith("<svg") and "<title>" in svg


def test_arabic_brief_is_right_to_left(comparison: Comparison, tmp_path: Path) -> None:
    write_comparison(comparison, tmp_path)
    ar = (tmp_path / "brief.ar.html").read_text(encoding="utf-8")
    en = (tmp_path / "brief.en.html").read_text(encoding="utf-8")
    assert "<html lang='ar' dir='rtl'>" in ar and "<html lang='en' dir='ltr'>" in en
    for term in ("خطأ الاستبعاد", "خطأ الشمول", "التغطية", "العُشير", "المعاش الاجتماعي"):
        assert term in ar  # glossary terms
    assert "Exclusion error" in en and "<table>" in en and "<svg" in en


def test_the_briefs_state_the_models_out_of_sample_r2(
    comparison: Comparison, model: PmtModel
) -> None:
    from insaf.targeting.report import render_brief

    r2 = model.validation["cv"]["r2"]["value"]
    assert isinstance(r2, float)
    assert f"out-of-sample R² {r2} (cross-validated by PSU)" in render_brief(comparison, "en")
    assert f"معامل التحديد خارج العينة {r2}." in render_brief(comparison, "ar")


def _app() -> Typer:
    """The ``insaf`` app with ``insaf target`` registered (imported here, not at collection,
    so that the CLI reference test sees the commands the package registers itself)."""
    from insaf.cli import app
    from insaf.cli import target as _target  # noqa: F401  (registers insaf target)

    return app


def test_command_line(demo: Survey, tmp_path: Path) -> None:
    app = _app()
    folder = write_survey(demo, tmp_path / "demo").parent
    runner = CliRunner()
    model = tmp_path / "model.json"
    result = runner.invoke(
        app,
        [
            "target", "fit", str(folder), "--proxies", "hhsize:log,n_children,tv,fridge,car",
            "--proxies", "floor:cat", "--out", str(model), "--replicates", "5",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "CV R²" in result.output and model.exists()
    result = runner.invoke(
        app,
        ["target", "evaluate", str(folder), "--model", str(model), "--coverage", "0.2",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["details"]["kind"] == "pmt"
    assert out["summary"]["coverage"]["value"] == pytest.approx(0.2, abs=0.01)
    result = runner.invoke(
        app,
        ["target", "compare", str(folder), "--budget", "5e8", "--model", str(model),
         "--out", str(tmp_path / "cmp")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cmp" / "brief.ar.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--coverage", "1.5", "--model", "MODEL"], "between 0 and 1"),
        (["--coverage", "0.2"], "needs --model"),
        (["--eligible", "nonsense_var = 1"], "nonsense_var"),
    ],
)
def test_command_line_errors(
    demo: Survey, model: PmtModel, tmp_path: Path, args: list[str], message: str
) -> None:
    folder = write_survey(demo, tmp_path / "demo").parent
    path = model.save(tmp_path / "m.json")
    args = [str(path) if a == "MODEL" else a for a in args]
    result = CliRunner().invoke(_app(), ["target", "evaluate", str(folder), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_designs_file_with_proxies_fits_its_own_model(demo: Survey) -> None:
    from insaf.targeting import DesignsFile

    spec = DesignsFile.of(
        {
            "proxies": ["hhsize:log", "tv", "fridge", "car", "floor"],
            "budget": 1e8,
            "designs": [{"id": "p30", "pmt": {"coverage": 0.3}}, {"id": "all"}],
        }
    )
    result = compare(demo, spec)
    assert result.model is not None and {p.name for p in result.model.proxies} <= {
        "hhsize", "tv", "fridge", "car", "floor"
    }  # fmt: skip
    assert [r.evaluation.summary["cost"].value for r in result.results] == pytest.approx([1e8, 1e8])


def test_designs_file_names_a_model_beside_it(
    demo: Survey, model: PmtModel, tmp_path: Path
) -> None:
    from insaf.targeting import DesignsFile

    model.save(tmp_path / "pmt.json")
    (tmp_path / "designs.yaml").write_text(
        "model: pmt.json\nnet_of: cash_assistance\ndesigns:\n  - {id: line, pmt: {line: true}}\n"
    )
    spec = DesignsFile.load(tmp_path / "designs.yaml")
    result = compare(demo, spec, budget=2e8)
    assert result.model is not None
    assert result.model.to_dict()["models"] == model.to_dict()["models"]
    assert result.results[0].evaluation.details["eligible"] == 'pmt_hat < LN("poverty_line")'


def test_a_budget_is_required(demo: Survey) -> None:
    from insaf.errors import InsafError

    with pytest.raises(InsafError, match="give a budget"):
        compare(demo, default_designs())
