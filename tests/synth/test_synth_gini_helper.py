"""The plain-numpy helpers the calibration tests rely on, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from .stats import headcount, weighted_gini


def test_gini_of_two_people() -> None:
    # Incomes 1 and 3: L = (0.25, 1); G = 1 - (0 + 0.25 + 0.25 + 1) / 2 = 0.25
    # (the population Gini: mean absolute difference / (2 mean) = (2*2/4)/(2*2) = 0.25).
    assert weighted_gini(np.array([3.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.25)


def test_gini_weights_equal_replication() -> None:
    x = np.array([1.0, 2.0, 7.0])
    replicated = np.repeat(x, [2, 1, 3])
    assert weighted_gini(x, np.array([2.0, 1.0, 3.0])) == pytest.approx(
        weighted_gini(replicated, np.ones(6))
    )


def test_equal_incomes_have_zero_gini_and_strict_headcount() -> None:
    assert weighted_gini(np.full(4, 5.0), np.ones(4)) == pytest.approx(0.0)
    # strictly below: the person at the line is not poor
    assert headcount(np.array([1.0, 2.0, 3.0]), np.full(3, 2.0), np.ones(3)) == pytest.approx(1 / 3)
