"""The registry's forms: grievance intake and decision, referral follow-up."""

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
