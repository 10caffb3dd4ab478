"""The whole demo country, every household of every enumeration area, in blocks.

A census of ``households`` households: the demo country's 24 strata
(governorate x urban/rural) get their share of the households (the census
shares of ``country.GOVERNORATES``, at least 2 each), each stratum is cut into
enumeration areas (EAs) of about 130 (urban) or 95 (rural) households, at
least 2 per stratum, and every household of every EA is enumerated: weight 1,
``fpc`` the stratum's number of EAs, all of them taken.

The frame (one row per EA: size and the EA's effects) is small and built
whole. The households are made block by block: a block is up to
``BLOCK_EAS`` consecutive EAs of one stratum, and every random number of a
block comes from streams keyed by ``(seed, year, part, stratum, block)``. A
block's rows are therefore the same however blocks are grouped into chunks,
and no block needs another's.

Identifiers: ``psu`` = stratum code x 1,000,000 + the EA's serial in its
stratum; ``hhid`` = ``psu`` x 1000 + the household's serial in its EA;
``pid`` = ``hhid`` x 100 + line number.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from insaf.errors import DataError, DesignError, said
from insaf.survey.synth.build import Streams
from insaf.survey.synth.country import GOVERNORATES
from insaf.survey.synth.sample import EA_SIZE, MIN_HOUSEHOLDS, allocate, stratum_code
from insaf.survey.synth.streams import Columns, FloatArray, IntArray

__all__ = [
    "BLOCK_EAS",
    "MAX_HOUSEHOLDS",
    "Block",
    "Census",
    "block_households",
    "block_streams",
    "census_frame",
]

BLOCK_EAS = 100
"""EAs per block (about 11,000 households): the unit of the random streams."""
MAX_HOUSEHOLDS = 100_000_000
"""The largest census (identifiers stay well inside 64-bit integers)."""
_EA_SERIAL = 1_000_000
_HH_SERIAL = 1000


@dataclass(frozen=True, slots=True)
class Block:
    """Up to ``BLOCK_EAS`` consecutive EAs (``first`` to ``stop - 1`` in the
    frame) of one stratum."""

    governorate: int
    stratum: int
    """Stratum code (governorate x 10 + 1 urban, 2 rural)."""
    number: int
    """Serial of the block in its stratum, from 0."""
    first: int
    stop: int
    households: int


@dataclass(frozen=True, slots=True)
class Census:
    """The census frame: per stratum (in stratum order) and per EA (sorted by stratum)."""

    strata: IntArray
    governorate_of: IntArray
    urban_of: IntArray
    start: IntArray
    count: IntArray
    size: IntArray
    """Households in each EA."""
    effect: FloatArray
    refugee: FloatArray

    @property
    def households(self) -> int:
        return int(self.size.sum())

    def blocks(self) -> list[Block]:
        """Every block, by governorate, stratum and position in the stratum."""
        out = []
        for s, code in enumerate(self.strata):
            begin, end = int(self.start[s]), int(self.start[s] + self.count[s])
            for number, first in enumerate(range(begin, end, BLOCK_EAS)):
                stop = min(first + BLOCK_EAS, end)
                out.append(
                    Block(
                        governorate=int(self.governorate_of[s]),
                        stratum=int(code),
                        number=number,
                        first=first,
                        stop=stop,
                        households=int(self.size[first:stop].sum()),
                    )
                )
        return out


def census_frame(households: int, seed: int) -> Census:
    """The EAs of a demo country of ``households`` households, for ``seed``."""
    if seed < 0:
        raise DataError(
            said(
                "the seed must be a non-negative integer; got {seed}",
                seed=seed,
            )
        )
    if not MIN_HOUSEHOLDS <= households <= MAX_HOUSEHOLDS:
        raise DesignError(
            said(
                "households must be between {min_households} and {max_households:,} "
                "for a census; got {households:,}",
                min_households=MIN_HOUSEHOLDS,
                max_households=MAX_HOUSEHOLDS,
                households=households,
            )
        )
    strata, govs, urbans, shares = [], [], [], []
    for gov in GOVERNORATES:
        for urban in (1, 0):
            strata.append(stratum_code(gov.code, urban))
            govs.append(gov.code)
            urbans.append(urban)
            shares.append(gov.households * (gov.urban_share if urban else 1.0 - gov.urban_share))
    totals = allocate(households, np.asarray(shares), 2)
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(b"census")]))
    sizes, counts = [], []
    for total, urban in zip(totals, urbans, strict=True):  # 24 strata: a loop over strata
        n = max(round(int(total) / EA_SIZE[urban]), 2)
        spread = np.clip(rng.lognormal(0.0, 0.3, n), 0.5, 1.9)
        sizes.append(allocate(int(total), spread, 1))
        counts.append(n)
    size = np.concatenate(sizes)
    if size.max() >= _HH_SERIAL or max(counts) >= _EA_SERIAL:  # excluded by MAX_HOUSEHOLDS
        raise DesignError("an EA or a stratum is too large for the identifiers")
    count = np.asarray(counts, dtype=np.int64)
    total_eas = int(count.sum())
    return Census(
        strata=np.asarray(strata, dtype=np.int64),
        governorate_of=np.asarray(govs, dtype=np.int64),
        urban_of=np.asarray(urbans, dtype=np.int64),
        start=np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64),
        count=count,
        size=size,
        effect=rng.normal(0.0, 0.45, total_eas),
        refugee=np.exp(rng.normal(0.0, 1.0, total_eas)),
    )


def block_households(census: Census, block: Block) -> Columns:
    """The design columns of every household of ``block``, and its EAs' effects."""
    eas = np.arange(block.first, block.stop)
    k = census.size[eas]
    ea_of = np.repeat(eas, k)
    serial = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + 1
    s = int(np.flatnonzero(census.strata == block.stratum)[0])
    psu = block.stratum * _EA_SERIAL + (ea_of - census.start[s] + 1)
    n = len(ea_of)
    return {
        "hhid": psu * _HH_SERIAL + serial,
        "governorate": np.full(n, block.governorate, dtype=np.int64),
        "urban": np.full(n, census.urban_of[s], dtype=np.int64),
        "stratum": np.full(n, block.stratum, dtype=np.int64),
        "psu": psu.astype(np.int64),
        "fpc": np.full(n, census.count[s], dtype=np.int64),
        "weight": np.ones(n),
        "ea_effect": census.effect[ea_of],
        "ea_refugee": census.refugee[ea_of],
    }


def block_streams(seed: int, year: int, block: Block) -> Streams:
    """The random generator of each part of the pipeline for ``block``."""

    def rng(name: str) -> np.random.Generator:
        key = zlib.crc32(name.encode("ascii"))
        entropy = [seed, year, key, block.stratum, block.number]
        return np.random.default_rng(np.random.SeedSequence(entropy))

    return rng
