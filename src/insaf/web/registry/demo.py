"""The demo registry: households of the synthetic country, three programmes, one cycle of delivery.

The households, their members, ages, relationships, proxy-means scores and
disabilities come from a synthetic survey of the demo country (a sample of
its households, ``insaf.survey.synth``); names and national identifiers are
made up (a few names in two spellings, to try the search). The three
programmes are the library's demo rules (``insaf/registry/demo/programmes.yaml``:
cash assistance, a child grant, a disability allowance), each drafted by one
registry officer and approved by another. Every household is determined
under each of them; the eligible are enrolled with three monthly payments
(one paid, one failed and queued again, one queued). A household refused cash
assistance appeals: the caseworker corrects its score and the new
determination makes it eligible. A child of a cash household is referred to
the education service (the head of household consents to the referral), and
the referral is followed to its outcome. Nine households in ten have consented
to sharing their data through the API. Sixty grievances of the year, most
decided, give the observatory's grievance indicators (published once, as a
release) figures to show.

Demo accounts have no usable password. Give a real account a registry role
in the administration site (a caseworker with ``CaseworkerScope`` rows) to
see the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction

import insaf.registry
from insaf.web.core.roles import Role
from insaf.web.core.services import assign_role
from insaf.web.registry import engine, services
from insaf.web.registry import models as m

__all__ = ["AS_OF", "load_demo", "wanted"]

RULES = Path(insaf.registry.__file__).parent / "demo" / "programmes.yaml"
AS_OF = dt.date(2024, 6, 1)
OBSERVED = dt.date(2024, 1, 15)

PROGRAMMES = (
    ("cash", "cash_assistance", "البرنامج الوطني للمساعدات النقدية",
     "National Cash Assistance Programme", "قانون المساعدة الاجتماعية رقم 12 لسنة 2019، المادة 7"),
    ("child", "child_grant", "منحة الطفل", "Child grant",
     "قرار مجلس الوزراء رقم 41 لسنة 2023"),
    ("disability", "disability_allowance", "منحة الإعاقة", "Disability allowance",
     "قانون حقوق الأشخاص ذوي الإعاقة رقم 20 لسنة 2017، المادة 15"),
)  # fmt: skip

MEN = ("أحمد", "محمد", "علي", "مصطفى", "عمر", "يوسف", "إبراهيم", "خالد", "حسن", "عبد الله")
WOMEN = ("فاطمة", "عائشة", "مريم", "زينب", "خديجة", "سعاد", "ليلى", "هدى", "نور", "آمنة")
FAMILIES = ("العلي", "الحسن", "المصري", "الخطيب", "الشامي", "النجار", "الحداد", "البدوي")
VARIANTS = {"فاطمة": "فاطمه", "مصطفى": "مصطفي", "عبد الله": "عبدالله", "إبراهيم": "ابراهيم"}
"""Spellings a clerk may have typed instead: the search finds both."""

RELATIONS = {1: "head", 2: "spouse", 3: "child", 4: "grandchild", 5: "parent", 6: "sibling",
             7: "other_relative"}  # fmt: skip


def wanted() -> bool:
    """No programme yet."""
    return not m.Programme.objects.exists()


def _user(username: str, first: str, role: Role) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        assign_role(actor=None, user=user, role=role)
    return user


def _name(pid: int, sex: int, family: str) -> str:
    given = (WOMEN if sex == 2 else MEN)[(pid * 7) % 10]
    father = MEN[(pid * 3) % 10]
    name = f"{given} {father} {family}"
    if pid % 5 == 0:
        for right, variant in VARIANTS.items():
            name = name.replace(right, variant)
    return name


@transaction.atomic
def load_demo(
    *, households: int = 120, seed: int = 11, say: Callable[[str], None] = lambda _: None
) -> int:
    """Load the demo registry; returns how many determinations were stored."""
    from insaf.survey.synth import synthesize

    say(f"demo registry: {households} households of the demo country, three programmes")
    survey = synthesize(households, seed, AS_OF.year)
    if survey.households is None or survey.persons is None:
        raise RuntimeError("the synthetic survey has no household or person table")
    officer = _user("registry-officer", "سلمى", Role.REGISTRY_OFFICER)
    checker = _user("registry-director", "كمال", Role.REGISTRY_OFFICER)
    caseworker = _user("caseworker-1", "رنا", Role.CASEWORKER)
    m.CaseworkerScope.objects.get_or_create(user=caseworker, governorate="1")
    _user("registry-auditor", "وليد", Role.AUDITOR)

    hh = survey.households.frame.select("hhid", "governorate", "pmt_score").sort("hhid")
    rows = {}
    for hhid, governorate, score in hh.iter_rows():
        rows[hhid] = m.Household.objects.create(
            code=f"HH-{hhid:05d}", governorate=str(governorate), registered_on=OBSERVED
        )
        m.Observation.objects.create(
            household=rows[hhid], variable="pmt_score", value=float(score), source="survey",
            observed_on=OBSERVED, verification="verified",
        )  # fmt: skip
    people = survey.persons.frame.select(
        "pid", "hhid", "relationship", "sex", "age", pl.col("disability").fill_null(0)
    ).sort("pid")
    consents = []
    for pid, hhid, relationship, sex, age, disability in people.iter_rows():
        family = FAMILIES[hhid % len(FAMILIES)]
        person = m.Person.objects.create(
            code=f"P-{pid:06d}", national_id=f"{2 if sex == 1 else 3}{(pid * 7919) % 10**12:012d}9",
            name=_name(pid, sex, family), sex="F" if sex == 2 else "M",
            birth_date=dt.date(AS_OF.year - int(age), 1, 1),
        )  # fmt: skip
        m.Membership.objects.create(
            person=person, household=rows[hhid], relation=RELATIONS.get(relationship, "other"),
            start=OBSERVED,
        )  # fmt: skip
        m.Observation.objects.create(
            household=rows[hhid], person=person, variable="disability", value=float(disability),
            source="administrative", observed_on=OBSERVED, verification="verified",
        )  # fmt: skip
        if hhid % 10:  # one household in ten has not consented to sharing through the API
            consents.append(
                m.Consent(person=person, purpose=m.ConsentPurpose.SHARING, given_on=OBSERVED)
            )
    m.Consent.objects.bulk_create(consents)

    text = RULES.read_text(encoding="utf-8")
    rulesets = []
    for code, instrument, name_ar, name_en, legal in PROGRAMMES:
        programme = m.Programme.objects.create(code=code, name_ar=name_ar, name_en=name_en)
        drafted = services.draft_ruleset(
            actor=officer, programme=programme, version=1, text=text, instruments=[instrument],
            effective_from=dt.date(2024, 1, 1), legal_reference=legal,
        )  # fmt: skip
        rulesets.append(services.approve_ruleset(actor=checker, ruleset=drafted))
    stored = 0
    for ruleset in rulesets:
        stored += len(
            engine.determine(
                actor=officer, ruleset=ruleset, as_of=AS_OF, households=list(rows.values())
            )
        )
    say(f"demo registry: {stored} determinations")
    _deliver(officer)
    _appeal(officer, caseworker, rulesets[0])
    _refer(caseworker)
    _grievances(officer)
    from insaf.web.registry.indicators import publish_grievance_statistics

    report = publish_grievance_statistics(actor=officer)
    if report is not None:
        say(f"demo registry: grievance statistics in the observatory, {report.cells} cells")
    return stored


def _deliver(officer: User) -> None:
    """The eligible become active, with three monthly payments: paid, failed then queued, queued."""
    m.Enrolment.objects.filter(status=m.EnrolmentStatus.POTENTIAL).update(
        status=m.EnrolmentStatus.ACTIVE
    )
    for enrolment in m.Enrolment.objects.select_related("determination"):
        if enrolment.determination is None:
            continue
        for month in (7, 8, 9):
            due = m.Entitlement.objects.create(
                enrolment=enrolment, due_on=dt.date(2024, month, 1),
                amount=enrolment.determination.amount,
            )  # fmt: skip
            m.Payment.objects.create(entitlement=due, reference=f"PAY-{enrolment.pk}-{month}")
    services.export_payments(actor=officer, due_until=dt.date(2024, 8, 31), batch="2024-07/08")
    lines = ["reference,status,reason"]
    for p in m.Payment.objects.filter(status=m.PaymentStatus.EXPORTED).order_by("reference"):
        failed = p.entitlement.due_on.month == 8 and p.entitlement.enrolment_id % 4 == 0
        status, reason = ("failed", "closed account") if failed else ("paid", "")
        lines.append(f"{p.reference},{status},{reason}")
    services.import_reconciliation(
        actor=officer, text="\n".join(lines) + "\n", name="bank-2024-08.csv",
        settled_on=dt.date(2024, 8, 5),
    )  # fmt: skip


def _appeal(officer: User, caseworker: User, cash: m.Ruleset) -> None:
    """The refused household whose score is nearest the threshold appeals, and wins."""
    refused_ids = m.Determination.objects.filter(ruleset=cash, eligible=False).values("household")
    nearest = (
        m.Observation.objects.filter(household__in=refused_ids, variable="pmt_score")
        .order_by("value")
        .first()
    )
    if nearest is None:
        return
    refused = m.Determination.objects.select_related("household").get(
        ruleset=cash, household_id=nearest.household_id
    )
    grievance = services.lodge_grievance(
        actor=caseworker if refused.household.governorate == "1" else officer,
        household=refused.household, kind=m.GrievanceKind.EXCLUSION, determination=refused,
        description="انخفض دخل الأسرة بعد فقدان رب الأسرة عمله في الربيع؛ الدرجة المسجلة قديمة.",
        received_at=dt.datetime(2024, 6, 10, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    engine.decide_grievance(
        actor=officer, grievance=grievance, upheld=True,
        resolution="زار الأخصائي الاجتماعي الأسرة وتحقق من الاستهلاك، وصُحّحت الدرجة.",
        corrections={"pmt_score": 4.7}, today=dt.date(2024, 6, 24),
    )  # fmt: skip


def _refer(caseworker: User) -> None:
    """A child of a cash household in the caseworker's governorate, referred to education."""
    child = (
        m.Membership.objects.filter(
            relation="child",
            household__governorate="1",
            household__enrolments__programme__code="cash",
            person__birth_date__lte=dt.date(2017, 1, 1),
            person__birth_date__gte=dt.date(2010, 1, 1),
        )
        .select_related("household", "person")
        .first()
    )
    if child is None:
        return
    head = child.household.members.get(relation="head", end__isnull=True).person
    services.record_consent(
        actor=caseworker, person=head, purpose=m.ConsentPurpose.REFERRAL,
        given_on=dt.date(2024, 6, 12),
    )  # fmt: skip
    referral = services.refer(
        actor=caseworker, household=child.household, person=child.person,
        from_service="البرنامج الوطني للمساعدات النقدية", to_service="مديرية التربية والتعليم",
        reason="طفل في سن الدراسة منقطع عن المدرسة منذ عام.", sent_on=dt.date(2024, 6, 12),
    )  # fmt: skip
    services.close_referral(
        actor=caseworker, referral=referral, status=m.ReferralStatus.COMPLETED,
        outcome="التحق الطفل بالصف الخامس في مدرسة الحي في سبتمبر.",
        closed_on=dt.date(2024, 9, 15),
    )  # fmt: skip


def _grievances(officer: User) -> None:
    """Grievances of the year in every governorate and of every kind, most decided (some late),
    so that the observatory's grievance indicators have figures to show."""
    kinds = [k for k, _ in m.GrievanceKind.choices]
    households = list(m.Household.objects.order_by("code")[:60])
    for i, household in enumerate(households):
        received = dt.datetime(2024, 1 + i % 11, 1 + (i * 7) % 27, 10, tzinfo=dt.UTC)
        grievance = services.lodge_grievance(
            actor=officer, household=household, kind=kinds[i % len(kinds)],
            description="تظلم من قرار البرنامج أو من الدفع.", received_at=received,
        )  # fmt: skip
        if i % 6 == 5:
            continue  # still open
        services.resolve_grievance(
            actor=officer, grievance=grievance, upheld=i % 3 == 0,
            resolution="رُوجعت البيانات وأُبلغت الأسرة بالقرار.",
            at=received + dt.timedelta(days=4 + (i * 11) % 41),
        )  # fmt: skip
