"""Design-based variance: linearization and replicate weights, as arrays.

Everything here works on integer codes and numpy arrays; nothing loops over
observations or PSUs in Python.

Linearization (R ``survey::svyrecvar``, one stage, the default). For influence
values ``z_k`` and weights ``w_k``, PSU totals ``t_hi = sum_{k in hi} w_k z_k``:

    V = sum_h (1 - f_h) n_h/(n_h - 1) sum_i (t_hi - tbar_h)^2

where ``f_h = n_h / N_h`` when a finite population correction is given (R's
``(N_h - n_h)/N_h`` factor) and 0 otherwise. Strata with one PSU follow
``LonelyPSU`` exactly as R's ``survey:::onestrat`` and ``survey:::onestage``
do (see ``docs/methods/variance.md``):

- ``fail``: an error naming the stratum (unless the fpc says the stratum was
  sampled completely, which R allows);
- ``remove`` and ``certainty``: the stratum adds nothing;
- ``adjust``: the lone PSU total is not centred, so it adds ``(1 - f_h) t_h^2``.
  R's documentation says "centred at the population mean": for influence
  values of any ratio-type statistic (means, rates, indices) the population
  mean of the influence values is zero, so this is the same thing; for a total
  it is the uncentred square, which is what R computes and what INSAF computes;
- ``average``: the stratum is dropped and the sum over the other strata is
  multiplied by ``H / H_ok`` (number of strata over strata with a variance).

Replicate weights (R ``survey:::svrVar``): ``V = scale * sum_r rscales_r
(theta_r - centre)^2``, the centre being the full-sample estimate when ``mse``
is true, else the mean of the replicates with ``rscales > 0``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from insaf._arrays import FloatArray as FloatArray
from insaf._arrays import IntArray as IntArray
from insaf.errors import DesignError, said
from insaf.survey.design import LonelyPSU, ReplicateMethod

__all__ = [
    "CalibrationArrays",
    "DesignArrays",
    "ReplicateSpec",
    "SecondStage",
    "bootstrap_factors",
    "jackknife_factors",
    "label_codes",
    "linearized_covariance",
    "linearized_variance",
    "psu_totals",
    "replicate_covariance",
    "replicate_variance",
    "stratum_scales",
    "subbootstrap_factors",
]


_INT64_MAX = int(np.iinfo(np.int64).max)


def label_codes(
    values: npt.ArrayLike, *, owned: bool = False
) -> tuple[IntArray, npt.NDArray[np.generic]]:
    """Integer codes 0..K-1 of ``values`` (in sorted order of the labels) and the labels.

    Integer labels spanning a range not much larger than the data are coded in
    one pass (mark the labels present, number them by a cumulative sum), which
    gives the same codes as ``np.unique`` without sorting millions of values;
    when every label of the range is present (strata 1..H), the codes are the
    labels less the smallest. The codes may be ``values`` itself when its labels
    are 0..K-1 already and it is read-only (a column of a survey's table) or
    ``owned`` (a scratch array of the caller's).
    """
    array = np.asarray(values)
    if array.dtype.kind in "iu" and array.size:
        low, high = int(array.min()), int(array.max())
        span = high - low + 1
        if span <= max(4 * array.size, 1 << 20) and high <= _INT64_MAX:
            shared = owned or not array.flags.writeable
            if shared and low == 0 and array.dtype == np.int64 and array.ndim == 1:
                offset = array
            else:
                offset = np.subtract(array, low, dtype=np.int64).reshape(-1)
            present = np.zeros(span, dtype=bool)
            present[offset] = True
            labels = (np.flatnonzero(present) + low).astype(array.dtype)
            if labels.size == span:  # every label present: the offsets are the codes
                return offset, labels
            rank = np.cumsum(present, dtype=np.int64) - 1
            return rank[offset], labels
    labels, inverse = np.unique(array, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), labels


@dataclass(frozen=True, eq=False, kw_only=True)
class SecondStage:
    """The second stage of a two-stage design: secondary units (SSUs) within PSUs.

    ``ssu`` is each unit's SSU code (global); ``ssu_psu`` each SSU's PSU;
    ``n_ssu`` the SSUs sampled in each PSU; ``fpc_factor`` each PSU's
    ``(M_i - m_i)/M_i``; ``first_fraction`` each PSU's first-stage sampling
    fraction ``n_h/N_h`` (R multiplies the second-stage variance by it).
    """

    ssu: IntArray
    ssu_psu: IntArray
    n_ssu: IntArray
    fpc_factor: FloatArray
    first_fraction: FloatArray
    psu_labels: tuple[str, ...]

    @property
    def n_ssus(self) -> int:
        return int(self.ssu_psu.shape[0])


@dataclass(frozen=True, eq=False, kw_only=True)
class DesignArrays:
    """A one-stage stratified cluster design as integer codes.

    ``stratum`` and ``psu`` are per-unit codes; PSU codes are global (a PSU is a
    (stratum, PSU label) pair, R's ``nest=TRUE``). ``fpc_factor[h]`` is R's
    ``(N_h - n_h)/N_h``, 1.0 without a finite population correction.
    ``key`` identifies the design (a digest of its codes), computed when first
    read: only comparisons of estimates and replicate tags need it.
    """

    stratum: IntArray
    psu: IntArray
    psu_stratum: IntArray
    n_psu: IntArray
    fpc_factor: FloatArray
    lonely: LonelyPSU = LonelyPSU.FAIL
    stratum_labels: tuple[str, ...] = ()
    second: SecondStage | None = None

    @cached_property
    def key(self) -> str:
        """A digest of the stratum and cluster codes and the fpc factors."""
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.stratum, self.psu, self.fpc_factor):
            digest.update(np.ascontiguousarray(part).tobytes())
        if self.second is not None:
            for part in (self.second.ssu, self.second.fpc_factor):
                digest.update(np.ascontiguousarray(part).tobytes())
        return digest.hexdigest()

    @property
    def total_codes(self) -> IntArray:
        """Per unit, the code of the cluster whose totals the variance reads:
        the SSU in a two-stage design (``second``), else the PSU."""
        return self.second.ssu if self.second is not None else self.psu

    @cached_property
    def runs(self) -> IntArray | None:
        """Where each cluster's run of units starts, in unit order, when every
        cluster's units are consecutive (the table comes cluster by cluster); else
        ``None``. Cluster totals are then sums over runs (``np.add.reduceat``),
        which read the values once, in order."""
        codes = self.total_codes
        if codes.shape[0] == 0:
            return None
        starts = np.flatnonzero(codes[1:] != codes[:-1])
        if starts.shape[0] + 1 != self.n_totals:
            return None
        starts += 1
        found: IntArray = np.concatenate((np.zeros(1, dtype=starts.dtype), starts))
        return found

    @property
    def n_totals(self) -> int:
        """How many cluster totals the variance reads (SSUs or PSUs)."""
        return self.second.n_ssus if self.second is not None else self.n_psus

    @classmethod
    def build(
        cls,
        *,
        n: int,
        strata: npt.ArrayLike | None = None,
        psu: npt.ArrayLike | None = None,
        fpc: npt.ArrayLike | None = None,
        lonely: LonelyPSU | str = LonelyPSU.FAIL,
        ssu: npt.ArrayLike | None = None,
        fpc2: npt.ArrayLike | None = None,
    ) -> DesignArrays:
        """Codes from raw columns (any dtype); ``None`` means one stratum / one unit per PSU.

        ``fpc`` is read as R's ``svydesign(fpc=)`` reads it: all values <= 1 are
        sampling fractions; otherwise every value must be >= 1 and is the
        population number of PSUs in the stratum.

        ``ssu`` and ``fpc2`` describe a second stage (R ``svydesign(ids=~psu+ssu,
        fpc=~fpc+fpc2)``): its variance is added unless there is no fpc at all
        (sampling with replacement at the first stage: R adds nothing either).
        """
        if strata is None:
            s_codes: IntArray = np.zeros(n, dtype=np.int64)
            s_labels: tuple[str, ...] = ("(all)",)
        else:
            s_codes, labels = label_codes(strata)
            s_labels = tuple(str(x) for x in labels.tolist())
        psu_codes, psu_stratum = _clusters(s_codes, psu, n)
        n_total = psu_stratum.shape[0]
        n_h = np.bincount(psu_stratum, minlength=len(s_labels)).astype(np.int64)
        factor = np.ones(len(s_labels), dtype=np.float64)
        if fpc is not None:
            factor = _fpc_factor(np.asarray(fpc, dtype=np.float64), s_codes, n_h, s_labels)
        second = None
        if ssu is not None and fpc is not None:
            if fpc2 is None:
                raise DesignError(
                    said(
                        "a two-stage design with a first-stage fpc needs the second stage's "
                        "fpc too (fpc2), as R's svydesign does",
                    )
                )
            names = _first_labels(psu_codes, psu, n_total)
            second = _second_stage(
                psu_codes, ssu, np.asarray(fpc2, dtype=np.float64), factor, s_codes, names
            )
        elif fpc2 is not None:
            raise DesignError(
                said(
                    "fpc2 (second stage) needs the first stage's fpc and the ssu column",
                )
            )
        return cls(
            stratum=s_codes,
            psu=psu_codes,
            psu_stratum=psu_stratum,
            n_psu=n_h,
            fpc_factor=factor,
            lonely=LonelyPSU(lonely),
            stratum_labels=s_labels,
            second=second,
        )

    @property
    def n_units(self) -> int:
        return int(self.stratum.shape[0])

    @property
    def n_psus(self) -> int:
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        return int(self.n_psu.shape[0])

    def degrees_of_freedom(self, weights: FloatArray | None = None) -> int:
        """R's ``degf``: PSUs minus strata, counting only units with non-zero weight."""
        if weights is None:
            return self.n_psus - self.n_strata
        inset = weights != 0
        return int(np.unique(self.psu[inset]).size - np.unique(self.stratum[inset]).size)


def _clusters(strata: IntArray, psu: npt.ArrayLike | None, n: int) -> tuple[IntArray, IntArray]:
    """Each unit's PSU code and each PSU's stratum. A PSU is a (stratum, label) pair,
    numbered in the order of the pairs; ``psu`` ``None``: each unit is its own PSU.

    When each label lies in one stratum and the labels run in the order of the
    strata (PSUs numbered across the survey), the pairs are numbered as the
    labels, which is checked rather than computed."""
    if psu is None:
        return np.arange(n, dtype=np.int64), strata.copy()
    p_codes, p_labels = label_codes(psu)
    stratum_of = np.zeros(len(p_labels), dtype=np.int64)
    stratum_of[p_codes] = strata
    if np.all(stratum_of[1:] >= stratum_of[:-1]) and np.array_equal(stratum_of[p_codes], strata):
        return p_codes, stratum_of
    pair = strata * np.int64(len(p_labels))
    pair += p_codes
    codes, pairs = label_codes(pair, owned=True)
    psu_stratum = np.zeros(len(pairs), dtype=np.int64)
    psu_stratum[codes] = strata
    return codes, psu_stratum


def _first_labels(codes: IntArray, raw: npt.ArrayLike | None, n: int) -> tuple[str, ...]:
    """``PSU <label>`` for each PSU code (the label of its first unit)."""
    if raw is None:
        return tuple(f"unit {i + 1}" for i in range(n))
    values = np.asarray(raw)
    first = np.zeros(n, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return tuple(f"PSU {values[i]}" for i in first.tolist())


def _second_stage(
    psu: IntArray,
    ssu: npt.ArrayLike,
    fpc2: FloatArray,
    factor: FloatArray,
    strata: IntArray,
    labels: tuple[str, ...],
) -> SecondStage:
    n_psus = int(psu.max()) + 1
    s_codes, s_labels = label_codes(ssu)
    ssu_codes, _ = label_codes(psu * np.int64(len(s_labels)) + s_codes)  # SSUs nested in PSUs
    ssu_psu = np.zeros(int(ssu_codes.max()) + 1, dtype=np.int64)
    ssu_psu[ssu_codes] = psu
    n_ssu = np.bincount(ssu_psu, minlength=n_psus).astype(np.int64)
    f2 = _fpc_factor(fpc2, psu, n_ssu, labels, group=said("PSU"), what="fpc2", unit=said("SSUs"))
    psu_stratum = np.zeros(n_psus, dtype=np.int64)
    psu_stratum[psu] = strata
    return SecondStage(
        ssu=ssu_codes,
        ssu_psu=ssu_psu,
        n_ssu=n_ssu,
        fpc_factor=f2,
        first_fraction=1.0 - factor[psu_stratum],
        psu_labels=labels,
    )


def _fpc_factor(
    fpc: FloatArray,
    strata: IntArray,
    n_h: IntArray,
    labels: Sequence[str],
    *,
    group: str = said("stratum"),
    what: str = "fpc",
    unit: str = said("PSUs"),
) -> FloatArray:
    if np.any(np.isnan(fpc)):
        raise DesignError(
            said(
                "the {what} column has {count} missing value(s)",
                what=what,
                count=int(np.isnan(fpc).sum()),
            )
        )
    if np.any(fpc <= 0):
        raise DesignError(
            said(
                "{what} values must be positive (population counts or fractions)",
                what=what,
            )
        )
    is_popsize = bool(np.any(fpc > 1))
    if is_popsize != bool(np.all(fpc >= 1)):
        raise DesignError(
            said(
                "{what} must be all >= 1 (population number of {unit} per {group}) or "
                "all <= 1 (sampling fractions), as R's svydesign requires",
                what=what,
                unit=unit,
                group=group,
            )
        )
    first = np.full(len(labels), np.nan)
    first[strata[::-1]] = fpc[::-1]  # the first value seen in each stratum
    varies = fpc != first[strata]
    if np.any(varies):
        h = int(strata[np.argmax(varies)])
        raise DesignError(
            said(
                "{what} varies within {group} {labels}",
                what=what,
                group=group,
                labels=repr(labels[h]),
            )
        )
    sampsize = n_h.astype(np.float64)
    popsize = first if is_popsize else sampsize / first
    if np.any(popsize < sampsize):
        h = int(np.argmax(popsize < sampsize))
        raise DesignError(
            said(
                "{what} implies more than {whole:.0%} sampling in {group} {labels} "
                "({sampsize} {unit} sampled, population {popsize:g})",
                what=what,
                whole=1.0,
                group=group,
                labels=repr(labels[h]),
                sampsize=int(sampsize[h]),
                unit=unit,
                popsize=popsize[h],
            )
        )
    with np.errstate(invalid="ignore"):
        return np.where(popsize == np.inf, 1.0, (popsize - sampsize) / popsize)


@dataclass(frozen=True, eq=False, kw_only=True)
class CalibrationArrays:
    """What the linearized variance of calibrated weights needs (R ``svyrecvar``
    with a ``greg_calibration`` or ``raking`` post-stratum).

    Per calibration unit (row of the design table): its ``cell`` (row of the
    calibration matrix ``x``), weights before (``w0``) and after (``w``)
    calibration, and PSU code; ``to_cal`` maps each analysis unit to its
    calibration unit (``None`` when they are the same units).

    For ``greg`` the influence values ``z`` are replaced by the residuals of
    their weighted (``w0``) regression on ``x``, ``e = z - x'b`` with
    ``b = (X'W0X)^- X'W0 z``, and the PSU totals are of ``w * e``. For
    ``rake`` (R ``rake``) ``z`` is centred on its unweighted mean within the
    categories of each margin in turn, ten rounds.
    """

    cell: IntArray
    x: FloatArray
    gram_pinv: FloatArray
    w0: FloatArray
    w: FloatArray
    psu: IntArray
    to_cal: IntArray | None
    margins: tuple[IntArray, ...] = ()
    rake: bool = False

    def residual_totals(
        self, units: IntArray, wz: FloatArray, w: FloatArray, n_psus: int
    ) -> FloatArray:
        """PSU totals of the calibration residuals of ``wz`` (weighted influence
        values of analysis ``units``, whose weights are ``w``)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(w > 0, wz / w, 0.0)
        n_cal = self.w.shape[0]
        where = units if self.to_cal is None else self.to_cal[units]
        z_cal: FloatArray = np.bincount(where, weights=z, minlength=n_cal).astype(np.float64)
        if self.rake:
            for _ in range(10):  # R: for (iterations in 1:10) for (margin in psvar)
                for codes in self.margins:
                    sums = np.bincount(codes, weights=z_cal)
                    counts = np.bincount(codes)
                    z_cal = z_cal - (sums / np.maximum(counts, 1))[codes]
            e = z_cal
        else:
            n_cells = self.x.shape[0]
            b = self.gram_pinv @ (
                self.x.T @ np.bincount(self.cell, weights=self.w0 * z_cal, minlength=n_cells)
            )
            e = z_cal - (self.x @ b)[self.cell]
        return np.bincount(self.psu, weights=self.w * e, minlength=n_psus).astype(np.float64)


def psu_totals(wz: FloatArray, design: DesignArrays) -> FloatArray:
    """Cluster totals of weighted influence values (PSUs, or SSUs in a two-stage
    design): ``(P,)`` for a vector, ``(P, k)`` for a matrix."""
    p, codes = design.n_totals, design.total_codes
    if wz.ndim == 1:
        return np.bincount(codes, weights=wz, minlength=p).astype(np.float64)
    out = np.empty((p, wz.shape[1]))
    for j in range(wz.shape[1]):  # loop over statistics, not over units
        out[:, j] = np.bincount(codes, weights=wz[:, j], minlength=p)
    return out


def stratum_scales(
    n_h: np.ndarray, f_h: FloatArray, rule: LonelyPSU, labels: Sequence[str]
) -> tuple[FloatArray, float, np.ndarray]:
    """Per stratum of ``n_h`` PSUs with fpc factor ``f_h``: the variance scale
    ``f_h n_h / (n_h - 1)``, the 'average' rule's multiplier, and which strata are
    taken uncentred (single-PSU strata under 'adjust'); a single-PSU stratum under
    'fail' is an error naming it (``labels``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_h = np.where(n_h > 1, f_h * n_h / (n_h - 1), f_h)
    certain = f_h < 1e-7  # R: a stratum sampled completely adds nothing
    scale_h = np.where(certain, 0.0, scale_h)
    lonely = (n_h == 1) & ~certain
    multiplier = 1.0
    adjust = np.zeros(n_h.shape, dtype=bool)
    if np.any(lonely):
        if rule is LonelyPSU.FAIL:
            h = int(np.argmax(lonely))
            raise DesignError(
                said(
                    "stratum {labels} has only one PSU; choose a rule for single-PSU "
                    "strata (lonely_psu: remove, adjust, average or certainty)",
                    labels=repr(labels[h]),
                )
            )
        if rule is LonelyPSU.ADJUST:
            adjust = lonely
        else:
            scale_h = np.where(lonely, 0.0, scale_h)
            if rule is LonelyPSU.AVERAGE:
                ok = n_h.size - int(lonely.sum())
                if ok == 0:
                    raise DesignError(
                        said(
                            "every stratum has a single PSU: no variance to average",
                        )
                    )
                multiplier = n_h.size / ok
    return scale_h, multiplier, adjust


def _centred(totals: FloatArray, design: DesignArrays) -> tuple[FloatArray, FloatArray, float]:
    """Centred PSU totals (P, k), per-PSU scale (P,), and the 'average' multiplier."""
    ps = design.psu_stratum
    n_h = design.n_psu
    k = totals.shape[1]
    sums = np.empty((design.n_strata, k))
    for j in range(k):
        sums[:, j] = np.bincount(ps, weights=totals[:, j], minlength=design.n_strata)
    means = sums / np.maximum(n_h, 1)[:, None]
    centred = totals - means[ps]
    scale_h, multiplier, adjust = stratum_scales(
        n_h, design.fpc_factor, design.lonely, design.stratum_labels
    )
    if np.any(adjust):
        uncentred = adjust[ps]
        centred[uncentred] = totals[uncentred]
    return centred, scale_h[ps], multiplier


def _stages(totals: FloatArray, design: DesignArrays) -> tuple[FloatArray, FloatArray | None]:
    """First-stage PSU totals (P, k) and, for a two-stage design, the SSU totals."""
    t = totals.reshape(totals.shape[0], -1)
    second = design.second
    if second is None:
        return t, None
    if t.shape[0] != second.n_ssus:
        raise DesignError(
            f"{t.shape[0]} cluster totals for a two-stage design with {second.n_ssus} SSUs"
        )
    first = np.empty((design.n_psus, t.shape[1]))
    for j in range(t.shape[1]):
        first[:, j] = np.bincount(second.ssu_psu, weights=t[:, j], minlength=design.n_psus)
    return first, t


def _second_centred(t: FloatArray, design: DesignArrays) -> tuple[FloatArray, FloatArray]:
    """Centred SSU totals within PSUs and each SSU's scale (R ``onestrat`` at stage 2,
    times the first-stage fraction ``n_h/N_h``)."""
    second = design.second
    assert second is not None  # only called for two-stage designs
    sp = second.ssu_psu
    m = second.n_ssu
    sums = np.empty((design.n_psus, t.shape[1]))
    for j in range(t.shape[1]):
        sums[:, j] = np.bincount(sp, weights=t[:, j], minlength=design.n_psus)
    centred = t - (sums / np.maximum(m, 1)[:, None])[sp]
    f2 = second.fpc_factor
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(m > 1, f2 * m / (m - 1), f2)
    scale = np.where(f2 < 1e-7, 0.0, scale)  # every SSU of the PSU sampled
    lonely = (m == 1) & (f2 >= 1e-7)
    if np.any(lonely):
        rule = design.lonely
        i = int(np.argmax(lonely))
        if rule is LonelyPSU.FAIL:
            raise DesignError(
                said(
                    "{psu_labels} has only one secondary unit sampled at stage 2 (and more "
                    "in the population); choose a rule for single-PSU strata (lonely_psu: "
                    "remove, adjust or certainty)",
                    psu_labels=second.psu_labels[i],
                )
            )
        if rule is LonelyPSU.AVERAGE:
            raise DesignError(
                said(
                    "{psu_labels} has one secondary unit: lonely_psu 'average' is not "
                    "defined at the second stage (R returns no variance); use remove or "
                    "adjust",
                    psu_labels=second.psu_labels[i],
                )
            )
        if rule is LonelyPSU.ADJUST:
            centred[lonely[sp]] = t[lonely[sp]]
        else:
            scale = np.where(lonely, 0.0, scale)
    return centred, (scale * second.first_fraction)[sp]


def linearized_covariance(totals: FloatArray, design: DesignArrays) -> FloatArray:
    """Covariance matrix (k, k) from cluster totals (``design.n_totals``, k) of several
    statistics: PSU totals, or SSU totals in a two-stage design."""
    first, ssu = _stages(totals, design)
    centred, scale, mult = _centred(first, design)
    cov = (centred * scale[:, None]).T @ centred * mult
    if ssu is not None:
        c2, s2 = _second_centred(ssu, design)
        cov = cov + (c2 * s2[:, None]).T @ c2
    return np.asarray(cov)


def linearized_variance(totals: FloatArray, design: DesignArrays) -> FloatArray:
    """Variances (k,) from cluster totals (``design.n_totals``, k), or a 0-d array from
    a vector: PSU totals, or SSU totals in a two-stage design (R adds the second
    stage's variance, ``survey:::multistage``)."""
    first, ssu = _stages(totals, design)
    centred, scale, mult = _centred(first, design)
    v: FloatArray = np.einsum("pk,p,pk->k", centred, scale, centred) * mult
    if ssu is not None:
        c2, s2 = _second_centred(ssu, design)
        v = v + np.einsum("pk,p,pk->k", c2, s2, c2)
    return v.reshape(totals.shape[1:]) if totals.ndim > 1 else v.reshape(())


# -- replicate weights -------------------------------------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class ReplicateSpec:
    """How replicate estimates combine into a variance (R ``svrVar``)."""

    method: ReplicateMethod | str
    scale: float
    rscales: FloatArray
    mse: bool

    @property
    def n_replicates(self) -> int:
        return int(self.rscales.shape[0])

    def to_dict(self) -> dict[str, object]:
        """What the output says about the replicates: method, number, scale,
        rscales (one number when they are all equal) and mse."""
        unique = np.unique(self.rscales)
        rscales: object = float(unique[0]) if unique.size == 1 else self.rscales.tolist()
        return {
            "method": str(getattr(self.method, "value", self.method)),
            "replicates": self.n_replicates,
            "scale": self.scale,
            "rscales": rscales,
            "mse": self.mse,
        }


def replicate_covariance(thetas: FloatArray, theta: FloatArray, spec: ReplicateSpec) -> FloatArray:
    """Covariance (k, k) from replicate estimates ``thetas`` (R, k) and full estimates (k,)."""
    th = thetas.reshape(thetas.shape[0], -1)
    full = np.asarray(theta, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(th)):
        bad = int((~np.isfinite(th)).any(axis=1).sum())
        raise DesignError(
            said(
                "{bad} replicate(s) gave no finite estimate (for example a domain that "
                "is empty in a replicate); the replicate variance is not defined",
                bad=bad,
            )
        )
    centre = full if spec.mse else th[spec.rscales > 0].mean(axis=0)
    d = (th - centre) * np.sqrt(spec.rscales)[:, None]
    return np.asarray(d.T @ d * spec.scale)


def replicate_variance(thetas: FloatArray, theta: FloatArray, spec: ReplicateSpec) -> FloatArray:
    """Variances (k,) from replicate estimates (R, k) and full estimates (k,)."""
    return np.diag(replicate_covariance(thetas, theta, spec)).copy()


# -- created replicates: PSU-level weight factors (P, R) ------------------------------------


def jackknife_factors(design: DesignArrays) -> tuple[FloatArray, ReplicateSpec]:
    """Delete-one-PSU jackknife within strata (JKn), as R's ``as.svrepdesign(type="JKn")``.

    One replicate per PSU in strata with two or more PSUs: the PSU gets factor 0,
    the other PSUs of its stratum ``n_h/(n_h - 1)``; ``rscales = (1 - f_h)(n_h - 1)/n_h``
    (fpc honoured, fully sampled strata dropped), ``scale = 1``, centred on the
    mean of the replicates (R's default ``mse=FALSE``). Single-PSU strata follow
    R's ``jknweights``: fail, dropped for remove/certainty/average (average
    multiplies the scale by PSUs/replicates), one special replicate for adjust.
    """
    ps = design.psu_stratum
    n_h = design.n_psu
    f_h = design.fpc_factor
    n_p = design.n_psus
    keep = (n_h[ps] > 1) & (f_h[ps] > 0)
    lonely = (n_h == 1) & (f_h > 0)
    rule = design.lonely
    if np.any(lonely) and rule is LonelyPSU.FAIL:
        h = int(np.argmax(lonely))
        raise DesignError(
            said(
                "stratum {stratum} has only one PSU (jackknife)",
                stratum=repr(design.stratum_labels[h]),
            )
        )
    dropped = np.flatnonzero(keep)
    reps = dropped.size
    factors = np.ones((n_p, reps))
    same = ps[:, None] == ps[dropped][None, :]
    inflate = (n_h[ps] / np.maximum(n_h[ps] - 1, 1))[:, None]
    factors = np.where(same, inflate, factors)
    factors[dropped, np.arange(reps)] = 0.0
    rscales = (f_h[ps[dropped]] * (n_h[ps[dropped]] - 1) / n_h[ps[dropped]]).astype(np.float64)
    scale = 1.0
    if np.any(lonely) and rule is LonelyPSU.ADJUST:
        h_all = design.n_strata
        extra = []
        for h in np.flatnonzero(lonely).tolist():  # loop over lonely strata only
            col = np.where(ps == h, 0.0, h_all / (h_all - 1))
            extra.append(col)
        factors = np.column_stack([factors, *extra])
        rscales = np.concatenate([rscales, np.full(len(extra), (h_all - 1) / h_all)])
    elif np.any(lonely) and rule is LonelyPSU.AVERAGE:
        scale = n_p / factors.shape[1]
    if factors.shape[1] == 0:
        raise DesignError(
            said(
                "every stratum was sampled completely: there is no sampling variance",
            )
        )
    spec = ReplicateSpec(method=ReplicateMethod.JKN, scale=scale, rscales=rscales, mse=False)
    return factors, spec


def _draws(design: DesignArrays, replicates: int, take: IntArray, seed: int) -> FloatArray:
    """Multiplicities (P, R): in stratum h, ``take[h]`` PSUs drawn with replacement."""
    rng = np.random.default_rng(seed)
    ps = design.psu_stratum
    order = np.argsort(ps, kind="stable")  # PSUs grouped by stratum
    start = np.concatenate([[0], np.cumsum(design.n_psu)[:-1]])
    # one draw slot per (stratum, k < take[h]); total slots sum(take)
    slots_h = np.repeat(np.arange(design.n_strata), take)
    n_slots = slots_h.size
    u = rng.random((replicates, n_slots))
    picked = order[start[slots_h] + np.floor(u * design.n_psu[slots_h]).astype(np.int64)]
    flat = (np.arange(replicates)[:, None] * design.n_psus + picked).reshape(-1)
    counts = np.bincount(flat, minlength=replicates * design.n_psus)
    return counts.reshape(replicates, design.n_psus).T.astype(np.float64)


def bootstrap_factors(
    design: DesignArrays, *, replicates: int, seed: int
) -> tuple[FloatArray, ReplicateSpec]:
    """With-replacement bootstrap of PSUs within strata (R ``bootweights``, Canty–Davison).

    Each replicate draws ``n_h`` PSUs with replacement in every stratum; a PSU's
    factor is its multiplicity. ``scale = m/((m - 1)(R - 1))`` with ``m`` the
    harmonic mean of PSUs per stratum, centred on the replicate mean, as R's
    ``as.svrepdesign(type="bootstrap")``. Deterministic for a given seed (the
    random stream is numpy's, so draws differ from R's).
    """
    if replicates < 2:
        raise DesignError(said("the bootstrap needs at least two replicates"))
    if np.any(design.fpc_factor < 1.0):
        raise DesignError(
            said(
                "the created bootstrap does not use the finite population correction; "
                "use variance='jackknife' (which does) or drop the fpc",
            )
        )
    factors = _draws(design, replicates, design.n_psu.astype(np.int64), seed)
    m = 1.0 / float(np.mean(1.0 / design.n_psu))
    scale = m / ((m - 1.0) * (replicates - 1)) if m > 1 else 1.0 / (replicates - 1)
    spec = ReplicateSpec(
        method=ReplicateMethod.BOOTSTRAP,
        scale=scale,
        rscales=np.ones(replicates),
        mse=False,
    )
    return factors, spec


def subbootstrap_factors(
    design: DesignArrays, *, replicates: int, seed: int
) -> tuple[FloatArray, ReplicateSpec]:
    """Rao–Wu rescaled bootstrap with ``n_h - 1`` draws (R ``subbootweights``).

    Factor ``m_hi * n_h/(n_h - 1)``, ``scale = 1/(R - 1)``, centred on the
    replicate mean (R's ``as.svrepdesign(type="subbootstrap")``).
    """
    if replicates < 2:
        raise DesignError(said("the bootstrap needs at least two replicates"))
    if np.any(design.n_psu < 2):
        h = int(np.argmax(design.n_psu < 2))
        raise DesignError(
            said(
                "stratum {stratum} has only one PSU: the Rao–Wu bootstrap draws "
                "n_h - 1 = 0 PSUs there",
                stratum=repr(design.stratum_labels[h]),
            )
        )
    counts = _draws(design, replicates, design.n_psu - 1, seed)
    n_h = design.n_psu[design.psu_stratum]
    factors = counts * (n_h / (n_h - 1))[:, None]
    spec = ReplicateSpec(
        method="subbootstrap",
        scale=1.0 / (replicates - 1),
        rscales=np.ones(replicates),
        mse=False,
    )
    return factors, spec
