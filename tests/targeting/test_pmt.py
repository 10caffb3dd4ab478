"""Proxy-means tests: estimation, selection, folds, validation, the model file."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from insaf.measures.variance import DesignArrays
from insaf.survey import Design, Survey, Table
from insaf.targeting import PmtModel, fit_pmt
from insaf.targeting.folds import psu_folds, psu_split
from insaf.targeting.regress import grams, lambda_grid, lasso_path, ols, stepwise
from insaf.targeting.validation import validate_predictions

from .conftest import PROXIES


def _regression(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[:, 3] = rng.random(n) < 0.3
    y = 1.5 + x @ np.array([0.4, -0.2, 0.0, 0.7]) + rng.normal(0, 0.3, n)
    w = rng.uniform(0.5, 3.0, n)
    return x, y, w


def _gram(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    a = np.column_stack([np.ones(len(y)), x, y])
    return grams(a, w, np.array([0, len(y)]))[0]


def test_ols_from_cross_products_is_weighted_least_squares() -> None:
    x, y, w = _regression()
    g = _gram(x, y, w)
    beta = ols(g, [0, 1, 2, 3, 4])
    a = np.column_stack([np.ones(len(y)), x]) * np.sqrt(w)[:, None]
    expected, *_ = np.linalg.lstsq(a, y * np.sqrt(w), rcond=None)
    np.testing.assert_allclose(beta, expected, rtol=1e-10)


def test_stepwise_drops_the_irrelevant_proxy() -> None:
    x, y, w = _regression(n=5000)
    chosen = stepwise(_gram(x, y, w), [[1], [2], [3], [4]], 5000)
    assert sorted(chosen) == [0, 1, 3]  # blocks of x1, x2 and x4; x3 has no effect


def test_lasso_meets_its_optimality_conditions() -> None:
    x, y, w = _regression()
    g = _gram(x, y, w)
    grid = lambda_grid(g)
    path = lasso_path(g, grid, tol=1e-12)
    assert np.all(path[0, 1:] == 0.0)  # the largest penalty keeps nothing
    # KKT on standardised columns: |grad_j| <= lambda, = lambda with the sign of b_j if b_j != 0
    sw = w.sum()
    mean = (w @ x) / sw
    sd = np.sqrt((w @ (x - mean) ** 2) / sw)
    for i in (10, 25):
        b = path[i, 1:]
        resid = y - path[i, 0] - x @ b
        grad = ((w * resid) @ ((x - mean) / sd)) / sw
        for j in range(4):
            if b[j] != 0:
                assert grad[j] == pytest.approx(grid[i] * np.sign(b[j]), abs=1e-6)
            else:
                assert abs(grad[j]) <= grid[i] + 1e-6
    # the smallest penalty is close to OLS
    np.testing.assert_allclose(path[-1], ols(g, [0, 1, 2, 3, 4]), atol=5e-3)


def _design(n_strata: int = 4, psus: int = 7, size: int = 5) -> DesignArrays:
    strata = np.repeat(np.arange(n_strata), psus * size)
    psu = np.repeat(np.arange(n_strata * psus), size)
    return DesignArrays.build(n=strata.size, strata=strata, psu=psu)


def test_folds_move_whole_psus_within_strata() -> None:
    design = _design()
    folds = psu_folds(design, 3, seed=9)
    per_psu = np.zeros((design.n_psus, 3))
    np.add.at(per_psu, (design.psu, folds), 1)
    assert np.all((per_psu > 0).sum(axis=1) == 1)  # each PSU in one fold
    for h in range(design.n_strata):
        counts = np.bincount(folds[design.psu_stratum[design.psu] == h], minlength=3)
        psus_in_fold = counts / 5
        assert psus_in_fold.max() - psus_in_fold.min() <= 1  # 7 PSUs dealt as 3, 2, 2
    assert np.array_equal(folds, psu_folds(design, 3, seed=9))  # deterministic
    assert not np.array_equal(folds, psu_folds(design, 3, seed=10))


def test_test_split_takes_a_share_of_psus_in_every_stratum() -> None:
    design = _design()
    test = psu_split(design, 0.3, seed=1)
    for h in range(design.n_strata):
        inside = design.psu_stratum[design.psu] == h
        assert len(np.unique(design.psu[inside & test])) == round(0.3 * 7)


def test_perfect_prediction_validates_perfectly() -> None:
    design = _design()
    rng = np.random.default_rng(2)
    y = rng.normal(size=design.n_units)
    w = rng.uniform(1, 2, design.n_units)
    out = validate_predictions(y, y.copy(), w, w * 3, design, replicates=10, seed=4)
    assert out["r2"]["value"] == pytest.approx(1.0)
    assert out["spearman"]["value"] == pytest.approx(1.0)
    for row in out["curve"]:
        assert row["exclusion_poorest"]["value"] == pytest.approx(0.0, abs=1e-12)
        assert row["inclusion_poorest"]["value"] == pytest.approx(0.0, abs=1e-12)
    again = validate_predictions(y, y * 0.5 + 0.1, w, w, design, replicates=10, seed=4)
    same = validate_predictions(y, y * 0.5 + 0.1, w, w, design, replicates=10, seed=4)
    assert again == same  # bootstrap deterministic by seed


def test_fit_on_the_demo_country(demo: Survey, model: PmtModel) -> None:
    v = model.validation
    assert 0.4 < v["cv"]["r2"]["value"] < v["in_sample"]["r2"] + 0.01
    assert v["cv"]["r2"]["ci_low"] < v["cv"]["r2"]["value"] < v["cv"]["r2"]["ci_high"]
    assert len(v["cv"]["per_fold"]) == 5
    coverages = [row["coverage"] for row in v["cv"]["curve"]]
    assert coverages[0] == pytest.approx(0.10) and coverages[-1] == pytest.approx(0.60)
    # exclusion errors fall as coverage rises
    errors = [row["exclusion_poorest"]["value"] for row in v["cv"]["curve"]]
    assert errors[0] > errors[-1]
    assert model.survey["year"] == 2024 and model.seed == 3


def test_model_file_round_trip_and_expression(demo: Survey, model: PmtModel, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = model.save(tmp_path / "m.json")
    again = PmtModel.load(path)
    np.testing.assert_array_equal(again.score(demo), model.score(demo))
    data = json.loads(path.read_text())
    assert data["format"] == "insaf.pmt" and data["version"] == 1
    assert {p["name"] for p in data["proxies"]} <= {p.split(":")[0] for p in PROXIES}
    by_sql = demo.households.frame.select(pl.sql_expr(model.expression())).to_series()
    np.testing.assert_allclose(by_sql.to_numpy(), model.score(demo), rtol=0, atol=1e-12)


def test_published_formula_reproduces_the_demo_score(demo: Survey) -> None:
    formula = demo.policy["instruments"]["cash_assistance"]["pmt"]
    published = PmtModel.from_terms(formula)
    recorded = demo.households.frame.get_column("pmt_score").to_numpy()
    np.testing.assert_allclose(published.score(demo), recorded, atol=1e-4)  # recorded rounded


@pytest.mark.parametrize("selection", ["stepwise", "lasso"])
def test_selection_methods(demo: Survey, selection: str) -> None:
    model = fit_pmt(demo, PROXIES, selection=selection, replicates=0)  # type: ignore[arg-type]
    assert model.selection == selection
    assert 0 < len(model.proxies) <= len(PROXIES)
    assert model.validation["cv"]["r2"]["value"] > 0.4
    if selection == "lasso":
        assert model.penalty is not None and model.penalty > 0


def test_separate_models_by_area_and_holdout(demo: Survey) -> None:
    model = fit_pmt(demo, PROXIES, by="urban", test_share=0.25, replicates=10)
    assert [m.group for m in model.models] == [0, 1]
    assert model.validation["test"]["n"] > 0
    score = model.score(demo)
    frame = demo.households.frame
    rural = frame.get_column("urban").to_numpy() == 0
    only_rural = PmtModel(proxies=model.proxies, models=(model.models[0],), welfare=model.welfare)
    np.testing.assert_allclose(score[rural], only_rural.score(frame.filter(pl.col("urban") == 0)))


def test_unweighted_single_table_survey() -> None:
    rng = np.random.default_rng(1)
    n = 400
    frame = pl.DataFrame(
        {
            "hhid": range(n),
            "w": np.ones(n),
            "hhsize": rng.integers(1, 8, n),
            "tv": rng.integers(0, 2, n),
            "psu": np.arange(n) // 4,
        }
    ).with_columns(
        (pl.lit(100.0) * (1 + pl.col("tv")) / pl.col("hhsize").cast(pl.Float64).sqrt()).alias(
            "consumption_pc"
        )
    )
    survey = Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="w", psu="psu"),
    )
    model = fit_pmt(survey, ["tv", "hhsize:log"], replicates=0, line=None)
    m = model.models[0]
    assert m.coefficients["tv"] == pytest.approx(np.log(2))
    assert m.coefficients["ln(hhsize)"] == pytest.approx(-0.5)
    assert m.intercept == pytest.approx(np.log(100))
