"""A small budget worked by hand: three years, two programmes, interest and a contingency.

Amounts (millions of DMD), the same lines every year, times ``factor(year)``
(1 + 0.1 x (year - 2021)):

| line | admin | function | economic | programme | governorate | approved | executed |
|---|---|---|---|---|---|---|---|
| CASH-1 | SOC | 10.9 | 27 | CASH | 1 | 100 | 90 |
| CASH-2 | SOC | 10.9 | 27 | CASH | 2 | 50 | 60 |
| SCHOOL | EDU | 09.1 | 21 | SCHOOL | – | 200 | 190 |
| DEBT | FIN | 01.7 | 24 | – | – | 40 | 40 |
| RESERVE | 99 | 01.1 | 28 | – | – | 10 | 5 |

2023 also has revised amounts (approved + 5 on each line, before the factor).
"""

from __future__ import annotations

from typing import Any

import pytest

from insaf.budget import Budget, Contingency, Goal, Plan, Programme, Result, Text, budget_lines

LINES = (
    ("CASH-1", "SOC", "10.9", "27", "CASH", "1", 1, 100.0, 90.0),
    ("CASH-2", "SOC", "10.9", "27", "CASH", "2", 1, 50.0, 60.0),
    ("SCHOOL", "EDU", "09.1", "21", "SCHOOL", None, 0, 200.0, 190.0),
    ("DEBT", "FIN", "01.7", "24", None, None, 0, 40.0, 40.0),
    ("RESERVE", "99", "01.1", "28", None, None, 0, 10.0, 5.0),
)
YEARS = (2021, 2022, 2023)


def factor(year: int) -> float:
    return 1 + 0.1 * (year - 2021)


def small_plan() -> Plan:
    return Plan(
        code="NSS",
        name=Text(en="National social strategy", ar="الاستراتيجية الوطنية للحماية الاجتماعية"),
        start=2021,
        end=2025,
        goals=(
            Goal(
                code="G1",
                name=Text(en="Less poverty", ar="فقر أقل"),
                results=(
                    Result(
                        code="R1",
                        indicator="POV_NAT",
                        baseline=24.0,
                        baseline_year=2019,
                        target=15.0,
                        target_year=2025,
                    ),
                    Result(
                        code="R2",
                        indicator="SCHOOL_ATT",
                        baseline=80.0,
                        baseline_year=2019,
                        target=95.0,
                        target_year=2025,
                    ),
                ),
            ),
        ),
        programmes=(
            Programme(
                code="CASH",
                name=Text(en="Cash assistance", ar="المساعدات النقدية"),
                ministry="SOC",
                objective=Text(en="Lift poor families", ar="انتشال الأسر الفقيرة"),
                target_group="poor = 1",
                results=("R1",),
            ),
            Programme(
                code="SCHOOL",
                name=Text(en="Public schools", ar="المدارس العامة"),
                ministry="EDU",
                objective=Text(en="Every child in school", ar="كل طفل في المدرسة"),
                results=("R2",),
            ),
        ),
    )


def small_budget() -> Budget:
    records: list[dict[str, Any]] = []
    for year in YEARS:
        for line, admin, function, economic, programme, governorate, marker, ok, done in LINES:
            phases = [("approved", ok), ("executed", done)]
            if year == 2023:
                phases.insert(1, ("revised", ok + 5))
            for phase, amount in phases:
                records.append(
                    {
                        "line": f"{line}-{year}",
                        "year": year,
                        "phase": phase,
                        "admin": admin,
                        "function": function,
                        "economic": economic,
                        "programme": programme,
                        "governorate": governorate,
                        "source": "GOV",
                        "gender_marker": marker,
                        "amount": round(amount * factor(year), 6),
                    }
                )
    return Budget(
        lines=budget_lines(records),
        currency="DMD",
        scale=1e6,
        title=Text(en="Demo budget", ar="موازنة تجريبية"),
        plan=small_plan(),
        contingency=Contingency(field="admin", code="99"),
    )


@pytest.fixture
def stored(observatory: None) -> Any:
    from insaf.web.budget import services

    return services.store_budget(actor=None, code="demo", budget=small_budget())
