"""Create an HR editor's account: staff, in the "HR editors" group, nothing more."""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP = "HR editors"  # created by migration vacancies 0007
PASSWORD_VARIABLE = "HR_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an HR editor who can import, edit, publish and archive vacancies in the "
        f"admin. The password is asked for, or read from {PASSWORD_VARIABLE}."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError(f"The {GROUP!r} group is missing: run migrate first.") from None
        user = User(username=username, email=email, is_staff=True)
        password = self._password(user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(f"Created HR editor {username!r}; they can now log in to the admin.")

    def _password(self, user) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is not None:
            self._validate(password, user)
            return password
        if not self.stdin_is_interactive():
            raise CommandError(f"No terminal to ask for a password: set {PASSWORD_VARIABLE}.")
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                self._validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    def stdin_is_interactive(self) -> bool:
        return sys.stdin.isatty()

    @staticmethod
    def _validate(password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
