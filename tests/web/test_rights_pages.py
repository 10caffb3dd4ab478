"""The rights view of the observatory: indicators mapped to rights, a page per right."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError
from tests.latin import latin_words

from insaf.observatory import DEMO_CATALOGUE, Catalogue, load_catalogue
from insaf.web.core.models import AuditEvent
from insaf.web.observatory import models as m

from .conftest import SECRET

HOST = {"HTTP_HOST": "127.0.0.1"}


def test_the_demo_catalogue_maps_indicators_to_rights() -> None:
    catalogue = load_catalogue(DEMO_CATALOGUE)
    rights = {r.code: r for r in catalogue.human_rights}
    assert set(rights) == {"icescr_9", "icescr_11", "icescr_12", "icescr_13", "cedaw", "crpd"}
    assert rights["icescr_13"].treaty == "ICESCR" and rights["icescr_13"].article == "13"
    school = catalogue.indicator("SCHOOL_ATT")
    assert "icescr_13" in school.human_rights and school.rights.value == "outcome"
    assert catalogue.indicator("SP_COVERAGE").rights.value == "process"


def test_an_indicator_citing_an_unknown_right_is_refused() -> None:
    data = load_catalogue(DEMO_CATALOGUE).model_dump(mode="json")
    data["indicators"][0]["human_rights"] = ["icescr_99"]
    with pytest.raises(ValidationError, match="POV_NAT: unknown right"):
        Catalogue.model_validate(data)


def test_rights_are_stored_with_their_indicators_and_audited(observatory: None) -> None:
    right = m.HumanRight.objects.get(code="icescr_11")
    assert set(right.indicators.values_list("code", flat=True)) == {
        "POV_NAT",
        "POV_GAP",
        "GINI",
        "CONS_MEAN",
        "WATER",
        "ELECTRICITY",
    }
    assert right.facts[0]["year"] == 1975
    assert AuditEvent.objects.filter(action="right.create", object_id="icescr_11").exists()


def test_a_page_per_right_furthest_behind_first(observatory: None, client: Client) -> None:
    html = client.get("/en/rights/icescr_11/", **HOST).content.decode()
    assert "Right to an adequate standard of living" in html
    assert "International Covenant on Economic, Social and Cultural Rights" in html
    assert "Process indicators" in html and "Outcome indicators" in html
    article = re.search(
        r'<article class="indicator-groups" id="indicator-POV_NAT">.*?</article>', html, re.S
    )
    assert article is not None
    # 2024: total 16.5; governorate g is 16.5 + g - 6; women 17.5, men 15.5 (sample data)
    assert "<strong>16.5</strong>" in article.group(0)
    cells = re.findall(r'<td class="num">([0-9.]+)</td>', article.group(0))
    values = [float(v) for v in cells]
    assert values == sorted(values, reverse=True)  # lower is better: the highest first
    assert values[0] == pytest.approx(22.5)  # governorate 12
    assert str(SECRET) not in html  # the suppressed cell stays unpublished
    assert "not published" in article.group(0)
    listing = client.get("/en/rights/", **HOST).content.decode()
    for code in ("icescr_9", "icescr_11", "icescr_12", "icescr_13", "cedaw", "crpd"):
        assert f"/en/rights/{code}/" in listing
    assert client.get("/en/rights/nope/", **HOST).status_code == 404


def test_the_arabic_rights_pages_have_no_english(observatory: None, client: Client) -> None:
    for path in ("/ar/rights/", "/ar/rights/icescr_11/", "/ar/rights/cedaw/"):
        html = client.get(path, **HOST).content.decode()
        assert latin_words(html) == [], path
    html = client.get("/ar/rights/icescr_11/", **HOST).content.decode()
    assert "الحق في مستوى معيشي لائق" in html and "مؤشرات النتائج" in html


# --- progressive realisation: outcomes against the resources spent ----------------------------


def _education_budget() -> Any:
    """Education (COFOG 09) executed 5,000, 6,000 and 9,000 million DMD in 2022-2024
    (approved amounts are larger and never count), health 700 a year on 07.2."""
    from insaf.budget import Budget, Text, budget_lines

    rows = []
    for year, amount in ((2022, 5000.0), (2023, 6000.0), (2024, 9000.0)):
        for phase, factor in (("approved", 1.1), ("executed", 1.0)):
            for line, function, value in (("EDU", "09.2", amount), ("HEA", "07.2", 700.0)):
                rows.append(
                    {
                        "line": f"{line}-{year}",
                        "year": year,
                        "phase": phase,
                        "admin": line,
                        "function": function,
                        "economic": "21",
                        "source": "treasury",
                        "gender_marker": 0,
                        "amount": value * factor,
                    }
                )
    title = Text(en="Budgets 2022-2024 (test)", ar="موازنات 2022-2024 (اختبار)")
    return Budget(lines=budget_lines(rows), currency="DMD", scale=1e6, title=title)


@pytest.fixture
def with_budget(observatory: None) -> None:
    """The demo catalogue with round population and prices, and a small stored budget."""
    from insaf.web.budget import services as budget_services
    from insaf.web.observatory import services

    data = load_catalogue(DEMO_CATALOGUE).model_dump(mode="json")
    data["population"]["values"] = {2022: 25e6, 2023: 25e6, 2024: 30e6}
    data["prices"] = {
        **data["prices"],
        "base_year": 2024,
        "values": {2022: 0.8, 2023: 0.96, 2024: 1.0},
    }
    services.sync_catalogue(actor=None, catalogue=Catalogue.model_validate(data))
    budget_services.store_budget(actor=None, code="test", budget=_education_budget())


def _numbers(html: str) -> list[float | None]:
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    return [None if c == "–" else float(c.replace(",", "")) for c in cells]


def test_a_right_page_shows_the_spending_per_person_in_real_terms(
    with_budget: None, client: Client
) -> None:
    html = client.get("/en/rights/icescr_13/", **HOST).content.decode()
    table = re.search(r'<table class="data" id="spending-table">.*?</table>', html, re.S)
    assert table is not None
    # per year: executed (millions), population (millions), per person nominal, real (2024 prices)
    # 2022: 5,000 million / 25 million = 200 a person, / 0.8 = 250 in 2024 prices
    # 2023: 6,000 / 25 = 240, / 0.96 = 250; 2024: 9,000 / 30 = 300, prices of the base year
    assert _numbers(table.group(0)) == [
        5000.0, 25.0, 200.0, 250.0,
        6000.0, 25.0, 240.0, 250.0,
        9000.0, 30.0, 300.0, 300.0,
    ]  # fmt: skip
    assert "in 2024 prices" in html
    process = re.search(r'<section aria-labelledby="type-process".*?</section>', html, re.S)
    assert process is not None and 'id="spending-table"' in process.group(0)


def test_each_outcome_trend_is_drawn_against_the_spending(
    with_budget: None, client: Client
) -> None:
    html = client.get("/en/rights/icescr_13/", **HOST).content.decode()
    article = re.search(
        r'<article class="indicator-groups" id="indicator-SCHOOL_ATT">.*?</article>', html, re.S
    )
    assert article is not None
    block = article.group(0)
    svg = re.search(r'<svg [^>]*class="chart realisation".*?</svg>', block, re.S)
    assert svg is not None
    # the outcome (2019-2024: 90, 90.5, ... 92.5) with its band, a bar for each year spent
    assert svg.group(0).count("<circle") == 6
    assert svg.group(0).count('class="chart-band"') == 1
    assert svg.group(0).count('class="chart-bar"') == 3
    assert 'aria-labelledby="realisation-SCHOOL_ATT-title realisation-SCHOOL_ATT-desc"' in block
    table = re.search(r'<table class="data realisation-table">.*?</table>', block, re.S)
    assert table is not None
    # year by year: the value, then the spending per person in 2024 prices (none before 2022)
    assert _numbers(table.group(0)) == [
        90.0, None, 90.5, None, 91.0, None, 91.5, 250.0, 92.0, 250.0, 92.5, 300.0,
    ]  # fmt: skip
    # the sentence read by a screen reader says where both went
    assert "from 90.0 in 2019 to 92.5 in 2024" in svg.group(0)
    assert "from 250 in 2022 to 300 in 2024" in svg.group(0)


def test_a_right_without_spending_or_budget_says_so(observatory: None, client: Client) -> None:
    html = client.get("/en/rights/cedaw/", **HOST).content.decode()
    assert "The catalogue maps no budget spending to this right." in html
    html = client.get("/en/rights/icescr_13/", **HOST).content.decode()
    assert "No budget is stored yet" in html
    assert "chart realisation" not in html


def test_a_budget_lacking_a_mapped_programme_is_reported(with_budget: None, client: Client) -> None:
    # icescr_11 names the BREAD and ENERGY programmes, which this budget does not have
    html = client.get("/en/rights/icescr_11/", **HOST).content.decode()
    assert "lacks a programme that this right" in html
    assert "chart realisation" not in html


def test_the_arabic_page_with_spending_has_no_english(with_budget: None, client: Client) -> None:
    for path in ("/ar/rights/icescr_13/", "/ar/rights/icescr_11/", "/ar/rights/cedaw/"):
        html = client.get(path, **HOST).content.decode()
        assert latin_words(html) == [], path
    html = client.get("/ar/rights/icescr_13/", **HOST).content.decode()
    assert 'class="chart realisation"' in html
