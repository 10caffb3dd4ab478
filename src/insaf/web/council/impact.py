"""Social impact statements: a referral's scenario simulated on the observatory's survey.

A statement is computed by ``insaf.policy.simulate`` with its human rights
assessment (``insaf.rights.assess_rights``) and stored with what it
takes to compute it again: the scenario text exactly as written (and its
SHA-256), how to open the survey (``SurveyRef``) and the survey's
fingerprint, the INSAF version, the whole ``impact.json`` and the bilingual
brief. ``reproduce`` simulates the stored scenario on the stored survey again;
the numbers must be identical.

A statement names its survey without any server path (``SurveyRef``): the
synthetic demo country (year, households, seed), or a survey folder
``<INSAF_DATA>/surveys/<name>/`` holding its ``survey.yaml``. The surveys
offered are the ones the observatory published from (``Release.survey``, set
by the demo loader and by ``insaf observatory compute`` for a survey in that
folder), then the other survey folders there.

What is stored and served is the public impact (``insaf.policy.public_impact``):
every table by group disclosure-controlled under the observatory's rules (the
platform never shows a cell below the minimum count), the rules recorded in
``impact.json``, no microdata and no server path.

``compute`` reports its steps (``Step``) as it goes, so a job can show its
progress.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from insaf import __version__
from insaf.disclosure import DisclosureRules
from insaf.errors import InsafError
from insaf.policy import Impact, parse_scenario, public_impact, simulate
from insaf.rights import Participation, assess_rights
from insaf.specs import load_yaml
from insaf.web.council.surveys import (
    SurveyRef,
    available_surveys,
    latest_observatory_survey,
    surveys_folder,
)

__all__ = [
    "Computed",
    "Step",
    "SurveyRef",
    "available_surveys",
    "compute",
    "latest_observatory_survey",
    "reproduce",
    "surveys_folder",
]

MAX_SCENARIO_BYTES = 256 * 1024

COUNCIL_PARTICIPATION = Participation(consulted=True, published=True)
"""What a statement's rights assessment records of participation: the reform was
referred to the council (its consultation), and the statement is published when it
is attached (statements are public versions that cannot change)."""


class Step(StrEnum):
    """The steps of computing a statement, in order (a job shows the one it is at)."""

    SURVEY = "survey"
    SIMULATE = "simulate"
    BRIEFS = "briefs"


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


def _ignore(step: Step) -> None:
    pass


def _impact(
    scenario_text: str,
    scenario_name: str,
    survey: SurveyRef,
    step: Callable[[Step], None] = _ignore,
    rules: DisclosureRules | None = None,
) -> Impact:
    if len(scenario_text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise InsafError(
            _("The scenario is larger than %(kb)s KB.") % {"kb": MAX_SCENARIO_BYTES // 1024}
        )
    data, lines = load_yaml(scenario_text, file=scenario_name)
    scenario = parse_scenario(data, lines, file=scenario_name)
    step(Step.SURVEY)
    opened = survey.open()
    step(Step.SIMULATE)
    impact = assess_rights(simulate(scenario, opened), participation=COUNCIL_PARTICIPATION)
    return public_impact(impact, rules if rules is not None else _platform_rules())


def _platform_rules() -> DisclosureRules:
    """The observatory's disclosure rules: the platform publishes nothing under others."""
    from insaf.web.observatory.services import current_rules

    return current_rules()


def _as_json(impact: Impact) -> dict[str, Any]:
    """``impact.json`` exactly as it is stored (through JSON, as the database keeps it)."""
    document: dict[str, Any] = json.loads(
        json.dumps(impact.to_dict(), ensure_ascii=False, default=str, allow_nan=False)
    )
    return document


def compute(
    *,
    scenario_text: str,
    scenario_name: str,
    survey: SurveyRef,
    step: Callable[[Step], None] = _ignore,
) -> Computed:
    """Simulate the scenario on the survey: the impact document and the brief in both languages.

    ``step`` is called as each step starts.
    """
    from insaf.reports import render_brief

    impact = _impact(scenario_text, scenario_name, survey, step)
    step(Step.BRIEFS)
    document = _as_json(impact)
    return Computed(
        impact=document,
        brief_en=render_brief(impact, lang="en"),
        brief_ar=render_brief(impact, lang="ar"),
        scenario_sha256=text_sha256(scenario_text),
        fingerprint=str(document["scenario"]["survey"]["fingerprint"]),
        reforms=list(document["reforms"]),
    )


def reproduce(
    *,
    scenario_text: str,
    scenario_name: str,
    survey: dict[str, Any],
    disclosure: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The impact document computed again from a stored scenario text and survey reference,
    under the disclosure rules it was published with (``impact["scenario"]["disclosure"]``;
    the observatory's current rules if it records none)."""
    rules = None
    if disclosure and disclosure.get("rules"):
        rules = DisclosureRules.model_validate(disclosure["rules"])
    return _as_json(_impact(scenario_text, scenario_name, SurveyRef.from_dict(survey), rules=rules))


def version() -> str:
    return __version__
