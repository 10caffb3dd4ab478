"""Variable metadata: labels and value labels, in Arabic and English.

Labels are kept per language (``"en"``, ``"ar"``). A file format that holds a
single language (Stata, SPSS) carries one of them; the manifest carries all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = [
    "LANGUAGES",
    "Label",
    "Metadata",
    "Role",
    "Variable",
    "VariableType",
    "metadata_from_json",
    "metadata_to_json",
]

LANGUAGES: tuple[str, ...] = ("en", "ar")


class VariableType(StrEnum):
    """Storage type of a variable, checked strictly when a file is read."""

    INT = "int"
    FLOAT = "float"
    STR = "str"
    BOOL = "bool"


class Role(StrEnum):
    """What a variable means, where validation has a rule for it."""

    AGE = "age"
    SEX = "sex"
    HOUSEHOLD_SIZE = "household_size"
    RELATIONSHIP = "relationship"


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Label:
    """A text in several languages: ``Label(en="Age", ar="العمر")``."""

    en: str | None = None
    ar: str | None = None

    def get(self, lang: str, fallback: bool = True) -> str | None:
        """The text in ``lang``; with ``fallback``, any other language if missing."""
        text = getattr(self, lang, None) if lang in LANGUAGES else None
        if text is None and fallback:
            for other in LANGUAGES:
                text = getattr(self, other)
                if text is not None:
                    break
        return text

    def merge(self, other: Label) -> Label:
        """This label, with languages it lacks taken from ``other``."""
        return Label(en=self.en or other.en, ar=self.ar or other.ar)

    def to_dict(self) -> dict[str, str]:
        return {lang: text for lang in LANGUAGES if (text := getattr(self, lang)) is not None}

    @classmethod
    def of(cls, value: str | Mapping[Any, str] | Label | None, lang: str = "en") -> Label:
        """A label from a plain string (in ``lang``), a mapping or a label."""
        if value is None:
            return cls()
        if isinstance(value, Label):
            return value
        if isinstance(value, str):
            return cls(**{lang: value})
        return cls(**{k: v for k, v in value.items() if k in LANGUAGES})

    def __bool__(self) -> bool:
        return any(getattr(self, lang) for lang in LANGUAGES)


@dataclass(frozen=True, slots=True, kw_only=True)
class Variable:
    """What is known of one column: label, value labels, declared type and role."""

    name: str
    label: Label = Label()
    values: Mapping[int | float | str, Label] = field(default_factory=dict)
    type: VariableType | None = None
    role: Role | None = None
    unit_of_measure: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _frozen(self.values))

    def merge(self, other: Variable) -> Variable:
        """This variable's metadata, completed from ``other`` (same name)."""
        values = dict(other.values)
        for code, label in self.values.items():
            values[code] = label.merge(other.values.get(code, Label()))
        return replace(
            self,
            label=self.label.merge(other.label),
            values=values,
            type=self.type or other.type,
            role=self.role or other.role,
            unit_of_measure=self.unit_of_measure or other.unit_of_measure,
        )


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata for the variables of a survey, keyed by column name."""

    variables: Mapping[str, Variable] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", _frozen(self.variables))

    @classmethod
    def of(cls, variables: Iterable[Variable]) -> Metadata:
        return cls({v.name: v for v in variables})

    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    def get(self, name: str) -> Variable:
        """The variable's metadata, or an empty record when none is known."""
        return self.variables.get(name) or Variable(name=name)

    def label(self, name: str, lang: str = "en") -> str | None:
        return self.get(name).label.get(lang)

    def with_role(self, role: Role) -> list[str]:
        """Names of the variables that carry ``role``."""
        return [v.name for v in self.variables.values() if v.role == role]

    def merge(self, other: Metadata) -> Metadata:
        """This metadata, completed from ``other``; this side wins on conflicts."""
        merged = dict(other.variables)
        for name, var in self.variables.items():
            merged[name] = var.merge(other.variables[name]) if name in other else var
        return Metadata(merged)

    def subset(self, names: Iterable[str]) -> Metadata:
        keep = set(names)
        return Metadata({n: v for n, v in self.variables.items() if n in keep})


def metadata_to_json(metadata: Metadata) -> str:
    """Metadata as JSON text, embedded in Parquet and SPSS files.

    Value-label codes keep their type (JSON object keys could not), so value
    labels are a list of ``[code, {lang: text}]`` pairs.
    """
    import json

    data: dict[str, dict[str, Any]] = {}
    for name, var in metadata.variables.items():
        entry: dict[str, Any] = {}
        if var.label:
            entry["label"] = var.label.to_dict()
        if var.values:
            entry["values"] = [[code, label.to_dict()] for code, label in var.values.items()]
        for attr in ("type", "role", "unit_of_measure"):
            value = getattr(var, attr)
            if value is not None:
                entry[attr] = str(value)
        data[name] = entry
    return json.dumps({"insaf_metadata": 1, "variables": data}, ensure_ascii=False)


def metadata_from_json(text: str) -> Metadata:
    """The inverse of ``metadata_to_json``; ``ValueError`` on anything else."""
    import json

    data = json.loads(text)
    if not isinstance(data, dict) or data.get("insaf_metadata") != 1:
        raise ValueError("not INSAF metadata")
    variables = []
    for name, entry in data["variables"].items():
        variables.append(
            Variable(
                name=name,
                label=Label.of(entry.get("label")),
                values={code: Label.of(label) for code, label in entry.get("values", [])},
                type=VariableType(entry["type"]) if "type" in entry else None,
                role=Role(entry["role"]) if "role" in entry else None,
                # "unit": the key of files written before docs/glossary.md
                unit_of_measure=entry.get("unit_of_measure", entry.get("unit")),
            )
        )
    return Metadata.of(variables)
