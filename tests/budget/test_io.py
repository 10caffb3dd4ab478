"""Reading and writing budgets: round trips, and every bad-file message."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from insaf.budget import (
    Budget,
    BudgetImportError,
    budget_lines,
    read_boost_csv,
    read_budget,
    write_boost_csv,
    write_fdp,
)
from insaf.errors import DataError, SpecError

from .conftest import line

HEADER = "line,parent,year,admin,function,economic,programme,governorate,source,gender_marker"


def test_fdp_round_trip_is_identical(budget: Budget, tmp_path: Path) -> None:
    descriptor = write_fdp(budget, tmp_path / "fdp")
    back = read_budget(tmp_path / "fdp")
    assert back == budget
    assert back.lines.equals(budget.lines)
    assert read_budget(descriptor) == budget
    # and written again, byte for byte the same files
    write_fdp(back, tmp_path / "again")
    for name in ("datapackage.json", "budget-lines.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "fdp" / name).read_bytes()


def test_fdp_descriptor_has_the_fiscal_model(budget: Budget, tmp_path: Path) -> None:
    package = json.loads(write_fdp(budget, tmp_path).read_text(encoding="utf-8"))
    assert package["profile"] == "fiscal-data-package"
    measures = package["model"]["measures"]
    assert measures["revised"] == {
        "source": "revised",
        "currency": "DMD",
        "factor": 1e6,
        "direction": "expenditure",
        "phase": "adjusted",
    }
    dims = package["model"]["dimensions"]
    assert dims["functional-classification"]["classificationType"] == "functional"
    assert dims["fiscal-year"]["dimensionType"] == "datetime"
    fields = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert fields["year"] == "integer" and fields["approved"] == "number"
    assert package["insaf"]["plan"]["code"] == "NSS"


def test_boost_round_trip_is_identical(budget: Budget, tmp_path: Path) -> None:
    manifest = write_boost_csv(budget, tmp_path)
    assert read_budget(tmp_path) == budget
    assert read_boost_csv(manifest) == budget
    head = (tmp_path / "lines.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head == HEADER + ",approved,revised,executed"


def test_amounts_keep_every_digit(tmp_path: Path) -> None:
    amounts = [0.1 + 0.2, 1e-300, 123456789.123456789, 1 / 3, 2.5e15]
    lines = budget_lines(
        line(line=str(i), amount=a, phase="executed") for i, a in enumerate(amounts)
    )
    budget = Budget(lines=lines, currency="DMD")
    write_fdp(budget, tmp_path)
    assert read_budget(tmp_path).lines["amount"].to_list() == amounts


def test_lines_are_held_in_file_order(budget: Budget) -> None:
    """Given phase by phase, the lines are held line by line (first appearance), then by
    phase: the order a flat file has, so that writing and reading keep it."""
    held = budget.lines.select("line", "phase").rows()
    assert held[:4] == [
        ("SOC", "approved"),
        ("SOC", "revised"),
        ("SOC", "executed"),
        ("SOC.1", "approved"),
    ]
    assert held[-2:] == [("RES", "approved"), ("RES", "executed")]


def test_a_total_sums_the_leaves_of_a_year_the_budget_has(budget: Budget) -> None:
    # approved 2022: SOC.1 100 + SOC.2 10 + RES 5 (SOC, their parent, is not a leaf)
    assert budget.total("approved", 2022) == pytest.approx(115.0)
    assert budget.total("executed", 2022) == pytest.approx(92.1 + 9.0 + 1.5)
    with pytest.raises(DataError, match=r"the budget has no year 2023 \(years: 2022\)"):
        budget.total("approved", 2023)


def _flat(tmp_path: Path, body: str, header: str = HEADER + ",approved,executed") -> Path:
    (tmp_path / "lines.csv").write_text(header + "\n" + body, encoding="utf-8")
    (tmp_path / "budget.yaml").write_text("currency: DMD\nscale: 1000\n", encoding="utf-8")
    return tmp_path / "budget.yaml"


def _problems(path: Path) -> list[str]:
    with pytest.raises(BudgetImportError) as caught:
        read_budget(path)
    return [str(p) for p in caught.value.problems]


def test_a_clean_flat_file_reads(tmp_path: Path) -> None:
    path = _flat(tmp_path, "a,,2022,SOC,10.9,27,CASH,North,treasury,2,100.5,\n")
    budget = read_budget(path)
    assert budget.scale == 1000 and budget.currency == "DMD"
    assert budget.lines.select("phase", "amount").rows() == [("approved", 100.5)]
    assert budget.lines["programme"][0] == "CASH" and budget.lines["parent"][0] is None


def test_bad_cells_are_named_by_file_row_and_field(tmp_path: Path) -> None:
    body = (
        'a,,2022,SOC,10.9,27,,,treasury,0,"1,000",5\n'  # thousands separator
        "b,,20x2,SOC,10.9,27,,,treasury,0,1,\n"  # year
        "c,,2022,SOC,11.1,27,,,treasury,0,1,\n"  # COFOG
        "d,,2022,SOC,10.9,X7,,,treasury,0,1,\n"  # GFS
        "e,,2022,SOC,10.9,27,,,treasury,3,1,\n"  # gender marker
        "f,,2022,,10.9,27,,,treasury,0,1,\n"  # empty admin
        "g,,2022,SOC,10.9,27,,,treasury,0,,\n"  # no amount
        "a,,2022,SOC,10.9,27,,,treasury,0,1,\n"  # duplicate id
        "h,zz,2022,SOC,10.9,27,,,treasury,0,1,\n"  # unknown parent
        "i,,2022,SOC,10.9,27,,,treasury,0,1,inf\n"  # not finite
    )
    file = str(tmp_path / "lines.csv")
    found = _problems(_flat(tmp_path, body))
    expected = [
        f"{file}, row 6, column 'admin': empty cell",
        f"{file}, row 2, column 'year': not a year (a whole number from 1900 to 2200): '20x2'",
        f"{file}, row 5, column 'gender_marker': not a gender marker (0 not targeted, "
        "1 significant, 2 principal): '3'",
        f"{file}, row 3, column 'function': not a COFOG code (01 to 10, or a group such as "
        "10.9): '11.1'",
        f"{file}, row 4, column 'economic': not a GFS economic code (digits, such as 27 or "
        "2821): 'X7'",
        f"{file}, row 1, column 'approved': not a number (digits, a point for decimals, no "
        "thousands separator): '1,000'",
        f"{file}, row 10, column 'executed': not a number (digits, a point for decimals, no "
        "thousands separator): 'inf'",
        f"{file}, row 7, column 'line': no amount in any phase",
        f"{file}, row 8, column 'line': line id 'a' already used on row 1",
        f"{file}, row 9, column 'parent': parent 'zz' is not a line of this file",
    ]
    assert found == expected


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    header = "year,admin,function,economic,source,amount_usd"
    found = _problems(_flat(tmp_path, "2022,SOC,10.9,27,t,1\n", header=header))
    file = str(tmp_path / "lines.csv")
    assert found == [
        f"{file}, column 'amount_usd': unknown column (expected some of: line, parent, year, "
        "admin, function, economic, programme, governorate, source, gender_marker, proposed, "
        "approved, revised, executed)",
        f"{file}, column 'gender_marker': missing column",
        f"{file}: no amount column (one of: proposed, approved, revised, executed)",
    ]


def test_a_manifest_key_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "budget.yaml").write_text("currency: DMD\nscale: -1\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"line 2, key 'scale': Input should be greater than 0"):
        read_budget(tmp_path)


def test_a_plan_error_names_its_key(tmp_path: Path) -> None:
    (tmp_path / "budget.yaml").write_text(
        "currency: DMD\nplan:\n  code: P\n  name: {en: x, ar: س}\n  start: 2025\n  end: 2021\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=r"line 6, key 'plan.end': .*end 2021 is before start 2025"):
        read_budget(tmp_path)


def test_a_result_cannot_be_reached_before_its_baseline() -> None:
    from pydantic import ValidationError

    from insaf.budget.model import Result

    fields = {"code": "R1", "indicator": "pov", "baseline": 0.25, "target": 0.2}
    assert Result(**fields, baseline_year=2021, target_year=2021).target_year == 2021
    with pytest.raises(ValidationError, match="target_year 2020 is before baseline_year 2021"):
        Result(**fields, baseline_year=2021, target_year=2020)


def test_a_manifest_cannot_point_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "budget.yaml").write_text("currency: DMD\nlines: ../x.csv\n", encoding="utf-8")
    assert _problems(tmp_path) == [
        f"{tmp_path / 'budget.yaml'}, key 'lines': '../x.csv' is outside the budget's folder"
    ]


def test_a_flat_csv_alone_asks_for_its_manifest(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(HEADER + ",approved\n", encoding="utf-8")
    assert _problems(path) == [
        f"{path}: a flat CSV is read with its budget.yaml (currency, scale, plan): give that file"
    ]
    with pytest.raises(BudgetImportError, match="needs its currency"):
        read_boost_csv(path)


def test_not_utf8_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "lines.csv").write_bytes(b"year,admin\n2022,\xff\xfe\n")
    (tmp_path / "budget.yaml").write_text("currency: DMD\n", encoding="utf-8")
    assert _problems(tmp_path)[0].startswith(f"{tmp_path / 'lines.csv'}: not a readable UTF-8")
    assert _problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such file or folder"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _problems(empty) == [f"{empty}: neither datapackage.json nor budget.yaml in this folder"]


def test_fdp_descriptor_problems(budget: Budget, tmp_path: Path) -> None:
    descriptor = write_fdp(budget, tmp_path)
    package = json.loads(descriptor.read_text(encoding="utf-8"))

    package["model"]["measures"]["approved"]["phase"] = "planned"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(SpecError, match=r"key 'model.measures.approved.phase'"):
        read_budget(tmp_path)

    package["model"]["measures"]["approved"]["phase"] = "approved"
    package["resources"][0]["path"] = "/etc/passwd"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    assert _problems(tmp_path) == [
        f"{descriptor}, key 'resources[0].path': '/etc/passwd' is outside the package's folder"
    ]

    package["resources"][0]["path"] = "budget-lines.csv"
    package["model"]["measures"]["executed"]["currency"] = "USD"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    assert _problems(tmp_path) == [
        f"{descriptor}, key 'model.measures': the measures differ in currency or factor"
    ]

    package["model"]["measures"]["executed"]["currency"] = "DMD"
    del package["model"]["measures"]["executed"]
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    csv = tmp_path / "budget-lines.csv"
    assert _problems(tmp_path) == [
        f"{csv}: column 'executed' is in no measure or dimension of the model"
    ]

    descriptor.write_text("{not json", encoding="utf-8")
    assert _problems(tmp_path)[0].startswith(f"{descriptor}: not a UTF-8 JSON file")


def test_fdp_columns_may_be_named_anything(budget: Budget, tmp_path: Path) -> None:
    """A package whose measures and dimensions name other columns is read through its model."""
    descriptor = write_fdp(budget, tmp_path)
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    csv = tmp_path / "budget-lines.csv"
    frame = pl.read_csv(csv, infer_schema=False).rename({"approved": "Appropriation"})
    frame.write_csv(csv)
    package["model"]["measures"]["approved"]["source"] = "Appropriation"
    package["resources"][0]["schema"]["fields"][10]["name"] = "Appropriation"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    assert read_budget(tmp_path) == budget


def test_budget_refuses_a_frame_of_other_types() -> None:
    with pytest.raises(TypeError, match="LINE_SCHEMA"):
        Budget(lines=pl.DataFrame({"amount": [1.0]}), currency="DMD")
    with pytest.raises(ValueError, match="record 0: no 'amount'"):
        budget_lines([{k: v for k, v in line(line="a").items() if k != "amount"}])
