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

from insaf.errors import said

__all__ = [
    "Calibration",
    "Design",
    "Distance",
    "LonelyPSU",
    "ReplicateMethod",
    "Replicates",
]


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
    ``svrepdesign(mse=TRUE)``) and the mean of the replicates otherwise (R's
    default, ``mse=FALSE``). ``scale`` and ``rscales`` left out take R's
    defaults for the method (``docs/methods/variance.md``).
    """

    columns: tuple[str, ...]
    method: ReplicateMethod
    scale: float | None = None
    rscales: tuple[float, ...] | None = None
    mse: bool = False
    rho: float | None = None  # Fay's coefficient, only for method "fay"

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError(said("replicate weights need at least one column"))
        if self.rscales is not None and len(self.rscales) != len(self.columns):
            raise ValueError(
                said(
                    "{n_rscales} rscales for {n_columns} replicate columns",
                    n_rscales=len(self.rscales),
                    n_columns=len(self.columns),
                )
            )


class Distance(StrEnum):
    """The distance a calibration minimises (R ``calibrate(calfun=)``).

    - ``linear``: chi-square distance, the GREG estimator (with ``bounds``,
      R's bounded linear: each factor is clipped to the bounds);
    - ``raking``: multiplicative factors ``exp(x'lambda)`` (the weights of
      iterative proportional fitting);
    - ``logit``: factors kept strictly inside ``bounds`` (Deville and Särndal).
    """

    LINEAR = "linear"
    RAKING = "raking"
    LOGIT = "logit"


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    """How the design's weight was calibrated, kept so variances can use it.

    ``base_weight`` is the column of weights before calibration. ``margins``
    holds, for each categorical variable, the population total of every
    category (labels as text); ``totals`` the population total of numeric
    variables. ``unit`` is what the totals count: ``person`` or
    ``household``; when a survey has both tables the weights are always one
    per household (integrated household weighting: a household carries the
    number of its members in each category). ``variance`` names the residual
    the linearized variance uses: ``greg`` (R ``calibrate`` and
    ``postStratify``) or ``rake`` (R ``rake``).
    """

    base_weight: str
    margins: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    totals: tuple[tuple[str, float], ...] = ()
    distance: Distance = Distance.LINEAR
    unit: str = "person"
    bounds: tuple[float, float] | None = None
    trim: tuple[float, float] | None = None
    variance: str = "greg"
    maxit: int = 50
    epsilon: float = 1e-10

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.margins) + tuple(v for v, _ in self.totals)

    def describe(self) -> str:
        how = "raked (R rake)" if self.variance == "rake" else f"calibrated ({self.distance.value})"
        return f"{how} from {self.base_weight} to {self.unit} totals of {', '.join(self.variables)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """Column names of a complex survey design.

    ``fpc`` names a column holding either the population number of PSUs in the
    stratum (values >= 1) or the sampling fraction (values in (0, 1]), read as
    R's ``survey::svydesign(fpc=)`` reads it.

    A two-stage design names its secondary units (``ssu``, within PSUs) and
    their fpc (``fpc2``: the number of SSUs in the PSU, or the fraction
    sampled). Its variance adds the second stage's, as R's ``svydesign(ids=
    ~psu+ssu, fpc=~fpc+fpc2)`` does by default; ``ultimate_cluster=True``
    keeps the first stage only (R ``options(survey.ultimate.cluster=TRUE)``).
    """

    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    replicates: Replicates | None = None
    lonely_psu: LonelyPSU = LonelyPSU.FAIL
    calibration: Calibration | None = None
    ssu: str | None = None
    fpc2: str | None = None
    ultimate_cluster: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the design needs, in a stable order."""
        names = [self.weight, self.strata, self.psu, self.fpc, self.ssu, self.fpc2]
        if self.calibration is not None:
            names.append(self.calibration.base_weight)
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
        if self.ssu:
            stage = "ultimate cluster" if self.ultimate_cluster else f"fpc2 {self.fpc2 or 'none'}"
            parts.append(f"SSU {self.ssu} ({stage})")
        if self.replicates is not None:
            parts.append(
                f"{len(self.replicates.columns)} {self.replicates.method.value} replicates"
            )
        parts.append(f"single-PSU strata: {self.lonely_psu.value}")
        if self.calibration is not None:
            parts.append(self.calibration.describe())
        return "; ".join(parts)
