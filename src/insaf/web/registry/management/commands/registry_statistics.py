"""``python -m insaf.web registry_statistics``: publish the grievance indicators in the
observatory (``insaf.web.registry.indicators``), in the name of an account (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insaf.web.registry import access
from insaf.web.registry.indicators import publish_grievance_statistics


class Command(BaseCommand):
    help = "Publish the registry's grievance statistics in the observatory (a release)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="A year (repeat); all.")
        parser.add_argument("--by", required=True, help="The account publishing (audited).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["by"]).first()
        if actor is None:
            raise CommandError(f"--by: no account {options['by']!r}")
        if not access.can_change(actor):
            raise CommandError("a registry officer or an administrator publishes statistics")
        report = publish_grievance_statistics(actor=actor, years=options["year"])
        if report is None:
            self.stdout.write("no grievance to publish")
            return
        self.stdout.write(
            f"{report.cells} cells: {report.published} published, "
            f"{report.primary + report.secondary} withheld"
        )
