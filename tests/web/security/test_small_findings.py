"""The smaller findings: formula cells in downloads, ``If-None-Match: *`` on a missing page."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from insaf.observatory import Observation

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def formula_cell(observatory: None) -> None:
    from insaf.web.observatory import services

    services.publish(
        actor=None,
        observations=[
            Observation(indicator="SCHOOL_ATT", period=2030, area=FORMULA, value=91.0, n=3000)
        ],
        source="tests",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/en/indicators/SCHOOL_ATT/data.csv",
        "/en/indicators/SCHOOL_ATT/data.sdmx.csv",
        "/en/downloads/observatory.csv",
        "/en/downloads/observatory.sdmx.csv",
    ],
)
def test_observatory_downloads_neutralise_formula_cells(
    formula_cell: None, client: Client, url: str
) -> None:
    response = client.get(url, **HOST)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_library_writers_neutralise_formula_cells() -> None:
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.observatory.export import csv_safe, write_csv, write_sdmx_csv

    cell = Observation(indicator="SCHOOL_ATT", period=2030, area="@SUM(A1)", value=-1.5, n=3)
    out = io.StringIO()
    write_csv([cell], out, dimensions=["sex"])
    assert "'@SUM(A1)" in out.getvalue() and ",-1.5," in out.getvalue()
    out = io.StringIO()
    write_sdmx_csv([cell], out, catalogue=load_catalogue(DEMO_CATALOGUE))
    assert "'@SUM(A1)" in out.getvalue()
    assert [csv_safe(v) for v in ("-2", "+3", "-x", "\tx", None, float("nan"), 4)] == [
        "-2",
        "+3",
        "'-x",
        "'\tx",
        "",
        "",
        "4",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/en/indicators/NO_SUCH/",
        "/en/indicators/NO_SUCH/data.csv",
        "/api/observatory/indicators/NO_SUCH",
        "/api/observatory/indicators/NO_SUCH/observations",
        "/en/frameworks/NO_SUCH/",
    ],
)
def test_if_none_match_star_is_no_304_for_a_missing_resource(
    observatory: None, client: Client, url: str
) -> None:
    assert client.get(url, HTTP_IF_NONE_MATCH="*", **HOST).status_code == 404


@pytest.mark.parametrize("url", ["/en/indicators/POV_NAT/", "/api/observatory/indicators/POV_NAT"])
def test_if_none_match_star_is_a_304_for_an_existing_resource(
    observatory: None, client: Client, url: str
) -> None:
    response = client.get(url, HTTP_IF_NONE_MATCH="*", **HOST)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"]
    # and the ETag it gives is honoured as before, before the view runs
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **HOST)
    assert again.status_code == 304
