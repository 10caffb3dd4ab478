"""A rapporteur's fine-grained scenario: no public output of the statement holds a small cell.

The scenario breaks the impact down by household (``groups: [hhid]``): before
disclosure control the public API served one row per household with ``n: 1``
(issue 10, finding 1). Checked: the stored document, the API, the statement page,
``impact.json`` and both briefs; that the rules used are recorded; that the survey's
folder on the server is not published; and that the statement reproduces.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from insaf.disclosure import DisclosureRules
from insaf.web.council import services
from insaf.web.council.impact import SurveyRef, reproduce

from .conftest import Council, referral_in_drafting

MIN = DisclosureRules().min_count
SMALL = SurveyRef("synthetic", year=2024, households=400, seed=7)
SCENARIO = """\
name: {en: By household, ar: حسب الأسرة}
welfare: consumption_pc
lines: {national: poverty_line}
groups: [hhid, governorate]
baseline:
  - {id: cash, type: cash_transfer, amount: 40, eligible: "cash_assistance > 0"}
reforms:
  grant:
    - {remove: cash}
    - {id: child_grant, type: cash_transfer, unit: person, amount: 5, eligible: "age < 18"}
"""


def _small_cells(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every row of every table by group that shows a count below the minimum."""
    found = []
    for reform in document["reforms"].values():
        for table in ("deciles", "groups", "who_loses"):
            for row in reform.get(table) or []:
                for key in ("n", "n_losers", "n_everyone"):
                    if row.get(key) is not None and row[key] < MIN:
                        found.append((table, row))
        overall = reform.get("winners_losers") or {}
        if overall.get("n") is not None and overall["n"] < MIN:
            found.append(("winners_losers", overall))
    return found


def test_a_statement_by_household_publishes_no_small_cell(council: Council) -> None:
    c = council
    referral = referral_in_drafting(c, consultation=False)
    statement = services.attach_impact_statement(
        actor=c.rapporteur,
        referral=referral,
        scenario_text=SCENARIO,
        scenario_name="by_household.yaml",
        survey=SMALL,
    )
    stored = statement.impact
    assert stored["scenario"]["disclosure"]["applied"] is True
    assert stored["scenario"]["disclosure"]["rules"]["min_count"] == MIN
    groups = stored["reforms"]["grant"]["groups"]
    households = [r for r in groups if r["variable"] == "hhid"]
    assert len(households) == 400 and all(r["suppressed"] for r in households)
    assert _small_cells(stored) == []

    client = Client(HTTP_HOST="127.0.0.1")
    api = client.get(f"/api/council/referrals/{referral.code}/impact/{statement.version}")
    assert api.status_code == 200
    assert _small_cells(api.json()["impact"]) == []
    base = f"/en/council/referrals/{referral.code}/impact/{statement.version}/"
    document = json.loads(client.get(base + "impact.json").content)
    served = document.get("impact", document)
    assert _small_cells(served) == []
    for lang, word in (("en", "suppressed (too few observations)"), ("ar", "محجوب")):
        brief = client.get(base + f"brief-{lang}.html").content.decode()
        assert brief.count(word) >= 400
        # no welfare figure is printed beside a household's identifier
        for row in households[:20]:
            cells = re.search(rf"<td>{row['category']}</td>(.*?)</tr>", brief, re.S)
            assert cells is not None
            assert re.search(r"\d", re.sub(r"<[^>]*>", "", cells.group(1))) is None
    page = client.get(base).content.decode()
    assert page.count("<td") > 0 and str(households[0]["category"]) not in page

    again = reproduce(
        scenario_text=statement.scenario_text,
        scenario_name=statement.scenario_name,
        survey=statement.survey,
        disclosure=stored["scenario"]["disclosure"],
    )
    assert again == stored


def test_the_observatory_rules_apply_to_statements(council: Council) -> None:
    from insaf.web.observatory import services as observatory

    c = council
    observatory.set_disclosure_policy(
        actor=c.bureau, min_count=50, cv_caution=0.165, cv_suppress=0.333, secondary=True
    )
    referral = referral_in_drafting(c, consultation=False)
    statement = services.attach_impact_statement(
        actor=c.rapporteur,
        referral=referral,
        scenario_text=SCENARIO,
        scenario_name="by_household.yaml",
        survey=SMALL,
    )
    meta = statement.impact["scenario"]
    assert meta["disclosure"]["rules"]["min_count"] == 50
    for reform in statement.impact["reforms"].values():
        for row in reform["groups"]:
            assert row["n"] is None or row["n"] >= 50
