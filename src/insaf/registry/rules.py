"""A programme's rulebook: policy-engine instruments with a version, dates and approval.

A ruleset does not restate the rules: it names a scenario file (the YAML that
``insaf simulate`` reads), a policy of that scenario (``baseline`` or a reform)
and the instruments of that policy the programme runs. The survey simulation
and the registry's determinations therefore run one artefact. A file::

    id: cash_assistance
    version: 2
    name: {en: National Cash Assistance Programme, ar: البرنامج الوطني للمساعدات النقدية}
    effective_from: 2024-01-01
    effective_to: null            # open-ended
    legal_reference: Decree 17 of 2023, article 4
    scenario: programmes.yaml     # relative to this file
    policy: baseline
    instruments: [cash_assistance]
    pmt: {model: pmt.json, variable: pmt_score}   # optional, a model from insaf target fit
    drafted_by: analyst-1
    approved_by: director-2       # maker-checker: never the drafter

``content_hash`` is a SHA-256 over a canonical JSON of what decides an
outcome (the instruments as validated, the variables they read, the period,
the policy they are compared with, the PMT model, the identity, version and
dates); who drafted and approved it is not part of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from insaf.errors import InsafError, Location, SpecError, said
from insaf.policy.instruments import Instrument
from insaf.policy.instruments.base import Identifier, TextSpec
from insaf.policy.scenario import Policy, Scenario, load_scenario
from insaf.specs import load_spec
from insaf.targeting.model import PmtModel

__all__ = [
    "ApprovalError",
    "PmtRule",
    "PmtSpec",
    "Ruleset",
    "RulesetSpec",
    "approve",
    "dump_spec",
    "load_ruleset",
]


class ApprovalError(InsafError):
    """A ruleset approved by the person who drafted it, or used without approval."""


class PmtSpec(BaseModel):
    """The PMT a programme scores households with."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    model: str
    variable: Identifier = "pmt_score"


class RulesetSpec(BaseModel):
    """A ruleset file as written (see the module's notes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    version: int = Field(ge=1)
    name: TextSpec
    effective_from: dt.date
    effective_to: dt.date | None = None
    legal_reference: str = Field(min_length=1)
    scenario: str
    policy: Identifier = "baseline"
    instruments: list[Identifier] = Field(min_length=1)
    pmt: PmtSpec | None = None
    drafted_by: str = Field(min_length=1)
    approved_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class PmtRule:
    """A PMT model and the household variable its score is written to."""

    model: PmtModel
    variable: str = "pmt_score"


def _same_person(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True, kw_only=True, eq=False)
class Ruleset:
    """One version of a programme's rules (see the module's notes)."""

    id: str
    version: int
    name: TextSpec
    effective_from: dt.date
    effective_to: dt.date | None
    legal_reference: str
    scenario: Scenario
    policy: Policy
    base: Policy
    """The policy ``policy`` is compared with (itself when it is the baseline)."""
    instruments: tuple[str, ...]
    pmt: PmtRule | None = None
    drafted_by: str
    approved_by: str | None = None
    file: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if _same_person(self.drafted_by, self.approved_by):
            raise ApprovalError(
                said(
                    "ruleset {id} version {version}: approved by its drafter "
                    "{drafter}; another person must approve it",
                    id=repr(self.id),
                    version=self.version,
                    drafter=repr(self.drafted_by),
                )
            )
        known = {i.id for i in self.policy.instruments}
        missing = [i for i in self.instruments if i not in known]
        if missing:
            raise SpecError(
                self.file,
                [
                    (
                        Location(file=self.file, key="instruments"),
                        said(
                            "instrument(s) {missing} are not in policy {policy} "
                            "(instruments: {known})",
                            missing=", ".join(repr(m) for m in missing),
                            policy=repr(self.policy.name),
                            known=", ".join(sorted(known)),
                        ),
                    )
                ],
            )

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        policy: Policy | str = "baseline",
        instruments: Sequence[str] | None = None,
        *,
        id: str | None = None,
        version: int = 1,
        name: TextSpec | None = None,
        effective_from: dt.date = dt.date(1900, 1, 1),
        effective_to: dt.date | None = None,
        legal_reference: str = "",
        drafted_by: str = "",
        approved_by: str | None = None,
        pmt: PmtRule | None = None,
    ) -> Ruleset:
        """A ruleset running ``instruments`` (all by default) of a policy of ``scenario``."""
        if isinstance(policy, str):
            policies = scenario.policies()
            if policy not in policies:
                raise SpecError(
                    scenario.file,
                    [
                        (
                            Location(file=scenario.file),
                            said("no policy {policy} in the scenario", policy=repr(policy)),
                        )
                    ],
                )
            policy = policies[policy]
        chosen = (
            tuple(instruments)
            if instruments is not None
            else tuple(i.id for i in policy.instruments)
        )
        return cls(
            id=id or policy.name,
            version=version,
            name=name or TextSpec(en=policy.name, ar=policy.name),
            effective_from=effective_from,
            effective_to=effective_to,
            legal_reference=legal_reference,
            scenario=scenario,
            policy=policy,
            base=scenario.baseline_policy if policy.name != "baseline" else policy,
            instruments=chosen,
            pmt=pmt,
            drafted_by=drafted_by,
            approved_by=approved_by,
        )

    # -- what the rules are ---------------------------------------------------------------

    @property
    def selected(self) -> tuple[Instrument, ...]:
        """The programme's instruments, in the order of the policy."""
        chosen = set(self.instruments)
        return tuple(i for i in self.policy.instruments if i.id in chosen)

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    def in_force(self, date: dt.date) -> bool:
        """Whether the rules apply on ``date`` (``effective_to`` is the first day they do not)."""
        return self.effective_from <= date and (
            self.effective_to is None or date < self.effective_to
        )

    def canonical(self) -> dict[str, Any]:
        """What decides an outcome, as plain JSON data (see ``content_hash``)."""
        scenario = self.scenario

        def instruments(policy: Policy) -> list[Any]:
            return [i.model_dump(mode="json") for i in policy.instruments]

        out: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "name": self.name.model_dump(mode="json"),
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "legal_reference": self.legal_reference,
            "period": scenario.period,
            "variables": {k: v.model_dump(mode="json") for k, v in scenario.variables.items()},
            "items": scenario.items.model_dump(mode="json"),
            "elasticities": scenario.item_elasticities(),
            "policy": {"name": self.policy.name, "instruments": instruments(self.policy)},
            "selected": list(self.instruments),
        }
        if self.base is not self.policy:
            out["base"] = instruments(self.base)
        if self.pmt is not None:
            out["pmt"] = {"variable": self.pmt.variable, "model": _pmt_data(self.pmt.model)}
        return out

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON (sorted keys, no spaces) of ``canonical()``; computed
        once (the ruleset is frozen), as every determination's input text starts with it."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def title(self, lang: str = "en") -> str:
        return (self.name.ar if lang == "ar" else self.name.en) or self.name.en or self.id


def _pmt_data(model: PmtModel) -> Any:
    data = model.to_dict()
    for volatile in ("created", "insaf_version"):
        data.pop(volatile, None)
    return data


def approve(ruleset: Ruleset, approver: str) -> Ruleset:
    """``ruleset`` approved by ``approver``; an ``ApprovalError`` when it is its drafter."""
    if not approver.strip():
        raise ApprovalError(said("an approval needs the approver's name"))
    if _same_person(ruleset.drafted_by, approver):
        raise ApprovalError(
            said(
                "ruleset {id} version {version} was drafted by {approver}: "
                "another person must approve it",
                id=repr(ruleset.id),
                version=ruleset.version,
                approver=repr(approver),
            )
        )
    return replace(ruleset, approved_by=approver)


def load_ruleset(path: str | Path) -> Ruleset:
    """Read a ruleset file; problems name the file, key and line (``SpecError``)."""
    path = Path(path)
    spec = load_spec(RulesetSpec, path)
    scenario_path = Path(spec.scenario)
    if not scenario_path.is_absolute():
        scenario_path = path.parent / scenario_path
    if not scenario_path.is_file():
        raise SpecError(
            str(path),
            [
                (
                    Location(file=str(path), key="scenario"),
                    said("scenario {name} not found", name=repr(spec.scenario)),
                )
            ],
        )
    scenario = load_scenario(scenario_path)
    pmt = None
    if spec.pmt is not None:
        model_path = Path(spec.pmt.model)
        if not model_path.is_absolute():
            model_path = path.parent / model_path
        pmt = PmtRule(model=PmtModel.load(model_path), variable=spec.pmt.variable)
    if _same_person(spec.drafted_by, spec.approved_by):
        raise ApprovalError(
            said(
                "{file}: ruleset {id} version {version} is approved by its drafter "
                "{drafter}; another person must approve it",
                file=str(path),
                id=repr(spec.id),
                version=spec.version,
                drafter=repr(spec.drafted_by),
            )
        )

    ruleset = Ruleset.from_scenario(
        scenario,
        spec.policy,
        spec.instruments,
        id=spec.id,
        version=spec.version,
        name=spec.name,
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        legal_reference=spec.legal_reference,
        drafted_by=spec.drafted_by,
        approved_by=spec.approved_by,
        pmt=pmt,
    )
    return replace(ruleset, file=str(path))


def dump_spec(ruleset: Ruleset) -> str:
    """The YAML header of a ruleset (without its scenario), for people and exports."""
    data = {
        "id": ruleset.id,
        "version": ruleset.version,
        "content_hash": ruleset.content_hash,
        "name": ruleset.name.model_dump(mode="json"),
        "effective_from": ruleset.effective_from.isoformat(),
        "effective_to": ruleset.effective_to.isoformat() if ruleset.effective_to else None,
        "legal_reference": ruleset.legal_reference,
        "policy": ruleset.policy.name,
        "instruments": list(ruleset.instruments),
        "drafted_by": ruleset.drafted_by,
        "approved_by": ruleset.approved_by,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
