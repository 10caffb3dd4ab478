"""Immutable results: one ``Estimate`` per statistic and domain, and ``Estimates``.

A confidence interval is ``value ± z * se`` with the normal quantile (R's
``confint`` for ``svystat`` objects uses the normal too), unless the estimate
carries degrees of freedom (then Student's t) or a fixed interval (Woodruff
intervals for quantiles, which are not symmetric).

Each estimate keeps, out of sight (``repr=False``), what its variance came
from: PSU totals of its influence values or its replicate estimates. Two
estimates from the same sample can therefore be compared with the right
covariance (``insaf.measures.compare``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from types import MappingProxyType
from typing import Any, overload

import polars as pl

from insaf._renamed import renamed_keywords
from insaf.errors import InsafError, said
from insaf.measures.variance import DesignArrays, FloatArray, ReplicateSpec

__all__ = [
    "Estimate",
    "Estimates",
    "LinearBasis",
    "ReplicateBasis",
    "critical",
    "estimate_dict",
]


@dataclass(frozen=True, eq=False, kw_only=True)
class LinearBasis:
    """PSU totals ``t_hi = sum w_k z_k`` of an estimate's influence values."""

    totals: FloatArray
    design: DesignArrays


@dataclass(frozen=True, eq=False, kw_only=True)
class ReplicateBasis:
    """An estimate's value in each replicate, and how replicates combine."""

    thetas: FloatArray
    spec: ReplicateSpec
    key: str


Basis = LinearBasis | ReplicateBasis


def critical(level: float, df: float | None) -> float:
    """The two-sided critical value at ``level``: Student's t on ``df`` degrees of
    freedom, or the normal one when ``df`` is ``None`` or infinite."""
    if not 0.0 < level < 1.0:
        raise ValueError(
            said(
                "confidence level must be in (0, 1), not {level}",
                level=level,
            )
        )
    upper = 1.0 - (1.0 - level) / 2.0
    if df is None or math.isinf(df):
        return NormalDist().inv_cdf(upper)
    from scipy.stats import t as student_t

    return float(student_t.ppf(upper, df))


def _clean(x: float) -> float | None:
    return None if math.isnan(x) or math.isinf(x) else x


@renamed_keywords(level="confidence")
def estimate_dict(e: Estimate, confidence: float = 0.95) -> dict[str, float | None]:
    """``{"value", "se", "ci_low", "ci_high"}``, the JSON of an estimate everywhere.

    Undefined values (NaN, infinite) are JSON nulls; so is the interval of an
    undefined value.
    """
    low, high = e.ci(confidence) if not math.isnan(e.value) else (math.nan, math.nan)
    return {
        "value": _clean(e.value),
        "se": _clean(e.se),
        "ci_low": _clean(low),
        "ci_high": _clean(high),
    }


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A point estimate with its design-based standard error.

    ``n`` is the unweighted number of units in the domain, ``population`` the
    sum of their weights. ``domain`` is ``None`` for the whole population, else
    ``{column: value}``. ``method`` names how the variance was computed.
    """

    measure: str
    value: float
    se: float
    n: int
    population: float
    domain: Mapping[str, Any] | None = None
    variable: str | None = None
    method: str = "linearization"
    df: float | None = None
    interval: tuple[float, float, float] | None = None
    basis: Basis | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.domain is not None:
            object.__setattr__(self, "domain", MappingProxyType(dict(self.domain)))

    @property
    def cv(self) -> float:
        """Coefficient of variation ``se / |value|`` (NaN when the value is 0)."""
        return self.se / abs(self.value) if self.value != 0 else math.nan

    @property
    def variance(self) -> float:
        return self.se**2

    @renamed_keywords(level="confidence")
    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        """Confidence interval at level ``confidence`` (normal unless ``df`` or a fixed
        interval is set)."""
        if self.interval is not None:
            fixed, low, high = self.interval
            if abs(fixed - confidence) > 1e-12:
                raise InsafError(
                    said(
                        "this {measure} interval (Woodruff) was computed at confidence "
                        "{fixed}; estimate again with confidence={confidence}",
                        measure=self.measure,
                        fixed=fixed,
                        confidence=confidence,
                    )
                )
            return (low, high)
        half = critical(confidence, self.df) * self.se
        return (self.value - half, self.value + half)

    @renamed_keywords(level="confidence")
    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        """The JSON shape of the CLI: measure, domain, value, se, ci, cv, n, population;
        for a replicate variance also ``replicates`` (method, number, scale, rscales, mse)."""
        out = {
            "measure": self.measure,
            "domain": dict(self.domain) if self.domain is not None else None,
            **estimate_dict(self, confidence),
            "cv": _clean(self.cv),
            "n": self.n,
            "population": self.population,
        }
        if isinstance(self.basis, ReplicateBasis):
            out["replicates"] = self.basis.spec.to_dict()
        return out

    @renamed_keywords(level="confidence")
    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        return Estimates([self]).table(confidence)

    def __repr__(self) -> str:
        where = ""
        if self.domain:
            where = " [" + ", ".join(f"{k}={v!r}" for k, v in self.domain.items()) + "]"
        var = f"({self.variable})" if self.variable else ""
        return (
            f"<Estimate {self.measure}{var}{where}: {self.value:.6g} "
            f"(se {self.se:.4g}, {self.method}; n={self.n}, population={self.population:.6g})>"
        )


class Estimates(Sequence[Estimate]):
    """Several estimates (one per domain, or per statistic), in a stable order.

    With a single estimate, ``.value``, ``.se``, ``.cv`` and ``.ci()`` read it
    directly; with several they raise and ask for one (``.get(region="north")``).
    """

    __slots__ = ("_by", "_items")

    def __init__(self, items: Sequence[Estimate], by: Sequence[str] = ()) -> None:
        self._items = tuple(items)
        self._by = tuple(by)

    @property
    def by(self) -> tuple[str, ...]:
        return self._by

    @overload
    def __getitem__(self, index: int) -> Estimate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Estimate]: ...
    def __getitem__(self, index: int | slice) -> Estimate | Sequence[Estimate]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Estimate]:
        return iter(self._items)

    def get(self, measure: str | None = None, **domain: Any) -> Estimate:
        """The estimate for ``domain`` (column=value pairs) and, if given, ``measure``."""
        found = [
            e
            for e in self._items
            if (measure is None or e.measure == measure)
            and all((e.domain or {}).get(k) == v for k, v in domain.items())
        ]
        if len(found) != 1:
            raise InsafError(
                said(
                    "{count} estimates match {domain}{measure}",
                    count=len(found),
                    domain=str(domain) if domain else said("the whole population"),
                    measure=said(" for {measure}", measure=measure) if measure else "",
                )
            )
        return found[0]

    def _only(self) -> Estimate:
        if len(self._items) != 1:
            raise InsafError(
                said(
                    "{count} estimates (one per domain): pick one with "
                    ".get(column=value) or iterate",
                    count=len(self._items),
                )
            )
        return self._items[0]

    @property
    def value(self) -> float:
        return self._only().value

    @property
    def se(self) -> float:
        return self._only().se

    @property
    def cv(self) -> float:
        return self._only().cv

    @renamed_keywords(level="confidence")
    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        return self._only().ci(confidence)

    @renamed_keywords(level="confidence")
    def to_dicts(self, confidence: float = 0.95) -> list[dict[str, Any]]:
        return [e.to_dict(confidence) for e in self._items]

    @renamed_keywords(level="confidence")
    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        """One row per estimate: measure, domain columns, value, se, CI, cv, n, population."""
        by = list(self._by)
        for e in self._items:
            for k in e.domain or {}:
                if k not in by:
                    by.append(k)
        rows: dict[str, list[Any]] = {"measure": []}
        rows.update({k: [] for k in by})
        cols = ["value", "se", "ci_low", "ci_high", "cv", "n", "population"]
        rows.update({c: [] for c in cols})
        for e in self._items:
            d = e.to_dict(confidence)
            rows["measure"].append(e.measure)
            for k in by:
                rows[k].append((e.domain or {}).get(k))
            for c in cols:
                rows[c].append(d[c])
        schema: dict[str, Any] = dict.fromkeys(cols, pl.Float64)
        schema["n"] = pl.Int64
        frame = pl.DataFrame({k: v for k, v in rows.items() if k not in cols})
        return frame.hstack(pl.DataFrame({c: rows[c] for c in cols}, schema=schema))

    def __repr__(self) -> str:
        lines = [repr(e) for e in self._items[:20]]
        more = f"\n  ... {len(self._items) - 20} more" if len(self._items) > 20 else ""
        return "Estimates(\n  " + "\n  ".join(lines) + more + "\n)"
