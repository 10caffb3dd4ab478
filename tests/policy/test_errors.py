"""Bad scenarios give clear errors naming the key and the line, before any computation."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from insaf.errors import SpecError
from insaf.policy import simulate
from insaf.policy.engine import Engine
from insaf.policy.scenario import load_scenario
from insaf.survey import Survey

HEAD = """\
name: bad
welfare: consumption_pc
lines: {national: poverty_line}
baseline:
  - {id: bread_subsidy, type: price_subsidy, item: bread, subsidy_per_unit: 1.2}
  - {id: cash, type: cash_transfer, amount: 40, eligible: "pmt_score < 4.95"}
reforms:
  r:
"""

# (reform lines, line of the problem, key, words in the message)
CASES = {
    "unknown variable": (
        '    - {id: grant, type: cash_transfer, unit: person, amount: 5, eligible: "agee < 18"}',
        9,
        "reforms.r[0].eligible",
        "unknown variable(s) 'agee'",
    ),
    "unknown instrument type": (
        "    - {id: grant, type: cash_transfr, amount: 5}",
        9,
        "reforms.r[0]",
        "'cash_transfr'",
    ),
    "negative rate": (
        "    - {id: vat, type: vat, rate: -0.1}",
        9,
        "reforms.r[0].rate",
        "greater than or equal to 0",
    ),
    "missing item": (
        "    - {id: fuel, type: price_subsidy, item: petrol, subsidy_per_unit: 0.1}",
        9,
        "reforms.r[0].item",
        "item 'petrol' is not in the consumption table",
    ),
    "unknown instrument removed": (
        "    - {remove: bread}",
        9,
        "reforms.r[0].remove",
        "no instrument 'bread'",
    ),
    "bad change": (
        "    - {change: cash, amount: -3}",
        9,
        "reforms.r[0].amount",
        "greater than or equal to 0",
    ),
    "unparsable rule": (
        '    - {change: cash, eligible: "pmt_score <"}',
        9,
        "reforms.r[0].eligible",
        "cannot parse",
    ),
    "text in double quotes": (
        "    - {id: g, type: cash_transfer, amount: 5, eligible: 'head_sex = \"female\"'}",
        9,
        "reforms.r[0].eligible",
        "single quotes",
    ),
    "solver parameter": (
        "    - {id: g, type: cash_transfer, amount: 5}\n  s:\n"
        "    changes: [{change: cash, amount: 50}]\n    solve: {parameter: cash.amout}",
        12,
        "reforms.s.solve.parameter",
        "no parameter 'amout'",
    ),
}


def _write(tmp_path: Path, reform: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD + reform + "\n", encoding="utf-8")
    return path


@pytest.fixture
def no_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran before the scenario was checked")

    monkeypatch.setattr(Engine, "run", refuse)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_scenario_names_key_and_line(
    case: str, tmp_path: Path, demo: Survey, no_computation: None
) -> None:
    reform, line, key, words = CASES[case]
    path = _write(tmp_path, reform)
    with pytest.raises(SpecError) as info:
        simulate(path, demo)
    message = str(info.value)
    assert f"line {line}" in message, message
    assert f"key '{key}'" in message, message
    assert words in message, message


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: many
            welfare: consumption_pc
            lines: {national: -1}
            reforms:
              r:
                - {id: a, type: cash_transfer, amount: -1}
                - {id: b, type: vat, rate: 2}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 3
    lines = sorted(where.line for where, _ in info.value.problems if where.line)
    assert lines == [3, 6, 7]


def test_missing_welfare_and_line_columns(tmp_path: Path, demo: Survey) -> None:
    path = tmp_path / "cols.yaml"
    path.write_text(
        "name: cols\nwelfare: welfare_pc\nlines: {national: line_col}\n"
        "reforms:\n  r:\n    - {id: a, type: cash_transfer, amount: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        simulate(path, demo)
    message = str(info.value)
    assert "line 2" in message and "'welfare_pc'" in message
    assert "line 3" in message and "'line_col'" in message


def test_a_missing_amount_says_how_to_fix_it(tmp_path: Path, demo: Survey) -> None:
    path = _write(
        tmp_path,
        "    - {id: tax, type: income_tax, base: social_security * wage,"
        " brackets: [{above: 0, rate: 0.1}]}",
    )
    with pytest.raises(Exception, match=r"COALESCE") as info:
        simulate(path, demo)
    assert "line 9" in str(info.value)


GRANT = "    - {id: grant, type: cash_transfer, unit: person, amount: 5}\n"


def test_a_survey_the_scenario_names_is_read_beside_it(tmp_path: Path) -> None:
    """A relative ``survey:`` is read from the scenario's folder; a missing one is a
    ``SpecError`` at the key that names it, with the path looked at."""
    from insaf.policy.api import scenario_survey_path

    (tmp_path / "here.parquet").write_bytes(b"")
    for name, found in (("here.parquet", True), ("gone.parquet", False)):
        path = tmp_path / "s.yaml"
        path.write_text(HEAD.replace("name: bad\n", f"name: bad\nsurvey: {name}\n") + GRANT)
        loaded = load_scenario(path)
        if found:
            assert scenario_survey_path(loaded) == tmp_path / name
            continue
        with pytest.raises(SpecError, match=rf"survey '{name}' not found at .*{name}") as err:
            scenario_survey_path(loaded)
        assert "key 'survey'" in str(err.value)
