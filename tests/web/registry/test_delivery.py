"""Rulesets, determinations, an appeal that reverses one, the public check and the statistics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from tests.web.conftest import make_user
from tests.web.registry.conftest import Small

import insaf.registry
from insaf.disclosure import DisclosureRules
from insaf.registry.determine import determine
from insaf.web.registry import access, engine, services, statistics
from insaf.web.registry import models as m

PROGRAMMES = (Path(insaf.registry.__file__).parent / "demo" / "programmes.yaml").read_text(
    encoding="utf-8"
)
"""The demo country's three programmes: cash assistance (``pmt_score < 4.9``: 40 a month and 14
for each member after the first, at most 124), a child grant (15 for each child under 6, at most
three) and a disability allowance (60 for each member with a disability)."""


def _approved(small: Small, code: str, instrument: str, *, name_ar: str = "برنامج") -> m.Ruleset:
    programme = m.Programme.objects.create(code=code, name_ar=name_ar, name_en=code)
    drafted = services.draft_ruleset(
        actor=small.officer, programme=programme, version=1, text=PROGRAMMES,
        instruments=[instrument], effective_from=dt.date(2024, 1, 1),
        legal_reference="قانون المساعدة الاجتماعية، المادة 7",
    )  # fmt: skip
    checker = make_user(f"checker-{code}", "registry_officer")
    return services.approve_ruleset(actor=checker, ruleset=drafted)


def _observe(h: m.Household, variable: str, value: float, on: dt.date) -> None:
    """A household observation, and no disability for any member (the policy reads it)."""
    m.Observation.objects.create(
        household=h, variable=variable, value=value, source="survey", observed_on=on,
        verification="verified",
    )  # fmt: skip
    for ms in h.members.all():
        m.Observation.objects.get_or_create(
            household=h, person_id=ms.person_id, variable="disability", value=0.0,
            source="survey", observed_on=on, verification="verified",
        )  # fmt: skip


@pytest.fixture
def cash(small: Small) -> m.Ruleset:
    return _approved(small, "cash", "cash_assistance", name_ar="المساعدات النقدية")


def test_the_drafter_cannot_approve_and_the_hash_is_the_librarys(small: Small) -> None:
    programme = m.Programme.objects.create(code="cash", name_ar="نقدي", name_en="Cash")
    drafted = services.draft_ruleset(
        actor=small.officer, programme=programme, version=1, text=PROGRAMMES,
        instruments=["cash_assistance"], effective_from=dt.date(2024, 1, 1),
        legal_reference="-",
    )  # fmt: skip
    with pytest.raises(access.NotAllowed, match="drafter"):
        services.approve_ruleset(actor=small.officer, ruleset=drafted)
    with pytest.raises(access.NotAllowed):
        services.approve_ruleset(actor=small.caseworker, ruleset=drafted)
    assert drafted.content_hash == engine.library_ruleset(drafted).content_hash
    # the hash is what decides an outcome: another amount, another hash
    changed = PROGRAMMES.replace("amount: 40 ", "amount: 41 ")
    assert changed != PROGRAMMES
    other = services.draft_ruleset(
        actor=small.officer, programme=programme, version=2, text=changed,
        instruments=["cash_assistance"], effective_from=dt.date(2024, 1, 1),
        legal_reference="-",
    )  # fmt: skip
    assert other.content_hash != drafted.content_hash
    with pytest.raises(access.NotAllowed, match="not approved"):
        engine.determine(
            actor=small.officer, ruleset=other, as_of=dt.date(2024, 6, 1), households=[small.north]
        )


def test_an_appeal_with_corrected_data_reverses_a_determination(
    small: Small, cash: m.Ruleset
) -> None:
    _observe(small.north, "pmt_score", 5.2, dt.date(2024, 1, 10))
    (refused,) = engine.determine(
        actor=small.officer, ruleset=cash, as_of=dt.date(2024, 6, 1), households=[small.north]
    )
    assert (refused.eligible, refused.amount) == (False, 0.0)
    assert "cash_assistance.eligible.not_met" in refused.reasons
    again = engine.registry_for([small.north], dt.date(2024, 6, 1))
    assert again.observations.height == 3  # the score, and each member's disability

    client = Client()
    client.force_login(small.caseworker)
    lodged = client.post(
        "/en/registry/grievances/new/",
        {"household": "HH-N1", "kind": "exclusion", "description": "دخلنا انخفض منذ يناير"},
    )
    grievance = m.Grievance.objects.get()
    assert lodged.status_code == 302 and lodged["Location"].endswith(f"/{grievance.code}/")
    assert grievance.determination == refused
    assert grievance.due_at - grievance.received_at == dt.timedelta(days=30)
    # a caseworker cannot decide it
    assert client.post(f"/en/registry/grievances/{grievance.code}/", {}).status_code == 403

    officer = Client()
    officer.force_login(small.officer)
    decided = officer.post(
        f"/en/registry/grievances/{grievance.code}/",
        {"upheld": "yes", "resolution": "تحقق الباحث من الاستهلاك", "variable": "pmt_score",
         "value": "4.6"},
    )  # fmt: skip
    assert decided.status_code == 302
    grievance.refresh_from_db()
    new = grievance.redetermination
    assert grievance.status == "resolved" and new is not None
    # two members: 40 + 14 x (2 - 1) = 54, under the cap of 124
    assert (new.eligible, new.amount, new.supersedes) == (True, 54.0, refused)
    assert new.as_of == timezone.localdate()
    assert new.input_hash != refused.input_hash
    correction = m.Observation.objects.get(household=small.north, value=4.6)
    assert (correction.source, correction.verification) == ("administrative", "verified")
    assert m.Enrolment.objects.get(household=small.north).status == "potential"
    refused.refresh_from_db()
    assert refused.eligible is False  # the first decision is kept as it was

    page = officer.get(f"/en/registry/households/HH-N1/decisions/{new.pk}/").content.decode()
    assert "The household is eligible, with an entitlement of 54.00." in page
    assert '<code dir="ltr">pmt_score &lt; 4.9</code>' in page
    assert 'Proxy-means test score: <span class="num">4.6</span> (administrative record' in page
    assert "This decision replaces an earlier one" in page
    arabic = officer.get(f"/ar/registry/households/HH-N1/decisions/{new.pk}/").content.decode()
    assert "الأسرة مؤهلة، باستحقاق قدره 54.00." in arabic


def test_the_same_inputs_give_the_same_hash(small: Small, cash: m.Ruleset) -> None:
    _observe(small.north, "pmt_score", 4.0, dt.date(2024, 1, 10))
    one = engine.determine(
        actor=small.officer, ruleset=cash, as_of=dt.date(2024, 6, 1), households=[small.north]
    )
    two = engine.determine(
        actor=small.officer, ruleset=cash, as_of=dt.date(2024, 6, 1), households=[small.north]
    )
    assert (one[0].input_hash, one[0].hash) == (two[0].input_hash, two[0].hash)
    assert one[0].pk != two[0].pk
    # stored as the digests' 32 bytes, read back as the library's hex
    stored = m.Determination.objects.get(pk=one[0].pk)
    (library,) = determine(
        engine.library_ruleset(cash), engine.registry_for([small.north], dt.date(2024, 6, 1)),
        dt.date(2024, 6, 1), households=[small.north.pk],
    )  # fmt: skip
    assert len(bytes(stored.input_hash)) == len(bytes(stored.hash)) == 32
    assert (stored.input_hash_hex, stored.hash_hex) == (library.input_hash, library.hash)
    officer = Client()
    officer.force_login(small.officer)
    page = officer.get(f"/en/registry/households/HH-N1/decisions/{stored.pk}/").content.decode()
    assert f"<code>{library.input_hash[:16]}</code>" in page


def test_the_single_view_shows_every_programme(small: Small, cash: m.Ruleset) -> None:
    child = _approved(small, "child", "child_grant", name_ar="منحة الطفل")
    _approved(small, "disability", "disability_allowance", name_ar="منحة الإعاقة")
    _observe(small.north, "pmt_score", 4.0, dt.date(2024, 1, 10))
    for ruleset in (cash, child):
        engine.determine(
            actor=small.officer, ruleset=ruleset, as_of=dt.date(2024, 6, 1),
            households=[small.north],
        )  # fmt: skip
    enrolment = m.Enrolment.objects.get(household=small.north, programme__code="cash")
    due = m.Entitlement.objects.create(enrolment=enrolment, due_on=dt.date(2024, 7, 1), amount=54)
    m.Payment.objects.create(entitlement=due, reference="PAY-7")
    view = engine.single_view(small.north, today=dt.date(2024, 6, 15), language="ar")
    rows = {row["name"]: row for row in view["programmes"]}
    assert list(rows) == ["المساعدات النقدية", "منحة الطفل", "منحة الإعاقة"]
    assert rows["المساعدات النقدية"]["determination"].amount == 54.0
    assert rows["المساعدات النقدية"]["next_payment"].reference == "PAY-7"
    # the child was born in 1990: no child under 6, no grant
    assert rows["منحة الطفل"]["determination"].eligible is False
    assert rows["منحة الإعاقة"]["determination"] is None


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("registry", "core", "sessions")
    }


def test_the_public_check_runs_the_rules_in_force_and_stores_nothing(
    small: Small, cash: m.Ruleset
) -> None:
    _approved(small, "child", "child_grant", name_ar="منحة الطفل")
    before = _rows()
    client = Client()
    form = client.get("/ar/registry/eligibility/").content.decode()
    assert "درجة اختبار الموارد بالمؤشرات غير المباشرة" in form
    answer = client.post(
        "/en/registry/eligibility/",
        {
            "members": "3",
            "h_pmt_score": "4.5",
            "m1_age": "34",
            "m2_age": "4",
            "m3_age": "2",
            "m1_disability": "0",
            "m2_disability": "0",
            "m3_disability": "0",
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    # cash: 40 + 14 x 2 = 68; child grant: two children under 6, 15 each = 30
    assert '<td class="num">68.00</td>' in page and '<td class="num">30.00</td>' in page
    missing = client.post("/en/registry/eligibility/", {"members": "2", "h_pmt_score": "4.5"})
    assert "Give the age of each member." in missing.content.decode()
    assert _rows() == before


def test_grievance_statistics_go_through_disclosure_control(small: Small) -> None:
    now = timezone.now()
    for i in range(5):
        g = services.lodge_grievance(
            actor=small.officer, household=small.north, kind="exclusion", description="-",
            received_at=now - dt.timedelta(days=20),
        )  # fmt: skip
        if i < 4:
            services.resolve_grievance(
                actor=small.officer, grievance=g, upheld=True, resolution="-",
                at=now - dt.timedelta(days=20 - 2 * (i + 1)),
            )  # fmt: skip
    services.lodge_grievance(actor=small.officer, household=small.south, kind="amount",
                             description="-")  # fmt: skip
    rules = DisclosureRules(min_count=3)
    table = statistics.published("en", disclosure=rules)
    assert table["total"]["count"] == 6
    # governorate 7 and the kind "amount" hold one grievance each: suppressed; their lines'
    # other cells (governorate 1, kind exclusion) would reveal them: suppressed too
    assert [r["suppressed"] for r in table["by_governorate"]] == [True, True]
    assert [r["suppressed"] for r in table["by_kind"]] == [True, True]
    loose = statistics.published("en", disclosure=DisclosureRules(min_count=1))
    north = loose["by_governorate"][0]
    # four closed after 2, 4, 6 and 8 days: median 5, all within 30 days
    assert (north["count"], north["closed"], north["median_days"], north["within_sla"]) == (
        5, 4, 5.0, 100.0)  # fmt: skip
    page = Client().get("/en/registry/grievance-statistics/")
    assert page.status_code == 200


def test_one_household_on_request_takes_a_bounded_number_of_queries(
    small: Small, cash: m.Ruleset
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _observe(small.north, "pmt_score", 3.1, dt.date(2024, 1, 10))
    _observe(small.south, "pmt_score", 3.2, dt.date(2024, 1, 10))
    on = dt.date(2024, 6, 1)
    engine.determine(actor=small.officer, ruleset=cash, as_of=on, households=[small.north])
    ruleset = m.Ruleset.objects.get(pk=cash.pk)  # as a request reads it: no relation cached
    with CaptureQueriesContext(connection) as queries:
        (d,) = engine.determine(
            actor=small.officer, ruleset=ruleset, as_of=on, households=[small.south]
        )
    assert d.eligible and d.amount == 40.0
    # the statements of the request (the test's own transaction makes the function's a
    # savepoint, which a request does not have)
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # the household, its members and their observations in two queries; the rules parsed once a
    # process (no programme, no user read); one insert of the determination
    reads = [s for s in sql if s.startswith("SELECT") and "registry_membership" in s]
    reads += [s for s in sql if s.startswith("SELECT") and "registry_observation" in s]
    assert len(reads) == 2
    assert not [s for s in sql if 'FROM "registry_programme"' in s or 'FROM "auth_user"' in s]
    assert len([s for s in sql if s.startswith('INSERT INTO "registry_determination"')]) == 1
    # with the access check, the lock that keeps the household (PostgreSQL), the registry's
    # variables on the date (engine.known_columns), the enrolment followed and the audit
    # record: at most 10
    assert len(sql) <= 10, "\n".join(sql)
