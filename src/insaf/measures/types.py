"""The conventions a measure's signature names, in one place.

``Below`` says who is poor (``"<"``: strictly below the line, the default;
``"<="``: convey's); ``QuantileRule`` how a weighted quantile is read off the
distribution function (``docs/methods/quantiles.md``); ``GiniEstimator`` which
Gini (``"osier"``: convey; ``"eurostat"``: laeken); ``NonPositive`` what a
log-based measure does with zero or negative values; ``VarianceMethod`` how
standard errors are computed; ``Relative`` a poverty line that is a share of
the whole population's median or mean; ``Estimation`` the keywords every
measure takes after its own, ``Inference`` those of one without domains
(``estimation_keywords`` shows them in its signature).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Final, Literal, ParamSpec, TypedDict, TypeVar

from insaf._renamed import renamed_keywords
from insaf.errors import InsafError, said
from insaf.survey.survey import Level

__all__ = [
    "QUANTILE_RULES",
    "Below",
    "By",
    "GiniEstimator",
    "Line",
    "NonPositive",
    "QuantileRule",
    "Relative",
    "RelativeOf",
    "VarianceMethod",
]

Below = Literal["<", "<="]
By = str | Sequence[str] | None
GiniEstimator = Literal["osier", "eurostat"]
NonPositive = Literal["error", "exclude"]
QuantileRule = Literal["convey", "eurostat", "laeken"]
QUANTILE_RULES: tuple[str, ...] = ("convey", "eurostat", "laeken")
RelativeOf = Literal["median", "mean"]
VarianceMethod = Literal[
    "auto", "linearization", "replicates", "jackknife", "bootstrap", "subbootstrap"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Relative:
    """A relative poverty line: ``share`` times the whole population's median or mean."""

    share: float = 0.6
    of: RelativeOf = "median"

    def __post_init__(self) -> None:
        if not self.share > 0:
            raise InsafError(
                said(
                    "a relative line needs a positive share, not {share}",
                    share=self.share,
                )
            )
        if self.of not in ("median", "mean"):
            raise InsafError(
                said(
                    "a relative line is a share of the median or the mean, not {of}",
                    of=repr(self.of),
                )
            )


Line = float | int | str | Relative
"""A poverty line: a number, the name of a per-unit column, or a ``Relative`` line."""


class Inference(TypedDict, total=False):
    """The keywords of a measure without domains (a decomposition's groups are its
    own): the unit of analysis (``unit``), how standard errors are computed
    (``variance``) and, for created replicates, how many (``replicates``) from which
    ``seed``."""

    unit: Level | str | None
    variance: VarianceMethod
    replicates: int
    seed: int


class Estimation(Inference, total=False):
    """The keywords every measure takes after its own: the domains (``by``) and the
    ``Inference`` keywords."""

    by: By


INFERENCE_DEFAULTS: Final[Inference] = {
    "unit": None,
    "variance": "auto",
    "replicates": 200,
    "seed": 1,
}
ESTIMATION_DEFAULTS: Final[Estimation] = {"by": None, **INFERENCE_DEFAULTS}
_DEFAULTS: Final[Mapping[str, Mapping[str, object]]] = {
    "Unpack[Estimation]": ESTIMATION_DEFAULTS,
    "Unpack[Inference]": INFERENCE_DEFAULTS,
}

P = ParamSpec("P")
R = TypeVar("R")


def estimation_keywords(**renames: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A measure whose ``**estimation: Unpack[Estimation]`` (or ``**inference:
    Unpack[Inference]``) are the estimation keywords.

    Its signature (``help``, ``inspect.signature``, the measure registry) shows each
    of them with its default; the function is given all of them (the default of one
    not passed); any other keyword is refused as Python refuses it; ``level=`` is
    read as ``unit=`` with a warning, as are the other ``renames`` (``old="new"``).
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(func)
        own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        (keywords,) = [p for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]
        defaults = _DEFAULTS[keywords.annotation]
        takes = {p.name for p in own} | set(defaults)

        @wraps(func)
        def given_all(*args: P.args, **kwargs: P.kwargs) -> R:
            for name in kwargs:
                if name not in takes:
                    raise TypeError(
                        f"{func.__qualname__}() got an unexpected keyword argument {name!r}"
                    )
            for name, default in defaults.items():
                kwargs.setdefault(name, default)
            return func(*args, **kwargs)

        measure = renamed_keywords(level="unit", **renames)(given_all)
        measure.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*own, *_shown(defaults)]
        )
        return measure

    return decorate


def _shown(defaults: Mapping[str, object]) -> list[inspect.Parameter]:
    """The keywords as a signature shows them, with their defaults."""
    return [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=default,
            annotation=Estimation.__annotations__[name].__forward_arg__,
        )
        for name, default in defaults.items()
    ]
