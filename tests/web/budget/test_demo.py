"""The demo plan and budget on the platform: loaded with its programme results, shown in both
languages, every survey cell through disclosure control."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from django.test import Client
from tests.latin import latin_words

from insaf.web.budget import demo, services
from insaf.web.budget import models as m
from insaf.web.core.models import AuditEvent
from insaf.web.observatory.services import set_disclosure_policy

HOST = {"HTTP_HOST": "127.0.0.1"}
SMALL = 1500


@pytest.fixture
def loaded(observatory: None) -> m.StoredBudget:
    assert demo.wanted()
    stored = demo.load_demo(households=SMALL)
    assert not demo.wanted()
    return stored


def test_the_demo_budget_and_its_programme_results(loaded: m.StoredBudget) -> None:
    stored = loaded
    assert stored.results_survey == {
        "kind": "synthetic", "year": 2024, "households": SMALL, "seed": 7
    }  # fmt: skip
    cash = next(
        r for r in stored.results["programmes"] if r["programme"] == "CASH" and r["year"] == 2024
    )
    # what is stored agrees with itself: cost per beneficiary x beneficiaries = executed money
    per = cash["cost_per_beneficiary"]["value"]
    assert math.isclose(per * cash["beneficiaries"]["value"], cash["executed"], rel_tol=1e-9)
    assert AuditEvent.objects.filter(action="budget.import", object_id="demo").count() == 1
    assert AuditEvent.objects.filter(action="budget.results", object_id="demo").count() == 1
    client = Client()
    en = client.get("/en/budget/demo/programmes/CASH/", **HOST).content.decode()
    outputs = re.search(r'id="outputs">.*?</table>', en, flags=re.S)
    assert outputs is not None
    assert f">{cash['beneficiaries']['value']:,.1f}</td>" in outputs.group(0)
    assert f">{per:,.1f}</td>" in outputs.group(0)
    for page in ("", "programmes/CASH/", "programmes/EDU/", "execution/", "pefa/"):
        html = client.get(f"/ar/budget/demo/{page}", **HOST).content.decode()
        main = re.search(r"<main.*?</main>", html, flags=re.S)
        assert main is not None and latin_words(main.group(0)) == [], page


def test_survey_cells_below_the_rules_are_withheld(loaded: m.StoredBudget) -> None:
    set_disclosure_policy(
        actor=None, min_count=100_000, cv_caution=0.165, cv_suppress=0.333, secondary=True
    )
    from insaf.budget.demo import demo_policies
    from insaf.survey.synth import synthesize

    stored = services.compute_results(
        actor=None,
        stored=loaded,
        survey=synthesize(SMALL, 7, 2024),
        survey_ref={"kind": "synthetic", "year": 2024, "households": SMALL, "seed": 7},
        scenario=demo_policies(),
    )
    cash = next(
        r for r in stored.results["programmes"] if r["programme"] == "CASH" and r["year"] == 2024
    )
    assert cash["beneficiaries"] is None and "beneficiaries" in cash["suppressed"]
    assert cash["cost_per_beneficiary"] is None  # it would give the count back
    html = Client().get("/en/budget/demo/programmes/CASH/", **HOST).content.decode()
    outputs = re.search(r'id="outputs">.*?</table>', html, flags=re.S)
    assert outputs is not None and "withheld" in outputs.group(0)
    assert cash["executed"] is not None  # the money is administrative: published as it is


def test_compute_results_is_for_a_focal_point(loaded: m.StoredBudget) -> None:
    from tests.web.conftest import make_user

    with pytest.raises(services.NotAllowed):
        services.compute_results(
            actor=make_user("someone", "public"),
            stored=loaded,
            survey=Any,  # type: ignore[arg-type]
            survey_ref={},
        )
