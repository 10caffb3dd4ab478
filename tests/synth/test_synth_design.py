"""The sample design and the links between tables: invariants that must hold
for every seed, size and year."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from insaf.errors import DataError, DesignError
from insaf.survey import Survey
from insaf.survey.synth import synthesize
from insaf.survey.synth.country import GOVERNORATES
from insaf.survey.validate import validate

from .conftest import SMALL


def _households(survey: Survey) -> pl.DataFrame:
    assert survey.households is not None
    return survey.households.frame


def _persons(survey: Survey) -> pl.DataFrame:
    assert survey.persons is not None
    return survey.persons.frame


def test_labelled_synthetic(small: Survey) -> None:
    assert small.synthetic is True
    assert small.year == 2024
    assert "synthetic" in (small.name.en or "")
    assert "مصطنعة" in (small.name.ar or "")


def test_exactly_the_households_asked_for(small: Survey) -> None:
    assert small.n_households == SMALL


def test_weights_positive_and_sum_to_the_population(small: Survey) -> None:
    hh = _households(small)
    weight = hh["weight"].to_numpy()
    assert np.all(weight > 0) and np.all(np.isfinite(weight))
    population = small.policy["population"]
    assert weight.sum() == pytest.approx(population["households"], abs=0.1)
    persons = (weight * hh["hhsize"].to_numpy()).sum()
    assert persons == pytest.approx(population["persons"], abs=0.1)
    # the person table, with each member carrying the household weight, gives the same
    assert small.population("person") == pytest.approx(population["persons"], abs=0.1)


def test_weights_sum_to_each_stratum_population(small: Survey) -> None:
    sample = small.policy["sample"]
    by_stratum = _households(small).group_by("stratum").agg(pl.col("weight").sum())
    total = dict(zip(sample["stratum"], sample["households"], strict=True))
    for stratum, weight in by_stratum.iter_rows():
        assert weight == pytest.approx(total[stratum], abs=0.1)


def test_two_or_more_psus_per_stratum_each_psu_in_one_stratum(small: Survey) -> None:
    hh = _households(small)
    psus = hh.group_by("stratum").agg(pl.col("psu").n_unique())
    assert psus.height == 2 * len(GOVERNORATES)
    assert psus["psu"].min() >= 2  # type: ignore[operator]
    strata_per_psu = hh.group_by("psu").agg(pl.col("stratum").n_unique())
    assert strata_per_psu["stratum"].max() == 1


def test_fpc_is_the_frame_count_and_exceeds_the_sample(small: Survey) -> None:
    hh = _households(small)
    per = hh.group_by("stratum").agg(
        pl.col("fpc").n_unique().alias("values"), pl.col("fpc").first(), pl.col("psu").n_unique()
    )
    assert per["values"].max() == 1
    assert (per["fpc"] > per["psu"]).all()


def test_strata_codes_follow_governorate_and_area(small: Survey) -> None:
    hh = _households(small)
    expected = hh["governorate"] * 10 + pl.Series([1 if u else 2 for u in hh["urban"]])
    assert (hh["stratum"] == expected).all()
    assert ((hh["psu"] // 100_000) == hh["stratum"]).all()
    assert ((hh["hhid"] // 100) == hh["psu"]).all()


def test_keys_and_links(small: Survey) -> None:
    hh, persons = _households(small), _persons(small)
    assert hh["hhid"].is_unique().all() and persons["pid"].is_unique().all()
    assert persons["hhid"].is_in(hh["hhid"].implode()).all()
    assert hh["hhid"].is_in(persons["hhid"].implode()).all()
    items = small.items["consumption"].frame
    assert items.select(["hhid", "item"]).is_unique().all()
    assert items["hhid"].is_in(hh["hhid"].implode()).all()


def test_one_head_and_sizes_match_members(small: Survey) -> None:
    hh, persons = _households(small), _persons(small)
    members = persons.group_by("hhid").agg(
        pl.len().alias("members"),
        (pl.col("relationship") == 1).sum().alias("heads"),
        (pl.col("age") < 18).sum().alias("children"),
        (pl.col("age") >= 65).sum().alias("elderly"),
        (pl.col("line_no").max()).alias("last_line"),
    )
    joined = hh.join(members, on="hhid")
    assert (joined["heads"] == 1).all()
    assert (joined["hhsize"] == joined["members"]).all()
    assert (joined["last_line"] == joined["members"]).all()
    assert (joined["n_children"] == joined["children"]).all()
    assert (joined["n_elderly"] == joined["elderly"]).all()
    heads = persons.filter(pl.col("relationship") == 1).join(hh, on="hhid")
    assert (heads["line_no"] == 1).all()
    assert (heads["sex"] == heads["head_sex"]).all() and (heads["age"] == heads["head_age"]).all()
    assert (heads["age"] >= 18).all()


def test_ages_and_codes_in_range(small: Survey) -> None:
    persons = _persons(small)
    assert persons["age"].min() >= 0 and persons["age"].max() <= 100  # type: ignore[operator]
    assert set(persons["sex"].unique()) <= {1, 2}


def test_passes_insaf_validation(small: Survey) -> None:
    report = validate(small)
    assert report.ok, [p.message for p in report.problems]
    assert not report.problems


@pytest.mark.parametrize("households", [100, 137])
def test_small_samples_keep_two_psus_per_stratum(households: int) -> None:
    survey = synthesize(households, 11)
    hh = _households(survey)
    assert hh.height == households
    assert hh.group_by("stratum").agg(pl.col("psu").n_unique())["psu"].min() == 2
    assert validate(survey).ok


def test_bad_requests_are_named_errors() -> None:
    with pytest.raises(DesignError, match="between 100 and"):
        synthesize(99, 1)
    with pytest.raises(DesignError, match="between 100 and"):
        synthesize(10_000_000, 1)
    with pytest.raises(DataError, match="outside"):
        synthesize(500, 1, 1990)
    with pytest.raises(DataError, match="non-negative"):
        synthesize(500, -1)
    with pytest.raises(DesignError, match="take"):
        synthesize(500, 1, take=1)
