"""Equal-budget comparison: each design's benefit set to spend the budget exactly.

For a design paying ``a`` per unit and period, the annual cost is
``a * periods * sum_h w_h u_h`` (``u_h`` the units paid in household ``h``:
eligible members, or 1), so the amount that spends the budget ``B`` is
``a = B / (periods * sum_h w_h u_h)``: solved exactly, no search. Every design
is then evaluated with every metric (``insaf.targeting.metrics``) on the same
survey, and written as a policy-engine scenario (one budget-neutral reform per
design) so the policy tools simulate and report the same comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from insaf._renamed import renamed_keywords
from insaf.errors import InsafError, said
from insaf.measures import Estimate, estimate_dict
from insaf.policy.instruments import CashTransfer
from insaf.survey import Survey
from insaf.targeting.data import TargetingData
from insaf.targeting.designs import DEFAULT_PROXIES, DesignsFile, DesignSpec
from insaf.targeting.evaluate import evaluate_rule
from insaf.targeting.metrics import Evaluation
from insaf.targeting.model import PmtModel
from insaf.targeting.pmt import fit_pmt
from insaf.targeting.rules import SCORE, RuleEngine

__all__ = ["HEADLINE", "Comparison", "DesignResult", "compare"]

HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("coverage", "Coverage of the population", "تغطية السكان"),
    ("coverage_poor_line", "Coverage of the poor (poverty line)", "تغطية الفقراء (خط الفقر)"),
    ("exclusion_error_line", "Exclusion error (poverty line)", "خطأ الاستبعاد (خط الفقر)"),
    (
        "inclusion_error_line",
        "Inclusion error: beneficiaries not poor (poverty line)",
        "خطأ الشمول: مستفيدون غير فقراء (خط الفقر)",
    ),
    (
        "inclusion_error_nonpoor_line",
        "Inclusion error: non-poor covered (poverty line)",
        "خطأ الشمول: غير الفقراء المشمولون (خط الفقر)",
    ),
    ("exclusion_error_poorest", "Exclusion error (poorest q)", "خطأ الاستبعاد (أفقر q)"),
    (
        "inclusion_error_poorest",
        "Inclusion error: beneficiaries not poor (poorest q)",
        "خطأ الشمول: مستفيدون غير فقراء (أفقر q)",
    ),
    ("targeting_differential_line", "Targeting differential", "الفارق في الاستهداف"),
    ("cgh20", "CGH indicator, bottom 20%", "مؤشر CGH، أدنى 20%"),
    ("cgh40", "CGH indicator, bottom 40%", "مؤشر CGH، أدنى 40%"),
    ("concentration", "Concentration coefficient of benefits", "معامل تركز المنافع"),
    (
        "adequacy",
        "Adequacy (benefit / beneficiaries' welfare)",
        "الكفاية (المنفعة / رفاه المستفيدين)",
    ),
    ("fgt0_change", "Change in poverty headcount", "التغير في نسبة الفقر"),
    ("fgt1_change", "Change in poverty gap", "التغير في فجوة الفقر"),
    ("fgt2_change", "Change in poverty severity", "التغير في شدة الفقر"),
    (
        "benefit_cost_ratio",
        "Poverty-gap reduction per unit of budget",
        "خفض فجوة الفقر لكل وحدة من الموازنة",
    ),
)
"""Headline metrics of the comparison table: key, English and Arabic labels."""


def headline(ev: Evaluation) -> dict[str, Estimate]:
    """The headline metrics of one evaluation, by key."""
    s, d, p = ev.summary, ev.definitions, ev.poverty
    out = {
        "coverage": s["coverage"],
        "coverage_poor_line": d["line"]["coverage_poor"],
        "exclusion_error_line": d["line"]["exclusion_error"],
        "inclusion_error_line": d["line"]["inclusion_error"],
        "inclusion_error_nonpoor_line": d["line"]["inclusion_error_nonpoor"],
        "exclusion_error_poorest": d["poorest"]["exclusion_error"],
        "inclusion_error_poorest": d["poorest"]["inclusion_error"],
        "targeting_differential_line": d["line"]["targeting_differential"],
        "cgh20": s["cgh20"],
        "cgh40": s["cgh40"],
        "concentration": s["concentration"],
        "adequacy": s["adequacy"],
        "fgt0_change": p["fgt0"]["change"],
        "fgt1_change": p["fgt1"]["change"],
        "fgt2_change": p["fgt2"]["change"],
        "benefit_cost_ratio": s["benefit_cost_ratio"],
    }
    return out


@dataclass(frozen=True, eq=False)
class DesignResult:
    """One design: its rule, the amount that spends the budget, and its metrics."""

    spec: DesignSpec
    evaluation: Evaluation
    instrument: CashTransfer

    @property
    def amount(self) -> float:
        return float(self.evaluation.details["amount"])

    @property
    def kind(self) -> str:
        return str(self.evaluation.details["kind"])


@dataclass(frozen=True, eq=False)
class Comparison:
    """Every design of a designs file at one budget, on one survey."""

    spec: DesignsFile
    budget: float
    results: Sequence[DesignResult]
    model: PmtModel | None
    data: TargetingData

    @renamed_keywords(level="confidence")
    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        """One row per design: amount, cost, and each headline metric with its SE."""
        rows = []
        for r in self.results:
            row: dict[str, Any] = {
                "id": r.spec.id,
                "label": r.spec.title("en"),
                "label_ar": r.spec.title("ar"),
                "kind": r.kind,
                "unit": r.spec.unit,
                "eligible": r.evaluation.details["eligible"] or "",
                "amount": r.amount,
                "cost": r.evaluation.summary["cost"].value,
            }
            for key, e in headline(r.evaluation).items():
                d = estimate_dict(e, confidence)
                row[key] = d["value"]
                row[f"{key}_se"] = d["se"]
            rows.append(row)
        return pl.DataFrame(rows, infer_schema_length=None)

    @renamed_keywords(level="confidence")
    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        """The JSON of ``insaf target compare`` (``comparison.json``)."""
        data = self.data
        return {
            "title": {"en": self.spec.title("en"), "ar": self.spec.title("ar")},
            "budget": self.budget,
            "period": data.period,
            "welfare": data.welfare_name,
            "net_of": data.net_of,
            "line": data.line_name,
            "poorest": self.spec.poorest,
            "confidence": confidence,
            "survey": {
                "name": data.survey.name.to_dict(),
                "year": data.survey.year,
                "synthetic": data.survey.synthetic,
                "households": data.n,
            },
            "model": None if self.model is None else _model_summary(self.model),
            "designs": [
                {
                    "id": r.spec.id,
                    "label": {"en": r.spec.title("en"), "ar": r.spec.title("ar")},
                    "kind": r.kind,
                    "unit": r.spec.unit,
                    "instrument": r.instrument.model_dump(mode="json", exclude_defaults=True),
                    "headline": {
                        k: estimate_dict(e, confidence) for k, e in headline(r.evaluation).items()
                    },
                    "evaluation": r.evaluation.to_dict(confidence),
                }
                for r in self.results
            ],
        }

    def scenario(self, survey: str | None = None) -> dict[str, Any]:
        """A policy scenario with one budget-neutral reform per design (for ``insaf simulate``)."""
        data = self.data
        variables: dict[str, Any] = {}
        welfare = data.welfare_name
        if data.net_of is not None:
            variables["welfare_before"] = {"expr": f'"{welfare}" - "{data.net_of}" / "hhsize"'}
            welfare = "welfare_before"
        if self.model is not None:
            variables[SCORE] = {"expr": self.model.expression()}
        line: str | float = data.line_name
        if line not in data.frame.columns:
            line = float(data.line[0])
        reforms: dict[str, Any] = {}
        for r in self.results:
            instrument = r.instrument.model_dump(mode="json", exclude_defaults=True)
            instrument["type"] = "cash_transfer"
            parameter = "per_member" if r.instrument.per_member else "amount"
            reforms[r.spec.id] = {
                "label": {"en": r.spec.title("en"), "ar": r.spec.title("ar")},
                "changes": [instrument],
                "solve": {
                    "parameter": f"{r.spec.id}.{parameter}",
                    "target": "budget_neutral",
                    "net_cost": self.budget,
                },
            }
        out: dict[str, Any] = {
            "name": {"en": self.spec.title("en"), "ar": self.spec.title("ar")},
            "period": data.period,
            "welfare": welfare,
            "lines": {"national": line},
            "variables": variables,
            "baseline": [],
            "reforms": reforms,
        }
        if survey is not None:
            out = {"survey": survey, **out}
        return out


def _model_summary(model: PmtModel) -> dict[str, Any]:
    cv = model.validation.get("cv", {})
    return {
        "selection": model.selection,
        "by": model.by,
        "proxies": [p.name for p in model.proxies],
        "cv_r2": cv.get("r2"),
        "cv_spearman": cv.get("spearman"),
    }


def compare(
    survey: Survey,
    designs: DesignsFile,
    *,
    budget: float | None = None,
    model: PmtModel | None = None,
    groups: Sequence[str] | None = None,
    seed: int = 1,
) -> Comparison:
    """Solve every design's amount to spend ``budget`` a year, and evaluate it."""
    budget = budget if budget is not None else designs.budget
    if budget is None:
        raise InsafError(
            said(
                "give a budget (--budget, or budget: in the designs file)",
            )
        )
    if not budget > 0:
        raise InsafError(
            said(
                "the budget must be positive, not {budget}",
                budget=budget,
            )
        )
    data = TargetingData.build(
        survey,
        welfare=designs.welfare,
        line=designs.line,
        net_of=designs.net_of,
        groups=groups,
    )
    if model is None and designs.needs_model:
        path = designs.model_path()
        if path is not None:
            model = PmtModel.load(path)
        else:
            frame = data.frame
            proxies = designs.proxies or [
                p for p in DEFAULT_PROXIES if p.split(":")[0] in frame.columns
            ]
            model = fit_pmt(
                survey,
                proxies,
                welfare=designs.welfare,
                net_of=designs.net_of,
                seed=seed,
                replicates=0,
            )
    engine = RuleEngine(data, model)
    results = []
    for spec in designs.designs:
        rule = spec.rule()
        evaluation = evaluate_rule(engine, rule, budget=budget, poorest=designs.poorest)
        cut = evaluation.details["cutoff_score"]
        instrument = engine.instrument(rule, float(evaluation.details["amount"]), cut)
        results.append(DesignResult(spec=spec, evaluation=evaluation, instrument=instrument))
    return Comparison(spec=designs, budget=budget, results=results, model=model, data=data)
