"""The accountability dashboard by right: a commitment serves the rights its indicators monitor
(the demo catalogue's ``human_rights``), on the page in both languages and in the API."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.test import Client

from insaf.web.council import accountability, services
from insaf.web.council import models as m
from insaf.web.observatory.models import HumanRight, Indicator

from .conftest import Council, adopted_opinion, day

# In the demo catalogue POV_NAT monitors icescr_11, icescr_9, cedaw and crpd; SCHOOL_ATT
# monitors icescr_13, cedaw and crpd; no tracked indicator here monitors icescr_12.
RIGHTS = ["icescr_9", "icescr_11", "icescr_12", "icescr_13", "cedaw", "crpd"]


def two_commitments(c: Council) -> None:
    """One overdue commitment on poverty, one completed on school attendance.

    Poverty falls 21.0 (2021) -> 16.5 (2024), se .6 each: change -4.5, se .8485, the 95 %
    interval [-6.16, -2.84] is below zero: *improved* (expected to fall). Attendance rises
    90.0 (2019) -> 92.5 (2024), se .4 each: change 2.5, se .5657, [1.39, 3.61] above zero:
    *improved* (expected to rise).
    """
    rec = adopted_opinion(c).recommendations.get(ministry=c.ministry)
    services.respond(
        actor=c.focal,
        recommendation=rec,
        verdict=m.Verdict.ACCEPTED,
        justification="Accepted.",
        now=day(60),
    )
    services.make_commitment(
        actor=c.focal,
        recommendation=rec,
        title="Child grant for every child",
        owner="Directorate of Social Assistance",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2021,
        tracked=[(Indicator.objects.get(code="POV_NAT"), "", m.Expected.DECREASE)],
        now=day(70),
    )
    school = services.make_commitment(
        actor=c.focal,
        recommendation=rec,
        title="Free school transport",
        owner="Directorate of Schools",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2019,
        tracked=[(Indicator.objects.get(code="SCHOOL_ATT"), "", m.Expected.INCREASE)],
        now=day(70),
    )
    services.change_commitment_status(
        actor=c.focal,
        commitment=school,
        status=m.CommitmentStatus.COMPLETED,
        note="Buses run.",
        now=day(300),
    )


def test_commitments_are_counted_for_the_rights_their_indicators_monitor(
    council: Council,
) -> None:
    two_commitments(council)
    board = accountability.dashboard(today=dt.date(2024, 6, 1))
    found = {r.right.code: r for r in board.rights}
    assert sorted(found) == sorted(RIGHTS)  # every right, even one no commitment serves
    counts = {
        code: (r.commitments, r.completed, r.overdue, r.movements["improved"])
        for code, r in found.items()
    }
    assert counts == {
        "icescr_9": (1, 0, 1, 1),
        "icescr_11": (1, 0, 1, 1),
        "icescr_12": (0, 0, 0, 0),
        "icescr_13": (1, 1, 0, 1),
        "cedaw": (2, 1, 1, 2),
        "crpd": (2, 1, 1, 2),
    }
    assert sum(found["icescr_12"].movements.values()) == 0
    # a ministry's dashboard reads only its commitments
    other = accountability.dashboard(today=dt.date(2024, 6, 1), ministry=council.other_ministry)
    assert all(r.commitments == 0 for r in other.rights)


def test_the_dashboard_shows_commitments_by_right_in_both_languages(council: Council) -> None:
    two_commitments(council)
    client = Client(HTTP_HOST="127.0.0.1")
    en = client.get("/en/council/accountability/").content.decode()
    table = re.search(r'<table class="data" id="rights-table">.*?</table>', en, flags=re.S)
    assert table is not None
    assert "Commitments by right" in en
    row = re.search(r"<tr><th scope=\"row\"><a href=\"/en/rights/cedaw/\">.*?</tr>", table[0])
    assert row is not None
    # cedaw: two commitments, one completed, one overdue (today is past 2023), two improved
    cells = re.findall(r'<td class="num">(\d+)</td>', row[0])
    assert cells[:4] == ["2", "1", "1", "2"]
    ar = client.get("/ar/council/accountability/").content.decode()
    section = re.search(r'<h2 id="by-right">.*?</table>', ar, flags=re.S)
    assert section is not None
    assert "الالتزامات حسب الحق" in section[0] and 'href="/ar/rights/icescr_11/"' in section[0]
    visible = re.sub(r"<[^>]*>", " ", section[0])
    assert re.findall(r"[A-Za-z]+", visible) == []
    api = json.loads(client.get("/api/council/accountability").content)
    by_code = {r["right"]: r for r in api["rights"]}
    assert list(by_code) == list(HumanRight.objects.values_list("code", flat=True))
    assert by_code["icescr_13"]["completed"] == 1 and by_code["icescr_13"]["overdue"] == 0
    assert by_code["crpd"]["movements"]["improved"] == 2
    assert by_code["icescr_12"]["commitments"] == 0
