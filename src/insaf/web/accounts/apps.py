from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "insaf.web.accounts"
    label = "accounts"
    verbose_name = "INSAF accounts"
