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
signatures, so a visitor can take part. A third concerns the budget: the
Ministry of Finance refers a move of 100 million DMD from the bread subsidy to
cash assistance in the demo budget's last year, and its impact statement is the
policy engine's on the budget scenario (``services.attach_budget_statement``).

Demo accounts have no usable password: they are authors, not logins. Create
real accounts with ``python -m insaf.web createsuperuser`` and the
administration site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from insaf.budget import Budget, BudgetChange
from insaf.policy.scenario import Scenario
from insaf.web.council import models as m
from insaf.web.council import services
from insaf.web.council.impact import Computed, SurveyRef, compute, latest_observatory_survey
from insaf.web.observatory.models import Category, Indicator

__all__ = ["BudgetSubject", "budget_subject", "example_scenario", "load_demo", "wanted"]

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
    subject = budget_subject(latest)
    say(f"demo council: the budget referral's statement on the demo survey {subject.survey.year}")
    third = compute(scenario_text=subject.text, scenario_name=subject.name, survey=subject.survey)
    with transaction.atomic():
        referral = _cycle(text, name, earlier, first, latest, second)
        _budget_referral(subject, third)
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
    names = {  # people of the demo country write their names in Arabic
        "employers": ["رانيا حداد", "سمير خوري", "هالة منصور", "كريم ناصر"],
        "workers": ["يوسف صالح", "منى فارس", "طارق عزيز", "نور حمدان"],
        "civil_society": ["ليلى درويش", "عمر قاسم", "دينا جابر", "فادي شامي"],
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


@dataclass(frozen=True, slots=True)
class _Cast:
    """Who takes part in the demo cycle."""

    seats: dict[str, list[User]]
    social: m.Ministry
    finance: m.Ministry
    focal_social: User
    focal_finance: User
    citizens: list[User]

    @property
    def bureau(self) -> User:
        return self.seats["civil_society"][0]

    @property
    def rapporteur(self) -> User:
        return self.seats["workers"][0]


def _cast() -> _Cast:
    """The council's groups and members, two ministries with their focal points, citizens."""
    seats = _seats()
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
    focal_social = _user("focal-social", "أمل", "راشد")
    services.add_focal_point(actor=None, user=focal_social, ministry=social)
    focal_finance = _user("focal-finance", "بسام", "ياسين")
    services.add_focal_point(actor=None, user=focal_finance, ministry=finance)
    names = ["هدى سالم", "علي محمود", "سارة نبيل", "جمال عودة", "ريم كنعان", "وليد حجازي"]
    citizens = [_user(f"citizen-{i}", *full.split(" ", 1)) for i, full in enumerate(names, 1)]
    cast = _Cast(seats, social, finance, focal_social, focal_finance, citizens)
    for citizen in citizens[:4]:
        services.verify_citizen(
            actor=cast.bureau, user=citizen, method="بطاقة الهوية الوطنية، فُحصت في المجلس"
        )
    return cast


def _cycle(
    text: str,
    name: str,
    earlier: SurveyRef,
    first: Computed,
    latest: SurveyRef,
    second: Computed,
) -> m.Referral:
    """The whole cycle, step by step, from the government's referral to measured results."""
    cast = _cast()
    referral = _referral(cast, text, name, earlier, first)
    _consultation(cast, referral)
    opinion, recs = _opinion(cast, referral)
    _plenary(cast, opinion)
    for rec in recs:
        rec.refresh_from_db()
    _responses(cast, recs)
    _child_grant(cast, recs[0])
    _phase_out(cast, recs[1])
    _incidence_annex(cast, recs[2])
    services.attach_impact_statement(
        actor=cast.bureau,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=latest,
        reform="child_grant",
        note=f"The same scenario on the observatory's latest survey ({latest.year}).",
        note_ar=f"السيناريو نفسه على أحدث مسح في المرصد ({latest.year}).",
        computed=second,
    )
    return referral


def _referral(cast: _Cast, text: str, name: str, earlier: SurveyRef, first: Computed) -> m.Referral:
    """The government refers its plan; a rapporteur is named; the first impact statement."""
    referral = services.register_referral(
        actor=cast.bureau,
        kind=m.ReferralKind.GOVERNMENT,
        ministry=cast.social,
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
    services.assign_rapporteur(actor=cast.bureau, referral=referral, rapporteur=cast.rapporteur)
    services.attach_impact_statement(
        actor=cast.bureau,
        referral=referral,
        scenario_text=text,
        scenario_name=name,
        survey=earlier,
        reform="child_grant",
        now=_at(2022, 2, 3),
        computed=first,
    )
    return referral


def _consultation(cast: _Cast, referral: m.Referral) -> None:
    """Comments in Arabic and English with supports, and the three groups' positions."""
    citizens = cast.citizens
    consultation = services.open_consultation(
        actor=cast.bureau,
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
        (  # a citizen may write in English: the page marks the comment's language
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
    made = [
        services.post_comment(
            actor=author, consultation=consultation, text=body, kind=kind, now=_at(*day)
        )
        for author, kind, body, day in comments
    ]
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
            actor=cast.seats[code][1], consultation=consultation, text=body, now=_at(2022, 3, 10)
        )


def _opinion(cast: _Cast, referral: m.Referral) -> tuple[m.Opinion, list[m.Recommendation]]:
    """The rapporteur's draft with four recommendations; one amendment accepted, one not."""
    rapporteur, social = cast.rapporteur, cast.social
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
    wordings = [
        (
            "Pay the child grant to every child under 18.",
            "صرف منحة الطفل لكل طفل دون الثامنة عشرة.",
            social,
            [pov, cover],
            ["age_group=0-14"],
        ),
        (
            "Phase the bread subsidy out over two years and compensate the poorest fifth, with "
            "or without children, through the cash assistance programme.",
            "إلغاء دعم الخبز تدريجياً على سنتين وتعويض الخُميس الأفقر، بأطفال أو من دونهم، "
            "عبر برنامج المساعدات النقدية.",
            social,
            [pov, cover],
            ["wealth_quintile=Q1", "urban=rural"],
        ),
        (
            "Publish every year, with the budget, the cost of subsidies and transfers and who "
            "receives them.",
            "نشر كلفة الدعم والتحويلات ومن يستفيد منها كل عام مع الموازنة.",
            cast.finance,
            [gini],
            [],
        ),
        (
            "Keep a reduced bread subsidy in the border governorates.",
            "الإبقاء على دعم مخفض للخبز في المحافظات الحدودية.",
            social,
            [pov],
            ["governorate=5"],
        ),
    ]
    recs = [
        services.add_recommendation(
            actor=rapporteur,
            opinion=opinion,
            text_en=en,
            text_ar=ar,
            ministry=ministry,
            indicators=indicators,
            groups=[_category(key) for key in groups],
        )
        for en, ar, ministry, indicators, groups in wordings
    ]
    accepted = services.table_amendment(
        actor=cast.seats["workers"][2],
        opinion=opinion,
        recommendation=recs[0],
        text_en="Pay the child grant to every child under 18 and index it to consumer prices.",
        text_ar="صرف منحة الطفل لكل طفل دون الثامنة عشرة وربط قيمتها بأسعار المستهلك.",
        justification="من دون ربط بالأسعار تفقد المنحة قيمتها؛ وقد طالبت به المشاورة.",
        now=_at(2022, 4, 5),
    )
    refused = services.table_amendment(
        actor=cast.seats["employers"][2],
        opinion=opinion,
        recommendation=recs[1],
        text_en="Remove the bread subsidy at once.",
        text_ar="إلغاء دعم الخبز فوراً.",
        justification="الإلغاء التدريجي يؤخر الوفورات.",
        now=_at(2022, 4, 6),
    )
    for amendment, accept in ((accepted, True), (refused, False)):
        services.decide_amendment(
            actor=rapporteur, amendment=amendment, accept=accept, now=_at(2022, 4, 12)
        )
    return opinion, recs


def _plenary(cast: _Cast, opinion: m.Opinion) -> None:
    """The plenary adopts the opinion by group; the bureau then publishes a correction."""
    vote = services.open_vote(actor=cast.bureau, opinion=opinion, now=_at(2022, 4, 20, 9))
    choices = {
        "employers": ["for", "for", "against", "abstain"],
        "workers": ["for", "for", "for", "for"],
        "civil_society": ["for", "for", "for", "abstain"],
    }
    for code, users in cast.seats.items():
        for user, choice in zip(users, choices[code], strict=True):
            services.cast_ballot(actor=user, vote=vote, choice=choice, now=_at(2022, 4, 20, 11))
    services.close_vote(actor=cast.bureau, vote=vote, now=_at(2022, 4, 20, 12))
    opinion.refresh_from_db()
    services.correct_opinion(
        actor=cast.bureau,
        opinion=opinion,
        note="Recommendation 3 named the wrong body: the Ministry of Finance publishes with the "
        "budget law.",
        note_ar="سمّت التوصية 3 جهة غير صحيحة: وزارة المالية هي التي تنشر مع قانون الموازنة.",
        recommendations={
            3: (
                "Publish every year, with the budget law, the cost of subsidies and transfers "
                "and who receives them, by decile.",
                "نشر كلفة الدعم والتحويلات ومن يستفيد منها حسب العُشير كل عام مع قانون الموازنة.",
            )
        },
        now=_at(2022, 5, 2),
    )


def _responses(cast: _Cast, recs: list[m.Recommendation]) -> None:
    """The ministries answer every recommendation (written in Arabic, as they write)."""
    answers = [
        (
            cast.focal_social,
            m.Verdict.ACCEPTED,
            "ستُصرف المنحة اعتباراً من يناير 2023 وتُربط قيمتها بالأسعار كل عام.",
        ),
        (
            cast.focal_social,
            m.Verdict.PARTLY,
            "سيُلغى الدعم على مدى 18 شهراً، ويُعوَّض الخُميس الأفقر عبر برنامج المساعدات النقدية "
            "في حدود ما تسمح به الموازنة.",
        ),
        (
            cast.focal_finance,
            m.Verdict.ACCEPTED,
            "سيُنشر ملحق توزيع الأعباء والمنافع مع قانون موازنة 2023.",
        ),
        (
            cast.focal_social,
            m.Verdict.REJECTED,
            "السعر الإقليمي يخلق تجارة بين المحافظات؛ والتعويض يشمل الأسر الفقيرة في كل مكان.",
        ),
    ]
    for rec, (focal, verdict, why) in zip(recs, answers, strict=True):
        services.respond(
            actor=focal,
            recommendation=rec,
            verdict=verdict,
            justification=why,
            now=_at(2022, 6, 25),
        )


def _indicators() -> tuple[Indicator, Indicator, Indicator]:
    pov, cover, gini = (Indicator.objects.get(code=c) for c in ("POV_NAT", "SP_COVERAGE", "GINI"))
    return pov, cover, gini


def _child_grant(cast: _Cast, rec: m.Recommendation) -> None:
    """A commitment completed on time, its three milestones done."""
    pov, cover, _gini = _indicators()
    grant = services.make_commitment(
        actor=cast.focal_social,
        recommendation=rec,
        title="Pay an indexed monthly grant for every child under 18",
        title_ar="صرف منحة شهرية مربوطة بالأسعار لكل طفل دون الثامنة عشرة",
        description="Register children through the civil registry; pay monthly by bank "
        "transfer or mobile wallet.",
        description_ar="تسجيل الأطفال عبر السجل المدني، والصرف شهرياً بتحويل مصرفي أو محفظة "
        "إلكترونية.",
        owner="Directorate of Social Assistance",
        owner_ar="مديرية المساعدات الاجتماعية",
        deadline=dt.date(2023, 6, 30),
        baseline_period=2021,
        tracked=[
            (pov, "age_group=0-14", m.Expected.DECREASE),
            (cover, "", m.Expected.INCREASE),
        ],
        milestones=[
            ("Payment system ready", "جاهزية نظام الصرف", dt.date(2022, 12, 15)),
            ("First payment", "الدفعة الأولى", dt.date(2023, 1, 31)),
            ("Nine children in ten enrolled", "تسجيل تسعة أطفال من كل عشرة", dt.date(2023, 6, 30)),
        ],
        now=_at(2022, 7, 15),
    )
    steps = list(grant.milestones.order_by("due"))
    services.complete_milestone(
        actor=cast.focal_social, milestone=steps[0], done_on=dt.date(2022, 12, 10)
    )
    services.change_commitment_status(
        actor=cast.focal_social,
        commitment=grant,
        status=m.CommitmentStatus.IN_PROGRESS,
        note="First payments made in January 2023.",
        note_ar="صُرفت الدفعات الأولى في يناير 2023.",
        now=_at(2023, 1, 31),
    )
    for step, day in zip(steps[1:], (dt.date(2023, 1, 31), dt.date(2023, 6, 20)), strict=True):
        services.complete_milestone(actor=cast.focal_social, milestone=step, done_on=day)
    services.change_commitment_status(
        actor=cast.focal_social,
        commitment=grant,
        status=m.CommitmentStatus.COMPLETED,
        note="92 % of children enrolled.",
        note_ar="سُجّل 92% من الأطفال.",
        now=_at(2023, 6, 30),
    )


def _phase_out(cast: _Cast, rec: m.Recommendation) -> None:
    """A commitment half done, then delayed: the dashboard shows it overdue."""
    pov, cover, _gini = _indicators()
    compensation = services.make_commitment(
        actor=cast.focal_social,
        recommendation=rec,
        title="Phase out the bread subsidy over 18 months and compensate the poorest fifth",
        title_ar="إلغاء دعم الخبز تدريجياً على 18 شهراً وتعويض الخُميس الأفقر",
        owner="Subsidy Reform Unit",
        owner_ar="وحدة إصلاح الدعم",
        deadline=dt.date(2024, 6, 30),
        baseline_period=2021,
        tracked=[
            (cover, "wealth_quintile=Q1", m.Expected.INCREASE),
            (pov, "", m.Expected.DECREASE),
        ],
        milestones=[
            ("Subsidy halved", "خفض الدعم إلى النصف", dt.date(2023, 6, 30)),
            ("Subsidy removed", "إلغاء الدعم", dt.date(2024, 6, 30)),
        ],
        now=_at(2022, 7, 15),
    )
    services.change_commitment_status(
        actor=cast.focal_social,
        commitment=compensation,
        status=m.CommitmentStatus.IN_PROGRESS,
        note="The subsidy was halved in July 2023.",
        note_ar="خُفض الدعم إلى النصف في يوليو 2023.",
        now=_at(2023, 7, 5),
    )
    services.complete_milestone(
        actor=cast.focal_social,
        milestone=compensation.milestones.order_by("due").first(),  # type: ignore[arg-type]
        done_on=dt.date(2023, 7, 1),
    )
    services.change_commitment_status(
        actor=cast.focal_social,
        commitment=compensation,
        status=m.CommitmentStatus.DELAYED,
        note="The second step is postponed until the cash assistance register is updated.",
        note_ar="أُرجئت المرحلة الثانية إلى حين تحديث سجل المساعدات النقدية.",
        now=_at(2024, 5, 20),
    )


def _incidence_annex(cast: _Cast, rec: m.Recommendation) -> None:
    """The finance ministry's commitment, completed."""
    _pov, _cover, gini = _indicators()
    annex = services.make_commitment(
        actor=cast.focal_finance,
        recommendation=rec,
        title="Publish an incidence annex with every budget law",
        title_ar="نشر ملحق لتوزيع الأعباء والمنافع مع كل قانون موازنة",
        owner="Budget Department",
        owner_ar="دائرة الموازنة",
        deadline=dt.date(2023, 12, 31),
        baseline_period=2022,
        tracked=[(gini, "", m.Expected.DECREASE)],
        now=_at(2022, 7, 1),
    )
    services.change_commitment_status(
        actor=cast.focal_finance,
        commitment=annex,
        status=m.CommitmentStatus.COMPLETED,
        note="Published with the 2023 and 2024 budget laws.",
        note_ar="نُشر مع قانوني موازنة 2023 و2024.",
        now=_at(2023, 1, 10),
    )


MOVED = 100e6
"""The demo budget referral moves 100 million DMD from the bread subsidy to cash assistance."""


@dataclass(frozen=True, slots=True)
class BudgetSubject:
    """The demo budget referral's subject: the change, the budget, its scenario."""

    survey: SurveyRef
    budget: Budget
    change: BudgetChange
    policies: Scenario
    text: str
    name: str


def budget_subject(latest: SurveyRef) -> BudgetSubject:
    """The demo budget (``insaf.budget.demo``, as the budget app stores it) on the demo
    survey of its last year, and the move from the bread subsidy to cash assistance."""
    from insaf.budget.change import moved
    from insaf.budget.demo import DEMO_YEARS, demo_budget, demo_policies

    year = DEMO_YEARS[-1]
    survey = SurveyRef("synthetic", year=year, households=latest.households, seed=latest.seed)
    policies = demo_policies()
    budget = demo_budget(survey.open(), policies)
    change = moved(budget, year=year, source="BREAD", target="CASH", amount=MOVED)
    text, name = services.budget_scenario_text(policies=policies, budget=budget, change=change)
    return BudgetSubject(survey, budget, change, policies, text, name)


def _budget_referral(subject: BudgetSubject, computed: Computed) -> m.Referral:
    """The Ministry of Finance refers a move of money between two programmes."""
    from insaf.web.budget.demo import CODE

    bureau = User.objects.get(username="civil_society-1")
    finance = m.Ministry.objects.get(code="finance")
    year = subject.change.year
    referral = services.register_referral(
        actor=bureau,
        kind=m.ReferralKind.GOVERNMENT,
        ministry=finance,
        title_en=f"Budget {year}: {subject.change.describe('en')}",
        title_ar=f"موازنة {year}: {subject.change.describe('ar')}",
        summary_en=(
            "The Ministry of Finance proposes to move money from the bread subsidy to the "
            "national cash assistance programme, within the same total, and asks the council "
            "who would gain and who would lose before the supplementary budget law."
        ),
        summary_ar=(
            "تقترح وزارة المالية نقل مبلغ من دعم الخبز إلى البرنامج الوطني للمساعدات النقدية "
            "ضمن الإجمالي نفسه، وتسأل المجلس عمّن يكسب ومن يخسر قبل قانون الموازنة التكميلي."
        ),
        opinion_deadline=dt.date(year + 1, 3, 31),
        now=_at(year + 1, 1, 15),
    )
    services.attach_budget_statement(
        actor=bureau,
        referral=referral,
        budget=subject.budget,
        budget_code=CODE,
        change=subject.change,
        policies=subject.policies,
        survey=subject.survey,
        now=_at(year + 1, 1, 20),
        computed=computed,
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
    petition = services.start_petition(  # a citizen writes in her language
        actor=User.objects.get(username="citizen-1"),
        title="وجبات مدرسية مجانية في المحافظات الأفقر",
        text="نطلب من المجلس أن يدرس تقديم وجبات مدرسية مجانية لكل تلميذ في المحافظات الثلاث "
        "الأفقر.",
        ministry=social,
        now=now - dt.timedelta(days=5),
    )
    for username in ("citizen-1", "citizen-3", "citizen-4"):
        services.sign_petition(
            actor=User.objects.get(username=username), petition=petition, now=now
        )
