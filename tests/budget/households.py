"""The ten-household example of the budget tests, small enough to work by hand.

Every household has weight 1 and is its own PSU in one stratum. Sorted by
consumption per person (10, 20, ..., 100), with sizes 2, 1, 2, 1, ... there
are 15 people; the mid-point rule puts households (A, B), (C, D), (E, F),
(G, H), (I, J) in quintiles 1 to 5, three people each:

====  ====  ==========  ===============================  ==============
hh    size  cons. p.c.  pupils of a public primary       public visits
====  ====  ==========  ===============================  ==============
A     2     10          1                                 3 (2 + 1)
B     1     20          0                                 4
C     2     30          1 (the other pupil: private)      2
D     1     40          0                                 0
E     2     50          1                                 1
F     1     60          0                                 1
G     2     70          0 (a private primary pupil)       0
H     1     80          0                                 1
I     2     90          0 (a public secondary pupil)      0
J     1     100         0                                 0
====  ====  ==========  ===============================  ==============
"""

from __future__ import annotations

from typing import Any

from tests.rights.helpers import make_survey

from insaf.budget import Budget, Plan, Text, budget_lines
from insaf.survey import Survey

from .conftest import PLAN as BASE_PLAN

SIZES = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
CONSUMPTION_PC = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
FEMALE_HEAD = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
GOVERNORATE = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]

# (school_level, public_school, public_visits, sex) of each person, by household
_PEOPLE: list[list[tuple[int | None, int | None, int, int]]] = [
    [(None, None, 2, 2), (1, 1, 1, 1)],  # A
    [(None, None, 4, 1)],  # B
    [(1, 0, 2, 1), (1, 1, 0, 2)],  # C
    [(None, None, 0, 2)],  # D
    [(None, None, 1, 1), (1, 1, 0, 2)],  # E
    [(None, None, 1, 1)],  # F
    [(None, None, 0, 2), (1, 0, 0, 2)],  # G
    [(None, None, 1, 1)],  # H
    [(None, None, 0, 1), (2, 1, 0, 1)],  # I
    [(None, None, 0, 2)],  # J
]


def ten_households(**extra: list[Any]) -> Survey:
    """The example as a survey; ``extra`` adds household columns."""
    households = [
        {
            "hhid": h + 1,
            "psu": h + 1,
            "weight": 1.0,
            "hhsize": SIZES[h],
            "consumption_pc": CONSUMPTION_PC[h],
            "female_head": FEMALE_HEAD[h],
            "governorate": GOVERNORATE[h],
            **{k: v[h] for k, v in extra.items()},
        }
        for h in range(10)
    ]
    persons = [
        {
            "pid": (h + 1) * 10 + i,
            "hhid": h + 1,
            "school_level": level,
            "public_school": public,
            "public_visits": visits,
            "sex": sex,
        }
        for h, members in enumerate(_PEOPLE)
        for i, (level, public, visits, sex) in enumerate(members)
    ]
    return make_survey(households, persons)


PLAN: dict[str, Any] = {
    **BASE_PLAN,
    "programmes": [
        {
            "code": code,
            "name": {"en": en, "ar": ar},
            "ministry": ministry,
            "objective": {"en": en, "ar": ar},
            "instruments": instruments,
            "results": ["R1"],
        }
        for code, en, ar, ministry, instruments in (
            ("CASH", "Cash assistance", "المساعدات النقدية", "SOC", ["cash"]),
            ("TAX", "Income tax", "ضريبة الدخل", "FIN", ["tax"]),
            ("EDU", "Education", "التعليم", "EDU", []),
        )
    ],
}

Line = tuple[str, str, str | None, str | None, int, float]
"""(line, function, programme, governorate, gender marker, executed amount in 2024)"""

LINES: list[Line] = [
    ("EDU.1", "09.1", "EDU", "1", 1, 200.0),
    ("EDU.2", "09.1", "EDU", "2", 1, 100.0),
    ("HEA.1", "07.2", None, "1", 2, 120.0),
    ("CASH.1", "10.9", "CASH", "1", 1, 20.0),
    ("TAX.1", "01.1", "TAX", None, 0, 5.0),
    ("GEN.1", "01.3", None, None, 0, 55.0),
]


def ten_budget(extra: tuple[Line, ...] = ()) -> Budget:
    """The ten households' budget of 2024 (executed, scale 1): 300 on primary
    education (200 in governorate 1, 100 in 2), 120 on outpatient care, 20 on cash
    assistance, 5 to collect the income tax, 55 on general services."""
    records = [
        {
            "line": name,
            "year": 2024,
            "phase": "executed",
            "admin": name.split(".")[0],
            "function": function,
            "economic": "22",
            "programme": programme,
            "governorate": governorate,
            "source": "treasury",
            "gender_marker": marker,
            "amount": amount,
        }
        for name, function, programme, governorate, marker, amount in [*LINES, *extra]
    ]
    return Budget(
        lines=budget_lines(records),
        currency="DMD",
        scale=1.0,
        title=Text(en="Ten households", ar="عشر أسر"),
        plan=Plan.model_validate(PLAN),
    )
