"""The opinion cites rights findings of the referral's impact statements.

The rapporteur (or the bureau) cites a finding while the opinion is a draft:
the finding must be one the statement gives (``insaf.web.council.citations``),
and it is copied as the statement gave it. The published opinion keeps its
citations in each version (``OpinionVersion.citations``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from insaf.web.council import models as m
from insaf.web.council.citations import findings
from insaf.web.council.services.common import (
    Actor,
    RuleError,
    audit,
    clean_text,
    insert_once,
    user_or_none,
)
from insaf.web.council.services.opinions import drafter, lock_draft

__all__ = ["cite_rights_finding", "withdraw_citation"]


def cite_rights_finding(
    *,
    actor: Actor,
    opinion: m.Opinion,
    statement: m.ImpactStatement,
    reform: str,
    test: str,
    key: str = "",
    note_en: str = "",
    note_ar: str = "",
) -> m.RightsCitation:
    """Cite one finding of ``statement`` (a statement of the opinion's referral)."""
    drafter(actor, opinion.referral)
    note_en = clean_text(note_en, field=_("note (English)"), required=False, limit=5000)
    note_ar = clean_text(note_ar, field=_("note (Arabic)"), required=False, limit=5000)
    if statement.referral_id != opinion.referral_id:
        raise RuleError(_("The impact statement belongs to another referral."))
    found = next(
        (
            f
            for f in findings(statement.version, statement.impact)
            if (f.reform, f.test, f.key) == (reform, test, key)
        ),
        None,
    )
    if found is None:
        raise RuleError(
            _("Version %(v)s of the impact statement has no rights finding %(what)s.")
            % {"v": statement.version, "what": " · ".join(p for p in (reform, test, key) if p)}
        )
    with transaction.atomic():
        opinion = lock_draft(opinion)
        citation = insert_once(
            lambda: m.RightsCitation.objects.create(
                opinion=opinion,
                statement=statement,
                reform=reform,
                test=test,
                key=key,
                finding=found.to_dict(),
                note_en=note_en,
                note_ar=note_ar,
                cited_by=user_or_none(actor),
            )
        )
        if citation is None:
            raise RuleError(_("The opinion already cites this finding."))
        audit(
            actor=actor,
            action="opinion.cite",
            obj=citation,
            object_id=opinion.referral.code,
            after=citation.to_dict(),
        )
    return citation


def withdraw_citation(*, actor: Actor, citation: m.RightsCitation) -> None:
    """Take a citation out of the draft."""
    opinion = citation.opinion
    drafter(actor, opinion.referral)
    with transaction.atomic():
        opinion = lock_draft(opinion)
        before = citation.to_dict()
        audit(
            actor=actor,
            action="opinion.uncite",
            obj=opinion,
            object_id=opinion.referral.code,
            before=before,
        )
        citation.delete()
