"""Influence values of the HOI, the decompositions and the relative-line Sen
index against numerical derivatives; HOI and gap by hand; bad inputs."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DataError, InsafError
from insaf.measures import decomposition, opportunity, poverty
from insaf.measures._engine import Kernel

from .conftest import survey_of

RNG = np.random.default_rng(11)
N = 60
Y = np.sort(RNG.lognormal(8.0, 0.7, N))
W = RNG.uniform(1.0, 4.0, N)
G = RNG.integers(0, 3, N).astype(np.float64)
X1 = RNG.normal(0.0, 1.0, N)
X2 = RNG.integers(0, 2, N).astype(np.float64)
ACCESS = (RNG.uniform(size=N) < 1 / (1 + np.exp(-(0.8 + 0.9 * X1 - 0.7 * X2)))).astype(float)


def kernels() -> dict[str, tuple[Kernel, dict[str, np.ndarray]]]:
    hoi_cols = {"y": ACCESS, "a": X1, "b": X2}
    dec_cols = {"y": Y, "group": G, "line": np.full(N, float(np.median(Y)))}
    out: dict[str, tuple[Kernel, dict[str, np.ndarray]]] = {
        f"hoi.{w}": (opportunity._hoi_kernel(w, ["a", "b"]), hoi_cols)
        for w in ("coverage", "D", "hoi")
    }
    out.update({f"logit{j}": (opportunity._coef_kernel(j, ["a", "b"]), hoi_cols) for j in range(3)})
    for alpha in (1.0, 2.0):
        for share in (False, True):
            k = decomposition._contribution(1.0, alpha, "<", None, False, share)
            out[f"fgt{alpha:g}.{'share' if share else 'part'}"] = (k, dec_cols)
    for alpha in (0.0, 1.0, 2.0, -1.0):
        out[f"ge{alpha:g}.between"] = (decomposition._between_kernel(alpha, 3), dec_cols)
        out[f"ge{alpha:g}.within"] = (decomposition._combined(alpha, 3, "within"), dec_cols)
    return out


@pytest.mark.parametrize("name", sorted(kernels()))
def test_influence_is_the_weight_derivative(name: str) -> None:
    kernel, cols = kernels()[name]
    _, z, _ = kernel(cols, W, math.nan, True)
    assert z is not None
    numeric = np.empty(N)
    for k in range(N):  # a test may loop: finite differences
        up, down = W.copy(), W.copy()
        up[k] += 1e-6
        down[k] -= 1e-6
        numeric[k] = (
            kernel(cols, up, math.nan, False)[0] - kernel(cols, down, math.nan, False)[0]
        ) / 2e-6
    np.testing.assert_allclose(z, numeric, rtol=1e-5, atol=1e-6 * np.abs(numeric).max())


def test_sen_slope_in_the_line_is_its_derivative() -> None:
    """dS/dt by the kernel against (S(t + d) - S(t - d))/2d on a large smooth sample
    (the kernel density's smoothing makes them agree to about 1 %)."""
    rng = np.random.default_rng(5)
    y = np.sort(rng.lognormal(8.0, 0.6, 200_000))
    w = rng.uniform(1.0, 3.0, y.size)
    kernel = poverty._sen_kernel("<", relative=True).kernel
    t = 0.8 * math.exp(8.0)
    _, _, slope = kernel({"y": y}, w, t, True)
    numeric = (kernel({"y": y}, w, t + 50, False)[0] - kernel({"y": y}, w, t - 50, False)[0]) / 100
    assert slope == pytest.approx(numeric, rel=0.01)


def test_hoi_by_hand() -> None:
    """One binary circumstance: the logit fits each group's access rate exactly.
    Group 0 (weights 1+1+1+1 = 4): 3 of 4 have access, p0 = 0.75; group 1 (weights
    2+2 = 4): 1 of 2, p1 = 0.5. Coverage p = (4 x 0.75 + 4 x 0.5)/8 = 0.625.
    D = (4 |0.75 - 0.625| + 4 |0.5 - 0.625|) / (2 x 8 x 0.625) = 1/10 = 0.1.
    HOI = 0.625 x 0.9 = 0.5625."""
    frame = pl.DataFrame(
        {
            "y": [1, 1, 1, 0, 1, 0],
            "x": [0, 0, 0, 0, 1, 1],
            "w": [1.0, 1.0, 1.0, 1.0, 2.0, 2.0],
        }
    )
    result = m.hoi(survey_of(frame, weight="w"), "y", circumstances=["x"])
    assert result.get("hoi.coverage").value == pytest.approx(0.625, abs=1e-12)
    assert result.get("hoi.D").value == pytest.approx(0.1, abs=1e-12)
    assert result.get("hoi").value == pytest.approx(0.5625, abs=1e-12)
    coef = m.access_model(survey_of(frame, weight="w"), "y", circumstances=["x"])
    assert coef[0].value == pytest.approx(math.log(3), abs=1e-10)  # logit(0.75)
    assert coef[1].value == pytest.approx(-math.log(3), abs=1e-10)  # logit(0.5) - logit(0.75)


def test_hoi_bad_inputs() -> None:
    frame = pl.DataFrame({"y": [1, 1, 0, 0], "x": [1, 1, 0, 0], "z": [2, 0, 1, 1], "w": [1.0] * 4})
    survey = survey_of(frame, weight="w")
    with pytest.raises(DataError, match=r"separates access perfectly|did not converge"):
        m.hoi(survey, "y", circumstances=["x"])
    with pytest.raises(DataError, match="must be 0/1"):
        m.hoi(survey, "z", circumstances=["x"])
    with pytest.raises(InsafError, match="at least one circumstance"):
        m.hoi(survey, "y", circumstances=[])
    with pytest.raises(InsafError, match="must also be listed"):
        m.hoi(survey, "y", circumstances=["x"], categorical=["z"])
    with pytest.raises(DataError, match="among"):
        m.hoi(survey, "y", circumstances=["z"], among="x + 1")


def test_fgt_decomposition_by_hand() -> None:
    """Incomes 100, 110 (group a, weights 1) and 150, 160 (group b, weights 1 and 3),
    line 125. P0 = 2/6. Group a: P0 = 1, share 2/6, contribution 2/6, 100 %;
    group b: P0 = 0, share 4/6, contribution 0."""
    frame = pl.DataFrame(
        {"y": [100.0, 110.0, 150.0, 160.0], "g": ["a", "a", "b", "b"], "w": [1.0, 1.0, 1.0, 3.0]}
    )
    result = m.fgt_decomposition(survey_of(frame, weight="w"), "y", group="g", line=125.0)
    values = {(e.measure, (e.domain or {}).get("g")): e.value for e in result}
    assert values[("fgt0", None)] == pytest.approx(2 / 6)
    assert values[("fgt0", "a")] == 1.0 and values[("fgt0", "b")] == 0.0
    assert values[("population_share", "a")] == pytest.approx(2 / 6)
    assert values[("contribution[fgt0]", "a")] == pytest.approx(2 / 6)
    assert values[("contribution_share[fgt0]", "a")] == pytest.approx(1.0)
    assert values[("contribution_share[fgt0]", "b")] == 0.0


def test_ge_between_by_hand() -> None:
    """Two groups of equal size with means 100 and 300 (mu = 200): GE(2) between =
    ((0.5 x 0.25 + 0.5 x 2.25) - 1)/2 = 0.125; within groups there is no
    inequality, so GE(2) = 0.125 too and the between share is 1."""
    frame = pl.DataFrame({"y": [100.0, 100.0, 300.0, 300.0], "g": [1, 1, 2, 2], "w": [1.0] * 4})
    result = m.ge_decomposition(survey_of(frame, weight="w"), "y", group="g", alpha=2)
    assert result.get("ge[2].between").value == pytest.approx(0.125)
    assert result[0].value == pytest.approx(0.125)
    assert result.get("ge[2].within").value == pytest.approx(0.0, abs=1e-15)
    assert result.get("ge[2].between_share").value == pytest.approx(1.0)
    assert result.get("income_share", g=2).value == pytest.approx(0.75)


def test_gap_errors_and_matching() -> None:
    frame = pl.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "s": [1, 1, 2, 2], "w": [1.0] * 4})
    survey = survey_of(frame, weight="w")
    result = m.gap(survey, "mean", "y", between=("s", "2", "1"))  # text matches numbers
    assert [e.value for e in result] == [3.5, 1.5, 2.0, pytest.approx(3.5 / 1.5)]
    with pytest.raises(InsafError, match=r"no estimate of mean for s = 3; values found: 1, 2"):
        m.gap(survey, "mean", "y", between=("s", 3, 1))
    with pytest.raises(InsafError, match="both the gap's grouping column and a by column"):
        m.gap(survey, "mean", "y", between=("s", 2, 1), by="s")
    zero = frame.with_columns(pl.Series("y", [0.0, 0.0, 3.0, 4.0]))
    ratio = m.gap(survey_of(zero, weight="w"), "mean", "y", between=("s", 2, 1))[3]
    assert math.isnan(ratio.value) and ratio.to_dict()["estimate"] is None
