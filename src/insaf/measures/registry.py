"""Every measure, named once: its function, its plan and the options it takes.

A ``MeasureSpec`` ties a name (``"gini"``) to the measure's public function
(``gini``) and, for the measures a ``Prepared`` sample estimates, to its plan
(the statistic and arrangement, shared with the function). What a measure
accepts and its defaults are read from the function's signature, so they are
written once, there: a ``MeasureOptions`` field a measure's function does not
take is an error, and an option left ``None`` takes the function's default.
Option names are those of the functions, except that ``relative`` (and
``of``) give a poverty measure a ``Relative`` line or a relative measure its
``share``.

``compute(survey, "gini", "income", by=...)`` runs any measure by name (the
``insaf estimate`` command); ``Measure`` (``insaf.measures.prepared``) checks
its options here; the observatory's indicators name measures by ``indicator``
(``headcount`` for ``fgt0``). ``mpi`` reads its variables from its
specification (``spec``: a preset or a YAML file) and takes no variable.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, Unpack

from insaf.errors import InsafError, said
from insaf.i18n import translated
from insaf.measures import basic, inequality, opportunity, poverty
from insaf.measures import streamed as out_of_core
from insaf.measures._kernels import plans
from insaf.measures._kernels.plan import Plan
from insaf.measures.estimate import Estimates
from insaf.measures.mpi import mpi as multidimensional
from insaf.measures.types import (
    Below,
    Estimation,
    GiniEstimator,
    NonPositive,
    QuantileRule,
    Relative,
    RelativeOf,
    estimation_keywords,
)
from insaf.survey.survey import Survey

__all__ = [
    "INDICATOR_MEASURES",
    "MEASURES",
    "PREPARED",
    "SPECS",
    "STREAMED",
    "MeasureOptions",
    "MeasureSpec",
    "compute",
    "measure_labels",
    "spec_of",
]


@dataclass(frozen=True, kw_only=True)
class MeasureOptions:
    """Options a measure may take; ``None`` means "not given" (the function's default).

    ``line``: a poverty line (a number or a column); ``relative`` and ``of``: a
    line of that share of the whole population's median or mean (the ``share``
    of ``arpt``, ``arpr``, ``rmpg``); the others are the arguments of that name
    of the measure's function.
    """

    line: float | str | None = None
    relative: float | None = None
    of: RelativeOf | None = None
    alpha: float | None = None
    epsilon: float | None = None
    p: float | None = None
    below: Below | None = None
    rule: QuantileRule | None = None
    estimator: GiniEstimator | None = None
    nonpositive: NonPositive | None = None
    value: float | str | None = None
    se: Literal["kernel", "woodruff"] | None = None
    confidence: float | None = None
    rank_by: str | None = None
    spec: str | None = None
    circumstances: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    among: str | None = None

    def given(self) -> dict[str, Any]:
        """The options given (not ``None``), by name."""
        found = ((f.name, getattr(self, f.name)) for f in fields(MeasureOptions))
        return {name: value for name, value in found if value is not None}


OPTIONS: frozenset[str] = frozenset(f.name for f in fields(MeasureOptions))
_COMMON = frozenset({"survey", "variable", "by", "unit", "variance", "replicates", "seed"})
_LINE = frozenset({"line", "relative", "of"})
_WHAT = {
    "p": said("a probability in (0, 1)"),
    "circumstances": said("columns the access should not depend on"),
    "rank_by": said("the column that ranks the units"),
}


@dataclass(frozen=True, kw_only=True)
class MeasureSpec:
    """A measure: its ``name``, its public ``function`` and, if a ``Prepared``
    sample estimates it, its ``plan``; ``fixed`` arguments (``fgt0`` is ``fgt``
    with ``alpha=0``), options it ``needs`` beyond those without a default,
    whether it reads a ``variable``, and its name in observatory ``indicator``s.
    ``label`` is its name for people, in English (``measure_labels`` gives it in
    Arabic from the library's catalogue, context ``measure.<name>``); ``aliases``,
    other names tables give it (the impact's ``s80s20`` for ``qsr``); ``streamed``, how
    an out-of-core engine (streamed or Spark) computes it, if one does."""

    name: str
    label: str
    function: Callable[..., Estimates]
    plan: Callable[..., Plan] | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    variable: bool = True
    indicator: str | None = None
    aliases: tuple[str, ...] = ()
    streamed: out_of_core.Streamed | None = None

    @cached_property
    def parameters(self) -> Mapping[str, inspect.Parameter]:
        """The function's parameters that options set (``share`` from ``relative``)."""
        found = inspect.signature(self.function).parameters
        return MappingProxyType(
            {
                name: p
                for name, p in found.items()
                if name not in _COMMON
                and (name in OPTIONS or name == "share" or name in self.fixed)
            }
        )

    @cached_property
    def accepts(self) -> frozenset[str]:
        """The options this measure takes."""
        names = {n for n in self.parameters if n in OPTIONS and n not in self.fixed}
        if "line" in self.parameters:
            names |= _LINE
        if "share" in self.parameters:
            names.add("relative")
        return frozenset(names)

    def arguments(self, options: MeasureOptions) -> dict[str, Any]:
        """The function's keyword arguments for ``options``: those given, the fixed
        ones and the function's defaults; an option it does not take, or one it
        needs and is not given, is an error."""
        given = options.given()
        extra = set(given) - self.accepts
        if extra:
            raise InsafError(
                said(
                    "{name} does not take {options}",
                    name=self.name,
                    options=", ".join(sorted(extra)),
                )
            )
        out: dict[str, Any] = {}
        for name, param in self.parameters.items():
            if name in self.fixed:
                out[name] = self.fixed[name]
            elif name == "line":
                out[name] = self._line(given)
            elif name == "share":
                out[name] = given.get("relative", param.default)
            elif given.get(name, ()) != ():
                out[name] = given[name]
            elif name in self.needs or param.default is inspect.Parameter.empty:
                if name in _WHAT:
                    raise InsafError(
                        said(
                            "{name} needs {option} ({what})",
                            name=self.name,
                            option=name,
                            what=_WHAT[name],
                        )
                    )
                raise InsafError(said("{name} needs {option}", name=self.name, option=name))
            else:
                out[name] = param.default
        return out

    def _line(self, given: Mapping[str, Any]) -> float | str | Relative:
        line, share, of = given.get("line"), given.get("relative"), given.get("of")
        if line is not None and share is not None:
            raise InsafError(
                said("{name}: give either a line or a relative line, not both", name=self.name)
            )
        if line is not None:
            return line  # type: ignore[no-any-return]
        if share is not None:
            return Relative(share=share) if of is None else Relative(share=share, of=of)
        raise InsafError(
            said(
                "{name} needs a poverty line: a number, a column, or a relative line",
                name=self.name,
            )
        )

    def plan_for(self, variable: str, options: MeasureOptions) -> Plan:
        """The plan of this measure of ``variable`` (a measure a ``Prepared`` estimates)."""
        if self.plan is None:
            raise InsafError(
                said("{name} has no plan: it builds its own variables", name=self.name)
            )
        arguments = self.arguments(options)
        if arguments.get("se") == "woodruff":
            raise InsafError(
                said(
                    "{name}: a Woodruff interval is not made from a prepared sample; "
                    "estimate it alone (quantile(..., se='woodruff'))",
                    name=self.name,
                )
            )
        taken = inspect.signature(self.plan).parameters
        return self.plan(variable, **{k: v for k, v in arguments.items() if k in taken})


SPECS: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        name="mean",
        label="Mean",
        function=basic.mean,
        plan=plans.mean,
        indicator="mean",
        streamed=out_of_core.mean,
    ),
    MeasureSpec(
        name="total",
        label="Total",
        function=basic.total,
        plan=plans.total,
        streamed=out_of_core.total,
    ),
    MeasureSpec(
        name="proportion",
        label="Proportion",
        function=basic.proportion,
        plan=plans.proportion,
        indicator="proportion",
    ),
    MeasureSpec(
        name="median",
        label="Median",
        function=basic.median,
        plan=plans.median,
        streamed=out_of_core.median,
    ),
    MeasureSpec(
        name="quantile",
        label="Quantile",
        function=basic.quantile,
        plan=plans.quantile,
        needs=("p",),
        streamed=out_of_core.quantile,
    ),
    *(  # fgt0, fgt1, fgt2: the headcount ratio, the poverty gap index and severity
        MeasureSpec(
            name=f"fgt{alpha}",
            label=label,
            function=poverty.fgt,
            plan=plans.fgt,
            fixed={"alpha": float(alpha)},
            indicator=indicator,
            streamed=out_of_core.fgt,
        )
        for alpha, (indicator, label) in enumerate(
            (
                ("headcount", "Poverty headcount ratio"),
                ("poverty_gap", "Poverty gap"),
                ("poverty_severity", "Poverty severity"),
            )
        )
    ),
    MeasureSpec(name="watts", label="Watts index", function=poverty.watts, plan=plans.watts),
    MeasureSpec(name="sen", label="Sen index", function=poverty.sen, plan=plans.sen),
    MeasureSpec(
        name="poverty_gap_total",
        label="Total poverty gap",
        function=poverty.poverty_gap_total,
        plan=plans.poverty_gap_total,
    ),
    MeasureSpec(
        name="arpt", label="At-risk-of-poverty threshold", function=poverty.arpt, plan=plans.arpt
    ),
    MeasureSpec(
        name="arpr",
        label="At-risk-of-poverty rate",
        function=poverty.arpr,
        plan=plans.arpr,
        streamed=out_of_core.arpr,
    ),
    MeasureSpec(
        name="rmpg",
        label="Relative median at-risk-of-poverty gap",
        function=poverty.rmpg,
        plan=plans.rmpg,
    ),
    MeasureSpec(
        name="gini",
        label="Gini coefficient",
        function=inequality.gini,
        plan=plans.gini,
        indicator="gini",
        streamed=out_of_core.gini,
    ),
    MeasureSpec(
        name="ge", label="Generalized entropy index", function=inequality.ge, plan=plans.ge
    ),
    MeasureSpec(name="mld", label="Mean log deviation", function=inequality.mld, plan=plans.mld),
    MeasureSpec(name="theil", label="Theil index", function=inequality.theil, plan=plans.theil),
    MeasureSpec(
        name="atkinson", label="Atkinson index", function=inequality.atkinson, plan=plans.atkinson
    ),
    MeasureSpec(
        name="qsr",
        label="S80/S20 ratio",
        function=inequality.qsr,
        plan=plans.qsr,
        aliases=("s80s20",),
        streamed=out_of_core.qsr,
    ),
    MeasureSpec(
        name="palma",
        label="Palma ratio",
        function=inequality.palma,
        plan=plans.palma,
        streamed=out_of_core.palma,
    ),
    MeasureSpec(
        name="concentration",
        label="Concentration coefficient",
        function=inequality.concentration,
        plan=plans.concentration,
    ),
    MeasureSpec(
        name="mpi",
        label="Multidimensional poverty index",
        function=multidimensional,
        variable=False,
    ),
    MeasureSpec(name="hoi", label="Human Opportunity Index", function=opportunity.hoi),
)
"""Every measure, in the order the CLI lists them."""

MEASURES: tuple[str, ...] = tuple(s.name for s in SPECS)
"""The names ``compute`` (``insaf estimate --measure``) knows."""
PREPARED: tuple[str, ...] = tuple(s.name for s in SPECS if s.plan is not None)
"""The names a ``Prepared`` sample estimates (``Measure``)."""
STREAMED: tuple[str, ...] = tuple(s.name for s in SPECS if s.streamed is not None)
"""The names an out-of-core engine (streamed or Spark) computes."""
INDICATOR_MEASURES: Mapping[str, MeasureSpec] = MappingProxyType(
    {s.indicator: s for s in SPECS if s.indicator is not None}
)
"""The measures an observatory indicator may compute, by the name indicators use."""
_BY_NAME = {s.name: s for s in SPECS}


def measure_labels(lang: str) -> dict[str, str]:
    """Every measure's name for people in ``lang`` (``en`` or ``ar``), by its name and
    its aliases."""
    return {
        name: translated(f"measure.{s.name}", s.label, lang)
        for s in SPECS
        for name in (s.name, *s.aliases)
    }


def spec_of(name: str, known: Sequence[str] = MEASURES) -> MeasureSpec:
    """The measure called ``name`` (any case), one of ``known``."""
    found = _BY_NAME.get(name.lower())
    if found is None or found.name not in known:
        raise InsafError(
            said("unknown measure {name}; known: {known}", name=repr(name), known=", ".join(known))
        )
    return found


@estimation_keywords()
def compute(
    survey: Survey,
    measure: str,
    variable: str | None,
    *,
    options: MeasureOptions | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Estimate ``measure`` (a name from ``MEASURES``) of ``variable``."""
    spec = spec_of(measure)
    if not spec.variable:
        if variable is not None:
            raise InsafError(
                said(
                    "{name} takes no variable: its variables are in the specification",
                    name=spec.name,
                )
            )
        return spec.function(survey, **spec.arguments(options or MeasureOptions()), **estimation)
    if variable is None:
        raise InsafError(said("{name} needs a variable", name=spec.name))
    return spec.function(
        survey, variable, **spec.arguments(options or MeasureOptions()), **estimation
    )
