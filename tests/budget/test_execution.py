"""execution(): approved, revised, executed and the rates, from leaf lines."""

from __future__ import annotations

import pytest

from insaf.budget import Budget, execution


def test_execution_by_year_and_admin(budget: Budget) -> None:
    table = execution(budget, by=["year", "admin"])
    assert table.columns == [
        "year",
        "admin",
        "approved",
        "revised",
        "executed",
        "execution_rate",
        "revised_rate",
    ]
    rows = {r["admin"]: r for r in table.iter_rows(named=True)}
    soc = rows["SOC"]
    # leaves SOC.1 + SOC.2: approved 100 + 10, revised 105.25 + 10.25, executed 92.1 + 9.0
    assert soc["approved"] == pytest.approx(110.0)
    assert soc["revised"] == pytest.approx(115.5)
    assert soc["executed"] == pytest.approx(101.1)
    assert soc["execution_rate"] == pytest.approx(101.1 / 110.0)
    assert soc["revised_rate"] == pytest.approx(101.1 / 115.5)
    reserve = rows["99"]  # approved 5.0, executed 1.5, never revised
    assert reserve["revised"] is None and reserve["revised_rate"] is None
    assert reserve["execution_rate"] == pytest.approx(0.3)


def test_execution_overall_and_bad_by(budget: Budget) -> None:
    total = execution(budget, by=[])
    assert total.row(0, named=True)["approved"] == pytest.approx(115.0)
    with pytest.raises(ValueError, match="cannot group by 'ministry'"):
        execution(budget, by=["ministry"])
