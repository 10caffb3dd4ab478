"""The sampling design of a survey: which columns hold the weight, strata,
PSUs, finite population correction and replicate weights, and the rule for
strata with a single PSU.

A ``Design`` names columns; it holds no data. The columns live in the survey's
household table (or in its only table), and are carried to persons by the
household key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Design", "LonelyPSU", "ReplicateMethod", "Replicates"]


class LonelyPSU(StrEnum):
    """What to do with a stratum that has a single PSU (R: ``survey.lonely.psu``).

    - ``fail``: refuse to estimate a variance (R's default).
    - ``remove``: the stratum contributes nothing to the variance.
    - ``adjust``: the lone PSU's total enters the variance uncentred (R's code;
      for means and rates this is centring on the population mean).
    - ``average``: give the stratum the average variance of the other strata.
    - ``certainty``: the PSU was sampled with certainty; it contributes nothing.
    """

    FAIL = "fail"
    REMOVE = "remove"
    ADJUST = "adjust"
    AVERAGE = "average"
    CERTAINTY = "certainty"


class ReplicateMethod(StrEnum):
    """How replicate weights were made, which fixes how they give a variance."""

    JK1 = "jk1"
    JKN = "jkn"
    BOOTSTRAP = "bootstrap"
    BRR = "brr"
    FAY = "fay"
    SDR = "sdr"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class Replicates:
    """Replicate weight columns and how to combine them.

    The variance is ``scale * sum_r rscales[r] * (theta_r - centre)^2``, where
    the centre is the full-sample estimate when ``mse`` is true (R's
    ``svrepdesign(mse=TRUE)``) and the mean of the replicates otherwise.
    """

    columns: tuple[str, ...]
    method: ReplicateMethod
    scale: float | None = None
    rscales: tuple[float, ...] | None = None
    mse: bool = True
    rho: float | None = None  # Fay's coefficient, only for method "fay"

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("replicate weights need at least one column")
        if self.rscales is not None and len(self.rscales) != len(self.columns):
            raise ValueError(
                f"{len(self.rscales)} rscales for {len(self.columns)} replicate columns"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """Column names of a complex survey design.

    ``fpc`` names a column holding either the population number of PSUs in the
    stratum (values >= 1) or the sampling fraction (values in (0, 1]), read as
    R's ``survey::svydesign(fpc=)`` reads it.
    """

    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    replicates: Replicates | None = None
    lonely_psu: LonelyPSU = LonelyPSU.FAIL

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the design needs, in a stable order."""
        names = [self.weight, self.strata, self.psu, self.fpc]
        if self.replicates is not None:
            names.extend(self.replicates.columns)
        return tuple(dict.fromkeys(n for n in names if n is not None))

    def describe(self) -> str:
        """One line for people: 'weight w; strata s; PSU p; fpc none'."""
        parts = [f"weight {self.weight}"]
        parts.append(f"strata {self.strata}" if self.strata else "no strata")
        parts.append(f"PSU {self.psu}" if self.psu else "PSU = unit")
        if self.fpc:
            parts.append(f"fpc {self.fpc}")
        if self.replicates is not None:
            parts.append(
                f"{len(self.replicates.columns)} {self.replicates.method.value} replicates"
            )
        parts.append(f"single-PSU strata: {self.lonely_psu.value}")
        return "; ".join(parts)
