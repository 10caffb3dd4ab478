"""What the council's pages show, assembled from stored data (nothing here writes).

Context builders for the bigger pages, the summary of an impact statement
read from its stored ``impact.json``, the timeline of a referral (every step
with its time and who took it), movement charts, and CSV rows (cells that a
spreadsheet would run as a formula are prefixed with an apostrophe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.measures.registry import measure_labels
from insaf.policy.assessment import LINE_NAMES
from insaf.web.core.language import page_language
from insaf.web.council import access, accountability, queries
from insaf.web.council import forms as f
from insaf.web.council import models as m
from insaf.web.council.rights_view import rights_view
from insaf.web.observatory.charts import ChartSeries, Point, trend_svg

AnyUser = AbstractBaseUser | AnonymousUser


def pick(obj: Any, name: str) -> tuple[str, str]:
    """``(text, language)``: the active language's version, else the other one.

    The versions are ``<name>_en`` and ``<name>_ar``; where a model has no
    ``<name>_en`` (a commitment's ``title``, a correction's ``note``), ``<name>``
    is the English.
    """
    first = page_language()
    other = "en" if first == "ar" else "ar"

    def get(key: str, default: Any) -> Any:
        return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)

    for code in (first, other):
        text = get(f"{name}_{code}", None)
        if text is None and code == "en":
            text = get(name, "")
        if text:
            return str(text), code
    return "", first


# -- the referral page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    at: Any
    what: str
    who: str = ""
    link: str = ""


def isolate(text: str) -> str:
    """Text typed by a person, isolated (FSI ... PDI) inside a sentence of the other direction."""
    return f"\u2068{text}\u2069"


def display_name(user: Any) -> str:
    """The name a person shows publicly (full name, else username)."""
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


def timeline(referral: m.Referral) -> list[Step]:
    """Every step of a referral with when it happened and who took it."""
    steps = [
        Step(referral.received_at, _("Referral registered"), display_name(referral.created_by))
    ]
    for statement in referral.statements.select_related("published_by"):
        steps.append(
            Step(
                statement.published_at,
                _("Impact statement, version %(v)s") % {"v": statement.version},
                display_name(statement.published_by),
            )
        )
    consultation = getattr(referral, "consultation", None)
    if consultation is not None:
        steps.append(
            Step(
                consultation.opens_at, _("Consultation opens"), display_name(consultation.opened_by)
            )
        )
        steps.append(Step(consultation.closes_at, _("Consultation closes")))
        for position in consultation.positions.select_related("group", "published_by"):
            steps.append(
                Step(
                    position.published_at,
                    _("Position of %(group)s, version %(v)s")
                    % {"group": isolate(pick(position.group, "name")[0]), "v": position.version},
                    display_name(position.published_by),
                )
            )
    opinion = getattr(referral, "opinion", None)
    if opinion is not None:
        for vote in opinion.votes.select_related("opened_by", "closed_by"):
            steps.append(
                Step(vote.opened_at, _("Plenary vote opened"), display_name(vote.opened_by))
            )
            if vote.closed_at is not None:
                steps.append(
                    Step(
                        vote.closed_at,
                        _("Plenary vote closed: %(result)s")
                        % {"result": m.VoteResult(vote.result).label},
                        display_name(vote.closed_by),
                    )
                )
        for version in opinion.versions.select_related("published_by"):
            steps.append(
                Step(
                    version.published_at,
                    _("Opinion published, version %(v)s") % {"v": version.version},
                    display_name(version.published_by),
                )
            )
        responses = m.Response.objects.filter(recommendation__opinion=opinion).select_related(
            "recommendation", "published_by"
        )
        for response in responses:
            steps.append(
                Step(
                    response.published_at,
                    _("Government response to recommendation %(n)s: %(verdict)s")
                    % {
                        "n": response.recommendation.number,
                        "verdict": m.Verdict(response.verdict).label,
                    },
                    display_name(response.published_by),
                )
            )
        for commitment in m.Commitment.objects.filter(
            recommendation__opinion=opinion
        ).select_related("created_by"):
            steps.append(
                Step(
                    commitment.created_at,
                    _("Commitment: %(title)s") % {"title": isolate(pick(commitment, "title")[0])},
                    display_name(commitment.created_by),
                )
            )
    return sorted(steps, key=lambda s: s.at)


@dataclass(frozen=True, slots=True)
class BudgetChangeView:
    """A statement's budget change as the pages state it (amounts in millions)."""

    text: str
    year: int
    phase: str
    currency: str
    rows: list[tuple[str, str | None, float, float, float]]
    """Per programme: name, its page on the platform (if the budget is stored), envelope
    before, after, and the difference."""


def budget_change(statement: m.ImpactStatement | None) -> BudgetChangeView | None:
    """The budget change a statement is about, in the active language (``None`` when its
    subject is not a budget)."""
    if statement is None or not statement.budget_change:
        return None
    from insaf.budget.change import BudgetChange
    from insaf.web.budget.presentation import phase_name
    from insaf.web.budget.queries import programme_pages

    stored = statement.budget_change
    change = BudgetChange.from_dict(stored)
    code = page_language()
    pages = programme_pages(str(stored.get("budget") or ""), [p.code for p in change.programmes])
    rows = [
        (
            p.name.get(code),
            pages[p.code],
            p.before / 1e6,
            p.after / 1e6,
            p.difference / 1e6,
        )
        for p in change.programmes
    ]
    return BudgetChangeView(
        text=change.describe(code),
        year=change.year,
        phase=phase_name(change.phase),
        currency=change.currency,
        rows=rows,
    )


def referral_context(referral: m.Referral, user: AnyUser) -> dict[str, Any]:
    statements = list(referral.statements.order_by("-version"))
    opinion = getattr(referral, "opinion", None)
    recs: list[Any] = []
    if opinion is not None and opinion.status == m.OpinionStatus.ADOPTED:
        recs = list(queries.recommendations().filter(opinion=opinion))
    bureau = access.is_bureau(user)
    return {
        "referral": referral,
        "attachments": referral.attachments.only("pk", "name", "size", "uploaded_at"),
        "statements": statements,
        "statement": statements[0] if statements else None,
        "impact": impact_summary(statements[0]) if statements else None,
        "budget_change": budget_change(statements[0] if statements else None),
        "consultation": getattr(referral, "consultation", None),
        "opinion": opinion,
        "recommendations": recs,
        "petition": getattr(referral, "petition", None),
        "timeline": timeline(referral),
        "bureau": bureau,
        "can_draft": access.can_draft(user, referral),
        "rapporteur_form": f.RapporteurForm() if bureau else None,
        "consultation_form": f.ConsultationForm() if bureau else None,
        "now": timezone.now(),
    }


# -- the consultation page ------------------------------------------------------------------


def consultation_context(
    request: HttpRequest, consultation: m.Consultation, form: Any = None
) -> dict[str, Any]:
    user = request.user
    q = request.GET.get("q", "").strip()[:200]
    order = request.GET.get("order", "")
    comments = queries.comments(consultation, q=q, order=order)
    supported: set[int] = set()
    if user.is_authenticated:
        supported = set(
            m.Support.objects.filter(
                user_id=user.pk, comment__consultation=consultation
            ).values_list("comment_id", flat=True)
        )
    seat = access.member_seat(user)
    positions = list(consultation.positions.select_related("group", "published_by"))
    latest: dict[int, m.Position] = {}
    for position in positions:
        if position.group_id not in latest or position.version > latest[position.group_id].version:
            latest[position.group_id] = position
    counts = consultation.comments.aggregate(
        visible=Count("id", filter=Q(status=m.CommentStatus.VISIBLE)),
        removed=Count("id", filter=~Q(status=m.CommentStatus.VISIBLE)),
    )
    return {
        "consultation": consultation,
        "referral": consultation.referral,
        "is_open": consultation.is_open(),
        "comments": comments,
        "supported": supported,
        "query": q,
        "order": order,
        "counts": counts,
        "positions": sorted(latest.values(), key=lambda p: p.group.position),
        "older_positions": [p for p in positions if latest[p.group_id].pk != p.pk],
        "form": form or f.CommentForm(),
        "report_form": f.ReportForm(),
        "position_form": f.PositionForm() if seat is not None else None,
        "seat": seat,
        "bureau": access.is_bureau(user),
    }


# -- opinions -------------------------------------------------------------------------------


def version_recommendations(
    opinion: m.Opinion, version: m.OpinionVersion | None
) -> list[dict[str, Any]]:
    """The recommendations as the version published them (or the draft's, before adoption)."""
    if version is not None:
        return [dict(r) for r in version.recommendations]
    return [
        {
            "number": r.number,
            "text_en": r.text_en,
            "text_ar": r.text_ar,
            "ministry": r.ministry.code,
            "indicators": [i.code for i in r.indicators.all()],
            "groups": [str(c) for c in r.groups.select_related("dimension")],
        }
        for r in opinion.recommendations.select_related("ministry").prefetch_related("indicators")
    ]


# -- impact statements ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    """An estimate as shown: value, interval, and whether the interval excludes zero."""

    value: float | None
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def _num(estimate: Any, scale: float = 1.0) -> Num:
    if not isinstance(estimate, dict):
        return Num(None, None, None)

    def get(key: str) -> float | None:
        value = estimate.get(key)
        return None if value is None else float(value) * scale

    # "estimate": the key of impacts stored before the glossary named it "value"
    return Num(get("value" if "value" in estimate else "estimate"), get("ci_low"), get("ci_high"))


@dataclass(slots=True)
class ReformView:
    name: str
    label: str
    solved: dict[str, Any] | None
    net: Num
    poverty: list[dict[str, Any]] = field(default_factory=list)
    inequality: list[dict[str, Any]] = field(default_factory=list)
    deciles: list[dict[str, Any]] = field(default_factory=list)
    overall: dict[str, Num] = field(default_factory=dict)
    rights: dict[str, Any] | None = None


def _line_name(meta: dict[str, Any], line: str, code: str) -> str:
    """A poverty line's name in ``code``: the statement's own, else INSAF's usual names
    (statements stored before lines had names), else its id."""
    stored = (meta.get("line_labels") or {}).get(line) or LINE_NAMES.get(line) or {}
    return str(stored.get(code) or line)


def impact_summary(statement: m.ImpactStatement) -> dict[str, Any]:
    """Key numbers of every reform of a stored statement, in the active language."""
    document = statement.impact
    meta = document.get("scenario", {})
    code = page_language()
    labels_of = measure_labels(code)
    reforms: list[ReformView] = []
    for name, reform in document.get("reforms", {}).items():
        labels = (reform.get("notes") or {}).get("labels") or {}
        fiscal = reform.get("fiscal") or []
        view = ReformView(
            name=name,
            label=str(labels.get(code) or reform.get("label") or name),
            solved=reform.get("solved"),
            net=_num(fiscal[-1]["change"]) if fiscal else Num(None, None, None),
        )
        for row in reform.get("poverty", []):
            view.poverty.append(
                {
                    "line": row.get("line"),
                    "name": _line_name(meta, str(row.get("line")), code),
                    "measure": row.get("measure"),
                    "label": labels_of.get(str(row.get("measure")), row.get("measure")),
                    "baseline": _num(row.get("baseline"), 100),
                    "reform": _num(row.get("reform"), 100),
                    "change": _num(row.get("change"), 100),
                }
            )
        for row in reform.get("inequality", []):
            view.inequality.append(
                {
                    "measure": row.get("measure"),
                    "label": labels_of.get(str(row.get("measure")), row.get("measure")),
                    "baseline": _num(row.get("baseline")),
                    "reform": _num(row.get("reform")),
                    "change": _num(row.get("change")),
                }
            )
        for row in reform.get("deciles", []):
            view.deciles.append(
                {
                    # "value": the key of impacts stored before docs/glossary.md
                    "decile": row.get("category", row.get("value")),
                    "mean_change": _num(row.get("mean_change")),
                    "change_share": _num(row.get("change_share"), 100),
                    "winners": _num(row.get("winners"), 100),
                    "losers": _num(row.get("losers"), 100),
                }
            )
        overall = reform.get("winners_losers") or {}
        view.overall = {k: _num(overall.get(k), 100) for k in ("winners", "losers", "unaffected")}
        view.rights = rights_view(reform.get("rights"), code)
        reforms.append(view)
    reforms.sort(key=lambda r: r.name != statement.reform)
    survey = meta.get("survey") or {}
    currency = meta.get("currency") or {}
    return {
        "title": (meta.get("name") or {}).get(code) or "",
        "description": (meta.get("description") or {}).get(code) or "",
        "reforms": reforms,
        "survey_name": (survey.get("name") or {}).get(code) or "",
        "survey_year": survey.get("year"),
        "households": survey.get("households"),
        "persons": survey.get("persons"),
        "currency": (currency.get("name") or {}).get(code) or currency.get("code") or "",
        "confidence": (meta.get("options") or {}).get("confidence", 0.95),
    }


def statement_record(statement: m.ImpactStatement) -> dict[str, Any]:
    """What identifies a statement and lets anyone compute it again."""
    return {
        "referral": statement.referral.code,
        "version": statement.version,
        "published_at": statement.published_at.isoformat(),
        "note": statement.note,
        "note_ar": statement.note_ar,
        "reform": statement.reform,
        "scenario_name": statement.scenario_name,
        "scenario_sha256": statement.scenario_sha256,
        "survey": statement.survey,
        "survey_fingerprint": statement.survey_fingerprint,
        "insaf_version": statement.insaf_version,
    }


# -- commitments ----------------------------------------------------------------------------


def _chart(movement: accountability.Movement, index: int) -> str:
    from insaf.web.core.templatetags.insaf import tr

    name = tr(movement.indicator, "name")
    points = [Point(p.period, p.value, p.ci_low, p.ci_high) for p in movement.series]
    svg = trend_svg(
        [ChartSeries(label=name, points=points)],
        title=name,
        description=_(
            "Published values by year with their 95%% confidence intervals; the commitment's "
            "baseline year is %(year)s."
        )
        % {"year": movement.base.period if movement.base else "–"},
        decimals=movement.indicator.decimals,
        height=260,
    )
    # several charts on one page: their title and description ids must differ
    return svg.replace("chart-title", f"chart-{index}-title").replace(
        "chart-desc", f"chart-{index}-desc"
    )


def commitment_context(
    request: HttpRequest, commitment: m.Commitment, **forms: Any
) -> dict[str, Any]:
    movements = accountability.commitment_movements(commitment)
    can_report = access.answers_for(request.user, commitment.ministry_id)
    return {
        "commitment": commitment,
        "referral": commitment.recommendation.opinion.referral,
        "rec": commitment.recommendation,
        "movements": [(mv, _chart(mv, i)) for i, mv in enumerate(movements)],
        "history": commitment.history.select_related("by"),
        "milestones": commitment.milestones.all(),
        "overdue": commitment.is_overdue(),
        "can_report": can_report,
        "status_form": forms.get("status_form") or (f.StatusForm() if can_report else None),
        "milestone_form": forms.get("milestone_form")
        or (f.MilestoneForm() if can_report else None),
        "today": timezone.localdate(),
    }


# -- CSV ------------------------------------------------------------------------------------


REFERRAL_COLUMNS = (
    "code",
    "kind",
    "status",
    "title_en",
    "title_ar",
    "ministry",
    "received_at",
    "opinion_deadline",
    "rapporteur",
)


def referral_row(r: m.Referral) -> list[Any]:
    return [
        r.code,
        r.kind,
        r.status,
        r.title_en,
        r.title_ar,
        r.ministry.code,
        r.received_at.isoformat(),
        r.opinion_deadline.isoformat() if r.opinion_deadline else "",
        r.rapporteur.get_username() if r.rapporteur else "",
    ]


RECOMMENDATION_COLUMNS = (
    "referral",
    "number",
    "text_en",
    "text_ar",
    "ministry",
    "indicators",
    "groups",
    "response",
    "response_version",
    "responded_at",
    "justification",
)


def recommendation_row(r: m.Recommendation) -> list[Any]:
    latest = queries.latest_response(r)
    return [
        r.opinion.referral.code,
        r.number,
        r.text_en,
        r.text_ar,
        r.ministry.code,
        ";".join(i.code for i in r.indicators.all()),
        ";".join(str(c) for c in r.groups.all()),
        latest.verdict if latest else "",
        latest.version if latest else "",
        latest.published_at.isoformat() if latest else "",
        latest.justification if latest else "",
    ]


COMMITMENT_COLUMNS = (
    "commitment",
    "referral",
    "recommendation",
    "title",
    "ministry",
    "owner",
    "deadline",
    "status",
    "overdue",
    "indicator",
    "group",
    "expected",
    "baseline_period",
    "base_value",
    "latest_period",
    "latest_value",
    "change",
    "se",
    "ci_low",
    "ci_high",
    "verdict",
)


def commitment_rows(c: m.Commitment) -> list[list[Any]]:
    out = []
    for mv in accountability.commitment_movements(c):
        out.append(
            [
                c.pk,
                c.recommendation.opinion.referral.code,
                c.recommendation.number,
                c.title,
                c.ministry.code,
                c.owner,
                c.deadline.isoformat(),
                c.status,
                int(c.is_overdue()),
                mv.indicator.code,
                mv.key,
                mv.expected,
                mv.base.period if mv.base else "",
                mv.base.value if mv.base else "",
                mv.latest.period if mv.latest else "",
                mv.latest.value if mv.latest else "",
                mv.change,
                mv.se,
                mv.ci_low,
                mv.ci_high,
                mv.verdict,
            ]
        )
    return out
