"""The MPI by hand on four households, the specification's validation (every
problem with its key and line), the member rules, and both presets on the
synthetic demo country."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DataError, SpecError
from insaf.measures.mpi_spec import MPISpec, load_mpi_spec
from insaf.specs import load_yaml, parse_spec
from insaf.survey.design import Design
from insaf.survey.survey import Survey
from insaf.survey.synth import synthesize
from insaf.survey.table import Table

SPEC = """\
name: hand
k: 1/3
dimensions:
  - name: education
    weight: 1/2
    indicators:
      - name: schooling          # no member aged 10+ has 6 years of schooling
        variable: years
        operator: ">="
        value: 6
        among: age >= 10
        members: none
      - name: attendance         # a child aged 6-14 is out of school
        variable: attending
        operator: "=="
        value: 0
        among: age >= 6 AND age <= 14
        members: any
  - name: living
    weight: 1/2
    indicators:
      - name: water
        variable: water
        operator: "=="
        value: 0
      - name: assets
        expr: (radio + tv) <= 1 AND car = 0
"""


def spec_of(text: str, file: str = "spec.yaml") -> MPISpec:
    data, lines = load_yaml(text, file=file)
    return parse_spec(MPISpec, data, lines, file=file)


def hand_survey() -> Survey:
    """Four households; every indicator weighs 1/2 x 1/2 = 1/4.

    hh  w  persons (age, years, attending)          water radio tv car  urban
    1   1  (40, 3, -) (35, 2, -) (8, 2, 0)            1     1    1   0    1
    2   2  (30, 8, -) (12, 6, 1)                      0     1    1   0    1
    3   1  (50, 0, -) (45, 0, -) (7, 1, 0) (3, 0, -)  0     0    0   0    0
    4   2  (70, 12, -)                                1     1    1   0    0
    """
    households = pl.DataFrame(
        {
            "hhid": [1, 2, 3, 4],
            "w": [1.0, 2.0, 1.0, 2.0],
            "water": [1, 0, 0, 1],
            "radio": [1, 1, 0, 1],
            "tv": [1, 1, 0, 1],
            "car": [0, 0, 0, 0],
            "urban": [1, 1, 0, 0],
        }
    )
    persons = pl.DataFrame(
        {
            "pid": list(range(1, 11)),
            "hhid": [1, 1, 1, 2, 2, 3, 3, 3, 3, 4],
            "age": [40, 35, 8, 30, 12, 50, 45, 7, 3, 70],
            "years": [3, 2, 2, 8, 6, 0, 0, 1, 0, 12],
            "attending": [None, None, 0, None, 1, None, None, 0, None, None],
        }
    )
    return Survey(
        households=Table(name="households", frame=households, key=("hhid",)),
        persons=Table(name="persons", frame=persons, key=("pid",), household="hhid"),
        design=Design(weight="w"),
    )


def test_by_hand() -> None:
    """Deprivations (schooling, attendance, water, assets) and scores (weights 1/4):

    hh1: 1 1 0 0 -> 1/2, poor     hh2: 0 0 1 0 -> 1/4, not poor
    hh3: 1 1 1 1 -> 1,   poor     hh4: 0 0 0 0 -> 0,   not poor

    Persons (weights): hh1 3 x 1, hh2 2 x 2, hh3 4 x 1, hh4 1 x 2: N = 13.
    H = (3 + 4)/13 = 7/13; M0 = (3 x 1/2 + 4 x 1)/13 = 5.5/13; A = 5.5/7.
    Uncensored: schooling 7/13, attendance 7/13, water (4 + 4)/13 = 8/13, assets 4/13.
    Censored: water 4/13 (hh2 is not poor), the others as uncensored.
    Contributions w_j h_j(k)/M0: schooling (7/4)/5.5 = 0.318..., attendance the
    same, water (4/4)/5.5 = 0.1818..., assets the same; they sum to 1.
    """
    result = m.mpi(hand_survey(), spec_of(SPEC))
    expected = {
        "mpi.H": 7 / 13,
        "mpi.A": 5.5 / 7,
        "mpi.M0": 5.5 / 13,
        "mpi.uncensored[schooling]": 7 / 13,
        "mpi.censored[schooling]": 7 / 13,
        "mpi.contribution[schooling]": 1.75 / 5.5,
        "mpi.uncensored[attendance]": 7 / 13,
        "mpi.censored[attendance]": 7 / 13,
        "mpi.contribution[attendance]": 1.75 / 5.5,
        "mpi.uncensored[water]": 8 / 13,
        "mpi.censored[water]": 4 / 13,
        "mpi.contribution[water]": 1 / 5.5,
        "mpi.uncensored[assets]": 4 / 13,
        "mpi.censored[assets]": 4 / 13,
        "mpi.contribution[assets]": 1 / 5.5,
    }
    assert [e.measure for e in result] == list(expected)
    for est in result:
        assert est.value == pytest.approx(expected[est.measure], abs=1e-15)
        assert est.n == 10 and est.population == 13.0


def test_by_hand_households_groups_and_deprivations() -> None:
    """Households as the unit (weights 1, 2, 1, 2): H = 2/6. By area: rural persons
    hh3 (4) and hh4 (2); rural M0 = 4/6, population share 6/13, and the rural
    share of M0 is 4/5.5 (urban 1.5/5.5)."""
    survey, spec = hand_survey(), spec_of(SPEC)
    assert m.mpi(survey, spec, unit="household").get("mpi.H").value == pytest.approx(2 / 6)
    by = m.mpi(survey, spec, by="urban")
    assert by.get("mpi.M0", urban=0).value == pytest.approx(4 / 6)
    assert by.get("mpi.population_share", urban=0).value == pytest.approx(6 / 13)
    assert by.get("mpi.contribution_of_group", urban=0).value == pytest.approx(4 / 5.5)
    assert by.get("mpi.contribution_of_group", urban=1).value == pytest.approx(1.5 / 5.5)
    dep = m.deprivations(survey, spec)
    assert dep.columns == ["hhid", "schooling", "attendance", "water", "assets", "score", "poor"]
    assert dep.get_column("score").to_list() == [0.5] * 3 + [0.25] * 2 + [1.0] * 4 + [0.0]
    assert dep.get_column("poor").to_list() == [1, 1, 1, 0, 0, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(
    ("rule", "extra", "expected"),
    [
        # members aged 10+ with fewer than 3 years: hh1 1 of 2, hh2 0 of 2, hh3 2 of 2, hh4 0 of 1
        ("any", "", [1, 0, 1, 0]),
        ("all", "", [0, 0, 1, 0]),
        ("none", "", [0, 1, 0, 1]),
        ("share", "        share: 0.5\n", [1, 0, 1, 0]),
        ("share", "        share: 0.6\n", [0, 0, 1, 0]),
    ],
)
def test_member_rules(rule: str, extra: str, expected: list[int]) -> None:
    text = f"""\
name: rules
k: 1
dimensions:
  - name: d
    indicators:
      - name: low
        variable: years
        operator: "<"
        value: 3
        among: age >= 10
        members: {rule}
{extra}"""
    dep = m.deprivations(hand_survey(), spec_of(text))
    per_household = dep.unique("hhid", keep="first", maintain_order=True)
    assert per_household.get_column("low").to_list() == expected


def test_person_condition_without_members_rule_is_an_error() -> None:
    """years >= 3 holds for one member of hh1 (3, 2, 2) and not the others."""
    text = SPEC.replace("        among: age >= 10\n        members: none\n", "").replace(
        "value: 6", "value: 3"
    )
    with pytest.raises(DataError, match="'schooling' differs between members of 1 household"):
        m.mpi(hand_survey(), spec_of(text))


def test_missing_values_among_eligible_members() -> None:
    text = SPEC.replace("among: age >= 6 AND age <= 14", "among: age >= 6")
    with pytest.raises(DataError, match=r"'attendance': 6 eligible row\(s\) have no value"):
        m.mpi(hand_survey(), spec_of(text))
    lenient = text.replace("members: any\n", "members: any\n        missing: not_deprived\n")
    assert m.mpi(hand_survey(), spec_of(lenient)).get("mpi.H").value == pytest.approx(7 / 13)


def test_unknown_variable_is_named() -> None:
    with pytest.raises(DataError, match=r"unknown variable.*'toilet'"):
        m.mpi(hand_survey(), spec_of(SPEC.replace("variable: water", "variable: toilet")))


def _problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        spec_of(text)
    return [f"{where.key} line {where.line}: {msg}" for where, msg in info.value.problems]


def test_spec_errors_name_key_and_line() -> None:
    bad = (
        SPEC.replace("expr: (radio + tv) <= 1 AND car = 0", "expr: (radio + tv <= 1")
        .replace("value: 0\n        among", "value: [0]\n        among")
        .replace("k: 1/3", "k: 1/0")
    )
    problems = _problems(bad)
    assert len(problems) == 3  # all at once
    assert problems[0].startswith("k line 2:") and "not a number or a fraction" in problems[0]
    assert problems[1].startswith("dimensions[0].indicators[1] line 13:")
    assert "take a list" in problems[1]
    assert problems[2].startswith("dimensions[1].indicators[1].expr line 27:")
    assert "not a valid SQL expression" in problems[2]


def test_weights_must_sum_to_one() -> None:
    dims = SPEC.replace("  - name: living\n    weight: 1/2", "  - name: living\n    weight: 0.4")
    (problem,) = _problems(dims)
    assert problem.startswith("dimensions line 3:")
    assert "dimension weights must sum to 1, not 0.5 + 0.4 = 0.9" in problem
    inds = SPEC.replace("      - name: water\n", "      - name: water\n        weight: 0.3\n")
    (problem,) = _problems(inds)
    assert problem.startswith("dimensions[1].indicators line 21:")
    assert "give a weight to every indicator or to none" in problem


def test_spec_shape_errors() -> None:
    both = SPEC.replace("      - name: assets\n", "      - name: assets\n        variable: car\n")
    assert any("exactly one" in p for p in _problems(both))
    unknown = SPEC.replace("name: hand", "name: hand\ncutoff: 0.3")
    assert any(p.startswith("cutoff line 2:") and "Extra inputs" in p for p in _problems(unknown))
    twice = SPEC.replace("name: assets", "name: water")
    assert any("'water' is used twice" in p for p in _problems(twice))
    among = SPEC.replace("        members: none\n", "")
    assert any("among (eligible members) needs members" in p for p in _problems(among))


def test_spec_from_file_and_presets(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(SPEC, encoding="utf-8")
    assert load_mpi_spec(path).name == "hand"
    assert load_mpi_spec(str(path)).weights() == dict.fromkeys(
        ["schooling", "attendance", "water", "assets"], 0.25
    )
    with pytest.raises(SpecError, match="neither a preset"):
        load_mpi_spec("nowhere")
    glob = load_mpi_spec("global")
    assert glob.k == pytest.approx(1 / 3)
    weights = glob.weights()
    assert len(weights) == 10 and sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert weights["nutrition"] == pytest.approx(1 / 6)
    assert weights["assets"] == pytest.approx(1 / 18)
    arab = load_mpi_spec("arab")
    assert len(arab.weights()) == 12 and sum(arab.weights().values()) == pytest.approx(1.0)
    assert arab.weights()["overcrowding"] == pytest.approx(1 / 21)
    assert "overcrowding" in arab.dimension_of() and arab.dimension_of()["overcrowding"] == (
        "living_standards"
    )


@pytest.mark.parametrize("preset", ["global", "arab"])
def test_presets_run_on_the_synthetic_demo_country(preset: str) -> None:
    survey = synthesize(400, 3)
    result = m.mpi(survey, preset, by="urban")
    for est in result:
        assert est.value == est.value  # no NaN: every statistic is defined here
        assert est.se >= 0
    whole = m.mpi(survey, preset)
    h, a, m0 = (whole.get(f"mpi.{s}").value for s in ("H", "A", "M0"))
    assert 0 < h < 1 and 1 / 3 - 1e-9 <= a <= 1 and m0 == pytest.approx(h * a)
