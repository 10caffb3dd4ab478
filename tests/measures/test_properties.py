"""Invariants that hold whatever the data (Hypothesis).

- Scaling every weight by k changes no rate or index; nor its standard error,
  except for kernel-linearized quantile measures, whose bandwidth
  ``sd * N^(-1/5)`` uses the estimated population size N (as convey does).
- A transfer from a richer to a poorer unit (equal weights, ranks kept) lowers the Gini.
- Adding income to a poor unit never raises FGT(alpha), alpha = 0, 1, 2.
- Duplicating every unit with half its weight leaves unchanged every estimator
  that is a functional of the weighted distribution: means, FGT, quantiles
  (all rules), ARPR, QSR, Palma, GE, Atkinson, the Eurostat Gini and the
  concentration coefficient (mid-point ranks). The Osier (convey) Gini is not
  invariant: it changes by exactly sum(w^2 y)/(2 N Y), of order 1/N.
- The Osier Gini is not invariant to the scale of the weights either: its
  ``- sum w y / (N Y) = -1/N`` term treats weights as counts of population
  units, so ``G_osier = G_eurostat + (sum w^2 y - sum w y)/(N Y)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import insaf.measures as m
from insaf.survey.survey import Survey

from .conftest import survey_of

incomes = st.lists(st.floats(1.0, 1e5, allow_nan=False), min_size=6, max_size=40)
SETTINGS = settings(max_examples=40, deadline=None)


def build(y: list[float], w: list[float]) -> Survey:
    return survey_of(pl.DataFrame({"y": y, "w": w}), weight="w")


@st.composite
def samples(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    y = draw(incomes)
    assume(len(set(y)) > 2)  # a constant variable has no kernel bandwidth (a DataError)
    w = draw(st.lists(st.floats(0.5, 50.0), min_size=len(y), max_size=len(y)))
    return y, w


INDICES: dict[str, Callable[[Survey], Any]] = {
    "mean": lambda s: m.mean(s, "y"),
    "median": lambda s: m.median(s, "y"),
    "gini_eurostat": lambda s: m.gini(s, "y", estimator="eurostat"),
    "fgt0": lambda s: m.fgt(s, "y", line=20000.0),
    "fgt2": lambda s: m.fgt(s, "y", line=20000.0, alpha=2),
    "arpr": lambda s: m.arpr(s, "y"),
    "qsr": lambda s: m.qsr(s, "y"),
    "mld": lambda s: m.mld(s, "y"),
    "theil": lambda s: m.theil(s, "y"),
    "atkinson": lambda s: m.atkinson(s, "y", epsilon=0.5),
    "palma": lambda s: m.palma(s, "y"),
}


KERNEL = {"median", "arpr", "qsr", "palma"}


@pytest.mark.parametrize("name", sorted(INDICES))
@SETTINGS
@given(data=samples(), k=st.floats(0.01, 1000.0))
def test_scaling_weights_changes_no_rate(
    name: str, data: tuple[list[float], list[float]], k: float
) -> None:
    y, w = data
    fn = INDICES[name]
    a = fn(build(y, w))
    b = fn(build(y, [k * x for x in w]))
    assert b.value == pytest.approx(a.value, rel=1e-9, abs=1e-12)
    if name in KERNEL:
        # the bandwidth scales as k^(-1/5); the SE changes, but only through it
        return
    assert b.se == pytest.approx(a.se, rel=1e-6, abs=1e-12)


@SETTINGS
@given(
    y=st.lists(st.floats(1.0, 1e5), min_size=3, max_size=30, unique=True),
    share=st.floats(0.01, 0.49),
)
def test_rich_to_poor_transfer_lowers_gini(y: list[float], share: float) -> None:
    ys = sorted(y)
    gap = ys[-1] - ys[0]
    if gap < 1e-3:
        return
    d = share * gap
    moved = [ys[0] + d, *ys[1:-1], ys[-1] - d]
    w = [1.0] * len(ys)
    for est in ("osier", "eurostat"):
        before = m.gini(build(ys, w), "y", estimator=est).value  # type: ignore[arg-type]
        after = m.gini(build(moved, w), "y", estimator=est).value  # type: ignore[arg-type]
        assert after < before


@SETTINGS
@given(
    data=samples(),
    extra=st.floats(0.0, 1e4),
    pick=st.integers(0, 1000),
    alpha=st.sampled_from([0, 1, 2]),
)
def test_income_to_a_poor_unit_never_raises_fgt(
    data: tuple[list[float], list[float]], extra: float, pick: int, alpha: int
) -> None:
    y, w = data
    line = float(np.median(y))
    poor = [i for i, v in enumerate(y) if v < line]
    if not poor:
        return
    i = poor[pick % len(poor)]
    richer = list(y)
    richer[i] += extra
    before = m.fgt(build(y, w), "y", line=line, alpha=alpha).value
    after = m.fgt(build(richer, w), "y", line=line, alpha=alpha).value
    assert after <= before + 1e-15


DUPLICATION_INVARIANT: dict[str, Callable[[Survey], Any]] = {
    **INDICES,
    "quantile_eurostat": lambda s: m.quantile(s, "y", p=0.3, rule="eurostat"),
    "quantile_laeken": lambda s: m.quantile(s, "y", p=0.7, rule="laeken"),
    "rmpg": lambda s: m.rmpg(s, "y"),
    "concentration": lambda s: m.concentration(s, "y", rank_by="y"),
    "lorenz": lambda s: m.lorenz(s, "y", p=[0.4])[0],
}


@pytest.mark.parametrize("name", sorted(DUPLICATION_INVARIANT))
@SETTINGS
@given(data=samples())
def test_duplication_with_half_weights(name: str, data: tuple[list[float], list[float]]) -> None:
    y, w = data
    fn = DUPLICATION_INVARIANT[name]
    a = fn(build(y, w)).value
    b = fn(build(y + y, [x / 2 for x in w] * 2)).value
    if np.isnan(a):
        assert np.isnan(b)
    else:
        assert b == pytest.approx(a, rel=1e-9, abs=1e-12)


@SETTINGS
@given(data=samples())
def test_osier_gini_is_not_duplication_invariant(data: tuple[list[float], list[float]]) -> None:
    y, w = data
    a = m.gini(build(y, w), "y").value
    b = m.gini(build(y + y, [x / 2 for x in w] * 2), "y").value
    ya, wa = np.array(y), np.array(w)
    expected = float(np.sum(wa * wa * ya) / (2 * wa.sum() * np.dot(wa, ya)))
    assert a - b == pytest.approx(expected, rel=1e-6, abs=1e-13)


@SETTINGS
@given(data=samples(), k=st.floats(0.01, 1000.0))
def test_osier_gini_depends_on_the_weight_scale(
    data: tuple[list[float], list[float]], k: float
) -> None:
    y, w = data
    ya, wa = np.array(y), np.array(w)
    for scale in (1.0, k):
        ws = wa * scale
        osier = m.gini(build(y, list(ws)), "y").value
        eurostat = m.gini(build(y, list(ws)), "y", estimator="eurostat").value
        gap = float((np.dot(ws * ws, ya) - np.dot(ws, ya)) / (ws.sum() * np.dot(ws, ya)))
        assert osier - eurostat == pytest.approx(gap, rel=1e-6, abs=1e-12)
