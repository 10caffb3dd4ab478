"""What ``prepare`` keeps on a survey: computed once, the same numbers, never stale."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from insaf import measures
from insaf.errors import DataError
from insaf.measures import _kept
from insaf.measures.variance import DesignArrays
from insaf.survey.design import Design
from insaf.survey.survey import Level, Survey
from insaf.survey.table import Table


def _survey(weight_scale: float = 1.0) -> Survey:
    rng = np.random.default_rng(3)
    n = 400
    frame = pl.DataFrame(
        {
            "y": rng.lognormal(5.0, 0.8, n),
            "w": rng.uniform(1.0, 3.0, n) * weight_scale,
            "stratum": np.repeat(np.arange(4), n // 4),
            "psu": np.repeat(np.arange(40), n // 40),
            "region": rng.choice(["a", "b", "c"], n),
        }
    )
    return Survey(
        persons=Table(name="persons", frame=frame),
        design=Design(weight="w", strata="stratum", psu="psu"),
    )


def test_design_codes_are_built_once_per_survey(monkeypatch: pytest.MonkeyPatch) -> None:
    survey = _survey()
    calls: list[int] = []
    build = DesignArrays.build.__func__  # type: ignore[attr-defined]

    def counted(cls: type[DesignArrays], /, **kwargs: object) -> DesignArrays:
        calls.append(1)
        return build(cls, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(DesignArrays, "build", classmethod(counted))
    first = measures.gini(survey, "y", by="region")
    again = measures.gini(survey, "y", by="region")
    measures.mean(survey, "y")
    measures.fgt(survey, "y", line=100.0, by="region")
    assert len(calls) == 1
    for a, b in zip(first, again, strict=True):
        assert (a.value, a.se, a.domain) == (b.value, b.se, b.domain)
    # a fresh survey with the same data builds its own, and agrees
    fresh = measures.gini(_survey(), "y", by="region")
    assert len(calls) == 2
    assert [e.se for e in fresh] == [e.se for e in first]


def test_kept_arrays_are_read_only() -> None:
    survey = _survey()
    kept = _kept.base(survey, Level.PERSON)
    assert not kept.w.flags.writeable
    assert not kept.design.psu.flags.writeable
    found = _kept.domains(survey, Level.PERSON, ["region"])
    assert found.codes is not None and not found.codes.flags.writeable
    assert found.codes.dtype == np.uint8
    with pytest.raises(ValueError):
        kept.w[0] = 1.0


def test_a_derived_survey_does_not_reuse_the_parent_design() -> None:
    survey = _survey()
    clustered = measures.mean(survey, "y")[0]
    unclustered = survey.with_design(Design(weight="w"))
    assert measures.mean(unclustered, "y")[0].se != clustered.se
    assert measures.mean(survey, "y")[0].se == clustered.se
    rescaled = measures.mean(_survey(weight_scale=2.0), "y")[0]
    assert rescaled.value == pytest.approx(clustered.value)  # a mean ignores the scale
    assert measures.total(_survey(weight_scale=2.0), "y")[0].value == pytest.approx(
        2.0 * measures.total(survey, "y")[0].value
    )


def test_created_replicates_are_kept_per_method_count_and_seed() -> None:
    survey = _survey()
    one = measures.gini(survey, "y", variance="bootstrap", replicates=50, seed=1)[0]
    same = measures.gini(survey, "y", variance="bootstrap", replicates=50, seed=1)[0]
    other = measures.gini(survey, "y", variance="bootstrap", replicates=50, seed=2)[0]
    more = measures.gini(survey, "y", variance="bootstrap", replicates=60, seed=1)[0]
    assert one.se == same.se
    assert len({one.se, other.se, more.se}) == 3
    fresh = measures.gini(_survey(), "y", variance="bootstrap", replicates=50, seed=1)[0]
    assert fresh.se == one.se
    # estimates made in separate calls still pair (same design and replicate keys)
    diff = measures.difference(
        one, measures.mean(survey, "y", variance="bootstrap", replicates=50, seed=1)[0]
    )
    assert np.isfinite(diff.se)


def test_errors_are_raised_on_every_call() -> None:
    survey = _survey()
    assert survey.persons is not None
    frame = survey.persons.frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("w")).alias("w"),
        pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("region")).alias("region"),
    )
    broken = replace(survey, persons=Table(name="persons", frame=frame))
    for _ in range(2):
        with pytest.raises(DataError, match="weight column 'w' has 1 missing"):
            measures.mean(broken, "y")
    fine = survey.with_tables(persons=Table(name="persons", frame=frame.with_columns(w=1.0)))
    for _ in range(2):
        with pytest.raises(DataError, match="by column 'region' has 1 missing"):
            measures.mean(fine, "y", by="region")
