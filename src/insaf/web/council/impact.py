"""Social impact statements: a referral's scenario simulated on the observatory's survey.

A statement is computed by ``insaf.policy.simulate`` with its human rights
assessment (``insaf.rights.assess_rights``) and stored with what it
takes to compute it again: the scenario text exactly as written (and its
SHA-256), how to open the survey (``SurveyRef``) and the survey's
fingerprint, the INSAF version, the whole ``impact.json`` and the bilingual
brief. ``reproduce`` simulates the stored scenario on the stored survey again;
the numbers must be identical.

The observatory's surveys are found in its releases: the demo loader
publishes ``demo survey <year> (synthetic, <n> households, seed <s>)`` and
``insaf observatory compute`` publishes ``compute <path>``. Survey folders
under ``<INSAF_DATA>/surveys/`` are offered too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from insaf import __version__
from insaf.errors import InsafError
from insaf.policy import Impact, parse_scenario, simulate
from insaf.rights import Participation, assess_rights
from insaf.specs import load_yaml
from insaf.survey import Survey

__all__ = [
    "Computed",
    "SurveyRef",
    "available_surveys",
    "compute",
    "latest_observatory_survey",
    "reproduce",
]

_DEMO = re.compile(r"^demo survey (\d{4}) \(synthetic, (\d+) households, seed (\d+)\)")
_COMPUTE = re.compile(r"^compute (.+)$")
MAX_SCENARIO_BYTES = 256 * 1024

COUNCIL_PARTICIPATION = Participation(consulted=True, published=True)
"""What a statement's rights assessment records of participation: the reform was
referred to the council (its consultation), and the statement is published when it
is attached (statements are public versions that cannot change)."""


@dataclass(frozen=True, slots=True)
class SurveyRef:
    """How to open a survey again: the synthetic demo country, or a survey on disk."""

    kind: str  # "synthetic" | "path"
    year: int | None = None
    households: int | None = None
    seed: int | None = None
    path: str | None = None

    @property
    def key(self) -> str:
        if self.kind == "synthetic":
            return f"synthetic:{self.year}:{self.households}:{self.seed}"
        return f"path:{self.path}"

    @classmethod
    def from_key(cls, key: str) -> SurveyRef:
        kind, _, rest = key.partition(":")
        if kind == "synthetic":
            year, households, seed = (int(p) for p in rest.split(":"))
            return cls("synthetic", year=year, households=households, seed=seed)
        if kind == "path" and rest:
            return cls("path", path=rest)
        raise InsafError(f"not a survey reference: {key!r}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name in ("year", "households", "seed", "path"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SurveyRef:
        return cls(
            kind=str(data["kind"]),
            year=data.get("year"),
            households=data.get("households"),
            seed=data.get("seed"),
            path=data.get("path"),
        )

    def label(self) -> str:
        if self.kind == "synthetic":
            return (
                f"demo country survey {self.year} (synthetic, {self.households} households, "
                f"seed {self.seed})"
            )
        return str(self.path)

    def open(self) -> Survey:
        if self.kind == "synthetic":
            from insaf.survey.synth import synthesize

            if self.year is None or self.households is None or self.seed is None:
                raise InsafError("a synthetic survey needs its year, households and seed")
            return synthesize(self.households, self.seed, self.year)
        if self.kind == "path" and self.path:
            from insaf.survey import open_survey

            return open_survey(self.path)
        raise InsafError(f"cannot open survey {self.to_dict()}")


def _from_source(source: str) -> SurveyRef | None:
    found = _DEMO.match(source)
    if found:
        year, households, seed = (int(g) for g in found.groups())
        return SurveyRef("synthetic", year=year, households=households, seed=seed)
    found = _COMPUTE.match(source)
    if found and Path(found.group(1)).exists():
        return SurveyRef("path", path=str(Path(found.group(1)).resolve()))
    return None


def available_surveys() -> list[SurveyRef]:
    """The surveys the observatory published from (newest first), then survey folders."""
    from insaf.web.observatory.models import Release

    seen: dict[str, SurveyRef] = {}
    for source in Release.objects.order_by("-at", "-id").values_list("source", flat=True):
        ref = _from_source(source)
        if ref is not None:
            seen.setdefault(ref.key, ref)
    refs = sorted(seen.values(), key=lambda r: -(r.year or 0))
    folder = Path(settings.DATA_DIR) / "surveys"
    if folder.is_dir():
        for manifest in sorted(folder.glob("*/survey.yaml")):
            ref = SurveyRef("path", path=str(manifest.parent.resolve()))
            if ref.key not in seen:
                refs.append(ref)
    return refs


def latest_observatory_survey() -> SurveyRef | None:
    """The survey of the latest year the observatory published, if it can be opened again."""
    refs = [r for r in available_surveys() if r.kind == "synthetic"]
    if refs:
        return max(refs, key=lambda r: r.year or 0)
    refs = available_surveys()
    return refs[0] if refs else None


@dataclass(frozen=True, slots=True)
class Computed:
    impact: dict[str, Any]
    brief_en: str
    brief_ar: str
    scenario_sha256: str
    fingerprint: str
    reforms: list[str]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _impact(scenario_text: str, scenario_name: str, survey: SurveyRef) -> Impact:
    if len(scenario_text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise InsafError(
            _("The scenario is larger than %(kb)s KB.") % {"kb": MAX_SCENARIO_BYTES // 1024}
        )
    data, lines = load_yaml(scenario_text, file=scenario_name)
    scenario = parse_scenario(data, lines, file=scenario_name)
    return assess_rights(simulate(scenario, survey.open()), participation=COUNCIL_PARTICIPATION)


def _as_json(impact: Impact) -> dict[str, Any]:
    """``impact.json`` exactly as it is stored (through JSON, as the database keeps it)."""
    document: dict[str, Any] = json.loads(
        json.dumps(impact.to_dict(), ensure_ascii=False, default=str, allow_nan=False)
    )
    return document


def compute(*, scenario_text: str, scenario_name: str, survey: SurveyRef) -> Computed:
    """Simulate the scenario on the survey: the impact document and the brief in both languages."""
    from insaf.reports import render_brief

    impact = _impact(scenario_text, scenario_name, survey)
    document = _as_json(impact)
    return Computed(
        impact=document,
        brief_en=render_brief(impact, lang="en"),
        brief_ar=render_brief(impact, lang="ar"),
        scenario_sha256=text_sha256(scenario_text),
        fingerprint=str(document["scenario"]["survey"]["fingerprint"]),
        reforms=list(document["reforms"]),
    )


def reproduce(*, scenario_text: str, scenario_name: str, survey: dict[str, Any]) -> dict[str, Any]:
    """The impact document computed again from a stored scenario text and survey reference."""
    return _as_json(_impact(scenario_text, scenario_name, SurveyRef.from_dict(survey)))


def version() -> str:
    return __version__
