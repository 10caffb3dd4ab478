"""Statistics of persons computed on household rows, equal to those on person rows.

The impact's welfare statistics (FGT on every line, Gini, Palma, S80/S20) are
statistics of persons, defined on one row per person (``person_rows``): each
household's row repeated for each member, with the household's weight. Every
member of a household has its welfare, so these sums over persons are sums
over households with weight ``w_h n_h`` (``_wp``), at a fifth of the rows:

- a sum ``sum_k w_k f(y_k)`` (FGT, totals below a quantile, the kernel density
  and its bandwidth) is ``sum_h w_h n_h f(y_h)``; the cumulative weight at the
  end of each household's block of members is the household's, and the first
  person at or past a share ``p`` of the weight belongs to the first household
  whose cumulative weight reaches ``p`` (so quantiles are the same);
- the Gini reads each person's rank ``r_k`` (the cumulative weight up to and
  including ``k``): the ``n`` members of a household with cumulative weight
  ``R`` before it have ranks ``R + j w`` (``j = 1..n``), whose mean is
  ``R + w (n + 1) / 2``, and the sum of ``w y`` over persons at or after each
  member has mean ``T + w y (n + 1) / 2`` (``T`` over later households):
  ``person_gini`` writes the person-row Gini with these means.

Standard errors: the variance reads PSU totals of ``w_k z_k`` (the influence
values). When every member of a household is in its PSU (the design names a
PSU; households are never split between PSUs), a PSU's total over persons is
the sum over its households of ``sum_j w z_j = w_h n_h mean_j(z_j)``, which is
what household rows with weight ``w_h n_h`` and influence ``mean_j(z_j)`` give.
Influence values linear in ``r_k`` and in the tail sum have that mean from the
means above. A design without PSUs (each person its own PSU on person rows),
replicate weights, or household sizes that are not whole numbers of at least
one take the general path, on person rows (``statistics`` returns ``None``).

Equal means equal to rounding: the sums are the same sums in another order
(``tests/policy/test_person_stats.py`` checks every estimate and its PSU
totals against the person rows').
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from insaf.errors import DataError, InsafError, said
from insaf.measures import Estimate, GiniEstimator
from insaf.measures._engine import Cols, Kernel, KernelOut, Statistic
from insaf.measures._kernels import plans
from insaf.measures._kernels.arrays import dot
from insaf.measures._kernels.plan import Plan, run_plans, sample_for
from insaf.measures.types import Below, QuantileRule
from insaf.measures.variance import FloatArray, IntArray
from insaf.policy.analysis import Analysis

__all__ = ["person_gini", "statistics"]


def person_gini(estimator: GiniEstimator) -> Kernel:
    """The Gini of person rows over household rows sorted by ``y``, with ``m`` members
    each and weight ``w`` (the household's weight times ``m``); its influence value on
    a household row is the mean of its members' (``insaf.measures``' Gini kernel,
    ``gini``, on person rows: see the module's docstring)."""
    plans.gini("y", estimator=estimator)  # checks the estimator's name

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y, m = cols["y"], cols["m"]
        member = w / m  # each member's weight
        wy = w * y
        end = np.cumsum(w)
        n_pop = float(end[-1])
        big_y = float(wy.sum())
        if big_y <= 0:
            raise DataError(said("the Gini needs a positive total of the variable in every domain"))
        half = member * (m + 1.0) * 0.5
        rank = end - w + half  # the mean rank of the household's members
        second = big_y if estimator == "osier" else float(dot(member, wy))
        g = (2.0 * float(dot(rank, wy)) - second) / (n_pop * big_y) - 1.0
        if not influence:
            return g, None, 0.0
        tail = big_y - np.cumsum(wy) + y * half  # the members' mean of sum_{j >= k} w_j y_j
        own = y if estimator == "osier" else 2.0 * member * y
        da = 2.0 * (rank * y + tail) - own
        z = (da - (g + 1.0) * (big_y + n_pop * y)) / (n_pop * big_y)
        return g, z, 0.0

    return kernel


def _reading(kernel: Kernel, roles: Mapping[str, str]) -> Kernel:
    """``kernel`` reading its roles from the columns ``roles`` names (role -> role)."""

    def read(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return kernel({role: cols[name] for role, name in roles.items()}, w, t, influence)

    return read


def _applies(analysis: Analysis) -> bool:
    design = analysis.people.design
    if design.psu is None or design.replicates is not None:
        return False
    members = analysis.frame.get_column("_members").to_numpy()
    return bool(np.all(members >= 1) and np.all(members == np.rint(members)))


def statistics(
    analysis: Analysis,
    columns: Sequence[str],
    *,
    lines: Mapping[str, float | str],
    below: Below,
    gini: GiniEstimator,
    rule: QuantileRule = "convey",
    options: Mapping[str, Any],
    orders: dict[str, IntArray] | None = None,
) -> dict[str, dict[tuple[str, ...], Estimate]] | None:
    """FGT 0/1/2 on every line, Gini, Palma and S80/S20 of each of ``columns`` (keyed
    as ``insaf.policy.batch.compute`` keys them, without the column), as on person
    rows (``person_rows``); ``None`` where only person rows give them (see the
    module's docstring). ``options``: ``variance``, ``replicates``, ``seed``.
    ``orders``, when given, receives each column's stable sort of the household rows
    (``np.argsort(column, kind="stable")``), for other statistics to reuse."""
    if not _applies(analysis):
        return None
    survey = analysis.people
    frame = analysis.frame
    persons = int(np.rint(frame.get_column("_members").to_numpy()).sum())
    line_roles = {name: f"line{k}" for k, name in enumerate(lines)}
    for line in lines.values():
        if isinstance(line, str) and bool((frame.get_column(line) <= 0).any()):
            raise InsafError(
                said("poverty line column {name} has non-positive values", name=repr(line))
            )
    out: dict[str, dict[tuple[str, ...], Estimate]] = {}
    for column in columns:
        roles: dict[str, str] = {"y": column, "m": "_members"}
        for name, line in lines.items():
            if isinstance(line, str):
                roles[line_roles[name]] = line
        keyed: list[tuple[tuple[str, ...], Statistic]] = []
        for name, line in lines.items():
            for alpha in (0, 1, 2):
                plan = plans.fgt(column, line=line, alpha=alpha, below=below, rule=rule)
                reads = {"y": "y", **({"line": line_roles[name]} if isinstance(line, str) else {})}
                stat = plan.stat
                keyed.append(
                    (("fgt", name, str(alpha)), replace(stat, kernel=_reading(stat.kernel, reads)))
                )
        keyed.append((("gini",), Statistic(name="gini", kernel=person_gini(gini), variable=column)))
        for name, plan in (
            ("palma", plans.palma(column, rule=rule)),
            ("qsr", plans.qsr(column, rule=rule)),
        ):
            stat = plan.stat
            keyed.append(((name,), replace(stat, kernel=_reading(stat.kernel, {"y": "y"}))))
        ordered = tuple(sorted(roles.items()))
        together = [Plan(stat=stat, roles=ordered, sort="y") for _, stat in keyed]
        sample = sample_for(
            survey,
            together[0],
            None,
            "household",
            options.get("variance", "auto"),
            options.get("replicates", 200),
            options.get("seed", 1),
        )
        if sample.method != "linearization":
            return None
        found = run_plans(sample, together)
        if orders is not None:
            orders[column] = sample.order
        out[column] = {
            key: replace(estimate, n=persons)
            for (key, _), estimate in zip(keyed, found, strict=True)
        }
    return out
