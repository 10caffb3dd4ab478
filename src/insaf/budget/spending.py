"""Execution: approved, revised and executed amounts side by side, by any classification.

For each group of leaf lines (``by``: year, function, programme, governorate, ...)::

    execution_rate = executed / approved          (of the original, approved budget)
    revised_rate   = executed / revised           (of the budget as revised in the year)

A rate is null where its denominator is zero or absent. Amounts are in the
budget's units (``currency`` x ``scale``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from insaf.budget.model import CLASSIFICATIONS, PHASES, Budget
from insaf.budget.problems import BudgetError
from insaf.errors import said

__all__ = ["AMOUNTS", "execution"]

AMOUNTS = ("approved", "revised", "executed", "execution_rate", "revised_rate")
"""The columns ``execution`` adds after its ``by`` columns."""


def execution(budget: Budget, by: Sequence[str] = ("year",)) -> pl.DataFrame:
    """One row per group of ``by`` (sorted), with the columns of ``AMOUNTS``.

    Leaf lines only, so an aggregate line and its detail are not counted twice.
    Raises ``ValueError`` for a ``by`` that is not a classification of the lines.
    """
    by = list(by)
    unknown = [name for name in by if name not in CLASSIFICATIONS]
    if unknown:
        raise BudgetError(
            said(
                "cannot group by {name}: one of {known}",
                name=repr(unknown[0]),
                known=", ".join(CLASSIFICATIONS),
            )
        )

    leaves = budget.leaves().filter(pl.col("phase").is_in(["approved", "revised", "executed"]))
    sums = [
        pl.col("amount").filter(pl.col("phase") == phase).sum().alias(phase)
        for phase in PHASES
        if phase != "proposed"
    ]
    has = [
        (pl.col("phase") == phase).any().alias(f"__has_{phase}")
        for phase in ("approved", "revised", "executed")
    ]
    table = leaves.group_by(by).agg(*sums, *has) if by else leaves.select(*sums, *has)
    table = table.with_columns(
        pl.when(pl.col(f"__has_{p}")).then(pl.col(p)).otherwise(None).alias(p)
        for p in ("approved", "revised", "executed")
    ).with_columns(
        _rate("executed", "approved").alias("execution_rate"),
        _rate("executed", "revised").alias("revised_rate"),
    )
    table = table.select(*by, *AMOUNTS)
    return table.sort(by, nulls_last=True) if by else table


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator).is_not_null() & (pl.col(denominator) != 0))
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
    )
