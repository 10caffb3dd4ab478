"""The design's integer codes: a PSU is a (stratum, label) pair, numbered in the order
of the pairs (R's ``nest=TRUE``), whichever way the labels are written."""

from __future__ import annotations

import numpy as np
import pytest

from insaf.measures.variance import DesignArrays, label_codes


def pairs_numbered(strata: list[int], psu: list[int]) -> list[int]:
    """The PSU codes by hand: each distinct (stratum, label) pair's rank."""
    ranked = sorted(set(zip(strata, psu, strict=True)))
    return [ranked.index(pair) for pair in zip(strata, psu, strict=True)]


@pytest.mark.parametrize(
    ("strata", "psu"),
    [
        ([1, 1, 1, 2, 2, 2], [10, 11, 10, 12, 13, 13]),  # labels across the survey, in order
        ([1, 1, 2, 2], [1, 2, 1, 2]),  # labels 1..n_h again in each stratum
        ([1, 1, 2, 2], [9, 8, 3, 4]),  # labels across the survey, not in the strata's order
        ([2, 2, 1, 1, 2], [5, 6, 3, 4, 5]),  # rows not grouped by stratum
    ],
)
def test_psu_codes_are_the_pairs_in_order(strata: list[int], psu: list[int]) -> None:
    design = DesignArrays.build(n=len(strata), strata=strata, psu=psu)
    assert design.psu.tolist() == pairs_numbered(strata, psu)
    s_codes, _ = label_codes(np.asarray(strata))
    expected_stratum = np.zeros(design.n_psus, dtype=np.int64)
    expected_stratum[design.psu] = s_codes
    assert design.psu_stratum.tolist() == expected_stratum.tolist()
    assert design.n_psu.tolist() == np.bincount(expected_stratum).tolist()


def test_label_codes_are_numpy_unique() -> None:
    for values in ([3, 1, 2, 3], [5, 9, 5, 7], [-4, 0, 7, -4], [2**40, 1, 2**40]):
        array = np.asarray(values)
        labels, inverse = np.unique(array, return_inverse=True)
        codes, found = label_codes(array)
        assert codes.tolist() == inverse.tolist() and found.tolist() == labels.tolist()


def test_the_key_names_the_design() -> None:
    one = DesignArrays.build(n=4, strata=[1, 1, 2, 2], psu=[1, 2, 1, 2])
    same = DesignArrays.build(n=4, strata=[1, 1, 2, 2], psu=[1, 2, 1, 2])
    other = DesignArrays.build(n=4, strata=[1, 1, 2, 2], psu=[1, 1, 1, 2])
    assert one.key == same.key != other.key
