"""The streamed engine's statistics as Spark columns.

Each ``insaf.measures.stream`` statistic says, as a Polars expression, which
per-unit value its numerator and denominator total; here each is translated
into the same value as a Spark column. A statistic without a translation is
refused by name rather than given its parent's meaning.
"""

from __future__ import annotations

from functools import singledispatch

from pyspark.sql import Column
from pyspark.sql import functions as sf

from insaf.errors import DataError, said
from insaf.measures.stream.statistic import FGT, Linear, Mean, Ratio, Total

__all__ = ["denominator", "number", "numerator"]


def number(name: str) -> Column:
    """A column read as a double (a boolean as 0 or 1), as the Polars plan casts it."""
    return sf.col(name).cast("double")


@singledispatch
def numerator(stat: Linear, w: Column) -> Column:
    """The per-unit value whose weighted total is ``stat``'s numerator."""
    raise DataError(
        said(
            "the Spark engine cannot compute {name} statistics yet",
            name=type(stat).__name__,
        )
    )


@numerator.register(Total)
@numerator.register(Mean)
@numerator.register(Ratio)
def _weighted(stat: Linear, w: Column) -> Column:
    return w * number(stat.variable)


@numerator.register(FGT)
def _fgt(stat: FGT, w: Column) -> Column:
    y = number(stat.variable)
    t = number(stat.line) if isinstance(stat.line, str) else sf.lit(float(stat.line))
    poor = (y < t) if stat.below == "<" else (y <= t)
    gap = sf.lit(1.0) if stat.alpha == 0 else sf.pow((t - y) / t, sf.lit(float(stat.alpha)))
    return w * sf.when(poor, gap).otherwise(sf.lit(0.0))


@singledispatch
def denominator(stat: Linear, w: Column) -> Column | None:
    """The per-unit value whose weighted total divides ``stat`` (``None`` if none does)."""
    raise DataError(
        said(
            "the Spark engine cannot compute {name} statistics yet",
            name=type(stat).__name__,
        )
    )


@denominator.register(Total)
def _undivided(stat: Total, w: Column) -> Column | None:
    return None


@denominator.register(Mean)
@denominator.register(FGT)
def _weight(stat: Linear, w: Column) -> Column | None:
    return w


@denominator.register(Ratio)
def _ratio(stat: Ratio, w: Column) -> Column | None:
    return w * number(stat.denominator)
