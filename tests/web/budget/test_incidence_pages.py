"""The incidence and gender pages on the demo: computed at the first start with the programme
results, stored through disclosure control, shown with charts and tables in both languages and
given by the API; the unit cost and the spending by marker worked out here from the survey and
the budget's lines."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.test import Client
from django.utils import translation
from tests.latin import latin_words

from insaf.budget.demo import demo_policies
from insaf.survey.synth import synthesize
from insaf.web.budget import demo, services
from insaf.web.budget import models as m
from insaf.web.budget.convert import budget_of
from insaf.web.core.models import AuditEvent
from insaf.web.observatory.services import set_disclosure_policy

HOST = {"HTTP_HOST": "127.0.0.1"}
SMALL = 1500
REF = {"kind": "synthetic", "year": 2024, "households": SMALL, "seed": 7}


@pytest.fixture
def loaded(observatory: None) -> m.StoredBudget:
    return demo.load_demo(households=SMALL)


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, flags=re.S)
    assert found is not None
    return found.group(0)


def test_the_incidence_is_computed_with_the_demo(loaded: m.StoredBudget) -> None:
    found = loaded.incidence
    assert found["year"] == 2024 and found["survey"] == REF
    assert AuditEvent.objects.filter(action="budget.incidence", object_id="demo").count() == 1
    # the demo budget pays every pupil from 09.2 and health from three classes: one pooled
    # unit cost per public pupil, S_09 / sum of the weights of public pupils
    budget = budget_of(loaded)
    lines = budget.phase("executed").filter(
        (pl.col("year") == 2024) & pl.col("function").str.starts_with("09")
    )
    education = float(lines["amount"].sum()) * budget.scale
    assert found["spending"]["09"] == pytest.approx(education)
    survey = synthesize(SMALL, 7, 2024)
    persons = survey.persons.frame.join(survey.households.frame.select("hhid", "weight"), on="hhid")
    pupils = persons.filter(
        (pl.col("public_school") == 1) & pl.col("school_level").is_in([1, 2, 3, 4])
    )
    cost = education / float(pupils["weight"].sum())
    primary = next(r for r in found["unit_costs"] if r["service"] == "primary")
    assert primary["unit_cost"]["value"] == pytest.approx(cost, rel=1e-9)
    # every benefit's fifths add up to all of it
    for benefit in {r["benefit"] for r in found["quantiles"]}:
        shares = [r["share"]["value"] for r in found["quantiles"] if r["benefit"] == benefit]
        assert len(shares) == 5 and sum(shares) == pytest.approx(1.0)
    gender = loaded.gender
    groups = {r["group"]: r for r in gender["groups"] if r["instrument"] == "cash_assistance"}
    assert groups["women"]["share"]["value"] + groups["men"]["share"]["value"] == pytest.approx(1)
    assert groups["women"]["per_person"]["se"] > 0

    client = Client()
    html = client.get("/en/budget/demo/incidence/", **HOST).content.decode()
    shares = re.search(r'id="shares">.*?</table>', html, flags=re.S)
    assert shares is not None
    poorest = next(r for r in found["quantiles"] if r["benefit"] == "all" and r["group"] == 1)
    assert f">{100 * poorest['share']['value']:,.1f} <span" in shares.group(0)
    everything = next(r for r in found["concentration"] if r["benefit"] == "all")
    value = everything["concentration"]["value"]
    assert f'>{value:,.3f} <span class="meta">({everything["concentration"]["se"]:,.3f})' in html
    assert html.count("<svg") == 1 and "Poorest fifth" in html
    html = client.get("/en/budget/demo/gender/", **HOST).content.decode()
    assert "National Cash Assistance Programme" in html and "Women minus men" in html
    assert html.count("<svg") == 2  # spending by marker, and the cash transfer by group
    for page in ("incidence/", "gender/"):
        ar = client.get(f"/ar/budget/demo/{page}", **HOST).content.decode()
        assert latin_words(_main(ar)) == [], page
    assert 'href="/ar/budget/demo/incidence/"' in ar and 'href="/ar/budget/demo/gender/"' in ar
    api = json.loads(client.get("/api/budget/budgets/demo/incidence", **HOST).content)
    assert api == found
    api = json.loads(client.get("/api/budget/budgets/demo/gender", **HOST).content)
    assert api["year"] == 2024 and api["transfers"] == gender
    markers = budget.phase("executed").filter(pl.col("year") == 2024)
    for row in api["markers"]:
        here = markers.filter(pl.col("gender_marker") == row["gender_marker"])
        assert math.isclose(row["amount"], float(here["amount"].sum()) * budget.scale)


def test_groups_below_the_rules_are_withheld(loaded: m.StoredBudget) -> None:
    set_disclosure_policy(
        actor=None, min_count=100_000, cv_caution=0.165, cv_suppress=0.333, secondary=True
    )
    stored = services.compute_incidence(
        actor=None,
        stored=loaded,
        survey=synthesize(SMALL, 7, 2024),
        survey_ref=REF,
        scenario=demo_policies(),
    )
    assert all(r["suppressed"] and r["share"] is None for r in stored.incidence["quantiles"])
    assert all(r["suppressed"] and r["share"] is None for r in stored.gender["groups"])
    assert all(g["suppressed"] for g in stored.gender["gaps"])
    html = Client().get("/en/budget/demo/incidence/", **HOST).content.decode()
    shares = re.search(r'id="shares">.*?</table>', html, flags=re.S)
    assert shares is not None and shares.group(0).count("withheld") == 5 * 8
    assert "<svg" not in html  # no chart of withheld numbers
    # the concentration coefficients and unit costs are national: published
    assert stored.incidence["concentration"][0]["concentration"]["value"] is not None


def test_the_api_speaks_the_language_asked(loaded: m.StoredBudget) -> None:
    client = Client()
    ar = json.loads(client.get("/api/budget/budgets/demo?lang=ar", **HOST).content)
    en = json.loads(client.get("/api/budget/budgets/demo", **HOST).content)
    links = [c for row in ar["results"]["programmes"] for c in row["chain"]]
    reasons = [r for c in links for r in c["reasons"]]
    assert reasons and all(latin_words(f"<p>{r}</p>") == [] for r in reasons)
    assert "لا يُنسب تحرك المؤشر إلى البرنامج (لم يُقدَّر وضع مقارن)" in reasons
    assert {c["what"] for c in links} >= {"الإنفاق المنفَّذ", "المستفيدون والتغطية والتسرب"}
    english = [r for row in en["results"]["programmes"] for c in row["chain"] for r in c["reasons"]]
    assert (
        "the indicator's movement is not attributed to the programme (no counterfactual)" in english
    )
    assert client.get("/api/budget/budgets/demo?lang=fr", **HOST).status_code == 422


def test_compute_incidence_is_for_a_focal_point(loaded: m.StoredBudget) -> None:
    from tests.web.conftest import make_user

    with pytest.raises(services.NotAllowed):
        services.compute_incidence(
            actor=make_user("someone", "public"),
            stored=loaded,
            survey=Any,  # type: ignore[arg-type]
            survey_ref={},
            scenario=Any,  # type: ignore[arg-type]
        )
    with translation.override("en"), pytest.raises(services.RuleError, match="not a year of"):
        services.compute_incidence(
            actor=None,
            stored=loaded,
            survey=synthesize(200, 7, 2031),
            survey_ref={},
            scenario=demo_policies(),
        )
    assert np.isfinite(loaded.incidence["unit_costs"][0]["unit_cost"]["se"])
