"""``assess_rights(impact)``: the human rights assessment of each reform of an impact.

Five tests, each with a verdict (``flagged``, ``not_flagged`` or
``not_assessed``), its evidence (estimates with design-based standard errors)
and a documented rule (``insaf.rights.text.RULES``; formulas in
``docs/rights.md``): minimum core (``minimum_core``), non-discrimination
(``discrimination``), non-retrogression (``retrogression``), maximum available
resources (``resources``) and participation and transparency
(``Participation``, which only the council knows). The scenario's ``rights:``
block sets the thresholds and groups (``insaf.policy.rights_options``).

The result is attached to each reform as its ``rights`` section: it goes into
``impact.json``, the impact's tables (``rights_*``) and the brief.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np

from insaf.errors import Location, SpecError, said
from insaf.measures import Estimate
from insaf.policy.analysis import weighted_groups
from insaf.policy.engine import Simulation, State
from insaf.policy.impact import Impact, ReformImpact, Row, estimate_dict
from insaf.policy.instruments.base import FloatArray
from insaf.policy.rights_options import JUSTIFICATIONS, RightsOptions
from insaf.policy.scenario import text_of
from insaf.rights.discrimination import discrimination_rows
from insaf.rights.groups import Group, resolve_groups
from insaf.rights.minimum_core import minimum_core_rows
from insaf.rights.resources import fiscal_space, tax_rows
from insaf.rights.retrogression import Indicator, retrogression_rows
from insaf.rights.sample import Sample
from insaf.rights.stats import holm, p_greater
from insaf.rights.text import WORDS

__all__ = ["TESTS", "Participation", "RightsAssessment", "Verdict", "assess_rights"]

TESTS = ("minimum_core", "non_discrimination", "non_retrogression", "resources", "participation")
"""The tests of the assessment, in the order the brief shows them."""


_WITHHELD = ("n", "population", "p_value", "holm_threshold")


class Verdict(StrEnum):
    FLAGGED = "flagged"
    NOT_FLAGGED = "not_flagged"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True, slots=True)
class Participation:
    """What is known of the reform's consultation: ``None`` where it is not known
    (the CLI knows nothing of it; the council fills it when it builds a statement)."""

    consulted: bool | None = None
    published: bool | None = None
    referral: str | None = None

    def verdict(self) -> Verdict:
        if self.consulted is None or self.published is None:
            if self.consulted is False or self.published is False:
                return Verdict.FLAGGED
            return Verdict.NOT_ASSESSED
        return Verdict.NOT_FLAGGED if self.consulted and self.published else Verdict.FLAGGED

    def to_dict(self) -> dict[str, Any]:
        return {"consulted": self.consulted, "published": self.published, "referral": self.referral}


def _json(value: Any, confidence: float) -> Any:
    if isinstance(value, Estimate):
        return estimate_dict(value, confidence)
    if isinstance(value, dict):
        return {k: _json(v, confidence) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v, confidence) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class RightsAssessment:
    """The rights assessment of one reform (a ``Section`` of its impact)."""

    verdicts: Mapping[str, Verdict]
    minimum_core: list[Row]
    non_discrimination: list[Row]
    non_retrogression: list[Row]
    taxes: list[Row]
    fiscal_space: Row | None
    justifications: Mapping[str, dict[str, str] | None]
    participation: Participation
    options: RightsOptions
    reasons: Mapping[str, list[str]] = field(default_factory=dict)

    def groups(self) -> list[Row]:
        """Each group the tests report on, once: ``group``, ``n`` (sample households with
        a member in it) and ``population`` (people), for disclosure control. The
        minimum-core and resources tests are national and have no group."""
        seen: dict[str, Row] = {}
        for row in [*self.non_discrimination, *self.non_retrogression]:
            seen.setdefault(
                row["group"],
                {"group": row["group"], "n": row["n"], "population": row["population"]},
            )
        return list(seen.values())

    def without_groups(self, hidden: Collection[str]) -> RightsAssessment:
        """The same assessment with the numbers of the groups in ``hidden`` withheld:
        their rows keep their labels, verdict flags and Holm rank, lose every estimate,
        p-value, ``n`` and ``population``, and say ``"suppressed": true``."""

        def withheld(row: Row) -> Row:
            if row["group"] not in hidden:
                return {**row, "suppressed": False}
            out: Row = {
                key: None if isinstance(value, Estimate) or key in _WITHHELD else value
                for key, value in row.items()
            }
            out["suppressed"] = True
            return out

        return replace(
            self,
            non_discrimination=[withheld(r) for r in self.non_discrimination],
            non_retrogression=[withheld(r) for r in self.non_retrogression],
        )

    def justified(self) -> bool:
        """Every justification the Guiding Principles ask for is given."""
        return all(self.justifications.get(name) for name in JUSTIFICATIONS)

    def tables(self) -> dict[str, list[Row]]:
        verdicts: list[Row] = [
            {
                "test": test,
                "verdict": self.verdicts[test].value,
                "reasons": "; ".join(self.reasons.get(test, [])),
            }
            for test in TESTS
        ]
        resources = list(self.taxes)
        if self.fiscal_space is not None:
            resources.append(self.fiscal_space)
        justifications: list[Row] = [
            {
                "justification": name,
                "given": self.justifications.get(name) is not None,
                "text_en": (self.justifications.get(name) or {}).get("en"),
                "text_ar": (self.justifications.get(name) or {}).get("ar"),
            }
            for name in JUSTIFICATIONS
        ]
        return {
            "verdicts": verdicts,
            "minimum_core": self.minimum_core,
            "non_discrimination": self.non_discrimination,
            "non_retrogression": self.non_retrogression,
            "resources": resources,
            "justifications": justifications,
        }

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        return {
            "verdicts": {
                test: {
                    "verdict": self.verdicts[test].value,
                    "reasons": list(self.reasons.get(test, [])),
                }
                for test in TESTS
            },
            "minimum_core": _json(self.minimum_core, confidence),
            "non_discrimination": _json(self.non_discrimination, confidence),
            "non_retrogression": _json(self.non_retrogression, confidence),
            "resources": {
                "taxes": _json(self.taxes, confidence),
                "fiscal_space": _json(self.fiscal_space, confidence),
            },
            "justifications": {
                name: {
                    "given": self.justifications.get(name) is not None,
                    "text": self.justifications.get(name),
                }
                for name in JUSTIFICATIONS
            },
            "participation": self.participation.to_dict(),
            "options": self.options.model_dump(mode="json"),
        }


# -- the pieces ---------------------------------------------------------------------------


def _lines(sim: Simulation) -> dict[str, tuple[str, FloatArray]]:
    """``{"national": (name, z), "extreme": (name, z)}`` from the scenario's lines."""
    scenario = sim.scenario
    options = scenario.rights
    lines = scenario.lines
    national = options.national_line or next(iter(lines))
    extreme = options.extreme_line or ("extreme" if "extreme" in lines else None)
    named = {r: n for r, n in (("national", national), ("extreme", extreme)) if n is not None}
    chosen = {role: name for role, name in named.items() if name in lines}
    problems: list[tuple[Location, str]] = [
        (
            scenario.locate(("rights", f"{role}_line")),
            said("no poverty line {name}", name=repr(name)),
        )
        for role, name in named.items()
        if name not in lines
    ]
    if problems:
        raise SpecError(scenario.file, problems)
    n = sim.welfare.size
    out: dict[str, tuple[str, FloatArray]] = {}
    for role, name in chosen.items():
        line = lines[name]
        values = sim.data.column(line) if isinstance(line, str) else np.full(n, float(line))
        out[role] = (name, values)
    return out


def _check_items(sim: Simulation) -> None:
    scenario = sim.scenario
    known = set(sim.data.item_names)
    problems: list[tuple[Location, str]] = [
        (
            scenario.locate(("rights", "burdens", name, "items", i)),
            said(
                "item {item} is not in the consumption table (items: {known})",
                item=repr(item),
                known=", ".join(sorted(known)) or said("none"),
            ),
        )
        for name, burden in scenario.rights.burdens.items()
        for i, item in enumerate(burden.items)
        if item not in known
    ]
    if problems:
        raise SpecError(scenario.file, problems)


def _direct_change(base: State, state: State) -> FloatArray:
    total = np.zeros_like(state.change)
    for key, effect in state.effect.items():
        kind = state.kinds.get(key) or base.kinds.get(key)
        if kind is not None and kind.direct:
            total = total + effect
    return total


def _indicators(
    sim: Simulation, state: State, lines: dict[str, tuple[str, FloatArray]], y1: FloatArray
) -> list[Indicator]:
    below = sim.scenario.options.below
    y0 = sim.welfare
    out: list[Indicator] = []
    for role, (_name, z) in lines.items():
        poor0 = (y0 < z) if below == "<" else (y0 <= z)
        poor1 = (y1 < z) if below == "<" else (y1 <= z)
        name = f"poverty_{role}"
        out.append(
            Indicator(
                name=name,
                label=WORDS[name],
                right="icescr_11",
                before=poor0.astype(np.float64),
                after=poor1.astype(np.float64),
            )
        )
    money = y0 * sim.scale
    cash = _direct_change(sim.baseline, state)
    zero = np.zeros_like(y0)
    for name, burden in sim.scenario.rights.burdens.items():
        spent = sum((sim.data.spending(item) for item in burden.items), zero)
        extra = -sum((state.item_effect.get(item, zero) for item in burden.items), zero)
        net = np.maximum(spent + extra - cash, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            before = np.where(money > 0, spent / money, 0.0)
            after = np.where(money > 0, net / money, 0.0)
        label = {
            "en": text_of(burden.label, "en") or name,
            "ar": text_of(burden.label, "ar") or name,
        }
        out.append(
            Indicator(
                name=f"burden_{name}", label=label, right="icescr_11", before=before, after=after
            )
        )
    return out


def _retrogression_groups(sim: Simulation, protected: list[Group]) -> list[Group]:
    members = sim.data.members
    y0 = sim.welfare
    groups = [Group(name="everyone", label=WORDS["everyone"], members=members)]
    quintile = weighted_groups(y0, sim.data.weight * members, 5)
    for q in range(1, 6):
        label = {lang: f"{WORDS['quintile'][lang]} {q}" for lang in ("en", "ar")}
        groups.append(Group(name=f"quintile_{q}", label=label, members=members * (quintile == q)))
    return groups + protected


def _one_sided(
    rows: list[Row], names: tuple[str, ...], role: str, alpha: float, minimum: float
) -> bool:
    estimates = [r["value"] for r in rows if r["line"] == role and r["indicator"] in names]
    steps = holm([p_greater(e, null=minimum) for e in estimates], alpha)
    return any(step.rejected for step in steps)


def _assess_reform(
    impact: Impact,
    name: str,
    reform: ReformImpact,
    participation: Participation,
    protected: list[Group],
    by_value: list[Group],
    lines: dict[str, tuple[str, FloatArray]],
) -> RightsAssessment:
    sim: Simulation = impact.simulation
    options = sim.scenario.rights
    alpha, minimum = options.alpha, options.minimum_effect
    state = sim.reforms[name]
    y0 = sim.welfare
    y1 = sim.welfare_after(name)
    members = sim.data.members
    sample = Sample.of(sim)
    core = minimum_core_rows(
        sample, lines, y0, y1, members, annual=sim.annual, below=sim.scenario.options.below
    )
    sample = Sample.of(sim)
    discrimination = discrimination_rows(
        sample,
        [*protected, *by_value],
        y0,
        state.change / sim.scale,
        members,
        alpha=alpha,
        minimum_effect=minimum,
    )
    sample = Sample.of(sim)
    retrogression = retrogression_rows(
        sample,
        _indicators(sim, state, lines, y1),
        _retrogression_groups(sim, protected),
        alpha=alpha,
        minimum_effect=minimum,
    )
    taxes = tax_rows(reform, alpha=alpha)
    space = fiscal_space(reform)
    reasons: dict[str, list[str]] = {test: [] for test in TESTS}

    role = "extreme" if "extreme" in lines else "national"
    harmed = _one_sided(core, ("impoverished_share", "poor_losing_share"), role, alpha, minimum)
    if harmed:
        reasons["minimum_core"].append(f"{role} line")
    unequal = [r["group"] for r in discrimination if r["flagged"]]
    reasons["non_discrimination"] = unequal
    worse = [f"{r['indicator']}:{r['group']}" for r in retrogression if r["flagged"]]
    reasons["non_retrogression"] = worse
    regressive = [r["instrument"] for r in taxes if r["flagged"]]
    reasons["resources"] = [f"regressive:{t}" for t in regressive]
    saves = space is not None and p_greater(space["fiscal_space"]) < alpha
    if saves and (harmed or worse):
        reasons["resources"].append("saves while harming")
    verdicts = {
        "minimum_core": Verdict.FLAGGED if harmed else Verdict.NOT_FLAGGED,
        "non_discrimination": (
            Verdict.FLAGGED
            if unequal
            else Verdict.NOT_FLAGGED
            if discrimination
            else Verdict.NOT_ASSESSED
        ),
        "non_retrogression": Verdict.FLAGGED if worse else Verdict.NOT_FLAGGED,
        "resources": Verdict.FLAGGED if reasons["resources"] else Verdict.NOT_FLAGGED,
        "participation": participation.verdict(),
    }
    given = options.justifications
    justifications = {
        key: (
            {
                "en": _written_in(getattr(given, key), "en"),
                "ar": _written_in(getattr(given, key), "ar"),
            }
            if getattr(given, key) is not None
            else None
        )
        for key in JUSTIFICATIONS
    }
    return RightsAssessment(
        verdicts=verdicts,
        minimum_core=core,
        non_discrimination=discrimination,
        non_retrogression=retrogression,
        taxes=taxes,
        fiscal_space=space,
        justifications=justifications,
        participation=participation,
        options=options,
        reasons=reasons,
    )


def assess_rights(impact: Impact, *, participation: Participation | None = None) -> Impact:
    """``impact`` with a ``rights`` section for every reform.

    ``impact`` must carry its simulation (``insaf.policy.simulate`` keeps it).
    ``participation``: what the council knows of the reform's consultation;
    ``None`` (the CLI) records it as not known.
    """
    sim = impact.simulation
    if not isinstance(sim, Simulation):
        raise TypeError("assess_rights needs an impact computed by insaf.policy.simulate")
    _check_items(sim)
    lines = _lines(sim)
    protected, by_value = resolve_groups(sim.scenario, sim.data)
    known = participation if participation is not None else Participation()
    sections = {
        name: _assess_reform(impact, name, reform, known, protected, by_value, lines)
        for name, reform in impact.reforms.items()
    }
    return impact.with_section("rights", sections)


def _written_in(text: Any, lang: str) -> str:
    """The text as given in ``lang``, or ``""``: a justification written in one language
    only is not shown, untranslated, in the other language's brief (which says it was
    given). A plain string counts as Arabic when it is written in Arabic letters."""
    if text is None:
        return ""
    if isinstance(text, str):
        arabic = re.search("[\u0600-\u06ff]", text) is not None
        return text if arabic == (lang == "ar") else ""
    return str((text.ar if lang == "ar" else text.en) or "")
