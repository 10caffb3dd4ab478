"""The citizen's sign-up form: address, name, password twice (Django's password rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

__all__ = ["SignUpForm"]


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=150)
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from django.contrib.auth.models import User

            probe = User(username=data.get("email", ""), email=data.get("email", ""))
            probe.first_name = data.get("name", "")
            try:
                validate_password(first, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
