"""Samples that respect the design: whole PSUs, spread over every stratum.

Households of one PSU (enumeration area) share unobserved conditions, so a
model validated on households whose neighbours were in the training data looks
better than it is. Every split here moves whole PSUs, and does so within each
stratum, so training and test data both cover every stratum:

- ``psu_folds``: the PSUs of each stratum are put in a random order (fixed by
  ``seed``) and dealt to folds ``0..k-1`` in turn, starting at a random fold,
  so each fold holds ``floor(n_h/k)`` or ``ceil(n_h/k)`` PSUs of stratum ``h``;
- ``psu_split``: in each stratum ``round(share * n_h)`` PSUs go to the test set
  (at least one, and at least one left for training, when ``n_h >= 2``);
- ``bootstrap_weights``: ``n_h`` PSUs drawn with replacement in each stratum
  (``insaf.measures.variance.bootstrap_factors``, R's ``bootweights``), a
  household's weight multiplied by its PSU's multiplicity.
"""

from __future__ import annotations

import numpy as np

from insaf._arrays import IntArray
from insaf.errors import InsafError, said
from insaf.measures.variance import DesignArrays, FloatArray, bootstrap_factors

__all__ = ["bootstrap_factors_for", "psu_folds", "psu_split"]


def _psu_order(design: DesignArrays, seed: int) -> tuple[IntArray, IntArray]:
    """PSUs sorted by (stratum, random key), and each one's position in its stratum."""
    rng = np.random.default_rng(seed)
    key = rng.random(design.n_psus)
    order = np.lexsort((key, design.psu_stratum))
    start = np.concatenate([[0], np.cumsum(design.n_psu)[:-1]])
    position = np.empty(design.n_psus, dtype=np.int64)
    position[order] = np.arange(design.n_psus) - start[design.psu_stratum[order]]
    return order, position


def psu_folds(design: DesignArrays, k: int, seed: int) -> IntArray:
    """Fold ``0..k-1`` of every unit: whole PSUs, dealt in turn within strata."""
    if k < 2:
        raise InsafError(
            said(
                "cross-validation needs at least 2 folds, not {k}",
                k=k,
            )
        )
    if design.n_psus < k:
        raise InsafError(
            said(
                "{n_psus} PSUs cannot make {k} folds",
                n_psus=design.n_psus,
                k=k,
            )
        )
    _, position = _psu_order(design, seed)
    offset = np.random.default_rng([seed, 1]).integers(0, k, design.n_strata)
    fold_of_psu = (position + offset[design.psu_stratum]) % k
    out: IntArray = fold_of_psu[design.psu].astype(np.int64)
    return out


def psu_split(
    design: DesignArrays, share: float, seed: int
) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    """True for units in the test set: ``share`` of the PSUs of every stratum."""
    if not 0.0 < share < 1.0:
        raise InsafError(
            said(
                "the test share must be between 0 and 1, not {share}",
                share=share,
            )
        )
    _, position = _psu_order(design, seed)
    n_h = design.n_psu
    take = np.rint(share * n_h).astype(np.int64)
    take = np.where(n_h >= 2, np.clip(take, 1, n_h - 1), 0)
    test_psu = position < take[design.psu_stratum]
    out: np.ndarray[tuple[int], np.dtype[np.bool_]] = test_psu[design.psu]
    return out


def bootstrap_factors_for(design: DesignArrays, replicates: int, seed: int) -> FloatArray:
    """PSU multiplicities ``(P, R)``: ``n_h`` PSUs drawn with replacement per stratum.

    The finite population correction is not used (with-replacement resampling
    of PSUs, as R's ``bootweights``), so the intervals are, if anything, wide.
    """
    plain = DesignArrays(
        stratum=design.stratum,
        psu=design.psu,
        psu_stratum=design.psu_stratum,
        n_psu=design.n_psu,
        fpc_factor=np.ones_like(design.fpc_factor),
        lonely=design.lonely,
        stratum_labels=design.stratum_labels,
    )
    factors, _ = bootstrap_factors(plain, replicates=replicates, seed=seed)
    return factors
