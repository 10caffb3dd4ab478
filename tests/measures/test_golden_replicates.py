"""Supplied replicate weights with R ``svrepdesign``'s defaults, and Woodruff
intervals on a replicate design, against R ``survey`` 4.1
(tests/golden/golden_replicates.R).

The replicate columns of data/apiclus1_boot.csv are read as each method with
no scale, rscales or mse given: INSAF must take R's defaults and say which
it took. Tolerances: 1e-8 relative for estimates, 1e-6 relative for SEs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

import insaf.cli.estimate  # noqa: F401  (registers the command until insaf.cli imports it)
import insaf.measures as m
from insaf.cli.app import app
from insaf.errors import DesignError
from insaf.survey.design import ReplicateMethod, Replicates
from insaf.survey.survey import Survey

from .conftest import GOLDEN, api, survey_of

pytestmark = pytest.mark.golden
Golden = dict[str, dict[str, Any]]
METHODS = {
    "bootstrap": ReplicateMethod.BOOTSTRAP,
    "jk1": ReplicateMethod.JK1,
    "brr": ReplicateMethod.BRR,
    "sdr": ReplicateMethod.SDR,
    "other": ReplicateMethod.OTHER,
}


@pytest.fixture(scope="module")
def golden() -> Golden:
    data: Golden = json.loads((GOLDEN / "replicates.json").read_text())
    return data


def survey(method: ReplicateMethod, **given: Any) -> Survey:
    frame = api("apiclus1_boot")
    columns = tuple(c for c in frame.columns if c.startswith("rep"))
    reps = Replicates(columns=columns, method=method, **given)
    return survey_of(frame, weight="pw", psu="dnum", replicates=reps)


@pytest.mark.parametrize("mse", [False, True])
@pytest.mark.parametrize("name", sorted(METHODS))
def test_defaults_are_rs_and_named(golden: Golden, name: str, mse: bool) -> None:
    g = golden[f"{name}_mse{str(mse).upper()}_mean_api00"]
    given = {"mse": True} if mse else {}  # mse left out: R's default, FALSE
    est = m.mean(survey(METHODS[name], **given), "api00")
    assert est.value == pytest.approx(g["value"], rel=1e-8)
    assert est.se == pytest.approx(g["se"], rel=1e-6)
    (row,) = est.to_dicts()
    named = row["replicates"]
    assert named["method"] == METHODS[name].value and named["replicates"] == 50
    assert named["scale"] == pytest.approx(g["scale"], rel=1e-12)
    assert named["rscales"] == g["rscales"] and named["mse"] is g["mse"]


def test_a_scale_r_would_ignore_is_refused() -> None:
    with pytest.raises(DesignError, match=r"brr replicate weights have scale 1/R"):
        m.mean(survey(ReplicateMethod.BRR, scale=0.5), "api00")


@pytest.mark.parametrize("p", [0.25, 0.5])
def test_woodruff_on_replicates_as_r(golden: Golden, p: float) -> None:
    g = golden[f"bootstrap_woodruff_{p}"]
    est = m.quantile(survey(ReplicateMethod.BOOTSTRAP), "api00", p=p, se="woodruff")
    assert est.value == pytest.approx(g["value"], rel=1e-8)
    assert est.se == pytest.approx(g["se"], rel=1e-6)
    assert est.ci(0.95) == pytest.approx((g["ci_low"], g["ci_high"]), rel=1e-12)
    assert est[0].df == g["df"]


def test_replicate_weights_named_on_the_command_line(golden: Golden) -> None:
    data = str(GOLDEN / "data" / "apiclus1_boot.csv")
    columns = ",".join(c for c in api("apiclus1_boot").columns if c.startswith("rep"))
    args = ["estimate", data, "--weight", "pw", "--measure", "mean", "--var", "api00"]
    for name, extra in (("jk1", []), ("bootstrap", ["--mse"])):
        run = CliRunner().invoke(
            app,
            [
                *args,
                "--replicate-weights",
                columns,
                "--replicate-method",
                name,
                *extra,
                "--format",
                "json",
            ],
        )
        assert run.exit_code == 0, run.output
        (row,) = json.loads(run.stdout)
        g = golden[f"{name}_mse{'TRUE' if extra else 'FALSE'}_mean_api00"]
        assert row["se"] == pytest.approx(g["se"], rel=1e-6)
        assert row["replicates"]["scale"] == pytest.approx(g["scale"], rel=1e-12)
        assert row["replicates"]["mse"] is bool(extra)
    run = CliRunner().invoke(app, [*args, "--replicate-weights", columns])
    assert run.exit_code != 0 and "--replicate-method" in run.output
