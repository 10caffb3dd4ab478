"""The focal point's form: one amount of one line in one phase."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AmountForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.FloatField(label=_("Amount"))
    note = forms.CharField(label=_("Why (kept in the audit log)"), required=False, max_length=2000)

    def clean_amount(self) -> Any:
        value = self.cleaned_data["amount"]
        if not math.isfinite(value):
            raise forms.ValidationError(_("The amount must be a finite number."))
        return value
