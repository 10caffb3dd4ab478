"""Observatory pages, API, downloads and services on published (disclosure-controlled) data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from tests.web.conftest import PASSWORD, SECRET, make_user

from insaf.web.core.models import AuditEvent
from insaf.web.observatory import models as m
from insaf.web.observatory import queries, services

HOST = {"HTTP_HOST": "127.0.0.1"}


def body(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    return response.content.decode("utf-8")  # type: ignore[attr-defined]


def test_pages_render(observatory: None, client: Client) -> None:
    for lang in ("ar", "en"):
        for path in [
            "",
            "frameworks/",
            "frameworks/SDG/",
            "frameworks/NDP/",
            "indicators/POV_NAT/",
            "indicators/POV_NAT/?breakdown=sex",
            "indicators/POV_NAT/?breakdown=governorate",
            "indicators/POV_NAT/?breakdown=governorate+sex",
            "indicators/GINI/",
            "furthest-behind/",
            "search/?q=poverty",
            "downloads/",
        ]:
            response = client.get(f"/{lang}/{path}", **HOST)
            assert response.status_code == 200, path
    assert client.get("/en/indicators/NOPE/", **HOST).status_code == 404


def test_indicator_page_has_chart_table_summary_and_gaps(observatory: None, client: Client) -> None:
    html = body(client.get("/en/indicators/POV_NAT/?breakdown=sex", **HOST))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert (
        'id="data-table"' in html and 'id="gap-table"' in html and 'id="governorate-table"' in html
    )
    # text summary of the 2024 total (24 - 1.5 * 5 = 16.5) and its target
    assert "was 16.5 (% of persons) in 2024" in html
    assert "The target is 10.0 by 2030" in html
    # women 17.5 (se .8) vs men 15.5 (se .8): gap 2.0, se 1.131, z 1.77, p 0.077: not significant
    assert "Women and girls" in html and "(p=0.077)" in html


def test_progress_is_assessed_for_total_and_groups(observatory: None) -> None:
    total = m.Assessment.objects.get(indicator__code="POV_NAT", key="", method="cagr_ratio")
    # 24 (2019) -> 16.5 (2024), target 10 by 2030 from 2019:
    # CAGR_obs = 0.6875^(1/5) - 1 = exp(-0.374693 / 5) - 1 = -0.072200
    # CAGR_req = (10/24)^(1/11) - 1 = exp(-0.875469 / 11) - 1 = -0.076504
    # R = 0.072200 / 0.076504 = 0.94374 -> acceleration needed (just under 0.95)
    assert total.score == pytest.approx(0.94374, abs=2e-5)
    assert total.status == "accelerate"
    groups = m.Assessment.objects.filter(
        indicator__code="POV_NAT", breakdown="sex", method="anticipated"
    )
    assert {a.key for a in groups} == {"sex=female", "sex=male"}
    behind = queries.furthest_behind()
    assert behind and behind[0].indicator.code == "POV_NAT"


def test_search_finds_arabic_with_and_without_diacritics(observatory: None, client: Client) -> None:
    for query in ("الفقر", "الفَقْر", "فقر", "poverty", "1.2.1", "الالتحاق بالمدارس", "مدارس"):
        html = body(client.get("/ar/search/", {"q": query}, **HOST))
        assert "/ar/indicators/" in html, query
    html = body(client.get("/ar/search/", {"q": "إلتحاق"}, **HOST))  # hamza variant
    assert "/ar/indicators/SCHOOL_ATT/" in html


def test_api(observatory: None, client: Client) -> None:
    items = json.loads(body(client.get("/api/observatory/indicators?limit=100", **HOST)))["items"]
    pov = next(i for i in items if i["code"] == "POV_NAT")
    assert pov["name"]["ar"].startswith("نسبة الفقر") and pov["target"]["value"] == 10.0
    assert set(pov["frameworks"]) == {"SDG", "NDP"}
    obs = json.loads(
        body(
            client.get(
                "/api/observatory/indicators/POV_NAT/observations?breakdown=sex&period=2024", **HOST
            )
        )
    )
    assert obs["count"] == 2
    assert {o["disaggregation"]["sex"] for o in obs["items"]} == {"female", "male"}
    spec = json.loads(body(client.get("/api/openapi.json", **HOST)))
    assert "/api/observatory/indicators/{code}/observations" in spec["paths"]
    progress = json.loads(body(client.get("/api/observatory/indicators/POV_NAT/progress", **HOST)))
    assert {p["method"] for p in progress} == {"cagr_ratio", "anticipated"}


def test_downloads(observatory: None, client: Client) -> None:
    response = client.get("/en/indicators/POV_NAT/data.csv", **HOST)
    assert response["Content-Disposition"] == 'attachment; filename="insaf-POV_NAT.csv"'
    text = body(response)
    assert text.startswith("\ufeffindicator,")  # a byte-order mark for spreadsheet programs
    text = text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["indicator"] for r in rows} == {"POV_NAT"}
    total_2024 = next(
        r for r in rows if r["period"] == "2024" and not r["sex"] and not r["governorate"]
    )
    assert float(total_2024["value"]) == 16.5 and total_2024["n"] == "9000"
    response = client.get("/en/downloads/observatory.sdmx.csv", **HOST)
    assert response["Content-Disposition"] == 'attachment; filename="insaf-observatory.sdmx.csv"'
    text = body(response)
    assert not text.startswith("\ufeff")  # SDMX-CSV: no byte-order mark
    sdmx = list(csv.DictReader(io.StringIO(text)))
    assert {r["INDICATOR"] for r in sdmx} == {"POV_NAT", "SCHOOL_ATT"}


def _everything(client: Client) -> str:
    """Every page, API answer and download the platform offers about the sample data."""
    texts: list[str] = []
    breakdowns = ["", "sex", "governorate", "governorate+sex", "urban", "age_group"]
    for lang in ("ar", "en"):
        for b in breakdowns:
            texts.append(body(client.get(f"/{lang}/indicators/POV_NAT/", {"breakdown": b}, **HOST)))
        for path in ("", "furthest-behind/", "search/?q=poverty", "downloads/"):
            texts.append(body(client.get(f"/{lang}/{path}", **HOST)))
        texts.append(body(client.get(f"/{lang}/indicators/POV_NAT/data.csv", **HOST)))
        texts.append(body(client.get(f"/{lang}/indicators/POV_NAT/data.sdmx.csv", **HOST)))
        texts.append(body(client.get(f"/{lang}/downloads/observatory.csv", **HOST)))
        texts.append(body(client.get(f"/{lang}/downloads/observatory.sdmx.csv", **HOST)))
    for offset in range(0, 400, 100):
        texts.append(
            body(
                client.get(
                    f"/api/observatory/indicators/POV_NAT/observations?limit=100&offset={offset}",
                    **HOST,
                )
            )
        )
    texts.append(
        body(
            client.get(
                "/api/observatory/indicators/POV_NAT/observations?key=governorate=11", **HOST
            )
        )
    )
    texts.append(body(client.get("/api/observatory/indicators/POV_NAT/progress", **HOST)))
    return "\n".join(texts)


def test_a_suppressed_cell_appears_nowhere(observatory: None, client: Client) -> None:
    """Governorate 11 in 2024 had 3 respondents: its value is in no page, API answer or download.

    Its secondary partner (the smallest other governorate of 2024) is hidden too,
    so the national total cannot give it back.
    """
    cell = m.Observation.objects.get(indicator__code="POV_NAT", period=2024, key="governorate=11")
    assert cell.suppressed and cell.value is None and cell.n is None  # not even stored
    partners = m.Observation.objects.filter(
        indicator__code="POV_NAT", period=2024, breakdown="governorate", suppressed=True
    )
    assert partners.count() == 2
    hidden_values = [SECRET]
    everything = _everything(client)
    for value in hidden_values:
        for shown in (f"{value}", f"{value:.1f}", f"{value:.2f}", f"{value:.3f}", f"{value:.6g}"):
            assert shown not in everything, shown
    # the partner's value (governorate 1: 16.5 + 1 - 6 = 11.5 in 2024) is gone as well
    partner = partners.exclude(key="governorate=11").get()
    assert partner.value is None
    url = "/api/observatory/indicators/POV_NAT/observations?key=governorate=11&period=2024"
    api = json.loads(body(client.get(url, **HOST)))
    assert api["items"][0]["suppressed"] is True and api["items"][0]["value"] is None


def test_database_refuses_a_suppressed_cell_with_a_value(observatory: None) -> None:
    cell = m.Observation.objects.filter(suppressed=True).first()
    assert cell is not None
    cell.value = 1.0
    with pytest.raises(IntegrityError), transaction.atomic():
        cell.save()


def test_services_write_audit_events(observatory: None) -> None:
    user = make_user("hala", "analyst")
    ind = m.Indicator.objects.get(code="POV_NAT")
    services.set_target(actor=user, indicator=ind, value=8.0, year=2030, baseline_year=2019)
    event = AuditEvent.objects.get(action="indicator.target", object_id="POV_NAT")
    assert event.actor_name == "hala"
    assert event.before["target_value"] == 10.0 and event.after["target_value"] == 8.0
    assert AuditEvent.objects.filter(action="observations.publish").exists()
    report = services.set_disclosure_policy(
        actor=user, min_count=800, cv_caution=0.165, cv_suppress=0.333, secondary=True
    )
    assert report.primary > 0
    # every governorate (n=700) is now below the count and suppressed in storage
    assert not m.Observation.objects.filter(breakdown="governorate", suppressed=False).exists()
    assert AuditEvent.objects.filter(action="disclosure.policy", actor_name="hala").exists()


def test_analyst_imports_a_csv(observatory: None, client: Client) -> None:
    make_user("imad", "analyst")
    client.post("/en/accounts/login/", {"username": "imad", "password": PASSWORD}, **HOST)
    upload = io.BytesIO(
        b"indicator,period,value,se,n,sex\nSCHOOL_ATT,2024,93.0,0.4,3000,\nSCHOOL_ATT,2024,92.0,0.5,1500,female\n"
    )
    upload.name = "attendance.csv"
    response = client.post("/en/manage/", {"action": "import", "import-file": upload}, **HOST)
    assert response.status_code == 302
    cell = m.Observation.objects.get(indicator__code="SCHOOL_ATT", period=2024, key="")
    assert cell.value == 93.0
    bad = io.BytesIO(b"indicator,period,value\nSCHOOL_ATT,20x4,1\n")
    bad.name = "bad.csv"
    html = body(client.post("/en/manage/", {"action": "import", "import-file": bad}, **HOST))
    assert "line 2, column &#x27;period&#x27;: &#x27;20x4&#x27; is not a whole number" in html
    bad.seek(0)  # the Arabic page says the same in Arabic (insaf.errors.said)
    html = body(client.post("/ar/manage/", {"action": "import", "import-file": bad}, **HOST))
    assert "السطر 2، العمود &#x27;period&#x27;: &#x27;20x4&#x27; ليس عدداً صحيحاً" in html
    assert "whole number" not in html and "problem(s)" not in html


def test_the_list_of_all_indicators_matches_the_home_page_count(
    observatory: None, client: Client
) -> None:
    import re

    total = m.Indicator.objects.count()
    for lang in ("en", "ar"):
        listing = body(client.get(f"/{lang}/indicators/", **HOST))
        rows = re.findall(
            r'<tr><th scope="row"><a href="/' + lang + r'/indicators/([^/]+)/"', listing
        )
        assert rows == list(m.Indicator.objects.values_list("code", flat=True))
        home = body(client.get(f"/{lang}/", **HOST))
        assert f'<td class="num" id="status-total">{total}</td>' in home
        # the status table's rows add up to that total
        status_rows = home.split('id="progress-summary"')[1].split("<tfoot>")[0]
        counts = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', status_rows)]
        assert sum(counts) == total
    # the English list shows a latest value and the status of POV_NAT (it has a target)
    listing = body(client.get("/en/indicators/", **HOST))
    row = listing.split('href="/en/indicators/POV_NAT/"')[1].split("</tr>")[0]
    assert ">16.5<" in row and "status-" in row


def test_a_catalogue_synced_again_changes_nothing_and_keeps_both_languages(
    observatory: None,
) -> None:
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue

    catalogue = load_catalogue(DEMO_CATALOGUE)
    assert services.sync_catalogue(actor=None, catalogue=catalogue) == {"created": 0, "changed": 0}
    dim = catalogue.dimensions[0]
    stored = m.Dimension.objects.get(code=dim.code)
    assert (stored.name_en, stored.name_ar, stored.position) == (dim.name.en, dim.name.ar, 0)
    category = m.Category.objects.get(dimension=stored, code=dim.categories[0].code)
    assert (category.name_en, category.name_ar) == (
        dim.categories[0].name.en,
        dim.categories[0].name.ar,
    )
    fw = catalogue.frameworks[0]
    framework = m.Framework.objects.get(code=fw.code)
    assert (framework.description_en, framework.description_ar) == (
        fw.description.en,
        fw.description.ar,
    )
    _depth, first = next(iter(fw.walk()))
    node = framework.nodes.get(code=first.code)
    assert (node.name_en, node.name_ar) == (first.name.en, first.name.ar)
    ind = catalogue.indicators[0]
    indicator = m.Indicator.objects.get(code=ind.code)
    assert (indicator.definition_en, indicator.agency_ar) == (ind.definition.en, ind.agency.ar)
