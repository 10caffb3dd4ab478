from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "insaf.web.core"
    label = "core"
    verbose_name = "INSAF core"

    def ready(self) -> None:
        from insaf.web.core.roles import ensure_roles
        from insaf.web.core.versions import bump_after_migrate

        post_migrate.connect(ensure_roles, dispatch_uid="insaf.core.ensure_roles")
        post_migrate.connect(
            bump_after_migrate, sender=self, dispatch_uid="insaf.core.bump_after_migrate"
        )
