"""Many nonlinear statistics of many variables from one prepared sample.

An impact needs, for the baseline welfare and each reform's, FGT 0/1/2 on
every line, the Gini, the Palma and S80/S20; the Gini of every CEQ income
concept; the concentration coefficient of every instrument ranked by market
income. Each batch here is one ``insaf.measures.prepare`` of every column it
involves and one ``Prepared.estimate`` of every statistic: the data are checked
and the design coded once, each variable is sorted once and shared by its
statistics, and the replicate loop (if any) runs once per arrangement of rows.
The numbers, standard errors and influence values are the ones the public
functions give (``tests/policy/test_batch.py`` checks they are equal), for
linearization and for replicate weights alike, and every estimate pairs with
the others (``insaf.measures.difference``, ``combine``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from insaf.measures import Below, Estimate, GiniEstimator, Measure, QuantileRule, prepare
from insaf.measures.prepared import Prepared
from insaf.policy.near_order import NEAR, merged_order
from insaf.survey import Survey

__all__ = ["Request", "compute", "concentrations", "merged", "welfare_statistics"]


@dataclass(frozen=True)
class Request:
    """Statistics of one variable: ``fgt`` (each of ``alphas`` on each line), ``gini``,
    ``palma``, ``qsr``; or, with ``rank_by``, its concentration coefficient."""

    column: str
    which: tuple[str, ...] = ("fgt", "gini", "palma", "qsr")
    rank_by: str | None = None
    alphas: tuple[int, ...] = (0, 1, 2)


def merged(requests: Sequence[Request]) -> list[Request]:
    """The requests with those of one variable (and one ``rank_by``) made one, asking
    for every statistic any of them asks for: a statistic asked for twice is computed
    once, and keyed as before."""
    out: dict[tuple[str, str | None], Request] = {}
    for request in requests:
        key = (request.column, request.rank_by)
        found = out.get(key)
        if found is None:
            out[key] = request
        else:
            out[key] = Request(
                request.column,
                tuple(dict.fromkeys([*found.which, *request.which])),
                request.rank_by,
                tuple(dict.fromkeys([*found.alphas, *request.alphas])),
            )
    return list(out.values())


def _measures(
    request: Request,
    lines: Mapping[str, float | str],
    below: Below,
    gini: GiniEstimator,
    rule: QuantileRule,
) -> list[tuple[tuple[str, ...], Measure]]:
    """The measures of one request, each with its key."""
    column = request.column
    if request.rank_by is not None:
        conc = Measure(name="concentration", variable=column, rank_by=request.rank_by)
        return [((column, "concentration"), conc)]
    found: list[tuple[tuple[str, ...], Measure]] = []
    if "fgt" in request.which:
        for name, line in lines.items():
            for alpha in request.alphas:
                fgt = Measure(name=f"fgt{alpha}", variable=column, line=line, below=below)
                found.append(((column, "fgt", name, str(alpha)), fgt))
    if "gini" in request.which:
        found.append(((column, "gini"), Measure(name="gini", variable=column, estimator=gini)))
    for name in ("palma", "qsr"):
        if name in request.which:
            found.append(((column, name), Measure(name=name, variable=column, rule=rule)))
    return found


def compute(
    survey: Survey,
    requests: Sequence[Request],
    *,
    lines: Mapping[str, float | str],
    below: Below = "<",
    gini: GiniEstimator = "osier",
    rule: QuantileRule = "convey",
    options: Mapping[str, Any],
    threads: int = 1,
    near: Mapping[str, Sequence[str]] | None = None,
) -> dict[tuple[str, ...], Estimate]:
    """Every requested statistic, keyed ``(column, "fgt", line, "0")``, ``(column, "gini")``,
    ``(column, "concentration")`` ... ``options``: ``level``, ``variance``,
    ``replicates`` and ``seed`` of ``insaf.measures.prepare``.

    ``near``: for a column, columns it equals on most rows (each requested here,
    and listed in ``near`` before it if it is a key there). Its sort order is then
    merged from the nearest one's (``insaf.policy.near_order``): the same order,
    so the same numbers, faster than its own sort.

    ``threads``: with more than one, the requests are shared between that many
    threads, each estimating its own requests' statistics from the one prepared
    sample (numpy's sorts and sums run outside Python's lock, so the cores work
    together). Each statistic is computed as it is alone: the numbers do not
    depend on ``threads``."""
    if not requests:
        return {}
    keyed = [pair for request in requests for pair in _measures(request, lines, below, gini, rule)]
    measures = [m for _, m in keyed]
    columns = list(dict.fromkeys(c for m in measures for c in m.columns))
    prepared = prepare(survey, columns, **options)
    shares = max(1, min(threads, len(requests)))
    if near:
        ranked = {r.rank_by or r.column for r in requests if r.rank_by or _sorts(r)}
        near = {c: [b for b in near[c] if b in ranked] for c in near if c in ranked}
        _near_orders(prepared, near, shares)
    if shares == 1:
        found = prepared.estimate(measures)
        return {key: estimates[0] for (key, _), estimates in zip(keyed, found, strict=True)}
    # whole requests to each thread, so that one variable's statistics share its sort
    parts: list[list[tuple[tuple[str, ...], Measure]]] = [[] for _ in range(shares)]
    for i, request in enumerate(requests):
        parts[i % shares].extend(_measures(request, lines, below, gini, rule))
    with ThreadPoolExecutor(max_workers=shares) as pool:
        done = list(pool.map(lambda part: prepared.estimate([m for _, m in part]), parts))
    out: dict[tuple[str, ...], Estimate] = {}
    for part, found in zip(parts, done, strict=True):
        out.update((key, estimates[0]) for (key, _), estimates in zip(part, found, strict=True))
    return {key: out[key] for key, _ in keyed}


def welfare_statistics(
    survey: Survey,
    column: str,
    *,
    lines: Mapping[str, float | str],
    below: Below = "<",
    gini: GiniEstimator = "osier",
    rule: QuantileRule = "convey",
    which: Sequence[str] = ("fgt", "gini", "palma", "qsr"),
    options: Mapping[str, Any],
) -> dict[tuple[str, ...], Estimate]:
    """FGT 0/1/2 on each line, Gini, Palma and S80/S20 of one column (keys without it)."""
    found = compute(
        survey,
        [Request(column, tuple(which))],
        lines=lines,
        below=below,
        gini=gini,
        rule=rule,
        options=options,
    )
    return {key[1:]: value for key, value in found.items()}


def concentrations(
    survey: Survey, columns: Sequence[str], *, rank_by: str, options: Mapping[str, Any]
) -> dict[str, Estimate]:
    """The concentration coefficient of each column, all ranked by ``rank_by``."""
    found = compute(
        survey,
        [Request(c, rank_by=rank_by) for c in columns],
        lines={},
        options=options,
    )
    return {key[0]: value for key, value in found.items()}


def _sorts(request: Request) -> bool:
    """Whether a request's statistics sort its column (all but FGT)."""
    return any(w in request.which for w in ("gini", "palma", "qsr"))


def _near_orders(prepared: Prepared, near: Mapping[str, Sequence[str]], threads: int) -> None:
    """Give ``prepared`` the sort order of each column of ``near`` merged from its
    nearest column's (sorted first), where merging is faster than sorting. The
    orders are those ``prepared`` would find itself (``merged_order`` gives exactly
    the stable sort), read by every estimate that sorts the column."""
    values = prepared.values
    chosen: dict[str, str] = {}
    for column, bases in near.items():
        if bases:
            counts = [int(np.count_nonzero(values(column) != values(b))) for b in bases]
            if min(counts) <= NEAR * prepared.n:  # else sorting is as fast
                chosen[column] = bases[int(np.argmin(counts))]
    # level by level: a column's base is sorted (or merged) before it
    level: dict[str, int] = {}
    for column, base in chosen.items():
        level[column] = level.get(base, 0) + 1
    roots = sorted({b for b in chosen.values() if b not in chosen})
    steps: list[list[str]] = [roots]
    for depth in range(1, max(level.values(), default=0) + 1):
        steps.append([c for c, d in level.items() if d == depth])

    def order(column: str) -> None:
        base = chosen.get(column)
        if base is None:
            prepared.order(column)  # its own sort, kept
            return
        found = merged_order(values(column), values(base), prepared.order(base))
        if found is not None:  # else sorted when first needed
            prepared.use_order(column, found, check=False)  # tests/policy/test_near_order.py

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for step in steps:
            list(pool.map(order, step))
