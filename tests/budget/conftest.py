"""A small budget with a plan, a hierarchy and every phase, for the budget tests."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.budget import Budget, Contingency, Plan, Text, budget_lines

PLAN: dict[str, Any] = {
    "code": "NSS",
    "name": {"en": "National social strategy", "ar": "الاستراتيجية الوطنية الاجتماعية"},
    "start": 2021,
    "end": 2025,
    "goals": [
        {
            "code": "G1",
            "name": {"en": "Less poverty", "ar": "فقر أقل"},
            "results": [
                {
                    "code": "R1",
                    "indicator": "poverty_headcount",
                    "name": {"en": "Poverty headcount", "ar": "نسبة الفقر"},
                    "baseline": 0.25,
                    "baseline_year": 2021,
                    "target": 0.2,
                    "target_year": 2025,
                }
            ],
        }
    ],
    "programmes": [
        {
            "code": "CASH",
            "name": {"en": "Cash assistance", "ar": "المساعدات النقدية"},
            "ministry": "SOC",
            "objective": {"en": "Income support", "ar": "دعم الدخل"},
            "target_group": "poor = 1",
            "instruments": ["cash_assistance"],
            "results": ["R1"],
        }
    ],
}


def line(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "year": 2022,
        "phase": "approved",
        "admin": "SOC",
        "function": "10.9",
        "economic": "27",
        "source": "treasury",
        "gender_marker": 1,
        "amount": 0.0,
    }
    base.update(fields)
    return base


def small_lines() -> list[dict[str, Any]]:
    """A ministry total (SOC) with two children, in three phases, and a contingency line."""
    out: list[dict[str, Any]] = []
    for phase, total, cash, admin_cost in (
        ("approved", 110.0, 100.0, 10.0),
        ("revised", 115.5, 105.25, 10.25),
        ("executed", 101.1, 92.1, 9.0),
    ):
        out.append(line(line="SOC", phase=phase, amount=total, economic="2"))
        out.append(
            line(
                line="SOC.1",
                parent="SOC",
                phase=phase,
                amount=cash,
                programme="CASH",
                governorate="North",
            )
        )
        out.append(
            line(
                line="SOC.2",
                parent="SOC",
                phase=phase,
                amount=admin_cost,
                economic="21",
                gender_marker=0,
            )
        )
    out.append(
        line(line="RES", admin="99", function="01.1", economic="28", amount=5.0, gender_marker=0)
    )
    out.append(
        line(
            line="RES",
            admin="99",
            function="01.1",
            economic="28",
            amount=1.5,
            phase="executed",
            gender_marker=0,
        )
    )
    return out


@pytest.fixture
def budget() -> Budget:
    return Budget(
        lines=budget_lines(small_lines()),
        currency="DMD",
        scale=1e6,
        title=Text(en="Demo budget", ar="موازنة تجريبية"),
        plan=Plan.model_validate(PLAN),
        contingency=Contingency(field="admin", code="99"),
    )
