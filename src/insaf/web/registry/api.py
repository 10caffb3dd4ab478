"""The social registry's API after the DCI social registry standard (token authentication).

Operations (``/api/registry/...``), whose message shapes and field names follow
the DCI standard's social registry API (``header`` and ``message``;
``search_request`` items with ``search_criteria``; ``query_type``
``idtype-value`` or ``expression``; records of ``@type`` ``Group``):

- ``POST /dci/registry/sync/search``: search by identifier (``NID`` a person's
  national identifier, ``HHID`` a household code) or by expression (a list of
  predicates ``{attribute_name, operator, attribute_value}``, operators
  ``eq gt ge lt le in``, joined by ``and`` within an item's two expressions
  or by ``or``; the list's items all hold);
- ``POST /dci/registry/search`` and ``POST /dci/registry/sync/txn/status``: the
  same search answered later: the request is acknowledged and its answer kept
  under its ``transaction_id`` for the caller to collect;
- ``POST /dci/registry/sync/enrolled``: whether a person is enrolled (active)
  in a programme (``enrolled_status`` ``yes`` or ``no``);
- ``GET /households/{code}``: one household with only the fields asked for.

Every answer carries only the fields asked for (``search_criteria``'s
``response_fields``, an INSAF extension; by default the identifiers only),
national identifiers are masked, each household returned is an audited read,
and a caseworker's token reaches only their governorates' households (an
identifier outside them is refused with ``403``). Only what people consented
to share is shared (``consent``): a household on its head's consent, a member
on their own (a minor on the head's); the enrolment check answers for a
person only on that person's consent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal, get_args

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from insaf.web.core.api import Invalid, Problem
from insaf.web.registry import access, consent, services
from insaf.web.registry import models as m

router = Router(tags=["registry (DCI)"])

VERSION = "1.0.0"
RecordField = Literal[
    "group_identifier",
    "place",
    "group_size",
    "poverty_score",
    "registration_date",
    "group_head_info",
    "member_list",
    "programmes",
]
RECORD_FIELDS: tuple[RecordField, ...] = get_args(RecordField)
"""Fields a ``Group`` record may carry; ``group_identifier`` is always there."""
ExpressionAttribute = Literal["governorate", "group_size", "poverty_score", "registration_date"]
EXPRESSION_ATTRIBUTES: tuple[ExpressionAttribute, ...] = get_args(ExpressionAttribute)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; a token belongs to one account and acts with its roles."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.token_user(token)
        if user is None:
            return None
        request.user = user
        return user


AUTH = TokenAuth()


def _answers(ok: Any, *, lookup: bool = False) -> dict[int, Any]:
    out: dict[int, Any] = {200: ok, 400: Problem, 401: Problem, 403: Problem, 413: Problem}
    out[422] = Invalid
    if lookup:
        out[404] = Problem
    return dict(sorted(out.items()))


# --- messages -----------------------------------------------------------------------------


class MsgHeader(Schema):
    version: str = VERSION
    message_id: str = Field(max_length=100)
    message_ts: str = Field(max_length=40)
    action: str = Field(default="search", max_length=40)
    sender_id: str = Field(default="", max_length=200)
    receiver_id: str = Field(default="", max_length=200)
    total_count: int = Field(default=1, ge=0, le=100)
    is_msg_encrypted: Literal[False] = False


class IdentifierTypeValue(Schema):
    type: Literal["NID", "HHID"]
    value: str = Field(max_length=40)


class ExpPredicate(Schema):
    attribute_name: ExpressionAttribute
    operator: Literal["eq", "gt", "ge", "lt", "le", "in"]
    attribute_value: str | float | list[str] | list[float]


class ExpPredicateWithCondition(Schema):
    seq_num: int = Field(default=1, ge=0, le=1000)
    expression1: ExpPredicate
    condition: Literal["and", "or"] | None = None
    expression2: ExpPredicate | None = None


class PaginationRequest(Schema):
    page_size: int = Field(default=100, ge=1, le=1000)
    page_number: int = Field(default=1, ge=1, le=100_000)


class SearchCriteria(Schema):
    version: str = VERSION
    reg_type: str = Field(default="ns:org:RegistryType:Social", max_length=100)
    query_type: Literal["idtype-value", "expression"]
    query: IdentifierTypeValue | list[ExpPredicateWithCondition] = Field(
        description="an identifier (idtype-value) or a list of predicates (expression)"
    )
    response_fields: list[RecordField] = Field(
        default_factory=list, description="INSAF extension: the fields each record carries"
    )
    pagination: PaginationRequest = Field(default_factory=PaginationRequest)


class RequestItem(Schema):
    """What every request in a message carries: the caller's reference and its time."""

    reference_id: str = Field(max_length=100)
    timestamp: str = Field(max_length=40)


class TransactionMessage(Schema):
    """What every message carries: the caller's transaction, which the answer names."""

    transaction_id: str = Field(max_length=100)


class SignedEnvelope(Schema):
    """What every request envelope carries: its signature and its header."""

    signature: str = Field(default="", max_length=2000)
    header: MsgHeader


class SearchRequestItem(RequestItem):
    search_criteria: SearchCriteria
    locale: str = Field(default="en", max_length=10)


class SearchMessage(TransactionMessage):
    search_request: list[SearchRequestItem] = Field(min_length=1, max_length=100)


class SearchEnvelope(SignedEnvelope):
    message: SearchMessage


class Envelope(Schema):
    """An answer: ``header`` (with ``status``) and ``message`` (the DCI response's body)."""

    header: dict[str, Any]
    message: dict[str, Any]


class EnrolledQuery(Schema):
    person_identifier: dict[Literal["eq"], str]
    programme_identifier: dict[Literal["eq"], str]


class EnrolledCriteria(Schema):
    query_type: Literal["expression"] = "expression"
    response_entity: str = Field(default="Beneficiary", max_length=40)
    query: EnrolledQuery


class EnrolledRequestItem(RequestItem):
    enrolled_criteria: EnrolledCriteria


class EnrolledMessage(TransactionMessage):
    enrolled_request: list[EnrolledRequestItem] = Field(min_length=1, max_length=100)


class EnrolledEnvelope(SignedEnvelope):
    message: EnrolledMessage


class TxnStatusMessage(TransactionMessage):
    pass  # the transaction whose answer to collect, and nothing else


class TxnStatusEnvelope(Schema):
    header: MsgHeader
    message: TxnStatusMessage


# --- search -------------------------------------------------------------------------------


def _now() -> str:
    return timezone.now().isoformat()


def _header(request_header: MsgHeader, action: str, status: str = "succ") -> dict[str, Any]:
    return {
        "version": VERSION,
        "message_id": str(uuid.uuid4()),
        "message_ts": _now(),
        "action": action,
        "status": status,
        "sender_id": "insaf",
        "receiver_id": request_header.sender_id,
        "total_count": request_header.total_count,
        "is_msg_encrypted": False,
    }


def _annotated(rows: QuerySet[m.Household]) -> QuerySet[m.Household]:
    latest = m.Determination.objects.filter(household=OuterRef("pk")).order_by("-created_at", "-id")
    return rows.annotate(
        group_size=Count("members", filter=Q(members__end__isnull=True), distinct=True),
        poverty_score=Subquery(latest.values("pmt_score")[:1]),
    )


_LOOKUP = {"eq": "", "gt": "__gt", "ge": "__gte", "lt": "__lt", "le": "__lte", "in": "__in"}
_FIELD = {
    "governorate": "governorate",
    "group_size": "group_size",
    "poverty_score": "poverty_score",
    "registration_date": "registered_on",
}


def _value(attribute: str, raw: Any) -> Any:
    if attribute == "governorate":
        return str(raw)
    if attribute == "registration_date":
        return dt.date.fromisoformat(str(raw))
    return float(raw)


def _predicate(p: ExpPredicate) -> Q:
    """One predicate as a filter; a value of the wrong kind is a ``ValueError`` naming it."""
    many = p.operator == "in"
    if many != isinstance(p.attribute_value, list):
        raise ValueError(
            f"{p.attribute_name}: operator {p.operator!r} takes "
            + ("a list of values" if many else "one value")
        )
    try:
        if isinstance(p.attribute_value, list):
            value: Any = [_value(p.attribute_name, v) for v in p.attribute_value]
        else:
            value = _value(p.attribute_name, p.attribute_value)
    except ValueError as error:
        raise ValueError(f"{p.attribute_name}: {error}") from None
    return Q(**{_FIELD[p.attribute_name] + _LOOKUP[p.operator]: value})


def _expression(items: list[ExpPredicateWithCondition]) -> Q:
    out = Q()
    for item in sorted(items, key=lambda i: i.seq_num):
        q = _predicate(item.expression1)
        if item.expression2 is not None:
            if item.condition is None:
                raise ValueError(f"item {item.seq_num}: expression2 needs a condition")
            other = _predicate(item.expression2)
            q = q | other if item.condition == "or" else q & other
        out &= q
    return out


SHARING = m.ConsentPurpose.SHARING


def _record(h: m.Household, fields: set[str], language: str, on: dt.date) -> dict[str, Any]:
    """One household as a DCI ``Group`` record with ``fields`` only (identifiers masked).

    The household is shared on its head's consent (its caller checks it); a member is listed
    only on their own consent, or a minor on the head's (``consent.shared_members``).
    """
    out: dict[str, Any] = {
        "@type": "Group",
        "group_identifier": [{"identifier_type": "HHID", "identifier_value": h.code}],
    }
    if "place" in fields:
        out["place"] = {"governorate": h.governorate, "address": h.locality}
    if "group_size" in fields:
        out["group_size"] = getattr(h, "group_size", None)
    if "poverty_score" in fields:
        score = getattr(h, "poverty_score", None)
        out["poverty_score"] = None if score is None else round(float(score), 6)
        out["poverty_score_type"] = "PMT"
    if "registration_date" in fields:
        out["registration_date"] = h.registered_on.isoformat()
    if fields & {"group_head_info", "member_list"}:
        everyone = list(
            h.members.filter(end__isnull=True).select_related("person").order_by("start", "id")
        )
        members = consent.shared_members(h, everyone, SHARING, on)
        if "group_head_info" in fields:
            head = next((ms.person for ms in members if ms.relation == "head"), None)
            out["group_head_info"] = None if head is None else {"person": _person(head)}
        if "member_list" in fields:
            out["member_list"] = [
                {"household_member": {"demographic_info": {"person": _person(ms.person)}},
                 "relationship_head": ms.relation}
                for ms in members
            ]  # fmt: skip
            if len(members) < len(everyone):
                out["members_withheld"] = len(everyone) - len(members)
    if "programmes" in fields:
        out["programmes"] = [
            {"programme_identifier": e.programme.code, "status": e.status}
            for e in h.enrolments.select_related("programme")
        ]
    return out


def _person(p: m.Person) -> dict[str, Any]:
    return {
        "identifier": [
            {"identifier_type": "NID", "identifier_value": services.mask(p.national_id)}
        ],
        "name": {"surname": p.name},
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
    }


class Refused(Exception):  # noqa: N818 - reads better at the call site
    """An identifier names a household outside the caller's governorates."""


def _search_one(request: HttpRequest, item: SearchRequestItem) -> dict[str, Any]:
    criteria = item.search_criteria
    user = request.user
    fields: set[str] = set(criteria.response_fields)
    visible = access.visible_households(user)
    on = timezone.localdate()
    base: dict[str, Any] = {"reference_id": item.reference_id, "timestamp": _now()}
    withheld = False
    if criteria.query_type == "idtype-value":
        if not isinstance(criteria.query, IdentifierTypeValue):
            return base | _reject(
                "rjct.search_criteria.invalid", "idtype-value takes {type, value}"
            )
        q = criteria.query
        if q.type == "HHID":
            everywhere = m.Household.objects.filter(code=q.value)
        else:
            holding = m.Membership.objects.filter(person__national_id=q.value, end__isnull=True)
            everywhere = m.Household.objects.filter(pk__in=holding.values("household_id"))
        outside = everywhere.exclude(pk__in=visible.values("pk"))
        if outside.exists():
            raise Refused()
        shared = consent.shared_households(everywhere, SHARING, on)
        withheld = everywhere.exclude(pk__in=shared.values("pk")).exists()
        rows = _annotated(shared)
    else:
        if not isinstance(criteria.query, list):
            return base | _reject("rjct.search_criteria.invalid", "expression takes a list")
        try:
            condition = _expression(criteria.query)
        except ValueError as error:
            return base | _reject("rjct.search_criteria.invalid", str(error))
        rows = _annotated(consent.shared_households(visible, SHARING, on)).filter(condition)
    rows = rows.order_by("code")
    total = rows.count()
    size, number = criteria.pagination.page_size, criteria.pagination.page_number
    page = list(rows[(number - 1) * size : number * size])
    for h in page:
        services.audit_read(actor=user, channel="api", what="DCI search", household=h)
    answer = base | {
        "status": "succ",
        "data": {
            "version": VERSION,
            "reg_type": criteria.reg_type,
            "reg_records": [_record(h, fields, item.locale, on) for h in page],
        },
        "pagination": {"page_size": size, "page_number": number, "total_count": total},
        "locale": item.locale,
    }
    if withheld:
        answer["consent_withheld"] = True
    return answer


def _reject(code: str, message: str) -> dict[str, Any]:
    return {"status": "rjct", "status_reason_code": code, "status_reason_message": message}


def _responded(
    body: SearchEnvelope | EnrolledEnvelope, action: str, answers: list[dict[str, Any]]
) -> Status[Any]:
    """The DCI answer (``on-<action>``) to ``body``'s transaction: its ``<action>_response``."""
    return Status(
        200,
        {
            "header": _header(body.header, f"on-{action}"),
            "message": {
                "transaction_id": body.message.transaction_id,
                "correlation_id": str(uuid.uuid4()),
                f"{action}_response": answers,
            },
        },
    )


def _search(request: HttpRequest, body: SearchEnvelope) -> Status[Any]:
    if not access.can_read_registry(request.user):
        return Status(403, {"detail": "the registry is for its staff"})
    try:
        answers = [_search_one(request, item) for item in body.message.search_request]
    except Refused:
        return Status(403, {"detail": "an identifier names a household outside your governorates"})
    return _responded(body, "search", answers)


@router.post(
    "/dci/registry/sync/search",
    response=_answers(Envelope),
    auth=AUTH,
    operation_id="dci_sync_search",
    summary="Search the registry and answer at once",
)
def sync_search(request: HttpRequest, body: SearchEnvelope) -> Status[Any]:
    return _search(request, body)


@router.post(
    "/dci/registry/search",
    response=_answers(Envelope),
    auth=AUTH,
    operation_id="dci_search",
    summary="Search the registry; collect the answer with txn/status",
)
def search(request: HttpRequest, body: SearchEnvelope) -> Status[Any]:
    answer = _search(request, body)
    if answer.status_code != 200:
        return answer
    m.DciTransaction.objects.update_or_create(
        user_id=request.user.pk or 0,
        transaction_id=body.message.transaction_id,
        defaults={"answer": answer.value},
    )
    return Status(
        200,
        {
            "header": _header(body.header, "search", status="rcvd"),
            "message": {
                "ack_status": "ACK",
                "timestamp": _now(),
                "correlation_id": answer.value["message"]["correlation_id"],
            },
        },
    )


@router.post(
    "/dci/registry/sync/txn/status",
    response=_answers(Envelope, lookup=True),
    auth=AUTH,
    operation_id="dci_txn_status",
    summary="The answer of an earlier search, by its transaction",
)
def txn_status(request: HttpRequest, body: TxnStatusEnvelope) -> Status[Any]:
    if not access.can_read_registry(request.user):
        return Status(403, {"detail": "the registry is for its staff"})
    found = m.DciTransaction.objects.filter(
        user_id=request.user.pk or 0, transaction_id=body.message.transaction_id
    ).first()
    if found is None:
        return Status(
            404, {"detail": f"no search under transaction {body.message.transaction_id!r}"}
        )
    return Status(200, found.answer)


@router.post(
    "/dci/registry/sync/enrolled",
    response=_answers(Envelope),
    auth=AUTH,
    operation_id="dci_enrolled",
    summary="Whether persons are enrolled beneficiaries of a programme",
)
def enrolled(request: HttpRequest, body: EnrolledEnvelope) -> Status[Any]:
    if not access.can_read_registry(request.user):
        return Status(403, {"detail": "the registry is for its staff"})
    visible = access.visible_households(request.user)
    answers = []
    for item in body.message.enrolled_request:
        query = item.enrolled_criteria.query
        nid, programme = query.person_identifier["eq"], query.programme_identifier["eq"]
        households = m.Household.objects.filter(
            members__person__national_id=nid, members__end__isnull=True
        )
        if households.exclude(pk__in=visible.values("pk")).exists():
            return Status(
                403, {"detail": "an identifier names a household outside your governorates"}
            )
        person = m.Person.objects.filter(
            national_id=nid, memberships__household__in=households
        ).first()
        home = households.first()
        if (
            person is not None
            and home is not None
            and not consent.person_shared(person, home, SHARING, timezone.localdate())
        ):
            answers.append(
                {"reference_id": item.reference_id, "timestamp": _now()}
                | _reject("rjct.consent.absent", "the person has not consented to sharing")
            )
            continue
        active = m.Enrolment.objects.filter(
            household__in=households,
            programme__code=programme,
            status=m.EnrolmentStatus.ACTIVE,
        )
        for h in households:
            services.audit_read(actor=request.user, channel="api", what="DCI enrolled", household=h)
        answers.append(
            {
                "reference_id": item.reference_id,
                "timestamp": _now(),
                "status": "succ",
                "enrolled_status": "yes" if active.exists() else "no",
            }
        )
    return _responded(body, "enrolled", answers)


class GroupOut(Schema):
    record: dict[str, Any]


@router.get(
    "/households/{code}",
    response=_answers(GroupOut, lookup=True),
    auth=AUTH,
    operation_id="registry_household",
    summary="One household, with only the fields asked for",
)
def household(request: HttpRequest, code: str, fields: str = "") -> Status[Any]:
    wanted = {f for f in fields.split(",") if f}
    unknown = sorted(wanted - set(RECORD_FIELDS))
    if unknown:
        return Status(
            422, {"detail": [{"loc": ["query", "fields"], "msg": f"unknown fields {unknown}"}]}
        )
    code = code[:40]
    on = timezone.localdate()
    try:
        access.require(access.can_read_registry(request.user), "the registry is for its staff")
        found = m.Household.objects.filter(code=code).first()
        if found is None:
            return Status(404, {"detail": f"no household {code!r}"})
        access.require_household(request.user, found)
        shared = consent.shared_households(m.Household.objects.filter(pk=found.pk), SHARING, on)
        if not shared.exists():
            return Status(
                403, {"detail": "the head of this household has not consented to sharing"}
            )
        services.read_household(actor=request.user, code=code, channel="api")  # audited
    except access.NotAllowed as refused:
        return Status(403, {"detail": str(refused)})
    return Status(200, {"record": _record(_annotated(shared).get(), wanted, "en", on)})


# --- referrals between services -------------------------------------------------------------


class ServiceReferralIn(Schema):
    household: str = Field(max_length=40, description="the household's code")
    person: str | None = Field(
        default=None, max_length=40, description="the code of the member referred (none: all)"
    )
    from_service: str = Field(min_length=1, max_length=80)
    to_service: str = Field(min_length=1, max_length=80)
    reason: str = Field(min_length=1, max_length=5000)


class ServiceReferralOutcomeIn(Schema):
    status: Literal["accepted", "completed", "declined"]
    outcome: str = Field(min_length=1, max_length=5000)


class ServiceReferralOut(Schema):
    id: int
    household: str
    person: str | None
    from_service: str
    to_service: str
    reason: str
    status: str
    outcome: str
    sent_on: dt.date
    closed_on: dt.date | None


def _referral(r: m.Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "household": r.household.code,
        "person": r.person.code if r.person is not None else None,
        "from_service": r.from_service,
        "to_service": r.to_service,
        "reason": r.reason,
        "status": r.status,
        "outcome": r.outcome,
        "sent_on": r.sent_on,
        "closed_on": r.closed_on,
    }


def _referral_answers() -> dict[int, Any]:
    out = _answers(ServiceReferralOut, lookup=True)
    out[201] = ServiceReferralOut
    return dict(sorted(out.items()))


@router.post(
    "/referrals",
    response=_referral_answers(),
    auth=AUTH,
    operation_id="registry_refer",
    summary="Refer a household or one of its members to another service (with consent)",
)
def refer(request: HttpRequest, body: ServiceReferralIn) -> Status[Any]:
    try:
        h = services.read_household(actor=request.user, code=body.household, channel="api")
        person = None
        if body.person:
            person = m.Person.objects.filter(code=body.person, memberships__household=h).first()
            if person is None:
                return Status(404, {"detail": f"no member {body.person!r} in {h.code}"})
        made = services.refer(
            actor=request.user, household=h, person=person, from_service=body.from_service,
            to_service=body.to_service, reason=body.reason,
        )  # fmt: skip
    except m.Household.DoesNotExist:
        return Status(404, {"detail": f"no household {body.household!r}"})
    except (access.NotAllowed, consent.NoConsentError) as refused:
        return Status(403, {"detail": str(refused)})
    return Status(201, _referral(made))


def _own_referral(request: HttpRequest, pk: int) -> m.Referral:
    found = m.Referral.objects.select_related("household", "person").filter(pk=pk).first()
    if found is None:
        raise m.Referral.DoesNotExist(f"no referral {pk}")
    services.read_household(actor=request.user, code=found.household.code, channel="api")
    return found


@router.get(
    "/referrals/{pk}",
    response=_answers(ServiceReferralOut, lookup=True),
    auth=AUTH,
    operation_id="registry_referral",
    summary="A referral and where it stands",
)
def referral(request: HttpRequest, pk: int) -> Status[Any]:
    try:
        return Status(200, _referral(_own_referral(request, pk)))
    except m.Referral.DoesNotExist as missing:
        return Status(404, {"detail": str(missing)})
    except access.NotAllowed as refused:
        return Status(403, {"detail": str(refused)})


@router.post(
    "/referrals/{pk}/outcome",
    response=_answers(ServiceReferralOut, lookup=True),
    auth=AUTH,
    operation_id="registry_referral_outcome",
    summary="Record what became of a referral (accepted, completed or declined)",
)
def referral_outcome(request: HttpRequest, pk: int, body: ServiceReferralOutcomeIn) -> Status[Any]:
    try:
        found = _own_referral(request, pk)
        if found.status in (m.ReferralStatus.COMPLETED, m.ReferralStatus.DECLINED):
            return Status(400, {"detail": f"referral {pk} is closed ({found.status})"})
        done = services.close_referral(
            actor=request.user, referral=found, status=body.status, outcome=body.outcome
        )
    except m.Referral.DoesNotExist as missing:
        return Status(404, {"detail": str(missing)})
    except access.NotAllowed as refused:
        return Status(403, {"detail": str(refused)})
    return Status(200, _referral(done))
