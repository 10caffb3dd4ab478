"""Many estimates from one survey: the data read, checked and coded once.

    prepared = prepare(survey, ["income_pc", "line_pc"], unit="person")
    headcount, gini = prepared.estimate(
        [
            Measure(name="fgt0", variable="income_pc", line="line_pc"),
            Measure(name="gini", variable="income_pc"),
        ],
        by="governorate",
    )

``prepare`` reads the variables (numeric, no missing value) and takes the
weights, the design's codes and the replicates from what the survey keeps
(computed once per survey and level). ``Prepared.estimate`` computes each
``Measure`` in each domain of ``by``: measures of one variable share its sort
order (one stable sort per variable, kept by the ``Prepared``), and measures
that need the same arrangement of rows run over one arranged sample. Each
result is the one the measure's own function gives
(``gini(survey, "income_pc", by="governorate")``), and its influence values or
replicates pair with any other estimate of the same survey and design
(``difference``, ``ratio_of``, ``combine``).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np

from insaf.errors import InsafError, Location, said
from insaf.measures import _kept, _sample
from insaf.measures._engine import run
from insaf.measures._kernels import arpr as in_table_order
from insaf.measures._kernels.arrays import stable_argsort
from insaf.measures._kernels.plan import Plan, check
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.registry import PREPARED, MeasureOptions, spec_of
from insaf.measures.types import Inference, estimation_keywords
from insaf.measures.variance import FloatArray, IntArray
from insaf.survey.survey import Level, Survey

__all__ = ["NAMES", "Measure", "Prepared", "prepare"]

NAMES: tuple[str, ...] = PREPARED
"""The measures a ``Prepared`` sample estimates."""


@dataclass(frozen=True, kw_only=True, repr=False)
class Measure(MeasureOptions):
    """One measure of one variable: ``name`` (one of ``NAMES``), ``variable`` and
    the options of ``MeasureOptions``.

    The names are those of ``compute`` (``insaf estimate --measure``) except
    ``mpi`` and ``hoi``, which build their own variables. The options mean
    what they mean for the function of that name; an option left ``None``
    takes that function's default, and an option the measure does not take
    is an error. Quantiles and medians have kernel standard errors.
    """

    name: str
    variable: str

    def __post_init__(self) -> None:
        spec = spec_of(self.name, PREPARED)
        object.__setattr__(self, "name", spec.name)
        spec.arguments(self)

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.given().items())
        return (
            f"Measure(name={self.name!r}, variable={self.variable!r}{', ' if given else ''}{given})"
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """The survey columns this measure reads."""
        found = [self.variable]
        if isinstance(self.line, str):
            found.append(self.line)
        if self.rank_by is not None:
            found.append(self.rank_by)
        return tuple(dict.fromkeys(found))


def _plan(m: Measure) -> Plan:
    """The statistic and arrangement the measure's own function uses."""
    return spec_of(m.name, PREPARED).plan_for(m.variable, m)


class Prepared:
    """Variables of one survey at one level, read and checked, with the design's
    codes and the variance method's replicates: many estimates, one preparation.

    Made by ``prepare``; immutable (it keeps, internally, each variable's sort
    order once a measure has needed it).
    """

    __slots__ = ("_base", "_columns", "_orders", "_replication", "_survey", "_unit")

    def __init__(
        self,
        *,
        survey: Survey,
        unit: Level,
        columns: Mapping[str, FloatArray],
        base: _kept.Base,
        replication: _kept.Replication,
    ) -> None:
        self._survey = survey
        self._unit = unit
        self._columns = dict(columns)
        self._base = base
        self._replication = replication
        self._orders: dict[str, IntArray] = {}

    @property
    def survey(self) -> Survey:
        return self._survey

    @property
    def unit(self) -> Level:
        """The unit of analysis: what a row is (person or household)."""
        return self._unit

    def __getattr__(self, name: str) -> Any:
        # ``level``, the unit's old name (docs/glossary.md), for one release.
        if name == "level":
            warnings.warn(
                "Prepared.level is deprecated; use Prepared.unit", DeprecationWarning, stacklevel=2
            )
            return self._unit
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self._columns)

    @property
    def method(self) -> str:
        """How variances are computed: linearization, or the replicate method."""
        return self._replication.method

    @property
    def n(self) -> int:
        """Number of units at this level."""
        return self._base.n

    def __repr__(self) -> str:
        return (
            f"<Prepared {self.n} {self._unit.value} rows; variables "
            f"{', '.join(self._columns)}; {self.method}>"
        )

    def values(self, column: str) -> FloatArray:
        """The prepared values of ``column``, one per row (read only)."""
        found = self._columns.get(column)
        if found is None:
            raise InsafError(
                said(
                    "{column} not prepared; prepared: {columns}",
                    column=repr(column),
                    columns=", ".join(self._columns),
                )
            )
        view = found.view()
        view.flags.writeable = False
        return view

    def order(self, column: str) -> IntArray:
        """Rows sorted by ``column``, ties in row order (``np.argsort(values,
        kind="stable")``), computed once and shared by every measure that sorts it."""
        self.values(column)  # a known column
        return self._order(column)

    def use_order(self, column: str, order: IntArray, *, check: bool = True) -> None:
        """Take ``order`` as the stable sort of ``column``, found another way (for
        example merged from a near column's, ``insaf.policy.near_order``), so that no
        measure sorts it again. It is checked to be that sort: a permutation of the
        rows along which the values never fall, equal values in row order (a gather
        and a few passes, about a fifth of a sort); ``check=False`` leaves that to a
        caller whose order is that sort by construction and by its own tests."""
        values = self.values(column)
        n = values.shape[0]
        if order.ndim != 1 or order.shape[0] != n:
            raise InsafError(
                said(
                    "an order of {size} values for {column}, which has {n} rows",
                    size=order.size,
                    column=repr(column),
                    n=n,
                )
            )
        if check:
            _check_order(column, values, order)
        kept = order.copy()
        kept.flags.writeable = False
        self._orders[column] = kept

    def _order(self, column: str) -> IntArray:
        """Rows sorted by ``column`` (stable), computed once."""
        found = self._orders.get(column)
        if found is None:
            found = stable_argsort(self._columns[column])
            found.flags.writeable = False
            self._orders[column] = found
        return found

    def estimate(
        self, measures: Sequence[Measure], *, by: str | Sequence[str] | None = None
    ) -> tuple[Estimates, ...]:
        """Each measure in each domain of ``by``: one ``Estimates`` per measure, in order.

        Each is what the measure's function gives on the same survey (for
        example ``fgt(survey, variable, line=..., by=by, unit=..., variance=...)``).
        """
        if isinstance(measures, Measure):
            raise InsafError(
                said(
                    "estimate takes a list of measures: estimate([measure], by=...)",
                )
            )
        by_cols = [by] if isinstance(by, str) else list(by or [])
        plans = [_plan(m) for m in measures]
        for m in measures:
            missing = [c for c in m.columns if c not in self._columns]
            if missing:
                raise InsafError(
                    said(
                        "{measure}: {missing} not prepared; prepared: {columns}",
                        measure=m.name,
                        missing=", ".join(repr(c) for c in missing),
                        columns=", ".join(self._columns),
                    )
                )
        found = _kept.domains(self._survey, self._unit, by_cols)
        together: dict[Hashable, list[int]] = {}
        for i, plan in enumerate(plans):
            together.setdefault(plan.together, []).append(i)
        shared = _Shared(found)
        out: list[list[Estimate]] = [[] for _ in plans]
        linear = in_table_order.applies(self._survey.design, self._replication.method)
        for group in together.values():
            members = []
            for i in group:  # a rate below a relative line reads the rows in table order
                rate = plans[i].rate
                if rate is not None and linear:
                    column = dict(plans[i].roles)["y"]
                    found_rates = in_table_order.rates(
                        self._columns[column],
                        self._base,
                        found,
                        rate,
                        plans[i].stat.name,
                        column,
                        Location(file=self._survey.path),
                    )
                    out[i].extend(found_rates)
                else:
                    members.append(i)
            if not members:
                continue
            stats = [plans[i].stat for i in members]
            result = run(
                self._arrange([plans[i] for i in members], shared),
                stats,
                threshold=plans[members[0]].threshold,
            )
            for k, est in enumerate(result):
                out[members[k % len(stats)]].append(est)
        return tuple(Estimates(items, by=by_cols) for items in out)

    def _arrange(self, plans: Sequence[Plan], shared: _Shared) -> _sample.Sample:
        """The sample the plans run over: their rows kept, sorted, grouped by domain;
        the arrangement and the arranged columns are shared by every group of one
        ``estimate`` that keeps and sorts the same rows."""
        first = plans[0]
        names = dict(first.roles)
        keep: _sample.BoolArray | None = None
        kept_by: str | None = None
        for plan in plans:
            if plan.positive:
                excluded = _sample.excluded(
                    self._survey,
                    {"y": self._columns[names["y"]]},
                    names,
                    positive=("y",),
                    nonpositive=plan.nonpositive,
                )
                if excluded is not None:
                    keep, kept_by = excluded, names["y"]
        sort_column = None if first.sort is None else names[first.sort]
        key = (sort_column, kept_by)
        arranged = shared.arranged.get(key)
        if arranged is None:
            if sort_column is not None:
                order = self._order(sort_column)
                if keep is not None:
                    order = order[keep[order]]
            else:
                order = np.arange(self.n) if keep is None else np.flatnonzero(keep)
            arranged = _sample.arrangement(
                base=self._base,
                replication=self._replication,
                domains=shared.domains,
                order=order,
                where=Location(file=self._survey.path),
            )
            for array in (
                arranged.w,
                arranged.psu,
                arranged.unit_replicates,
                arranged.cell,
                arranged.base_w,
            ):
                if array is not None:
                    array.flags.writeable = False
            shared.arranged[key] = arranged
        cols: dict[str, FloatArray] = {}
        for role, column in first.roles:
            found = shared.columns.get((key, column))
            if found is None:
                found = np.ascontiguousarray(self._columns[column][arranged.rows])
                found.flags.writeable = False
                shared.columns[key, column] = found
            cols[role] = found
        sample = _sample.sample(
            arranged,
            cols=cols,
            names=names,
            base=self._base,
            replication=self._replication,
            domains=shared.domains,
        )
        for plan in plans:
            check(sample, plan)
        return sample


def _check_order(column: str, values: FloatArray, order: IntArray) -> None:
    """Refuse ``order`` unless it is ``np.argsort(values, kind="stable")``."""
    n = values.shape[0]
    ranked = values[np.clip(order, 0, max(n - 1, 0))]
    steps = ranked[1:] - ranked[:-1]
    tied = steps == 0
    permutation = n == 0 or (
        int(order.min()) >= 0
        and int(order.max()) < n
        and np.count_nonzero(np.bincount(order, minlength=n)) == n
    )
    if (
        not permutation
        or bool((steps < 0).any())
        or bool((order[1:][tied] < order[:-1][tied]).any())
    ):
        raise InsafError(
            said(
                "not the stable sort of {column}: it cannot be used as its order",
                column=repr(column),
            )
        )


class _Shared:
    """What the groups of one ``estimate`` share: the domains, each arrangement of
    rows (by sort column and exclusion) and each column in each arrangement."""

    __slots__ = ("arranged", "columns", "domains")

    def __init__(self, domains: _kept.Domains) -> None:
        self.domains = domains
        self.arranged: dict[tuple[str | None, str | None], _sample.Arrangement] = {}
        self.columns: dict[tuple[tuple[str | None, str | None], str], FloatArray] = {}


@estimation_keywords()
def prepare(
    survey: Survey, variables: str | Sequence[str], **inference: Unpack[Inference]
) -> Prepared:
    """Read and check ``variables`` (survey columns) at ``unit`` for many estimates.

    The weights, the design's codes and the replicates (``variance``: as for
    every measure; ``replicates`` and ``seed`` for a created bootstrap) come
    from what the survey keeps, so preparing again is cheap. A column with a
    missing or non-numeric value is an error here, as in every measure.
    """
    names = [variables] if isinstance(variables, str) else list(dict.fromkeys(variables))
    chosen = _kept.unit_level(survey, inference["unit"])
    frame = survey.frame(names, unit=chosen)
    columns = {
        name: _kept.numeric(frame, name, Location(file=survey.path, column=name), said("variable"))
        for name in names
    }
    for array in columns.values():
        array.flags.writeable = False
    base = _kept.base(survey, chosen)
    replication = _kept.replication(
        survey, chosen, base, inference["variance"], inference["replicates"], inference["seed"]
    )
    return Prepared(survey=survey, unit=chosen, columns=columns, base=base, replication=replication)
