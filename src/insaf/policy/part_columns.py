"""Arrays of one value per household (or person) of a survey in parts, filled part by
part (``insaf.policy.partitioned``).

Two things keep them small at the size of a census:

- **Equal arrays are held once.** An instrument's cost is often its benefit (a
  transfer, most taxes and subsidies), and a reform leaves some instruments'
  flows as the baseline's; in the first part, a key whose values equal an
  earlier key's (same type, same bytes) becomes an alias of it. In a later
  part, an alias whose values differ from its target's is given its own array
  (a copy of the target's, then its own values): what is read back is always
  what was put. With ``benchmarks/policy_benchmark.yaml`` on the synthetic
  census, 22 of 60 household arrays are aliases (0.48 GB a million households
  held as 0.30 GB).
- **Paged to disk when large** (``paged=``): arrays are made in files
  (``insaf._memory.paged_zeros``) that the system may write out and drop when
  memory runs short, where memory not backed by a file would stop the process
  on a machine without swap. By default that is when the arrays of the first
  part, scaled to the whole survey, would take more than ``PAGED_SHARE`` of
  the memory available then (the impact measured on them needs about as much
  again). Their values are the same; only where they live changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from insaf._arrays import FloatArray
from insaf._memory import paged_zeros
from insaf.measures.engine import available_memory

__all__ = ["PAGED_SHARE", "Key", "PartColumns"]

PAGED_SHARE = 0.25
"""Share of the memory available that the arrays may take before they are paged."""

Key = tuple[str, ...]
"""An array's key: ``("weight",)``, ``(state, "benefit", instrument)``, ..."""


class PartColumns:
    """Arrays of ``size`` values by key, filled part by part (each made, full of zeros,
    when a part first gives it: a key a part does not give is zero there)."""

    def __init__(self, size: int, *, paged: Path | str | bool | None = None) -> None:
        """``paged``: ``False`` to hold the arrays in memory; ``True`` or a folder to
        hold them in files (of the system's temporary folder, or of that one);
        ``None`` to choose by size (``PAGED_SHARE``) when the first part comes."""
        self.size = size
        self.paged = paged
        self._held: dict[Key, np.ndarray] = {}
        self._aliases: dict[Key, Key] = {}

    @property
    def arrays(self) -> dict[Key, np.ndarray]:
        """Every array by key (an alias gives its target's array)."""
        out = dict(self._held)
        out.update((key, self._held[target]) for key, target in self._aliases.items())
        return out

    @property
    def aliases(self) -> dict[Key, Key]:
        """Keys whose values equal, in every part so far, those of another key."""
        return dict(self._aliases)

    def _zeros(self, dtype: np.dtype) -> np.ndarray:
        if not self.paged:
            return np.zeros(self.size, dtype=dtype)
        folder = None if self.paged is True else self.paged
        return paged_zeros(self.size, dtype, folder)

    def put(self, key: Key, start: int, values: np.ndarray) -> None:
        """``values`` of one key from row ``start`` (never an alias)."""
        found = self._held.get(key)
        if found is None:
            found = self._held[key] = self._zeros(values.dtype)
        found[start : start + values.size] = values

    def put_part(self, start: int, part: Mapping[Key, np.ndarray]) -> None:
        """Every array of one part, from row ``start``."""
        first = not self._held and not self._aliases
        if first:
            self._find_aliases(part)
            if self.paged is None:
                rows = max(_rows_of(part), 1)
                held = [v for k, v in part.items() if k not in self._aliases]
                whole = sum(v.nbytes for v in held) * self.size / rows
                self.paged = whole > PAGED_SHARE * available_memory()
        for key, target in list(self._aliases.items()):
            if not _same(part.get(key), part.get(target)):
                self._held[key] = self._zeros(self._held[target].dtype)
                self._held[key][:] = self._held[target]
                del self._aliases[key]
                rows = _rows_of(part)
                self._held[key][start : start + rows] = 0
        for key, values in part.items():
            if key not in self._aliases:
                self.put(key, start, values)

    def _find_aliases(self, part: Mapping[Key, np.ndarray]) -> None:
        seen: dict[tuple[str, bytes], Key] = {}
        for key, values in part.items():
            contiguous = np.ascontiguousarray(values)
            digest = (str(values.dtype), hashlib.blake2b(contiguous.data).digest())
            target = seen.get(digest)
            if target is not None and np.array_equal(values, part[target]):
                self._aliases[key] = target
            else:
                seen.setdefault(digest, key)

    def keyed(self, prefix: Key, order: Sequence[str] = ()) -> dict[str, FloatArray]:
        """The arrays under ``prefix`` by their last key, in ``order`` first."""
        found = {k[-1]: v for k, v in self.arrays.items() if k[:-1] == prefix}
        ranked = {name: i for i, name in enumerate(order)}
        return dict(sorted(found.items(), key=lambda kv: ranked.get(kv[0], len(ranked))))


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether a part's values of two keys are equal (a key the part lacks is zero)."""
    if a is None and b is None:
        return True
    if a is None:
        return not np.any(b)
    if b is None:
        return not np.any(a)
    return a.dtype == b.dtype and np.array_equal(a, b)


def _rows_of(part: Mapping[Key, np.ndarray]) -> int:
    return next(iter(part.values())).size if part else 0
