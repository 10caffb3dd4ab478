"""The parts' joined arrays: equal arrays held once, and what is read back is what was
put, part after part, in memory or paged to files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from insaf.policy.part_columns import PartColumns


@pytest.mark.parametrize("paged", [False, True])
def test_equal_arrays_are_held_once_until_a_part_tells_them_apart(
    paged: bool, tmp_path: Path
) -> None:
    columns = PartColumns(7, paged=tmp_path if paged else False)
    benefit = np.array([1.0, 0.0, 2.0])
    columns.put_part(
        0,
        {
            ("benefit",): benefit,
            ("cost",): benefit.copy(),  # equal values, another array
            ("count",): np.array([1, 0, 1]),  # the same numbers, another type
            ("tax",): np.array([0.0, 5.0, 0.0]),
        },
    )
    assert columns.aliases == {("cost",): ("benefit",)}
    assert columns.arrays[("cost",)] is columns.arrays[("benefit",)]
    # the second part: the cost differs from the benefit, and the tax is not given
    columns.put_part(
        3,
        {
            ("benefit",): np.array([4.0, 4.0]),
            ("cost",): np.array([4.0, 3.0]),
            ("count",): np.array([1, 1]),
        },
    )
    # the third: the cost is not given (zero there) while the benefit is not zero
    columns.put_part(5, {("benefit",): np.array([6.0, 0.0]), ("count",): np.array([1, 0])})
    assert columns.aliases == {}
    arrays = columns.arrays
    np.testing.assert_array_equal(arrays[("benefit",)], [1, 0, 2, 4, 4, 6, 0])
    np.testing.assert_array_equal(arrays[("cost",)], [1, 0, 2, 4, 3, 0, 0])
    np.testing.assert_array_equal(arrays[("count",)], [1, 0, 1, 1, 1, 1, 0])
    np.testing.assert_array_equal(arrays[("tax",)], [0, 5, 0, 0, 0, 0, 0])
    assert arrays[("count",)].dtype == np.int64
    if paged:  # held in a file, not in the process's own memory
        assert not arrays[("benefit",)].flags.owndata
    assert list(tmp_path.iterdir()) == []  # the files are gone from the folder


def test_an_alias_stays_while_parts_agree_and_a_missing_pair_is_zero() -> None:
    columns = PartColumns(4, paged=False)
    columns.put_part(0, {("a",): np.zeros(2), ("b",): np.zeros(2), ("c",): np.ones(2)})
    assert columns.aliases == {("b",): ("a",)}
    columns.put_part(2, {("c",): np.array([2.0, 3.0])})  # neither a nor b: zero in both
    assert columns.aliases == {("b",): ("a",)}
    np.testing.assert_array_equal(columns.arrays[("b",)], [0, 0, 0, 0])
    np.testing.assert_array_equal(columns.arrays[("c",)], [1, 1, 2, 3])


def test_size_chooses_whether_to_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import insaf.policy.part_columns as module

    monkeypatch.setattr(module, "available_memory", lambda: 1000)
    small = PartColumns(10)  # 10 values of 8 bytes: 80 bytes, under a quarter of 1000
    small.put_part(0, {("a",): np.ones(5)})
    assert small.paged is False
    large = PartColumns(1000)  # 8,000 bytes
    large.put_part(0, {("a",): np.ones(5)})
    assert large.paged is True
    assert not large.arrays[("a",)].flags.owndata


def test_a_full_disk_is_an_error_naming_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import errno
    import os

    from insaf._memory import paged_zeros
    from insaf.errors import InsafError

    def full(handle: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(InsafError, match=r"no room for 0\.80 GB of paged arrays") as found:
        paged_zeros(100_000_000, np.float64, tmp_path)
    assert str(tmp_path) in str(found.value) and "No space left" in str(found.value)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
