"""The registry's forms: grievance intake and decision, referrals and their follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insaf.web.registry import models as m


class GrievanceForm(forms.Form):
    household = forms.CharField(label=_("Household code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind of grievance"), choices=m.GrievanceKind.choices)
    description = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"dir": "auto"})
    )


class DecisionForm(forms.Form):
    """The decision on a grievance, with a corrected value when the record was wrong."""

    upheld = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Upheld")), ("no", _("Rejected"))],
    )
    resolution = forms.CharField(
        label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"dir": "auto"})
    )
    variable = forms.CharField(label=_("Corrected variable"), max_length=80, required=False)
    value = forms.FloatField(label=_("Corrected value"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("variable")) != (data.get("value") is not None):
            raise forms.ValidationError(_("Give both the variable and its corrected value."))
        return data


class ReferralForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=m.ReferralStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={"dir": "auto"})
    )


class NewReferralForm(forms.Form):
    """A referral from one service to another, of a member or of the whole household."""

    person = forms.ChoiceField(label=_("Who is referred"), required=False)
    from_service = forms.CharField(label=_("From the service"), max_length=80)
    to_service = forms.CharField(label=_("To the service"), max_length=80)
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"dir": "auto"})
    )
    consent = forms.BooleanField(
        label=_("The person referred (for a minor or the whole household, the head) consents "
                "to this referral today"),
        required=False,
    )  # fmt: skip

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        if isinstance(person, forms.ChoiceField):
            person.choices = [("", _("The whole household")), *members]
