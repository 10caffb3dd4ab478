"""The demo country's plan 2021-2025 and its budgets 2019-2024, consistent with its survey.

The programmes' money is derived from the survey, so that the budget and the
survey tell one story:

- cash assistance, the bread subsidy and the fuel subsidies cost, in the
  survey's year, what the policy engine computes for the policies in force
  (``data/demo_policies.yaml``, the baseline of the examples' scenarios),
  times a small factor for what a survey does not see (administration,
  arrears): ``EXECUTED_OVER_SIMULATED``; cash transfers are split between
  governorates as the simulated cost is;
- education costs ``COST_PER_PUPIL`` a year per pupil attending school,
  health ``COST_PER_PERSON`` a year per resident, each split by governorate as
  its users are;
- earlier years shrink by ``GROWTH`` a year; each line's approved and revised
  amounts differ from its executed one by rates drawn from the seed (a line's
  own, the year's, and the line's in that year);
  general services, interest on debt and a contingency reserve complete the
  total.

Every ministry has an aggregate line whose children add up to it. Amounts are
in millions of demo dinars (DMD).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from insaf.budget.fdp import write_fdp
from insaf.budget.model import Budget, Contingency, Plan, Text, budget_lines
from insaf.policy.engine import Engine, prepare_data
from insaf.policy.period import per_year
from insaf.policy.scenario import Scenario, parse_scenario
from insaf.specs import load_yaml
from insaf.survey import Survey, Unit

__all__ = [
    "COST_PER_PERSON",
    "COST_PER_PUPIL",
    "DEMO_YEARS",
    "EXECUTED_OVER_SIMULATED",
    "demo_budget",
    "demo_plan",
    "demo_policies",
    "simulated_costs",
    "write_demo_budget",
]

DEMO_YEARS = tuple(range(2019, 2025))
SCALE = 1e6
GROWTH = 1.06
COST_PER_PUPIL = 1100.0
"""DMD a year per pupil attending school."""
COST_PER_PERSON = 160.0
"""DMD a year per resident for public health services."""
EXECUTED_OVER_SIMULATED = {"CASH": 1.03, "BREAD": 1.03, "ENERGY": 1.02}
"""Executed spending over the simulated cost in the survey's year: what the survey
cannot see (the cash programme's administration, 3% of its transfers, on a line
of its own; the subsidies' stock losses and arrears)."""
ENERGY = ("lpg_subsidy", "gasoline_subsidy", "kerosene_subsidy", "diesel_subsidy")
POOR = "consumption_pc < poverty_line"


def _text(en: str, ar: str) -> dict[str, str]:
    return {"en": en, "ar": ar}


def demo_policies() -> Scenario:
    """The demo country's policies in force (a copy of examples/bread_to_child_grant.yaml)."""
    source = files("insaf.budget") / "data" / "demo_policies.yaml"
    data, lines = load_yaml(source.read_text(encoding="utf-8"), file=str(source))
    return parse_scenario(data, lines, file=str(source))


def demo_plan() -> Plan:
    """The national social strategy 2021-2025 of the demo country."""
    # Baselines are what the demo observatory publishes for 2021 (the demo survey of 6,000
    # households, seed 7), in its units: percent, and the Gini index on 0-100; the targets
    # for 2025 lie on the way to the observatory's own targets for 2030.
    result = {
        "POV": ("POV_NAT", 16.8, 13.0, "Poverty headcount ratio", "نسبة الفقر"),
        "SCHOOL": ("SCHOOL_ATT", 91.1, 94.0, "School attendance", "الالتحاق بالمدارس"),
        "COVER": (
            "SP_COVERAGE",
            33.9,
            40.0,
            "Social protection coverage",
            "تغطية الحماية الاجتماعية",
        ),
        "GINI": ("GINI", 32.5, 31.0, "Gini coefficient", "معامل جيني"),
    }

    def results(*codes: str) -> list[dict[str, Any]]:
        return [
            {
                "code": code,
                "indicator": result[code][0],
                "name": _text(result[code][3], result[code][4]),
                "baseline": result[code][1],
                "baseline_year": 2021,
                "target": result[code][2],
                "target_year": 2025,
            }
            for code in codes
        ]

    target_poor = POOR
    data: dict[str, Any] = {
        "code": "NSPS-2021",
        "name": _text(
            "National Social Protection Strategy 2021-2025",
            "الاستراتيجية الوطنية للحماية الاجتماعية 2021-2025",
        ),
        "start": 2021,
        "end": 2025,
        "goals": [
            {
                "code": "G1",
                "name": _text("Less poverty and inequality", "فقر وتفاوت أقل"),
                "results": results("POV", "GINI", "COVER"),
            },
            {
                "code": "G2",
                "name": _text("Every child in school", "كل طفل في المدرسة"),
                "results": results("SCHOOL"),
            },
        ],
        "programmes": [
            {
                "code": "CASH",
                "name": _text(
                    "National Cash Assistance Programme", "البرنامج الوطني للمساعدات النقدية"
                ),
                "ministry": "SOC",
                "objective": _text(
                    "Raise the consumption of poor households", "رفع استهلاك الأسر الفقيرة"
                ),
                "target_group": target_poor,
                "unit": "household",
                "instruments": ["cash_assistance"],
                "results": ["POV", "COVER"],
                "recipients": "cash_assistance > 0",
            },
            {
                "code": "BREAD",
                "name": _text("Bread subsidy", "دعم الخبز"),
                "ministry": "SUP",
                "objective": _text("Affordable bread for all", "خبز ميسور للجميع"),
                "target_group": target_poor,
                "unit": "household",
                "instruments": ["bread_subsidy"],
                "results": ["POV"],
            },
            {
                "code": "ENERGY",
                "name": _text("Fuel subsidies", "دعم المحروقات"),
                "ministry": "SUP",
                "objective": _text(
                    "Affordable cooking and heating fuel", "وقود ميسور للطهي والتدفئة"
                ),
                "target_group": target_poor,
                "unit": "household",
                "instruments": list(ENERGY),
                "results": ["POV", "GINI"],
            },
            {
                "code": "EDU",
                "name": _text("Basic and secondary education", "التعليم الأساسي والثانوي"),
                "ministry": "EDU",
                "objective": _text(
                    "Every child of school age in school", "كل طفل في سن الدراسة في المدرسة"
                ),
                "target_group": "age >= 6 AND age < 18",
                "unit": "person",
                "results": ["SCHOOL"],
                "recipients": "attending_school = 1",
            },
            {
                "code": "HEALTH",
                "name": _text("Public health insurance", "التأمين الصحي العام"),
                "ministry": "HEA",
                "objective": _text(
                    "Health cover for young children, older people and the poor",
                    "تغطية صحية لصغار الأطفال وكبار السن والفقراء",
                ),
                "target_group": f"age < 6 OR age >= 65 OR {POOR}",
                "unit": "person",
                "recipients": "health_insurance = 1",
            },
        ],
    }
    return Plan.model_validate(data)


def simulated_costs(survey: Survey, scenario: Scenario) -> dict[str, pl.DataFrame]:
    """Annual simulated cost (DMD) of the cash, bread and fuel programmes by governorate."""
    data = prepare_data(scenario, survey)
    state = Engine(scenario, data).run(scenario.baseline_policy)
    annual = per_year(scenario.period)
    governorate = survey.table(Unit.HOUSEHOLD).frame["governorate"].cast(pl.String)
    out: dict[str, pl.DataFrame] = {}
    for code, instruments in (
        ("CASH", ("cash_assistance",)),
        ("BREAD", ("bread_subsidy",)),
        ("ENERGY", ENERGY),
    ):
        fiscal = sum(state.flows[i].fiscal for i in instruments) * data.weight * annual
        out[code] = (
            pl.DataFrame({"governorate": governorate, "cost": fiscal})
            .group_by("governorate")
            .agg(pl.col("cost").sum())
            .sort(pl.col("governorate").cast(pl.Int64))
        )
    return out


def _users(survey: Survey, rule: str) -> pl.DataFrame:
    frame = survey.frame(["governorate", "attending_school", "age"], unit=Unit.PERSON)
    weight = survey.design.weight
    chosen = frame.filter(pl.sql_expr(rule)) if rule else frame
    return (
        chosen.group_by(pl.col("governorate").cast(pl.String))
        .agg(pl.col(weight).sum().alias("users"))
        .sort(pl.col("governorate").cast(pl.Int64))
    )


def demo_budget(survey: Survey, scenario: Scenario | None = None, *, seed: int = 2024) -> Budget:
    """The plan and budgets 2019-2024 of the demo country, consistent with ``survey``
    (whose year is the budget's last)."""
    scenario = scenario or demo_policies()
    year_of_survey = survey.year or DEMO_YEARS[-1]
    rng = np.random.default_rng(seed)
    costs = simulated_costs(survey, scenario)
    pupils = _users(survey, "attending_school = 1")
    people = _users(survey, "")

    # executed amounts (millions) in the survey's year, per line: (admin, parent line)
    lines: list[dict[str, Any]] = []
    cash = costs["CASH"]
    detail: list[tuple[str, str, str, str, str | None, str | None, int, float]] = []
    # (line, admin, function, economic, programme, governorate, gender marker, executed DMD)
    for gov, cost in cash.iter_rows():
        detail.append((f"SOC.CASH.{gov}", "SOC", "10.9", "27", "CASH", gov, 1, cost))
    administration = (EXECUTED_OVER_SIMULATED["CASH"] - 1) * float(cash["cost"].sum())
    detail.append(("SOC.CASH.ADM", "SOC", "10.9", "21", "CASH", None, 1, administration))
    for code, function in (("BREAD", "10.9"), ("ENERGY", "04.3")):
        total = float(costs[code]["cost"].sum()) * EXECUTED_OVER_SIMULATED[code]
        detail.append((f"SUP.{code}", "SUP", function, "25", code, None, 0, total))
    for gov, users in pupils.iter_rows():
        detail.append(
            (f"EDU.WAGES.{gov}", "EDU", "09.2", "21", "EDU", gov, 1, 0.8 * COST_PER_PUPIL * users)
        )
    edu_total = COST_PER_PUPIL * float(pupils["users"].sum())
    detail.append(("EDU.GOODS", "EDU", "09.2", "22", "EDU", None, 1, 0.12 * edu_total))
    detail.append(("EDU.CAPITAL", "EDU", "09.2", "31", "EDU", None, 0, 0.08 * edu_total))
    for gov, users in people.iter_rows():
        detail.append(
            (
                f"HEA.CARE.{gov}",
                "HEA",
                "07.2",
                "21",
                "HEALTH",
                gov,
                1,
                0.7 * COST_PER_PERSON * users,
            )
        )
    health_total = COST_PER_PERSON * float(people["users"].sum())
    detail.append(("HEA.MATERNAL", "HEA", "07.4", "22", "HEALTH", None, 2, 0.1 * health_total))
    detail.append(("HEA.MEDICINES", "HEA", "07.1", "22", "HEALTH", None, 1, 0.2 * health_total))
    social = sum(d[-1] for d in detail)
    detail.append(("FIN.GENERAL", "FIN", "01.3", "22", None, None, 0, 0.35 * social))
    detail.append(("FIN.INTEREST", "FIN", "01.7", "24", None, None, 0, 0.20 * social))

    # per line, execution rates (executed / approved) and revisions, drawn once
    names = [d[0] for d in detail]
    execution = {n: float(rng.uniform(0.9, 1.04)) for n in names}
    revision = {n: float(rng.uniform(0.98, 1.05)) for n in names}
    yearly = {y: float(rng.normal(0, 0.04)) for y in DEMO_YEARS}
    parents = {"SOC", "SUP", "EDU", "HEA", "FIN"}
    for year in DEMO_YEARS:
        growth = GROWTH ** (year - year_of_survey)
        amounts: dict[str, dict[str, float]] = {}
        for name, admin, function, economic, programme, gov, marker, executed_dmd in detail:
            executed = round(executed_dmd * growth / SCALE, 3)
            rate = execution[name] * (1 + yearly[year] + float(rng.normal(0, 0.05)))
            approved = round(executed / rate, 3)
            revised = round(approved * revision[name], 3)
            amounts[name] = {"approved": approved, "revised": revised, "executed": executed}
            for phase, amount in amounts[name].items():
                lines.append(
                    _line(
                        name, admin, year, phase, function, economic, programme, gov, marker, amount
                    )
                )
        approved_total = sum(a["approved"] for a in amounts.values())
        reserve = {
            "approved": round(0.02 * approved_total, 3),
            "revised": round(0.01 * approved_total, 3),
            "executed": round(0.004 * approved_total * (1 + 4 * abs(yearly[year])), 3),
        }
        for phase, amount in reserve.items():
            lines.append(_line("RES", "99", year, phase, "01.1", "28", None, None, 0, amount))
        for parent in sorted(parents):
            children = [d[0] for d in detail if d[1] == parent]
            for phase in ("approved", "revised", "executed"):
                total = sum(amounts[c][phase] for c in children)
                lines.append(
                    _line(
                        parent,
                        parent,
                        year,
                        phase,
                        _function(parent),
                        "2",
                        None,
                        None,
                        0,
                        total,
                        parent=None,
                    )
                )
    for entry in lines:
        head = entry["line"].split(".")[0]
        if head in parents and "." in entry["line"]:
            entry["parent"] = f"{head}-{entry['year']}"
        entry["line"] = f"{entry['line']}-{entry['year']}"
    return Budget(
        lines=budget_lines(lines),
        currency="DMD",
        scale=SCALE,
        title=Text(
            en="Budgets of the demo country 2019-2024 (synthetic)",
            ar="موازنات البلد التجريبي 2019-2024 (بيانات مصطنعة)",
        ),
        plan=demo_plan(),
        contingency=Contingency(field="admin", code="99"),
    )


def _function(admin: str) -> str:
    return {"SOC": "10", "SUP": "10", "EDU": "09", "HEA": "07", "FIN": "01"}[admin]


def _line(
    name: str,
    admin: str,
    year: int,
    phase: str,
    function: str,
    economic: str,
    programme: str | None,
    governorate: str | None,
    marker: int,
    amount: float,
    parent: str | None = None,
) -> dict[str, Any]:
    return {
        "line": name,
        "parent": parent,
        "year": year,
        "phase": phase,
        "admin": admin,
        "function": function,
        "economic": economic,
        "programme": programme,
        "governorate": governorate,
        "source": "treasury",
        "gender_marker": marker,
        "amount": amount,
    }


def write_demo_budget(folder: str | Path, survey: Survey, scenario: Scenario | None = None) -> Path:
    """Write the demo budget as a Fiscal Data Package in ``folder``; its descriptor's path."""
    return write_fdp(demo_budget(survey, scenario), folder)
