"""How a measure is asked of an engine that reads a dataset it does not hold:
the streamed engine (``insaf.measures.stream``) or Spark (``insaf.measures.spark``).

Each function here takes the engine, the dataset, the variable and the
arguments the measure's in-memory function would take (``MeasureSpec.arguments``),
and calls the engine's ``estimate``, ``gini`` or ``arpr``; the registry names
the function of each measure an out-of-core engine computes (``MeasureSpec.streamed``).
The engines are imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from insaf.errors import InsafError
from insaf.measures.estimate import Estimates
from insaf.survey.design import Design

__all__ = [
    "OutOfCore",
    "Source",
    "Streamed",
    "arpr",
    "fgt",
    "gini",
    "mean",
    "median",
    "quantile",
    "total",
]

Source = str | Path | Sequence[str | Path]


class OutOfCore(Protocol):
    """An engine's module: the linear measures, the Gini and the ARPR."""

    def estimate(
        self, source: Source, statistics: Sequence[Any], *, design: Design, by: Sequence[str]
    ) -> Estimates: ...

    def gini(
        self, source: Source, variable: str, *, design: Design, by: Sequence[str], estimator: Any
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


class Streamed(Protocol):
    """The shape of every function here."""

    def __call__(
        self,
        engine: OutOfCore,
        source: Source,
        variable: str,
        arguments: Mapping[str, Any],
        *,
        design: Design,
        by: Sequence[str],
    ) -> Estimates: ...


def total(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    from insaf.measures.stream.statistic import Total

    return engine.estimate(source, [Total(variable=variable)], design=design, by=by)


def mean(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    from insaf.measures.stream.statistic import Mean

    return engine.estimate(source, [Mean(variable=variable)], design=design, by=by)


def fgt(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    """At an absolute line (a number or a column); a relative line's threshold is
    a quantile, which the ARPR computes."""
    from insaf.measures.stream.statistic import FGT

    line = arguments["line"]
    if not isinstance(line, int | float | str):
        raise InsafError(
            "an FGT index at a relative line is not computed out of core; "
            "the at-risk-of-poverty rate (arpr) is, or give an absolute line"
        )
    statistic = FGT(
        variable=variable, line=line, alpha=float(arguments["alpha"]), below=arguments["below"]
    )
    return engine.estimate(source, [statistic], design=design, by=by)


def gini(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    return engine.gini(source, variable, design=design, by=by, estimator=arguments["estimator"])


def arpr(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    return engine.arpr(
        source,
        variable,
        design=design,
        by=by,
        share=arguments["share"],
        of=arguments["of"],
        below=arguments["below"],
        rule=arguments["rule"],
    )


def quantile(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    """With the kernel-linearized SE; a Woodruff interval is made in memory."""
    if arguments.get("se", "kernel") != "kernel":
        raise InsafError(
            "a Woodruff interval is made in memory; out of core a quantile's SE is "
            "kernel-linearized (se='kernel')"
        )
    return engine.quantile(
        source,
        variable,
        design=design,
        by=by,
        p=float(arguments.get("p", 0.5)),
        rule=arguments["rule"],
    )


def median(
    engine: OutOfCore,
    source: Source,
    variable: str,
    arguments: Mapping[str, Any],
    *,
    design: Design,
    by: Sequence[str],
) -> Estimates:
    """The quantile at ``p=0.5``, named ``median`` as in memory."""
    found = quantile(engine, source, variable, {**arguments, "p": 0.5}, design=design, by=by)
    return Estimates([replace(e, measure="median") for e in found], by=found.by)
