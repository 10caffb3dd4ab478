"""Many nonlinear statistics of many variables from one prepared sample.

An impact needs, for the baseline welfare and each reform's, FGT 0/1/2 on
every line, the Gini, the Palma and S80/S20; the Gini of every CEQ income
concept; the concentration coefficient of every instrument ranked by market
income. The public ``insaf.measures`` functions compute one statistic per
call, and each call checks the data, codes the design and sorts again (about
0.3 s at a million households). This adapter uses the same pieces of
``insaf.measures`` (``prepare``, ``run`` and the kernels of ``poverty`` and
``inequality``) on one prepared sample holding every variable: each kernel
gets its variable's rows in sorted order (one ``argsort`` per variable, shared
by its statistics) and its influence values are put back in the sample's
order. The numbers, standard errors and influence values are the ones the
public functions give (``tests/policy/test_batch.py`` checks they are equal),
for linearization and for replicate weights alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

__all__ = ["Request", "compute", "concentrations", "welfare_statistics"]

KernelOut = tuple[float, FloatArray | None, float]


@dataclass(frozen=True)
class Request:
    """Statistics of one variable: ``fgt`` (0/1/2 on each line), ``gini``, ``palma``,
    ``qsr``; or, with ``rank_by``, its concentration coefficient."""

    column: str
    which: tuple[str, ...] = ("fgt", "gini", "palma", "qsr")
    rank_by: str | None = None


class _Orders:
    """One stable ``argsort`` per array, and one sorted copy of each array per order,
    shared by every kernel that needs them (arrays are known by identity and kept
    alive here, so an identity is never reused)."""

    def __init__(self) -> None:
        self._orders: dict[int, tuple[FloatArray, np.ndarray[Any, Any]]] = {}
        self._copies: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = {}

    def __call__(self, values: FloatArray) -> np.ndarray[Any, Any]:
        found = self._orders.get(id(values))
        if found is None or found[0] is not values:
            found = (values, np.argsort(values, kind="stable"))
            self._orders[id(values)] = found
        return found[1]

    def take(self, values: FloatArray, by: FloatArray) -> FloatArray:
        """``values`` in the order that sorts ``by``."""
        key = (id(values), id(by))
        found = self._copies.get(key)
        if found is None or found[0] is not values:
            found = (values, values[self(by)])
            self._copies[key] = found
        return found[1]


def _sorted(inner: Kernel, sort_role: str, roles: Mapping[str, str], orders: _Orders) -> Kernel:
    """``inner`` over rows sorted by ``cols[sort_role]``; ``roles`` maps its names to ours."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        by = cols[sort_role]
        order = orders(by)
        sub = {name: orders.take(cols[role], by) for name, role in roles.items()}
        value, z, slope = inner(sub, orders.take(w, by), t, influence)
        if z is None:
            return value, None, slope
        back = np.empty_like(z)
        back[order] = z
        return value, back, slope

    return kernel


def _fixed_line(inner: Kernel, line: float) -> Kernel:
    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return inner(cols, w, line, influence)

    return kernel


def compute(
    survey: Survey,
    requests: Sequence[Request],
    *,
    lines: Mapping[str, float | str],
    below: str = "<",
    gini: str = "osier",
    rule: str = "convey",
    options: Mapping[str, Any],
) -> dict[tuple[str, ...], Estimate]:
    """Every requested statistic, keyed ``(column, "fgt", line, "0")``, ``(column, "gini")``,
    ``(column, "concentration")`` ..."""
    if not requests:
        return {}
    variables: dict[str, str] = {}

    def role(column: str) -> str:
        for r, c in variables.items():
            if c == column:
                return r
        name = f"v{len(variables)}"
        variables[name] = column
        return name

    line_roles = {name: role(line) for name, line in lines.items() if isinstance(line, str)}
    orders = _Orders()
    stats: list[Statistic] = []
    keys: list[tuple[str, ...]] = []

    def add(key: tuple[str, ...], name: str, kernel: Kernel, variable: str) -> None:
        stats.append(Statistic(name=name, kernel=kernel, variable=variable))
        keys.append(key)

    for request in requests:
        y = role(request.column)
        if request.rank_by is not None:
            x = role(request.rank_by)
            conc = _sorted(_concentration_kernel, x, {"y": y, "x": x}, orders)
            add(
                (request.column, "concentration"),
                "concentration",
                conc,
                f"{request.column}|{request.rank_by}",
            )
            continue
        if "fgt" in request.which:
            for name, line in lines.items():
                for alpha in (0, 1, 2):
                    inner = _fgt_kernel(float(alpha), below, False).kernel  # type: ignore[arg-type]
                    if isinstance(line, str):
                        k = _sorted(inner, y, {"y": y, "line": line_roles[name]}, orders)
                    else:
                        k = _sorted(_fixed_line(inner, float(line)), y, {"y": y}, orders)
                    add((request.column, "fgt", name, str(alpha)), f"fgt{alpha}", k, request.column)
        if "gini" in request.which:
            k = _sorted(_gini_kernel(gini), y, {"y": y}, orders)  # type: ignore[arg-type]
            add((request.column, "gini"), "gini", k, request.column)
        for name, (low, high) in (("palma", (0.4, 0.9)), ("qsr", (0.2, 0.8))):
            if name in request.which:
                share = _share_ratio_kernel(low, high, rule)  # type: ignore[arg-type]
                add(
                    (request.column, name),
                    name,
                    _sorted(share, y, {"y": y}, orders),
                    request.column,
                )
    sample = prepare(survey, variables, by=None, sort=None, **options)
    for name, r in line_roles.items():
        if np.any(sample.cols[r] <= 0):
            raise DataError(f"poverty line column {lines[name]!r} has non-positive values")
    return dict(zip(keys, run(sample, stats), strict=True))


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
    """FGT 0/1/2 on each line, Gini, Palma and S80/S20 of one column (keys without it)."""
    found = compute(
        survey,
        [Request(column, tuple(which))],
        lines=lines,
        below=below,
        gini=gini,
        rule=rule,
        options=options,
    )
    return {key[1:]: value for key, value in found.items()}


def concentrations(
    survey: Survey, columns: Sequence[str], *, rank_by: str, options: Mapping[str, Any]
) -> dict[str, Estimate]:
    """The concentration coefficient of each column, all ranked by ``rank_by``."""
    found = compute(
        survey,
        [Request(c, rank_by=rank_by) for c in columns],
        lines={},
        options=options,
    )
    return {key[0]: value for key, value in found.items()}
