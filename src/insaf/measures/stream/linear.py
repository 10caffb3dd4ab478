"""Linear measures over a Parquet dataset larger than memory, streamed in batches.

A total, a mean, a ratio and an FGT index with an absolute line are functions
of domain totals, and so are their influence values: for a mean
``R = A / B`` (``A = sum w y``, ``B = sum w``) the PSU total of the
linearized variable is ``(A_i - R B_i) / B``. The PSU totals of ``w y`` and
``w`` by domain are therefore all the variance needs. The files are read one
batch of rows at a time (only the columns used), each batch's sums are added
into a table of (stratum, PSU, domain) cells (``_cells``), and at the end
those cells go to the same variance code as the in-memory path
(``insaf.measures.variance``). Memory is bounded by one batch plus the cell
table (PSUs x domains x statistics), whatever the number of rows.

With replicate weights, each statistic's totals are summed by domain with the
design's weight and with each replicate weight (domains x statistics x
replicates cells); the replicate estimates and their variance are those of
the in-memory path (``replicate_variance``, R's ``svrVar``).

A design whose units are their own PSUs (no ``psu``) would make that table as
large as the data; there each stratum keeps, per domain, the sums and the
cross-products of the per-unit values instead, which give the same
with-replacement variance (``sum (t - tbar)^2 = sum t^2 - n tbar^2``).

Results equal ``insaf.measures.total/mean/ratio/fgt`` on the same rows read
into memory (tests/measures/test_stream.py) and are ``Estimates``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.measures._kept import supplied_spec
from insaf.measures.estimate import Basis, Estimate, Estimates, LinearBasis, ReplicateBasis
from insaf.measures.stream import _cells as table
from insaf.measures.stream._files import parquet_files
from insaf.measures.stream.statistic import Linear
from insaf.measures.variance import FloatArray, linearized_variance, replicate_variance
from insaf.survey.design import Design

__all__ = ["BATCH_ROWS", "estimate", "from_cells"]

BATCH_ROWS = 500_000
"""Rows read at a time from a file (the memory bound, with the cell table)."""


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

    The design is one-stage (weight, strata, PSU, fpc, single-PSU rule) or has
    replicate weights (each statistic again with each, by domain; the variance
    as in memory); calibration and a second stage are refused by name. Domains
    are estimated as in memory: the design is kept whole.
    """
    table.check_streamable(design, replicates=True)
    if not statistics:
        raise DataError(said("no statistic to estimate"))
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    plan = table.Plan(design, by_cols, tuple(statistics))
    return from_cells(plan, table.sum_cells(parquet_files(source), plan, batch_rows))


def from_cells(plan: table.Plan, cells: pl.DataFrame) -> Estimates:
    """The estimates from a cell table, however it was summed (batch by batch
    here; by another engine, with the same columns: ``_cells.Plan.sums``)."""
    found = table.domains(cells, plan.by)
    codes = found.of(cells)
    if plan.replicates:
        return _replicated(plan, cells, codes, found.labels)
    if plan.clustered:
        return _clustered(plan, cells, codes, found.labels)
    return _unclustered(plan, cells, codes, found.labels)


def _point(
    cells: pl.DataFrame, codes: np.ndarray, n_dom: int, j: int, suffix: str = ""
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per domain: numerator, denominator total, and the statistic's value (with the
    weight of ``suffix``: ``_cells.Plan.weights``)."""
    a = np.bincount(codes, weights=table.column(cells, f"__a{j}{suffix}"), minlength=n_dom).astype(
        np.float64
    )
    b = np.bincount(codes, weights=table.column(cells, f"__b{j}{suffix}"), minlength=n_dom).astype(
        np.float64
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = a / b
    return a, b, value


def _estimates(
    plan: table.Plan,
    cells: pl.DataFrame,
    codes: np.ndarray,
    domains: list[dict[str, object]],
    variances: FloatArray,
    bases: Sequence[Sequence[Basis | None]],
    method: str = "linearization",
) -> Estimates:
    n_dom = len(domains)
    n = np.bincount(codes, weights=table.column(cells, "__n"), minlength=n_dom)
    population = np.bincount(codes, weights=table.column(cells, table.W), minlength=n_dom)
    points = [_point(cells, codes, n_dom, j) for j in range(len(plan.statistics))]
    out = []
    for d, domain in enumerate(domains):
        for j, stat in enumerate(plan.statistics):
            a, _, value = points[j]
            out.append(
                Estimate(
                    measure=stat.name,
                    value=float(value[d] if stat.divided else a[d]),
                    se=float(np.sqrt(max(variances[j, d], 0.0))),
                    n=int(n[d]),
                    population=float(population[d]),
                    domain=domain or None,
                    variable=stat.variable,
                    method=method,
                    basis=bases[j][d],
                )
            )
    return Estimates(out, by=plan.by)


def _influence(
    a_cell: FloatArray, b_cell: FloatArray, stat: Linear, value: float, b: float
) -> FloatArray:
    """The cells' totals of w z: ``a`` for a total, ``(a - R b) / B`` otherwise."""
    if not stat.divided:
        return a_cell
    return (a_cell - value * b_cell) / b


def _clustered(
    plan: table.Plan, cells: pl.DataFrame, codes: np.ndarray, domains: list[dict[str, object]]
) -> Estimates:
    """PSU totals by domain, then the in-memory variance code."""
    arrays, lookup = table.psu_design(plan, cells)
    psu_code = table.coded(cells, plan.psu_keys, lookup)
    n_dom, n_stat = len(domains), len(plan.statistics)
    totals = np.zeros((arrays.n_totals, n_stat, n_dom))
    for j, stat in enumerate(plan.statistics):
        _, b, value = _point(cells, codes, n_dom, j)
        a_cell, b_cell = table.column(cells, f"__a{j}"), table.column(cells, f"__b{j}")
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


def _replicated(
    plan: table.Plan, cells: pl.DataFrame, codes: np.ndarray, domains: list[dict[str, object]]
) -> Estimates:
    """Each statistic again with each replicate weight, from its totals by domain, and
    the variance of those replicate estimates as in memory (R ``svrVar``: the
    method's scale, ``rscales``, ``mse``)."""
    given = plan.design.replicates
    assert given is not None
    spec = supplied_spec(given)
    key = "stream|" + ",".join(given.columns)
    n_dom, n_stat, n_rep = len(domains), len(plan.statistics), len(plan.replicates)
    values = np.empty((n_stat, n_dom))
    thetas = np.empty((n_rep, n_stat, n_dom))
    for j, stat in enumerate(plan.statistics):
        a, _, value = _point(cells, codes, n_dom, j)
        values[j] = value if stat.divided else a
        for r in range(n_rep):
            a_r, _, value_r = _point(cells, codes, n_dom, j, f"_{r}")
            thetas[r, j] = value_r if stat.divided else a_r
    variances = replicate_variance(thetas.reshape(n_rep, -1), values.reshape(-1), spec)
    bases = [
        [ReplicateBasis(thetas=thetas[:, j, d].copy(), spec=spec, key=key) for d in range(n_dom)]
        for j in range(n_stat)
    ]
    return _estimates(
        plan, cells, codes, domains, variances.reshape(n_stat, n_dom), bases, "replicates"
    )


def _unclustered(
    plan: table.Plan, cells: pl.DataFrame, codes: np.ndarray, domains: list[dict[str, object]]
) -> Estimates:
    """Units as PSUs: per stratum and domain, sums and cross-products of unit values.

    For a linear combination ``t_k = a_k - R b_k`` (scaled) of a unit's values,
    ``sum_k t_k^2 = S_aa - 2R S_ab + R^2 S_bb`` and ``sum_k t_k = S_a - R S_b``;
    units outside the domain count in ``n_h`` with ``t_k = 0``, as in memory.
    """
    units = table.strata(plan, cells)
    stratum = units.of(cells)
    n_dom, n_stat = len(domains), len(plan.statistics)
    variances = np.zeros((n_stat, n_dom))
    for j, stat in enumerate(plan.statistics):
        _, b, value = _point(cells, codes, n_dom, j)
        aa, ab, bb = (table.column(cells, f"__{xy}{j}") for xy in ("aa", "ab", "bb"))
        a_cell, b_cell = table.column(cells, f"__a{j}"), table.column(cells, f"__b{j}")
        for d in range(n_dom):
            r = float(value[d]) if stat.divided else 0.0
            div = float(b[d]) if stat.divided else 1.0
            inside = codes == d
            h = stratum[inside]
            square = (aa[inside] - 2 * r * ab[inside] + r * r * bb[inside]) / div**2
            first = (a_cell[inside] - r * b_cell[inside]) / div
            variances[j, d] = units.variance(
                np.bincount(h, weights=square, minlength=units.size),
                np.bincount(h, weights=first, minlength=units.size),
            )
    no_basis: list[list[LinearBasis | None]] = [[None] * n_dom for _ in range(n_stat)]
    return _estimates(plan, cells, codes, domains, variances, no_basis)
