from __future__ import annotations

from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "insaf.web.budget"
    label = "budget"
    verbose_name = "INSAF plan and budget"
