"""SDMX: the SDMX-CSV export re-imported, and the REST endpoints read by the ``sdmx1`` client."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sdmx
from django.test import Client
from tests.web.conftest import SECRET

from insaf.observatory import read_sdmx_observations
from insaf.web.observatory import models as m
from insaf.web.observatory import services
from insaf.web.observatory.catalogue import stored_catalogue

HOST = {"HTTP_HOST": "127.0.0.1"}
_FIELDS = (
    "indicator__code",
    "area",
    "period",
    "breakdown",
    "key",
    "value",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "flags",
    "suppressed",
)


def _stored() -> list[tuple[Any, ...]]:
    return sorted(m.Observation.objects.values_list(*_FIELDS))


@pytest.mark.django_db
def test_the_sdmx_csv_export_is_re_imported_identically(
    observatory: None, client: Client, tmp_path: Path
) -> None:
    before = _stored()
    assert any(row[-1] for row in before)  # the sample has suppressed cells
    path = tmp_path / "observatory.sdmx.csv"
    response = client.get("/en/downloads/observatory.sdmx.csv", **HOST)
    path.write_bytes(b"".join(response.streaming_content))
    observations = read_sdmx_observations(path, stored_catalogue())
    assert len(observations) == len(before)
    # a fresh database: no observation, no assessment, then the file published
    m.Observation.objects.all().delete()
    m.Assessment.objects.all().delete()
    assert _stored() == []
    services.publish(actor=None, observations=observations, source="re-import")
    assert _stored() == before


def test_sdmx_csv_errors_name_line_and_column(tmp_path: Path) -> None:
    from insaf.observatory import DEMO_CATALOGUE, ImportFailed, load_catalogue

    path = tmp_path / "bad.sdmx.csv"
    path.write_text(
        "DATAFLOW,INDICATOR,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE,CONF_STATUS\n"
        "INSAF:DF_OBSERVATORY(1.0),POV_NAT,NAT,_T,2023,21.5,F\n"
        "INSAF:DF_OBSERVATORY(1.0),POV_NAT,NAT,other,2023,21.5,F\n"
        "INSAF:DF_OBSERVATORY(1.0),POV_NAT,NAT,female,20x3,21.5,F\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        read_sdmx_observations(path, load_catalogue(DEMO_CATALOGUE))
    found = {(w.line, w.column): text for w, text in info.value.problems}
    assert "'other' is not a category of sex" in found[(3, "SEX")]
    assert "not a whole number" in found[(4, "period")]


@pytest.mark.django_db
def test_structure_queries(observatory: None, client: Client) -> None:
    flow_only = client.get("/sdmx/dataflow/INSAF/DF_OBSERVATORY/1.0", **HOST)
    assert flow_only.status_code == 200
    assert flow_only["Content-Type"].startswith("application/vnd.sdmx.structure+xml")
    message = sdmx.read_sdmx(io.BytesIO(flow_only.content))
    assert list(message.dataflow) == ["DF_OBSERVATORY"] and not message.codelist
    full = sdmx.read_sdmx(
        io.BytesIO(
            client.get(
                "/sdmx/structure/dataflow/INSAF/DF_OBSERVATORY/latest?references=all", **HOST
            ).content
        )
    )
    dsd = full.structure["DSD_OBSERVATORY"]
    ids = [d.id for d in dsd.dimensions.components]
    assert ids[:3] == ["INDICATOR", "REF_AREA", "SEX"] and ids[-1] == "TIME_PERIOD"
    sex = full.codelist["CL_SEX"]
    assert {c.id for c in sex} == {"_T", "female", "male"}
    assert (
        str(sex["female"].name.localizations["ar"])
        == m.Category.objects.get(dimension__code="sex", code="female").name_ar
    )
    assert "DEMO" in {c.id for c in full.codelist["CL_AREA"]}
    one = sdmx.read_sdmx(io.BytesIO(client.get("/sdmx/codelist/INSAF/CL_SEX/1.0", **HOST).content))
    assert list(one.codelist) == ["CL_SEX"] and not one.dataflow
    assert client.get("/sdmx/dataflow/OTHER/DF_OBSERVATORY/1.0", **HOST).status_code == 404
    assert client.get("/sdmx/codelist/INSAF/CL_NOPE/1.0", **HOST).status_code == 404
    assert client.get("/sdmx/hierarchicalcodelist/INSAF/all/latest", **HOST).status_code == 501
    assert client.get("/sdmx/dataflow/INSAF/all/latest?references=x", **HOST).status_code == 400


@pytest.mark.django_db
def test_data_queries_filter_and_hide_suppressed_values(observatory: None, client: Client) -> None:
    dims = len(stored_catalogue().dimensions)
    key = "POV_NAT." + "." * dims  # every area and category
    response = client.get(f"/sdmx/data/DF_OBSERVATORY/{key}?startPeriod=2024", **HOST)
    assert response.status_code == 200
    text = response.content.decode()
    assert str(SECRET) not in text and 'CONF_STATUS="C"' in text
    assert 'TIME_PERIOD="2023"' not in text and 'INDICATOR="SCHOOL_ATT"' not in text
    bad = client.get("/sdmx/data/DF_OBSERVATORY/POV_NAT.DEMO", **HOST)
    assert bad.status_code == 400 and "INDICATOR.REF_AREA.SEX" in bad.content.decode()
    assert client.get("/sdmx/data/DF_OTHER/all", **HOST).status_code == 404
    assert client.get("/sdmx/data/DF_OBSERVATORY/all?endPeriod=19x", **HOST).status_code == 400


@pytest.mark.django_db
def test_a_data_answer_has_a_size_limit(
    observatory: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insaf.web.observatory import sdmx_api

    monkeypatch.setattr(sdmx_api, "MAX_OBSERVATIONS", 10)
    response = client.get("/sdmx/data/DF_OBSERVATORY/all", **HOST)
    assert response.status_code == 413 and response.content.startswith(b"510 ")
    dims = len(stored_catalogue().dimensions)
    # the total of one indicator over six years fits
    key = "SCHOOL_ATT." + "._T" * dims
    assert client.get(f"/sdmx/data/DF_OBSERVATORY/{key}", **HOST).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_sdmx1_client_reads_the_rest_endpoint(live_server: Any, observatory: None) -> None:
    sdmx.add_source(
        {"id": "INSAF", "url": f"{live_server.url}/sdmx", "name": "INSAF (test server)"},
        override=True,
    )
    client = sdmx.Client("INSAF")
    flows = client.dataflow("DF_OBSERVATORY")
    flow = flows.dataflow["DF_OBSERVATORY"]
    assert str(flow.name.localizations["en"]).startswith("INSAF Social Observatory")
    dsd = flow.structure
    assert "GOVERNORATE" in [d.id for d in dsd.dimensions.components]
    message = client.data(
        "DF_OBSERVATORY", key={"INDICATOR": "POV_NAT", "SEX": "female+male"}, dsd=dsd
    )
    series = sdmx.to_pandas(message.data[0])
    assert set(series.index.get_level_values("SEX")) == {"female", "male"}
    female_2024 = series.xs(("female", "2024"), level=("SEX", "TIME_PERIOD"))
    assert float(female_2024.iloc[0]) == pytest.approx(24.0 - 1.5 * 5 + 1.0)
