"""Forms of the analysts' page (validated on the server)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insaf.web.observatory import models as m


class DisclosureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.DisclosurePolicy
        fields = ["min_count", "cv_caution", "cv_suppress", "secondary"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        caution, suppress = data.get("cv_caution"), data.get("cv_suppress")
        if caution is not None and suppress is not None and suppress < caution:
            raise forms.ValidationError(_("The suppression CV must not be below the caution CV."))
        for name in ("cv_caution", "cv_suppress"):
            value = data.get(name)
            if value is not None and not 0 < value < 10:
                self.add_error(name, _("Give the CV as a fraction, for example 0.165."))
        return data


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=m.Indicator.objects.all(), label=_("Indicator"))
    value = forms.FloatField(label=_("Target value"), required=False)
    year = forms.IntegerField(
        label=_("Target year"), min_value=1900, max_value=2200, required=False
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), min_value=1900, max_value=2200, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("value") is None) != (data.get("year") is None):
            raise forms.ValidationError(
                _("Give both a target value and a target year, or neither.")
            )
        base, year = data.get("baseline_year"), data.get("year")
        if base is not None and year is not None and base >= year:
            self.add_error("baseline_year", _("The baseline year must be before the target year."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tidy CSV of observations"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload
