"""Public versions per scope: an indicator, a referral, and a global part.

A council write leaves the observatory's cached pages valid; a publish of one
indicator leaves the other indicators' pages valid and renews the lists; a
global change renews everything. On PostgreSQL, two council writes on
different referrals do not wait for each other (each updates its own row).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from insaf.observatory import Observation
from insaf.web.core import versions
from insaf.web.core.models import PublicVersion
from insaf.web.core.services import record
from insaf.web.council import models as m
from insaf.web.council import services as council
from insaf.web.council.services.common import council_scope
from insaf.web.observatory import services

from .council.conftest import build_council

HOST = {"HTTP_HOST": "127.0.0.1"}
POV = "/en/indicators/POV_NAT/"
SCHOOL = "/en/indicators/SCHOOL_ATT/"
HOME = "/en/"
API_POV = "/api/observatory/indicators/POV_NAT"


def etags(client: Client) -> dict[str, str]:
    out = {}
    for url in (POV, SCHOOL, HOME, API_POV):
        response = client.get(url, **HOST)
        assert response.status_code == 200, url
        out[url] = response.headers["ETag"]
    return out


def still_valid(client: Client, tags: dict[str, str]) -> dict[str, bool]:
    """Which pages answer 304 to their earlier ETag (their copy is still the current one)."""
    return {
        url: client.get(url, HTTP_IF_NONE_MATCH=tag, **HOST).status_code == 304
        for url, tag in tags.items()
    }


def school(year: int, value: float) -> Observation:
    return Observation(
        indicator="SCHOOL_ATT", period=year, area="DEMO", value=value, se=0.4,
        ci_low=value - 0.8, ci_high=value + 0.8, n=3000,
    )  # fmt: skip


def test_a_council_write_leaves_the_observatory_cached(observatory: None) -> None:
    c = build_council()  # seats and roles: changes of the platform's global scope
    client = Client()
    tags = etags(client)
    council.register_referral(
        actor=c.bureau, kind=m.ReferralKind.SELF, ministry=c.ministry, title_en="Pensions"
    )
    assert still_valid(client, tags) == dict.fromkeys(tags, True)
    assert PublicVersion.objects.filter(scope__startswith="referral:").count() == 1


def test_a_publish_renews_its_indicator_and_the_lists_only(observatory: None) -> None:
    client = Client()
    tags = etags(client)
    services.publish(actor=None, observations=[school(2025, 93.5)], source="tests 2025")
    assert still_valid(client, tags) == {POV: True, API_POV: True, SCHOOL: False, HOME: False}
    assert "93.5" in client.get(SCHOOL, **HOST).content.decode()


def test_a_global_change_renews_everything(observatory: None) -> None:
    client = Client()
    tags = etags(client)
    record(actor=None, action="indicator.change", object_type="indicator", object_id="X")
    assert still_valid(client, tags) == dict.fromkeys(tags, False)


def test_versions_of_scopes_and_families(db: Any) -> None:
    versions.bump(versions.GLOBAL)
    lists = versions.current()
    one = versions.current(versions.GLOBAL, "indicator:A")
    assert lists is not None and one is not None
    versions.bump("indicator:B")  # a new indicator row: the family changes, A does not
    assert versions.current() != lists
    assert versions.current(versions.GLOBAL, "indicator:A") == one
    again = versions.current()
    versions.bump("indicator:B")  # an existing row: the family changes again
    assert versions.current() != again
    versions.bump("referral:2024-001")
    assert versions.current(versions.GLOBAL, "indicator:A") == one
    PublicVersion.objects.filter(scope=versions.GLOBAL).delete()
    assert versions.current() is None  # no global row: nothing is cached


def test_a_council_record_is_scoped_to_its_referral(observatory: None) -> None:
    c = build_council()
    referral = council.register_referral(
        actor=c.bureau, kind=m.ReferralKind.SELF, ministry=c.ministry, title_en="Pensions"
    )
    consultation = council.open_consultation(
        actor=c.bureau,
        referral=referral,
        opens_at=referral.received_at,
        closes_at=referral.received_at.replace(year=referral.received_at.year + 1),
    )
    assert council_scope(referral) == council_scope(consultation) == f"referral:{referral.code}"
    seat = m.Member.objects.get(user=c.bureau)
    assert council_scope(seat) == f"council:member:{seat.pk}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
def test_council_writes_on_different_referrals_do_not_wait(observatory: None) -> None:
    c = build_council()
    first, second = (
        council.register_referral(
            actor=c.bureau, kind=m.ReferralKind.SELF, ministry=c.ministry, title_en=title
        )
        for title in ("Pensions", "Housing")
    )
    first_written, second_done = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def hold_first() -> None:
        try:
            with transaction.atomic():  # the write's transaction stays open...
                council.assign_rapporteur(actor=c.bureau, referral=first, rapporteur=c.rapporteur)
                first_written.set()
                # ...until the other write is done, or a minute has passed
                seen["second_done_meanwhile"] = second_done.wait(timeout=60)
        except Exception as exc:  # pragma: no cover - reported below
            seen["first"] = exc
        finally:
            connections.close_all()

    def write_second() -> None:
        try:
            first_written.wait(timeout=60)
            council.assign_rapporteur(actor=c.bureau, referral=second, rapporteur=c.rapporteur)
            second_done.set()
        except Exception as exc:  # pragma: no cover - reported below
            seen["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold_first), threading.Thread(target=write_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert "first" not in seen and "second" not in seen, seen
    # the second write finished while the first still held its transaction open
    assert seen["second_done_meanwhile"] is True
    assert m.Referral.objects.filter(rapporteur=c.rapporteur).count() == 2
