"""An impact statement carries the rights assessment: in its impact.json, the API and the
statement page in both languages."""

from __future__ import annotations

import json
import re

from django.test import Client

from insaf.web.council import services
from insaf.web.council.demo import example_scenario
from insaf.web.council.impact import SurveyRef

from .conftest import Council, referral_in_drafting

SMALL = SurveyRef("synthetic", year=2024, households=1200, seed=7)


def test_a_statement_carries_the_rights_assessment(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    text, name = example_scenario()
    statement = services.attach_impact_statement(
        actor=c.bureau, referral=referral, scenario_text=text, scenario_name=name, survey=SMALL
    )
    rights = statement.impact["reforms"]["child_grant"]["rights"]
    # the council knows what the command line does not: the reform came to the council and
    # its statement is published
    assert rights["participation"]["consulted"] is True
    assert rights["participation"]["published"] is True
    assert rights["verdicts"]["participation"]["verdict"] == "not_flagged"
    client = Client(HTTP_HOST="127.0.0.1")
    api = json.loads(client.get(f"/api/council/referrals/{referral.code}/impact/1").content)
    assert api["impact"]["reforms"]["child_grant"]["rights"] == rights
    en = client.get(f"/en/council/referrals/{referral.code}/impact/1/").content.decode()
    assert 'id="rights-verdicts"' in en
    for words in ("Human rights assessment", "Non-discrimination", "Non-retrogression"):
        assert words in en
    ar = client.get(f"/ar/council/referrals/{referral.code}/impact/1/").content.decode()
    section = re.search(r'<section class="rights".*?</section>', ar, flags=re.S)
    assert section is not None
    assert "عدم التمييز" in section.group(0) and "عدم التراجع" in section.group(0)
    visible = re.sub(r"<[^>]*>", " ", section.group(0))
    assert re.findall(r"[A-Za-z]+", visible) == []
    brief = statement.brief_ar
    assert 'class="rights"' in brief and "المشاركة والشفافية" in brief
