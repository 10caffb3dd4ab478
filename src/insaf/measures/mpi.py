"""Multidimensional poverty (Alkire and Foster 2011) with design-based standard errors.

Identification, for a specification (``insaf.measures.mpi_spec``) with
indicator weights ``w_j`` (summing to 1) and cut-off ``k``:

- ``d_ij`` = 1 when household ``i`` is deprived in indicator ``j`` (every
  member of a household shares its deprivations);
- deprivation score ``c_i = sum_j w_j d_ij``; poor when ``c_i >= k``;
- censored score ``c_i(k) = c_i 1(poor)``, censored deprivations
  ``g_ij = d_ij 1(poor)``.

Aggregation over persons (or households, ``unit="household"``) with
weights ``v``:

- ``H = sum v 1(poor) / N``                       (mean: linearized as a mean)
- ``M0 = sum v c(k) / N``                         (mean)
- ``A = M0 / H = sum v c(k) / sum v 1(poor)``     (ratio of totals)
- uncensored headcount ``h_j = sum v d_j / N``, censored ``h_j(k) = sum v g_j / N``
- contribution of indicator ``j`` to ``M0``: ``w_j h_j(k) / M0`` (ratio)
- by subgroups (``by=``): each group's statistics, and the decomposition
  ``(N_g/N)(M0_g/M0) = sum_g v c(k) / sum v c(k)`` (ratio over the whole
  sample) next to the population share ``N_g/N`` (mean).

Every statistic is a mean or a ratio of person-level variables, so the
standard errors come from the same linearization (or replicates) as the rest
of ``insaf.measures``. Tolerance at the cut-off: ``c_i >= k - 1e-9`` (weights
such as 1/3 and 1/6 do not add up exactly in floating point).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

import numpy as np
import polars as pl

from insaf.errors import DataError, Location, said
from insaf.measures._engine import Statistic, run
from insaf.measures._kept import unit_level
from insaf.measures._kernels.linear import label_groups, mean_of, part_of, ratio_of, share_of
from insaf.measures._sample import GROUP, prepare, with_columns, with_groups
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.types import Estimation, estimation_keywords
from insaf.survey.survey import Level, Survey

if TYPE_CHECKING:  # the spec's models (pydantic, YAML) are imported when an MPI is computed
    from insaf.measures.mpi_spec import IndicatorSpec, MPISpec

__all__ = ["deprivations", "mpi"]

_CUTOFF_TOLERANCE = 1e-9
_PREFIX = "__mpi_"


def _household_key(survey: Survey, spec: MPISpec, household: str | None) -> str:
    key = household or spec.household or survey.household_key
    if key is None:
        raise DataError(
            said(
                "the MPI identifies poor households: name the household key "
                "(household= here, or household: in the specification)",
            ),
            Location(file=survey.path),
        )
    return key


def _indicator(frame: pl.DataFrame, ind: IndicatorSpec, key: str, where: Location) -> pl.Series:
    """0/1 deprivation of each row's household in one indicator (frame order)."""
    try:
        cond = frame.select(ind.condition().alias("c")).get_column("c")
        eligible = (
            frame.select(pl.sql_expr(ind.among).fill_null(False).alias("e")).get_column("e")
            if ind.among is not None
            else pl.Series("e", [True] * frame.height)
        )
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            said("indicator {name}: {reason}", name=repr(ind.name), reason=str(exc)), where
        ) from None
    if cond.dtype != pl.Boolean or eligible.dtype != pl.Boolean:
        raise DataError(
            said(
                "indicator {name}: the condition must be true or false (it gives "
                "{dtype}; eligibility gives {eligibility})",
                name=repr(ind.name),
                dtype=cond.dtype,
                eligibility=eligible.dtype,
            ),
            where,
        )
    missing = cond.is_null() & eligible
    if missing.any():
        if ind.missing == "error":
            cols = ", ".join(repr(c) for c in ind.columns())
            raise DataError(
                said(
                    "indicator {name}: {count} eligible row(s) have no value for {cols}; "
                    "INSAF does not drop them silently (set missing: deprived or "
                    "not_deprived in the specification, or fix the data)",
                    name=repr(ind.name),
                    count=int(missing.sum()),
                    cols=cols,
                ),
                where,
            )
        cond = cond.fill_null(ind.missing == "deprived")
    cond = cond.fill_null(False)
    work = pl.DataFrame({"k": frame.get_column(key), "c": cond, "e": eligible})
    if ind.members is None:
        agg = work.group_by("k").agg(pl.col("c").max().alias("hi"), pl.col("c").min().alias("lo"))
        varies = agg.filter(pl.col("hi") != pl.col("lo")).height
        if varies:
            raise DataError(
                said(
                    "indicator {name} differs between members of {varies} household(s): it "
                    "reads person variables, so say how members combine (members: any, "
                    "all, none or share)",
                    name=repr(ind.name),
                    varies=varies,
                ),
                where,
            )
        deprived = pl.col("hi")
    else:
        agg = work.group_by("k").agg(
            pl.col("e").sum().alias("n_e"), (pl.col("c") & pl.col("e")).sum().alias("n_c")
        )
        rule = {
            "any": pl.col("n_c") > 0,
            "all": pl.col("n_c") == pl.col("n_e"),
            "none": pl.col("n_c") == 0,
            "share": pl.col("n_c") >= (ind.share or 0.0) * pl.col("n_e") - _CUTOFF_TOLERANCE,
        }[ind.members]
        empty = pl.lit(ind.if_no_members == "deprived")
        deprived = pl.when(pl.col("n_e") == 0).then(empty).otherwise(rule)
    per_household = agg.select("k", deprived.cast(pl.Int8).alias("d"))
    joined = work.select("k").join(per_household, on="k", how="left", maintain_order="left")
    return joined.get_column("d").alias(ind.name)


def deprivations(
    survey: Survey,
    spec: str | Path | MPISpec = "global",
    *,
    household: str | None = None,
) -> pl.DataFrame:
    """Each person's household deprivations (0/1 per indicator), score and poverty status.

    One row per person in the person table's order (per household when the
    survey has no person table): the household key, one column per
    indicator, ``score`` (``c_i``) and ``poor`` (``c_i >= k``).
    """
    from insaf.measures.mpi_spec import load_mpi_spec

    spec = load_mpi_spec(spec)
    key = _household_key(survey, spec, household)
    base = Level.PERSON if survey.persons is not None else Level.HOUSEHOLD
    needed = list(dict.fromkeys(c for ind in spec.indicators for c in ind.columns()))
    frame = survey.frame([key, *needed], unit=base)
    where = Location(file=survey.path)
    columns = [_indicator(frame, ind, key, where) for ind in spec.indicators]
    weights = spec.weights()
    score = np.zeros(frame.height)
    for col in columns:
        score += weights[col.name] * col.to_numpy().astype(np.float64)
    poor = score >= spec.k - _CUTOFF_TOLERANCE
    return pl.DataFrame([frame.get_column(key), *columns]).with_columns(
        pl.Series("score", score), pl.Series("poor", poor.astype(np.int8))
    )


def _derived(survey: Survey, spec: MPISpec, household: str | None, level: Level) -> Survey:
    """The survey with the MPI's person- (or household-) level variables added."""
    dep = deprivations(survey, spec, household=household)
    key = dep.columns[0]
    weights = spec.weights()
    poor = dep.get_column("poor").cast(pl.Float64)
    cols = {"poor": poor, "c": dep.get_column("score") * poor}
    for ind in spec.indicators:
        d = dep.get_column(ind.name).cast(pl.Float64)
        cols[f"d_{ind.name}"] = d
        cols[f"g_{ind.name}"] = d * poor
        cols[f"wg_{ind.name}"] = d * poor * weights[ind.name]
    added = pl.DataFrame({_PREFIX + k: v for k, v in cols.items()})
    if level is Level.PERSON or survey.persons is None:
        return with_columns(survey, None, added)
    households = survey.table(Level.HOUSEHOLD).frame.select(key)
    per_household = pl.concat([dep.select(key), added], how="horizontal").unique(
        key, keep="first", maintain_order=True
    )
    joined = households.join(per_household, on=key, how="left", maintain_order="left")
    return with_columns(survey, Level.HOUSEHOLD, joined.drop(key))


@estimation_keywords()
def mpi(
    survey: Survey,
    spec: str | Path | MPISpec = "global",
    *,
    household: str | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Alkire–Foster ``H``, ``A``, ``M0``, headcounts and contributions, with SEs.

    ``spec`` is a preset (``"global"``, ``"arab"``), a YAML path or an
    ``MPISpec``. Results per domain, in order: ``mpi.H``, ``mpi.A``,
    ``mpi.M0``, then for each indicator ``mpi.uncensored[j]``,
    ``mpi.censored[j]``, ``mpi.contribution[j]``; with ``by=``, then for each
    group ``mpi.population_share`` and ``mpi.contribution_of_group`` (its share
    of the whole population's ``M0``; the groups' contributions sum to 1).
    ``unit="household"`` counts households instead of persons.
    """
    from insaf.measures.mpi_spec import load_mpi_spec

    spec = load_mpi_spec(spec)
    unit = unit_level(survey, estimation["unit"])
    derived = _derived(survey, spec, household, unit)
    by = estimation["by"]
    by_cols = [by] if isinstance(by, str) else list(by or [])
    chosen: Estimation = {**estimation, "by": by_cols, "unit": unit}
    roles = ["poor", "c"] + [f"{p}_{ind.name}" for ind in spec.indicators for p in ("d", "g", "wg")]
    sample = prepare(derived, {r: _PREFIX + r for r in roles}, **chosen, sort=None)
    stats = [
        Statistic(name="mpi.H", kernel=mean_of("poor"), variable=spec.name),
        Statistic(name="mpi.A", kernel=ratio_of("c", "poor"), variable=spec.name),
        Statistic(name="mpi.M0", kernel=mean_of("c"), variable=spec.name),
    ]
    for ind in spec.indicators:
        j = ind.name
        stats += [
            Statistic(name=f"mpi.uncensored[{j}]", kernel=mean_of(f"d_{j}"), variable=spec.name),
            Statistic(name=f"mpi.censored[{j}]", kernel=mean_of(f"g_{j}"), variable=spec.name),
            Statistic(
                name=f"mpi.contribution[{j}]", kernel=ratio_of(f"wg_{j}", "c"), variable=spec.name
            ),
        ]
    result = run(sample, stats)
    if not by_cols:
        return result
    parts = _decomposition(derived, spec, by_cols, chosen)
    return Estimates([*result, *parts], by=by_cols)


def _decomposition(
    derived: Survey, spec: MPISpec, by: Sequence[str], estimation: Estimation
) -> list[Estimate]:
    """Population shares and contributions of each group to the whole population's M0."""
    grouped, groups = with_groups(derived, by, estimation["unit"])
    whole: Estimation = {**estimation, "by": None}
    sample = prepare(grouped, {"c": _PREFIX + "c", "group": GROUP}, **whole, sort=None)
    stats: list[Statistic] = []
    for g in range(groups.height):
        stats += [
            Statistic(name="mpi.population_share", kernel=share_of("group", g), variable=spec.name),
            Statistic(
                name="mpi.contribution_of_group",
                kernel=part_of("c", "group", float(g)),
                variable=spec.name,
            ),
        ]
    return label_groups(run(sample, stats), sample, groups, "group")
