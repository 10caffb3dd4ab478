"""Each measure's plan, built from its options as its public function states them.

The public function (``gini(survey, variable, estimator=..., by=...)``) and
``Prepared.estimate`` (through the registry, ``insaf.measures.registry``)
build the plan here, so a measure's checks and statistic are written once.
Every option is required here: the defaults are those of the public function.
"""

from __future__ import annotations

from collections.abc import Hashable

from insaf.errors import InsafError, said
from insaf.measures._engine import Kernel, Statistic, ThresholdKernel
from insaf.measures._kernels import basic, inequality, poverty
from insaf.measures._kernels.arpr import RelativeRate
from insaf.measures._kernels.plan import Plan
from insaf.measures._kernels.quantile import check_rule
from insaf.measures.types import (
    Below,
    GiniEstimator,
    Line,
    NonPositive,
    QuantileRule,
    Relative,
    RelativeOf,
)

__all__ = [
    "arpr",
    "arpt",
    "atkinson",
    "concentration",
    "fgt",
    "ge",
    "gini",
    "mean",
    "median",
    "mld",
    "palma",
    "poverty_gap_total",
    "proportion",
    "qsr",
    "quantile",
    "ratio",
    "rmpg",
    "sen",
    "sorted_by_y",
    "theil",
    "total",
    "watts",
]


def _y(variable: str) -> tuple[tuple[str, str], ...]:
    return (("y", variable),)


def sorted_by_y(variable: str, name: str, kernel: Kernel) -> Plan:
    """A statistic of ``variable`` over rows sorted by it."""
    return Plan(stat=Statistic(name=name, kernel=kernel, variable=variable), roles=_y(variable))


def _unsorted(
    variable: str, name: str, kernel: Kernel, *, nonpositive: NonPositive | None = None
) -> Plan:
    """A statistic of ``variable`` in sample order; with ``nonpositive``, of positive values."""
    return Plan(
        stat=Statistic(name=name, kernel=kernel, variable=variable),
        roles=_y(variable),
        sort=None,
        positive=nonpositive is not None,
        nonpositive=nonpositive or "error",
    )


def total(variable: str) -> Plan:
    return _unsorted(variable, "total", basic.total)


def mean(variable: str) -> Plan:
    return _unsorted(variable, "mean", basic.mean)


def ratio(numerator: str, denominator: str) -> Plan:
    return Plan(
        stat=Statistic(name="ratio", kernel=basic.ratio, variable=f"{numerator}/{denominator}"),
        roles=(("x", denominator), ("y", numerator)),
        sort=None,
    )


def proportion(variable: str, *, value: float | None) -> Plan:
    return Plan(
        stat=Statistic(name="proportion", kernel=basic.indicator_mean(value), variable=variable),
        roles=_y(variable),
        sort=None,
        zero_one=value is None,
    )


def _probability(p: float) -> float:
    if not 0.0 < p < 1.0:
        raise InsafError(
            said(
                "quantile probabilities must be in (0, 1), not {p}",
                p=p,
            )
        )
    return float(p)


def quantile(variable: str, *, p: float, rule: QuantileRule) -> Plan:
    check_rule(rule)
    stat = basic.quantile_at(_probability(p), rule)
    return sorted_by_y(variable, stat.name, stat.kernel)


def median(variable: str, *, rule: QuantileRule) -> Plan:
    check_rule(rule)
    return sorted_by_y(variable, "median", basic.quantile_at(0.5, rule).kernel)


# -- poverty ------------------------------------------------------------------------------


def _poverty(
    variable: str,
    stat: Statistic,
    line: Line,
    rule: QuantileRule,
    *,
    nonpositive: NonPositive | None = None,
    ranks: bool = False,
    rate: RelativeRate | None = None,
) -> Plan:
    """A poverty statistic on a fixed line, a line per unit (a column), or a relative
    line estimated on the whole population; with ``nonpositive``, of positive values.

    Rows are sorted by ``y`` only when something needs the order: a relative line
    (its quantile) or a statistic of ranks (``ranks``, Sen's index); a sum over the
    poor on a given line does not, and skipping the sort is most of its time."""
    poverty.check_line(line)
    check_rule(rule)
    roles = {"y": variable}
    kernel = stat.kernel
    threshold: ThresholdKernel | None = None
    key: Hashable = None
    if isinstance(line, Relative):
        threshold, key = poverty.threshold(line, rule), ("relative", line.share, line.of, rule)
    elif isinstance(line, str):
        roles["line"] = line
    else:
        kernel = poverty.at_line(kernel, float(line))
    return Plan(
        stat=Statistic(name=stat.name, kernel=kernel, variable=variable),
        roles=tuple(sorted(roles.items())),
        threshold=threshold,
        threshold_key=key,
        positive=nonpositive is not None,
        nonpositive=nonpositive or "error",
        line_column=line if isinstance(line, str) else None,
        sort="y" if ranks or isinstance(line, Relative) else None,
        rate=rate,
    )


def fgt(variable: str, *, line: Line, alpha: float, below: Below, rule: QuantileRule) -> Plan:
    poverty.check_alpha(alpha)
    stat = poverty.fgt(float(alpha), below, isinstance(line, Relative))
    rate = None
    if alpha == 0 and isinstance(line, Relative):
        rate = RelativeRate(share=line.share, of=line.of, below=below, rule=rule)
    return _poverty(variable, stat, line, rule, rate=rate)


def watts(
    variable: str, *, line: Line, below: Below, nonpositive: NonPositive, rule: QuantileRule
) -> Plan:
    stat = poverty.watts(below, isinstance(line, Relative))
    return _poverty(variable, stat, line, rule, nonpositive=nonpositive)


def sen(variable: str, *, line: Line, below: Below, rule: QuantileRule) -> Plan:
    stat = poverty.sen(below, isinstance(line, Relative))
    return _poverty(variable, stat, line, rule, ranks=True)


def poverty_gap_total(variable: str, *, line: Line, below: Below, rule: QuantileRule) -> Plan:
    return _poverty(variable, poverty.gap_total(below, isinstance(line, Relative)), line, rule)


def arpt(variable: str, *, share: float, of: RelativeOf, rule: QuantileRule) -> Plan:
    check_rule(rule)
    kernel = poverty.relative_threshold(Relative(share=share, of=of), rule)
    return sorted_by_y(variable, "arpt", kernel)


def arpr(variable: str, *, share: float, of: RelativeOf, below: Below, rule: QuantileRule) -> Plan:
    stat = Statistic(name="arpr", kernel=poverty.fgt(0.0, below, True).kernel)
    rate = RelativeRate(share=share, of=of, below=below, rule=rule)
    return _poverty(variable, stat, Relative(share=share, of=of), rule, rate=rate)


def rmpg(variable: str, *, share: float, below: Below, rule: QuantileRule) -> Plan:
    check_rule(rule)
    return _poverty(variable, poverty.rmpg(below, rule), Relative(share=share), rule)


# -- inequality ---------------------------------------------------------------------------


def gini(variable: str, *, estimator: GiniEstimator) -> Plan:
    inequality.check_estimator(estimator)
    return sorted_by_y(variable, "gini", inequality.gini(estimator))


def ge(variable: str, *, alpha: float, nonpositive: NonPositive) -> Plan:
    alpha = float(alpha)
    name = inequality.ge_name(alpha)
    return _unsorted(variable, name, inequality.ge(alpha), nonpositive=nonpositive)


def mld(variable: str, *, nonpositive: NonPositive) -> Plan:
    return ge(variable, alpha=0.0, nonpositive=nonpositive)


def theil(variable: str, *, nonpositive: NonPositive) -> Plan:
    return ge(variable, alpha=1.0, nonpositive=nonpositive)


def atkinson(variable: str, *, epsilon: float, nonpositive: NonPositive) -> Plan:
    if not epsilon > 0:
        raise InsafError(
            said(
                "Atkinson epsilon must be > 0, not {epsilon}",
                epsilon=epsilon,
            )
        )
    eps = float(epsilon)
    kernel = inequality.atkinson(eps)
    return _unsorted(variable, f"atkinson[{eps:g}]", kernel, nonpositive=nonpositive)


def qsr(variable: str, *, rule: QuantileRule) -> Plan:
    check_rule(rule)
    return sorted_by_y(variable, "qsr", inequality.share_ratio(0.2, 0.8, rule))


def palma(variable: str, *, rule: QuantileRule) -> Plan:
    check_rule(rule)
    return sorted_by_y(variable, "palma", inequality.share_ratio(0.4, 0.9, rule))


def concentration(variable: str, *, rank_by: str) -> Plan:
    return Plan(
        stat=Statistic(
            name="concentration", kernel=inequality.concentration, variable=f"{variable}|{rank_by}"
        ),
        roles=(("x", rank_by), ("y", variable)),
        sort="x",
    )
