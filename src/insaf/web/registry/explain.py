"""A determination in plain language: its reason codes as sentences, its trace as lines.

The stored trace (``insaf.registry.trace``: the value of each entry of the
ruleset and every input, in columns) is read back against the ruleset's
entries: for each expression an instrument read, its text, its value for the
household and each input with its source, date and verification. Here each becomes a
line: the programme's instrument by its label, the rule (its expression shown
as written, in ``<code>``), whether it held, and each value used, named by the
variable's label where the survey's metadata has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from insaf.web.registry import models as m

__all__ = [
    "Line",
    "Used",
    "instrument_labels",
    "lines",
    "reasons",
    "value_labels",
    "variable_label",
]


@cache
def _metadata() -> Any:
    from insaf.survey.synth.labels import metadata

    return metadata()


def variable_label(name: str, language: str) -> str | None:
    """The variable's label in ``language`` (the demo country's metadata), or ``None``."""
    label: str | None = _metadata().label(name, language)
    return label


def value_labels(name: str, language: str) -> dict[int, str]:
    """The variable's value labels in ``language`` (``{}`` when it has none)."""
    values = getattr(_metadata().get(name), "values", {}) or {}
    return {int(k): (v.ar if language == "ar" else v.en) for k, v in values.items()}


_SOURCES = {
    "survey": lambda: pgettext("source", "survey"),
    "administrative": lambda: pgettext("source", "administrative record"),
    "self_declared": lambda: pgettext("source", "self-declared"),
    "registry": lambda: pgettext("source", "another registry"),
    "derived": lambda: pgettext("source", "computed from other values"),
}
_VERIFICATION = {
    "verified": lambda: pgettext("observation", "verified"),
    "unverified": lambda: pgettext("observation", "not verified"),
    "disputed": lambda: pgettext("observation", "disputed"),
}


@dataclass(frozen=True, slots=True)
class Used:
    """One value a rule used."""

    variable: str
    label: str | None
    value: Any
    source: str
    observed: str | None
    verification: str


@dataclass(frozen=True, slots=True)
class Line:
    """One condition of the trace, ready to show."""

    instrument: str
    expression: str
    holds: bool | None
    value: float
    rule: bool
    inputs: tuple[Used, ...]


def instrument_labels(d: m.Determination, language: str) -> dict[str, str]:
    from insaf.web.registry.engine import library_ruleset

    out: dict[str, str] = {}
    for instrument in library_ruleset(d.ruleset).selected:
        label = getattr(instrument, "label", None)
        text = None
        if label is not None:
            text = label.ar if language == "ar" else label.en
        out[instrument.id] = text or d.ruleset.programme.name(language)
    return out


def _source(code: str) -> str:
    found = _SOURCES.get(code)
    return found() if found is not None else code


def _entries(d: m.Determination) -> list[dict[str, Any]]:
    """The stored trace as a list of entries, each with its inputs (both layouts read)."""
    from insaf.registry.trace import entries, read_trace
    from insaf.web.registry.engine import library_ruleset

    stored = d.trace
    if isinstance(stored, list):  # the first layout: each entry with its inputs
        return stored
    rules = entries(library_ruleset(d.ruleset))
    return [
        {
            "instrument": entry.instrument,
            "text": entry.text,
            "value": value,
            "holds": bool(value > 0) if entry.kind == "rule" else None,
            "inputs": [
                {
                    "variable": u.variable,
                    "value": u.value,
                    "source": u.source,
                    "observed": u.observed.isoformat() if u.observed else None,
                    "verification": u.verification,
                }
                for u in used
            ],
        }
        for entry, value, used in read_trace(rules, stored)
    ]


def lines(d: m.Determination, *, language: str) -> list[Line]:
    """The trace of ``d`` as lines (see the module's notes)."""
    names = instrument_labels(d, language)
    out = []
    for entry in _entries(d):
        used = tuple(
            Used(
                variable=str(i["variable"]),
                label=variable_label(str(i["variable"]), language),
                value=i["value"],
                source=_source(str(i["source"])),
                observed=i.get("observed"),
                verification=_VERIFICATION.get(str(i.get("verification")), lambda: "")(),
            )
            for i in entry.get("inputs", [])
        )
        out.append(
            Line(
                instrument=names.get(str(entry["instrument"]), str(entry["instrument"])),
                expression=str(entry["text"]),
                holds=entry.get("holds"),
                value=float(entry["value"]),
                rule=entry.get("holds") is not None,
                inputs=used,
            )
        )
    return out


def reasons(codes: Sequence[str], labels: dict[str, str] | None = None) -> list[str]:
    """Each reason code as a sentence (``<instrument>.<rule>.met``, ``.entitled``, ...)."""
    labels = labels or {}
    out = []
    for code in codes:
        instrument, _dot, rest = code.partition(".")
        name = labels.get(instrument, instrument)
        if rest == "entitled":
            out.append(_("%(name)s: entitled.") % {"name": name})
        elif rest == "not_entitled":
            out.append(_("%(name)s: not entitled.") % {"name": name})
        elif rest == "cap.applied":
            out.append(_("%(name)s: the amount was limited by its ceiling.") % {"name": name})
        elif rest.endswith(".not_met"):
            out.append(_("%(name)s: a condition is not met.") % {"name": name})
        elif rest.endswith(".met"):
            out.append(_("%(name)s: a condition is met.") % {"name": name})
    return out
