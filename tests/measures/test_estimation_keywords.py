"""Every measure takes the ``Estimation`` keywords through ``estimation_keywords``:
shown in its signature with their defaults, given to it in full, any other keyword
refused as Python refuses it, ``level=`` read as ``unit=`` with a warning."""

from __future__ import annotations

import inspect
from typing import Any, Unpack

import pytest

from insaf.measures import dominance, gini, median, quantile
from insaf.measures.types import Estimation, estimation_keywords


@estimation_keywords(old="own")
def _echo(survey: Any, variable: str, *, own: int = 0, **estimation: Unpack[Estimation]) -> Any:
    return survey, variable, own, dict(estimation)


def test_the_signature_shows_the_keywords_and_their_defaults() -> None:
    shown = str(inspect.signature(gini))
    assert shown == (
        "(survey: 'Survey', variable: 'str', *, estimator: 'GiniEstimator' = 'osier', "
        "by: 'By' = None, unit: 'Level | str | None' = None, "
        "variance: 'VarianceMethod' = 'auto', replicates: 'int' = 200, seed: 'int' = 1) "
        "-> 'Estimates'"
    )
    assert gini.__name__ == "gini" and gini.__doc__ and "Gini" in gini.__doc__
    assert list(inspect.signature(median).parameters)[-5:] == [
        "by",
        "unit",
        "variance",
        "replicates",
        "seed",
    ]
    # a measure without domains (its groups are its own) takes the Inference keywords
    shown_dominance = inspect.signature(dominance).parameters
    assert list(shown_dominance)[-4:] == ["unit", "variance", "replicates", "seed"]
    assert "by" not in shown_dominance and shown_dominance["seed"].default == 1


def test_the_function_is_given_every_keyword() -> None:
    assert _echo("s", "y", by="region") == (
        "s",
        "y",
        0,
        {"by": "region", "unit": None, "variance": "auto", "replicates": 200, "seed": 1},
    )


def test_another_keyword_is_refused_as_python_refuses_it() -> None:
    with pytest.raises(
        TypeError, match=r"^_echo\(\) got an unexpected keyword argument 'weights'$"
    ):
        _echo("s", "y", weights="w")
    with pytest.raises(TypeError, match=r"^gini\(\) got an unexpected keyword argument 'byy'$"):
        gini(None, "y", byy="region")  # type: ignore[arg-type, call-arg]
    with pytest.raises(TypeError, match="positional"):
        _echo("s", "y", "z")


def test_old_keywords_are_read_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning) as said:
        found = _echo("s", "y", level="household", old=3)  # type: ignore[call-arg]
    assert {str(w.message) for w in said} == {
        "_echo(): level= is deprecated; use unit=",
        "_echo(): old= is deprecated; use own=",
    }
    assert {w.filename for w in said} == {__file__}  # the caller's line
    assert found[2] == 3 and found[3]["unit"] == "household"
    with pytest.raises(TypeError, match="got both level= and unit="):
        _echo("s", "y", level="household", unit="person")  # type: ignore[call-arg]
    assert "ci_level" not in inspect.signature(quantile).parameters


def test_a_measure_without_domains_takes_no_by() -> None:
    from insaf.measures import fgt_decomposition, prepare

    for function in (prepare, fgt_decomposition):
        shown = list(inspect.signature(function).parameters)
        assert shown[-4:] == ["unit", "variance", "replicates", "seed"] and "by" not in shown
    with pytest.raises(TypeError, match=r"^prepare\(\) got an unexpected keyword argument 'by'$"):
        prepare(None, "y", by="region")  # type: ignore[arg-type, call-arg]
