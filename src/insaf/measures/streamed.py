"""How a measure is asked of an engine that reads a dataset it does not hold:
the streamed engine (``insaf.measures.stream``) or Spark (``insaf.measures.spark``).

Each function here takes an ``Asked`` (the engine, the dataset, the variable,
the design, the domains, and the arguments the measure's in-memory function
would take, ``MeasureSpec.arguments``) and calls the engine's ``estimate``,
``gini``, ``arpr``, ``quantile``, ``qsr`` or ``palma`` (both engines have them
all); the registry names the function of each measure an out-of-core engine
computes (``MeasureSpec.streamed``). The engines are imported only when asked
for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from insaf.errors import InsafError, said
from insaf.measures.estimate import Estimates
from insaf.survey.design import Design

__all__ = [
    "Asked",
    "OutOfCore",
    "Source",
    "Streamed",
    "arpr",
    "fgt",
    "gini",
    "mean",
    "median",
    "palma",
    "qsr",
    "quantile",
    "total",
]

Source = str | Path | Sequence[str | Path]


class OutOfCore(Protocol):
    """An engine's module: the linear measures, the Gini, the ARPR, quantiles and the
    share ratios."""

    def estimate(
        self, source: Source, statistics: Sequence[Any], *, design: Design, by: Sequence[str]
    ) -> Estimates: ...

    def gini(
        self, source: Source, variable: str, *, design: Design, by: Sequence[str], estimator: Any
    ) -> Estimates: ...

    def arpr(
        self,
        source: Source,
        variable: str,
        *,
        design: Design,
        by: Sequence[str],
        share: float,
        of: Any,
        below: Any,
        rule: Any,
    ) -> Estimates: ...

    def quantile(
        self,
        source: Source,
        variable: str,
        *,
        design: Design,
        by: Sequence[str],
        p: float,
        rule: Any,
    ) -> Estimates: ...

    def qsr(
        self, source: Source, variable: str, *, design: Design, by: Sequence[str], rule: Any
    ) -> Estimates: ...

    def palma(
        self, source: Source, variable: str, *, design: Design, by: Sequence[str], rule: Any
    ) -> Estimates: ...


@dataclass(frozen=True)
class Asked:
    """A measure asked of ``engine``: its ``variable`` in ``source`` under ``design``,
    by the domains of ``by``, with the in-memory function's ``arguments``."""

    engine: OutOfCore
    source: Source
    variable: str
    design: Design
    by: Sequence[str]
    arguments: Mapping[str, Any]

    def linear(self, statistic: Any) -> Estimates:
        return self.engine.estimate(self.source, [statistic], design=self.design, by=self.by)


Streamed = Callable[[Asked], Estimates]
"""The shape of every function here."""


def takes_replicates(function: Streamed, *, spark: bool) -> bool:
    """Whether an engine out of core estimates the measure with replicate weights: the
    streamed engine every measure here; Spark the measures linear in domain totals
    (``total``, ``mean``, ``fgt``) and the Gini, not yet those whose replicates each
    need their own quantile."""
    return not spark or function in (total, mean, fgt, gini)


def total(asked: Asked) -> Estimates:
    from insaf.measures.stream.statistic import Total

    return asked.linear(Total(variable=asked.variable))


def mean(asked: Asked) -> Estimates:
    from insaf.measures.stream.statistic import Mean

    return asked.linear(Mean(variable=asked.variable))


def fgt(asked: Asked) -> Estimates:
    """At an absolute line (a number or a column); a relative line's threshold is
    a quantile, which the ARPR computes."""
    from insaf.measures.stream.statistic import FGT

    line, arguments = asked.arguments["line"], asked.arguments
    if not isinstance(line, int | float | str):
        raise InsafError(
            said(
                "an FGT index at a relative line is not computed out of core; the "
                "at-risk-of-poverty rate (arpr) is, or give an absolute line",
            )
        )
    alpha = float(arguments["alpha"])
    return asked.linear(
        FGT(variable=asked.variable, line=line, alpha=alpha, below=arguments["below"])
    )


def gini(asked: Asked) -> Estimates:
    return asked.engine.gini(
        asked.source,
        asked.variable,
        design=asked.design,
        by=asked.by,
        estimator=asked.arguments["estimator"],
    )


def arpr(asked: Asked) -> Estimates:
    chosen = {k: asked.arguments[k] for k in ("share", "of", "below", "rule")}
    return asked.engine.arpr(
        asked.source, asked.variable, design=asked.design, by=asked.by, **chosen
    )


def quantile(asked: Asked) -> Estimates:
    """With the kernel-linearized SE; a Woodruff interval is made in memory."""
    if asked.arguments.get("se", "kernel") != "kernel":
        raise InsafError(
            said(
                "a Woodruff interval is made in memory; out of core a quantile's SE is "
                "kernel-linearized (se='kernel')",
            )
        )
    return asked.engine.quantile(
        asked.source,
        asked.variable,
        design=asked.design,
        by=asked.by,
        p=float(asked.arguments.get("p", 0.5)),
        rule=asked.arguments["rule"],
    )


def median(asked: Asked) -> Estimates:
    """The quantile at ``p=0.5``, named ``median`` as in memory."""
    found = quantile(replace(asked, arguments={**asked.arguments, "p": 0.5}))
    return Estimates([replace(e, measure="median") for e in found], by=found.by)


def qsr(asked: Asked) -> Estimates:
    return asked.engine.qsr(
        asked.source, asked.variable, design=asked.design, by=asked.by, rule=asked.arguments["rule"]
    )


def palma(asked: Asked) -> Estimates:
    return asked.engine.palma(
        asked.source, asked.variable, design=asked.design, by=asked.by, rule=asked.arguments["rule"]
    )
