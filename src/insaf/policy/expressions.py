"""Safe expressions over survey variables: eligibility rules, tax bases, groups.

An expression is a SQL expression as Polars parses it (``pl.sql_expr``):
``"pmt_score < 2.5"``, ``"age < 18 AND disability = 1"``,
``"COALESCE(wage, 0) * 12"``, ``"CASE WHEN urban = 1 THEN 40 ELSE 30 END"``.
Text values take single quotes (``sex = 'female'``); double quotes name columns.
Nothing is ever passed to ``eval``: the text is parsed into a Polars
expression tree, and the columns it reads (``expr.meta.root_names()``) are
checked against the survey before any computation. An expression is evaluated
once over whole columns.

Missing values: a rule (a condition) that is missing for a unit does not hold
for it, as in SQL's ``WHERE``; an amount that is missing is not guessed: it
raises a ``DataError`` that names the expression and suggests ``COALESCE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from insaf._arrays import BoolArray, FloatArray
from insaf.errors import DataError, said, said_unit

__all__ = ["Expression", "ExpressionError", "parse_expression"]


class ExpressionError(ValueError):
    """An expression that cannot be parsed or does not fit the data.

    A ``ValueError`` so that pydantic reports it with the key and line of the
    scenario it came from.
    """


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed expression: its text, the Polars tree and the columns it reads."""

    text: str
    expr: pl.Expr = field(repr=False)
    names: tuple[str, ...]

    def check(self, known: Iterable[str], *, level: str) -> None:
        """Raise ``ExpressionError`` naming every column that is not in ``known``."""
        known_set = set(known)
        missing = [n for n in self.names if n not in known_set]
        if missing:
            listed = ", ".join(sorted(known_set))
            hint = said(" (text values take single quotes: sex = 'female')")
            raise ExpressionError(
                said(
                    "unknown variable(s) {missing} in {text} at {unit} level{hint}; known: {known}",
                    missing=", ".join(repr(m) for m in missing),
                    text=repr(self.text),
                    unit=said_unit(level),
                    hint=hint if '"' in self.text else "",
                    known=listed,
                )
            )

    def _series(self, frame: pl.DataFrame, *, nulls: bool = False) -> pl.Series:
        try:
            out = frame.select(self.expr.alias("__value__")).get_column("__value__")
        except pl.exceptions.PolarsError as exc:
            raise DataError(
                said(
                    "expression {text} cannot be computed: {reason}",
                    text=repr(self.text),
                    reason=str(exc),
                )
            ) from None
        return self._checked(out, frame.height, nulls=nulls)

    def _checked(self, out: pl.Series, height: int, *, nulls: bool = False) -> pl.Series:
        if out.len() != height:
            raise DataError(
                said(
                    "expression {text} gives {count} value(s) for {height} rows: aggregations "
                    "(SUM, AVG, ...) are not allowed in a rule; use the scenario's 'variables' "
                    "to sum over household members",
                    text=repr(self.text),
                    count=out.len(),
                    height=height,
                )
            )
        if out.null_count() and not nulls:
            raise DataError(
                said(
                    "expression {text} is missing for {missing} of {count} rows; say what a "
                    "missing value means, for example COALESCE(wage, 0)",
                    text=repr(self.text),
                    missing=out.null_count(),
                    count=out.len(),
                )
            )
        return out

    def condition(self, frame: pl.DataFrame) -> BoolArray:
        """Evaluate as a yes/no rule (a number is true when it is not zero; missing is false)."""
        return self.condition_of(self._series(frame, nulls=True))

    def condition_of(self, out: pl.Series, height: int | None = None) -> BoolArray:
        """``condition`` from the expression's values already computed (``out``)."""
        if height is not None:
            self._checked(out, height, nulls=True)
        if out.dtype == pl.Boolean:
            return np.asarray(out.fill_null(False).to_numpy(), dtype=np.bool_)
        if out.dtype == pl.Null:
            return np.zeros(out.len(), dtype=np.bool_)
        if out.dtype.is_numeric():
            return np.asarray(out.fill_null(0).cast(pl.Float64).to_numpy() != 0.0, dtype=np.bool_)
        raise DataError(
            said(
                "rule {text} gives {dtype} values, not true/false",
                text=repr(self.text),
                dtype=out.dtype,
            )
        )

    def values(self, frame: pl.DataFrame) -> FloatArray:
        """Evaluate as an amount (true/false count as 1/0)."""
        return self.values_of(self._series(frame))

    def values_of(self, out: pl.Series, height: int | None = None) -> FloatArray:
        """``values`` from the expression's values already computed (``out``)."""
        if height is not None:
            self._checked(out, height)
        if out.dtype == pl.Boolean or out.dtype.is_numeric():
            return np.ascontiguousarray(out.cast(pl.Float64).to_numpy(), dtype=np.float64)
        raise DataError(
            said(
                "expression {text} gives {dtype} values, not numbers",
                text=repr(self.text),
                dtype=out.dtype,
            )
        )


def parse_expression(text: str) -> Expression:
    """Parse ``text``; an ``ExpressionError`` says what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(said("an expression must be a non-empty text"))
    if ";" in text:
        raise ExpressionError(said("{text}: one expression only (no ';')", text=repr(text)))
    try:
        expr = pl.sql_expr(text)
    except (pl.exceptions.PolarsError, ValueError, TypeError) as exc:
        raise ExpressionError(
            said("cannot parse {text}: {reason}", text=repr(text), reason=str(exc))
        ) from None
    if expr.meta.has_multiple_outputs():
        raise ExpressionError(said("{text} must give one value per row (no '*')", text=repr(text)))
    names = tuple(dict.fromkeys(expr.meta.root_names()))
    return Expression(text=text, expr=expr, names=names)
