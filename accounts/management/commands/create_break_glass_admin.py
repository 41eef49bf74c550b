"""Create or update an administrator's break-glass account: password sign-in for when TARA is down."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import break_glass_admin_save

PASSWORD_ENV = "BREAK_GLASS_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create or update a break-glass administrator. The password is read from the environment "
        f"variable {PASSWORD_ENV} or asked for twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        username = username.strip()
        if not username:
            raise CommandError("Give the username of the break-glass account.")
        password = os.environ.get(PASSWORD_ENV) or self._ask_password()
        existing = User.objects.filter(username=username).first()
        try:
            validate_password(password, user=existing or User(username=username))
        except ValidationError as error:
            raise CommandError("The password is not accepted: " + " ".join(error.messages)) from None
        user, created = break_glass_admin_save(username=username, password=password)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} break-glass administrator {user.username}."))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(f"Set {PASSWORD_ENV} or run the command in a terminal to type the password.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
