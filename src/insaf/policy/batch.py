"""Several nonlinear statistics of one variable from one sort.

An impact needs, for each welfare variable, FGT 0/1/2 on every line, the Gini,
the Palma and S80/S20, and the concentration coefficient of every instrument
ranked by market income. The public ``insaf.measures`` functions compute one
statistic per call, and each call checks, codes the design and sorts the data
again (about 0.3 s at a million households). This adapter uses the same
pieces of ``insaf.measures`` (``prepare``, ``run`` and the kernels of
``poverty`` and ``inequality``) to compute all the statistics of one variable
from a single prepared sample: the numbers, standard errors and influence
values are the ones the public functions give (``tests/policy/test_batch.py``
checks that they are equal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from insaf.errors import DataError
from insaf.measures import Estimate
from insaf.measures._engine import Cols, Kernel, Statistic, run
from insaf.measures._sample import prepare
from insaf.measures.inequality import _concentration_kernel, _gini_kernel, _share_ratio_kernel
from insaf.measures.poverty import _fgt_kernel
from insaf.measures.variance import FloatArray
from insaf.survey import Survey

__all__ = ["concentrations", "welfare_statistics"]

KernelOut = tuple[float, FloatArray | None, float]


def _fgt(alpha: int, below: str, line_role: str | None, fixed: float) -> Kernel:
    inner = _fgt_kernel(float(alpha), below, False).kernel  # type: ignore[arg-type]

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        if line_role is None:
            return inner({"y": cols["y"]}, w, fixed, influence)
        return inner({"y": cols["y"], "line": cols[line_role]}, w, t, influence)

    return kernel


def welfare_statistics(
    survey: Survey,
    column: str,
    *,
    lines: Mapping[str, float | str],
    below: str = "<",
    gini: str = "osier",
    rule: str = "convey",
    which: Sequence[str] = ("fgt", "gini", "palma", "qsr"),
    options: Mapping[str, Any],
) -> dict[tuple[str, ...], Estimate]:
    """FGT 0/1/2 on each line, Gini, Palma and S80/S20 of ``column`` (those in ``which``).

    Keys: ``("fgt", line name, "0")`` ..., ``("gini",)``, ``("palma",)``, ``("qsr",)``.
    """
    if "fgt" not in which:
        lines = {}
    variables = {"y": column}
    for i, line in enumerate(lines.values()):
        if isinstance(line, str):
            variables[f"line{i}"] = line
    sample = prepare(survey, variables, by=None, sort="y", **options)
    for role in variables:
        if role.startswith("line") and np.any(sample.cols[role] <= 0):
            raise DataError(f"poverty line column {variables[role]!r} has non-positive values")
    stats: list[Statistic] = []
    keys: list[tuple[str, ...]] = []
    for i, (name, line) in enumerate(lines.items()):
        line_role = f"line{i}" if isinstance(line, str) else None
        fixed = float("nan") if isinstance(line, str) else float(line)
        for alpha in (0, 1, 2):
            stats.append(
                Statistic(
                    name=f"fgt{alpha}", kernel=_fgt(alpha, below, line_role, fixed), variable=column
                )
            )
            keys.append(("fgt", name, str(alpha)))
    if "gini" in which:
        stats.append(Statistic(name="gini", kernel=_gini_kernel(gini), variable=column))  # type: ignore[arg-type]
        keys.append(("gini",))
    for name, (low, high) in (("palma", (0.4, 0.9)), ("qsr", (0.2, 0.8))):
        if name in which:
            share = _share_ratio_kernel(low, high, rule)  # type: ignore[arg-type]
            stats.append(Statistic(name=name, kernel=share, variable=column))
            keys.append((name,))
    estimates = run(sample, stats)
    return dict(zip(keys, estimates, strict=True))


def _concentration(role: str) -> Kernel:
    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return _concentration_kernel({"y": cols[role], "x": cols["x"]}, w, t, influence)

    return kernel


def concentrations(
    survey: Survey, columns: Sequence[str], *, rank_by: str, options: Mapping[str, Any]
) -> dict[str, Estimate]:
    """The concentration coefficient of each column, all ranked by ``rank_by``."""
    if not columns:
        return {}
    variables = {"x": rank_by, **{f"y{j}": c for j, c in enumerate(columns)}}
    sample = prepare(survey, variables, by=None, sort="x", **options)
    stats = [
        Statistic(name="concentration", kernel=_concentration(f"y{j}"), variable=f"{c}|{rank_by}")
        for j, c in enumerate(columns)
    ]
    return dict(zip(columns, run(sample, stats), strict=True))
