"""The conventions a measure's signature names, in one place.

``Below`` says who is poor (``"<"``: strictly below the line, the default;
``"<="``: convey's); ``QuantileRule`` how a weighted quantile is read off the
distribution function (``docs/methods/quantiles.md``); ``GiniEstimator`` which
Gini (``"osier"``: convey; ``"eurostat"``: laeken); ``NonPositive`` what a
log-based measure does with zero or negative values; ``VarianceMethod`` how
standard errors are computed; ``Relative`` a poverty line that is a share of
the whole population's median or mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from insaf.errors import InsafError, said

__all__ = [
    "QUANTILE_RULES",
    "Below",
    "By",
    "GiniEstimator",
    "Line",
    "NonPositive",
    "QuantileRule",
    "Relative",
    "RelativeOf",
    "VarianceMethod",
]

Below = Literal["<", "<="]
By = str | Sequence[str] | None
GiniEstimator = Literal["osier", "eurostat"]
NonPositive = Literal["error", "exclude"]
QuantileRule = Literal["convey", "eurostat", "laeken"]
QUANTILE_RULES: tuple[str, ...] = ("convey", "eurostat", "laeken")
RelativeOf = Literal["median", "mean"]
VarianceMethod = Literal[
    "auto", "linearization", "replicates", "jackknife", "bootstrap", "subbootstrap"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Relative:
    """A relative poverty line: ``share`` times the whole population's median or mean."""

    share: float = 0.6
    of: RelativeOf = "median"

    def __post_init__(self) -> None:
        if not self.share > 0:
            raise InsafError(
                said(
                    "a relative line needs a positive share, not {share}",
                    share=self.share,
                )
            )
        if self.of not in ("median", "mean"):
            raise InsafError(
                said(
                    "a relative line is a share of the median or the mean, not {of}",
                    of=repr(self.of),
                )
            )


Line = float | int | str | Relative
"""A poverty line: a number, the name of a per-unit column, or a ``Relative`` line."""
