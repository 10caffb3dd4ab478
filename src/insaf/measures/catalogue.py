"""Every measure by its lowercase name, for callers that choose at run time
(the ``insaf estimate`` command, indicator definitions).

``compute(survey, "gini", "income", by=...)`` dispatches to the typed function
with the options that measure takes; an option a measure does not use is an
error rather than silently ignored. ``mpi`` reads its variables from its
specification (``spec``: a preset or a YAML file) and takes no variable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Literal, TypedDict

from insaf.errors import InsafError
from insaf.measures import basic, inequality, opportunity, poverty
from insaf.measures._kernels import QuantileRule
from insaf.measures._sample import NonPositive, VarianceMethod
from insaf.measures.estimate import Estimates
from insaf.measures.inequality import GiniEstimator
from insaf.measures.mpi import mpi as multidimensional
from insaf.measures.poverty import Below, Relative
from insaf.survey.survey import Level, Survey

__all__ = ["MEASURES", "MeasureOptions", "compute"]

MEASURES: tuple[str, ...] = (
    "mean",
    "total",
    "median",
    "quantile",
    "fgt0",
    "fgt1",
    "fgt2",
    "watts",
    "sen",
    "arpt",
    "arpr",
    "rmpg",
    "gini",
    "ge",
    "mld",
    "theil",
    "atkinson",
    "qsr",
    "palma",
    "mpi",
    "hoi",
)


@dataclass(frozen=True, kw_only=True)
class MeasureOptions:
    """Options a measure may take; ``None`` means "not given"."""

    line: float | str | None = None
    relative: float | None = None
    of: Literal["median", "mean"] | None = None
    alpha: float | None = None
    epsilon: float | None = None
    p: float | None = None
    below: Below | None = None
    rule: QuantileRule | None = None
    estimator: GiniEstimator | None = None
    nonpositive: NonPositive | None = None
    spec: str | None = None
    circumstances: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    among: str | None = None


class _Common(TypedDict):
    by: str | Sequence[str] | None
    level: Level | str | None
    variance: VarianceMethod
    replicates: int
    seed: int


# which options each measure accepts
_ACCEPTS: dict[str, frozenset[str]] = {
    "mean": frozenset(),
    "total": frozenset(),
    "median": frozenset({"rule"}),
    "quantile": frozenset({"p", "rule"}),
    "fgt0": frozenset({"line", "relative", "of", "below", "rule"}),
    "fgt1": frozenset({"line", "relative", "of", "below", "rule"}),
    "fgt2": frozenset({"line", "relative", "of", "below", "rule"}),
    "watts": frozenset({"line", "relative", "of", "below", "rule", "nonpositive"}),
    "sen": frozenset({"line", "relative", "of", "below", "rule"}),
    "arpt": frozenset({"relative", "of", "rule"}),
    "arpr": frozenset({"relative", "of", "below", "rule"}),
    "rmpg": frozenset({"relative", "below", "rule"}),
    "gini": frozenset({"estimator"}),
    "ge": frozenset({"alpha", "nonpositive"}),
    "mld": frozenset({"nonpositive"}),
    "theil": frozenset({"nonpositive"}),
    "atkinson": frozenset({"epsilon", "nonpositive"}),
    "qsr": frozenset({"rule"}),
    "palma": frozenset({"rule"}),
    "mpi": frozenset({"spec"}),
    "hoi": frozenset({"circumstances", "categorical", "among"}),
}


def _line(name: str, options: MeasureOptions) -> float | str | Relative:
    if options.line is not None and options.relative is not None:
        raise InsafError(f"{name}: give either a line or a relative line, not both")
    if options.line is not None:
        return options.line
    if options.relative is not None:
        return Relative(share=options.relative, of=options.of or "median")
    raise InsafError(f"{name} needs a poverty line: a number, a column, or a relative line")


def compute(
    survey: Survey,
    measure: str,
    variable: str | None,
    *,
    options: MeasureOptions | None = None,
    by: str | Sequence[str] | None = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Estimate ``measure`` (a name from ``MEASURES``) of ``variable``."""
    o = options or MeasureOptions()
    name = measure.lower()
    if name not in _ACCEPTS:
        raise InsafError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")
    given = {f.name for f in fields(o) if getattr(o, f.name) is not None}
    extra = given - _ACCEPTS[name]
    if extra:
        raise InsafError(f"{name} does not take {', '.join(sorted(extra))}")
    common: _Common = {
        "by": by,
        "level": level,
        "variance": variance,
        "replicates": replicates,
        "seed": seed,
    }
    if name == "mpi":
        if variable is not None:
            raise InsafError("mpi takes no variable: its variables are in the specification")
        return multidimensional(survey, o.spec or "global", **common)
    if variable is None:
        raise InsafError(f"{name} needs a variable")
    if name == "hoi":
        if not o.circumstances:
            raise InsafError("hoi needs circumstances (columns the access should not depend on)")
        return opportunity.hoi(
            survey,
            variable,
            circumstances=o.circumstances,
            categorical=o.categorical or (),
            among=o.among,
            **common,
        )
    rule: QuantileRule = o.rule or "convey"
    below: Below = o.below or "<"
    nonpositive: NonPositive = o.nonpositive or "error"
    share = o.relative if o.relative is not None else 0.6
    of = o.of or "median"
    if name == "mean":
        return basic.mean(survey, variable, **common)
    if name == "total":
        return basic.total(survey, variable, **common)
    if name == "median":
        return basic.median(survey, variable, rule=rule, **common)
    if name == "quantile":
        if o.p is None:
            raise InsafError("quantile needs p (a probability in (0, 1))")
        return basic.quantile(survey, variable, p=o.p, rule=rule, **common)
    if name in ("fgt0", "fgt1", "fgt2"):
        return poverty.fgt(
            survey,
            variable,
            line=_line(name, o),
            alpha=float(name[-1]),
            below=below,
            rule=rule,
            **common,
        )
    if name == "watts":
        return poverty.watts(
            survey,
            variable,
            line=_line(name, o),
            below=below,
            rule=rule,
            nonpositive=nonpositive,
            **common,
        )
    if name == "sen":
        return poverty.sen(survey, variable, line=_line(name, o), below=below, rule=rule, **common)
    if name == "arpt":
        return poverty.arpt(survey, variable, share=share, of=of, rule=rule, **common)
    if name == "arpr":
        return poverty.arpr(survey, variable, share=share, of=of, below=below, rule=rule, **common)
    if name == "rmpg":
        return poverty.rmpg(survey, variable, share=share, below=below, rule=rule, **common)
    if name == "gini":
        return inequality.gini(survey, variable, estimator=o.estimator or "osier", **common)
    if name == "ge":
        alpha = o.alpha if o.alpha is not None else 2.0
        return inequality.ge(survey, variable, alpha=alpha, nonpositive=nonpositive, **common)
    if name == "mld":
        return inequality.mld(survey, variable, nonpositive=nonpositive, **common)
    if name == "theil":
        return inequality.theil(survey, variable, nonpositive=nonpositive, **common)
    if name == "atkinson":
        eps = o.epsilon if o.epsilon is not None else 1.0
        return inequality.atkinson(survey, variable, epsilon=eps, nonpositive=nonpositive, **common)
    if name == "qsr":
        return inequality.qsr(survey, variable, rule=rule, **common)
    return inequality.palma(survey, variable, rule=rule, **common)
