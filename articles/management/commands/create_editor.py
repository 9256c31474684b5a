import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first editor account and print its login (does nothing if it exists)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Defaults to a new random password, printed once.")

    def handle(self, *args, username, email, password, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Editor {username!r} already exists "
                f"(python manage.py changepassword {username} sets a new password)."
            )
            return
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Editor login: {username} / {password}"))
