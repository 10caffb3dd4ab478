from __future__ import annotations

from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "insaf.web.observatory"
    label = "observatory"
    verbose_name = "Social Observatory"
