"""Many estimates from one survey: the data read, checked and coded once.

    prepared = prepare(survey, ["income_pc", "line_pc"], level="person")
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

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from insaf.errors import DataError, InsafError, Location
from insaf.measures import _kept, _sample
from insaf.measures._engine import Cols, Kernel, Statistic, ThresholdKernel, run
from insaf.measures._kernels import QuantileRule
from insaf.measures.basic import _check_rule, _mean, _quantile_kernel, _total
from insaf.measures.catalogue import _ACCEPTS as _CATALOGUE
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.inequality import (
    GiniEstimator,
    _atkinson_kernel,
    _check_estimator,
    _concentration_kernel,
    _ge_kernel,
    _ge_name,
    _gini_kernel,
    _share_ratio_kernel,
)
from insaf.measures.poverty import (
    Below,
    Relative,
    _check_line,
    _fgt_kernel,
    _gap_total_kernel,
    _rmpg_kernel,
    _sen_kernel,
    _threshold,
    _watts_kernel,
)
from insaf.measures.variance import FloatArray, IntArray
from insaf.survey.survey import Level, Survey

__all__ = ["NAMES", "Measure", "Prepared", "prepare"]

_ACCEPTS: dict[str, frozenset[str]] = {
    **{name: accepts for name, accepts in _CATALOGUE.items() if name not in ("mpi", "hoi")},
    "proportion": frozenset({"value"}),
    "poverty_gap_total": frozenset({"line", "relative", "of", "below", "rule"}),
    "concentration": frozenset({"rank_by"}),
}

NAMES: tuple[str, ...] = tuple(_ACCEPTS)
"""The measures a ``Prepared`` sample estimates."""


@dataclass(frozen=True, kw_only=True)
class Measure:
    """One measure of one variable: ``name`` (one of ``NAMES``) and its options.

    The names are those of ``compute`` (``insaf estimate --measure``) except
    ``mpi`` and ``hoi``, which build their own variables, plus ``proportion``
    (of a 0/1 column, or of ``variable == value``), ``poverty_gap_total`` and
    ``concentration`` (of ``variable`` over units ranked by ``rank_by``). The
    options mean what they mean for the function of that name; an option left
    ``None`` takes that function's default, and an option the measure does not
    take is an error. Quantiles and medians have kernel standard errors.
    """

    name: str
    variable: str
    line: float | str | None = None
    relative: float | None = None
    of: Literal["median", "mean"] | None = None
    alpha: float | None = None
    epsilon: float | None = None
    p: float | None = None
    below: Below | None = None
    rule: QuantileRule | None = None
    estimator: GiniEstimator | None = None
    nonpositive: _kept.NonPositive | None = None
    value: float | None = None
    rank_by: str | None = None

    def __post_init__(self) -> None:
        name = self.name.lower()
        object.__setattr__(self, "name", name)
        if name not in _ACCEPTS:
            raise InsafError(f"unknown measure {self.name!r}; known: {', '.join(NAMES)}")
        given = {
            f.name
            for f in fields(self)
            if f.name not in ("name", "variable") and getattr(self, f.name) is not None
        }
        extra = given - _ACCEPTS[name]
        if extra:
            raise InsafError(f"{name} does not take {', '.join(sorted(extra))}")
        if name == "concentration" and self.rank_by is None:
            raise InsafError("concentration needs rank_by (the column that ranks the units)")

    @property
    def columns(self) -> tuple[str, ...]:
        """The survey columns this measure reads."""
        found = [self.variable]
        if isinstance(self.line, str):
            found.append(self.line)
        if self.rank_by is not None:
            found.append(self.rank_by)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, eq=False, kw_only=True)
class _Plan:
    """How a ``Measure`` runs: its statistic, the columns its roles read, the role
    rows are sorted by, the whole-population threshold, and the checks."""

    stat: Statistic
    roles: tuple[tuple[str, str], ...]
    sort: str | None = "y"
    threshold: ThresholdKernel | None = None
    threshold_key: Hashable = None
    positive: bool = False
    nonpositive: _kept.NonPositive = "error"
    line_column: str | None = None
    zero_one: bool = False

    @property
    def together(self) -> Hashable:
        """Plans with the same key run over one arranged sample."""
        exclude = self.positive and self.nonpositive == "exclude"
        return (self.roles, self.sort, self.threshold_key, exclude)


def _poverty_line(m: Measure) -> float | str | Relative:
    if m.line is not None and m.relative is not None:
        raise InsafError(f"{m.name}: give either a line or a relative line, not both")
    if m.line is not None:
        _check_line(m.line)
        return m.line
    if m.relative is not None:
        return Relative(share=m.relative, of=m.of or "median")
    raise InsafError(f"{m.name} needs a poverty line: a number, a column, or a relative line")


def _at_line(inner: Kernel, line: float) -> Kernel:
    """``inner`` with the fixed poverty line ``line`` in place of a threshold."""

    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        return inner(cols, w, line, influence)

    return kernel


def _poverty(
    m: Measure,
    stat: Statistic,
    line: float | str | Relative,
    rule: QuantileRule,
    *,
    positive: bool = False,
) -> _Plan:
    """A poverty statistic on a fixed line, a line per unit (a column), or a relative
    line estimated on the whole population (``poverty._run_poverty``)."""
    roles = {"y": m.variable}
    kernel = stat.kernel
    threshold: ThresholdKernel | None = None
    key: Hashable = None
    if isinstance(line, Relative):
        threshold, key = _threshold(line, rule), ("relative", line.share, line.of, rule)
    elif isinstance(line, str):
        roles["line"] = line
    else:
        kernel = _at_line(kernel, float(line))
    return _Plan(
        stat=Statistic(name=stat.name, kernel=kernel, variable=m.variable),
        roles=tuple(sorted(roles.items())),
        threshold=threshold,
        threshold_key=key,
        positive=positive,
        nonpositive=m.nonpositive or "error",
        line_column=line if isinstance(line, str) else None,
    )


def _plan(m: Measure) -> _Plan:
    """The statistic and arrangement the measure's own function uses."""
    name, variable = m.name, m.variable
    rule: QuantileRule = m.rule or "convey"
    below: Below = m.below or "<"
    share = m.relative if m.relative is not None else 0.6
    y = (("y", variable),)
    _check_rule(rule)
    if name in ("mean", "total"):
        kernel = _mean if name == "mean" else _total
        return _Plan(
            stat=Statistic(name=name, kernel=kernel, variable=variable), roles=y, sort=None
        )
    if name == "proportion":
        return _Plan(
            stat=Statistic(name=name, kernel=_indicator_mean(m.value), variable=variable),
            roles=y,
            sort=None,
            zero_one=m.value is None,
        )
    if name in ("median", "quantile"):
        if name == "quantile" and m.p is None:
            raise InsafError("quantile needs p (a probability in (0, 1))")
        p = 0.5 if m.p is None else float(m.p)
        if not 0.0 < p < 1.0:
            raise InsafError(f"quantile probabilities must be in (0, 1), not {p}")
        stat = _quantile_kernel(p, rule)
        label = "median" if name == "median" else stat.name
        return _Plan(stat=Statistic(name=label, kernel=stat.kernel, variable=variable), roles=y)
    if name in ("fgt0", "fgt1", "fgt2", "watts", "sen", "poverty_gap_total"):
        line = _poverty_line(m)
        relative = isinstance(line, Relative)
        if name == "watts":
            return _poverty(m, _watts_kernel(below, relative), line, rule, positive=True)
        if name == "sen":
            return _poverty(m, _sen_kernel(below, relative), line, rule)
        if name == "poverty_gap_total":
            return _poverty(m, _gap_total_kernel(below, relative), line, rule)
        return _poverty(m, _fgt_kernel(float(name[-1]), below, relative), line, rule)
    if name == "arpr":
        arpr = Statistic(name="arpr", kernel=_fgt_kernel(0.0, below, True).kernel)
        return _poverty(m, arpr, Relative(share=share, of=m.of or "median"), rule)
    if name == "rmpg":
        return _poverty(m, _rmpg_kernel(below, rule), Relative(share=share), rule)
    if name == "arpt":
        arpt = _arpt(Relative(share=share, of=m.of or "median"), rule)
        return _Plan(stat=Statistic(name="arpt", kernel=arpt, variable=variable), roles=y)
    if name == "gini":
        estimator: GiniEstimator = m.estimator or "osier"
        _check_estimator(estimator)
        return _Plan(
            stat=Statistic(name="gini", kernel=_gini_kernel(estimator), variable=variable), roles=y
        )
    if name in ("ge", "mld", "theil"):
        alpha = {"mld": 0.0, "theil": 1.0}.get(name, 2.0 if m.alpha is None else float(m.alpha))
        return _Plan(
            stat=Statistic(name=_ge_name(alpha), kernel=_ge_kernel(alpha), variable=variable),
            roles=y,
            sort=None,
            positive=True,
            nonpositive=m.nonpositive or "error",
        )
    if name == "atkinson":
        eps = 1.0 if m.epsilon is None else float(m.epsilon)
        if not eps > 0:
            raise InsafError(f"Atkinson epsilon must be > 0, not {eps}")
        return _Plan(
            stat=Statistic(
                name=f"atkinson[{eps:g}]", kernel=_atkinson_kernel(eps), variable=variable
            ),
            roles=y,
            sort=None,
            positive=True,
            nonpositive=m.nonpositive or "error",
        )
    if name in ("qsr", "palma"):
        low, high = (0.2, 0.8) if name == "qsr" else (0.4, 0.9)
        ratio = _share_ratio_kernel(low, high, rule)
        return _Plan(stat=Statistic(name=name, kernel=ratio, variable=variable), roles=y)
    assert name == "concentration" and m.rank_by is not None  # the names are checked above
    return _Plan(
        stat=Statistic(
            name="concentration", kernel=_concentration_kernel, variable=f"{variable}|{m.rank_by}"
        ),
        roles=(("x", m.rank_by), ("y", variable)),
        sort="x",
    )


def _indicator_mean(value: float | None) -> Kernel:
    """The mean of ``y`` (a 0/1 column), or of ``1(y == value)``."""
    if value is None:
        return _mean

    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        return _mean({"y": (cols["y"] == value).astype(np.float64)}, w, t, influence)

    return kernel


def _arpt(line: Relative, rule: QuantileRule) -> Kernel:
    """Each domain's own ``share * median`` (``poverty.arpt``)."""
    threshold = _threshold(line, rule)

    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        value, z = threshold(cols, w, influence)
        return value, z, 0.0

    return kernel


class Prepared:
    """Variables of one survey at one level, read and checked, with the design's
    codes and the variance method's replicates: many estimates, one preparation.

    Made by ``prepare``; immutable (it keeps, internally, each variable's sort
    order once a measure has needed it).
    """

    __slots__ = ("_base", "_columns", "_level", "_orders", "_replication", "_survey")

    def __init__(
        self,
        *,
        survey: Survey,
        level: Level,
        columns: Mapping[str, FloatArray],
        base: _kept.Base,
        replication: _kept.Replication,
    ) -> None:
        self._survey = survey
        self._level = level
        self._columns = dict(columns)
        self._base = base
        self._replication = replication
        self._orders: dict[str, IntArray] = {}

    @property
    def survey(self) -> Survey:
        return self._survey

    @property
    def level(self) -> Level:
        return self._level

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
            f"<Prepared {self.n} {self._level.value} rows; variables "
            f"{', '.join(self._columns)}; {self.method}>"
        )

    def _order(self, column: str) -> IntArray:
        """Rows sorted by ``column`` (stable), computed once."""
        found = self._orders.get(column)
        if found is None:
            found = np.argsort(self._columns[column], kind="stable")
            found.flags.writeable = False
            self._orders[column] = found
        return found

    def estimate(
        self, measures: Sequence[Measure], *, by: str | Sequence[str] | None = None
    ) -> tuple[Estimates, ...]:
        """Each measure in each domain of ``by``: one ``Estimates`` per measure, in order.

        Each is what the measure's function gives on the same survey (for
        example ``fgt(survey, variable, line=..., by=by, level=..., variance=...)``).
        """
        if isinstance(measures, Measure):
            raise InsafError("estimate takes a list of measures: estimate([measure], by=...)")
        by_cols = [by] if isinstance(by, str) else list(by or [])
        plans = [_plan(m) for m in measures]
        for m in measures:
            missing = [c for c in m.columns if c not in self._columns]
            if missing:
                raise InsafError(
                    f"{m.name}: {', '.join(repr(c) for c in missing)} not prepared; "
                    f"prepared: {', '.join(self._columns)}"
                )
        found = _kept.domains(self._survey, self._level, by_cols)
        together: dict[Hashable, list[int]] = {}
        for i, plan in enumerate(plans):
            together.setdefault(plan.together, []).append(i)
        shared = _Shared(found)
        out: list[list[Estimate]] = [[] for _ in plans]
        for members in together.values():
            stats = [plans[i].stat for i in members]
            result = run(
                self._arrange([plans[i] for i in members], shared),
                stats,
                threshold=plans[members[0]].threshold,
            )
            for k, est in enumerate(result):
                out[members[k % len(stats)]].append(est)
        return tuple(Estimates(items, by=by_cols) for items in out)

    def _arrange(self, plans: Sequence[_Plan], shared: _Shared) -> _sample.Sample:
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
            for array in (arranged.w, arranged.psu, arranged.unit_replicates):
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
            if plan.line_column is not None and np.any(sample.cols["line"] <= 0):
                raise InsafError(
                    f"poverty line column {plan.line_column!r} has non-positive values"
                )
            if plan.zero_one:
                y = sample.cols["y"]
                if not np.all((y == 0) | (y == 1)):
                    raise DataError(
                        f"column {names['y']!r} is not 0/1 or boolean; "
                        "pass value= to say which value to count"
                    )
        return sample


class _Shared:
    """What the groups of one ``estimate`` share: the domains, each arrangement of
    rows (by sort column and exclusion) and each column in each arrangement."""

    __slots__ = ("arranged", "columns", "domains")

    def __init__(self, domains: _kept.Domains) -> None:
        self.domains = domains
        self.arranged: dict[tuple[str | None, str | None], _sample.Arrangement] = {}
        self.columns: dict[tuple[tuple[str | None, str | None], str], FloatArray] = {}


def prepare(
    survey: Survey,
    variables: str | Sequence[str],
    *,
    level: Level | str | None = None,
    variance: _kept.VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Prepared:
    """Read and check ``variables`` (survey columns) at ``level`` for many estimates.

    The weights, the design's codes and the replicates (``variance``: as for
    every measure; ``replicates`` and ``seed`` for a created bootstrap) come
    from what the survey keeps, so preparing again is cheap. A column with a
    missing or non-numeric value is an error here, as in every measure.
    """
    names = [variables] if isinstance(variables, str) else list(dict.fromkeys(variables))
    unit = _kept.unit_level(survey, level)
    frame = survey.frame(names, level=unit)
    columns = {
        name: _kept.numeric(frame, name, Location(file=survey.path, column=name), "variable")
        for name in names
    }
    for array in columns.values():
        array.flags.writeable = False
    base = _kept.base(survey, unit)
    replication = _kept.replication(survey, unit, base, variance, replicates, seed)
    return Prepared(survey=survey, level=unit, columns=columns, base=base, replication=replication)
