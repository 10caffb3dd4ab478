"""A council with three groups of three members, a bureau, a ministry's focal point and citizens.

Everyone has the test password (``tests.web.conftest.PASSWORD``); the
observatory holds the sample observations (POV_NAT and SCHOOL_ATT, 2019-2024).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from tests.web.conftest import make_user

from insaf.web.council import models as m
from insaf.web.council import services

T0 = dt.datetime(2022, 2, 1, 9, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    """``n`` days after ``T0``."""
    return T0 + dt.timedelta(days=n)


@dataclass
class Council:
    groups: dict[str, m.CouncilGroup]
    members: dict[str, list[User]]
    bureau: User
    rapporteur: User
    ministry: m.Ministry
    other_ministry: m.Ministry
    focal: User
    other_focal: User
    citizens: list[User]
    admin: User

    @property
    def all_members(self) -> list[User]:
        return [u for users in self.members.values() for u in users]


def build_council(*, verified: int = 3) -> Council:
    admin = make_user("admin", "administrator")
    groups = {
        code: m.CouncilGroup.objects.create(code=code, name_en=en, name_ar=ar, position=i)
        for i, (code, en, ar) in enumerate(
            [
                ("employers", "Employers", "أصحاب العمل"),
                ("workers", "Workers", "العمال"),
                ("civil", "Civil society", "المجتمع المدني"),
            ]
        )
    }
    members: dict[str, list[User]] = {}
    for code, group in groups.items():
        members[code] = []
        for i in range(3):
            user = make_user(f"{code}{i}")
            services.add_member(
                actor=admin, user=user, group=group, bureau=(code, i) == ("civil", 0)
            )
            members[code].append(user)
    ministry = m.Ministry.objects.create(
        code="social", name_en="Ministry of Social Development", name_ar="وزارة التنمية الاجتماعية"
    )
    other = m.Ministry.objects.create(
        code="finance", name_en="Ministry of Finance", name_ar="وزارة المالية"
    )
    focal = make_user("focal")
    services.add_focal_point(actor=admin, user=focal, ministry=ministry)
    other_focal = make_user("focal_finance")
    services.add_focal_point(actor=admin, user=other_focal, ministry=other)
    citizens = [make_user(f"citizen{i}", "public") for i in range(4)]
    bureau = members["civil"][0]
    for user in citizens[:verified]:
        services.verify_citizen(actor=bureau, user=user, method="national ID checked at the desk")
    return Council(
        groups=groups,
        members=members,
        bureau=bureau,
        rapporteur=members["workers"][0],
        ministry=ministry,
        other_ministry=other,
        focal=focal,
        other_focal=other_focal,
        citizens=citizens,
        admin=admin,
    )


@pytest.fixture
def council(observatory: None) -> Council:
    return build_council()


def referral_in_drafting(c: Council, *, consultation: bool = True) -> m.Referral:
    referral = services.register_referral(
        actor=c.bureau,
        kind=m.ReferralKind.GOVERNMENT,
        ministry=c.ministry,
        title_en="Replace the bread subsidy with a child grant",
        title_ar="استبدال دعم الخبز بمنحة للأطفال",
        summary_en="The government proposes to remove the bread subsidy.",
        summary_ar="تقترح الحكومة إلغاء دعم الخبز.",
        opinion_deadline=dt.date(2022, 6, 30),
        now=T0,
    )
    services.assign_rapporteur(actor=c.bureau, referral=referral, rapporteur=c.rapporteur)
    if consultation:
        services.open_consultation(
            actor=c.bureau, referral=referral, opens_at=day(1), closes_at=day(30)
        )
    services.start_drafting(actor=c.rapporteur, referral=referral, now=day(31))
    referral.refresh_from_db()
    return referral


def adopted_opinion(c: Council, **kwargs: Any) -> m.Opinion:
    from insaf.web.observatory.models import Category, Indicator

    referral = referral_in_drafting(c, **kwargs)
    opinion = referral.opinion
    services.save_draft(
        actor=c.rapporteur,
        opinion=opinion,
        title_en="Opinion on the subsidy reform",
        title_ar="رأي في إصلاح الدعم",
        text_en="The council supports the reform with conditions.",
        text_ar="يؤيد المجلس الإصلاح بشروط.",
    )
    pov = Indicator.objects.get(code="POV_NAT")
    female = Category.objects.get(dimension__code="sex", code="female")
    services.add_recommendation(
        actor=c.rapporteur,
        opinion=opinion,
        text_en="Pay the child grant to every child.",
        text_ar="صرف منحة الطفل لكل طفل.",
        ministry=c.ministry,
        indicators=[pov],
        groups=[female],
    )
    services.add_recommendation(
        actor=c.rapporteur,
        opinion=opinion,
        text_en="Publish the fiscal cost every year.",
        text_ar="نشر الكلفة المالية كل عام.",
        ministry=c.other_ministry,
    )
    vote = services.open_vote(actor=c.bureau, opinion=opinion, now=day(40))
    for user in c.all_members:
        services.cast_ballot(actor=user, vote=vote, choice="for", now=day(40))
    services.close_vote(actor=c.bureau, vote=vote, now=day(41))
    opinion.refresh_from_db()
    return opinion


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Accounts are many here; a fast hasher keeps the tests quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Services' messages in English (the platform's default language is Arabic)."""
    from django.utils import translation

    with translation.override("en"):
        yield
