"""Random streams and small vectorised helpers shared by the generator modules.

Each part of the generator draws from its own named stream, seeded by
``SeedSequence([seed, year, name])``, so that the output is a function of
``(seed, year)`` alone and a change in one module does not shift the random
numbers of another. The enumeration-area frame uses ``SeedSequence([seed,
name])`` with no year: it is the same in every year.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import numpy.typing as npt

from insaf._arrays import FloatArray, IntArray

__all__ = [
    "Columns",
    "FloatArray",
    "IntArray",
    "categorical",
    "logistic",
    "ordered",
    "stream",
]

Columns = dict[str, npt.NDArray[Any]]
"""A table under construction: column name to numpy array."""


def stream(seed: int, name: str, year: int | None = None) -> np.random.Generator:
    """The random generator of part ``name`` for ``(seed, year)``."""
    key = zlib.crc32(name.encode("ascii"))
    entropy = [seed, key] if year is None else [seed, year, key]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def logistic(x: FloatArray) -> FloatArray:
    """The logistic function, 1 / (1 + exp(-x))."""
    out: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return out


def categorical(rng: np.random.Generator, scores: FloatArray) -> IntArray:
    """One draw per row from a multinomial logit with ``scores`` (rows x categories).

    Uses the Gumbel-max trick: the argmax of scores plus Gumbel noise has the
    softmax distribution.
    """
    noise = rng.gumbel(size=scores.shape)
    noise += scores
    out: IntArray = np.argmax(noise, axis=1).astype(np.int64)
    return out


def ordered(latent: FloatArray, cuts: FloatArray | list[float]) -> IntArray:
    """The category (0, 1, ...) of each latent value given increasing cut points."""
    return np.searchsorted(np.asarray(cuts, dtype=np.float64), latent).astype(np.int64)
