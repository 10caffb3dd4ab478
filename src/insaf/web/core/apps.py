from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "insaf.web.core"
    label = "core"
    verbose_name = "INSAF core"

    def ready(self) -> None:
        from insaf.web.core.roles import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="insaf.core.ensure_roles")
