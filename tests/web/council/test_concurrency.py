"""Simultaneous supports, ballots and signatures against PostgreSQL: none lost, none counted twice.

Each request runs in its own thread with its own database connection, through
the whole stack (middleware, CSRF-exempt test client, view, service). A
barrier releases them together. Run with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest tests/web/council``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from tests.web.conftest import make_user

from insaf.web.core.models import AuditEvent
from insaf.web.council import models as m
from insaf.web.council import services

from .conftest import Council

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
]

HOST = {"HTTP_HOST": "127.0.0.1"}


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, released at the same instant; results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def logged_in(user: User) -> Client:
    client = Client(**HOST)
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict[str, str] | None = None) -> Callable[[], int]:
    return lambda: client.post(url, data or {}).status_code


@pytest.fixture
def open_consultation(council: Council) -> m.Comment:
    c = council
    now = timezone.now()
    referral = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="Pensions"
    )
    consultation = services.open_consultation(
        actor=c.bureau,
        referral=referral,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    return services.post_comment(actor=c.citizens[0], consultation=consultation, text="Index it.")


def test_simultaneous_supports_are_each_counted_once(open_consultation: m.Comment) -> None:
    comment = open_consultation
    supporters = [make_user(f"supporter{i}", "public") for i in range(24)]
    url = f"/en/council/comments/{comment.pk}/support/"
    calls = []
    for user in supporters:  # every account sends its support twice, at the same time
        client = logged_in(user)
        calls += [post(client, url), post(client, url)]
    results = together(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Counter(results) == Counter({302: 48})
    comment.refresh_from_db()
    rows = m.Support.objects.filter(comment=comment)
    assert rows.count() == 24 == comment.supports
    assert set(rows.values_list("user_id", flat=True)) == {u.pk for u in supporters}
    events = AuditEvent.objects.filter(action="council.comment.support", object_id=str(comment.pk))
    assert events.count() == 24


def test_simultaneous_ballots_are_all_counted_once(council: Council) -> None:
    c = council
    extra = [make_user(f"member{i}") for i in range(15)]
    for i, user in enumerate(extra):
        services.add_member(actor=c.admin, user=user, group=list(c.groups.values())[i % 3])
    referral = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="Pensions"
    )
    services.start_drafting(actor=c.bureau, referral=referral)
    opinion = m.Opinion.objects.get(referral=referral)
    services.add_recommendation(
        actor=c.bureau, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    members = c.all_members + extra  # 24 members
    url = f"/en/council/referrals/{referral.code}/opinion/vote/"
    calls = []
    for i, user in enumerate(members):
        client = logged_in(user)
        choice = ("for", "against", "abstain")[i % 3]
        calls += [post(client, url, {"action": "ballot", "choice": choice})] * 2
    citizen = logged_in(c.citizens[0])
    calls.append(post(citizen, url, {"action": "ballot", "choice": "for"}))
    results = together(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[-1] == 403  # a citizen cannot vote, even in the crowd
    assert vote.ballots.count() == 24
    assert sorted(vote.ballots.values_list("member_id", flat=True)) == sorted(u.pk for u in members)
    vote = services.close_vote(actor=c.bureau, vote=vote)
    assert vote.tally["total"] == {"members": 24, "for": 8, "against": 8, "abstain": 8, "cast": 24}
    assert vote.result == "rejected"  # 8 for, 8 against: a tie is no majority


def test_a_vote_closed_while_ballots_arrive_loses_none(council: Council) -> None:
    c = council
    referral = services.register_referral(
        actor=c.bureau, kind="self", ministry=c.ministry, title_en="Pensions"
    )
    services.start_drafting(actor=c.bureau, referral=referral)
    opinion = m.Opinion.objects.get(referral=referral)
    services.add_recommendation(
        actor=c.bureau, opinion=opinion, text_en="r", text_ar="", ministry=c.ministry
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion)
    url = f"/en/council/referrals/{referral.code}/opinion/vote/"
    calls = [
        post(logged_in(user), url, {"action": "ballot", "choice": "for"}) for user in c.all_members
    ]
    calls.insert(4, post(logged_in(c.bureau), url, {"action": "close"}))
    results = together(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    vote.refresh_from_db()
    assert vote.status == "closed"
    # every ballot stored was counted, and none was stored after the count
    assert vote.tally["total"]["cast"] == vote.ballots.count()
    assert all(b.cast_at <= vote.closed_at for b in vote.ballots.all())


def test_signatures_cross_the_threshold_exactly_once(council: Council) -> None:
    c = council
    m.Rules.objects.create(petition_threshold=10)
    petition = services.start_petition(
        actor=c.citizens[0], title="School meals", text="Free meals.", ministry=c.ministry
    )
    signers = [make_user(f"signer{i}", "public") for i in range(25)]
    for user in signers:
        services.verify_citizen(actor=c.bureau, user=user, method="ID card")
    url = f"/en/council/petitions/{petition.pk}/sign/"
    results = together([post(logged_in(user), url) for user in signers])
    assert not [r for r in results if isinstance(r, Exception)], results
    petition.refresh_from_db()
    assert petition.status == m.PetitionStatus.SUCCEEDED
    assert petition.signatures == 10 == m.Signature.objects.filter(petition=petition).count()
    assert m.Referral.objects.filter(kind=m.ReferralKind.PETITION).count() == 1
    assert petition.referral is not None
