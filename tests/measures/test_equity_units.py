"""Influence values of the HOI, the decompositions and the relative-line Sen
index against numerical derivatives; HOI and gap by hand; bad inputs."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import insaf.measures as m
from insaf.errors import DataError, InsafError
from insaf.measures import decomposition, opportunity
from insaf.measures._engine import Kernel
from insaf.measures._kernels import poverty
from insaf.measures.mpi_spec import MPISpec
from insaf.specs import load_yaml, parse_spec

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
    kernel = poverty.sen("<", relative=True).kernel
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
    assert math.isnan(ratio.value) and ratio.to_dict()["value"] is None


# -- invariants (Hypothesis) -------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None)
rows = st.lists(
    st.tuples(
        st.floats(1.0, 1e4, allow_nan=False),  # income
        st.floats(0.5, 5.0, allow_nan=False),  # weight
        st.integers(0, 2),  # group
    ),
    min_size=8,
    max_size=30,
)


@SETTINGS
@given(rows, st.floats(0.1, 100.0), st.sampled_from([0.0, 1.0, 2.0]))
@example(data=[(1.0, 1.0, 0)] * 7 + [(1.0625, 1.0, 0)], k=0.1, alpha=0.0)
def test_decompositions_add_up_and_ignore_the_weight_scale(
    data: list[tuple[float, float, int]], k: float, alpha: float
) -> None:
    frame = pl.DataFrame(data, schema=["y", "w", "g"], orient="row")
    line = float(np.median(frame["y"]))
    results = []
    for scale in (1.0, k):
        survey = survey_of(frame.with_columns(pl.col("w") * scale), weight="w")
        fgt = m.fgt_decomposition(survey, "y", group="g", line=line, alpha=alpha)
        parts = [e.value for e in fgt if e.measure.startswith("contribution[")]
        shares = [e.value for e in fgt if e.measure.startswith("contribution_share[")]
        assert sum(parts) == pytest.approx(fgt[0].value, rel=1e-9, abs=1e-12)
        if fgt[0].value > 0:
            assert sum(shares) == pytest.approx(1.0, rel=1e-9)
        ge = m.ge_decomposition(survey, "y", group="g", alpha=alpha)
        total, between, within = ge[0].value, ge[1].value, ge[2].value
        assert between + within == pytest.approx(total, rel=1e-9, abs=1e-12)
        assert between >= -1e-12
        results.append([e.value for e in (*fgt, *ge)])
    # a component that is zero in exact arithmetic comes out as rounding noise of about
    # 1e-12 when weights (0.1) are not exact binary fractions (the example above)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-9, atol=1e-11)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1), st.floats(0.5, 5.0)),
        min_size=4,
        max_size=25,
    ),
    st.floats(0.1, 100.0),
)
def test_mpi_identities_and_weight_scale(data: list[tuple[int, int, int, float]], k: float) -> None:
    """M0 = H x A, contributions sum to 1 when M0 > 0, censored <= uncensored,
    and scaling the weights changes no value and no standard error."""
    frame = pl.DataFrame(data, schema=["a", "b", "c", "w"], orient="row").with_row_index("hh")
    text = (
        "name: p\nk: 1/2\ndimensions:\n"
        "  - name: one\n    weight: 1/2\n    indicators:\n"
        "      - {name: a, variable: a, operator: '==', value: 1}\n"
        "  - name: two\n    weight: 1/2\n    indicators:\n"
        "      - {name: b, variable: b, operator: '==', value: 1}\n"
        "      - {name: c, expr: c = 1}\n"
        "household: hh\n"
    )
    parsed = parse_spec(MPISpec, *load_yaml(text))
    out = []
    for scale in (1.0, k):
        survey = survey_of(frame.with_columns(pl.col("w") * scale), weight="w")
        result = m.mpi(survey, parsed)
        h, a, m0 = (result.get(f"mpi.{s}") for s in ("H", "A", "M0"))
        if h.value > 0:
            assert m0.value == pytest.approx(h.value * a.value, rel=1e-12)
            total = sum(result.get(f"mpi.contribution[{j}]").value for j in "abc")
            assert total == pytest.approx(1.0, rel=1e-12)
        for j in "abc":
            assert (
                result.get(f"mpi.censored[{j}]").value
                <= result.get(f"mpi.uncensored[{j}]").value + 1e-15
            )
        out.append([(e.value, e.se) for e in result])
    np.testing.assert_allclose(np.array(out[0]), np.array(out[1]), rtol=1e-9, atol=1e-12)
