"""CSV and SDMX-CSV exports, and CSV / SDMX-ML imports with row and field errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from insaf.observatory import (
    DEMO_CATALOGUE,
    Flag,
    ImportFailed,
    Observation,
    load_catalogue,
    read_csv_observations,
    read_sdmx_observations,
)
from insaf.observatory.export import write_csv, write_sdmx_csv

CATALOGUE = load_catalogue(DEMO_CATALOGUE)
DIMS = CATALOGUE.dimension_codes


def sample() -> list[Observation]:
    return [
        Observation(
            indicator="POV_NAT", period=2023, value=21.5, se=0.8, ci_low=19.9, ci_high=23.1, n=4000
        ),
        Observation(
            indicator="POV_NAT",
            period=2023,
            disaggregation=(("sex", "female"),),
            value=22.25,
            se=1.1,
            ci_low=20.1,
            ci_high=24.4,
            n=2100,
            flags=frozenset({Flag.PROVISIONAL}),
        ),
        Observation(
            indicator="POV_NAT",
            period=2023,
            disaggregation=(("sex", "male"),),
            flags=frozenset({Flag.SUPPRESSED}),
        ),
    ]


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    with path.open("w", encoding="utf-8") as f:
        assert write_csv(sample(), f, dimensions=DIMS) == 3
    back = read_csv_observations(path, CATALOGUE)
    assert [(o.key, o.value, o.se, o.n, o.flags) for o in back] == [
        (o.key, o.value, o.se, o.n, o.flags) for o in sample()
    ]
    assert back[0].area == "NAT"


def test_sdmx_csv_uses_totals_and_confidentiality() -> None:
    out = io.StringIO()
    write_sdmx_csv(sample(), out, catalogue=CATALOGUE)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["DATAFLOW"] == "INSAF:DF_OBSERVATORY(1.0)"
    assert (
        rows[0]["SEX"] == "_T" and rows[0]["OBS_VALUE"] == "21.5" and rows[0]["CONF_STATUS"] == "F"
    )
    assert rows[1]["OBS_STATUS"] == "P"
    assert rows[2]["SEX"] == "male" and rows[2]["OBS_VALUE"] == "" and rows[2]["CONF_STATUS"] == "C"
    assert rows[2]["STD_ERR"] == "" and rows[2]["OBS_COUNT"] == ""


def test_csv_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "indicator,period,value,se,n,sex,governorate\n"
        "POV_NAT,2023,21.5,0.8,4000,,\n"  # fine
        "NOPE,2023,1,,,,\n"  # line 3: unknown indicator
        "POV_NAT,20x3,1,,,,\n"  # line 4: period
        "POV_NAT,2023,abc,-1,,,\n"  # line 5: value and se
        "POV_NAT,2023,3,,,unknown,\n"  # line 6: category
        "GINI,2023,3,,,female,\n"  # line 7: GINI has no breakdown by sex
        "POV_NAT,2023,22,,,,\n",  # line 8: duplicate of line 2
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        read_csv_observations(path, CATALOGUE)
    found = {(w.line, w.column): m for w, m in info.value.problems}
    assert "unknown indicator 'NOPE'" in found[(3, "indicator")]
    assert "not a whole number" in found[(4, "period")]
    assert "not a number" in found[(5, "value")]
    assert "below 0" in found[(5, "se")]
    assert "not a category of sex" in found[(6, "sex")]
    assert "no breakdown by sex" in found[(7, "sex")]
    assert "line 2" in found[(8, None)]
    assert "line 6, column 'sex'" in str(info.value)


def test_csv_header_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("indicator,year,value,colour\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        read_csv_observations(path, CATALOGUE)
    found = {(w.line, w.column): m for w, m in info.value.problems}
    assert found[(1, "colour")] == "unknown column"
    assert found[(1, "period")] == "required column missing"


def _sdmx_message(
    path: Path, rows: list[tuple[dict[str, str], float | None, dict[str, str]]]
) -> None:
    import sdmx
    from sdmx.message import DataMessage
    from sdmx.model import common, v21

    dsd = v21.DataStructureDefinition(id="DSD_INSAF")
    for i, dim in enumerate(["INDICATOR", "REF_AREA", "SEX", "TIME_PERIOD"]):
        dsd.dimensions.getdefault(dim, order=i)
    dsd.measures.getdefault("OBS_VALUE")
    for attr in ["STD_ERR", "OBS_COUNT", "OBS_STATUS", "CONF_STATUS"]:
        dsd.attributes.getdefault(attr)
    ds = v21.GenericDataSet(structured_by=dsd)
    observations = []
    for key, value, attrs in rows:
        obs = v21.Observation(dimension=dsd.make_key(common.Key, key), value=value)
        for name, attr_value in attrs.items():
            obs.attached_attribute[name] = common.AttributeValue(
                value=attr_value, value_for=dsd.attributes.get(name)
            )
        observations.append(obs)
    ds.add_obs(observations)
    path.write_bytes(sdmx.to_xml(DataMessage(data=[ds])))


def test_sdmx_ml_import(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    base = {"INDICATOR": "POV_NAT", "REF_AREA": "DEMO"}
    _sdmx_message(
        path,
        [
            (
                {**base, "SEX": "_T", "TIME_PERIOD": "2022"},
                24.0,
                {"STD_ERR": "0.9", "OBS_COUNT": "3900"},
            ),
            ({**base, "SEX": "female", "TIME_PERIOD": "2022"}, 25.5, {"OBS_STATUS": "P"}),
            ({**base, "SEX": "male", "TIME_PERIOD": "2022"}, None, {"CONF_STATUS": "C"}),
        ],
    )
    got = {o.key: o for o in read_sdmx_observations(path, CATALOGUE)}
    assert got[""].value == 24.0 and got[""].se == 0.9 and got[""].n == 3900
    assert got[""].area == "DEMO" and got[""].period == 2022
    assert got["sex=female"].flags == frozenset({Flag.PROVISIONAL})
    assert got["sex=male"].is_suppressed


def test_sdmx_ml_errors_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    _sdmx_message(
        path,
        [
            (
                {"INDICATOR": "POV_NAT", "REF_AREA": "DEMO", "SEX": "x", "TIME_PERIOD": "2022"},
                1.0,
                {},
            )
        ],
    )
    with pytest.raises(ImportFailed) as info:
        read_sdmx_observations(path, CATALOGUE)
    ((where, message),) = info.value.problems
    assert where.column == "SEX" and "'x' is not a category of sex" in message
    assert "SEX=x" in str(where)
