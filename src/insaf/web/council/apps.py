from __future__ import annotations

from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "insaf.web.council"
    label = "council"
    verbose_name = "INSAF Economic and Social Council"
