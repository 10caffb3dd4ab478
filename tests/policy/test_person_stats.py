"""Statistics of persons on household rows (``insaf.policy.person_stats``) equal the
general path's on one row per person (``person_rows``), estimates and PSU totals."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from insaf.measures import Estimate
from insaf.measures._kernels.inequality import gini
from insaf.policy import load_scenario, person_stats
from insaf.policy.analysis import Analysis, build_analysis, person_rows
from insaf.policy.batch import Request, compute
from insaf.policy.engine import simulate_states
from insaf.survey import Survey

EXAMPLE = Path(__file__).parents[2] / "examples" / "bread_to_child_grant.yaml"
OPTIONS = {"unit": "household", "variance": "auto", "replicates": 200, "seed": 1}


def _close(a: np.ndarray, b: np.ndarray) -> None:
    scale = max(float(np.max(np.abs(b))), 1e-300)
    assert np.max(np.abs(a - b)) <= 1e-12 * scale


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
def test_person_gini_is_the_gini_of_person_rows(estimator: str) -> None:
    rng = np.random.default_rng(5)
    n = 400
    members = rng.integers(1, 7, n).astype(np.float64)
    weight = rng.uniform(0.5, 3.0, n)
    y = np.round(rng.lognormal(3.0, 0.7, n), 0)  # rounded: many ties between households
    order = np.argsort(y, kind="stable")
    rows = np.repeat(np.arange(n), members.astype(np.int64))  # persons, household order
    by_y = rows[np.argsort(y[rows], kind="stable")]  # how person rows are sorted
    want, z, _ = gini(estimator)({"y": y[by_y]}, weight[by_y], np.nan, True)  # type: ignore[arg-type]
    assert z is not None
    got, z_home, _ = person_stats.person_gini(estimator)(  # type: ignore[arg-type]
        {"y": y[order], "m": members[order]}, (weight * members)[order], np.nan, True
    )
    assert z_home is not None
    assert got == pytest.approx(want, rel=1e-13)
    # each household's sum over its members of w z is its row's (w n) z
    per_home = np.bincount(by_y, weights=weight[by_y] * z, minlength=n)
    _close((weight * members)[order] * z_home, per_home[order])


@pytest.fixture(scope="module")
def analysis(demo: Survey) -> Analysis:
    return build_analysis(simulate_states(load_scenario(EXAMPLE), demo))


def _estimates_equal(got: Estimate, want: Estimate) -> None:
    assert got.measure == want.measure and got.variable == want.variable
    assert got.n == want.n and got.method == want.method
    assert got.value == pytest.approx(want.value, rel=1e-12, abs=1e-15)
    assert got.se == pytest.approx(want.se, rel=1e-12, abs=1e-15)
    assert got.population == pytest.approx(want.population, rel=1e-13)
    assert got.basis is not None and want.basis is not None
    _close(got.basis.totals, want.basis.totals)  # type: ignore[union-attr]


@pytest.mark.parametrize(("estimator", "below"), [("osier", "<"), ("eurostat", "<=")])
def test_statistics_equal_those_of_person_rows(
    analysis: Analysis, estimator: str, below: str
) -> None:
    columns = ["w0", *(f"_r{r}_w" for r in analysis.reform_index.values())]
    assert any(isinstance(v, str) for v in analysis.lines.values())  # a line per household
    got = person_stats.statistics(
        analysis,
        columns,
        lines=analysis.lines,
        below=below,  # type: ignore[arg-type]
        gini=estimator,  # type: ignore[arg-type]
        options=OPTIONS,
    )
    assert got is not None
    lines = [v for v in analysis.lines.values() if isinstance(v, str)]
    want = compute(
        person_rows(analysis, [*columns, *lines]),
        [Request(c) for c in columns],
        lines=analysis.lines,
        below=below,  # type: ignore[arg-type]
        gini=estimator,  # type: ignore[arg-type]
        options={**OPTIONS, "unit": "person"},
    )
    assert {(c, *k) for c, found in got.items() for k in found} == set(want)
    for (column, *key), estimate in want.items():
        _estimates_equal(got[column][tuple(key)], estimate)


def test_without_psus_persons_are_their_own_clusters(analysis: Analysis) -> None:
    """Person rows without a PSU are each their own cluster: only they give the SEs."""
    design = replace(analysis.people.design, psu=None)
    alone = replace(analysis, people=replace(analysis.people, design=design))
    found = person_stats.statistics(
        alone, ["w0"], lines=alone.lines, below="<", gini="osier", options=OPTIONS
    )
    assert found is None
