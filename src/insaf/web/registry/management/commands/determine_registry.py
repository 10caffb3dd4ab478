"""``python -m insaf.web determine_registry --as-of DATE --by OFFICER``: a bulk determination run.

Every household under each programme's ruleset in force on the date (or the
programmes named with ``--programme``), every determination stored
(``insaf.web.registry.bulk``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from insaf.web.registry import bulk


class Command(BaseCommand):
    help = "Determine every household under the rulesets in force on a date and store it all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--by", required=True, help="the registry officer running it")
        parser.add_argument("--programme", action="append", help="a programme's code (repeat)")
        parser.add_argument("--chunk", type=int, default=250_000, help="households at a time")
        parser.add_argument(
            "--threads", type=int, default=2, help="threads reading and computing (PostgreSQL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: dt.date = options["as_of"]
        actor = User.objects.filter(username=options["by"]).first()
        if actor is None:
            raise CommandError(_("No account %(name)s.") % {"name": options["by"]})
        try:
            rulesets = bulk.in_force(as_of, options["programme"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        report = bulk.determine_all(
            actor=actor, rulesets=rulesets, as_of=as_of, chunk=options["chunk"],
            threads=options["threads"],
            say=self.stdout.write,
        )  # fmt: skip
        for code, count in report.by_programme.items():
            self.stdout.write(
                _("%(programme)s: %(count)s households") % {"programme": code, "count": count}
            )
        took = time.perf_counter() - started
        line = _("%(stored)s determinations as of %(date)s stored in %(seconds).1f s")
        self.stdout.write(
            line % {"stored": report.stored, "date": as_of.isoformat(), "seconds": took}
        )
