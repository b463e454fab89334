"""``manage.py createuser NAME --role editor|admin``: an account for an editor or an admin."""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import DatabaseError, transaction

from articles.roles import Role, assign_role
from articles.writer import database_refusal

PASSWORD_VARIABLE = "DJANGO_USER_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create an account with a role. The password comes from {PASSWORD_VARIABLE} or is asked for "
        "(twice) in a terminal; admins are also staff, so the Django admin is open to them."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the user name to sign in with")
        parser.add_argument("--role", required=True, choices=Role.values, help="editor (编辑) or admin (管理员)")
        parser.add_argument("--email", default="", help="e-mail address (optional)")

    def handle(self, *args: object, **opts: object) -> None:
        try:
            self._create(opts)
        except DatabaseError as exc:  # no server, no database, not migrated: said in one line
            raise CommandError(database_refusal(exc)) from None

    def _create(self, opts: dict) -> None:
        # call_command(stdin=…) lets tests stand in for a terminal, as Django's createsuperuser does.
        self.stdin = opts.get("stdin") or sys.stdin
        User = get_user_model()
        role = Role(opts["role"])
        user = User(username=str(opts["name"]).strip(), email=str(opts["email"]).strip())
        try:
            if not user.get_username():
                raise ValidationError("the name is empty")
            User._meta.get_field(User.USERNAME_FIELD).run_validators(user.get_username())
            if user.email:
                validate_email(user.email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if User._default_manager.filter(username=user.get_username()).exists():
            raise CommandError(
                f"a user named {user.get_username()!r} already exists; change their groups in the admin "
                "or their password with manage.py changepassword"
            )
        password = self._password()
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            try:
                assign_role(user, role)
            except Group.DoesNotExist:
                raise CommandError(f"the group {role.label!r} does not exist: run manage.py migrate first") from None
        extra = "; staff, so /admin/ is open to them" if user.is_staff else ""
        self.stdout.write(self.style.SUCCESS(f"created {user.get_username()} ({role.value}, {role.label}){extra}"))

    def _password(self) -> str:
        # Read here, not in settings: a one-off secret for this command, like Django's
        # DJANGO_SUPERUSER_PASSWORD.
        from_env = os.environ.get(PASSWORD_VARIABLE)
        if from_env is not None:
            if not from_env:
                raise CommandError(f"{PASSWORD_VARIABLE} is set but empty")
            return from_env
        if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(f"no password: set {PASSWORD_VARIABLE} or run the command in a terminal")
        password = getpass.getpass("Password: ")
        if not password:
            raise CommandError("the password is empty")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("the two passwords differ")
        return password
