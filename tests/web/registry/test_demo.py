"""The demo registry: three programmes, determinations, a resolved appeal, a followed referral."""

from __future__ import annotations

from typing import Any

from insaf.web.observatory import models as om
from insaf.web.registry import demo
from insaf.web.registry import models as m


def test_the_demo_registry_holds_one_cycle_of_delivery(db: Any) -> None:
    assert demo.wanted()
    stored = demo.load_demo(households=100)
    assert not demo.wanted()
    assert m.Programme.objects.count() == 3
    assert stored == 3 * 100
    assert all(r.approved_by_id not in (None, r.drafted_by_id) for r in m.Ruleset.objects.all())
    grievance = m.Grievance.objects.get(redetermination__isnull=False)  # the appeal
    assert grievance.status == "resolved"
    assert grievance.determination is not None and not grievance.determination.eligible
    assert grievance.redetermination is not None and grievance.redetermination.eligible
    referral = m.Referral.objects.get()
    assert referral.status == "completed" and referral.outcome
    head = referral.household.members.get(relation="head").person
    assert m.Consent.objects.filter(person=head, purpose="referral").exists()
    # the year's grievances are published in the observatory, through disclosure control
    assert m.Grievance.objects.count() == 61
    total = om.Observation.objects.get(indicator__code="REG_GRIEVANCES", period=2024, key="")
    assert (total.value, total.suppressed) == (61.0, False)
    failed = m.Payment.objects.filter(status="failed")
    assert failed.exists()
    for payment in failed:
        assert payment.entitlement.payments.filter(status="queued", attempt=2).exists()
    assert m.Payment.objects.filter(status="paid").exists()
    # spellings a clerk may have typed are there to be searched
    assert m.Person.objects.filter(name__contains="فاطمه").exists()
