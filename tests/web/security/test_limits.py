"""Input limits: NUL characters, out-of-range integers, body size, over-long CSV fields.

Each was a server error (or an unbounded upload) when the platform was tried as
a hostile user would; each must now be a 4xx answer that says what was wrong.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from tests.web.conftest import PASSWORD, make_user

from insaf.web.observatory import models as m

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1"}
BIG = str(2**64 + 1)  # beyond 64 bits
HUGE = "9" * 40


@pytest.mark.parametrize(
    "url",
    [
        "/en/search/?q=pov%00erty",
        "/en/indicators/POV%00NAT/",
        "/en/council/referrals/?status=%00",
        "/en/council/opinions/?q=a%00",
        "/ar/frameworks/%00/",
        "/api/observatory/indicators/POV_NAT/observations?area=%00",
        "/api/observatory/indicators/POV_NAT/observations?key=sex%3D%00",
        "/api/observatory/indicators/PO%00V",
        "/api/council/referrals?q=%00",
        "/api/council/referrals/%00/comments",
        "/api/council/commitments?ministry=%00",
        "/api/council/accountability?ministry=%00",
        "/api/observatory/indicators?framework=%00",
        "/api/observatory/indicators?fr%00amework=x",
    ],
)
def test_nul_in_path_or_query_is_a_400(observatory: None, client: Client, url: str) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **HOST)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": "The request contains a NUL character."}


def test_the_refusal_is_in_the_visitors_language(client: Client) -> None:
    response = client.get("/ar/search/?q=%00", **HOST)
    assert response.status_code == 400
    assert response.content.decode() == "يحتوي الطلب على المحرف الصفري (NUL)."


def test_nul_in_a_form_field_is_a_400(client: Client) -> None:
    response = client.post("/en/accounts/login/", {"username": "a\x00b", "password": "x"}, **HOST)
    assert response.status_code == 400


def test_nul_in_a_cookie_is_a_400(observatory: None, client: Client) -> None:
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/en/", **HOST).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        f"limit={BIG}",
        f"offset={BIG}",
        f"limit={HUGE}",
        f"offset={HUGE}",
        "limit=0",
        "offset=-1",
        "limit=1001",
        f"period={BIG}",
        f"period_from={HUGE}",
        "period_to=-5",
        "period=70000",
        f"area={'A' * 41}",
    ],
)
def test_out_of_range_parameters_are_a_422(observatory: None, client: Client, query: str) -> None:
    response = client.get(f"/api/observatory/indicators/POV_NAT/observations?{query}", **HOST)
    assert response.status_code == 422
    name = query.split("=")[0]
    assert name in {str(part) for error in response.json()["detail"] for part in error["loc"]}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/observatory/indicators?limit={BIG}",
        f"/api/observatory/indicators?offset={BIG}",
        f"/api/council/referrals?offset={HUGE}",
        f"/api/council/commitments/{BIG}",
        f"/api/council/referrals/R-1/impact/{BIG}",
        f"/api/council/referrals/R-1/recommendations/{HUGE}",
        "/api/council/commitments/0",
    ],
)
def test_out_of_range_integers_anywhere_in_the_api_are_a_422(
    observatory: None, client: Client, url: str
) -> None:
    assert client.get(url, **HOST).status_code == 422


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: Client, settings: object
) -> None:
    """60 MB was accepted at the login form: a multipart body is now held to the limit."""
    settings.MAX_REQUEST_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    upload = io.BytesIO(b"x" * (1024 * 1024 + 1))
    upload.name = "big.bin"
    response = client.post(
        "/en/accounts/login/", {"username": "a", "password": "b", "file": upload}, **HOST
    )
    assert response.status_code == 413
    response = client.post(
        "/api/observatory/indicators",
        data=b"x" * (1024 * 1024 + 1),
        content_type="text/plain",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["detail"]


def test_the_default_body_limit_is_10_mb(client: Client) -> None:
    from django.conf import settings

    assert settings.MAX_REQUEST_BYTES == 10 * 1024 * 1024
    response = client.post(
        "/en/accounts/login/",
        data=b"x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        **HOST,
    )
    assert response.status_code == 413


def test_a_content_length_that_is_not_a_number_is_a_400(client: Client) -> None:
    response = client.post(
        "/en/accounts/login/",
        data=b"username=a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="lots",
        **HOST,
    )
    assert response.status_code == 400


def _analyst(client: Client) -> None:
    make_user("imane", "analyst")
    client.post("/en/accounts/login/", {"username": "imane", "password": PASSWORD}, **HOST)


def _import(client: Client, text: str) -> str:
    upload = io.BytesIO(text.encode())
    upload.name = "cells.csv"
    response = client.post("/en/manage/", {"action": "import", "import-file": upload}, **HOST)
    assert response.status_code == 200  # the form again, with the problems
    return response.content.decode()


def test_an_over_long_area_in_a_csv_import_names_row_and_column(
    observatory: None, client: Client
) -> None:
    _analyst(client)
    html = _import(client, f"indicator,period,value,area\nSCHOOL_ATT,2024,93.0,{'X' * 41}\n")
    assert "line 2, column &#x27;area&#x27;: 41 characters, longer than the 40 allowed" in html
    assert not m.Observation.objects.filter(area="X" * 41).exists()


def test_nul_and_a_huge_count_in_a_csv_import_name_row_and_column(
    observatory: None, client: Client
) -> None:
    _analyst(client)
    html = _import(
        client,
        "indicator,period,value,n,area\n"
        "SCHOOL_ATT,2024,93.0,1,DE\x00MO\n"
        f"SCHOOL_ATT,2023,93.0,{2**31},DEMO\n",
    )
    assert "line 2, column &#x27;area&#x27;: contains a NUL character" in html
    assert "line 3, column &#x27;n&#x27;" in html
