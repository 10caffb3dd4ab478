"""Linear measures over a Parquet dataset larger than memory, streamed in batches.

A total, a mean, a ratio and an FGT index with an absolute line are functions
of domain totals, and so are their influence values: for a mean
``R = A / B`` (``A = sum w y``, ``B = sum w``) the PSU total of the
linearized variable is ``(A_i - R B_i) / B``. The PSU totals of ``w y`` and
``w`` by domain are therefore all the variance needs. This module reads the
files one batch of rows at a time (only the columns used), adds each batch's
sums into a table of (stratum, PSU, domain) cells, and at the end gives those
cells to the same variance code as the in-memory path
(``insaf.measures.variance``). Memory is bounded by one batch plus the cell
table (PSUs x domains x statistics), whatever the number of rows.

A design whose units are their own PSUs (no ``psu``) would make that table as
large as the data; there each stratum keeps, per domain, the sums and the
cross-products of the per-unit values instead, which give the same
with-replacement variance (``sum (t - tbar)^2 = sum t^2 - n tbar^2``).

Results equal ``insaf.measures.total/mean/ratio/fgt`` on the same rows read
into memory (tests/measures/test_stream.py) and are ``Estimates``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from insaf.errors import DataError, DesignError, Location
from insaf.measures.estimate import Estimate, Estimates, LinearBasis
from insaf.measures.variance import DesignArrays, FloatArray, _fpc_factor, linearized_variance
from insaf.survey.design import Design, LonelyPSU

__all__ = ["Linear", "estimate", "parquet_files"]

BATCH_ROWS = 500_000
"""Rows read at a time from a file (the memory bound, with the cell table)."""

_W = "__w"


@dataclass(frozen=True, kw_only=True)
class Linear:
    """A statistic linear in domain totals.

    ``measure`` is ``total``, ``mean``, ``ratio`` (of ``variable`` to
    ``denominator``) or ``fgt`` (``alpha``, an absolute ``line``: a number or
    a column, poor when ``variable`` is ``below`` it), as the in-memory
    functions of ``insaf.measures`` with the same names define them.
    """

    measure: Literal["total", "mean", "ratio", "fgt"]
    variable: str
    denominator: str | None = None
    line: float | str | None = None
    alpha: float = 0.0
    below: Literal["<", "<="] = "<"

    def __post_init__(self) -> None:
        if (self.measure == "ratio") != (self.denominator is not None):
            raise DataError("a ratio, and only a ratio, names a denominator")
        if (self.measure == "fgt") != (self.line is not None):
            raise DataError("an fgt, and only an fgt, has a line (a number or a column)")
        if self.alpha < 0:
            raise DataError(f"fgt: alpha must be >= 0, not {self.alpha}")

    @property
    def name(self) -> str:
        """The measure's name in results, as in memory (``fgt0``, ``fgt1``...)."""
        return f"fgt{self.alpha:g}" if self.measure == "fgt" else self.measure

    @property
    def columns(self) -> tuple[str, ...]:
        line = (self.line,) if isinstance(self.line, str) else ()
        denominator = (self.denominator,) if self.denominator else ()
        return (self.variable, *denominator, *line)

    def numerator(self, w: pl.Expr) -> pl.Expr:
        """The per-unit value whose weighted total is the numerator."""
        y = pl.col(self.variable)
        if self.measure != "fgt":
            return w * y
        t = pl.col(self.line) if isinstance(self.line, str) else pl.lit(float(self.line or 0.0))
        poor = (y < t) if self.below == "<" else (y <= t)
        gap = pl.lit(1.0) if self.alpha == 0 else ((t - y) / t).pow(self.alpha)
        return w * pl.when(poor).then(gap).otherwise(0.0)

    def denominator_of(self, w: pl.Expr) -> pl.Expr | None:
        """The per-unit value whose weighted total divides (``None`` for a total)."""
        if self.measure == "total":
            return None
        if self.measure == "ratio":
            return w * pl.col(self.denominator or "")
        return w


def parquet_files(source: str | Path | Sequence[str | Path]) -> list[Path]:
    """The Parquet files of ``source``: a file, a folder (searched recursively, as a
    partitioned dataset), or a list of files; an error names what is not there."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
            if not files:
                raise DataError("no .parquet file in this folder", Location(file=str(path)))
            return files
        sources: Sequence[str | Path] = [path]
    else:
        sources = source
    files = [Path(p) for p in sources]
    for f in files:
        if not f.is_file():
            raise DataError("no such file", Location(file=str(f)))
    return files


def _batches(path: Path, columns: list[str], rows: int) -> Iterator[pl.DataFrame]:
    """The file's ``columns``, ``rows`` at a time; a broken file or a missing column
    is a ``DataError`` naming the file."""
    where = Location(file=str(path))
    try:
        handle = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a readable Parquet file: {exc}", where) from None
    names = set(handle.schema_arrow.names)
    for c in columns:
        if c not in names:
            raise DataError(f"column {c!r} is not in this file", Location(file=str(path), column=c))
    try:
        for batch in handle.iter_batches(batch_size=rows, columns=columns):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"Parquet file is damaged: {exc}", where) from None


def _checked(frame: pl.DataFrame, path: Path, first_row: int, numeric: Sequence[str]) -> None:
    """Missing or non-finite values are errors that name the file, row and column."""
    for c in frame.columns:
        series = frame.get_column(c)
        bad = series.is_null()
        if c in numeric:
            if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
                raise DataError(
                    f"column {c!r} is not numeric ({series.dtype})",
                    Location(file=str(path), column=c),
                )
            if series.dtype.is_float():
                bad = bad | ~series.is_finite().fill_null(False)
        count = int(bad.sum())
        if count:
            row = first_row + int(bad.arg_true()[0]) + 1
            raise DataError(
                f"column {c!r} has {count} missing or non-finite value(s) in this batch, the "
                "first shown; INSAF does not drop them silently: filter or impute them first",
                Location(file=str(path), row=row, column=c),
            )


@dataclass(frozen=True)
class _Plan:
    """What to sum: the design keys, the domain keys and the value columns."""

    design: Design
    by: tuple[str, ...]
    statistics: tuple[Linear, ...]

    @property
    def clustered(self) -> bool:
        return self.design.psu is not None

    @property
    def strata(self) -> list[str]:
        return [self.design.strata] if self.design.strata else []

    @property
    def keys(self) -> list[str]:
        psu = [self.design.psu] if self.design.psu else []
        return [*self.strata, *psu, *self.by]

    @property
    def numeric(self) -> list[str]:
        fpc = [self.design.fpc] if self.design.fpc else []
        cols = [c for s in self.statistics for c in s.columns]
        return list(dict.fromkeys([self.design.weight, *fpc, *cols]))

    @property
    def read(self) -> list[str]:
        return list(dict.fromkeys([*self.keys, *self.numeric]))

    def values(self) -> list[pl.Expr]:
        """``__w``, then ``__a{j}`` and ``__b{j}`` for each statistic j."""
        w = pl.col(self.design.weight).cast(pl.Float64)
        out = [w.alias(_W)]
        for j, s in enumerate(self.statistics):
            out.append(s.numerator(w).alias(f"__a{j}"))
            b = s.denominator_of(w)
            out.append((b if b is not None else pl.lit(0.0)).alias(f"__b{j}"))
        return out

    @property
    def value_names(self) -> list[str]:
        return [_W, *(f"__{x}{j}" for j in range(len(self.statistics)) for x in "ab")]

    def sums(self, frame: pl.DataFrame) -> pl.DataFrame:
        """One batch's sums by cell (and, unclustered, its cross-products)."""
        values = frame.with_columns(self.values())
        names = self.value_names
        aggs = [pl.len().alias("__n"), *(pl.col(c).sum() for c in names)]
        if self.design.fpc:
            fpc = pl.col(self.design.fpc).cast(pl.Float64)
            aggs += [fpc.min().alias("__fpc_lo"), fpc.max().alias("__fpc_hi")]
        if not self.clustered:
            aggs += [
                (pl.col(f"__{x}{j}") * pl.col(f"__{y}{j}")).sum().alias(f"__{x}{y}{j}")
                for j in range(len(self.statistics))
                for x, y in ("aa", "ab", "bb")
            ]
        keys: list[str | pl.Expr] = [*self.keys] or [pl.lit(0).alias("__all")]
        return values.group_by(keys).agg(aggs)

    def merged(self, parts: list[pl.DataFrame]) -> pl.DataFrame:
        """Cells of several batches added together."""
        frame = pl.concat(parts, how="vertical_relaxed")
        keys = self.keys or ["__all"]
        aggs = [
            pl.col(c).min()
            if c == "__fpc_lo"
            else pl.col(c).max()
            if c == "__fpc_hi"
            else pl.col(c).sum()
            for c in frame.columns
            if c not in keys
        ]
        return frame.group_by(keys).agg(aggs)


def _cells(files: Sequence[Path], plan: _Plan, rows: int) -> pl.DataFrame:
    parts: list[pl.DataFrame] = []
    for path in files:
        first = 0
        for frame in _batches(path, plan.read, rows):
            _checked(frame, path, first, plan.numeric)
            parts.append(plan.sums(frame))
            first += frame.height
            if len(parts) >= 16:
                parts = [plan.merged(parts)]
    if not parts:
        raise DataError("the dataset has no rows", Location(file=str(files[0])))
    return plan.merged(parts)


def _domains(cells: pl.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Each cell's domain code, and the domains in sorted order (as in memory)."""
    if not by:
        return np.zeros(cells.height, dtype=np.int64), [{}]
    uniq = cells.select(list(by)).unique().sort(list(by))
    codes = (
        cells.select(list(by))
        .join(uniq.with_row_index("__d"), on=list(by), how="left", maintain_order="left")
        .get_column("__d")
        .to_numpy()
        .astype(np.int64)
    )
    return codes, list(uniq.iter_rows(named=True))


def _fpc(cells: pl.DataFrame, group: np.ndarray, n: int, stratum_of: Sequence[str]) -> FloatArray:
    """The fpc of each of ``n`` groups (PSUs or strata) of the cells; an error names
    the stratum where it varies."""
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(low, group, _column(cells, "__fpc_lo"))
    np.maximum.at(high, group, _column(cells, "__fpc_hi"))
    varies = low != high
    if np.any(varies):
        raise DesignError(f"fpc varies within stratum {stratum_of[int(np.argmax(varies))]!r}")
    return low


def estimate(
    source: str | Path | Sequence[str | Path],
    statistics: Sequence[Linear],
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Estimates:
    """Each statistic in each domain of ``by``, with its linearized standard error,
    from the Parquet files of ``source`` read ``batch_rows`` at a time.

    The design is one-stage (weight, strata, PSU, fpc, single-PSU rule);
    replicate weights, calibration and a second stage are refused by name.
    Domains are estimated as in memory: the design is kept whole.
    """
    for name, given in (
        ("replicate weights", design.replicates),
        ("calibration", design.calibration),
        ("a second stage (ssu)", design.ssu),
    ):
        if given:
            raise DesignError(f"the streamed engine does not handle {name} yet; use memory")
    if not statistics:
        raise DataError("no statistic to estimate")
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    plan = _Plan(design, by_cols, tuple(statistics))
    cells = _cells(parquet_files(source), plan, batch_rows)
    codes, domains = _domains(cells, by_cols)
    if plan.clustered:
        return _clustered(plan, cells, codes, domains)
    return _unclustered(plan, cells, codes, domains)


def _column(cells: pl.DataFrame, name: str) -> FloatArray:
    return cells.get_column(name).cast(pl.Float64).to_numpy()


def _point(
    cells: pl.DataFrame, codes: np.ndarray, n_dom: int, j: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per domain: numerator, denominator total, and the statistic's value."""
    a = np.bincount(codes, weights=_column(cells, f"__a{j}"), minlength=n_dom).astype(np.float64)
    b = np.bincount(codes, weights=_column(cells, f"__b{j}"), minlength=n_dom).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = a / b
    return a, b, value


def _estimates(
    plan: _Plan,
    cells: pl.DataFrame,
    codes: np.ndarray,
    domains: list[dict[str, object]],
    variances: FloatArray,
    bases: list[list[LinearBasis | None]],
) -> Estimates:
    n_dom = len(domains)
    n = np.bincount(codes, weights=_column(cells, "__n"), minlength=n_dom)
    population = np.bincount(codes, weights=_column(cells, _W), minlength=n_dom)
    points = [_point(cells, codes, n_dom, j) for j in range(len(plan.statistics))]
    out = []
    for d, domain in enumerate(domains):
        for j, stat in enumerate(plan.statistics):
            a, _, value = points[j]
            out.append(
                Estimate(
                    measure=stat.name,
                    value=float(a[d] if stat.measure == "total" else value[d]),
                    se=float(np.sqrt(max(variances[j, d], 0.0))),
                    n=int(n[d]),
                    population=float(population[d]),
                    domain=domain or None,
                    variable=stat.variable,
                    basis=bases[j][d],
                )
            )
    return Estimates(out, by=plan.by)


def _influence(
    a_cell: FloatArray, b_cell: FloatArray, stat: Linear, value: float, b: float
) -> FloatArray:
    """The cells' totals of w z: ``a`` for a total, ``(a - R b) / B`` otherwise."""
    if stat.measure == "total":
        return a_cell
    return (a_cell - value * b_cell) / b


def _clustered(
    plan: _Plan, cells: pl.DataFrame, codes: np.ndarray, domains: list[dict[str, object]]
) -> Estimates:
    """PSU totals by domain, then the in-memory variance code."""
    design = plan.design
    psu_keys = [*plan.strata, design.psu or ""]
    psus = cells.select(psu_keys).unique().sort(psu_keys)
    position = (
        cells.select(psu_keys)
        .join(psus.with_row_index("__p"), on=psu_keys, how="left", maintain_order="left")
        .get_column("__p")
        .to_numpy()
        .astype(np.int64)
    )
    fpc = None
    if design.fpc:
        names = [str(x) for x in psus.get_column(psu_keys[0]).to_list()]
        fpc = _fpc(cells, position, psus.height, names)
    arrays = DesignArrays.build(
        n=psus.height,
        strata=psus.get_column(plan.strata[0]).to_numpy() if plan.strata else None,
        psu=psus.get_column(psu_keys[-1]).to_numpy(),
        fpc=fpc,
        lonely=design.lonely_psu,
    )
    psu_code = arrays.psu[position]
    n_dom, n_stat = len(domains), len(plan.statistics)
    totals = np.zeros((arrays.n_totals, n_stat, n_dom))
    for j, stat in enumerate(plan.statistics):
        _, b, value = _point(cells, codes, n_dom, j)
        a_cell, b_cell = _column(cells, f"__a{j}"), _column(cells, f"__b{j}")
        for d in range(n_dom):
            inside = codes == d
            z = _influence(a_cell[inside], b_cell[inside], stat, value[d], b[d])
            totals[:, j, d] = np.bincount(psu_code[inside], weights=z, minlength=arrays.n_totals)
    variances = linearized_variance(totals.reshape(arrays.n_totals, -1), arrays)
    bases: list[list[LinearBasis | None]] = [
        [LinearBasis(totals=totals[:, j, d].copy(), design=arrays) for d in range(n_dom)]
        for j in range(n_stat)
    ]
    return _estimates(plan, cells, codes, domains, variances.reshape(n_stat, n_dom), bases)


def _unclustered(
    plan: _Plan, cells: pl.DataFrame, codes: np.ndarray, domains: list[dict[str, object]]
) -> Estimates:
    """Units as PSUs: per stratum and domain, sums and cross-products of unit values.

    For a linear combination ``t_k = a_k - R b_k`` (scaled) of a unit's values,
    ``sum_k t_k^2 = S_aa - 2R S_ab + R^2 S_bb`` and ``sum_k t_k = S_a - R S_b``;
    units outside the domain count in ``n_h`` with ``t_k = 0``, as in memory.
    """
    design = plan.design
    strata = plan.strata
    if strata:
        labels_frame = cells.select(strata).unique().sort(strata)
        stratum = (
            cells.select(strata)
            .join(labels_frame.with_row_index("__h"), on=strata, how="left", maintain_order="left")
            .get_column("__h")
            .to_numpy()
            .astype(np.int64)
        )
        labels = tuple(str(x) for x in labels_frame.get_column(strata[0]).to_list())
    else:
        stratum = np.zeros(cells.height, dtype=np.int64)
        labels = ("(all)",)
    n_strata = len(labels)
    n_h = np.bincount(stratum, weights=_column(cells, "__n"), minlength=n_strata).astype(np.int64)
    factor = np.ones(n_strata)
    if design.fpc:
        value_h = _fpc(cells, stratum, n_strata, labels)
        factor = _fpc_factor(value_h, np.arange(n_strata), n_h, labels)
    scale, multiplier, adjust = _scales(n_h, factor, design.lonely_psu, labels)
    n_dom, n_stat = len(domains), len(plan.statistics)
    variances = np.zeros((n_stat, n_dom))
    for j, stat in enumerate(plan.statistics):
        _, b, value = _point(cells, codes, n_dom, j)
        aa, ab, bb = (_column(cells, f"__{xy}{j}") for xy in ("aa", "ab", "bb"))
        a_cell, b_cell = _column(cells, f"__a{j}"), _column(cells, f"__b{j}")
        for d in range(n_dom):
            r = 0.0 if stat.measure == "total" else float(value[d])
            div = 1.0 if stat.measure == "total" else float(b[d])
            inside = codes == d
            h = stratum[inside]
            square = (aa[inside] - 2 * r * ab[inside] + r * r * bb[inside]) / div**2
            first = (a_cell[inside] - r * b_cell[inside]) / div
            sq = np.bincount(h, weights=square, minlength=n_strata)
            s = np.bincount(h, weights=first, minlength=n_strata)
            with np.errstate(divide="ignore", invalid="ignore"):
                centred = np.where(adjust, sq, sq - s * s / np.maximum(n_h, 1))
            variances[j, d] = float(np.sum(scale * centred)) * multiplier
    no_basis: list[list[LinearBasis | None]] = [[None] * n_dom for _ in range(n_stat)]
    return _estimates(plan, cells, codes, domains, variances, no_basis)


def _scales(
    n_h: np.ndarray, factor: FloatArray, rule: LonelyPSU, labels: Sequence[str]
) -> tuple[FloatArray, float, np.ndarray]:
    """Per stratum: the variance scale, the 'average' multiplier, and which strata are
    taken uncentred (single-unit strata under 'adjust'), as ``variance._centred``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_h > 1, factor * n_h / (n_h - 1), factor)
    certain = factor < 1e-7
    scale = np.where(certain, 0.0, scale)
    lonely = (n_h == 1) & ~certain
    multiplier = 1.0
    adjust = np.zeros(n_h.shape, dtype=bool)
    if np.any(lonely):
        if rule is LonelyPSU.FAIL:
            h = int(np.argmax(lonely))
            raise DesignError(
                f"stratum {labels[h]!r} has only one PSU; choose a rule for "
                "single-PSU strata (lonely_psu: remove, adjust, average or certainty)"
            )
        if rule is LonelyPSU.ADJUST:
            adjust = lonely
        else:
            scale = np.where(lonely, 0.0, scale)
            if rule is LonelyPSU.AVERAGE:
                ok = n_h.size - int(lonely.sum())
                if ok == 0:
                    raise DesignError("every stratum has a single PSU: no variance to average")
                multiplier = n_h.size / ok
    return scale, multiplier, adjust
