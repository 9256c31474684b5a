import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

ROLES = {"editor": "Editors", "reporter": "Reporters"}


class Command(BaseCommand):
    help = (
        "Create a newsroom account in the Editors group (or Reporters, with --role reporter) "
        "and print its login. Does nothing if the account exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Defaults to a new random password, printed once.")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also make the account a superuser (it can then manage other accounts).",
        )

    def handle(self, *args, username, email, password, role, superuser, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Account {username!r} already exists "
                f"(python manage.py changepassword {username} sets a new password)."
            )
            return
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist:
            raise CommandError(f"No {ROLES[role]} group: run `manage.py migrate` first.") from None
        password = password or secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            is_staff=True,
            is_superuser=superuser,
        )
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{role.capitalize()} login: {username} / {password}"))
