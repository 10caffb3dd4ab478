"""``insaf._memory.give_back``: memory glibc keeps after frees goes back to the system."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from insaf._memory import give_back


def _resident() -> int:
    return int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1]) * 4096


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_goes_back() -> None:
    # 200 MB in arrays small enough for glibc's heap (each under its mmap threshold),
    # freed all but the last: the heap keeps the pages until trimmed
    arrays = [np.ones(1250) for _ in range(20_000)]  # 10,000 bytes each
    last = arrays.pop()
    del arrays
    before = _resident()
    assert give_back()
    after = _resident()
    assert before - after > 100e6, (before, after)
    assert last.sum() == 1250
