"""Group shares of many columns at once: the same as one ratio per group."""

from __future__ import annotations

import numpy as np
import pytest

from insaf.budget.people import _shares_one_by_one, group_shares_of, people_survey, policy_data
from insaf.policy.linear import LinearEstimator
from insaf.survey.synth import synthesize


@pytest.mark.parametrize("kind", ["numbers", "text"])
def test_group_shares_of_many_columns_are_the_ratios_one_by_one(kind: str) -> None:
    data = policy_data(synthesize(400, 3, 2024))
    rng = np.random.default_rng(5)
    n = data.n_households
    ys = {"_a": rng.gamma(2.0, 50.0, n), "_b": np.where(rng.random(n) < 0.3, 1.0, 0.0)}
    codes = rng.integers(1, 6, n).astype(np.float64)  # 5 is not a listed group
    labels: list[object] = [1.0, 2.0, 3.0, 4.0]
    if kind == "text":
        codes = np.array([f"g{int(c)}" for c in codes], dtype=object)
        labels = ["g1", "g2", "g3", "g4"]
    people = people_survey(data, ys)
    estimator = LinearEstimator(people)
    found = group_shares_of(people, estimator, ys, codes, labels)
    for key, y in ys.items():
        expected = _shares_one_by_one(people, estimator, y, codes, labels)
        for got, want in zip(found[key], expected, strict=True):
            assert got.value == pytest.approx(want.value, rel=1e-12)
            assert got.se == pytest.approx(want.se, rel=1e-10)
            assert (got.n, got.population) == (want.n, pytest.approx(want.population))
        # the listed groups hold all but group 5's share
        kept = float(np.sum(np.where(np.isin(codes, labels), y * data.weight * data.members, 0)))
        total = float(np.sum(y * data.weight * data.members))
        assert sum(e.value for e in found[key]) == pytest.approx(kept / total)
