"""Reading and writing tables and whole surveys in every format."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from insaf.errors import DataError
from insaf.survey import (
    Design,
    Format,
    Label,
    Metadata,
    Role,
    Survey,
    Table,
    Variable,
    VariableType,
    open_survey,
    read_table,
    write_survey,
    write_table,
)

FORMATS = [f.value for f in Format]

METADATA = Metadata.of(
    [
        Variable(
            name="sex",
            label=Label(en="Sex of the person", ar="جنس الفرد"),
            values={1: Label(en="Male", ar="ذكر"), 2: Label(en="Female", ar="أنثى")},
        ),
        Variable(
            name="age",
            label=Label(en="Age in completed years", ar="العمر بالسنوات الكاملة"),
            role=Role.AGE,
        ),
        Variable(name="governorate", label=Label(en="Governorate", ar="المحافظة")),
    ]
)


def households() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "hhid": [1, 2, 3],
            "weight": [10.5, 20.0, 1 / 3],
            "stratum": [1, 1, 2],
            "psu": [11, 12, 21],
            "governorate": ["العاصمة", "الشمال", None],
            "urban": [True, False, None],
        }
    )


def persons() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "pid": [1, 2, 3, 4, 5],
            "hhid": [1, 1, 2, 3, 3],
            "age": [30, 5, None, 70, 8],
            "sex": [1, 2, 1, 2, 2],
            "income": [100.25, 0.0, None, 1e-9, 12345.678901234],
            "note": ["", "نص عربي", None, 'a,b "quoted"', "line\nbreak"],
        }
    )


def survey() -> Survey:
    return Survey(
        households=Table(name="households", frame=households(), key=("hhid",)),
        persons=Table(name="persons", frame=persons().drop("note"), key=("pid",), household="hhid"),
        design=Design(weight="weight", strata="stratum", psu="psu"),
        metadata=METADATA,
        name=Label(en="Test survey", ar="مسح اختباري"),
        year=2024,
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_survey_round_trip_is_identical_in_every_format(
    tmp_path: Path, fmt: str, lang: str
) -> None:
    original = survey()
    manifest = write_survey(original, tmp_path, format=fmt, lang=lang)
    back = open_survey(manifest)
    assert back.households is not None and back.persons is not None
    assert_frame_equal(back.households.frame, households())
    assert_frame_equal(back.persons.frame, persons().drop("note"))
    assert back.design == original.design
    assert back.name == original.name and back.year == 2024
    for name, var in METADATA.variables.items():
        assert back.metadata[name].label == var.label
        assert dict(back.metadata[name].values) == dict(var.values)


@pytest.mark.parametrize("fmt", ["parquet", "sav"])
def test_single_file_keeps_both_languages(tmp_path: Path, fmt: str) -> None:
    frame = persons().drop("note")
    path = write_table(frame, tmp_path / f"p.{fmt}", metadata=METADATA, lang="ar")
    back, meta = read_table(path)
    assert_frame_equal(back, frame, check_dtypes=fmt == "parquet")
    assert meta["sex"].label == Label(en="Sex of the person", ar="جنس الفرد")
    assert meta["sex"].values[2] == Label(en="Female", ar="أنثى")
    assert meta["age"].role is Role.AGE


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_stata_file_keeps_labels_in_its_language(tmp_path: Path, lang: str) -> None:
    frame = persons().drop("note", "income")
    path = write_table(frame, tmp_path / "p.dta", metadata=METADATA, lang=lang)
    back, meta = read_table(path)
    assert back.get_column("sex").to_list() == [1, 2, 1, 2, 2]
    expected = METADATA["sex"].label.get(lang)
    assert meta["sex"].label.get(lang, fallback=False) == expected
    assert meta["sex"].values[1].get(lang, fallback=False) == METADATA["sex"].values[1].get(lang)


def test_csv_text_values(tmp_path: Path) -> None:
    frame = persons()
    path = write_table(frame, tmp_path / "p.csv")
    back, _ = read_table(path, types={"note": VariableType.STR})
    assert_frame_equal(back, frame)
    assert back.get_column("note").to_list()[:3] == ["", "نص عربي", None]


def test_csv_reads_na_as_text_not_missing(tmp_path: Path) -> None:
    path = tmp_path / "na.csv"
    path.write_text("id,w\n1,NA\n2,3.5\n3,\n", encoding="utf-8")
    frame, _ = read_table(path)
    assert frame.get_column("w").to_list() == ["NA", "3.5", None]


def test_csv_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,name\n1,عمان\n".encode())
    frame, _ = read_table(path)
    assert frame.columns == ["id", "name"]
    assert frame.row(0) == (1, "عمان")


def test_csv_keeps_leading_zeros_when_declared_text(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("code\n007\n010\n", encoding="utf-8")
    frame, _ = read_table(path, types={"code": VariableType.STR})
    assert frame.get_column("code").to_list() == ["007", "010"]


def test_too_short_line_is_refused_not_padded(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"2 line\(s\).*line 3: 2 fields; line 5: 1 fields"):
        read_table(path)


def test_quoted_line_breaks_do_not_confuse_line_numbers_of_later_errors(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('a,b\n1,"x\ny"\n2,3,4\n', encoding="utf-8")
    with pytest.raises(DataError, match="line 4: 3 fields"):
        read_table(path)


@pytest.mark.parametrize(
    ("fmt", "frame", "metadata", "message"),
    [
        (
            "dta",
            pl.DataFrame({"x": [1]}),
            Metadata.of([Variable(name="x", label=Label(en="x" * 81))]),
            "81 characters",
        ),
        (
            "dta",
            pl.DataFrame({"x": ["a"]}),
            Metadata.of([Variable(name="x", values={"a": Label(en="A")})]),
            "integers only",
        ),
        ("dta", pl.DataFrame({"x": [2**60]}), None, "beyond 2\\*\\*53"),
        ("sav", pl.DataFrame({"x": ["", None]}), None, "both missing and empty"),
        ("dta", pl.DataFrame({"bad name": [1]}), None, "not a valid dta variable name"),
    ],
)
def test_writing_refuses_what_the_format_cannot_hold(
    tmp_path: Path, fmt: str, frame: pl.DataFrame, metadata: Metadata | None, message: str
) -> None:
    with pytest.raises(DataError, match=message):
        write_table(frame, tmp_path / f"t.{fmt}", metadata=metadata)


def test_declared_type_lists_every_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("age\n1\nx\n3\n4.5\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_table(path, types={"age": VariableType.INT})
    assert "2 value(s)" in str(caught.value)
    assert "'x' on line 3" in str(caught.value) and "'4.5' on line 5" in str(caught.value)


def test_single_file_needs_a_weight(tmp_path: Path) -> None:
    path = write_table(persons().drop("note"), tmp_path / "p.parquet")
    with pytest.raises(DataError, match="--weight"):
        open_survey(path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="unknown file format 'xlsx'"):
        read_table(path)


def test_person_frame_of_household_columns_only() -> None:
    frame = survey().frame(["governorate"], unit="person")
    assert frame.height == 5
    assert frame.get_column("governorate").to_list() == ["العاصمة", "العاصمة", "الشمال", None, None]
