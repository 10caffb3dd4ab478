"""PEFA 2016 PI-1 and PI-2 on a worked example, every figure recomputed by hand here.

Source of the method and thresholds: PEFA Secretariat, Framework for assessing
public financial management (2016), PI-1 (https://www.pefa.org/node/4762) and
PI-2 (https://www.pefa.org/node/4627; the adjustment of each category's budget
by the ratio of total outturn to total budget: framework 2.1:3,
https://www.pefa.org/node/4765; economic categories at two GFS digits,
interest included, contingency excluded: https://www.pefa.org/node/4871).
No published numeric worked example of the 2016 calculation sheet was found in
the reference corpora, so the example below is built for this test and every
expected number is worked out by hand in the comments, independently of the
code (the code reads lines; the arithmetic here reads the table below).

The example country, three years, amounts in millions (B = approved, A = executed):

                         function  economic   2021 B/A   2022 B/A   2023 B/A
    health wages            07.1      21       120/118    120/100    120/125
    health goods            07.1      22        80/72      80/60      80/75
    education wages         09.1      21       250/255    250/240    250/250
    education goods         09.1      22        50/55      50/40      50/50
    cash transfers          10.9      27       400/380    400/300    400/420
    general services        01.3      22       100/100    100/110    100/50
    interest                01.7      24        50/55      50/60      50/50
    contingency (admin 99)  01.1      28        30/20      30/40      30/60
    total                                     1080/1055  1080/950   1080/1080
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from insaf.budget import Budget, Contingency, budget_lines, pefa
from insaf.budget.reliability import Dimension

ROWS = [
    # id, admin, function, economic, (B, A) for 2021, 2022, 2023
    ("h21", "HEALTH", "07.1", "21", ((120, 118), (120, 100), (120, 125))),
    ("h22", "HEALTH", "07.1", "22", ((80, 72), (80, 60), (80, 75))),
    ("e21", "EDU", "09.1", "21", ((250, 255), (250, 240), (250, 250))),
    ("e22", "EDU", "09.1", "22", ((50, 55), (50, 40), (50, 50))),
    ("sp27", "SOC", "10.9", "27", ((400, 380), (400, 300), (400, 420))),
    ("g22", "FIN", "01.3", "22", ((100, 100), (100, 110), (100, 50))),
    ("int", "FIN", "01.7", "24", ((50, 55), (50, 60), (50, 50))),
    ("res", "99", "01.1", "28", ((30, 20), (30, 40), (30, 60))),
]


@pytest.fixture
def example() -> Budget:
    records = []
    for ident, admin, function, economic, years in ROWS:
        for year, (approved, executed) in zip((2021, 2022, 2023), years, strict=True):
            for phase, amount in (("approved", approved), ("executed", executed)):
                records.append(
                    {
                        "line": f"{ident}-{year}",
                        "year": year,
                        "phase": phase,
                        "admin": admin,
                        "function": function,
                        "economic": economic,
                        "source": "treasury",
                        "gender_marker": 0,
                        "amount": float(amount),
                    }
                )
    return Budget(
        lines=budget_lines(records),
        currency="DMD",
        scale=1e6,
        contingency=Contingency(field="admin", code="99"),
    )


def test_pi1_aggregate_outturn(example: Budget) -> None:
    result = pefa(example)
    assert result.years == (2021, 2022, 2023)
    outturn = result.dimension("1.1").values
    assert outturn[2021] == pytest.approx(1055 / 1080)  # 0.9769: within 95-105%
    assert outturn[2022] == pytest.approx(950 / 1080)  # 0.8796: within 85-115% only
    assert outturn[2023] == pytest.approx(1080 / 1080)  # 1.0000: within 95-105%
    assert result.pi1 == "A"  # two of three years within 95-105%


def test_pi2_1_by_function_calculation_sheet(example: Budget) -> None:
    sheet = pefa(example).by_function
    y2021 = sheet[0]
    # 2021, functions without interest and contingency:
    #   01: 100/100, 07: 200/190, 09: 300/310, 10: 400/380 -> allocated B 1000, A 980
    #   ratio 980/1000 = 0.98; adjusted 98, 196, 294, 392
    #   deviations 100-98=2, 190-196=-6, 310-294=16, 380-392=-12; |.| sum 36
    #   variance 36/980 = 0.036735
    assert [(r.category, r.budget, r.actual) for r in y2021.rows] == [
        ("01", 100, 100),
        ("07", 200, 190),
        ("09", 300, 310),
        ("10", 400, 380),
    ]
    assert [r.adjusted for r in y2021.rows] == pytest.approx([98, 196, 294, 392])
    assert [r.deviation for r in y2021.rows] == pytest.approx([2, -6, 16, -12])
    assert [r.percent for r in y2021.rows] == pytest.approx([2 / 98, 6 / 196, 16 / 294, 12 / 392])
    assert (y2021.allocated_budget, y2021.allocated_actual) == (1000, 980)
    assert (y2021.interest_budget, y2021.interest_actual) == (50, 55)
    assert (y2021.contingency_budget, y2021.contingency_actual) == (30, 20)
    assert (y2021.total_budget, y2021.total_actual) == (1080, 1055)
    assert y2021.composition_variance == pytest.approx(36 / 980)
    # 2022: 01: 100/110, 07: 200/160, 09: 300/280, 10: 400/300 -> B 1000, A 850, ratio 0.85
    #   adjusted 85, 170, 255, 340; deviations 25, -10, 25, -40; |.| sum 100; 100/850 = 0.117647
    assert sheet[1].composition_variance == pytest.approx(100 / 850)
    # 2023: 01: 100/50, 07: 200/200, 09: 300/300, 10: 400/420 -> B 1000, A 970, ratio 0.97
    #   adjusted 97, 194, 291, 388; deviations -47, 6, 9, 32; |.| sum 94; 94/970 = 0.096907
    assert [r.deviation for r in sheet[2].rows] == pytest.approx([-47, 6, 9, 32])
    assert sheet[2].composition_variance == pytest.approx(94 / 970)
    # under 5% in one year only, under 10% in two (2021, 2023): B
    assert pefa(example).dimension("2.1").score == "B"


def test_pi2_2_by_economic_type(example: Budget) -> None:
    sheet = pefa(example).by_economic
    # 2021, economic, interest included, contingency excluded:
    #   21: 370/373, 22: 230/227, 24: 50/55, 27: 400/380 -> B 1050, A 1035, ratio 69/70
    #   adjusted 370*69/70 = 25530/70 ... deviations 580/70, 20/70, 400/70, -1000/70
    #   |.| sum 2000/70 = 28.5714; variance (2000/70)/1035 = 0.027605
    y2021 = sheet[0]
    assert [r.category for r in y2021.rows] == ["21", "22", "24", "27"]
    assert [r.deviation for r in y2021.rows] == pytest.approx(
        [580 / 70, 20 / 70, 400 / 70, -1000 / 70]
    )
    assert y2021.interest_budget is None  # interest is a category here
    assert y2021.composition_variance == pytest.approx((2000 / 70) / 1035)
    # 2022: 21: 370/340, 22: 230/210, 24: 50/60, 27: 400/300 -> B 1050, A 910, ratio 13/15
    #   deviations 290/15, 160/15, 250/15, -700/15; |.| sum 1400/15; variance (1400/15)/910
    assert sheet[1].composition_variance == pytest.approx((1400 / 15) / 910)  # 0.102564
    # 2023: 21: 370/375, 22: 230/175, 24: 50/50, 27: 400/420 -> B 1050, A 1020, ratio 34/35
    #   deviations 545/35, -1695/35, 50/35, 1100/35; |.| sum 3390/35; variance (3390/35)/1020
    assert sheet[2].composition_variance == pytest.approx((3390 / 35) / 1020)  # 0.094958
    # 2.76% and 9.50% under 10%, only one under 5%: B
    assert pefa(example).dimension("2.2").score == "B"


def test_pi2_3_contingency_and_pi2_score(example: Budget) -> None:
    result = pefa(example)
    share = result.dimension("2.3")
    # 20/1080, 40/1080, 60/1080; average 40/1080 = 3.70%: between 3% and 6% inclusive: B
    assert share.values == pytest.approx({2021: 20 / 1080, 2022: 40 / 1080, 2023: 60 / 1080})
    assert share.average == pytest.approx(40 / 1080)
    assert share.score == "B"
    assert result.pi2 == "B"  # weakest link of B, B, B


def test_weakest_link_adds_a_plus_when_another_dimension_is_higher(example: Budget) -> None:
    result = pefa(example)
    higher = tuple(
        replace(d, score="A")
        if d.code == "2.1"
        else replace(d, score="C")
        if d.code == "2.3"
        else d
        for d in result.dimensions
    )
    assert replace(result, dimensions=higher).pi2 == "C+"  # A, B, C -> C+


def test_thresholds_at_their_edges(example: Budget) -> None:
    from insaf.budget.reliability import _contingency_score, _two_of_three, _under

    bands = (("A", 0.95, 1.05), ("B", 0.90, 1.10), ("C", 0.85, 1.15))
    assert _two_of_three([0.95, 1.05, 0.5], bands) == "A"  # "between" includes its ends
    assert _two_of_three([0.8499, 1.1501, 1.0], bands) == "D"
    limits = (("A", 0.05), ("B", 0.10), ("C", 0.15))
    assert _under([0.05, 0.05, 0.0], limits) == "B"  # "less than 5%" excludes 5%
    assert [_contingency_score(x) for x in (0.0299, 0.03, 0.06, 0.0601, 0.0999, 0.10)] == [
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
    ]


def test_fewer_than_three_years_has_no_score(example: Budget) -> None:
    result = pefa(example, years=[2022, 2023])
    assert result.pi1 is None and result.pi2 is None
    assert result.dimension("2.1").note == "PEFA scores three completed years; 2 given"
    assert result.dimension("2.1").note_in("ar") == (
        "يقيّم إطار الإنفاق العام والمساءلة المالية ثلاث سنوات مكتملة؛ والمعطى 2"
    )
    assert result.dimension("2.1").to_dict("ar")["note"] == result.dimension("2.1").note_in("ar")
    with pytest.raises(ValueError, match="year 2030 has no approved or no executed amounts"):
        pefa(example, years=[2030])


def test_no_contingency_rule_is_said(example: Budget) -> None:
    result = pefa(replace(example, contingency=None))
    assert result.dimension("2.3").score is None
    assert "names no contingency reserve" in (result.dimension("2.3").note or "")
    assert result.dimension("2.3").note_in("ar") == "لا تحدد الموازنة احتياطي طوارئ"


def test_sheet_layout(example: Budget) -> None:
    sheet = pefa(example).sheet("function")
    assert sheet.columns == [
        "year",
        "category",
        "budget",
        "actual",
        "adjusted",
        "deviation",
        "absolute_deviation",
        "percent",
    ]
    first = sheet.filter(sheet["year"] == 2021)["category"].to_list()
    assert first == [
        "01",
        "07",
        "09",
        "10",
        "allocated expenditure",
        "interest",
        "contingency",
        "total expenditure",
    ]


def test_dimension_is_a_value() -> None:
    assert Dimension("1.1", {2021: 1.0}, "A").to_dict()["values"] == {"2021": 1.0}
