"""What the streamed engine estimates from domain totals: ``Total``, ``Mean``,
``Ratio`` and ``FGT``, each a ``Linear`` statistic.

Each says which per-unit value's weighted total is its numerator and which,
if any, divides it; the engine needs nothing else, so it never asks which
measure it holds. Names in results are those of the in-memory functions of
``insaf.measures`` (``total``, ``mean``, ``ratio``, ``fgt0``, ``fgt1``...).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from insaf.errors import DataError, said
from insaf.measures.types import Below

__all__ = ["FGT", "Linear", "Mean", "Ratio", "Total"]


@dataclass(frozen=True, kw_only=True)
class Linear(ABC):
    """A statistic linear in domain totals: ``A`` (the weighted total of
    ``numerator``) or, when ``divided``, ``A / B`` with ``B`` the weighted total
    of ``denominator_of``."""

    variable: str
    divided: ClassVar[bool] = True

    @property
    @abstractmethod
    def name(self) -> str:
        """The measure's name in results, as in memory."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns read from the files."""
        return (self.variable,)

    def numerator(self, w: pl.Expr) -> pl.Expr:
        """The per-unit value whose weighted total is the numerator."""
        return w * pl.col(self.variable)

    def denominator_of(self, w: pl.Expr) -> pl.Expr | None:
        """The per-unit value whose weighted total divides (``None`` if none does)."""
        return w


@dataclass(frozen=True, kw_only=True)
class Total(Linear):
    """The weighted total of ``variable`` (``insaf.measures.total``)."""

    divided: ClassVar[bool] = False

    @property
    def name(self) -> str:
        return "total"

    def denominator_of(self, w: pl.Expr) -> pl.Expr | None:
        return None


@dataclass(frozen=True, kw_only=True)
class Mean(Linear):
    """The weighted mean of ``variable`` (``insaf.measures.mean``)."""

    @property
    def name(self) -> str:
        return "mean"


@dataclass(frozen=True, kw_only=True)
class Ratio(Linear):
    """The ratio of the totals of ``variable`` and ``denominator`` (``insaf.measures.ratio``)."""

    denominator: str

    @property
    def name(self) -> str:
        return "ratio"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.variable, self.denominator)

    def denominator_of(self, w: pl.Expr) -> pl.Expr | None:
        return w * pl.col(self.denominator)


@dataclass(frozen=True, kw_only=True)
class FGT(Linear):
    """The FGT index of order ``alpha`` at an absolute ``line`` (a number or a
    column), poor when ``variable`` is ``below`` it (``insaf.measures.fgt``)."""

    line: float | str
    alpha: float = 0.0
    below: Below = "<"

    def __post_init__(self) -> None:
        if self.alpha < 0:
            raise DataError(
                said(
                    "fgt: alpha must be >= 0, not {alpha}",
                    alpha=self.alpha,
                )
            )
        if self.below not in ("<", "<="):
            raise DataError(
                said(
                    "fgt: below must be '<' or '<=', not {below}",
                    below=repr(self.below),
                )
            )

    @property
    def name(self) -> str:
        return f"fgt{self.alpha:g}"

    @property
    def columns(self) -> tuple[str, ...]:
        line = (self.line,) if isinstance(self.line, str) else ()
        return (self.variable, *line)

    def numerator(self, w: pl.Expr) -> pl.Expr:
        y = pl.col(self.variable)
        t = pl.col(self.line) if isinstance(self.line, str) else pl.lit(float(self.line))
        poor = (y < t) if self.below == "<" else (y <= t)
        gap = pl.lit(1.0) if self.alpha == 0 else ((t - y) / t).pow(self.alpha)
        return w * pl.when(poor).then(gap).otherwise(0.0)
