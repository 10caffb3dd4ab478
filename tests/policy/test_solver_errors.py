"""A solver failure names its place: file, line, the reform's ``solve`` key and the instrument."""

from __future__ import annotations

from pathlib import Path

import pytest

from insaf.errors import DataError
from insaf.policy import SolveError, simulate
from insaf.survey import Survey

HEAD = """\
name: infinite
welfare: consumption_pc
poverty_lines: {national: poverty_line}
baseline:
  - {id: cash, type: cash_transfer, amount: 40, eligible: "pmt_score < 4.95"}
reforms:
  r:
    changes:
"""


def _run(tmp_path: Path, demo: Survey, body: str) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises((SolveError, DataError)) as info:
        simulate(path, demo)
    return str(info.value)


def test_an_infinite_starting_value_names_the_solve_key(tmp_path: Path, demo: Survey) -> None:
    message = _run(
        tmp_path,
        demo,
        "      - {remove: cash}\n"
        "      - {id: grant, type: cash_transfer, amount: .inf}\n"
        "    solve: {parameter: grant.amount, target: budget_neutral}\n",
    )
    assert str(tmp_path / "scenario.yaml") in message
    assert "line 11, key 'reforms.r.solve'" in message
    assert "grant.amount starts at inf in reform 'r'" in message


def test_an_infinite_bound_names_the_solve_key_and_the_instrument(
    tmp_path: Path, demo: Survey
) -> None:
    message = _run(
        tmp_path,
        demo,
        "      - {remove: cash}\n"
        "      - {id: grant, type: cash_transfer, amount: 1}\n"
        "    solve: {parameter: grant.amount, target: budget_neutral, bounds: [0, .inf]}\n",
    )
    assert "line 11, key 'reforms.r.solve'" in message
    assert "reform 'r'" in message and "grant.amount = inf" in message
    assert "instrument 'grant'" in message


def test_an_infinite_amount_without_solving_names_the_instrument_and_line(
    tmp_path: Path, demo: Survey
) -> None:
    message = _run(tmp_path, demo, "      - {change: cash, amount: .inf}\n")
    assert "line 9, key 'reforms.r.changes[0]'" in message
    assert "instrument 'cash' gives non-finite amounts" in message
