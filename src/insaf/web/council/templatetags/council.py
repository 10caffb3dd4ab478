"""Template helpers of the council: bilingual text with its language, labels, numbers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from insaf.web.core.language import page_language
from insaf.web.core.numbers import formatted
from insaf.web.council import access
from insaf.web.council import models as m
from insaf.web.council.presentation import pick

register = template.Library()


@register.filter
def bi(obj: Any, name: str) -> SafeString:
    """``obj.<name>_<language>``, else the other language's text marked with its ``lang``.

    The text is escaped; ``dir="auto"`` lets the browser set its direction.
    """
    text, code = pick(obj, name)
    if code != page_language():
        return format_html('<span lang="{}" dir="auto">{}</span>', code, text)
    return format_html('<span dir="auto">{}</span>', text)


@register.filter
def who(user: Any) -> str:
    """The name a person shows publicly (full name, else username)."""
    from insaf.web.council.presentation import display_name

    return display_name(user)


_CHOICES: dict[str, Any] = {
    "referral_status": m.ReferralStatus,
    "referral_kind": m.ReferralKind,
    "verdict": m.Verdict,
    "commitment_status": m.CommitmentStatus,
    "expected": m.Expected,
    "choice": m.Choice,
    "vote_result": m.VoteResult,
    "petition_status": m.PetitionStatus,
    "comment_kind": m.CommentKind,
    "majority": m.Majority,
}


@register.filter
def label(value: Any, kind: str) -> str:
    """The translated label of a stored choice (``{{ r.status|label:"referral_status" }}``)."""
    choices = _CHOICES[kind]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def movement_label(verdict: str) -> str:
    names = {
        "improved": _("moved as expected, beyond sampling error"),
        "worsened": _("moved the wrong way, beyond sampling error"),
        "within_noise": _("change within sampling error"),
        "not_yet": _("no data published since the baseline year"),
        "no_data": _("no published value in or before the baseline year"),
        "no_se": _("no standard error: precision unknown"),
    }
    return str(names.get(verdict, verdict))


@register.filter
def signed(value: float | None, decimals: int = 1) -> str:
    return formatted(value, f"+,.{int(decimals)}f")


@register.filter
def percent(value: float | None, decimals: int = 0) -> str:
    """A share as a percentage (``0.052`` → ``5%``)."""
    return formatted(value, f".{int(decimals)}%")


@register.filter
def series_label(key: str) -> str:
    """A disaggregation key (``sex=female``) as the names of its group, or "Total"."""
    if not key:
        return str(_("Total"))
    from insaf.web.observatory.queries import Labels

    return Labels().key(key)


@register.simple_tag
def council_roles(user: Any) -> dict[str, Any]:
    return {
        "member": access.member_seat(user) is not None,
        "bureau": access.is_bureau(user),
        "focal": access.focal_ministry(user),
        "verified": access.is_verified(user),
    }
