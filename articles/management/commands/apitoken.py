"""``manage.py apitoken NAME``: the key a script sends as ``Authorization: Token <key>``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from articles.auth import issue_token
from articles.models import ApiToken
from articles.roles import role_of


class Command(BaseCommand):
    help = (
        "Print a new API token for the user (POST /api/pages). Only a hash is stored, so a token "
        "is shown once: a user who has one needs --rotate for a new one (the old one stops working). "
        "A token stops working API_TOKEN_DAYS after it was made (365 by default; 0: never)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the user's sign-in name")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--rotate", action="store_true", help="replace the user's token with a new one")
        what.add_argument("--revoke", action="store_true", help="delete the user's token (scripts using it get 401)")

    def handle(self, *args: object, **opts: object) -> None:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(opts["name"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {opts['name']!r} (manage.py createuser makes one)") from None
        if opts["revoke"]:
            deleted, _ = ApiToken.objects.filter(user=user).delete()
            if not deleted:
                raise CommandError(f"{user.get_username()} has no token")
            self.stdout.write(self.style.SUCCESS(f"revoked {user.get_username()}'s token"))
            return
        if not user.is_active:
            raise CommandError(f"{user.get_username()} is inactive: a token would not be accepted")
        key = issue_token(user, rotate=opts["rotate"])
        if key is None:
            raise CommandError(
                f"{user.get_username()} already has a token; it is stored only as a hash and cannot be shown "
                "again. Use --rotate to replace it (scripts using the old one must be given the new one)."
            )
        if role_of(user) is None:
            self.stderr.write(self.style.WARNING(f"{user.get_username()} has no role: the API will answer 403 until they do"))
        expires_at = ApiToken.objects.get(user=user).expires_at
        if expires_at is not None:
            self.stderr.write(f"valid until {timezone.localtime(expires_at).date().isoformat()} (API_TOKEN_DAYS)")
        # The key alone on stdout, so that TOKEN=$(manage.py apitoken NAME) works.
        self.stdout.write(key)
