"""``python -m insaf.web registry_token issue|list|revoke``: the registry API's tokens.

Every change is made in the name of an account (``--by``, a registry officer or an
administrator, or the token's owner) and audited as if made on the site. A new
token is printed once; only its SHA-256 and first characters are kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insaf.errors import DataError
from insaf.web.registry import access, services
from insaf.web.registry import models as m


def _user(username: str, what: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        raise CommandError(f"{what}: no account {username!r}")
    return found


class Command(BaseCommand):
    help = "Issue, list and revoke tokens of the registry's API (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="Issue a token to an account (printed once).")
        issue.add_argument("user", help="The account the token acts as.")
        issue.add_argument("--name", required=True, help="What the token is for.")
        issue.add_argument("--by", required=True, help="The account issuing it (audited).")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--user", help="Only this account's tokens.")
        listing.add_argument("--by", required=True, help="The account asking.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its number.")
        revoke.add_argument("token", type=int, help="The token's number (see list).")
        revoke.add_argument("--by", required=True, help="The account revoking it (audited).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _user(options["by"], "--by")
        try:
            if options["action"] == "issue":
                raw = services.issue_token(
                    actor=actor, user=_user(options["user"], "user"), name=options["name"]
                )
                self.stdout.write(raw)
                self.stderr.write(
                    "Keep this token now: it is not stored and cannot be shown again."
                )
            elif options["action"] == "list":
                owner = _user(options["user"], "--user") if options.get("user") else None
                for token in services.tokens(actor=actor, user=owner):
                    state = (
                        f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
                        if token.revoked_at
                        else "active"
                    )
                    self.stdout.write(
                        f"{token.pk}\t{token.user.get_username()}\t{token.name}\t"
                        f"{token.prefix}…\t{token.created_at:%Y-%m-%d %H:%M}\t{state}"
                    )
            else:
                found = m.ApiToken.objects.filter(pk=options["token"]).first()
                if found is None:
                    raise CommandError(f"no token number {options['token']}")
                services.revoke_token(actor=actor, token=found)
                self.stdout.write(f"revoked token {found.pk} of {found.user.get_username()}")
        except access.NotAllowed as refused:
            raise CommandError(str(refused)) from None
        except DataError as wrong:
            raise CommandError(str(wrong)) from None
