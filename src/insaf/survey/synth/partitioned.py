"""A census of the demo country written as Parquet partitions, one chunk in memory at a time.

``write_partitioned(out, households=20_000_000)`` writes::

    out/households/governorate=1/part-00000.parquet   one row per household
    out/persons/governorate=1/part-00000.parquet      one row per person
    out/consumption/governorate=1/part-00000.parquet  one row per household and item
    out/dataset.yaml                                  what the folder holds (synthetic)
    out/README.md

The country is made block by block (``census``) and the blocks of one
governorate are grouped into chunks of about ``chunk`` households; each
chunk's three tables are written and dropped before the next is made. The
rows depend on the seed, the year and the number of households, not on
``chunk``. Each person row carries its household's design columns and
welfare (``CARRIED``), so one folder (``out/persons``) is what the streamed
engine (``insaf.measures.stream``) needs. ``governorate`` is a column of every
file as well as the folder's key.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from insaf.errors import DataError, Location, said
from insaf.survey.partitioned import variable_entry
from insaf.survey.synth.assemble import frame_of, link
from insaf.survey.synth.build import populate
from insaf.survey.synth.census import Block, Census, block_households, block_streams, census_frame
from insaf.survey.synth.country import trend
from insaf.survey.synth.labels import HOUSEHOLD, ITEM, PERSON, Spec, metadata

__all__ = [
    "CARRIED",
    "DEFAULT_CHUNK",
    "MANIFEST",
    "TABLES",
    "Chunk",
    "Written",
    "chunks",
    "write_partitioned",
]

DEFAULT_CHUNK = 200_000
"""Households made and written at a time."""
MANIFEST = "dataset.yaml"
TABLES = ("households", "persons", "consumption")
"""The folders of the dataset, one per table."""
_CARRIED_HOUSEHOLD = (
    "governorate",
    "urban",
    "stratum",
    "psu",
    "fpc",
    "weight",
    "hhsize",
    "consumption_pc",
    "consumption_ae",
    "poverty_line",
)
_INCOME_PC: Spec = (
    "income_pc",
    "Disposable income per capita (DMD a month)",
    "الدخل المتاح للفرد (دينار تجريبي شهرياً)",
    None,
    None,
    "DMD/month",
)
_GOVERNORATE = next(spec for spec in HOUSEHOLD if spec[0] == "governorate")
CARRIED: tuple[Spec, ...] = (
    *(spec for spec in HOUSEHOLD if spec[0] in _CARRIED_HOUSEHOLD),
    _INCOME_PC,
)
"""Household columns each person row carries: the design and the welfare measures."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive blocks of one governorate, made and written together."""

    governorate: int
    part: int
    """Serial of the chunk in its governorate: the file ``part-00000.parquet``."""
    blocks: tuple[Block, ...]

    @property
    def households(self) -> int:
        return sum(b.households for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Written:
    """What ``write_partitioned`` wrote: rows of each table and every file."""

    folder: Path
    households: int
    persons: int
    items: int
    files: tuple[Path, ...]

    @property
    def bytes(self) -> int:
        """Bytes on disk, all files together."""
        return sum(f.stat().st_size for f in self.files)


Progress = Callable[[Chunk, int], None]
"""Called after each chunk is written, with the households written so far."""


def chunks(census: Census, chunk: int) -> list[Chunk]:
    """The census's blocks grouped by governorate into chunks of at most ``chunk``
    households (a block larger than ``chunk`` is a chunk of its own)."""
    if chunk < 1:
        raise DataError(
            said(
                "the chunk must be at least 1 household; got {chunk:,}",
                chunk=chunk,
            )
        )
    out: list[Chunk] = []
    current: list[Block] = []
    size = 0
    for block in [*census.blocks(), None]:  # None closes the last chunk
        if current and (
            block is None
            or block.governorate != current[0].governorate
            or size + block.households > chunk
        ):
            governorate = current[0].governorate
            part = sum(1 for c in out if c.governorate == governorate)
            out.append(Chunk(governorate=governorate, part=part, blocks=tuple(current)))
            current, size = [], 0
        if block is not None:
            current.append(block)
            size += block.households
    return out


def _block_tables(
    census: Census, block: Block, seed: int, year: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    hh = block_households(census, block)
    persons, items, policy = populate(hh, trend(year), block_streams(seed, year, block))
    link(hh, persons, items)
    index = persons["hh_index"]
    hh["income_pc"] = np.round(hh["disposable_income"] / hh["hhsize"], 2)
    for name, *_ in CARRIED:
        persons[name] = hh[name][index]
    items["governorate"] = hh["governorate"][items["hh_index"]]
    return (
        frame_of(hh, HOUSEHOLD),
        frame_of(persons, [*PERSON, *CARRIED]),
        frame_of(items, [*ITEM, _GOVERNORATE]),
        policy,
    )


def _chunk_tables(
    census: Census, chunk: Chunk, seed: int, year: int
) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in TABLES}
    policy: dict[str, Any] = {}
    for block in chunk.blocks:
        *frames, policy = _block_tables(census, block, seed, year)
        for name, frame in zip(TABLES, frames, strict=True):
            parts[name].append(frame)
    return {name: pl.concat(frames) for name, frames in parts.items()}, policy


def _prepare(out: Path, overwrite: bool) -> None:
    """Refuse a file or a non-empty folder, unless ``overwrite``: then remove only
    what a previous run wrote there (the table folders, the manifest, the README)."""
    if out.exists() and not out.is_dir():
        raise DataError(said("the output is a file, not a folder"), Location(file=str(out)))
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise DataError(
                said(
                    "the output folder is not empty; choose an empty or new folder, or "
                    "allow overwriting (--overwrite)",
                ),
                Location(file=str(out)),
            )
        for name in TABLES:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
        for name in (MANIFEST, "README.md"):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def write_partitioned(
    out: str | Path,
    *,
    households: int,
    seed: int = 1,
    year: int = 2024,
    chunk: int = DEFAULT_CHUNK,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Written:
    """Write a synthetic census of ``households`` households to ``out`` in Parquet
    partitions by governorate, ``chunk`` households at a time (see the module)."""
    trend(year)  # the year is checked before anything is written
    census = census_frame(households, seed)
    plan = chunks(census, chunk)
    folder = Path(out)
    _prepare(folder, overwrite)
    rows = dict.fromkeys(TABLES, 0)
    files: list[Path] = []
    policy: dict[str, Any] = {}
    for c in plan:
        tables, policy = _chunk_tables(census, c, seed, year)
        for name, frame in tables.items():
            path = folder / name / f"governorate={c.governorate}" / f"part-{c.part:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path, compression="zstd", statistics=True)
            files.append(path)
            rows[name] += frame.height
        del tables  # one chunk in memory at a time
        if progress is not None:
            progress(c, rows["households"])
    # every weight is 1: the population is the count
    policy["population"] = {"households": rows["households"], "persons": rows["persons"]}
    manifest = _manifest(rows, seed=seed, year=year, policy=policy)
    (folder / MANIFEST).write_text(
        yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (folder / "README.md").write_text(_readme(rows, seed=seed, year=year), encoding="utf-8")
    return Written(
        folder=folder,
        households=rows["households"],
        persons=rows["persons"],
        items=rows["consumption"],
        files=(*files, folder / MANIFEST, folder / "README.md"),
    )


def again(households: int, seed: int, year: int) -> str:
    """The command that makes the same folder again."""
    return (
        f"insaf synth --partitioned --households {households} --seed {seed} --year {year} --out DIR"
    )


def _variables(specs: Sequence[Spec]) -> dict[str, Any]:
    """Each column's labels, and its value labels (a breakdown by governorate names each
    governorate), role and unit of measure where the survey's metadata has them."""
    labels = metadata()
    out: dict[str, Any] = {}
    for spec in specs:
        name = spec[0]
        if name in labels.variables:
            out[name] = variable_entry(labels[name])
        else:
            out[name] = {"en": spec[1], "ar": spec[2]}
    return out


def _manifest(
    rows: dict[str, int], *, seed: int, year: int, policy: dict[str, Any]
) -> dict[str, Any]:
    command = again(rows["households"], seed, year)

    def partition() -> dict[str, Any]:
        return {"partitioned_by": ["governorate"], "format": "parquet"}

    return {
        "insaf": 1,
        "synthetic": True,
        "kind": "census",
        "name": {
            "en": f"Demo country census {year} (synthetic data)",
            "ar": f"تعداد البلد التجريبي {year} (بيانات مصطنعة)",
        },
        "description": {
            "en": "Synthetic data for a fictional country, made by INSAF for demonstrations, "
            f"tests and scale runs; not a real census. Made again by: {command}",
            "ar": "بيانات مصطنعة لبلد خيالي أنتجها إنصاف للعرض والاختبار وتجارب الحجم، "
            f"وليست تعداداً حقيقياً. لإعادة إنتاجها: {command}",
        },
        "seed": seed,
        "year": year,
        "rows": dict(rows),
        "tables": {
            "households": {"path": "households", "key": ["hhid"], **partition()},
            "persons": {
                "path": "persons",
                "key": ["pid"],
                "household": "hhid",
                "carried": [spec[0] for spec in CARRIED],
                **partition(),
            },
            "consumption": {
                "path": "consumption",
                "key": ["hhid", "item"],
                "household": "hhid",
                **partition(),
            },
        },
        "design": {"weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"},
        "variables": {
            "households": _variables(HOUSEHOLD),
            "persons": _variables([*PERSON, *CARRIED]),
            "consumption": _variables(ITEM),
        },
        "policy": policy,
    }


def _readme(rows: dict[str, int], *, seed: int, year: int) -> str:
    command = again(rows["households"], seed, year)
    return f"""# Demo country census {year} — SYNTHETIC DATA / بيانات مصطنعة

Synthetic data for a fictional country, made by INSAF (`insaf synth --partitioned`)
for demonstrations, tests and scale runs. It is not a real census and describes no
real person.

بيانات مصطنعة لبلد خيالي أنتجها إنصاف للعرض والاختبار وتجارب الحجم. ليست تعداداً
حقيقياً ولا تصف أي شخص حقيقي.

- households: {rows["households"]:,}
- persons: {rows["persons"]:,}
- consumption rows (household x item): {rows["consumption"]:,}
- seed {seed}, year {year}; made again, row for row, by `{command}`

## Layout

Three tables, each a folder of Parquet files partitioned by governorate
(`governorate=1` ... `governorate=12`); `governorate` is also a column of every file.

- `households/`: one row per household (key `hhid`).
- `persons/`: one row per person (key `pid`, household `hhid`), with its household's
  design and welfare columns: {", ".join(spec[0] for spec in CARRIED)}.
- `consumption/`: one row per household and consumption item (key `hhid`, `item`).

`dataset.yaml` lists the columns with their Arabic and English labels, the design
and the policies in force.

## Design

Every household of every enumeration area (EA) is enumerated: `weight` is 1,
`stratum` is governorate x urban/rural, `psu` the EA, `fpc` the stratum's number
of EAs. With `fpc` the standard errors are zero (a census); without it they treat
the country as a clustered sample of a larger population.

## Use

```python
from insaf.measures import stream
from insaf.survey.design import Design

design = Design(weight="weight", strata="stratum", psu="psu")
stream.gini("persons", "consumption_pc", design=design, by="governorate")
stream.arpr("persons", "consumption_pc", design=design, by="governorate")
```

Other readers: polars (`pl.scan_parquet("persons", hive_partitioning=True)`) reads
the folder key and the column as one; pyarrow needs the key's type, or no
partitioning (the column is in the files):

```python
import pyarrow as pa
import pyarrow.dataset as ds

key = ds.partitioning(pa.schema([("governorate", pa.int64())]), flavor="hive")
persons = ds.dataset("persons", format="parquet", partitioning=key)
```
"""
