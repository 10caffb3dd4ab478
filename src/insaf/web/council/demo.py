"""The demo council: one complete cycle on the demo country's subsidy reform, through the services.

The government refers its plan to replace the bread subsidy with a child grant
(``data/bread_to_child_grant.yaml``, a copy of ``examples/``). Its impact
statement is simulated on the demo survey of the year before the referral, then
again on the observatory's latest survey (version 2). A public consultation
gathers comments and the groups' positions; the rapporteur drafts an opinion
with four recommendations tagged to observatory indicators and groups; an
amendment is accepted, another is not; the plenary adopts it; a correction
is published; the ministries respond; commitments follow, linked to the
observatory's indicators, whose movement since the commitment the dashboard
shows. A second referral is open for comments and a petition collects
signatures, so a visitor can take part.

Demo accounts have no usable password: they are authors, not logins. Create
real accounts with ``python -m insaf.web createsuperuser`` and the
administration site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from insaf.web.council import models as m
from insaf.web.council import services
from insaf.web.council.impact import Computed, SurveyRef, compute, latest_observatory_survey
from insaf.web.observatory.models import Category, Indicator

__all__ = ["example_scenario", "load_demo", "wanted"]

SCENARIO = Path(__file__).parent / "data" / "bread_to_child_grant.yaml"


def example_scenario() -> tuple[str, str]:
    """``(text, file name)`` of the bundled example scenario."""
    return SCENARIO.read_text(encoding="utf-8"), SCENARIO.name


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def _user(username: str, first: str, last: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _category(key: str) -> Category:
    dimension, code = key.split("=")
    return Category.objects.get(dimension__code=dimension, code=code)


def wanted() -> bool:
    """No council group yet, and the observatory publishes the demo country's surveys."""
    if m.CouncilGroup.objects.exists() or m.Referral.objects.exists():
        return False
    latest = latest_observatory_survey()
    return latest is not None and latest.kind == "synthetic"


def load_demo(*, say: Callable[[str], None] = lambda _: None) -> m.Referral:
    """Load the demo council (the observatory's demo must be loaded first)."""
    latest = latest_observatory_survey()
    if latest is None or latest.kind != "synthetic" or latest.year is None:
        raise RuntimeError("load the demo observatory first: the council's statement uses it")
    earlier = SurveyRef("synthetic", year=2021, households=latest.households, seed=latest.seed)
    text, name = example_scenario()
    say(f"demo council: impact statements on the demo surveys {earlier.year} and {latest.year}")
    first = compute(scenario_text=text, scenario_name=name, survey=earlier)
    second = compute(scenario_text=text, scenario_name=name, survey=latest)
    with transaction.atomic():
        referral = _cycle(text, name, earlier, first, latest, second)
        _open_participation()
    referral.refresh_from_db()
    say(f"demo council loaded: referral {referral.code} from referral to commitments")
    return referral


def _seats() -> dict[str, list[User]]:
    groups = [
        ("employers", "Employers", "أصحاب العمل"),
        ("workers", "Workers", "العمال"),
        ("civil_society", "Civil society", "المجتمع المدني"),
    ]
    names = {
        "employers": ["Rania Haddad", "Samir Khoury", "Hala Mansour", "Karim Nasser"],
        "workers": ["Yousef Saleh", "Mona Fares", "Tarek Aziz", "Nour Hamdan"],
        "civil_society": ["Leila Darwish", "Omar Qasem", "Dina Jaber", "Fadi Shami"],
    }
    seats: dict[str, list[User]] = {}
    for position, (code, en, ar) in enumerate(groups):
        group, _created = m.CouncilGroup.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_ar": ar, "position": position}
        )
        seats[code] = []
        for i, full in enumerate(names[code], 1):
            first, last = full.split(" ", 1)
            user = _user(f"{code}-{i}", first, last)
            services.add_member(
                actor=None, user=user, group=group, bureau=(code, i) == ("civil_society", 1)
            )
            seats[code].append(user)
    return seats


def _cycle(
    text: str,
    name: str,
    earlier: SurveyRef,
    first: Computed,
    latest: SurveyRef,
    second: Computed,
) -> m.Referral:
    seats = _seats()
    bureau, rapporteur = seats["civil_society"][0], seats["workers"][0]
    social, _c = m.Ministry.objects.get_or_create(
        code="social-development",
        defaults={
            "name_en": "Ministry of Social Development",
            "name_ar": "وزارة التنمية الاجتماعية",
        },
    )
    finance, _c = m.Ministry.objects.get_or_create(
        code="finance", defaults={"name_en": "Ministry of Finance", "name_ar": "وزارة المالية"}
    )
    focal_social = _user("focal-social", "Amal", "Rashid")
    services.add_focal_point(actor=None, user=focal_social, ministry=social)
    focal_finance = _user("focal-finance", "Bassam", "Yasin")
    services.add_focal_point(actor=None, user=focal_finance, ministry=finance)
    citizens = [
        _user(f"citizen-{i}", first, last)
        for i, (first, last) in enumerate(
            [
                ("Huda", "Salem"),
                ("Ali", "Mahmoud"),
                ("Sara", "Nabil"),
                ("Jamal", "Odeh"),
                ("Rim", "Kanaan"),
                ("Walid", "Hijazi"),
            ],
            1,
        )
    ]
    for citizen in citizens[:4]:
        services.verify_citizen(
            actor=bureau, user=citizen, method="national identity card checked at the council"
        )

    referral = services.register_referral(
        actor=bureau,
        kind=m.ReferralKind.GOVERNMENT,
        ministry=social,
        title_en="Replace the bread subsidy with a child grant",
        title_ar="استبدال دعم الخبز بمنحة للأطفال",
        summary_en=(
            "The government plans to remove the bread subsidy (1.20 a kilogram) and pay the "
            "money saved as a monthly grant for every child under 18, at no extra cost to the "
            "budget. It asks the council for its opinion before the budget law."
        ),
        summary_ar=(
            "تعتزم الحكومة إلغاء دعم الخبز (1.20 للكيلوغرام) وصرف المبلغ الذي يُوفَّر منحةً "
            "شهرية لكل طفل دون الثامنة عشرة، دون كلفة إضافية على الموازنة. وتطلب رأي المجلس "
            "قبل قانون الموازنة."
        ),
        opinion_deadline=dt.date(2022, 6, 30),
        now=_at(2022, 2, 1),
    )
    services.assign_rapporteur(actor=bureau, referral=referral, rapporteur=rapporteur)
    services.attach_impact_statement(
        actor=bureau,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=earlier,
        reform="child_grant",
        now=_at(2022, 2, 3),
        computed=first,
    )

    consultation = services.open_consultation(
        actor=bureau,
        referral=referral,
        opens_at=_at(2022, 2, 10),
        closes_at=_at(2022, 3, 15),
        question_en="Should the bread subsidy become a grant for every child? What would it "
        "change for your family?",
        question_ar="هل ينبغي أن يتحول دعم الخبز إلى منحة لكل طفل؟ ماذا سيغير ذلك لأسرتك؟",
    )
    comments = [
        (
            citizens[0],
            "proposal",
            "أؤيد المنحة، لكن يجب ربط قيمتها بالأسعار حتى لا تفقد قيمتها مع التضخم.",
            (2022, 2, 12),
        ),
        (
            citizens[1],
            "comment",
            "الأسر التي ليس لديها أطفال، خصوصاً كبار السن، ستخسر من رفع سعر الخبز. ما الذي سيحميهم؟",
            (2022, 2, 14),
        ),
        (
            citizens[2],
            "comment",
            "In rural areas bread is most of what poor families eat. Phase the subsidy out slowly.",
            (2022, 2, 20),
        ),
        (
            citizens[4],
            "proposal",
            "نقترح نشر كلفة الدعم والمنحة ومن يستفيد منهما كل عام مع الموازنة.",
            (2022, 3, 1),
        ),
    ]
    made = []
    for author, kind, body, day in comments:
        made.append(
            services.post_comment(
                actor=author, consultation=consultation, text=body, kind=kind, now=_at(*day)
            )
        )
    for comment, supporters in zip(
        made, [citizens[1:6], citizens[2:4], [citizens[0]], citizens[:3]], strict=True
    ):
        for supporter in supporters:
            if supporter.pk != comment.author_id:
                services.support_comment(actor=supporter, comment=comment, now=_at(2022, 3, 5))
    positions = {
        "employers": "Employers support replacing a general price subsidy with targeted "
        "support, provided the grant is paid through the existing cash assistance system.",
        "workers": "تؤيد النقابات المنحة بشرط ربطها بالأسعار وعدم المساس بالأجور الدنيا.",
        "civil_society": "منظمات المجتمع المدني تطالب بحماية الأسر الفقيرة التي لا أطفال فيها "
        "وبنشر بيانات الأثر سنوياً.",
    }
    for code, body in positions.items():
        services.submit_position(
            actor=seats[code][1], consultation=consultation, text=body, now=_at(2022, 3, 10)
        )

    opinion = services.start_drafting(actor=rapporteur, referral=referral, now=_at(2022, 3, 20))
    services.save_draft(
        actor=rapporteur,
        opinion=opinion,
        title_en="Opinion on replacing the bread subsidy with a child grant",
        title_ar="رأي في استبدال دعم الخبز بمنحة للأطفال",
        text_en=(
            "The council supports moving from a general bread subsidy to a child grant: the "
            "impact statement shows that the poorest tenth gains on average and that poverty "
            "falls, at the same cost. But about a third of people lose, among them poor "
            "households without children, so the reform needs a phase-out and compensation."
        ),
        text_ar=(
            "يؤيد المجلس الانتقال من دعم عام للخبز إلى منحة للأطفال: يبين تقييم الأثر الاجتماعي "
            "أن العُشير الأفقر يربح في المتوسط وأن الفقر ينخفض، بالكلفة نفسها. لكن نحو ثلث السكان "
            "يخسرون، ومنهم أسر فقيرة لا أطفال فيها، لذا يحتاج الإصلاح إلى إلغاء تدريجي وتعويض."
        ),
    )
    pov, cover, gini = (Indicator.objects.get(code=c) for c in ("POV_NAT", "SP_COVERAGE", "GINI"))
    recs = [
        services.add_recommendation(
            actor=rapporteur,
            opinion=opinion,
            text_en="Pay the child grant to every child under 18.",
            text_ar="صرف منحة الطفل لكل طفل دون الثامنة عشرة.",
            ministry=social,
            indicators=[pov, cover],
            groups=[_category("age_group=0-14")],
        ),
        services.add_recommendation(
            actor=rapporteur,
            opinion=opinion,
            text_en="Phase the bread subsidy out over two years and compensate the poorest "
            "fifth, with or without children, through the cash assistance programme.",
            text_ar="إلغاء دعم الخبز تدريجياً على سنتين وتعويض الخُميس الأفقر، بأطفال أو من دونهم، "
            "عبر برنامج المساعدات النقدية.",
            ministry=social,
            indicators=[pov, cover],
            groups=[_category("wealth_quintile=Q1"), _category("urban=rural")],
        ),
        services.add_recommendation(
            actor=rapporteur,
            opinion=opinion,
            text_en="Publish every year, with the budget, the cost of subsidies and transfers "
            "and who receives them.",
            text_ar="نشر كلفة الدعم والتحويلات ومن يستفيد منها كل عام مع الموازنة.",
            ministry=finance,
            indicators=[gini],
        ),
        services.add_recommendation(
            actor=rapporteur,
            opinion=opinion,
            text_en="Keep a reduced bread subsidy in the border governorates.",
            text_ar="الإبقاء على دعم مخفض للخبز في المحافظات الحدودية.",
            ministry=social,
            indicators=[pov],
            groups=[_category("governorate=5")],
        ),
    ]
    accepted = services.table_amendment(
        actor=seats["workers"][2],
        opinion=opinion,
        recommendation=recs[0],
        text_en="Pay the child grant to every child under 18 and index it to consumer prices.",
        text_ar="صرف منحة الطفل لكل طفل دون الثامنة عشرة وربط قيمتها بأسعار المستهلك.",
        justification="Without indexation the grant loses its value; the consultation asked "
        "for it.",
        now=_at(2022, 4, 5),
    )
    refused = services.table_amendment(
        actor=seats["employers"][2],
        opinion=opinion,
        recommendation=recs[1],
        text_en="Remove the bread subsidy at once.",
        text_ar="إلغاء دعم الخبز فوراً.",
        justification="A phase-out delays the savings.",
        now=_at(2022, 4, 6),
    )
    services.decide_amendment(
        actor=rapporteur, amendment=accepted, accept=True, now=_at(2022, 4, 12)
    )
    services.decide_amendment(
        actor=rapporteur, amendment=refused, accept=False, now=_at(2022, 4, 12)
    )

    vote = services.open_vote(actor=bureau, opinion=opinion, now=_at(2022, 4, 20, 9))
    choices = {
        "employers": ["for", "for", "against", "abstain"],
        "workers": ["for", "for", "for", "for"],
        "civil_society": ["for", "for", "for", "abstain"],
    }
    for code, users in seats.items():
        for user, choice in zip(users, choices[code], strict=True):
            services.cast_ballot(actor=user, vote=vote, choice=choice, now=_at(2022, 4, 20, 11))
    services.close_vote(actor=bureau, vote=vote, now=_at(2022, 4, 20, 12))
    opinion.refresh_from_db()
    services.correct_opinion(
        actor=bureau,
        opinion=opinion,
        note="Recommendation 3 named the wrong body: the Ministry of Finance publishes with the "
        "budget law.",
        recommendations={
            3: (
                "Publish every year, with the budget law, the cost of subsidies and transfers "
                "and who receives them, by decile.",
                "نشر كلفة الدعم والتحويلات ومن يستفيد منها حسب العُشير كل عام مع قانون الموازنة.",
            )
        },
        now=_at(2022, 5, 2),
    )

    for rec in recs:
        rec.refresh_from_db()
    answers = [
        (
            focal_social,
            recs[0],
            m.Verdict.ACCEPTED,
            "The grant will be paid from January 2023 and indexed every year.",
        ),
        (
            focal_social,
            recs[1],
            m.Verdict.PARTLY,
            "The subsidy will be removed over 18 months; the poorest fifth will be compensated "
            "through the cash assistance programme, as far as the budget allows.",
        ),
        (
            focal_finance,
            recs[2],
            m.Verdict.ACCEPTED,
            "The incidence annex will be published with the 2023 budget law.",
        ),
        (
            focal_social,
            recs[3],
            m.Verdict.REJECTED,
            "A regional price creates trade between governorates; the compensation covers "
            "poor households everywhere.",
        ),
    ]
    for focal, rec, verdict, why in answers:
        services.respond(
            actor=focal,
            recommendation=rec,
            verdict=verdict,
            justification=why,
            now=_at(2022, 6, 25),
        )

    grant = services.make_commitment(
        actor=focal_social,
        recommendation=recs[0],
        title="Pay an indexed monthly grant for every child under 18",
        description="Register children through the civil registry; pay monthly by bank "
        "transfer or mobile wallet.",
        owner="Directorate of Social Assistance",
        deadline=dt.date(2023, 6, 30),
        baseline_period=2021,
        tracked=[
            (pov, "age_group=0-14", m.Expected.DECREASE),
            (cover, "", m.Expected.INCREASE),
        ],
        milestones=[
            ("Payment system ready", dt.date(2022, 12, 15)),
            ("First payment", dt.date(2023, 1, 31)),
            ("Nine children in ten enrolled", dt.date(2023, 6, 30)),
        ],
        now=_at(2022, 7, 15),
    )
    grant_milestones = list(grant.milestones.order_by("due"))
    services.complete_milestone(
        actor=focal_social, milestone=grant_milestones[0], done_on=dt.date(2022, 12, 10)
    )
    services.change_commitment_status(
        actor=focal_social,
        commitment=grant,
        status=m.CommitmentStatus.IN_PROGRESS,
        note="First payments made in January 2023.",
        now=_at(2023, 1, 31),
    )
    services.complete_milestone(
        actor=focal_social, milestone=grant_milestones[1], done_on=dt.date(2023, 1, 31)
    )
    services.complete_milestone(
        actor=focal_social, milestone=grant_milestones[2], done_on=dt.date(2023, 6, 20)
    )
    services.change_commitment_status(
        actor=focal_social,
        commitment=grant,
        status=m.CommitmentStatus.COMPLETED,
        note="92 % of children enrolled.",
        now=_at(2023, 6, 30),
    )

    compensation = services.make_commitment(
        actor=focal_social,
        recommendation=recs[1],
        title="Phase out the bread subsidy over 18 months and compensate the poorest fifth",
        owner="Subsidy Reform Unit",
        deadline=dt.date(2024, 6, 30),
        baseline_period=2021,
        tracked=[
            (cover, "wealth_quintile=Q1", m.Expected.INCREASE),
            (pov, "", m.Expected.DECREASE),
        ],
        milestones=[
            ("Subsidy halved", dt.date(2023, 6, 30)),
            ("Subsidy removed", dt.date(2024, 6, 30)),
        ],
        now=_at(2022, 7, 15),
    )
    services.change_commitment_status(
        actor=focal_social,
        commitment=compensation,
        status=m.CommitmentStatus.IN_PROGRESS,
        note="The subsidy was halved in July 2023.",
        now=_at(2023, 7, 5),
    )
    services.complete_milestone(
        actor=focal_social,
        milestone=compensation.milestones.order_by("due").first(),  # type: ignore[arg-type]
        done_on=dt.date(2023, 7, 1),
    )
    services.change_commitment_status(
        actor=focal_social,
        commitment=compensation,
        status=m.CommitmentStatus.DELAYED,
        note="The second step is postponed until the cash assistance register is updated.",
        now=_at(2024, 5, 20),
    )

    annex = services.make_commitment(
        actor=focal_finance,
        recommendation=recs[2],
        title="Publish an incidence annex with every budget law",
        owner="Budget Department",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2022,
        tracked=[(gini, "", m.Expected.DECREASE)],
        now=_at(2022, 7, 1),
    )
    services.change_commitment_status(
        actor=focal_finance,
        commitment=annex,
        status=m.CommitmentStatus.COMPLETED,
        note="Published with the 2023 and 2024 budget laws.",
        now=_at(2023, 1, 10),
    )

    services.attach_impact_statement(
        actor=bureau,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=latest,
        reform="child_grant",
        note=f"The same scenario on the observatory's latest survey ({latest.year}).",
        computed=second,
    )
    return referral


def _open_participation() -> None:
    """A referral open for comments and a petition collecting signatures, as of today."""
    now = timezone.now()
    bureau = User.objects.get(username="civil_society-1")
    social = m.Ministry.objects.get(code="social-development")
    pension = services.register_referral(
        actor=bureau,
        kind=m.ReferralKind.SELF,
        ministry=social,
        title_en="A social pension for older people without a pension",
        title_ar="معاش اجتماعي لكبار السن الذين لا يتقاضون معاشاً",
        summary_en="The council examines, on its own initiative, a non-contributory pension for "
        "people aged 65 and over who receive no pension.",
        summary_ar="يدرس المجلس بمبادرة منه معاشاً غير قائم على الاشتراكات للأشخاص في سن 65 "
        "فأكثر الذين لا يتقاضون أي معاش.",
        now=now - dt.timedelta(days=3),
    )
    consultation = services.open_consultation(
        actor=bureau,
        referral=pension,
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=60),
        question_en="Who should receive a social pension, and how much?",
        question_ar="من ينبغي أن يحصل على المعاش الاجتماعي، وبأي مبلغ؟",
    )
    services.post_comment(
        actor=User.objects.get(username="citizen-2"),
        consultation=consultation,
        text="والدتي في السبعين ولا معاش لها. المعاش يجب أن يغطي الدواء على الأقل.",
        now=now - dt.timedelta(days=1),
    )
    petition = services.start_petition(
        actor=User.objects.get(username="citizen-1"),
        title="Free school meals in the poorest governorates",
        text="We ask the council to examine free school meals for every pupil in the three "
        "poorest governorates.",
        ministry=social,
        now=now - dt.timedelta(days=5),
    )
    for username in ("citizen-1", "citizen-3", "citizen-4"):
        services.sign_petition(
            actor=User.objects.get(username=username), petition=petition, now=now
        )
