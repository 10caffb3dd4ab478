"""The demo council: a whole cycle on the demo country's subsidy reform, loaded on first start."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.web.council import accountability, demo
from insaf.web.council import models as m
from insaf.web.council.impact import reproduce

pytestmark = pytest.mark.slow


def test_demo_cycle_from_referral_to_measured_result(db: Any) -> None:
    from insaf.web.observatory.demo import load_demo as load_observatory

    assert not demo.wanted()  # no observatory yet: nothing to compute the statement on
    load_observatory(households=1500)
    assert demo.wanted()
    referral = demo.load_demo()
    assert not demo.wanted()  # first start only

    assert referral.kind == m.ReferralKind.GOVERNMENT
    assert referral.status == m.ReferralStatus.RESPONDED
    statements = list(referral.statements.order_by("version"))
    assert [s.survey["year"] for s in statements] == [2021, 2024]  # then, and the latest survey
    assert statements[1].note and statements[1].survey["households"] == 1500
    latest = statements[1]
    again = reproduce(
        scenario_text=latest.scenario_text, scenario_name=latest.scenario_name, survey=latest.survey
    )
    assert again == latest.impact

    consultation = referral.consultation
    assert consultation.comments.count() == 4 and consultation.positions.count() == 3
    assert (
        sum(c.supports for c in consultation.comments.all())
        == m.Support.objects.filter(comment__consultation=consultation).count()
        > 0
    )
    opinion = referral.opinion
    assert opinion.status == m.OpinionStatus.ADOPTED
    assert sorted(opinion.amendments.values_list("status", flat=True)) == ["accepted", "rejected"]
    vote = opinion.votes.get()
    assert vote.result == "adopted" and vote.tally["total"]["cast"] == 12
    assert vote.tally["groups"]["employers"]["against"] == 1
    assert [v.version for v in opinion.versions.order_by("version")] == [1, 2]
    verdicts = sorted(r.responses.get().verdict for r in opinion.recommendations.all())
    assert verdicts == ["accepted", "accepted", "partly", "rejected"]

    board = accountability.dashboard()
    assert board.response_rate == 1.0 and board.answered_on_time == 4
    assert board.commitments == 3 and board.completed == 2 and board.overdue == 1
    for row in board.rows:
        assert row.commitment.history.count() >= 2
        for movement in row.movements:
            assert movement.latest is not None and movement.latest.period == 2024
            assert movement.base is not None and movement.base.period in (2021, 2022)
            assert movement.ci_low is not None and movement.ci_low < movement.change
            assert movement.verdict in {"improved", "worsened", "within_noise"}
    # the visitor can take part today: an open consultation and a petition collecting
    assert m.Consultation.objects.exclude(referral=referral).get().is_open()
    assert m.Petition.objects.get().status == m.PetitionStatus.OPEN
    # the budget referral: the Ministry of Finance refers a move between two programmes of the
    # demo budget; its statement is reproduced from its stored scenario
    budget = m.ImpactStatement.objects.exclude(budget_change=None).get()
    assert budget.referral.ministry.code == "finance"
    change = budget.budget_change
    assert change["budget"] == "demo" and change["year"] == 2024 and change["amount"] == 1e8
    assert [p["code"] for p in change["programmes"]] == ["BREAD", "CASH"]
    assert budget.reform == "budget" and budget.survey["households"] == 1500
    again = reproduce(
        scenario_text=budget.scenario_text, scenario_name=budget.scenario_name, survey=budget.survey
    )
    assert again == budget.impact
