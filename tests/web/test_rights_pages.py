"""The rights view of the observatory: indicators mapped to rights, a page per right."""

from __future__ import annotations

import re

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
