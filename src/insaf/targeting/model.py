"""``PmtModel``: a fitted proxy-means test that can be saved, read and applied.

The model predicts log welfare per person from proxies. It is a plain value:
proxies with their encodings, one set of coefficients per group (one group
unless fitted ``by`` a variable such as ``urban``), where it came from (survey,
year, seed, INSAF version) and how well it did (validation). ``to_json`` writes
it with a ``format`` and ``version`` so later versions can read old files;
``score`` applies it to any data holding its proxies and refuses data lacking
one, naming it; ``expression`` writes it as a policy-engine expression, so a
scenario can compute the score itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, said
from insaf.measures.variance import FloatArray
from insaf.survey import Survey
from insaf.targeting.proxies import Proxy, _lit, design_matrix

__all__ = ["FORMAT", "VERSION", "GroupModel", "PmtModel"]

FORMAT = "insaf.pmt"
VERSION = 1


@dataclass(frozen=True, kw_only=True)
class GroupModel:
    """Coefficients of one group (``group`` is None for a single model)."""

    group: float | int | None
    intercept: float
    coefficients: Mapping[str, float]
    n: int
    r2: float | None = None
    rmse: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "intercept": self.intercept,
            "coefficients": dict(self.coefficients),
            "n": self.n,
            "r2": self.r2,
            "rmse": self.rmse,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupModel:
        return cls(
            group=data.get("group"),
            intercept=float(data["intercept"]),
            coefficients={str(k): float(v) for k, v in data.get("coefficients", {}).items()},
            n=int(data.get("n", 0)),
            r2=None if data.get("r2") is None else float(data["r2"]),
            rmse=None if data.get("rmse") is None else float(data["rmse"]),
        )


@dataclass(frozen=True, kw_only=True)
class PmtModel:
    """A proxy-means test: ``score = intercept_g + sum_j b_gj x_j`` (log welfare per person)."""

    proxies: tuple[Proxy, ...]
    models: tuple[GroupModel, ...]
    welfare: str
    by: str | None = None
    selection: str = "ols"
    unit: str = "household"
    penalty: float | None = None
    seed: int | None = None
    survey: Mapping[str, Any] = field(default_factory=dict)
    validation: Mapping[str, Any] = field(default_factory=dict)
    created: str | None = None
    insaf_version: str | None = None

    @property
    def variables(self) -> list[str]:
        """Survey variables the model reads (its proxies, and ``by``)."""
        names = list(dict.fromkeys(p.name for p in self.proxies))
        return names + ([self.by] if self.by and self.by not in names else [])

    def _group_index(self, frame: pl.DataFrame) -> np.ndarray[Any, Any]:
        if self.by is None:
            return np.zeros(frame.height, dtype=np.int64)
        values = frame.get_column(self.by).cast(pl.Float64).to_numpy()
        groups = np.asarray([float(m.group) for m in self.models if m.group is not None])
        index = np.full(values.size, -1, dtype=np.int64)
        for i, g in enumerate(groups):
            index[values == g] = i
        if np.any(index < 0):
            unseen = np.unique(values[index < 0])
            raise DataError(
                said(
                    "{by} has value(s) {unseen} with no model (models for: {groups})",
                    by=repr(self.by),
                    unseen=", ".join(f"{u:g}" for u in unseen),
                    groups=", ".join(f"{g:g}" for g in groups),
                )
            )
        return index

    def score(self, data: Survey | pl.DataFrame) -> FloatArray:
        """Predicted log welfare per person of every household of ``data``."""
        frame = data.households.frame if isinstance(data, Survey) and data.households else data
        if not isinstance(frame, pl.DataFrame):
            raise DataError(
                said(
                    "the model scores a household table; this survey has none",
                )
            )
        missing = [v for v in self.variables if v not in frame.columns]
        if missing:
            raise DataError(
                said(
                    "the data lack variable(s) the model needs: {missing} (the model reads "
                    "{variables})",
                    missing=", ".join(repr(m) for m in missing),
                    variables=", ".join(self.variables),
                )
            )
        x, names = design_matrix(self.proxies, frame)
        index = self._group_index(frame)
        out = np.zeros(frame.height)
        for i, m in enumerate(self.models):
            beta = np.asarray([m.coefficients.get(n, 0.0) for n in names])
            rows = index == i
            out[rows] = m.intercept + x[rows] @ beta
        return out

    def expression(self) -> str:
        """The score as a policy-engine (Polars SQL) expression."""

        def one(m: GroupModel) -> str:
            terms = [_lit(m.intercept)] + [t for p in self.proxies for t in p.sql(m.coefficients)]
            return " + ".join(terms)

        if self.by is None:
            return one(self.models[0])
        cases = " ".join(
            f'WHEN "{self.by}" = {_lit(float(m.group or 0))} THEN {one(m)}' for m in self.models
        )
        return f"CASE {cases} END"

    # -- files ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created": self.created,
            "insaf_version": self.insaf_version,
            "welfare": self.welfare,
            "target": f"ln({self.welfare})",
            "by": self.by,
            "selection": self.selection,
            "unit": self.unit,
            "penalty": self.penalty,
            "seed": self.seed,
            "survey": dict(self.survey),
            "proxies": [p.to_dict() for p in self.proxies],
            "models": [m.to_dict() for m in self.models],
            "expression": self.expression(),
            "validation": dict(self.validation),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.to_json() + "\n", encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PmtModel:
        if data.get("format") != FORMAT:
            raise InsafError(
                said(
                    "not a PMT model (format {found}, not {format})",
                    found=repr(data.get("format")),
                    format=repr(FORMAT),
                )
            )
        version = int(data.get("version", 0))
        if version > VERSION:
            raise InsafError(
                said(
                    "PMT model version {version} is newer than this INSAF reads",
                    version=version,
                )
            )
        try:
            return cls(
                proxies=tuple(Proxy.from_dict(p) for p in data["proxies"]),
                models=tuple(GroupModel.from_dict(m) for m in data["models"]),
                welfare=str(data["welfare"]),
                by=data.get("by"),
                selection=str(data.get("selection", "ols")),
                # "weights": the key of models saved before docs/glossary.md named it
                unit=str(data.get("unit", data.get("weights", "household"))),
                penalty=data.get("penalty"),
                seed=data.get("seed"),
                survey=dict(data.get("survey") or {}),
                validation=dict(data.get("validation") or {}),
                created=data.get("created"),
                insaf_version=data.get("insaf_version"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InsafError(
                said(
                    "the PMT model file is incomplete or malformed: {reason}",
                    reason=str(exc),
                )
            ) from None

    @classmethod
    def load(cls, path: str | Path) -> PmtModel:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InsafError(said("{path}: PMT model file not found", path=path)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InsafError(
                said("{path}: not JSON ({reason})", path=path, reason=str(exc))
            ) from None
        return cls.from_dict(data)

    @classmethod
    def from_terms(cls, spec: Mapping[str, Any], *, welfare: str = "consumption_pc") -> PmtModel:
        """A model from a published formula: ``{intercept, terms: [{variable, in, transform,
        coefficient}]}`` (the shape of ``survey.policy["instruments"][...]["pmt"]``)."""
        proxies: list[Proxy] = []
        coefficients: dict[str, float] = {}
        for term in spec.get("terms", []):
            name = str(term["variable"])
            codes = term.get("in")
            if codes is not None:
                proxy = Proxy(name=name, encoding="in", levels=tuple(float(v) for v in codes))
            else:
                transform = term.get("transform")
                if transform not in (None, "log", "log1p"):
                    raise InsafError(
                        said(
                            "term {name}: unknown transform {transform}",
                            name=repr(name),
                            transform=repr(transform),
                        )
                    )
                proxy = Proxy(name=name, encoding=transform or "numeric")
            column = proxy.columns()[0]
            if column in coefficients:
                raise InsafError(
                    said(
                        "term {column} appears twice in the formula",
                        column=repr(column),
                    )
                )
            proxies.append(proxy)
            coefficients[column] = float(term["coefficient"])
        model = GroupModel(
            group=None,
            intercept=float(spec.get("intercept", 0.0)),
            coefficients=coefficients,
            n=0,
        )
        return cls(
            proxies=tuple(proxies),
            models=(model,),
            welfare=welfare,
            selection="published",
        )
