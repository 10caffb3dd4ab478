"""What the streamed engine estimates from domain totals (``Linear``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from insaf.errors import DataError

__all__ = ["Linear"]


@dataclass(frozen=True, kw_only=True)
class Linear:
    """A statistic linear in domain totals.

    ``measure`` is ``total``, ``mean``, ``ratio`` (of ``variable`` to
    ``denominator``) or ``fgt`` (``alpha``, an absolute ``line``: a number or
    a column, poor when ``variable`` is ``below`` it), as the in-memory
    functions of ``insaf.measures`` with the same names define them.
    """

    measure: Literal["total", "mean", "ratio", "fgt"]
    variable: str
    denominator: str | None = None
    line: float | str | None = None
    alpha: float = 0.0
    below: Literal["<", "<="] = "<"

    def __post_init__(self) -> None:
        if (self.measure == "ratio") != (self.denominator is not None):
            raise DataError("a ratio, and only a ratio, names a denominator")
        if (self.measure == "fgt") != (self.line is not None):
            raise DataError("an fgt, and only an fgt, has a line (a number or a column)")
        if self.alpha < 0:
            raise DataError(f"fgt: alpha must be >= 0, not {self.alpha}")

    @property
    def name(self) -> str:
        """The measure's name in results, as in memory (``fgt0``, ``fgt1``...)."""
        return f"fgt{self.alpha:g}" if self.measure == "fgt" else self.measure

    @property
    def columns(self) -> tuple[str, ...]:
        line = (self.line,) if isinstance(self.line, str) else ()
        denominator = (self.denominator,) if self.denominator else ()
        return (self.variable, *denominator, *line)

    def numerator(self, w: pl.Expr) -> pl.Expr:
        """The per-unit value whose weighted total is the numerator."""
        y = pl.col(self.variable)
        if self.measure != "fgt":
            return w * y
        t = pl.col(self.line) if isinstance(self.line, str) else pl.lit(float(self.line or 0.0))
        poor = (y < t) if self.below == "<" else (y <= t)
        gap = pl.lit(1.0) if self.alpha == 0 else ((t - y) / t).pow(self.alpha)
        return w * pl.when(poor).then(gap).otherwise(0.0)

    def denominator_of(self, w: pl.Expr) -> pl.Expr | None:
        """The per-unit value whose weighted total divides (``None`` for a total)."""
        if self.measure == "total":
            return None
        if self.measure == "ratio":
            return w * pl.col(self.denominator or "")
        return w
