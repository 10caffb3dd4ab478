"""Equity gaps: any measure in two groups, their difference and their ratio.

``gap(survey, "fgt0", "income_pc", between=("sex", 2, 1), options=...)``
estimates the measure in the domains ``sex == 2`` and ``sex == 1`` of the same
sample and returns, for each statistic of the measure: the two group values,
``difference`` (``a - b``) and ``ratio`` (``a / b``). Both come from the
joint influence values (or replicates) of the two estimates
(``insaf.measures.compare``), so the covariance between the groups — shared
PSUs, a relative poverty line estimated on everyone — is in the standard
error, as R's ``svyby(..., covmat=TRUE)`` followed by ``svycontrast``.

With ``by=``, the gap is computed within each domain of ``by`` (for example
the female/male gap in each governorate).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Unpack

from insaf.errors import InsafError, said
from insaf.measures.compare import difference, ratio_of
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.registry import MeasureOptions, compute
from insaf.measures.types import Estimation, estimation_keywords
from insaf.survey.survey import Survey

__all__ = ["gap", "same_group"]


def same_group(found: Any, wanted: Any) -> bool:
    """Group values match as given, as text, or as numbers ("2" matches 2 and 2.0)."""
    if found == wanted or str(found) == str(wanted):
        return True
    try:
        return math.isclose(float(found), float(wanted))
    except (TypeError, ValueError):
        return False


@estimation_keywords()
def gap(
    survey: Survey,
    measure: str,
    variable: str | None = None,
    *,
    between: tuple[str, Any, Any],
    options: MeasureOptions | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """``measure`` in groups ``a`` and ``b`` of column ``between[0]``, their difference
    and ratio, with standard errors from the joint influence values.

    For each statistic (and each domain of ``by``) four estimates, in order:
    the measure in ``a``, in ``b``, ``gap.difference[...]`` and ``gap.ratio[...]``
    (the ratio is NaN, with no standard error, when the measure is 0 in ``b``).
    """
    column, a, b = between
    by = estimation["by"]
    outer = [by] if isinstance(by, str) else list(by or [])
    if column in outer:
        raise InsafError(
            said(
                "{column} is both the gap's grouping column and a by column",
                column=repr(column),
            )
        )
    estimation["by"] = [*outer, column]
    result = compute(survey, measure, variable, options=options, **estimation)
    found = sorted({str((e.domain or {}).get(column)) for e in result})
    out: list[Estimate] = []
    keys: dict[tuple[str, tuple[Any, ...]], dict[str, Estimate]] = {}
    for est in result:
        domain = dict(est.domain or {})
        if column not in domain:
            continue  # not a statistic of the groups
        value = domain.pop(column)
        side = "a" if same_group(value, a) else "b" if same_group(value, b) else None
        if side is not None:
            slot = keys.setdefault((est.measure, tuple(domain.items())), {})
            slot[side] = est
    for (name, rest), pair in keys.items():
        if set(pair) != {"a", "b"}:
            missing = a if "a" not in pair else b
            within = said(" in {domain}", domain=dict(rest)) if rest else ""
            raise InsafError(
                said(
                    "no estimate of {name} for {column} = {missing}{within}; values found: {found}",
                    name=name,
                    column=column,
                    missing=repr(missing),
                    within=within,
                    found=", ".join(found),
                )
            )
        first, second = pair["a"], pair["b"]
        where = dict(rest) or None
        tag = f"{column}={(first.domain or {}).get(column)} vs {(second.domain or {}).get(column)}"
        diff = replace(difference(first, second), measure=f"gap.difference[{name}: {tag}]")
        if second.value == 0 or math.isnan(second.value) or math.isnan(first.value):
            rat = replace(diff, value=math.nan, se=math.nan, basis=None)  # undefined
        else:
            rat = ratio_of(first, second)
        rat = replace(rat, measure=f"gap.ratio[{name}: {tag}]")
        out += [first, second, replace(diff, domain=where), replace(rat, domain=where)]
    if not out:
        raise InsafError(
            said(
                "no groups {column} = {a} and {b} found; values found: {found}",
                column=column,
                a=repr(a),
                b=repr(b),
                found=", ".join(found),
            )
        )
    return Estimates(out, by=[*outer, column])
