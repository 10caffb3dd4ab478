"""Finding the same person twice, and merging only on a reviewer's decision.

Two passes over the person table:

1. **National identifier**: persons whose identifiers are equal once spaces,
   dashes and dots are removed are candidates with score 1.
2. **Name and birth date**: persons born on the same day whose normalised names
   (``insaf.registry.names``) share the first letter of their alphabetically
   first word (a block that does not depend on the order of the names) are compared; a pair
   whose name similarity (the better of the Arabic and the Latin names) reaches
   ``threshold`` is a candidate with that score. A pair with two different
   national identifiers is still listed, with the reason ``national_id_differs``
   (a typing error in an identifier is as common as one in a name).

The result is a ``ReviewQueue``: nothing is merged by the search. ``merge``
takes a pair and the reviewer's name, moves the second person's memberships and
observations to the first, removes the second, and records who decided and
when in the registry's ``merges`` table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from insaf.errors import DataError, said
from insaf.registry.model import Registry
from insaf.registry.names import normalise_arabic

__all__ = ["CandidatePair", "ReviewQueue", "find_duplicates", "merge"]

Method = Literal["national_id", "name_birth_date"]


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two person records that may be one person; ``left < right``."""

    left: int
    right: int
    score: float
    method: Method
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "method": self.method,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ReviewQueue:
    """Candidate pairs, best first, waiting for a reviewer."""

    pairs: tuple[CandidatePair, ...] = field(default_factory=tuple)
    threshold: float = 0.85

    def __len__(self) -> int:
        return len(self.pairs)

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [p.to_dict() for p in self.pairs],
            schema={
                "left": pl.Int64,
                "right": pl.Int64,
                "score": pl.Float64,
                "method": pl.String,
                "reasons": pl.List(pl.String),
            },
        )

    def find(self, left: int, right: int) -> CandidatePair | None:
        a, b = min(left, right), max(left, right)
        return next((p for p in self.pairs if p.left == a and p.right == b), None)


def _clean_id(column: pl.Expr) -> pl.Expr:
    return column.str.replace_all(r"[\s\-\.]", "")


def find_duplicates(registry: Registry, *, threshold: float = 0.85) -> ReviewQueue:
    """Candidate duplicates among the registry's persons (module notes)."""
    if not 0.0 < threshold <= 1.0:
        raise DataError(said("threshold must be in (0, 1], not {threshold}", threshold=threshold))
    persons = registry.persons.with_columns(
        clean_id=_clean_id(pl.col("national_id")),
        norm=pl.col("name").map_elements(normalise_arabic, return_dtype=pl.String),
        norm_latin=pl.col("name_latin").map_elements(normalise_arabic, return_dtype=pl.String),
    )
    found: dict[tuple[int, int], CandidatePair] = {}
    with_id = persons.filter(pl.col("clean_id").is_not_null() & (pl.col("clean_id") != ""))
    same = with_id.join(with_id, on="clean_id", suffix="_r").filter(
        pl.col("person_id") < pl.col("person_id_r")
    )
    for left, right in same.select("person_id", "person_id_r").iter_rows():
        found[(left, right)] = CandidatePair(left, right, 1.0, "national_id")
    blocks = persons.filter(
        pl.col("birth_date").is_not_null() & (pl.col("norm") != "")
    ).with_columns(
        initial=pl.col("norm").str.split(" ").list.eval(pl.element().str.slice(0, 1)).list.min()
    )
    for _, block in blocks.group_by("birth_date", "initial"):
        if block.height < 2:
            continue
        ids = block.get_column("person_id").to_list()
        names = block.get_column("norm").to_list()
        latin = block.get_column("norm_latin").to_list()
        national = block.get_column("clean_id").to_list()
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=1) / 100.0
        if any(latin):
            filled = [x or "" for x in latin]
            latin_scores = process.cdist(filled, filled, scorer=fuzz.token_sort_ratio) / 100.0
            known = np.asarray([bool(x) for x in latin])
            both = np.logical_and.outer(known, known)
            scores = np.where(both, np.maximum(scores, latin_scores), scores)
        rows, cols = np.nonzero(np.triu(scores >= threshold, k=1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            left, right = sorted((int(ids[i]), int(ids[j])))
            if (left, right) in found:
                continue
            reasons = ["same_birth_date"]
            if national[i] and national[j] and national[i] != national[j]:
                reasons.append("national_id_differs")
            found[(left, right)] = CandidatePair(
                left, right, round(float(scores[i, j]), 6), "name_birth_date", tuple(reasons)
            )
    ordered = sorted(found.values(), key=lambda p: (-p.score, p.left, p.right))
    return ReviewQueue(pairs=tuple(ordered), threshold=threshold)


def merge(
    registry: Registry,
    pair: CandidatePair,
    reviewer: str,
    *,
    on: dt.date | None = None,
) -> Registry:
    """Merge ``pair.right`` into ``pair.left`` on ``reviewer``'s decision (module notes).

    The second person's memberships and observations pass to the first (a
    membership the first already has in that household is not repeated); the
    ``merges`` table records both ids, the reviewer, the date, score and method.
    """
    if not reviewer or not reviewer.strip():
        raise DataError(said("a merge needs the reviewer who decided it"))
    ids = set(registry.persons.get_column("person_id").to_list())
    for person in (pair.left, pair.right):
        if person not in ids:
            raise DataError(
                said("person {person} is not in the registry (merged already?)", person=person)
            )

    kept, gone = pair.left, pair.right
    memberships = registry.memberships.with_columns(
        person_id=pl.when(pl.col("person_id") == gone).then(kept).otherwise(pl.col("person_id"))
    ).unique(subset=["person_id", "household_id", "start"], keep="first", maintain_order=True)
    of_gone = (pl.col("unit") == "person") & (pl.col("id") == gone)
    observations = registry.observations.with_columns(
        id=pl.when(of_gone).then(kept).otherwise(pl.col("id"))
    ).unique(
        subset=["unit", "id", "variable", "observed", "source"], keep="first", maintain_order=True
    )
    record = pl.DataFrame(
        {
            "kept": [kept],
            "merged": [gone],
            "reviewer": [reviewer.strip()],
            "decided": [on or dt.date.today()],
            "score": [pair.score],
            "method": [pair.method],
        },
        schema=registry.merges.schema,
    )
    return replace(
        registry,
        persons=registry.persons.filter(pl.col("person_id") != gone),
        memberships=memberships,
        observations=observations,
        merges=pl.concat([registry.merges, record]),
    )
