"""Decomposing a change in poverty: growth against redistribution, and by sector.

The change ``ΔP = P_2 - P_1`` of an FGT index from a start distribution ``y_1``
(``versus=`` on the same units, or ``other=``, an independent survey) to an
end distribution ``y_2`` (``variable``), at an absolute line ``z``:

**Growth and redistribution** (Datt and Ravallion 1992). ``P(mu, L)`` is the
poverty of a distribution with mean ``mu`` and Lorenz curve ``L``; scaling
``y_1`` by ``mu_2/mu_1`` keeps ``L_1`` and moves the mean, so
``P(mu_2, L_1) = P_a(y_1; z mu_1/mu_2)`` (FGT gaps are scale-free). With the
start as reference:

- growth ``G = P(mu_2, L_1) - P(mu_1, L_1)``;
- redistribution ``R = P(mu_1, L_2) - P(mu_1, L_1)``;
- residual ``E = ΔP - G - R``.

The Shapley split (Shorrocks 2013; Kakwani 1997) averages both references and
leaves no residual: ``G_s = [(P(mu_2, L_1) - P_1) + (P_2 - P(mu_1, L_2))]/2`` and
``R_s = [(P(mu_1, L_2) - P_1) + (P_2 - P(mu_2, L_1))]/2``.

**By sector** (Ravallion and Huppi 1991), with ``s_g`` group ``g``'s population
share and ``P_g`` its poverty, ``ΔP = sum_g`` of

- within ``s_g1 (P_g2 - P_g1)`` (intra-sectoral effects),
- shift ``P_g1 (s_g2 - s_g1)`` (population shifts),
- interaction ``(s_g2 - s_g1)(P_g2 - P_g1)``.

Standard errors come from replicates: every component is recomputed with each
replicate's weights (the design's replicate weights, or, for a design without
them, Rao–Wu bootstrap replicates made from its strata and PSUs; the
jackknife when the design has a finite population correction, which the
created bootstrap does not take). A component
moves the line with the means and jumps where a unit crosses it, so it is not a
smooth function of the weights and the replicates, not a delta method, give its
variance. Two surveys are independent samples: each is replicated with the other
held at its full-sample weights, and the two variances add.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Unpack

import numpy as np

from insaf.errors import InsafError, said
from insaf.measures._kernels.poverty import check_alpha, check_below
from insaf.measures._sample import Sample, prepare
from insaf.measures.estimate import Estimate, Estimates, ReplicateBasis
from insaf.measures.types import Below, Inference, VarianceMethod, estimation_keywords
from insaf.measures.variance import FloatArray, replicate_variance
from insaf.survey.survey import Survey

__all__ = ["growth_redistribution", "sectoral_decomposition"]


@dataclass(frozen=True)
class _Side:
    """One period's sample: its values, weights by replicate, and the rows of each
    group (``{label: rows}``, one group ``None`` without ``by``)."""

    sample: Sample
    y: FloatArray

    @property
    def groups(self) -> dict[Any, slice]:
        out: dict[Any, slice] = {}
        for d, domain in enumerate(self.sample.domains):
            label = None if domain is None else next(iter(domain.values()))
            out[label] = self.sample.slice(d)
        return out

    @property
    def n_replicates(self) -> int:
        assert self.sample.spec is not None
        return self.sample.spec.n_replicates

    def weights(self, r: int | None) -> FloatArray:
        return self.sample.w if r is None else self.sample.replicate_weights(r)


def _fgt(y: FloatArray, w: FloatArray, line: float, alpha: float, below: Below) -> float:
    poor = y <= line if below == "<=" else y < line
    h = poor.astype(np.float64)
    if alpha != 0:
        h *= (np.maximum(line - y, 0.0) / line) ** alpha
    return float(np.einsum("i,i->", w, h) / np.einsum("i->", w))


def _mean(y: FloatArray, w: FloatArray) -> float:
    return float(np.einsum("i,i->", w, y) / np.einsum("i->", w))


def _method(survey: Survey, variance: VarianceMethod) -> VarianceMethod:
    """The design's replicates; else the Rao–Wu bootstrap, or, for a design with a
    finite population correction (which the created bootstrap does not use), the
    jackknife (JKn, which does)."""
    if variance in ("auto", "linearization"):
        if survey.design.replicates is not None:
            return "replicates"
        return "jackknife" if survey.design.fpc is not None else "bootstrap"
    return variance


def _sides(
    survey: Survey,
    variable: str,
    *,
    versus: str | None,
    other: Survey | None,
    other_variable: str | None,
    group: str | None,
    inference: Inference,
) -> tuple[_Side, _Side, bool]:
    """The end and start samples, and whether they are the same units (paired)."""
    if (versus is None) == (other is None):
        raise InsafError(
            said(
                "a change is between two distributions: give exactly one of versus= "
                "(the start variable of the same units) or other= (the start survey)",
            )
        )
    if other_variable is not None and other is None:
        raise InsafError(
            said(
                "other_variable= names the variable of other=, which is not given",
            )
        )
    variance = inference["variance"]
    design: dict[str, Any] = {
        "unit": inference["unit"],
        "replicates": inference["replicates"],
        "seed": inference["seed"],
    }
    if versus is not None:
        sample = prepare(
            survey,
            {"y": variable, "y1": versus},
            by=group,
            sort=None,
            variance=_method(survey, variance),
            **design,
        )
        return _Side(sample, sample.cols["y"]), _Side(sample, sample.cols["y1"]), True
    assert other is not None
    sides = []
    for s, name in ((survey, variable), (other, other_variable or variable)):
        sample = prepare(
            s, {"y": name}, by=group, sort=None, variance=_method(s, variance), **design
        )
        sides.append(_Side(sample, sample.cols["y"]))
    return sides[0], sides[1], False


Components = Callable[[FloatArray, FloatArray], FloatArray]


def _estimates(
    names: Sequence[str],
    components: Components,
    end: _Side,
    start: _Side,
    paired: bool,
    variable: str,
) -> Estimates:
    """Each component with its replicate standard error (see the module's note)."""
    values = components(end.weights(None), start.weights(None))
    if paired:
        n_rep = end.n_replicates
        thetas = np.array([components(end.weights(r), start.weights(r)) for r in range(n_rep)])
        assert end.sample.spec is not None
        var = replicate_variance(thetas, values, end.sample.spec)
        bases: list[ReplicateBasis | None] = [
            ReplicateBasis(
                thetas=thetas[:, j].copy(), spec=end.sample.spec, key=end.sample.replicate_key
            )
            for j in range(len(names))
        ]
        method = end.sample.method
        n, population = int(end.y.size), float(end.sample.w.sum())
    else:
        var = np.zeros(len(names))
        for side, which in ((end, 0), (start, 1)):
            n_rep = side.n_replicates
            thetas = np.array(
                [
                    components(
                        side.weights(r) if which == 0 else end.weights(None),
                        side.weights(r) if which == 1 else start.weights(None),
                    )
                    for r in range(n_rep)
                ]
            )
            assert side.sample.spec is not None
            var += replicate_variance(thetas, values, side.sample.spec)
        bases = [None] * len(names)
        method = f"{end.sample.method} + {start.sample.method}"
        n = int(end.y.size + start.y.size)
        population = float(end.sample.w.sum() + start.sample.w.sum())
    return Estimates(
        [
            Estimate(
                measure=name,
                value=float(values[j]),
                se=math.sqrt(max(float(var[j]), 0.0)),
                n=n,
                population=population,
                variable=variable,
                method=method,
                basis=bases[j],
            )
            for j, name in enumerate(names)
        ]
    )


def _check(line: float, alpha: float, below: Below) -> None:
    if isinstance(line, str) or not (math.isfinite(line) and line > 0):
        raise InsafError(
            said(
                "a decomposition of a change needs an absolute poverty line (a "
                "positive number), not {line}",
                line=repr(line),
            )
        )
    check_alpha(alpha)
    check_below(below)


GROWTH = (
    "fgt.start",
    "fgt.end",
    "change",
    "growth",
    "redistribution",
    "residual",
    "growth.shapley",
    "redistribution.shapley",
)
"""The statistics of ``growth_redistribution``, in order."""


@estimation_keywords()
def growth_redistribution(
    survey: Survey,
    variable: str,
    *,
    line: float,
    alpha: float = 0.0,
    versus: str | None = None,
    other: Survey | None = None,
    other_variable: str | None = None,
    below: Below = "<",
    **inference: Unpack[Inference],
) -> Estimates:
    """Datt–Ravallion growth, redistribution and residual components of the change in
    FGT(``alpha``) at ``line`` from the start (``versus`` or ``other``) to the end
    (``variable``), and the Shapley split of growth and redistribution.

    Results, in order: ``fgt.start``, ``fgt.end``, ``change``, ``growth``,
    ``redistribution``, ``residual``, ``growth.shapley``, ``redistribution.shapley``;
    standard errors from replicates (``variance="auto"``: the design's, else 200
    Rao–Wu bootstrap replicates with ``seed``).
    """
    _check(line, alpha, below)
    end, start, paired = _sides(
        survey,
        variable,
        versus=versus,
        other=other,
        other_variable=other_variable,
        group=None,
        inference=inference,
    )
    for side, name in ((end, variable), (start, versus or other_variable or variable)):
        if not _mean(side.y, side.weights(None)) > 0:
            raise InsafError(
                said(
                    "the mean of {name} is not positive: growth is undefined",
                    name=repr(name),
                )
            )

    def components(w2: FloatArray, w1: FloatArray) -> FloatArray:
        mu2, mu1 = _mean(end.y, w2), _mean(start.y, w1)
        p1 = _fgt(start.y, w1, line, alpha, below)
        p2 = _fgt(end.y, w2, line, alpha, below)
        grown = _fgt(start.y, w1, line * mu1 / mu2, alpha, below)  # P(mu_2, L_1)
        spread = _fgt(end.y, w2, line * mu2 / mu1, alpha, below)  # P(mu_1, L_2)
        g, r = grown - p1, spread - p1
        return np.array(
            [
                p1,
                p2,
                p2 - p1,
                g,
                r,
                p2 - p1 - g - r,
                (g + p2 - spread) / 2,
                (r + p2 - grown) / 2,
            ]
        )

    return _estimates(GROWTH, components, end, start, paired, variable)


@estimation_keywords()
def sectoral_decomposition(
    survey: Survey,
    variable: str,
    *,
    by: str,
    line: float,
    alpha: float = 0.0,
    versus: str | None = None,
    other: Survey | None = None,
    other_variable: str | None = None,
    below: Below = "<",
    **inference: Unpack[Inference],
) -> Estimates:
    """Ravallion–Huppi decomposition of the change in FGT(``alpha``) at ``line`` by the
    groups of ``by``: within-group change, population shift and interaction.

    Results: ``change``, ``within``, ``shift``, ``interaction`` (they add up:
    ``change = within + shift + interaction``), then per group (``domain``
    ``{by: value}``) ``within``, ``shift``, ``interaction``. A group must be in
    both periods. Standard errors as ``growth_redistribution``.
    """
    _check(line, alpha, below)
    end, start, paired = _sides(
        survey,
        variable,
        versus=versus,
        other=other,
        other_variable=other_variable,
        group=by,
        inference=inference,
    )
    end_groups, start_groups = end.groups, start.groups
    labels = list(end_groups)
    for label in start_groups:
        if label not in end_groups:
            labels.append(label)
    for groups, when in ((end_groups, "end"), (start_groups, "start")):
        missing = [label for label in labels if label not in groups]
        if missing:
            raise InsafError(
                said(
                    "group {by} = {missing} is not in the {when} distribution: a sectoral "
                    "decomposition needs every group in both",
                    by=by,
                    missing=repr(missing[0]),
                    when=when,
                )
            )

    def components(w2: FloatArray, w1: FloatArray) -> FloatArray:
        n2, n1 = float(w2.sum()), float(w1.sum())
        parts = []
        for label in labels:
            r2, r1 = end_groups[label], start_groups[label]
            s2, s1 = float(w2[r2].sum()) / n2, float(w1[r1].sum()) / n1
            p2 = _fgt(end.y[r2], w2[r2], line, alpha, below) if s2 > 0 else 0.0
            p1 = _fgt(start.y[r1], w1[r1], line, alpha, below) if s1 > 0 else 0.0
            parts.append((s1 * (p2 - p1), p1 * (s2 - s1), (s2 - s1) * (p2 - p1)))
        each = np.array(parts)
        totals = each.sum(axis=0)
        return np.concatenate([[totals.sum()], totals, each.reshape(-1)])

    names = ["change", "within", "shift", "interaction"]
    names += [part for _ in labels for part in ("within", "shift", "interaction")]
    found = _estimates(names, components, end, start, paired, variable)
    out = list(found[:4])
    for k, label in enumerate(labels):
        out += [replace(found[4 + 3 * k + j], domain={by: label}) for j in range(3)]
    return Estimates(out, by=[by])
